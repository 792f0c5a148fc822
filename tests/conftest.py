import os
from pathlib import Path

import pytest

from tests import page_selection as selection
from tests.browser.website import built_site as build_once
from tools.examples import pythons, sandbox
from tools.examples.batch import Batch

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

# A test that never ends fails instead of hanging the run (tests/stuck.py); the
# summary says how many tests, example runs and browser visits were kept from
# an earlier run (tests/kept.py, tests/reuse.py).
pytest_plugins = ["tests.stuck", "tests.kept", "tests.reuse", "pytester"]

# `make test PAGE=docs/<lang>/X.md` (tests/page_selection.py): the page, and
# which of its two sessions this is ("cheap", "slow"; None: one session for all).
PAGE = os.environ.get(selection.PAGE) or None
PHASE = os.environ.get(selection.PHASE) or None
WANTED_RUNS = pytest.StashKey[set]()  # the example runs of the tests kept for the page
BUILDING = pytest.StashKey["selection.Building"]()  # the cheap session's build
_CONFIG = None


def pytest_configure(config):
    global _CONFIG
    _CONFIG = config
    config.addinivalue_line("markers", selection.MARKER_HELP)
    config.stash[FINDINGS] = selection.Findings()
    config.stash[FAILURES] = {}
    site = selection.shared_site()
    if PAGE and site is not None:
        # The build this page's run shares between its sessions: made by the
        # first while it collects and checks the sources (the `built_site`
        # fixture waits for it), read by the second's processes.
        from tests.browser import website

        shown = site
        if PHASE == "cheap":
            config.stash[BUILDING] = selection.Building(site)
            shown = site.parent / "not-built-yet"  # the browser tests' pages: none here
        shown.mkdir(parents=True, exist_ok=True)
        website._built[:] = [shown]


def pytest_unconfigure(config):
    if BUILDING in config.stash:
        config.stash[BUILDING].stop()  # nothing left writing once the run ends


@pytest.fixture(scope="session")
def built_site(request):
    """The whole site, every language, built once per test process (strict);
    the browser tests serve this same build. In `make test PAGE=`, built once
    for both its sessions."""
    site = selection.shared_site() if PAGE else None
    if site is None:
        return build_once()
    if BUILDING in request.config.stash:
        return request.config.stash[BUILDING].result()
    if not selection.is_built(site):
        selection.build_site(site)
    return site


@pytest.fixture(scope="session")
def batch(tmp_path_factory, request):
    """Every example run of this test session, each distinct run once, also
    across pytest-xdist's workers (they share a directory for the outcomes)."""
    run_id = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    shared = None
    if run_id:
        shared = tmp_path_factory.getbasetemp().parent / f"example-runs-{run_id}"
    runs = Batch(shared)
    wanted = request.config.stash.get(WANTED_RUNS, None)
    yield runs if wanted is None else selection.OnlyThese(runs, wanted)
    runs.shutdown()


def pytest_terminal_summary(terminalreporter, config):
    """Which Pythons the examples were checked on, and which not, and why;
    in `make test PAGE=`'s cheap session, what its checks found, each once."""
    if PAGE and PHASE == "cheap":
        _cheap_summary(terminalreporter, config)
        return
    terminalreporter.section("Pythons")
    for line in pythons.summary():
        terminalreporter.write_line(line)
    if unsandboxed := sandbox.notice():  # once, plainly (tools/examples/sandbox.py)
        terminalreporter.write_line(unsandboxed, yellow=True, bold=True)


# --- make test PAGE=docs/<lang>/X.md (tests/page_selection.py) -------------------------


FINDINGS = pytest.StashKey[selection.Findings]()
FAILURES = pytest.StashKey[dict]()  # a failure's message -> the first test that failed so


def pytest_collection_modifyitems(config, items):
    """``make test PAGE=docs/en/tasks.md``: only the tests about that page and
    its twins (tests/page_selection.py), those of this session's phase."""
    from tests.kept import leave_out_kept  # a plugin of this file's (pytest_plugins)

    if dump := os.environ.get(selection.DUMP):  # what every test says it is about
        selection.dump(items, Path(dump))
    if not PAGE:
        if leave_out_kept(config, items):
            config.stash[WANTED_RUNS] = selection.runs_of(items)
        return
    try:
        about = selection.subject(PAGE)
    except ValueError as error:
        raise pytest.UsageError(str(error)) from None
    chosen, dropped = selection.select(items, about, PHASE)
    if PHASE == "cheap" and (site := selection.shared_site()) is not None:
        # The files the second session runs: its tests', and those of the
        # tests of every built page, which this session has not built yet.
        slow, _ = selection.select(items, about, "slow")
        later = [item for item in items if selection.per_built_page(item)]
        files = dict.fromkeys(str(item.path.relative_to(config.rootpath)) for item in slow + later)
        (site.parent / selection.SLOW_FILES).write_text("\n".join(files), encoding="utf-8")
    items[:] = chosen
    config.hook.pytest_deselected(items=dropped)
    leave_out_kept(config, items)
    config.stash[WANTED_RUNS] = selection.runs_of(items)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_protocol(item, nextitem):
    """The cheap session runs no check of the built site once one has failed
    (the build included: one problem, one message; a missing trace would stop
    the build too). It tells how many waited."""
    findings = item.config.stash[FINDINGS]
    if PAGE and PHASE == "cheap" and selection.needs_build(item) and findings:
        findings.waited += 1
        return True  # not run
    return None


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    if PAGE and PHASE == "cheap" and call.excinfo is not None:
        report = outcome.get_result()
        if report.failed:
            error = call.excinfo.value
            problems = selection.problems_of(error, item.nodeid)
            found_by = selection.BUILD if selection.is_build_failure(error) else item.nodeid
            item.config.stash[FINDINGS].add(problems, found_by)


def pytest_runtest_logreport(report):
    """A failure told once: a test failing with the message of an earlier one
    (another Python's run of the same example, every test needing the same
    missing browser) refers to it instead of repeating it."""
    config = _CONFIG
    if config is None or hasattr(config, "workerinput") or not report.failed:
        return
    crash = getattr(getattr(report, "longrepr", None), "reprcrash", None)
    message = selection.same_failure(crash.message if crash else str(report.longrepr))
    first = config.stash[FAILURES].setdefault(message, report.nodeid)
    if first != report.nodeid:
        report.longrepr = f"The same failure as {first}, shown above."


def _cheap_summary(terminalreporter, config):
    findings = config.stash[FINDINGS]
    about = selection.subject(PAGE)
    for report in terminalreporter.stats.get("error", []):  # a test file it cannot collect
        if getattr(report, "when", None) == "collect":
            said = [
                line[1:].strip() for line in report.longreprtext.splitlines() if line[:1] == "E"
            ]
            last = said[-1] if said else report.longreprtext.strip().splitlines()[-1]
            findings.add([f"{report.nodeid or '.'}: cannot be collected: {last}"], report.nodeid)
    if findings:
        count = len(findings.lines(about.twins)) // 2
        terminalreporter.section(f"make test PAGE={PAGE}: {count} problem{'s' * (count > 1)}")
        for line in findings.lines(first=about.twins):
            terminalreporter.write_line(line)
        waited = (
            f", and {findings.waited} checks of the built site waited" if findings.waited else ""
        )
        terminalreporter.write_line(
            f"\nNothing slow was run (no example, no browser{waited}). "
            f"Fix these, then run `make test PAGE={PAGE}` again."
        )
    for note in selection.stale_twins(about):
        terminalreporter.write_line(f"\nNote: {note}")


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
    if PAGE and PHASE == "slow":  # in the order the test processes collected them
        config.option.loadscopereorder = False  # (the slowest first: page_selection.py)

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
