"""Jupyter cells run as Jupyter runs them: on a real ipykernel.

A :class:`Kernel` is one ipykernel on one interpreter (in its virtualenv,
:mod:`tools.examples.pythons`), sandboxed like every example
(:mod:`tools.examples.sandbox`), on the example's clock (virtual: idle waits
skipped, see ``sitedir/example_clock.py``; or real). nbclient drives it; as in
JupyterLab, output that a cell's leftover tasks print after the cell has
finished is kept under that cell (ipykernel 7 sends it with the header of the
cell that started the task), and the cell is over only when those tasks are
done too (or ``linger`` seconds of its clock have passed).

What a cell shows (:class:`CellRun`): its outputs in the order they came
(stdout and stderr text, the cell's value as ``Out[n]`` shows it, an error as
``Name: message``), and each printed line with its time since the cell
started; which lines came after the cell had finished.

One kernel runs many cells, one after the other; between two examples' cells
(:func:`run_cell`) the namespace is reset and the event loop's task factory
and exception handler are restored, so one example cannot change the next.
"""

from __future__ import annotations

import ast
import asyncio
import atexit
import contextlib
import json
import os
import re
import shutil
import sys
import tempfile
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from tools.examples import sandbox
from tools.examples.pythons import Interpreter, ensure_venv

SITEDIR = Path(__file__).resolve().parent / "sitedir"
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
LINGER = 60  # seconds of the cell's clock to wait for its leftover tasks

# Run silently in the kernel once it is up.
SETUP = r"""
def _example_setup(virtual):
    import asyncio, sys
    import example_clock
    from IPython import get_ipython
    ip = get_ipython()
    loop = asyncio.get_running_loop()
    if virtual:
        example_clock.kernel_mode()
    log = []  # (clock, kind, msg_id, text): kind is stdout/stderr/start/end/result/error
    def header():
        return sys.stdout.parent_header.get("msg_id")
    # On the class, as a data descriptor: IPython swaps the streams' `write`
    # during each cell (to keep outputs in its history) and puts the old one
    # back after it, which would drop a wrapper set on the instances.
    stream_class = type(sys.stdout)
    original_write = stream_class.write
    class TimedWrite:
        def __get__(self, stream, owner=None):
            if stream is None:
                return original_write
            def write(text, *args, **kwargs):
                log.append((example_clock.now(), stream.name,
                            stream.parent_header.get("msg_id"), text,
                            example_clock.real_waited()))
                return original_write(stream, text, *args, **kwargs)
            return write
        def __set__(self, stream, value):
            pass  # IPython's history of outputs is not needed here
    stream_class.write = TimedWrite()
    for stream in (sys.stdout, sys.stderr):
        stream.__dict__.pop("write", None)
    baseline = {"tasks": set(), "names": set(ip.user_ns)}
    def started(info):
        example_clock.limit_in(%(linger)r)
        baseline["tasks"] = set(asyncio.all_tasks(loop))
        log.append((example_clock.now(), "start", header(), "", example_clock.real_waited()))
    def finished(result):
        log.append((example_clock.now(), "end", header(), "", example_clock.real_waited()))
    ip.events.register("pre_run_cell", started)
    ip.events.register("post_run_cell", finished)
    async def settle(linger):
        # Wait for the tasks the cell left running, as the kernel's loop goes on.
        me = asyncio.current_task()
        deadline = loop.time() + linger
        while loop.time() < deadline:
            pending = [t for t in asyncio.all_tasks(loop) - baseline["tasks"]
                       if t is not me and not t.done() and _examples(t)]
            if not pending:
                return True
            await asyncio.wait(pending, timeout=deadline - loop.time())
        return False
    installed = tuple({sys.prefix, sys.base_prefix, sys.exec_prefix})
    def _examples(task):
        # A task of the cells' code, not of the kernel's own packages.
        code = getattr(task.get_coro(), "cr_code", None)
        return code is None or not code.co_filename.startswith(installed)
    factory, handler = loop.get_task_factory(), loop.get_exception_handler()
    def reset():
        loop.set_task_factory(factory)
        loop.set_exception_handler(handler)
        for name in set(ip.user_ns) - baseline["names"]:
            del ip.user_ns[name]
    async def finish(linger, path):
        # After a cell: its leftover tasks done, its output sent, the record
        # handed over (and emptied), and the kernel as the next cell expects it.
        settled = await settle(linger)
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
        with open(path, "w") as f:
            json.dump(log, f)
        log.clear()
        reset()
        return settled
    import json, types
    # Out of the user's namespace, which reset() empties between examples.
    sys.modules["__example__"] = types.SimpleNamespace(
        log=log, settle=settle, reset=reset, finish=finish)
_example_setup(%(virtual)r)
del _example_setup
"""


@dataclass
class CellRun:
    outputs: list[tuple[str, str]]  # (kind, text): ("stdout"|"stderr"|"result"|"error", …)
    lines: list[tuple[float, str, str]]  # (seconds since the cell started, stream, line)
    duration: float | None  # when the cell's code ended, since it started
    end: float | None  # when its last leftover task ended (or the linger ran out)
    late: list[tuple[float, str, str]] = field(default_factory=list)  # lines after the end
    settled: bool = True  # its leftover tasks ended within the linger
    error: tuple[str, str] | None = None  # (ename, evalue)
    real: list[float] = field(default_factory=list)  # per line: real waits before it (s)

    @property
    def text(self) -> str:
        """What the cell shows, stdout and stderr merged, then its value or error."""
        out = []
        for kind, text in self.outputs:
            out.append(text if kind != "result" else text + "\n")
        return "".join(out)


def _client_class():
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionComplete
    from nbclient.util import ensure_async

    class JupyterLabClient(NotebookClient):
        """nbclient, except for output that comes after its cell has finished:
        JupyterLab shows it under the cell that started the task, and so does
        this client (``late``)."""

        def __init__(self, nb, **kw):
            super().__init__(nb, **kw)
            self.index_of: dict[str, int] = {}
            self.msg_id_of: dict[int, str] = {}
            self.late: dict[int, list[dict]] = defaultdict(list)
            self.arrived: dict[int, list[tuple[str, str]]] = defaultdict(list)

        def output(self, outs, msg, display_id, cell_index):
            content, kind = msg["content"], msg["msg_type"]
            if kind == "stream":
                self.arrived[cell_index].append((content["name"], content["text"]))
            elif kind == "execute_result":
                self.arrived[cell_index].append(("result", content["data"].get("text/plain", "")))
            elif kind == "error":
                traceback = ANSI.sub("", "\n".join(content.get("traceback", [])))
                self.arrived[cell_index].append(("error", traceback + "\n"))
            return super().output(outs, msg, display_id, cell_index)

        async def _async_poll_output_msg(self, parent_msg_id, cell, cell_index):
            self.index_of[parent_msg_id] = cell_index
            self.msg_id_of[cell_index] = parent_msg_id
            while True:
                msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=None))
                if msg["parent_header"].get("msg_id") == parent_msg_id:
                    try:
                        self.process_message(msg, cell, cell_index)
                    except CellExecutionComplete:
                        return
                else:
                    self.late_message(msg)

        def late_message(self, msg):
            index = self.index_of.get(msg["parent_header"].get("msg_id"))
            if index is not None and msg["msg_type"] in {"stream", "error", "display_data"}:
                self.late[index].append(msg)
                self.output(self.nb.cells[index].outputs, msg, None, index)

        async def drain(self, quiet: float = 0.2):
            """Take the output still on its way (a leftover task's last lines)."""
            import queue

            while True:
                try:
                    msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=quiet))
                except (TimeoutError, queue.Empty):
                    return
                self.late_message(msg)

        async def silent(self, code, expression=None):
            msg_id = await ensure_async(
                self.kc.execute(
                    code,
                    silent=True,
                    store_history=False,
                    user_expressions={"x": expression} if expression else None,
                )
            )
            reply = await self.async_wait_for_reply(msg_id)
            if reply["content"]["status"] != "ok":
                raise RuntimeError(f"kernel set-up failed: {reply['content']}")
            if expression:
                value = reply["content"]["user_expressions"]["x"]
                if value["status"] != "ok":
                    raise RuntimeError(f"kernel set-up failed: {value}")
                return ast.literal_eval(value["data"]["text/plain"])
            return None

    return JupyterLabClient


class KernelDied(RuntimeError):
    pass


class Kernel:
    """One sandboxed ipykernel on ``interpreter``; use as an async context manager."""

    def __init__(self, interpreter: Interpreter, clock: str = "virtual", linger: float = LINGER):
        self.interpreter, self.clock, self.linger = interpreter, clock, linger
        self.client = None
        self.count = 0

    async def __aenter__(self):
        import nbformat
        from jupyter_client import AsyncKernelManager
        from jupyter_client.kernelspec import KernelSpecManager

        from tools.examples import world

        python = str(ensure_venv(self.interpreter))
        # This machine's world and no memory limit: the kernel's own libraries
        # and threads are not the example's; the cell's code is its script's,
        # which runs in both worlds, within the limits (world.py, sandbox.py).
        self.world = world.HERE
        self.tmp = Path(tempfile.mkdtemp(prefix="example-kernel-"))
        home, run = self.tmp / self.world.home, self.tmp / self.world.directory
        home.mkdir()
        run.mkdir()
        specs = self.tmp / "kernels"
        (specs / "example").mkdir(parents=True)
        (self.tmp / "ipc").mkdir()
        argv = [python, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
        spec = specs / "example" / "kernel.json"
        data = {"display_name": "example", "language": "python", "metadata": {}}
        data["argv"] = sandbox.wrap(
            argv, run, [home, self.tmp / "ipc"], own_pids=False, limits=False
        )
        data["env"] = {
            "PYTHONPATH": str(SITEDIR),
            "EXAMPLE_CLOCK": self.clock,
            "EXAMPLE_TIME_LIMIT": str(10**9),  # set per cell (limit_in)
            **self.world.environment(str(home)),
            "IPYTHONDIR": str(home / ".ipython"),
            "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONUNBUFFERED": "1",
            "PYTHONHASHSEED": str(self.interpreter.version[1]),
            "LANG": "C.UTF-8",
        }
        spec.write_text(json.dumps(data))
        self.manager = AsyncKernelManager(
            kernel_name="example",
            kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(specs)]),
            transport="ipc",
            ip=str(self.tmp / "ipc" / "kernel"),
            connection_file=str(self.tmp / "ipc" / "connection.json"),
        )
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "EXAMPLE_"))}
        self.nb = nbformat.v4.new_notebook()
        self.client = _client_class()(
            self.nb, km=self.manager, timeout=120, allow_errors=True, kernel_name="example"
        )
        self._setup = self.client.async_setup_kernel(cwd=str(run), env=env, cleanup_kc=True)
        await self._setup.__aenter__()
        await self.client.silent(
            SETUP % {"virtual": self.clock == "virtual", "linger": self.linger + 60}
        )
        return self

    async def __aexit__(self, *exc):
        try:
            await self._setup.__aexit__(*exc)
        finally:
            shutil.rmtree(self.tmp, ignore_errors=True)

    async def execute(self, source: str, tags: list[str] | None = None) -> int:
        """Run one cell as Run All does; returns its index (leftover tasks go on)."""
        import nbformat

        cell = nbformat.v4.new_code_cell(source)
        if tags:
            cell.metadata["tags"] = tags
        self.nb.cells.append(cell)
        return await self.execute_at(len(self.nb.cells) - 1)

    async def execute_at(self, index: int) -> int:
        """Run cell ``index`` of the kernel's notebook (``self.nb``)."""
        cell = self.nb.cells[index]
        cell.outputs = []
        self.count += 1
        await self.client.async_execute_cell(cell, index, execution_count=self.count)
        return index

    async def settle(self) -> bool:
        """Wait until the tasks the cells left are done (or the linger ran out)."""
        settled = await self.client.silent(
            "import sys\n_example_settled = await sys.modules['__example__'].settle("
            f"{self.linger!r})",
            "_example_settled",
        )
        await self.client.drain()
        return settled

    async def log(self) -> list:
        """The kernel's record of every write and cell (through a file: a long
        value would come back shortened from a user expression)."""
        path = self.tmp / "home" / "log.json"
        await self.client.silent(
            "import json, sys\n"
            f"with open({str(path)!r}, 'w') as f: json.dump(sys.modules['__example__'].log, f)"
        )
        return [tuple(entry) for entry in json.loads(path.read_text(encoding="utf-8"))]

    async def reset(self) -> None:
        await self.client.silent("import sys\nsys.modules['__example__'].reset()")

    async def finish(self) -> tuple[bool, list]:
        """After a cell, in one request: wait for its leftover tasks, take the
        record of its writes (emptying it), and reset the kernel for the next one."""
        path = self.tmp / "home" / "log.json"
        settled = await self.client.silent(
            "import sys\n_example_settled = await sys.modules['__example__'].finish("
            f"{self.linger!r}, {str(path)!r})",
            "_example_settled",
        )
        await self.client.drain(quiet=0.05)
        log = [tuple(entry) for entry in json.loads(path.read_text(encoding="utf-8"))]
        return settled, log

    def cell_run(self, index: int, log: list, settled: bool) -> CellRun:
        msg_id = self.client.msg_id_of[index]
        starts = [(t, r) for t, kind, m, _, r in log if kind == "start" and m == msg_id]
        ends = [(t, r) for t, kind, m, _, r in log if kind == "end" and m == msg_id]
        start, real0 = starts[0] if starts else (0.0, 0.0)
        end_of_code = ends[0][0] - start if ends else None
        end_real = ends[0][1] - real0 if ends else 0.0
        lines: list[tuple[float, str, str]] = []
        real: list[float] = []
        pending: dict[str, str] = defaultdict(str)
        for when, kind, m, text, waited in log:
            if m != msg_id or kind not in ("stdout", "stderr"):
                continue
            pending[kind] += text
            *done, pending[kind] = pending[kind].split("\n")
            lines += [(when - start, kind, line) for line in done]
            real += [waited - real0] * len(done)
        for kind, rest in pending.items():
            if rest:
                lines.append((lines[-1][0] if lines else 0.0, kind, rest))
                real.append(real[-1] if real else 0.0)
        outputs = list(self.client.arrived.get(index, []))
        error = None
        for output in self.nb.cells[index].outputs:
            if output.output_type == "error":
                error = (output.ename, output.evalue)
        # The cell's value and error come when the code ends: in the time record too.
        for kind, text in outputs:
            if kind == "result":
                at = end_of_code or 0.0
                position = len([line for line in lines if line[0] <= at + 1e-9])
                values = text.split("\n")
                lines[position:position] = [(at, "result", t) for t in values]
                real[position:position] = [end_real] * len(values)
        if error:
            lines.append((end_of_code or 0.0, "error", f"{error[0]}: {error[1]}"))
            real.append(end_real)
        last = max([t for t, _, _ in lines], default=end_of_code or 0.0)
        late = [line for line in lines if end_of_code is not None and line[0] > end_of_code + 1e-9]
        return CellRun(
            _merge(outputs),
            lines,
            end_of_code,
            max(last, end_of_code or 0.0),
            late,
            settled,
            error,
            real,
        )


def _merge(outputs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Consecutive stream outputs of one kind as one (as Jupyter shows them)."""
    merged: list[tuple[str, str]] = []
    for kind, text in outputs:
        if merged and merged[-1][0] == kind and kind in ("stdout", "stderr"):
            merged[-1] = (kind, merged[-1][1] + text)
        else:
            merged.append((kind, text))
    return merged


# --- one kernel per interpreter and clock, in a thread of its own ------------------


class _KernelThread:
    """A kernel and the event loop it is driven from, in a background thread,
    so that callers (tests in any thread) just call :meth:`call`."""

    def __init__(self, interpreter: Interpreter, clock: str):
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.kernel = Kernel(interpreter, clock)
        self.call(self.kernel.__aenter__())

    def call(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result()

    def close(self):
        try:
            self.call(self.kernel.__aexit__(None, None, None))
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(10)


# Idle kernels, per interpreter and clock. On the example's clock cells are
# quick and one kernel per interpreter serves them all, one after the other;
# in real time each concurrent caller gets a kernel of its own.
_idle: dict[tuple[str, str], list[_KernelThread]] = defaultdict(list)
_all: list[_KernelThread] = []
_pool_lock = threading.Lock()
MAX_VIRTUAL = 1
MAX_REAL = 4  # real-time kernels at once (each takes a second of CPU to start)


def _acquire(interpreter: Interpreter, clock: str) -> _KernelThread:
    key = (str(interpreter.found), clock)
    while True:
        with _pool_lock:
            if _idle[key]:
                return _idle[key].pop()
            mine = [k for k in _all if k.key == key]
            if len(mine) < (MAX_REAL if clock == "real" else MAX_VIRTUAL):
                kernel = _KernelThread.__new__(_KernelThread)
                kernel.key = key
                _all.append(kernel)
                break
        threading.Event().wait(0.02)
    kernel.__init__(interpreter, clock)
    kernel.key = key
    return kernel


def _release(kernel: _KernelThread) -> None:
    with _pool_lock:
        _idle[kernel.key].append(kernel)


@atexit.register
def _close_kernels() -> None:
    for kernel in _all:
        with contextlib.suppress(Exception):  # shutting down anyway
            kernel.close()


def run_cell(example, interpreter: Interpreter, clock: str, timeout: float):
    """Run a Jupyter form as one cell; an :class:`~tools.examples.run.Outcome`."""
    from tools.examples.run import Outcome

    kernel = _acquire(interpreter, clock)
    try:
        k = kernel.kernel

        async def go():
            index = await k.execute(example.code.rstrip("\n"))
            settled, log = await k.finish()
            return k.cell_run(index, log, settled)

        cell = kernel.call(go())
    finally:
        _release(kernel)
    status = 1 if cell.error else 0
    return Outcome(
        status if cell.settled else None,
        cell.text,
        list(cell.lines),
        cell.end,
        "Jupyter",
        interpreter.name,
        clock,
        world=k.world.describe(),
        limit=not cell.settled,
        cells=[cell],
        real=list(cell.real),
    )


def run_notebook(
    path: Path, interpreter: Interpreter, clock: str = "virtual", stop_on_error: bool = False
):
    """Run a notebook file top to bottom as Run All does, then wait for the
    tasks it left; ``(notebook with outputs, [CellRun per code cell index])``.
    ``stop_on_error``: stop after the first cell that fails and is not tagged
    ``raises-exception``."""
    import nbformat

    nb = nbformat.read(path, as_version=4)

    async def go():
        async with Kernel(interpreter, clock) as k:
            k.nb.cells[:] = nb.cells
            indices = [i for i, cell in enumerate(nb.cells) if cell.cell_type == "code"]
            for index in indices:
                await k.execute_at(index)
                cell = k.nb.cells[index]
                failed = any(o.output_type == "error" for o in cell.outputs)
                if (
                    stop_on_error
                    and failed
                    and "raises-exception" not in cell.metadata.get("tags", [])
                ):
                    indices = indices[: indices.index(index) + 1]
                    break
            settled = await k.settle()
            log = await k.log()
            return k.nb, {i: k.cell_run(i, log, settled) for i in indices}

    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(go())
    finally:
        loop.close()


if sys.platform == "win32":  # pragma: no cover - the harness needs bubblewrap (Linux)
    raise ImportError("tools.examples.kernel runs on Linux")
