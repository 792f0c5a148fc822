import os

import pytest

from tests.browser.website import built_site as build_once
from tools.examples import pythons
from tools.examples.batch import Batch

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")


@pytest.fixture(scope="session")
def built_site():
    """The whole site, every language, built once per test process (strict);
    the browser tests serve this same build."""
    return build_once()


@pytest.fixture(scope="session")
def batch():
    """Every example run of this test process, each distinct run once."""
    runs = Batch()
    yield runs
    runs.shutdown()


def pytest_terminal_summary(terminalreporter):
    """Which Pythons the examples were checked on, and which not, and why."""
    terminalreporter.section("Pythons")
    for line in pythons.summary():
        terminalreporter.write_line(line)
