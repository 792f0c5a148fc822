import os

import pytest

from tests.browser.website import built_site as build_once

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")


@pytest.fixture(scope="session")
def built_site():
    """The whole site, every language, built once per test process (strict);
    the browser tests serve this same build."""
    return build_once()


def pytest_xdist_make_scheduler(config, log):
    """With ``-n``: the browser tests of one page run in the same test process,
    which loads that page once for all of them (tests/browser/visits.py).

    A browser test whose parameter id names a page, ``lang/path`` (``en/tasks``,
    ``ru/404``, ``en/search``…), is grouped by those two segments; every other
    test is a unit of its own, as with ``--dist load``. (xdist's own
    ``--dist loadgroup`` does not group under pytest 9.2, whose node ids it can
    no longer rewrite.)"""
    from xdist.scheduler import LoadScopeScheduling

    class ByPage(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return browser_group(nodeid) or nodeid

    return ByPage(config, log)


def browser_group(nodeid: str) -> str | None:
    """``tests/browser/test_x.py::test_y[en/tasks]`` -> ``en/tasks``."""
    if not nodeid.startswith("tests/browser/") or not nodeid.endswith("]"):
        return None
    param = nodeid[nodeid.index("[") + 1 : -1]
    parts = param.split("/")
    return "/".join(parts[:2]) if len(parts) >= 2 and parts[0] and parts[1] else None
