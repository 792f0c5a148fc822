"""Imported at start-up by every example the harness runs (it is on PYTHONPATH).

It changes nothing an example can see except time:

* ``EXAMPLE_CLOCK=virtual``: every event loop is a looptime loop, so
  ``await asyncio.sleep(3)`` returns at once while ``loop.time()`` says 3 s
  later; a blocking ``time.sleep(n)`` inside a running loop moves that virtual
  clock by ``n`` instead of sleeping.
* ``EXAMPLE_CLOCK=real``: loops are untouched (the benchmark's reference run).

In both modes, when ``EXAMPLE_TIMELOG`` names a file, every line written to
stdout or stderr is recorded there with the clock's time since start-up, as
JSON lines ``[seconds, stream, text]``; the harness reads it to check the
times the pages show.
"""

import asyncio
import atexit
import functools
import json
import os
import sys
import time

_CLOCK = os.environ.get("EXAMPLE_CLOCK", "real")
_LOG_PATH = os.environ.get("EXAMPLE_TIMELOG")
_T0 = time.monotonic()
_virtual_now = 0.0  # last virtual time seen, used outside a running loop


def _now() -> float:
    global _virtual_now
    if _CLOCK != "virtual":
        return time.monotonic() - _T0
    try:
        _virtual_now = asyncio.get_running_loop().time()
    except RuntimeError:
        pass
    return _virtual_now


if _CLOCK == "virtual":
    import looptime

    class _VirtualClockPolicy(asyncio.DefaultEventLoopPolicy):
        def new_event_loop(self):
            # A new loop starts where the last one stopped: time never goes back.
            return looptime.patch_event_loop(super().new_event_loop(), start=_now())

    asyncio.set_event_loop_policy(_VirtualClockPolicy())

    _real_sleep = time.sleep

    def _sleep(seconds: float) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        if isinstance(loop, looptime.LoopTimeEventLoop):
            loop.setup_looptime(start=loop.time() + seconds)
        else:
            _real_sleep(seconds)

    time.sleep = _sleep


def _record_sleeps() -> None:
    """Log every requested sleep as ``[now, "sleep", seconds]`` (for the benchmark)."""
    original_asyncio_sleep, original_time_sleep = asyncio.sleep, time.sleep

    @functools.wraps(original_asyncio_sleep)
    async def asyncio_sleep(delay, result=None):
        _log.write(json.dumps([round(_now(), 6), "sleep", delay]) + "\n")
        return await original_asyncio_sleep(delay, result)

    @functools.wraps(original_time_sleep)
    def time_sleep(seconds):
        _log.write(json.dumps([round(_now(), 6), "sleep", seconds]) + "\n")
        return original_time_sleep(seconds)

    asyncio.sleep, time.sleep = asyncio_sleep, time_sleep


# Under ``-X dev`` asyncio logs callbacks slower than 0.1 s of loop time. An
# example that blocks the loop on purpose (time.sleep) would print that log
# line, which a reader running ``python file.py`` never sees.
_original_new_event_loop = asyncio.DefaultEventLoopPolicy.new_event_loop


def _quiet_new_event_loop(self):
    loop = _original_new_event_loop(self)
    loop.slow_callback_duration = float("inf")
    return loop


asyncio.DefaultEventLoopPolicy.new_event_loop = _quiet_new_event_loop


class _TimedStream:
    """Forwards writes unchanged and logs each completed line with its time."""

    def __init__(self, stream, name, log):
        self._stream, self._name, self._log, self._pending = stream, name, log, ""

    def write(self, text):
        self._pending += text
        *lines, self._pending = self._pending.split("\n")
        for line in lines:
            self._log.write(json.dumps([round(_now(), 6), self._name, line]) + "\n")
        self._log.flush()
        return self._stream.write(text)

    def flush(self):
        self._stream.flush()

    def close_log(self):
        if self._pending:  # a last line without a newline still gets its time
            self._log.write(json.dumps([round(_now(), 6), self._name, self._pending]) + "\n")
            self._pending = ""
        self._log.flush()

    def __getattr__(self, name):
        return getattr(self._stream, name)


if _LOG_PATH:
    _log = open(_LOG_PATH, "a", encoding="utf-8")  # noqa: SIM115 - lives as long as the process
    sys.stdout = _TimedStream(sys.stdout, "stdout", _log)
    sys.stderr = _TimedStream(sys.stderr, "stderr", _log)
    atexit.register(sys.stdout.close_log)
    atexit.register(sys.stderr.close_log)
    _record_sleeps()
