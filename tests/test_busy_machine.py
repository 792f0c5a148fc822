"""No false failure on a busy machine: what the machine's load does to a
check that depends on real time is told apart from what the site or an
example does wrong.

(The examples' clock and its tests: tests/test_harness.py; traces:
tests/test_timelines.py.)
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Error

from tests.browser.website import Watch, load
from tools.browser import _Server

# What these tests are about, for make test PAGE= (tests/page_selection.py).
pytestmark = pytest.mark.about("nothing")


class _Tab:
    """A tab whose first loads fail with ``errors``, then succeed."""

    def __init__(self, *errors: str) -> None:
        self.errors, self.loads = list(errors), 0

    def goto(self, url, wait_until):
        self.loads += 1
        if self.errors:
            raise Error(f"Page.goto: {self.errors.pop(0)} at {url}")
        return "response"


def test_a_page_load_the_local_server_dropped_is_loaded_again():
    watch = Watch("http://127.0.0.1:1")
    watch.failed.append("GET http://127.0.0.1:1/: net::ERR_EMPTY_RESPONSE")
    tab = _Tab("net::ERR_EMPTY_RESPONSE")
    assert load(tab, "/", watch) == "response"
    assert tab.loads == 2 and watch.failed == []


@pytest.mark.parametrize("error", ["net::ERR_NAME_NOT_RESOLVED", "Timeout 10000ms exceeded"])
def test_other_load_errors_fail_at_once(error):
    tab = _Tab(error)
    with pytest.raises(Error, match=error):
        load(tab, "/")
    assert tab.loads == 1


def test_a_second_transport_error_is_not_hidden():
    with pytest.raises(Error, match="ERR_CONNECTION_RESET"):
        load(_Tab("net::ERR_EMPTY_RESPONSE", "net::ERR_CONNECTION_RESET"), "/")


def test_the_test_server_queues_many_connections():
    """A browser opens many connections at once; socketserver's default
    backlog, 5, overflows when a loaded machine is slow to accept them."""
    assert _Server.request_queue_size >= 64
