"""The stuck guard: a test that has not ended after :data:`STUCK_AFTER`
seconds (its fixtures' setup and teardown included) fails, saying which test
it is and where it was waiting, and the run goes on with the next test.

A SIGALRM interrupts the test's main thread and raises :class:`Stuck` there,
wherever it waits (a playwright call, a subprocess, a lock), so the test
process stays alive for the tests after it. If even that cannot end the test
(a C call that never lets Python run), faulthandler prints every thread's
stack and ends the process :data:`LAST_RESORT` seconds later; pytest-xdist
then starts another test process, which would run the same test again (and
be ended again): the test's name, kept in a file while it runs, makes it fail
at once there instead.

``STUCK_AFTER=N`` in the environment sets the limit (tests of this guard
use a short one).
"""

from __future__ import annotations

import faulthandler
import os
import signal
import sys
import tempfile
from pathlib import Path

import pytest

STUCK_AFTER = float(os.environ.get("STUCK_AFTER", "300"))  # seconds
LAST_RESORT = float(os.environ.get("STUCK_LAST_RESORT", "60"))  # seconds after STUCK_AFTER
ROOT = Path(__file__).resolve().parents[1]


class Stuck(Exception):
    """Raised in a test that has run for longer than STUCK_AFTER seconds."""


def _alarm(signum, frame):
    raise Stuck(f"no result after {STUCK_AFTER:g} s")


def _real_stderr(config) -> int:
    """The terminal's stderr, not pytest's capture of it (pytest's own
    faulthandler plugin keeps a copy for this purpose)."""
    try:
        from _pytest.faulthandler import fault_handler_stderr_fd_key

        return config.stash[fault_handler_stderr_fd_key]
    except (ImportError, KeyError):
        return sys.__stderr__.fileno()


def _running(item) -> Path:
    """A file that exists while ``item`` runs, shared by this run's test
    processes (pytest-xdist gives them one id)."""
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID", str(os.getpid()))
    folder = Path(tempfile.gettempdir()) / f"stuck-{run}"
    folder.mkdir(exist_ok=True)
    return folder / item.nodeid.replace("/", "_").replace(":", "_")


CRASHED_BEFORE = pytest.StashKey[bool]()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    if item.stash.get(CRASHED_BEFORE, False):
        raise Stuck("a test process running it was ended")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    running = _running(item)
    item.stash[CRASHED_BEFORE] = running.exists()
    running.touch()
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, STUCK_AFTER)
    faulthandler.dump_traceback_later(
        STUCK_AFTER + LAST_RESORT, exit=True, file=_real_stderr(item.config)
    )
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        faulthandler.cancel_dump_traceback_later()
        signal.signal(signal.SIGALRM, previous)
        running.unlink(missing_ok=True)


def waiting_at(excinfo, test_file: Path) -> str:
    """The innermost line of the test's file or of this project in the
    traceback (this guard's own left out): where the test waited."""
    for entry in reversed(excinfo.traceback):
        path = Path(str(entry.path))
        ours = path == test_file or (path.is_relative_to(ROOT) and ".venv" not in path.parts)
        if ours and path != Path(__file__).resolve():
            source = entry.statement.lines[0].strip() if entry.statement.lines else ""
            shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
            return f"{shown}:{entry.lineno + 1}: {source}"
    return "(no line of this project in the traceback)"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    if call.excinfo is None or not call.excinfo.errisinstance(Stuck):
        return
    report = outcome.get_result()
    if call.when == "setup" and item.stash.get(CRASHED_BEFORE, False):
        report.longrepr = (
            f"{item.nodeid} is stuck: the test process running it did not answer the stuck "
            f"guard and was ended after {STUCK_AFTER + LAST_RESORT:g} s (tests/stuck.py); "
            "the stacks of its threads are printed above, where it says "
            "'Timeout (0:...)!'. Not run again."
        )
        return
    report.longrepr = (
        f"{item.nodeid} is stuck: no result after {STUCK_AFTER:g} s of {call.when} "
        f"(the stuck guard, tests/stuck.py). It was waiting at\n"
        f"    {waiting_at(call.excinfo, Path(item.path))}\n"
        "Find out why it waits there (a page that never loads, a program that never "
        "ends); the traceback follows.\n\n"
        f"{report.longrepr}"
    )
