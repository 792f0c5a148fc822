"""Compare what an example printed with what its page shows.

* Exact, except that ``...`` in an output block stands for any text
  (doctest's ELLIPSIS) — but never for a warning, a traceback or an error
  line that the page does not show.
* An output block with a time column (``3.0 s  finished``) says when each
  line is printed, in seconds since the start (of the program, or of the
  Jupyter cell), to the decimals written; on the example's clock
  (``clock="virtual"``) the times must be exact.
* In **real time** (``clock="real"``, :func:`check_real_time`) the same lines
  must come in the same order, each within :data:`TOLERANCE` of its time.
* A non-zero exit is fine only where the page shows the exception the
  example dies of; an example that shows no output block may not write to
  stderr; an example that waits :data:`WAITS` seconds or more shows when.

Every message names the page and line, the snippet, the Python and the
command, and says what to do.
"""

from __future__ import annotations

import difflib
import re

from tools.examples.pages import Example, Expected, Run
from tools.examples.run import TIMEOUT, Outcome

TOLERANCE = 0.1  # seconds: a real run's line may come this much earlier or later
WAITS = 0.5  # seconds: an example that waits this long shows its time column
REAL = 0.001  # seconds waited for real (threads, I/O) before a line: its time is real time's
# An exception's last line, also inside an exception group's traceback ("  | ").
EXCEPTION_LINE = re.compile(
    r"^(?: *\| )?((?:[\w.]+\.)?\w*(?:Error|Exception|Exit|Group)(?::.*)?)$", re.MULTILINE
)
PROMPT = re.compile(r"^(>>>|\.\.\.)( |$)")
TIME_COLUMN = re.compile(r"^\d+\.\d+ s  ")
# What `...` may not stand for: a report the reader would see and the page hides.
HIDDEN = re.compile(
    r"^(Traceback \(most recent call last\):"
    r"|Exception (in thread|ignored)"
    r"|Task (exception was never retrieved|was destroyed but it is pending)"
    r"|Executing <.*> took"
    r"|.*\b\w*(Warning|Error|Exception): "
    r"|[\w.]*(Warning|Error|Exception)$)"
)


# What a terminal does not show as written: a carriage return or backspace
# (the line is overwritten) and escape sequences (colours, cursor moves).
TERMINAL_CONTROL = re.compile(r"\r|\x08|\x1b")
MISSING_MODULE = re.compile(
    r"^ModuleNotFoundError: No module named '(?P<name>[\w.]+)'", re.MULTILINE
)
OUT_OF_LIMITS = re.compile(
    r"^(MemoryError\b.*|RuntimeError: can't start new thread|\[the examples' sandbox (ended it|counted)\b.*\])$",
    re.MULTILINE,
)


# The last line of the traceback of a deprecation warning made an error (run.py).
DEPRECATED = re.compile(r"^(Pending)?DeprecationWarning: .*$", re.MULTILINE)


def sandbox_problems(example: Example, outcome: Outcome, here: str) -> list[str]:
    """What the page cannot show truly, whatever it shows: output a terminal
    shows otherwise, a module a reader's Python lacks, the sandbox's limits."""
    from tools.examples import sandbox

    problems = []
    if found := TERMINAL_CONTROL.search(outcome.output):
        what = {"\r": "a carriage return (\\r)", "\x08": "a backspace (\\b)"}.get(
            found.group(), "an ANSI escape sequence (\\x1b[…)"
        )
        problems.append(
            f"{here}: it prints {what}, so a terminal shows another text than the page's "
            f"output block can (a line overwritten, a colour): print whole lines of plain text, "
            f"{found.group()!r} found in {outcome.output[: found.start() + 20]!r}"
        )
    if example.form != "jupyter" and (missing := MISSING_MODULE.search(outcome.output)):
        problems.append(
            f"{here}: it imports {missing.group('name')!r}, which a reader's fresh Python does "
            "not have (a script runs with the standard library only; a Jupyter form has what "
            "Jupyter brings): use the standard library"
        )
    if deprecated := DEPRECATED.search(outcome.output):
        problems.append(
            f"{here}: it uses something deprecated ({deprecated.group().strip()}): a deprecation "
            "warning is an error in the examples, as on the Python where that API is gone "
            "(tools/examples/run.py): use what the warning names instead"
        )
    if limit := OUT_OF_LIMITS.search(outcome.output):
        problems.append(
            f"{here}: it ran out of the examples' sandbox ({limit.group().strip()}): an example "
            f"may use {sandbox.MEMORY // 2**20} MB of memory (each thread's stack counts) "
            f"and start {sandbox.PROCESSES} processes (tools/examples/sandbox.py); "
            "a reader's example needs "
            "far less, so make it smaller"
        )
    return problems


def where(example: Example, run: Run, outcome: Outcome) -> str:
    shown = ", ".join(f"snippets/{t}" for t in example.includes) or "no snippet"
    place = "" if outcome.world.startswith("this machine") else f", in {outcome.world}"
    again = f", run {outcome.repeat + 1} (it starts threads)" if outcome.repeat else ""
    return f"{example.where} ({shown}; {outcome.command}, Python {outcome.python}{place}{again})"


def _diff(expected: str, actual: str) -> str:
    return "".join(
        difflib.unified_diff(
            expected.splitlines(keepends=True),
            actual.splitlines(keepends=True),
            "shown on the page",
            "printed by the example",
        )
    )


def _pattern(expected: str) -> re.Pattern:
    parts = expected.split("...")
    return re.compile("(.*?)".join(re.escape(p) for p in parts) + r"\Z", re.DOTALL)


def match(expected: str, actual: str) -> tuple[bool, str | None]:
    """Whether ``actual`` is ``expected`` with each ``...`` standing for some
    text; and, if a ``...`` stands for a warning, traceback or error line, that
    line (the match then fails)."""
    expected, actual = _normal(expected), _normal(actual)
    if "..." not in expected:
        return expected == actual, None
    found = _pattern(expected).match(actual)
    if not found:
        return False, None
    for group in found.groups():
        for line in group.split("\n"):
            line = TIME_COLUMN.sub("", line)
            if HIDDEN.match(line.strip()) and not _traceback_frame(line):
                return False, line.strip()
    return True, None


def hidden(expected: str, actual: str) -> list[tuple[int, str]] | None:
    """What each ``...`` of ``expected`` stands for in ``actual``: (the line of
    ``expected`` it is on, 0-based; the text), or None where they do not match."""
    expected, actual = _normal(expected), _normal(actual)
    found = _pattern(expected).match(actual) if "..." in expected else None
    if found is None:
        return None
    lines, position = [], 0
    for part in expected.split("...")[:-1]:
        position += len(part)
        lines.append(expected.count("\n", 0, position))
        position += 3
    return list(zip(lines, found.groups(), strict=True))


# Text that differs from run to run, or from one reader's machine to another's:
# an address, a path, a number (a line in a file, a file descriptor, a time).
VARIES = re.compile(r"0x[0-9a-f]+|[/\\]|\d")


def elisions(shown: Expected, printed: list[str]) -> list[tuple[int, str]]:
    """Each ``...`` of ``shown`` that hides the same text in every one of
    ``printed`` (every run on every Python), and nothing that varies:
    (the line of the page it is on, the text). A line every run prints alike
    is what the page is there to show."""
    found = [hidden(shown.text, text) for text in printed]
    if not found or any(f is None for f in found):
        return []  # a mismatch is told by check()
    wrong = []
    for number, (line, text) in enumerate(found[0]):
        texts = {f[number][1] for f in found}
        if len(texts) > 1:
            continue
        plain = "\n".join(TIME_COLUMN.sub("", t) for t in text.split("\n")).strip()
        if plain and not VARIES.search(plain):
            wrong.append((shown.line + 1 + line, plain))
    return wrong


def _traceback_frame(line: str) -> bool:
    """A line inside a traceback (``File …``, code, ``^^^``), which `...` may hide."""
    stripped = line.strip()
    return line.startswith("  ") or stripped.startswith(("File ", "^", "~")) or not stripped


def _normal(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip("\n").split("\n")) + "\n"


def transcript_output(code: str) -> str:
    """What a ``>>>`` transcript shows the interpreter answering."""
    return "".join(
        line + "\n" for line in code.splitlines() if line.strip() and not PROMPT.match(line)
    )


def repl_answers(output: str) -> str:
    """What ``python -m asyncio`` printed, without its banner, prompts and goodbye."""
    lines = output.splitlines()
    start = next((i + 1 for i, line in enumerate(lines) if line.endswith(">>> import asyncio")), 0)
    text = "\n".join(lines[start:])
    text = re.sub(r"(?m)^(?:(?:>>>|\.\.\.) ?)+", "", text)
    return "".join(
        line + "\n"
        for line in text.splitlines()
        if line.strip() and line.strip() != "exiting asyncio REPL..."
    )


def waits(outcome: Outcome) -> float:
    """How long the example waits (sleeps, timers, I/O), not counting its work."""
    if outcome.waited is not None:
        return outcome.waited
    return outcome.end or 0.0


def check(example: Example, run: Run, outcome: Outcome, minor: str | None = None) -> list[str]:
    """What is wrong, each as a sentence a contributor can act on."""
    here = where(example, run, outcome)
    minor = minor or ".".join(outcome.python.split(".")[:2])
    if outcome.limit:
        return [
            (
                f"{here}: its clock passed {TIMEOUT} s (it waits at least that long for a reader); "
                f"an example must finish within {TIMEOUT} s"
            )
        ]
    if outcome.returncode is None:
        return [f"{here}: still running after {TIMEOUT} s; an example must finish on its own"]
    problems = sandbox_problems(example, outcome, here)
    if problems:
        return problems
    if "EOFError" in outcome.output and "input" in outcome.output:
        problems.append(f"{here}: it reads standard input; an example must not ask for input")
    if example.form == "pycon":
        expected = transcript_output(example.code)
        actual = repl_answers(outcome.output)
        ok, hidden = match(expected, actual)
        if not ok:
            problems.append(
                f"{here}: python -m asyncio answers differently from the transcript"
                + (f" (`...` hides {hidden!r})" if hidden else "")
                + f":\n{_diff(expected, actual)}"
            )
        return problems

    shown = run.expected_for(minor)
    if shown is None:
        if run.outputs:
            labels = ", ".join(repr(o.label) for o in run.outputs)
            return [f"{here}: no output block for Python {minor} (version tabs: {labels})"]
        if outcome.returncode != 0:
            problems.append(
                f"{here}: exited with status {outcome.returncode} and the page shows no output "
                f"block:\n{outcome.output}"
            )
        if outcome.stderr:
            problems.append(
                f"{here}: wrote to stderr, which the page does not show (add an output block "
                f"that shows it, or fix the snippet):\n{outcome.stderr}"
            )
        if waits(outcome) >= WAITS and example.form != "pycon":
            problems.append(
                f"{here}: it waits {waits(outcome):.1f} s; show when its lines come (an output "
                "block with a time column), so a reader knows what to expect"
            )
        return problems

    problems += compare(example, run, shown, outcome, here)
    raised = EXCEPTION_LINE.findall(outcome.output)[-1:]  # the last one is what it died of
    shown_lines = "\n".join(TIME_COLUMN.sub("", line) for line in shown.text.splitlines())
    if outcome.returncode != 0 and not set(raised) & set(EXCEPTION_LINE.findall(shown_lines)):
        problems.append(
            f"{here}: exited with status {outcome.returncode} but the page shows no error:\n"
            f"{outcome.output}"
        )
    return problems


def compare(example: Example, run: Run, shown: Expected, outcome: Outcome, here: str) -> list[str]:
    label = f" ({shown.label})" if shown.label else ""
    if shown.timed:
        actual = outcome.timed(shown.decimals)
        kind = "timed output (seconds since the start, on the example's clock)"
        if example.form == "script" and outcome.output.count("\n") != len(outcome.lines):
            return [
                (
                    f"{here}: some of its output was not timed (written below Python's sys.stdout, "
                    "by C code or a subprocess?), so its time column cannot be checked"
                )
            ]
    else:
        actual = outcome.output
        kind = "output"
        if waits(outcome) >= WAITS:
            return [
                (
                    f"{here}: it waits {waits(outcome):.1f} s; the output block at line {shown.line} "
                    "needs a time column (`0.0 s  first line`), so a reader knows when lines come"
                )
            ]
    ok, hidden = match(shown.text, actual)
    if not ok and not hidden and shown.timed and any(r > REAL for r in outcome.real):
        ok = _close_enough(shown, outcome)
    if ok:
        return []
    why = f"; `...` stands for {hidden!r}, which the page must show" if hidden else ""
    return [
        (
            f"{here}: the printed {kind} differs from the output block at line {shown.line}{label}"
            f"{why}. Fix the snippet, or update the block if the new output is right "
            f"(`make outputs PAGE={example.page}` writes what it prints):\n{_diff(shown.text, actual)}"
        )
    ]


def _close_enough(shown: Expected, outcome: Outcome) -> bool:
    """The same lines as the page shows; a line printed after a real wait (a
    thread, real I/O) within TOLERANCE of its time, as in real time; any other
    line at exactly its time."""
    paired = _pair(_timed_lines(shown), [(t, text) for t, _, text in outcome.lines])
    if paired is None:
        return False
    for ((page, _), real_time), index in zip(paired, _paired_indices(shown, outcome), strict=True):
        if outcome.real[index] > REAL:
            if abs(real_time - page) > TOLERANCE:
                return False
        elif f"{real_time:.{shown.decimals}f}" != f"{page:.{shown.decimals}f}":
            return False
    return True


def _timed_lines(shown: Expected) -> list[tuple[float, str] | None]:
    lines: list[tuple[float, str] | None] = []  # None: a `...` line, any lines
    for line in shown.text.splitlines():
        if line.strip() == "...":
            lines.append(None)
        elif line.strip():
            seconds, text = line.split(" s  ", 1)
            lines.append((float(seconds), text))
    return lines


def _paired_indices(shown: Expected, outcome: Outcome) -> list[int]:
    expected = _timed_lines(shown)
    actual = [(t, text) for t, _, text in outcome.lines]
    indices, position = [], 0
    for item in expected:
        if item is None:
            continue
        pattern = _pattern(item[1])
        while not pattern.match(actual[position][1]):
            position += 1
        indices.append(position)
        position += 1
    return indices


def check_real_time(example: Example, run: Run, outcome: Outcome, minor: str) -> list[str]:
    """A real-time run prints the page's lines in the page's order, each
    within TOLERANCE of the time the page shows."""
    here = where(example, run, outcome)
    shown = run.expected_for(minor)
    if shown is None or not shown.timed:
        return []
    last = max((t for t in (_timed_lines(shown)) if t is not None), default=(0.0, ""))[0]
    if outcome.returncode is None:
        if last >= TIMEOUT - 10:
            return [
                (
                    f"{here}: in real time it was stopped after {TIMEOUT} s, the longest a real-time "
                    f"run may take, and the page shows a line at {last:.{shown.decimals}f} s: a "
                    "run needs a few seconds more than its waits (the interpreter starting, a busy "
                    f"machine); keep an example's waits under {TIMEOUT - 10} s"
                )
            ]
        return [
            (
                f"{here}: in real time it was still running after {TIMEOUT} s, where the page's "
                f"last line is at {last:.{shown.decimals}f} s: something it waits for never comes "
                "in real time (on the example's clock it did)"
            )
        ]
    actual = [(t, text) for t, _, text in outcome.lines]
    paired = _pair(_timed_lines(shown), actual)
    if paired is None:
        return [
            f"{here}: in real time it prints other lines, or in another order, than the page "
            f"shows (the example's clock hides something that takes real time?):\n"
            + _diff(
                shown.text,
                "".join(f"{s:.{shown.decimals}f} s  {t}\n" for s, t in actual),
            )
        ]
    late = [
        f"  {text!r}: shown at {page:.{shown.decimals}f} s, printed at {real:.3f} s"
        for (page, text), real in paired
        if abs(real - page) > TOLERANCE
    ]
    if late:
        worked = (
            outcome.end - outcome.waited
            if outcome.end is not None and outcome.waited is not None
            else None
        )
        if worked is not None and worked < TOLERANCE:
            why = (
                f"it worked only {worked:.2f} s in all and waited the rest, so neither CPU work "
                "nor a blocking call moved them: its timers fired off time in real time (a "
                "machine too busy to keep a wait to the tenth of a second, or a wait that "
                "is not the one the page shows?)"
            )
        else:
            why = (
                "CPU work, a blocking call or real I/O that the example's clock does not show?"
                + (f" (it worked {worked:.2f} s)" if worked is not None else "")
            )
        return [
            f"{here}: in real time, lines come more than {TOLERANCE} s away from the times "
            f"the page shows ({why}):\n" + "\n".join(late)
        ]
    return []


def _pair(expected, actual):
    """Each shown line with the time a real run printed it (a `...` line may
    stand for any lines), or None where the lines do not match."""
    paired, position, free = [], 0, False
    for item in expected:
        if item is None:
            free = True
            continue
        page, text = item
        pattern = _pattern(text)
        while position < len(actual) and not pattern.match(actual[position][1]):
            if not free:
                return None
            position += 1
        if position == len(actual):
            return None
        paired.append(((page, text), actual[position][0]))
        position, free = position + 1, False
    return paired if free or position == len(actual) else None
