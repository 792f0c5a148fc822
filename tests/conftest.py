import os
from pathlib import Path

import pytest

from tests.browser.website import built_site as build_once
from tools.examples import pythons
from tools.examples.batch import Batch

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

# A test that never ends fails instead of hanging the run (tests/stuck.py).
pytest_plugins = ["tests.stuck"]


@pytest.fixture(scope="session")
def built_site():
    """The whole site, every language, built once per test process (strict);
    the browser tests serve this same build."""
    return build_once()


@pytest.fixture(scope="session")
def batch(tmp_path_factory):
    """Every example run of this test session, each distinct run once, also
    across pytest-xdist's workers (they share a directory for the outcomes)."""
    run_id = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    shared = None
    if run_id:
        shared = tmp_path_factory.getbasetemp().parent / f"example-runs-{run_id}"
    runs = Batch(shared)
    yield runs
    runs.shutdown()


def pytest_terminal_summary(terminalreporter):
    """Which Pythons the examples were checked on, and which not, and why."""
    terminalreporter.section("Pythons")
    for line in pythons.summary():
        terminalreporter.write_line(line)


def _about_the_page(item, page) -> bool | None:
    """Whether a test is about ``page`` (docs/<lang>/X.md): an example shown on
    it, or the built page in the browser; None for a test about no page."""
    params = getattr(getattr(item, "callspec", None), "params", {})
    for value in params.values():
        source = getattr(value, "source", None)  # a built page (tests/browser)
        if source is not None:
            return source.resolve() == page.resolve()
        shown_on = getattr(value, "page", None)  # an example
        if isinstance(shown_on, (str, __import__("pathlib").Path)) and str(shown_on).endswith(
            ".md"
        ):
            return str(shown_on) == str(page)
    return None


def pytest_collection_modifyitems(config, items):
    """``PAGE=docs/en/tasks.md make test``: only that page's examples (on every
    Python), its built page in the browser, and the build."""
    page = os.environ.get("PAGE")
    if not page:
        return
    path = Path(page)
    if not path.is_file():
        raise pytest.UsageError(f"PAGE={page}: no such page (docs/<lang>/NAME.md)")
    kept, dropped = [], []
    for item in items:
        about = _about_the_page(item, path)
        build = item.path.name == "test_build.py"
        (kept if about or (about is None and build) else dropped).append(item)
    items[:] = kept
    config.hook.pytest_deselected(items=dropped)


def pytest_xdist_make_scheduler(config, log):
    """With ``-n``: the browser tests of one page run in the same test process,
    which loads that page once for all of them (tests/browser/visits.py).

    A browser test whose parameter id names a page, ``lang/path`` (``en/tasks``,
    ``ru/404``, ``en/search``…), is grouped by those two segments; every other
    test as ``--dist`` says: by file (``loadfile``, what ``make test`` asks
    for), by module or class (``loadscope``), else a unit of its own. (xdist's
    ``--dist loadgroup`` does not group under pytest 9.2, whose node ids it can
    no longer rewrite.)"""
    from xdist.scheduler import LoadScopeScheduling

    dist = config.getoption("dist", "load")

    class ByPage(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            group = browser_group(nodeid)
            if group:
                return group
            if dist == "loadfile":
                return nodeid.split("::", 1)[0]
            if dist == "loadscope":
                return super()._split_scope(nodeid)
            return nodeid

    return ByPage(config, log)


def browser_group(nodeid: str) -> str | None:
    """``tests/browser/test_x.py::test_y[en/tasks]`` -> ``en/tasks``."""
    if not nodeid.startswith("tests/browser/") or not nodeid.endswith("]"):
        return None
    param = nodeid[nodeid.index("[") + 1 : -1]
    parts = param.split("/")
    return "/".join(parts[:2]) if len(parts) >= 2 and parts[0] and parts[1] else None
