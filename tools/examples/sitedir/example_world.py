"""What differs between this machine and a reader's, as the harness sets it
for one run (see ``tools/examples/world.py``); imported by ``sitecustomize.py``
after the example's clock is installed.

* ``EXAMPLE_STDLIB_ONLY=1`` (a script, a ``>>>`` transcript): only the
  standard library can be imported, as in a reader's fresh Python; the
  examples' virtualenv (ipykernel and what it needs) is out of ``sys.path``.
* ``EXAMPLE_DATE_SHIFT=SECONDS``: every wall clock (``time.time``, the
  ``localtime``/``ctime``/``strftime`` family without an argument,
  ``datetime``'s ``now``/``today``) reads that much later; ``datetime`` is
  then Python's own pure-Python implementation (the C one reads the system
  clock directly), which prints the same.
* ``EXAMPLE_CPU_COUNT=N``: ``os.cpu_count()`` and ``os.process_cpu_count()``
  report N (Python 3.13 does it itself from ``PYTHON_CPU_COUNT``, also set).
* ``EXAMPLE_THREADS_FILE=FILE``: created when the example starts a thread
  (the harness then runs it more times).
* ``EXAMPLE_SWITCH_INTERVAL=SECONDS``: ``sys.setswitchinterval``, so that
  threads take turns at other moments than in another run.

The time zone (``TZ``), user (``USER``, ``LOGNAME``), home, host name and
working directory are set by the harness and the sandbox themselves.
"""

from __future__ import annotations

import os
import sys
import sysconfig
import time


def _stdlib_only() -> None:
    sitedir = os.path.dirname(os.path.abspath(__file__))
    paths = sysconfig.get_paths()
    stdlib = {os.path.realpath(paths[k]) for k in ("stdlib", "platstdlib")}

    def kept(entry: str) -> bool:
        real = os.path.realpath(entry or ".")
        if real == sitedir:
            return True
        if "site-packages" in real.split(os.sep) or "dist-packages" in real.split(os.sep):
            return False
        return any(real == s or real.startswith(s + os.sep) for s in stdlib) or entry.endswith(
            ".zip"
        )

    sys.path[:] = [entry for entry in sys.path if kept(entry)]
    sys.path_importer_cache.clear()


def _shift_dates(shift: float) -> None:
    # the pure-Python datetime reads time.time(); zoneinfo's C module needs the C datetime
    sys.modules["_datetime"] = sys.modules["_zoneinfo"] = None
    clock, clock_ns = time.time, time.time_ns

    def time_() -> float:
        return clock() + shift

    def time_ns() -> int:
        return clock_ns() + int(shift * 1e9)

    def seconds_now(function):  # localtime, gmtime, ctime: (seconds=None)
        def shifted(seconds=None):
            return function(time_() if seconds is None else seconds)

        shifted.__name__ = shifted.__qualname__ = function.__name__
        return shifted

    for name in ("localtime", "gmtime", "ctime"):
        setattr(time, name, seconds_now(getattr(time, name)))
    strftime, asctime, localtime = time.strftime, time.asctime, time.localtime

    def strftime_(format, *moment):
        return strftime(format, *moment) if moment else strftime(format, localtime())

    def asctime_(*moment):
        return asctime(*moment) if moment else asctime(localtime())

    strftime_.__name__ = strftime_.__qualname__ = "strftime"
    asctime_.__name__ = asctime_.__qualname__ = "asctime"
    time.strftime, time.asctime = strftime_, asctime_
    time.time, time.time_ns = time_, time_ns
    time_.__name__ = time_.__qualname__ = "time"
    time_ns.__name__ = time_ns.__qualname__ = "time_ns"
    time_.__module__ = time_ns.__module__ = "time"


def _cpu_count(count: int) -> None:
    if sys.version_info >= (3, 13):
        return  # PYTHON_CPU_COUNT does it
    os.cpu_count = lambda: count
    os.cpu_count.__name__ = os.cpu_count.__qualname__ = "cpu_count"


def _note_threads(path: str) -> None:
    import threading

    start = threading.Thread.start

    def noted(self):
        if not os.path.exists(path):
            with open(path, "w"):
                pass
        return start(self)

    threading.Thread.start = noted


def install() -> None:
    if path := os.environ.get("EXAMPLE_THREADS_FILE"):
        _note_threads(path)
    if os.environ.get("EXAMPLE_STDLIB_ONLY") == "1":
        _stdlib_only()
    if shift := float(os.environ.get("EXAMPLE_DATE_SHIFT") or 0):
        _shift_dates(shift)
    if count := os.environ.get("EXAMPLE_CPU_COUNT"):
        _cpu_count(int(count))
    if interval := os.environ.get("EXAMPLE_SWITCH_INTERVAL"):
        sys.setswitchinterval(float(interval))
