"""A stuck test ends the run, it never hangs it: past the stuck guard
(tests/stuck.py) it fails, naming the test and where it waited, and the tests
after it in the same test process run and report as usual.

Each test here runs pytest on planted tests, with the guard set to a few
seconds, in a child process with its own time limit: a hang fails the test
instead of hanging the suite.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tools.site import ROOT

# What these tests are about, for make test PAGE= (tests/page_selection.py).
pytestmark = pytest.mark.about("nothing")

GUARD = 3  # seconds, for the planted tests
# For the planted browser tests: each step of a page beside a saturated CPU
# (a fresh clone's run beside eight busy processes) may take seconds.
BROWSER_GUARD = 10
LIMIT = 120  # seconds the whole planted run may take

BROWSER = """
import atexit

import pytest
from playwright.sync_api import sync_playwright

from tools.browser import LAUNCH_ARGS, ensure_chromium

# Started as the module is collected, which the guard does not time: starting
# Chromium beside a saturated CPU may take longer than the planted guard.
PLAYWRIGHT = sync_playwright().start()
BROWSER = PLAYWRIGHT.chromium.launch(executable_path=str(ensure_chromium()), args=LAUNCH_ARGS)
atexit.register(PLAYWRIGHT.stop)


@pytest.fixture(scope="module")
def page():
    return BROWSER.new_page()


def test_a_promise_that_never_settles(page):
    page.evaluate("new Promise(() => {})")  # no timeout of its own


def test_the_browser_still_works_after_it(page):
    assert page.evaluate("1 + 1") == 2
"""

DEAF = """
import signal
import time


def test_deaf_to_the_guard():
    signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGALRM])
    time.sleep(1000)


def test_the_next_test_runs():
    assert True
"""

WAITING = """
import subprocess
import sys
import threading


def test_a_lock_nobody_releases():
    lock = threading.Lock()
    lock.acquire()
    lock.acquire()


def test_a_program_that_never_ends():
    subprocess.run([sys.executable, "-c", "import time; time.sleep(1000)", "PLANTED"])


def test_the_next_test_runs():
    assert True
"""


def planted_run(
    tmp_path: Path, last_resort: int = 60, guard: int = GUARD, **files: str
) -> subprocess.CompletedProcess:
    for name, code in files.items():
        (tmp_path / f"{name}.py").write_text(textwrap.dedent(code), encoding="utf-8")
    (tmp_path / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    env = {
        **os.environ,
        "STUCK_AFTER": str(guard),
        "STUCK_LAST_RESORT": str(last_resort),
        "PYTHONPATH": str(ROOT),
    }
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "tests.stuck", "-n", "2", "--dist", "loadfile"]
        + ["-c", str(tmp_path / "pytest.ini"), "--rootdir", str(tmp_path), str(tmp_path)],
        check=False,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=LIMIT,
    )


def test_a_stuck_browser_test_fails_and_the_run_goes_on(tmp_path):
    done = planted_run(tmp_path, guard=BROWSER_GUARD, test_planted_browser=BROWSER)
    out = done.stdout + done.stderr
    assert done.returncode == 1, out
    assert re.search(r"\b1 failed, 1 passed\b", out), out
    assert (
        f"test_planted_browser.py::test_a_promise_that_never_settles is stuck: "
        f"no result after {BROWSER_GUARD} s of call"
    ) in out, out
    assert 'page.evaluate("new Promise(() => {})")' in out.split("It was waiting at")[1], out


def test_tests_stuck_on_a_lock_or_a_program_fail_and_the_next_one_runs(tmp_path):
    done = planted_run(tmp_path, test_planted_waiting=WAITING)
    out = done.stdout + done.stderr
    assert done.returncode == 1, out
    assert re.search(r"\b2 failed, 1 passed\b", out), out
    for test, line in [
        ("test_a_lock_nobody_releases", "lock.acquire()"),
        ("test_a_program_that_never_ends", "subprocess.run("),
    ]:
        block = out.split(f"{test} is stuck")[1]
        assert line in block.split("It was waiting at")[1].splitlines()[1], block
    still = [p for p in Path("/proc").glob("[0-9]*/cmdline") if b"PLANTED" in _read(p)]
    assert not still, "the stuck test's program is still running"


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:  # ended meanwhile
        return b""


def test_a_test_deaf_to_the_guard_ends_its_process_once_and_the_run_goes_on(tmp_path):
    """The last resort: faulthandler ends the test process; the process
    pytest-xdist starts instead fails that test at once, not runs it again."""
    done = planted_run(tmp_path, last_resort=2, test_planted_deaf=DEAF)
    out = done.stdout + done.stderr
    assert done.returncode == 1, out
    assert re.search(r"\b1 failed, 1 passed, 1 error\b", out), out
    assert "crashed while running 'test_planted_deaf.py::test_deaf_to_the_guard'" in out, out
    assert "test_deaf_to_the_guard is stuck: the test process running it did not" in out, out
    assert "Timeout (0:" in out, out  # the stacks, printed by faulthandler
