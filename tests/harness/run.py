"""Run an :class:`~harness.pages.Example` the way a reader would, and check it.

* a script form: ``python -X dev name.py`` in a fresh interpreter and an empty
  temporary directory (``__name__ == "__main__"``);
* a Jupyter form (``<!--pytest.mark.jupyter-->``): ``jupyter_cell.py`` runs it
  inside an already running loop with top-level ``await``;
* a ``pycon`` transcript: its ``>>>`` lines are typed into ``python -m asyncio``.

stdout and stderr are merged as a console shows them, unbuffered. Time is
virtual unless ``clock="real"`` (see ``sitedir/sitecustomize.py``).
"""

from __future__ import annotations

import difflib
import doctest
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .pages import Example

HERE = Path(__file__).resolve().parent
SITEDIR = HERE / "sitedir"
JUPYTER_CELL = HERE / "jupyter_cell.py"
TIMED_LINE = re.compile(r"^(?P<seconds>\d+\.(?P<decimals>\d+)) s  (?P<text>.*)$")
EXCEPTION_LINE = re.compile(r"^(?:[\w.]+\.)?\w*(?:Error|Exception|Exit)(?::.*)?$", re.MULTILINE)
PROMPTS = re.compile(r"^(>>>|\.\.\.)( |$)")
TIMEOUT = 60


@dataclass
class Outcome:
    returncode: int | None  # None: killed by the timeout
    output: str  # stdout and stderr, merged as a console shows them
    lines: list[tuple[float, str, str]]  # (seconds since start, stream, text)
    command: list[str]
    sleeps: list[float]  # every asyncio.sleep / time.sleep the example asked for

    def timed(self, decimals: int) -> str:
        return "".join(f"{t:.{decimals}f} s  {text}\n" for t, _, text in self.lines)

    @property
    def stderr(self) -> str:
        return "".join(text + "\n" for _, stream, text in self.lines if stream == "stderr")


def transcript_input(code: str) -> str:
    """The lines a reader types in a ``>>>`` transcript."""
    return "".join(
        PROMPTS.sub("", line) + "\n" for line in code.splitlines() if PROMPTS.match(line)
    )


def transcript_output(code: str) -> str:
    """What the transcript shows the interpreter answering."""
    return "".join(
        line + "\n" for line in code.splitlines() if line.strip() and not PROMPTS.match(line)
    )


def reader_command(example: Example, default: list[str]) -> list[str]:
    """How a reader runs the example: the shell command the page shows next to
    it (``python hello.py``, ``python -m asyncio``), else ``python`` + ``default``;
    always with this interpreter, in development mode (``-X dev``)."""
    words = shlex.split(example.commands[0].removeprefix("$ ")) if example.commands else []
    return [sys.executable, "-X", "dev", *(words[1:] if words else default)]


def run(example: Example, clock: str = "virtual", timeout: float = TIMEOUT) -> Outcome:
    with tempfile.TemporaryDirectory(prefix="example-") as tmp:
        workdir = Path(tmp)
        timelog = workdir.parent / f"{workdir.name}.timelog"
        env = {
            **os.environ,
            "PYTHONPATH": str(SITEDIR),
            "PYTHONUNBUFFERED": "1",
            "PYTHONIOENCODING": "utf-8",
            "PYTHONDONTWRITEBYTECODE": "1",
            "EXAMPLE_CLOCK": clock,
            "EXAMPLE_TIMELOG": str(timelog),
        }
        for name in ("PYTHONSTARTUP", "PYTHONWARNINGS", "PYTHONASYNCIODEBUG", "PYTHONHOME"):
            env.pop(name, None)
        stdin = None
        if example.language == "pycon":
            command = reader_command(example, ["-m", "asyncio"])
            stdin = transcript_input(example.code)
        else:
            name = example.file_name
            (workdir / name).write_text(example.code, encoding="utf-8")
            command = reader_command(example, [name])
            if example.jupyter:
                command = [sys.executable, "-X", "dev", str(JUPYTER_CELL), name]
        try:
            done = subprocess.run(
                command,
                cwd=workdir,
                check=False,
                env=env,
                input=stdin,
                stdout=subprocess.PIPE,
                # The REPL writes its banner to stderr; a transcript shows stdout.
                stderr=subprocess.DEVNULL if stdin is not None else subprocess.STDOUT,
                text=True,
                encoding="utf-8",
                timeout=timeout,
            )
            returncode, output = done.returncode, done.stdout
        except subprocess.TimeoutExpired as expired:
            returncode = None
            output = (
                expired.stdout.decode()
                if isinstance(expired.stdout, bytes)
                else (expired.stdout or "")
            )
        records = []
        if timelog.exists():
            records = [json.loads(row) for row in timelog.read_text(encoding="utf-8").splitlines()]
            timelog.unlink()
        lines = [tuple(r) for r in records if r[1] != "sleep"]
        sleeps = [r[2] for r in records if r[1] == "sleep"]
        output = output.replace(str(workdir) + os.sep, "")
        return Outcome(returncode, output, lines, command, sleeps)


def _diff(expected: str, actual: str) -> str:
    return "".join(
        difflib.unified_diff(
            expected.splitlines(keepends=True),
            actual.splitlines(keepends=True),
            "shown on the page",
            "printed by the example",
        )
    )


def _matches(expected: str, actual: str) -> bool:
    """Exact, except that ``...`` in the page stands for any text (doctest's ELLIPSIS)."""
    return doctest.OutputChecker().check_output(expected, actual, doctest.ELLIPSIS)


def check(example: Example, outcome: Outcome) -> list[str]:
    """What is wrong with the example, each as a sentence a contributor can act on."""
    where = example.describe()
    if outcome.returncode is None:
        return [f"{where}: still running after {TIMEOUT} s; an example must finish on its own"]
    problems = []
    expected = example.expected
    if example.language == "pycon":
        if expected is not None:
            problems.append(
                f"{where}: a >>> transcript shows its output inline; remove the output block"
            )
        expected = transcript_output(example.code)
        actual = PROMPTS.sub("", outcome.output.replace(">>> ", "").replace("... ", ""))
        actual = "".join(line + "\n" for line in actual.splitlines() if line.strip())
        if not _matches(expected, actual):
            problems.append(
                f"{where}: python -m asyncio answers differently from the transcript:\n{_diff(expected, actual)}"
            )
        return problems
    if expected is None:
        if outcome.returncode != 0:
            problems.append(
                f"{where}: exited with status {outcome.returncode} and the page shows no output block:\n"
                f"{outcome.output}"
            )
        if outcome.stderr:
            problems.append(
                f"{where}: wrote to stderr, which the page does not show (add an output block that "
                f"shows it, or fix the snippet):\n{outcome.stderr}"
            )
        return problems

    first = next((line for line in expected.splitlines() if line.strip()), "")
    timed = TIMED_LINE.match(first)
    actual = outcome.timed(len(timed.group("decimals"))) if timed else outcome.output
    if timed and outcome.output.count("\n") != len(outcome.lines):
        problems.append(f"{where}: some output was not timed (written below Python's sys.stdout?)")
    if not _matches(expected, actual):
        kind = "timed output (seconds since start, on the virtual clock)" if timed else "output"
        problems.append(
            f"{where}: the printed {kind} differs from the output block under it. Fix the snippet, "
            f"or update the block if the new output is right:\n{_diff(expected, actual)}"
        )
    # A failing example is fine only where the page shows the very exception it ends with.
    raised = EXCEPTION_LINE.findall(outcome.output)[-1:]  # the last one is what it died of
    if outcome.returncode != 0 and not set(raised) & set(EXCEPTION_LINE.findall(expected)):
        problems.append(
            f"{where}: exited with status {outcome.returncode} but the page shows no error:\n{outcome.output}"
        )
    return problems
