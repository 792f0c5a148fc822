"""Trace a snippet: run it under ``sitedir/example_trace.py`` on the
examples' clock, in the examples' sandbox, and keep the event list its
timeline is drawn from.

A :class:`Target` is what a page's ```` ```timeline ```` fence names:
``tasks/create_task_order.py`` (the script, as ``python create_task_order.py``
runs it) or ``tasks/create_task_order.py:cell`` (its Jupyter form: the
``cell`` section and its ``await main()``, run as a kernel runs a cell, in a
loop that goes on after the cell; see ``example_trace.run_cell``).

The committed trace (``docs/traces/<topic>/<name>[.cell].json``) holds the
events with times rounded to :data:`DECIMALS` (the precision of the pages'
time columns; the clock's own microseconds of CPU time are noise), times of
a cell counted from the cell's start, and the SHA-256 of the code that ran,
so that the build can tell a stale trace without running anything.

A traced run also knows which of its events **real time** decides
(:attr:`Traced.moves`): those that may come after a real wait (a thread, real
I/O), told from the run's time log as ``tools/examples/check.py`` tells a
line whose time is real time's. A busy machine moves them (see ``tools/timeline/settle.py``,
which decides what a trace is from several runs).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from tools.examples import blocks
from tools.examples.pages import Example, Run, jupyter_lines, load_site, site_configs
from tools.examples.pythons import Interpreter, ensure_venv, interpreters

ROOT = Path(__file__).resolve().parents[2]
TRACES = ROOT / "docs" / "traces"
SNIPPETS = ROOT / "snippets"
LANGUAGE = "timeline"  # the fence: ```timeline
DECIMALS = 1
REFRESH = "make timelines"


class TraceFailed(RuntimeError):
    pass


@dataclass(frozen=True, order=True)
class Target:
    snippet: str  # "tasks/create_task_order.py"
    cell: bool = False  # its Jupyter form

    @classmethod
    def parse(cls, text: str) -> Target:
        text = text.strip()
        snippet, _, section = text.partition(":")
        if not snippet.endswith(".py") or section not in ("", "cell") or "\n" in text:
            raise ValueError(
                f"a ```{LANGUAGE} fence holds one snippet, `topic/name.py` (the script) or "
                f"`topic/name.py:cell` (its Jupyter form), not {text!r}"
            )
        return cls(snippet, section == "cell")

    def __str__(self) -> str:
        return self.snippet + (":cell" if self.cell else "")

    @property
    def file_name(self) -> str:
        return Path(self.snippet).name

    @property
    def form(self) -> str:
        return "jupyter" if self.cell else "script"

    def path(self, traces: Path | None = None) -> Path:
        name = Path(self.snippet).with_suffix(".cell.json" if self.cell else ".json")
        return (traces or TRACES) / name


@cache
def _site():
    return load_site(ROOT / "mkdocs.yml")


def code(target: Target, snippets: Path | None = None) -> str:
    """What runs: the script as the page shows it (pymdownx.snippets, as the
    build expands it), or the cell and the ``await`` lines a Jupyter tab adds."""
    snippets = snippets or SNIPPETS
    site = _site()
    site = dataclasses.replace(
        site, snippet_config={**site.snippet_config, "base_path": [str(snippets)]}
    )
    path = snippets / target.snippet
    if not path.is_file():
        raise FileNotFoundError(f"snippets/{target.snippet} does not exist")
    text = site.expand(f'--8<-- "{target}"').rstrip("\n") + "\n"
    if target.cell:
        added = jupyter_lines(path.read_text(encoding="utf-8"))
        if not added:
            raise ValueError(
                f"snippets/{target.snippet} has no `# --8<-- [end:cell]` line followed by "
                "asyncio.run(...): it has no Jupyter form"
            )
        text += "".join(line + "\n" for line in added)
    return text


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def pythons() -> list[Interpreter]:
    """Every Python the examples run on here, oldest first: the picture is
    the trace on each of them, and it must be the same on each."""
    found = sorted(interpreters(), key=lambda i: i.version)
    if not found:
        raise TraceFailed("no Python 3.11 or newer found (see `python -m tools.examples.pythons`)")
    _ready(tuple(found))
    return found


@cache
def _ready(found: tuple[Interpreter, ...]) -> None:
    """Each Python's virtualenv, made once, before traces run in parallel."""
    for python in found:
        ensure_venv(python)


def _example(target: Target, text: str) -> Example:
    if target.cell:
        text = f"import example_trace\n\nexample_trace.run_cell({text!r})\n"
    run_ = Run((target.file_name,), 0)
    return Example(
        Path("snippets") / target.snippet,
        "en",
        0,
        f'python title="{target.file_name}"',
        text,
        [str(target)],
        "script",
        runs=[run_],
    )


@dataclass(frozen=True)
class Traced:
    """One traced run: its trace (normalized, as committed), and the events
    whose times real time decides (indices into ``trace["events"]``)."""

    trace: dict
    moves: frozenset[int] = frozenset()
    real: bool = False  # a printed line came after a real wait


def trace_run(target: Target, python: Interpreter, snippets: Path | None = None) -> Traced:
    """Run ``target`` under tracing on one Python: its trace, normalized, and
    which of its events real time decides."""
    from tools.examples.check import REAL
    from tools.examples.run import run

    text = code(target, snippets)
    with tempfile.TemporaryDirectory(prefix="trace-") as tmp:
        path = Path(tmp) / "out" / "trace.json"
        path.parent.mkdir()
        example = _example(target, text)
        env = {"EXAMPLE_TRACE_FILE": str(path)}
        outcome = run(example, example.runs[0], python, "virtual", env=env)
        if outcome.returncode is None or not path.exists():
            raise TraceFailed(_failed(python, outcome))
        raw = json.loads(path.read_text(encoding="utf-8"))
    made = normalize(raw, target, text, [python.minor])
    lines = [
        (stream, text, waited)
        for (_, stream, text), waited in zip(outcome.lines, outcome.real, strict=True)
    ]
    moves = _moves(made["events"], lines, REAL)
    return Traced(made, moves, any(r > REAL for r in outcome.real))


def _failed(python: Interpreter, outcome) -> str:
    """Why a traced run gave no trace: the run's own status and output."""
    from tools.examples.run import TIMEOUT

    if outcome.limit:
        how = f"its clock passed the examples' limit of {TIMEOUT} s"
    elif outcome.returncode is None:
        how = f"it was still running after {TIMEOUT} s of real time"
    else:
        how = f"it exited with status {outcome.returncode} without writing its trace"
    output = outcome.output.rstrip("\n") or "(it printed nothing)"
    return (
        f"the traced run on Python {python.name} gave no trace: {how}. What it printed:\n"
        + "\n".join("    " + line for line in output.splitlines())
    )


def _moves(events: list[dict], lines: list[tuple[str, str, float]], real: float) -> frozenset[int]:
    """The events whose times real time decides. ``lines``: each line the run
    printed, ``(stream, text, seconds the main thread had waited for real by
    then)``, from its time log; more than ``real`` seconds, and the line's time
    is real time's (as tools/examples/check.py tells). Between two lines the
    log cannot tell where a real wait began, nor after the last whether one
    came, so every event after the last line printed before any real wait
    counts as real time's."""
    lines = iter(lines)
    exact = -1  # the index of the last event known to come before any real wait
    for index, event in enumerate(events):
        if event["kind"] != "print":
            continue
        waited = None
        for stream, text, so_far in lines:
            if stream == event["stream"] and text == event["text"]:
                waited = so_far
                break
        if waited is None or waited > real:
            break
        exact = index
    return frozenset(range(exact + 1, len(events)))


def trace_on(target: Target, python: Interpreter, snippets: Path | None = None) -> dict:
    """Run ``target`` under tracing on one Python; its trace, normalized."""
    return trace_run(target, python, snippets).trace


def trace(target: Target, snippets: Path | None = None) -> dict:
    """The trace of ``target`` on every Python found, which must be the same
    on each (a picture shows one run; output that differs by version would
    need a picture per version): see ``tools/timeline/settle.py``."""
    from tools.timeline.settle import settle

    verdict = settle(target, None, snippets=snippets)
    if verdict.state == "failed":
        raise TraceFailed(verdict.message)
    return verdict.trace


def difference(a: dict, b: dict) -> str:
    import difflib

    return "\n".join(
        difflib.unified_diff(
            [json.dumps(e, ensure_ascii=False) for e in a["events"]],
            [json.dumps(e, ensure_ascii=False) for e in b["events"]],
            f"Python {', '.join(a['python'])}",
            f"Python {', '.join(b['python'])}",
            lineterm="",
        )
    )


def _round(value: float) -> float:
    return round(value, DECIMALS) + 0.0  # no -0.0


def normalize(raw: dict, target: Target, text: str, python: list[str]) -> dict:
    events = raw["events"]
    start = 0.0
    if target.cell:
        start = next(e["t"] for e in events if e["kind"] == "cell-start")
        events = [e for e in events if e["kind"] != "cell-start"]
    kept = []
    for event in events:
        event = dict(event)
        for key in ("t", "end", "due"):
            if key in event:
                event[key] = _round(event[key] - start)
        kept.append(event)
    return {
        "snippet": target.snippet,
        "form": target.form,
        "python": python,  # traced on each, with the same events
        "code_sha256": digest(text),
        "events": kept,
    }


def dumps(trace: dict) -> str:
    """JSON with one event per line (a change reads as a diff of events)."""
    head = [f" {json.dumps(k)}: {json.dumps(v)}" for k, v in trace.items() if k != "events"]
    events = [json.dumps(e, ensure_ascii=False) for e in trace["events"]]
    return "{\n" + ",\n".join(head) + ',\n "events": [\n  ' + ",\n  ".join(events) + "\n ]\n}\n"


def load(target: Target, traces: Path | None = None) -> dict | None:
    path = target.path(traces)
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def stale(target: Target, trace: dict, snippets: Path | None = None) -> bool:
    """Whether the snippet changed since ``trace`` was made (cheap: no run)."""
    return trace.get("code_sha256") != digest(code(target, snippets))


@dataclass(frozen=True)
class Fence:
    page: Path  # relative to the repository
    line: int
    target: Target


def fences(root: Path = ROOT) -> tuple[list[Fence], list[str]]:
    """Every ```timeline fence of every page, every language; and problems."""
    found, problems = [], []
    for config in site_configs(root):
        site = load_site(config)
        for page in site.pages():
            rel = page.relative_to(root) if page.is_relative_to(root) else page
            for fence in blocks.read(page.read_text(encoding="utf-8")).fences:
                if fence.language != LANGUAGE:
                    continue
                try:
                    found.append(Fence(rel, fence.line, Target.parse(fence.body)))
                except ValueError as error:
                    problems.append(f"{rel}:{fence.line}: {error}")
    return found, problems


def targets(root: Path = ROOT) -> list[Target]:
    return sorted({fence.target for fence in fences(root)[0]})


def under(root: Path = ROOT) -> dict[Fence, tuple | None]:
    """Each timeline fence -> (the example whose output block is right above
    it, that output block), or None if no output block is right above it."""
    from tools.examples.pages import collect

    examples, _ = collect(site_configs(root), root=root)
    found: dict[Fence, tuple | None] = {}
    for fence in fences(root)[0]:
        page = blocks.read((root / fence.page).read_text(encoding="utf-8")).fences
        index = next(i for i, f in enumerate(page) if f.line == fence.line)
        above = page[index - 1] if index else None
        found[fence] = None
        for example in examples:
            outputs = example.runs[0].outputs if example.runs else []
            if example.page == fence.page and outputs and above and outputs[-1].line == above.line:
                found[fence] = (example, outputs[-1])
    return found


def misplaced(fence: Fence, pair: tuple | None) -> str | None:
    """Why a timeline is not where it belongs (right under its example's output)."""
    where = f"{fence.page}:{fence.line}"
    if pair is None:
        return f"{where}: a ```{LANGUAGE} goes right under the output block of the example it draws"
    example, _ = pair
    if example.form != fence.target.form or example.includes != [str(fence.target)]:
        return (
            f"{where}: the timeline draws snippets/{fence.target}, but the example above it "
            f"({example.where}) is the {example.form} form of {', '.join(example.includes)}: "
            f"name that example's include, or move the timeline under its output"
        )
    return None


def placement(root: Path = ROOT) -> list[str]:
    return [m for fence, pair in under(root).items() if (m := misplaced(fence, pair))]


def outdated(root: Path = ROOT) -> list[str]:
    """Traces older than their snippet (cheap: by the hash of the code, no run)."""
    messages = []
    for fence in fences(root)[0]:
        target = fence.target
        trace = load(target, root / "docs" / "traces")
        path = target.path(root / "docs" / "traces").relative_to(root)
        if trace is None:
            messages.append(f"{path}: missing, for {fence.page}:{fence.line}: run `{REFRESH}`")
        elif stale(target, trace, root / "snippets"):
            messages.append(
                f"{path}: older than snippets/{target.snippet}, drawn at {fence.page}:"
                f"{fence.line}: run `{REFRESH}` and commit {path}"
            )
    return sorted(set(messages))
