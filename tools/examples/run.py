"""Run an example the way its page says a reader runs it.

* a script: ``python NAME.py`` (or the command the page shows, such as
  ``python -X dev NAME.py``) in a fresh interpreter and an empty temporary
  directory, ``__name__ == "__main__"``;
* a ``>>>`` transcript: its lines typed into ``python -m asyncio``;
* a Jupyter cell: on a real ipykernel (:mod:`tools.examples.kernel`).

stdout and stderr are merged as a terminal shows them. Each run is sandboxed
(:mod:`tools.examples.sandbox`), reads nothing from stdin, and runs on the
example's clock (``clock="virtual"``, idle waits skipped) or in real time
(``clock="real"``), see ``sitedir/example_clock.py``. Each interpreter gets
its own ``PYTHONHASHSEED``, so output that depends on the order of a set or a
dict of strings differs between versions and fails.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from tools.examples import sandbox, world
from tools.examples.pages import Example, Run
from tools.examples.pythons import Interpreter, default

HERE = Path(__file__).resolve().parent
SITEDIR = HERE / "sitedir"
TIMEOUT = 60  # seconds, of real time and of the example's clock
PROMPTS = ("(>>>|\\.\\.\\.)( |$)",)
# On every Python the tests run, as the next Python (where a deprecated API is
# removed) would treat it: a deprecation is an error, not a hidden warning.
DEPRECATIONS_ARE_ERRORS = "error::DeprecationWarning,error::PendingDeprecationWarning"


@dataclass
class Outcome:
    returncode: int | None  # None: still running after TIMEOUT s of real time
    output: str  # stdout and stderr, merged as a console shows them
    lines: list[tuple[float, str, str]]  # (seconds since start, stream, text)
    end: float | None  # the example's clock when it ended
    command: str  # as a reader types it: "python -X dev hello.py"
    python: str  # "3.12.1"
    clock: str
    world: str = "this machine's world"  # world.World.describe()
    repeat: int = 0  # a repeated run of an example that starts threads (world.REPEATS)
    threads: bool = False  # it started a thread
    limit: bool = False  # stopped because its clock passed TIMEOUT s
    waited: float | None = None  # of its time, how much it spent waiting
    real: list[float] = field(default_factory=list)  # per line: real waits before it (s)
    cells: list = field(default_factory=list)  # a Jupyter run's details (kernel.CellRun)

    def timed(self, decimals: int) -> str:
        return "".join(f"{t:.{decimals}f} s  {text}\n" for t, _, text in self.lines)

    @property
    def stderr(self) -> str:
        return "".join(text + "\n" for _, stream, text in self.lines if stream == "stderr")


def transcript_input(code: str) -> str:
    """The lines a reader types in a ``>>>`` transcript."""
    import re

    prompt = re.compile(PROMPTS[0])
    return "".join(
        prompt.sub("", line, count=1) + "\n" for line in code.splitlines() if prompt.match(line)
    )


def hash_seed(interpreter: Interpreter) -> str:
    """A different, fixed PYTHONHASHSEED for each minor version."""
    return str(interpreter.version[1])


def environment(
    interpreter: Interpreter,
    clock: str,
    timelog: Path,
    home: Path,
    place: world.World = world.HERE,
    repeat: int = 0,
    shows_deprecation: bool = False,
) -> dict[str, str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        **place.environment(str(home)),
        "EXAMPLE_STDLIB_ONLY": "1",  # a reader's fresh Python: the standard library only
        "PYTHONPATH": str(SITEDIR),
        "PYTHONUNBUFFERED": "1",  # stdout and stderr interleave as on a terminal
        "PYTHONIOENCODING": "utf-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONHASHSEED": hash_seed(interpreter),
        "EXAMPLE_CLOCK": clock,
        "EXAMPLE_TIMELOG": str(timelog),
        "EXAMPLE_TIME_LIMIT": str(TIMEOUT),
        "EXAMPLE_THREADS_FILE": str(timelog.with_name("threads")),
    }
    if not shows_deprecation:  # a page that shows the warning keeps it a warning
        env["PYTHONWARNINGS"] = DEPRECATIONS_ARE_ERRORS
    if repeat:
        intervals = world.SWITCH_INTERVALS
        env["EXAMPLE_SWITCH_INTERVAL"] = intervals[(repeat - 1) % len(intervals)]
    return env


def _text(output: bytes) -> str:
    """The bytes as text, line ends as Python writes them (a ``\\r`` alone is
    kept, for the check to see what a terminal makes of it)."""
    return output.decode("utf-8", errors="replace").replace("\r\n", "\n")


def _read_log(path: Path):
    """(lines, clock at the end, stopped at the limit, seconds spent waiting,
    seconds waited for real before each line)."""
    if not path.exists():
        return [], None, False, None, []
    records = [json.loads(row) for row in path.read_text(encoding="utf-8").splitlines() if row]
    lines = [tuple(r[:3]) for r in records if r[1] in ("stdout", "stderr")]
    real = [r[3] if len(r) > 3 else 0.0 for r in records if r[1] in ("stdout", "stderr")]
    ends = [r for r in records if r[1] in ("exit", "limit")]
    limit = any(r[1] == "limit" for r in records)
    waited = next((float(r[2]) for r in ends if r[1] == "exit" and r[2]), None)
    return lines, (ends[-1][0] if ends else None), limit, waited, real


def run(
    example: Example,
    run_: Run | None = None,
    interpreter: Interpreter | None = None,
    clock: str = "virtual",
    timeout: float = TIMEOUT,
    env: dict[str, str] | None = None,
    repeat: int = 0,
    place: world.World | None = None,
) -> Outcome:
    """Run ``example`` as ``run_`` (default: its first run) says, on ``interpreter``;
    ``env``: more environment variables for the script (e.g. a tracer's);
    ``repeat``: a repeated run of an example that starts threads (another
    thread switch interval); ``place``: its world (default: its Python's on
    the example's clock, this machine's in real time; see world.py)."""
    interpreter = interpreter or default()
    run_ = run_ or example.runs[0]
    if example.form == "jupyter":
        from tools.examples import kernel

        return kernel.run_cell(example, interpreter, clock, timeout)
    from tools.examples.pythons import ensure_venv

    if place is None:
        virtual = clock == "virtual"
        place = world.world(interpreter.minor, example.depends_on) if virtual else world.HERE

    python = str(ensure_venv(interpreter))
    with tempfile.TemporaryDirectory(prefix="example-") as tmp:
        base = Path(tmp)
        workdir, home, logs = base / place.directory, base / place.home, base / "log"
        for path in (workdir, home, logs):
            path.mkdir()
        timelog = logs / "timelog"
        stdin = None
        if example.form == "pycon":
            arguments = list(run_.arguments)
            stdin = transcript_input(example.code)
        else:
            (workdir / example.file_name).write_text(example.code, encoding="utf-8")
            arguments = list(run_.arguments)
        writable = [
            home,
            logs,
            *(Path(v).parent for k, v in (env or {}).items() if k.endswith("_FILE")),
        ]
        counted = logs / "processes"
        command = sandbox.wrap(
            [python, *arguments], workdir, writable, host=place.host, counted=counted
        )
        returncode, output = sandbox.run(
            command,
            cwd=workdir,
            env={
                **environment(
                    interpreter,
                    clock,
                    timelog,
                    home,
                    place,
                    repeat,
                    any("DeprecationWarning" in o.text for o in run_.outputs),
                ),
                **(env or {}),
            },
            input=(stdin if stdin is not None else "").encode(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            timeout=timeout,
        )
        output = _text(output)
        if (count := sandbox.started(counted)) is not None and count > sandbox.PROCESSES:
            output += f"\n{sandbox.TOO_MANY_STARTED.format(count=count)}\n"
        lines, end, limit, waited, real = _read_log(timelog)
        threads = (logs / "threads").exists()
        for path in (workdir, base):  # as a reader's terminal shows paths: relative
            output = output.replace(str(path) + os.sep, "")
            lines = [(t, s, x.replace(str(path) + os.sep, "")) for t, s, x in lines]
        if limit:
            returncode = None
        return Outcome(
            returncode,
            output,
            lines,
            end,
            run_.command,
            interpreter.name,
            clock,
            world=place.describe(),
            repeat=repeat,
            threads=threads,
            limit=limit,
            waited=waited,
            real=real,
        )
