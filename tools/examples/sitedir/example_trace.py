"""What the event loop does while an example runs: the data its timeline is
drawn from (``tools/timeline/``).

Imported by ``sitecustomize.py`` only when ``EXAMPLE_TRACE_FILE`` is set
(before the clock starts, so that its own import is not counted), it records
every time on the example's clock (``example_clock.py``). It changes nothing
the example prints or does: the tasks and the event loop are Python's own; it
only watches

* every task the example's own code runs (a coroutine from the example's file
  or Jupyter cell, not from asyncio or another library): when it is created
  and by whom, each step (resumed, then suspended again), what it is
  suspended on (the ``await`` of the example's code it stopped at, and the
  task(s) it waits for), what an ``await`` threw into it when it resumed
  (``CancelledError``, another task's exception), and how it ended;
* every line printed (heard from ``example_clock``), by which task, in which function;
* a blocking ``time.sleep`` that holds the loop, and a timer that fired late
  because of it;
* ``asyncio.run`` cancelling the tasks still pending and closing the loop.

At exit FILE gets ``{"events": [...]}``, each event a dict with ``t`` (the
example's clock, seconds since start), ``kind`` and ``lane`` (the task: 1,
2, … in order of creation). ``run_cell(source)`` runs a Jupyter cell the way
a kernel does (inside a loop that is already running and goes on after the
cell, with top-level ``await``), for the timelines of Jupyter forms.
"""

from __future__ import annotations

import ast
import asyncio
import atexit
import json
import linecache
import os
import re
import sys
import threading
import time

import example_clock

_HERE = os.path.dirname(os.path.abspath(__file__))
_LIBRARY = tuple({sys.prefix, sys.base_prefix, sys.exec_prefix, _HERE, "<frozen"})
_PATH = os.environ.get("EXAMPLE_TRACE_FILE", "")
LATE = 0.01  # seconds: a timer that fires this much after it was due is late

_events: list[dict] = []
_lanes: dict[int, tuple[asyncio.Task, int]] = {}  # id(task) -> (task, lane)
_waited: dict[int, tuple[asyncio.Future, int]] = {}  # id(future a task waits on) -> lane
_due: dict[int, float] = {}  # lane -> when the timer that woke it was due (if late)
_names: dict[int, str] = {}  # id(coroutine) -> the lane's name, if set beforehand
_recording = True


def _now() -> float:
    return round(example_clock.now(), 6)


def _record(kind: str, **details) -> dict:
    event = {"t": _now(), "kind": kind, **details}
    _events.append(event)
    return event


def _own(filename: str) -> bool:
    """Code of the example (its file, a Jupyter cell), not of a library."""
    return not filename.startswith(_LIBRARY)


def _lane_of(task) -> int | None:
    found = _lanes.get(id(task))
    return found[1] if found and found[0] is task else None


def _current_lane() -> int | None:
    loop = asyncio.events._get_running_loop()
    if loop is None or threading.current_thread() is not threading.main_thread():
        return None
    return _lane_of(asyncio.tasks.current_task(loop))


# --- source text: what an await or a call looks like in the example ---------------

_trees: dict[str, ast.AST | None] = {}


def _tree(filename: str):
    if filename not in _trees:
        try:
            _trees[filename] = ast.parse("".join(linecache.getlines(filename)))
        except (SyntaxError, ValueError):
            _trees[filename] = None
    return _trees[filename]


def _segment(filename: str, node: ast.AST) -> str:
    text = ast.get_source_segment("".join(linecache.getlines(filename)), node) or ""
    text = re.sub(r"\s*\n\s*", " ", text)  # one line, as a label
    return re.sub(r"([(\[{]) ", r"\1", re.sub(r",? ([)\]}])", r"\1", text))


def _statement(filename: str, line: int, kinds: tuple) -> ast.AST | None:
    """The innermost node of ``kinds`` on ``line`` (an await spanning lines
    is found on its first one)."""
    tree = _tree(filename)
    if tree is None:
        return None
    found = [
        node
        for node in ast.walk(tree)
        if isinstance(node, kinds) and node.lineno <= line <= (node.end_lineno or node.lineno)
    ]
    found.sort(key=lambda n: (n.lineno, -(n.end_lineno or n.lineno)))
    return found[-1] if found else None


def _awaited(frame) -> str:
    """``await asyncio.sleep(3)``: where a suspended coroutine stopped."""
    filename, line = frame.f_code.co_filename, frame.f_lineno
    node = _statement(filename, line, (ast.Await, ast.AsyncWith, ast.AsyncFor))
    if isinstance(node, ast.Await):
        return "await " + _segment(filename, node.value)
    if isinstance(node, ast.AsyncWith):
        return "async with " + ", ".join(
            _segment(filename, item.context_expr)
            + (f" as {_segment(filename, item.optional_vars)}" if item.optional_vars else "")
            for item in node.items
        )
    if isinstance(node, ast.AsyncFor):
        return f"async for {_segment(filename, node.target)} in {_segment(filename, node.iter)}"
    return linecache.getline(filename, line).strip()


def _call(frame, name: str) -> str:
    """``time.sleep(2)``: the call of ``name`` on the frame's current line."""
    filename, line = frame.f_code.co_filename, frame.f_lineno
    tree = _tree(filename)
    if tree is not None:
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and node.lineno <= line <= (node.end_lineno or node.lineno)
                and _segment(filename, node.func).endswith(name)
            ):
                return _segment(filename, node)
    return linecache.getline(filename, line).strip()


def _chain(task) -> list[list]:
    """What a suspended task waits on, from its coroutine down: each frame of
    the example's own code as ``[function, line, "await …"]``."""
    chain = []
    coroutine = task.get_coro()
    while coroutine is not None:
        frame = getattr(coroutine, "cr_frame", None) or getattr(coroutine, "gi_frame", None)
        if frame is None:
            break
        if _own(frame.f_code.co_filename):
            chain.append([frame.f_code.co_name, frame.f_lineno, _awaited(frame)])
        coroutine = getattr(coroutine, "cr_await", None) or getattr(coroutine, "gi_yieldfrom", None)
    return chain


def _function() -> str | None:
    """The function of the example's own code that is running (or None)."""
    frame = sys._getframe(1)
    while frame is not None:
        if _own(frame.f_code.co_filename):
            return frame.f_code.co_name
        frame = frame.f_back
    return None


def _value(value) -> str:
    """An argument or result as the example's source writes it."""
    if isinstance(value, str) and not re.search(r"[\"\\\n]", value):
        return f'"{value}"'
    text = repr(value)
    return text if len(text) <= 40 else text[:39] + "…"


def _name(coroutine) -> str:
    """``fetch("a", 3)``: the coroutine's function and its arguments."""
    if id(coroutine) in _names:
        return _names.pop(id(coroutine))
    code = getattr(coroutine, "cr_code", None)
    frame = getattr(coroutine, "cr_frame", None)
    if code is None or frame is None:
        return getattr(coroutine, "__qualname__", repr(coroutine))
    count = code.co_argcount + code.co_kwonlyargcount
    names = code.co_varnames[:count]
    values = frame.f_locals
    positional = [_value(values[n]) for n in names[: code.co_argcount] if n in values]
    keywords = [f"{n}={_value(values[n])}" for n in names[code.co_argcount :] if n in values]
    return f"{code.co_name}({', '.join(positional + keywords)})"


# --- the patches --------------------------------------------------------------------


def _patch_create_task() -> None:
    base = asyncio.base_events.BaseEventLoop
    original = base.create_task

    def create_task(self, coro, *args, **kwargs):
        task = original(self, coro, *args, **kwargs)
        code = getattr(coro, "cr_code", None)
        if _recording and code is not None and _own(code.co_filename):
            lane = len(_lanes) + 1
            by = _current_lane()
            _lanes[id(task)] = (task, lane)
            _record("create", lane=lane, name=_name(coro), by=by)
        return task

    base.create_task = create_task


def _thrown(handle, task) -> str | None:
    """What the coming step throws into the task at its await, if anything."""
    if task._must_cancel:
        return "CancelledError"
    for arg in handle._args or ():
        if isinstance(arg, asyncio.Future) and arg.done():
            if arg.cancelled():
                return "CancelledError"
            if arg._exception is not None:
                return _value(arg._exception)
    return None


def _patch_handles() -> None:
    handle_class = asyncio.events.Handle
    original = handle_class._run

    def _run(self):
        if not _recording:
            return original(self)
        task = getattr(self._callback, "__self__", None)
        lane = _lane_of(task) if isinstance(task, asyncio.Task) else None
        if lane is None:
            if isinstance(self, asyncio.events.TimerHandle):
                _timer(self)
            return original(self)
        details, before = {}, None
        if (thrown := _thrown(self, task)) is not None:
            details["throws"], before = thrown, _chain(task)
        if lane in _due:
            details["due"] = _due.pop(lane)
        event = _record("resume", lane=lane, **details)
        try:
            return original(self)
        finally:
            _after_step(task, lane)
            if before is not None and not task.done() and _chain(task) == before:
                # Caught inside asyncio (a TaskGroup waking its parent task up by
                # cancelling its wait): the example's own code never saw it.
                del event["throws"]

    handle_class._run = _run


def _timer(handle) -> None:
    """A timer that wakes a task up: note when it was due, if it fires late
    (the loop was held, by a blocking call)."""
    for arg in handle._args or ():
        future, lane = _waited.get(id(arg), (None, None))
        if future is not arg:
            continue
        late = handle._loop.time() - handle.when()
        if late > LATE:
            _due[lane] = round(_now() - late, 6)


def _after_step(task, lane: int) -> None:
    if task.done():
        if task.cancelled():
            _record("finish", lane=lane, state="cancelled")
        elif task._exception is not None:
            _record("finish", lane=lane, state="failed", error=_value(task._exception))
        else:
            _record("finish", lane=lane, state="done", result=_value(task._result))
        return
    details = {"await": _chain(task)}
    waiter = task._fut_waiter
    if waiter is not None:
        _waited[id(waiter)] = (waiter, lane)
        if (other := _lane_of(waiter)) is not None:
            details["task"] = other
        children = [_lane_of(child) for child in getattr(waiter, "_children", ()) or ()]
        if children and all(children):
            details["tasks"] = children
    _record("suspend", lane=lane, **details)


def _patch_runner() -> None:
    runners = asyncio.runners
    cancel_all, close = runners._cancel_all_tasks, runners.Runner.close

    def _cancel_all_tasks(loop):
        if _recording:
            pending = sorted(
                lane
                for task, lane in _lanes.values()
                if task.get_loop() is loop and not task.done()
            )
            if pending:
                _record("cancel-pending", lanes=pending)
        return cancel_all(loop)

    def runner_close(self):
        try:
            return close(self)
        finally:
            if _recording:
                _record("run-end")

    runners._cancel_all_tasks = _cancel_all_tasks
    runners.Runner.close = runner_close


def _patch_sleep() -> None:
    """A blocking time.sleep while a task runs holds the whole loop."""
    original = time.sleep

    def sleep(seconds):
        lane = _current_lane() if _recording else None
        if lane is None:
            return original(seconds)
        event = _record("block", lane=lane, call=_call(sys._getframe(1), "sleep"))
        try:
            return original(seconds)
        finally:
            event["end"] = _now()

    sleep.__module__, sleep.__name__ = "time", "sleep"
    time.sleep = sleep


def _printed(stream: str, line: str) -> None:
    """A line the example printed (see ``example_clock.on_line``): which task
    printed it, in which function of the example's code."""
    if _recording:
        _record("print", lane=_current_lane(), stream=stream, text=line, function=_function())


def _write() -> None:
    example_clock._flush_streams()  # a last line without a newline
    with open(_PATH, "w", encoding="utf-8") as file:
        json.dump({"events": _events}, file, ensure_ascii=False)


# --- a Jupyter cell ------------------------------------------------------------------


def run_cell(source: str, filename: str = "<cell>") -> None:
    """Run ``source`` as a Jupyter kernel runs a cell: as a coroutine (top-level
    ``await`` allowed) in an event loop that is already running, and that
    keeps running after the cell has finished, until the tasks the cell left
    are done. Events: ``cell-start``, the cell's own task (lane 1, named
    "cell"), ``cell-end``, ``idle`` (no task of the cell left)."""
    import builtins
    import traceback

    global _recording
    lines = source.splitlines(keepends=True)
    linecache.cache[filename] = (len(source), None, lines, filename)
    code = compile(source, filename, "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    namespace = {"__name__": "__main__", "__builtins__": builtins}

    async def kernel():
        global _recording
        loop = asyncio.get_running_loop()
        _recording = True
        _record("cell-start")
        try:
            result = eval(code, namespace)  # the cell, as a kernel runs it
            if asyncio.iscoroutine(result):  # it has a top-level await: it runs as a task
                _names[id(result)] = "cell"
                await loop.create_task(result)
        except BaseException:  # noqa: BLE001 - shown under the cell, as Jupyter does
            traceback.print_exc()
        _record("cell-end")
        while pending := [t for t, _ in _lanes.values() if not t.done()]:
            await asyncio.wait(pending)
        _record("idle")
        _recording = False

    _recording = False
    asyncio.run(kernel())


def install() -> None:
    if not _PATH:
        return
    _patch_create_task()
    _patch_handles()
    _patch_runner()
    _patch_sleep()
    if not os.environ.get("EXAMPLE_TIMELOG"):
        raise RuntimeError(
            "example_trace needs EXAMPLE_TIMELOG: it hears the lines example_clock records"
        )
    example_clock.on_line(_printed)
    atexit.register(_write)
