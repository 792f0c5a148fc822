"""The clock an example runs on, and the record of when it printed each line.

Imported by ``sitecustomize.py`` (this directory is on the example's
``PYTHONPATH``); it changes nothing an example prints, only how long it takes.

``EXAMPLE_CLOCK=virtual`` (the tests): time is real time, except that the
process skips the time it would spend **idle**, waiting for nothing but a
timer, and does not count the time a busy machine keeps it from a CPU: while
the main thread works, the clock moves with its CPU time; while it waits (a
sleep, the event loop's wait), with the real time the wait takes, less the
time the threads it waits for stood in Linux's run queue. Every clock an
example can read (``time.monotonic``, ``perf_counter``, ``time.time``, their
``_ns`` forms, and so the event loop's ``loop.time()``) moves that way. A
wait is skipped only when nothing real could happen during it:

* it is on the main thread, and every other thread is an idle worker of a
  thread pool (no ``to_thread``/``run_in_executor`` job is running);
* the event loop watches no file descriptor but its own wake-up pipe (no
  socket, pipe or subprocess that real I/O could arrive on);
* the process has no child process.

So ``await asyncio.sleep(3)`` returns at once, 3 s later on every clock;
CPU work, blocking calls, threads, real I/O and timeouts on it take the time
they take. A blocking ``time.sleep(n)`` on the main thread is skipped under
the same conditions (nothing else could run while it blocks), else it
sleeps. The event loop is the standard one: its class, its repr and its
debug-mode reports are Python's own.

``EXAMPLE_CLOCK=real`` (the real-time cross-check): nothing is skipped; the
clocks only leave out what a loaded machine adds (as above), so that CI
running other tests does not delay the example's timers: it runs as on an
idle machine, in real time.

``EXAMPLE_CLOCK`` unset or ``wall``: nothing is changed (the benchmarks).

``EXAMPLE_TIMELOG=FILE``: every line written to stdout or stderr is appended
to FILE as a JSON line ``[seconds since start, "stdout"|"stderr", text]``, and
the end of the run as ``[seconds, "exit", "W"]``, W being how many of those
seconds it spent waiting (idle, or for I/O, sleeps and threads that sleep or
wait: while the threads it joins compute, it works); each record
ends with how many seconds the main thread had waited for real by then. The harness reads it to check
the times a page shows.

``EXAMPLE_TIME_LIMIT=SECONDS`` (default 60): on the virtual clock, an example
whose clock passes this many seconds (a reader would wait that long) is
stopped with exit status 124 and the record ``[seconds, "limit", ""]``.

In a Jupyter kernel (:func:`kernel_mode`), the kernel's own sockets and
threads count as idle, and only what a cell starts counts as real.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import threading
import time

_real_monotonic = time.monotonic
_real_perf_counter = time.perf_counter
_real_time = time.time
_real_sleep = time.sleep

_MODE = os.environ.get("EXAMPLE_CLOCK", "wall")
_LIMIT = float(os.environ.get("EXAMPLE_TIME_LIMIT", "60"))
_enabled = _MODE == "virtual"  # skip idle waits
_adjusted = _MODE in ("virtual", "real")  # do not count the run-queue wait
_log = None
_lock = threading.RLock()

# Time 0: when this module is imported (see sitecustomize.py), on every clock.
_T0 = _real_monotonic()
_PERF0, _TIME0 = _real_perf_counter(), _real_time()
# What a Jupyter kernel runs on (kernel_mode): not counted as real activity.
_infrastructure_threads: set[int] = set()
_infrastructure_fds: set[int] = set()


# Threads whose run-queue waits are not the example's: in a Jupyter kernel,
# the kernel's own.
_own_tasks: set[int] = set()


def _thread_queued(tid: int) -> float | None:
    """One thread's run-queue wait so far (Linux), or None."""
    try:
        with open(f"/proc/self/task/{tid}/schedstat", "rb") as f:
            return int(f.read().split()[1]) / 1e9
    except (OSError, ValueError, IndexError):
        return None


def _threads_queued() -> dict[int, float]:
    """Each thread's run-queue wait so far (Linux), by native thread id."""
    found = {}
    try:
        tasks = os.listdir("/proc/self/task")
    except OSError:
        return found
    for task in tasks:
        queued = _thread_queued(int(task))
        if queued is not None:
            found[int(task)] = queued
    return found


class _Clock:
    """Seconds since time 0 on the example's clock. While the main thread
    works, it moves with the main thread's CPU time; while it waits (a sleep,
    the event loop's wait, a join — the waits the harness sees), with the real
    time the wait takes, less the time the threads it may wait for stood in
    the run queue (the longest of them, not to count overlapping waits twice);
    and by the whole of each idle wait it skips. So a busy machine, which
    keeps the process from a CPU, does not move the example's clock."""

    def __init__(self) -> None:
        self.cpu_clock = _main_cpu_clock()
        self.elapsed = 0.0
        self.wall, self.cpu = _real_monotonic(), self._cpu()
        self.waiting = 0  # main-thread waits under way
        self.waited = 0.0  # seconds waited (skipped, or real) while no thread worked
        self.real = 0.0  # of those, waited for real (for threads, I/O, children)

    def _cpu(self) -> float:
        return time.clock_gettime(self.cpu_clock) if self.cpu_clock is not None else 0.0

    def read(self) -> float:
        with _lock:
            wall, cpu = _real_monotonic(), self._cpu()
            if self.waiting or self.cpu_clock is None:
                self.elapsed += wall - self.wall
            else:
                self.elapsed += max(0.0, min(cpu - self.cpu, wall - self.wall))
            self.wall, self.cpu = wall, cpu
            return self.elapsed

    @contextlib.contextmanager
    def real_wait(self):
        """A real wait of the main thread, counted as it happens (see above)."""
        if threading.current_thread() is not threading.main_thread():
            yield  # another thread's wait: the main thread's clock goes on as it does
            return
        with _lock:
            before, start = self._queued_and_read()
            others_before = _process_cpu() - self.cpu
            self.waiting += 1
        try:
            yield
        finally:
            with _lock:
                after, end = self._queued_and_read()
                wall = end - start
                self.waiting -= 1
                delays = [after[t] - before.get(t, 0.0) for t in after if t not in _own_tasks]
                # While the other threads compute, the main thread's join is the
                # example's work, not a wait: only the rest is waiting.
                working = max(0.0, _process_cpu() - self.cpu - others_before)
                # Threads that ran side by side were kept off a CPU at the same
                # time (the longest delay); threads that take turns (the GIL)
                # one after another (their sum), within what their work leaves.
                longest = max(delays, default=0.0)
                credit = min(max(longest, min(sum(delays), wall - working)), wall)
                self.elapsed -= credit
                self.real += wall - credit
                self.waited += max(0.0, wall - credit - working)

    def _queued_and_read(self) -> tuple[dict[int, float], float]:
        """Every thread's run-queue wait so far, and the clock, at one instant
        for the main thread. Linux adds a wait to a thread's count only once
        the thread is back on a CPU, so if the main thread were kept off the
        CPU between the two readings (up to 0.05 s on a loaded machine), its
        wait would be taken off the time of a wait it is not in (as a wait
        starts: the clock then moved with CPU time only, so it would go back)
        or left in the time of one it is in (as a wait ends). So the main
        thread's own count is read again after the clock: unchanged, it was
        not kept off the CPU in between; else all is read again."""
        main = threading.main_thread().native_id
        for _ in range(10):
            queued = _threads_queued()
            now = self.read()
            if _thread_queued(main) == queued.get(main):
                break
        return queued, now

    def skip(self, seconds: float) -> None:
        with _lock:
            self.read()
            self.elapsed += seconds
            self.waited += seconds


def _process_cpu() -> float:
    """CPU seconds of every thread of the process."""
    return time.clock_gettime(time.CLOCK_PROCESS_CPUTIME_ID)


def _main_cpu_clock():
    try:
        return time.pthread_getcpuclockid(threading.main_thread().ident)
    except (AttributeError, OSError):
        return None


_clock = _Clock()


def now() -> float:
    """Seconds since time 0, on the example's clock."""
    if not _adjusted:
        return _real_monotonic() - _T0
    return _clock.read()


def real_waited() -> float:
    """Seconds the main thread has waited for real so far (not skipped): a line
    printed after such a wait has a time that real time decided."""
    return _clock.real


def _record(kind: str, text: str = "", when: float | None = None) -> None:
    if _log is not None:
        with _lock:
            when = now() if when is None else when
            _log.write(json.dumps([round(when, 6), kind, text, round(_clock.real, 6)]) + "\n")
            _log.flush()


# --- what counts as pending real activity -------------------------------------

_busy_jobs = 0  # thread-pool jobs submitted and not finished


def _count_jobs() -> None:
    thread = sys.modules["concurrent.futures.thread"]

    original_submit = thread.ThreadPoolExecutor.submit

    def submit(self, fn, /, *args, **kwargs):
        global _busy_jobs

        def job():
            global _busy_jobs
            try:
                return fn(*args, **kwargs)
            finally:
                with _lock:
                    _busy_jobs -= 1

        with _lock:
            _busy_jobs += 1
        try:
            return original_submit(self, job)
        except BaseException:
            with _lock:
                _busy_jobs -= 1
            raise

    thread.ThreadPoolExecutor.submit = submit


def _idle_pool_workers() -> set[int]:
    thread = sys.modules.get("concurrent.futures.thread")
    if thread is None:
        return set()
    return {t.ident for t in list(thread._threads_queues)}


def _other_threads_busy() -> bool:
    """Whether a thread other than the main one may be doing something (a job
    of a pool, a thread of the example's own)."""
    if threading.current_thread() is not threading.main_thread():
        return True
    if _busy_jobs:
        return True
    if threading.active_count() == 1:
        return False
    others = {
        t.ident
        for t in threading.enumerate()
        if t is not threading.main_thread() and t.is_alive() and not _installed(t)
    }
    return bool(others - _idle_pool_workers() - _infrastructure_threads)


def _installed(thread: threading.Thread) -> bool:
    """In a Jupyter kernel: a thread the kernel's own packages started later
    (pyzmq's garbage collector), whose code is installed, not a cell's."""
    if not _infrastructure_threads:  # not a kernel: every thread is the example's
        return False
    target = getattr(thread, "_target", None)
    code = getattr(target, "__code__", None)
    if code is not None:
        return code.co_filename.startswith(_INSTALLED)
    kind = type(thread)
    if kind is threading.Thread or kind.__module__ == "__main__":  # a cell's own
        return False
    module = sys.modules.get(kind.__module__)
    return getattr(module, "__file__", "").startswith(_INSTALLED)


_INSTALLED = tuple({sys.prefix, sys.base_prefix, sys.exec_prefix})


def _has_children() -> bool:
    try:
        tasks = os.listdir("/proc/self/task")
    except OSError:
        return False  # not Linux: child processes are not looked for
    for task in tasks:
        try:
            with open(f"/proc/self/task/{task}/children", encoding="ascii") as f:
                if f.read().strip():
                    return True
        except OSError:
            continue
    return False


def _loop_watches_io(loop) -> bool:
    """Whether the loop waits on any file descriptor besides its wake-up pipe."""
    selector = getattr(loop, "_selector", None)
    if selector is None:
        return True  # not a selector loop: nothing is known, so nothing is skipped
    own = {loop._ssock.fileno()} if getattr(loop, "_ssock", None) else set()
    watched = set(selector.get_map()) - own - _infrastructure_fds
    return bool(watched)


def _may_skip(loop=None) -> bool:
    if not _enabled or _other_threads_busy():
        return False
    if loop is None and "asyncio" in sys.modules:
        try:
            loop = sys.modules["asyncio"].get_running_loop()
        except RuntimeError:
            loop = None
    if loop is not None and _loop_watches_io(loop):
        return False
    return not _has_children()


def _skip(seconds: float) -> None:
    _clock.skip(seconds)
    if now() > _LIMIT:
        _record("limit")
        _flush_streams()
        os._exit(124)


# --- the clocks ------------------------------------------------------------------


def monotonic() -> float:
    return _T0 + now()


def perf_counter() -> float:
    return _PERF0 + now()


def time_() -> float:
    return _TIME0 + now()


def _ns(clock):
    return lambda: int(clock() * 1e9)


def sleep(seconds: float) -> None:
    if seconds > 0 and _may_skip():
        _skip(seconds)
    else:
        with _clock.real_wait():
            _real_sleep(seconds)


def _patch_clocks() -> None:
    time.monotonic, time.perf_counter, time.time = monotonic, perf_counter, time_
    time.monotonic_ns, time.perf_counter_ns = _ns(monotonic), _ns(perf_counter)
    time.time_ns = _ns(time_)
    time.sleep = sleep
    for function in (monotonic, perf_counter, time_, sleep):
        function.__module__ = "time"
    time_.__name__ = time_.__qualname__ = "time"


def _waits(function):
    """``function`` (a blocking call), its time counted as the main thread's wait."""

    def waiting(*args, **kwargs):
        with _clock.real_wait():
            return function(*args, **kwargs)

    waiting.__name__, waiting.__qualname__ = function.__name__, function.__qualname__
    waiting.__doc__, waiting.__wrapped__ = function.__doc__, function
    return waiting


def _patch_blocking_calls() -> None:
    """The blocking calls an example's main thread may wait in, besides sleeps
    and the event loop: joining a thread, a condition (events, queues,
    barriers), select.select, a subprocess."""
    import select

    threading.Thread.join = _waits(threading.Thread.join)
    threading.Condition.wait = _waits(threading.Condition.wait)
    select.select = _waits(select.select)


def _patch_subprocess() -> None:
    popen = sys.modules["subprocess"].Popen
    popen.wait = _waits(popen.wait)
    popen.communicate = _waits(popen.communicate)


def _patch_event_loops() -> None:
    """Every selector event loop skips its idle waits for timers (see above)."""
    selector_events = sys.modules["asyncio.selector_events"]
    original_init = selector_events.BaseSelectorEventLoop.__init__

    def __init__(self, selector=None):
        original_init(self, selector)
        select = self._selector.select

        def skipping_select(timeout=None):
            if timeout is not None and timeout > 0 and _may_skip(self):
                ready = select(0)
                if ready:
                    return ready
                _skip(timeout)
                return []
            if timeout == 0:
                return select(0)
            with _clock.real_wait():
                return select(timeout)

        self._selector.select = skipping_select

    selector_events.BaseSelectorEventLoop.__init__ = __init__


# --- the record of printed lines ---------------------------------------------------


_listeners: list = []  # called with (stream name, line) for each completed line


def on_line(listener) -> None:
    """Call ``listener(stream, line)`` as each line is completed, from the
    code that writes it (``example_trace`` notes which task printed it)."""
    _listeners.append(listener)


class _TimedStream:
    """Forwards writes unchanged and records each completed line with its time."""

    def __init__(self, stream, name):
        self._stream, self._name, self._pending = stream, name, ""

    def write(self, text):
        when = now()
        self._pending += text
        *lines, self._pending = self._pending.split("\n")
        for line in lines:
            _record(self._name, line, when)
            for listener in _listeners:
                listener(self._name, line)
        return self._stream.write(text)

    def close_record(self):
        if self._pending:  # a last line without a newline still gets its time
            _record(self._name, self._pending)
            for listener in _listeners:
                listener(self._name, self._pending)
            self._pending = ""

    def __getattr__(self, name):
        return getattr(self._stream, name)


def _flush_streams() -> None:
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, _TimedStream):
            stream.close_record()
            stream.flush()


def _at_exit() -> None:
    _flush_streams()
    _record("exit", f"{_clock.waited:.6f}" if _adjusted else "")


def limit_in(seconds: float) -> None:
    """Stop the process if its clock passes ``seconds`` from now (a kernel sets
    this at the start of each cell)."""
    global _LIMIT
    _LIMIT = now() + seconds


def kernel_mode() -> None:
    """In a Jupyter kernel, once it is up: its sockets and threads are not an
    example's activity. Called by the harness's kernel set-up code."""
    import asyncio

    _infrastructure_threads.update(t.ident for t in threading.enumerate())
    _own_tasks.update(
        t.native_id
        for t in threading.enumerate()
        if t.native_id and t is not threading.main_thread()
    )
    loop = asyncio.get_running_loop()
    _infrastructure_fds.update(getattr(loop, "_selector").get_map())  # noqa: B009


class _AfterImport:
    """Patches a module right after it is first imported, so that nothing is
    imported on an example's behalf (start-up and shut-down stay its own)."""

    def __init__(self, patches):
        self._patches = patches  # module name -> function to call once it is loaded

    def find_spec(self, name, path=None, target=None):
        if name not in self._patches:
            return None
        import importlib.util

        sys.meta_path.remove(self)  # find the real spec without finding ourselves
        try:
            spec = importlib.util.find_spec(name)
        finally:
            sys.meta_path.insert(0, self)
        if spec is None or spec.loader is None:
            return spec
        patch, original = self._patches.pop(name), spec.loader.exec_module

        def exec_module(module):
            original(module)
            patch()

        spec.loader.exec_module = exec_module
        return spec


def install() -> None:
    global _log
    if _adjusted:
        _patch_clocks()
        _patch_blocking_calls()
        patches = {
            "concurrent.futures.thread": _count_jobs,
            "asyncio.selector_events": _patch_event_loops,
            "subprocess": _patch_subprocess,
        }
        for name, patch in list(patches.items()):
            if name in sys.modules:
                patch()
                del patches[name]
        sys.meta_path.insert(0, _AfterImport(patches))
    path = os.environ.get("EXAMPLE_TIMELOG")
    if path:
        _log = open(path, "a", encoding="utf-8")  # noqa: SIM115 - lives as long as the process
        sys.stdout = _TimedStream(sys.stdout, "stdout")
        sys.stderr = _TimedStream(sys.stderr, "stderr")
        import atexit

        atexit.register(_at_exit)
