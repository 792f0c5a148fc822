"""Run an example with no power over the checkout or the machine.

Every example runs under bubblewrap (Debian's ``bubblewrap`` package): the
whole file system read-only, except its own temporary directories; its own
process, IPC and network namespaces (a loopback network of its own, no way
out); no capabilities, even when the tests run as root (as CI does). An
example that writes outside its directory, deletes a file of the checkout or
talks to another host fails, as it should.

``bwrap`` is found on PATH, else installed (``apt-get install bubblewrap``
on Debian or Ubuntu, as root or through passwordless sudo: :mod:`tools.apt`),
and tried once with a tiny real ``bwrap … true``. Where it is missing or
cannot create its namespaces (macOS; Ubuntu 24.04, whose AppArmor forbids
unprivileged user namespaces unless told otherwise; a container), the
examples run without it, each still in its own temporary directory with the
same checks: :func:`unavailable` says why, :func:`notice` says so in one line
(the test summary shows it), and under ``CI=true`` that is a failure
(tests/test_examples.py): CI must sandbox.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
from functools import cache
from pathlib import Path

from tools import apt

ROOT = Path(__file__).resolve().parents[2]
TMP = Path("/tmp")


# What an example may use: a reader's example needs far less; one that
# allocates hundreds of MB, or starts thousands of threads (each thread's stack
# counts), fails (MemoryError, "can't start new thread"); one that starts more
# than PROCESSES processes at once is ended (:func:`run`); the check says why
# (tools/examples/check.py). The one program of the site that starts tens
# of thousands of threads, snippets/measured/threads_vs_asyncio.py, is not an
# example the harness runs (ALLOWED_SKIPS): tests/test_bench_concurrency.py runs
# it outside this sandbox, since starting that many threads is what it measures.
MEMORY = 256 * 2**20  # bytes of data (heap and private mappings: 8 MB per thread's stack)
PROCESSES = 64  # started, at once or in all, the example's own included
TOO_MANY = f"[the examples' sandbox ended it: more than {PROCESSES} processes at once]"
TOO_MANY_STARTED = f"[the examples' sandbox counted {{count}} processes: more than {PROCESSES}]"
# Seconds between two counts of the example's processes while it runs (each
# reads /proc): a fork bomb is ended within it; what ended at once is counted
# as the example ends (COUNT).
WATCH_EVERY = 0.2


class SandboxUnavailable(RuntimeError):
    pass


HOW_TO_GET_IT = f"No bubblewrap (bwrap) to run the examples in: {apt.how_to_install('bubblewrap')}"
# Ubuntu 24.04's AppArmor: no user namespaces for unprivileged programs without a profile.
APPARMOR_USERNS = Path("/proc/sys/kernel/apparmor_restrict_unprivileged_userns")
ALLOW_USERNS = "sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0"
PROBE_TIMEOUT = 30  # seconds


@cache
def prlimit() -> str:
    return shutil.which("prlimit") or "/usr/bin/prlimit"  # util-linux, on every Debian


@cache
def bwrap() -> str:
    found = shutil.which("bwrap")
    if found is None and apt.install("bubblewrap"):
        found = shutil.which("bwrap")
    if found is None:
        raise SandboxUnavailable(HOW_TO_GET_IT)
    return found


@cache
def unavailable() -> tuple[str, str] | None:
    """Why the examples cannot be sandboxed here, and what to run so they are
    (None: they can). Tried once per process, with a tiny real ``bwrap … true``."""
    if not sys.platform.startswith("linux"):
        return f"bubblewrap needs Linux, this is {sys.platform}", "nothing here: CI sandboxes them"
    try:
        found = bwrap()
    except SandboxUnavailable:
        return "bubblewrap (bwrap) is not installed", apt.how_to_install("bubblewrap")
    probe = [found, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--unshare-all"]
    try:
        done = subprocess.run(
            [*probe, "--die-with-parent", "--cap-drop", "ALL", "--", "true"],
            capture_output=True, text=True, timeout=PROBE_TIMEOUT, check=False,
        )  # fmt: skip
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"`{found} … true` failed: {error}", "reinstall bubblewrap"
    if done.returncode == 0:
        return None
    said = (done.stderr.strip().splitlines() or [f"exit status {done.returncode}"])[-1]
    why = f"bwrap cannot create its namespaces here ({said})"
    if _read(APPARMOR_USERNS) == "1":
        return f"{why}: AppArmor restricts user namespaces (Ubuntu 24.04)", ALLOW_USERNS
    return why, "allow unprivileged user namespaces (in a container: run it with them allowed)"


def _read(path: Path) -> str | None:
    try:
        return path.read_text().strip()
    except OSError:
        return None


def in_ci() -> bool:
    return os.environ.get("CI") == "true"


def notice() -> str | None:
    """One line saying the examples ran without the sandbox, why, and how to
    get it; None where they are sandboxed."""
    if (found := unavailable()) is None:
        return None
    why, how = found
    return f"The examples ran WITHOUT the sandbox: {why}. To sandbox them: {how}"


def wrap(
    command: list[str],
    cwd: Path,
    writable: list[Path],
    own_pids: bool = True,
    host: str | None = None,
    limits: bool = True,
    counted: Path | None = None,
) -> list[str]:
    """``command`` as it runs in the sandbox, in ``cwd``, able to write only
    in ``writable`` (which includes ``cwd``). ``own_pids=False`` keeps the
    process IDs of the machine (a Jupyter kernel watches its parent's);
    ``host``: its host name; ``limits``: :data:`MEMORY`; ``counted``: a file
    where the number of processes it started (itself included) is written
    as it ends (:func:`started`), read from its PID namespace.
    Where bubblewrap cannot run (:func:`unavailable`), ``command`` itself
    (under the memory limit where ``prlimit`` exists)."""
    if unavailable():
        limited = limits and shutil.which("prlimit")
        return [*([limited, f"--data={MEMORY}", "--"] if limited else []), *command]
    binds = []
    # The sandbox gets an empty /tmp of its own; what it must read from there
    # (a checkout cloned under /tmp, as CI may do, and its virtualenvs) comes back read-only.
    for path in dict.fromkeys([ROOT, Path(command[0]).parent.parent]):
        if path.is_relative_to(TMP):
            binds += ["--ro-bind", str(path), str(path)]
    for path in dict.fromkeys([cwd, *writable]):
        binds += ["--bind", str(path), str(path)]
    return [
        bwrap(),
        "--ro-bind", "/", "/",
        "--dev", "/dev",
        "--proc", "/proc",
        "--tmpfs", "/tmp",
        *binds,
        *(["--unshare-all"] if own_pids else [
            "--unshare-user-try", "--unshare-ipc", "--unshare-net", "--unshare-uts",
            "--unshare-cgroup-try",
        ]),
        "--die-with-parent",
        "--cap-drop", "ALL",
        *(["--hostname", host] if host else []),
        "--chdir", str(cwd),
        "--",
        *([prlimit(), f"--data={MEMORY}", "--"] if limits else []),
        *(["sh", "-c", COUNT, str(counted)] if counted and own_pids else []),
        *command,
    ]  # fmt: skip


# In its own PID namespace, process IDs are given in order from 1 (bwrap),
# 2 (this shell), 3 (the example): the last one given, read by `cat` as it
# ends, counts every process the example started, even those that ended at once.
COUNT = 'set +e; "$@"; s=$?; cat /proc/sys/kernel/ns_last_pid > "$0"; exit $s'
NOT_STARTED_BY_IT = 3  # bwrap, the shell, cat


def started(counted: Path) -> int | None:
    """How many processes the example started, itself included (None: not counted)."""
    try:
        return int(counted.read_text()) - NOT_STARTED_BY_IT
    except (OSError, ValueError):
        return None


def run(command: list[str], input: bytes, timeout: float, **popen) -> tuple[int | None, bytes]:
    """(exit status, output) of ``command``, as ``subprocess.run`` would give
    them, ended when it passes ``timeout`` (status None) or starts more than
    :data:`PROCESSES` processes at once (its output then ends with
    :data:`TOO_MANY`). The processes of its session are counted from ``/proc`` (on Linux;
    RLIMIT_NPROC would not hold for root, as CI here runs)."""
    process = subprocess.Popen(command, stdin=subprocess.PIPE, start_new_session=True, **popen)
    too_many = threading.Event()
    done = threading.Event()

    def watch() -> None:
        while not done.wait(WATCH_EVERY):
            if _in_session(process.pid) > PROCESSES:
                too_many.set()
                _end(process)
                return

    watcher = threading.Thread(target=watch, daemon=True)
    if Path("/proc/self/stat").exists():
        watcher.start()
    try:
        output, _ = process.communicate(input, timeout=timeout)
        status = process.returncode
    except subprocess.TimeoutExpired:
        _end(process)
        output, _ = process.communicate()
        status = None
    finally:
        done.set()
        _end(process)  # whatever it left behind in its session
    if too_many.is_set():
        return -signal.SIGKILL, output + f"\n{TOO_MANY}\n".encode()
    return status, output


def _end(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _in_session(session: int) -> int:
    """How many processes are in ``session`` (one reading of /proc): the
    command's, its children's and the orphans they left."""
    count = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue  # ended meanwhile
        # pid (comm) state ppid pgrp session ...
        count += int(stat[stat.rindex(")") + 2 :].split()[3]) == session
    return count
