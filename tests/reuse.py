"""The run's summary says how many tests (tests/kept.py), example runs
(tools/examples/stored.py) and browser visits (tests/browser/stored_visits.py)
were kept from an earlier test run and how many were made now, across
pytest-xdist's test processes, and how to run everything from scratch."""

from __future__ import annotations

import pytest

from tests import kept
from tests.browser import stored_visits
from tools.examples import stored

KINDS = {"tests": kept.used, "example runs": stored.used, "browser visits": stored_visits.used}
_seen = {kind: {"kept": set(), "run": set()} for kind in KINDS}


def pytest_sessionfinish(session, exitstatus):
    workeroutput = getattr(session.config, "workeroutput", None)
    mine = {kind: {k: sorted(v) for k, v in used.items()} for kind, used in KINDS.items()}
    if workeroutput is not None:  # a pytest-xdist test process: tell the controller
        workeroutput["kept"] = mine
    else:
        _add(mine)
        if exitstatus == pytest.ExitCode.NO_TESTS_COLLECTED and _seen["tests"]["kept"]:
            session.exitstatus = pytest.ExitCode.OK  # every test kept: not "no tests ran"


def pytest_testnodedown(node, error):
    _add(getattr(node, "workeroutput", {}).get("kept", {}))


def _add(found) -> None:
    for kind, used in found.items():
        for k, names in used.items():
            _seen[kind][k].update(names)


def pytest_terminal_summary(terminalreporter):
    lines = []
    for kind, seen in _seen.items():
        made, kept = seen["run"], seen["kept"] - seen["run"]
        if made or kept:
            now = "passed now" if kind == "tests" else "made now"
            lines.append(f"{kind}: {len(made)} {now}, {len(kept)} kept from an earlier run")
    if not lines:
        return
    terminalreporter.section("Kept from an earlier test run")
    for line in lines:
        terminalreporter.write_line(line)
    if stored.enabled():
        terminalreporter.write_line(
            "(kept where their inputs are unchanged, in .cache/; make test FRESH=1 makes all anew)"
        )
    else:
        terminalreporter.write_line("(CI=true or FRESH=1: nothing kept was used)")
