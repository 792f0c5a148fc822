"""The event-loop timelines (``tools/timeline/``, ``hooks/timelines.py``)
tell the truth about the examples they are drawn under.

* every ```` ```timeline ```` fence sits right under the output of the very
  example it draws, and each language shows the same ones (at least
  :data:`AT_LEAST` per language);
* every line of that output block is in the trace, printed at the time the
  block states, in the same order (the block itself is checked against real
  runs, a Jupyter form on a real kernel, by tests/test_examples.py);
* the picture has one lane per task the example creates: read from its
  source, not from the trace;
* every committed trace is what tracing the current snippet gives, on every
  Python found (a stale one fails, naming the snippet and ``make timelines``):
  an event after a real wait (a thread) may be one rounding step away, as in
  the output check; runs that disagree are traced again, alone, and runs of
  one Python that still disagree are the machine's load, never a reason to
  commit a trace;
* ``make timelines`` traces what SNIPPET= or PAGE= names (an unknown one gets
  one line saying what exists); a full run writes every trace it could make
  and names each failure with its cause; a difference between Pythons is
  reported only if it persists in runs made alone;
* a planted change to a snippet's sleep moves its bar, through the hook the
  build uses; a stale trace is drawn with a note; a missing one stops the
  build naming the page and line;
* every picture of the built site is well-formed SVG with a title, and its
  long description lists every event of its trace, in the page's language;
* the sentences the pages say about the pictures are true of the traces.
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
import threading
import xml.etree.ElementTree as ET
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace

import pytest

from tools.examples import blocks
from tools.examples.check import match
from tools.examples.pages import ROOT, load_site
from tools.site import configs, prefix
from tools.timeline import draw, settle
from tools.timeline import trace as traces

AT_LEAST = 8  # timelines per language
SVG = "{http://www.w3.org/2000/svg}"

FENCES, FENCE_PROBLEMS = traces.fences()
TARGETS = sorted({fence.target for fence in FENCES})


def test_every_timeline_fence_names_a_snippet():
    assert not FENCE_PROBLEMS, "\n".join(FENCE_PROBLEMS)


def test_each_language_shows_the_same_timelines():
    by_lang: dict[str, list[str]] = {}
    for fence in FENCES:
        by_lang.setdefault(fence.page.parts[1], []).append(f"{fence.page.name}: {fence.target}")
    assert set(by_lang) == {lang for lang, _ in configs()}
    english = by_lang.pop("en")
    assert len(english) >= AT_LEAST, f"only {len(english)} timelines in English"
    for lang, shown in by_lang.items():
        assert shown == english, f"docs/{lang}/ shows other timelines than docs/en/"


# --- each timeline is under the output of its example ----------------------------


UNDER = traces.under()


@pytest.mark.parametrize("fence", FENCES, ids=[f"{f.page}:{f.line}" for f in FENCES])
def test_a_timeline_is_right_under_the_output_of_its_example(fence):
    problem = traces.misplaced(fence, UNDER[fence])
    assert problem is None, problem


def test_no_trace_is_older_than_its_snippet():
    """Cheap, by the hash of the code (the test below re-traces every snippet)."""
    problems = traces.outdated()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("fence", FENCES, ids=[f"{f.page}:{f.line}" for f in FENCES])
def test_every_printed_line_is_in_the_trace_at_the_time_the_page_states(fence):
    _, output = UNDER[fence]
    trace = traces.load(fence.target)
    assert trace is not None, f"no trace of snippets/{fence.target}: run `{traces.REFRESH}`"
    printed = [e for e in trace["events"] if e["kind"] == "print"]
    in_trace = "".join(f"{e['t']:.{output.decimals}f} s  {e['text']}\n" for e in printed)
    assert output.timed, f"{fence.page}:{output.line}: a timeline's example shows when it prints"
    ok, _ = match(output.text, in_trace)
    assert ok, (
        f"{fence.page}:{fence.line}: the trace of snippets/{fence.target} prints other lines, "
        f"or at other times, than the output block at line {output.line}:\n"
        f"page:\n{output.text}trace:\n{in_trace}"
    )


# --- one lane per task the example creates ------------------------------------------


def _tasks_in_source(target: traces.Target) -> list[str]:
    """The tasks a snippet creates, read from its code: the one asyncio.run
    (or Jupyter, for the cell) runs it in, one per ``create_task(coro)``, one
    per coroutine passed to ``asyncio.gather``; each named as its call reads."""
    text = traces.code(target)
    tree = ast.parse(text)
    names = [draw.TEXT["en"]["cell"] if target.cell else None]
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        callee = ast.get_source_segment(text, node.func) or ""
        if callee == "asyncio.run" and not target.cell:
            names[0] = ast.get_source_segment(text, node.args[0])
        elif callee.endswith("create_task"):
            names.append(ast.get_source_segment(text, node.args[0]))
        elif callee == "asyncio.gather":
            names += [ast.get_source_segment(text, arg) for arg in node.args]
    return names


def _lanes(html: str) -> list[str]:
    return [
        re.sub(r"&quot;", '"', name)
        for name in re.findall(r'<text class="tl-lane"[^>]*>([^<]*)<', html)
    ]


@pytest.mark.parametrize("target", TARGETS, ids=str)
def test_one_lane_per_task_the_example_creates(target):
    picture = draw.svg(traces.load(target), "en", "t")
    assert sorted(_lanes(picture)) == sorted(_tasks_in_source(target)), (
        f"the timeline of snippets/{target} has lanes {_lanes(picture)}; its code creates the "
        f"tasks {_tasks_in_source(target)}"
    )


# --- the committed traces are current ----------------------------------------------


ALONE = settle.Alone()  # a re-trace runs alone: the first runs of other targets wait


@pytest.fixture(scope="module")
def fresh():
    """Every target traced now, once on every Python found (three at a time)."""
    pool = ThreadPoolExecutor(3)
    futures = {
        target: pool.submit(settle.first_runs, target, None, ALONE.beside) for target in TARGETS
    }
    yield futures
    pool.shutdown(wait=False, cancel_futures=True)


def committed_problem(verdict: settle.Verdict) -> str | None:
    """What is wrong with the committed trace, by the verdict of tracing it
    again (None: nothing). Only a trace that runs made alone agree on, and
    that differs from the committed one beyond what real time moves, is
    "out of date": a busy machine is never a reason to commit a trace."""
    target = verdict.target
    path = target.path().relative_to(ROOT) if target.path().is_relative_to(ROOT) else target.path()
    if verdict.state == "current":
        return None
    if verdict.state == "new":
        runs = ", ".join(f"{n} on {minor}" for minor, n in verdict.runs.items())
        return (
            f"{path} is out of date: tracing snippets/{target} gives other events, alike in "
            f"its runs ({runs}), beyond what real time moves (one step of {settle.STEP:g} s, "
            f"for events after a real wait): the snippet or the tracer changed: run "
            f"`{traces.REFRESH} SNIPPET={target}` and commit {path}\n{verdict.message}"
        )
    if verdict.busy:
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        return (
            f"{path} could not be checked: {verdict.message}\n(load average {load} on "
            f"{os.cpu_count()} CPUs: if the machine was idle, the snippet's events depend on "
            "timing, and its timeline would show one run of many)"
        )
    return f"snippets/{target}: {verdict.message}"


@pytest.mark.parametrize("target", TARGETS, ids=str)
def test_the_committed_trace_is_what_tracing_the_snippet_gives(target, fresh):
    """Traced again on every Python; an event that real time decides (after a
    thread, real I/O) may be one rounding step away, as a line printed then
    may be in the output check; a disagreement is traced again, alone."""
    committed = traces.load(target)
    path = target.path().relative_to(ROOT)
    assert committed is not None, f"snippets/{target} has no trace: run `{traces.REFRESH}`"
    first = fresh[target].result()
    verdict = settle.settle(target, committed, first=first, alone=ALONE.alone)
    problem = committed_problem(verdict)
    if problem and verdict.busy and settle.machine_busy():
        pytest.skip(f"not checked, the machine is too busy: {problem}")
    assert problem is None, problem
    assert verdict.trace is committed, path


def test_no_trace_is_left_that_no_page_draws():
    used = {target.path() for target in TARGETS}
    unused = [p.relative_to(ROOT) for p in traces.TRACES.rglob("*.json") if p not in used]
    assert not unused, f"traces no page draws: {unused}; `{traces.REFRESH}` removes them"


def test_the_build_needs_no_sandbox_and_runs_nothing():
    """The hook draws committed traces: it does not import what runs examples."""
    code = (
        "import sys, hooks.timelines; "
        "print(sorted(m for m in sys.modules if m.startswith(('tools.examples.run', "
        "'tools.examples.sandbox', 'tools.examples.kernel'))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert "tools.examples" not in done.stdout, done.stdout


# --- through the hook the build uses --------------------------------------------------


@pytest.fixture
def hook(monkeypatch, tmp_path):
    """hooks/timelines.py as a build runs it, on snippets and traces in tmp_path."""
    from mkdocs.config import load_config

    config = load_config(str(ROOT / "mkdocs.yml"))
    import hooks.timelines as module

    snippets, saved = tmp_path / "snippets", tmp_path / "traces"
    monkeypatch.setattr(traces, "SNIPPETS", snippets)
    monkeypatch.setattr(traces, "TRACES", saved)
    module.on_config(config)

    def draw_page(markdown: str) -> str:
        page = SimpleNamespace(file=SimpleNamespace(src_uri="planted.md"))
        module.on_page_markdown(markdown, page, config, None)
        html = []
        for fence in blocks.read(markdown).fences:
            if fence.language == traces.LANGUAGE:
                html.append(module.fence(fence.body, "timeline", "timeline", {}, None))
        return "".join(html)

    return SimpleNamespace(snippets=snippets, traces=saved, draw=draw_page, module=module)


def _plant(hook, snippet: str, change: tuple[str, str] | None = None) -> traces.Target:
    source = (ROOT / "snippets" / snippet).read_text(encoding="utf-8")
    if change:
        assert change[0] in source
        source = source.replace(change[0], change[1])
    path = hook.snippets / snippet
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(source, encoding="utf-8")
    return traces.Target(snippet, cell=True)


def _save(hook, target):
    made = traces.trace_on(target, traces.pythons()[0])
    path = target.path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(traces.dumps(made), encoding="utf-8")


def _bars(html: str, css: str) -> list[str]:
    return re.findall(rf'<(?:rect|line) class="{css}" data-t="([^"]+)"', html)


def test_a_planted_change_to_a_sleep_moves_its_bar(hook):
    page = "```timeline\ntasks/create_task_order.py:cell\n```\n"
    target = _plant(hook, "tasks/create_task_order.py")
    _save(hook, target)
    before = hook.draw(page)
    _plant(hook, "tasks/create_task_order.py", ("asyncio.sleep(3)", "asyncio.sleep(5)"))
    _save(hook, target)
    after = hook.draw(page)
    assert _bars(before, "tl-wait") == ["0-3"] and _bars(after, "tl-wait") == ["0-5"]
    assert _bars(before, "tl-run")[-1] == "3-3" and _bars(after, "tl-run")[-1] == "5-5"
    assert "also finished" in after and ">5 s<" in after and ">5 s<" not in before


def test_a_stale_trace_is_drawn_with_a_note_and_a_missing_one_stops_the_build(hook):
    from mkdocs.exceptions import PluginError

    page = "Text.\n\n```timeline\ntasks/create_task_order.py:cell\n```\n"
    target = _plant(hook, "tasks/create_task_order.py")
    with pytest.raises(PluginError, match=r"planted\.md:3: no trace .*make timelines"):
        hook.draw(page)
    _save(hook, target)
    assert 'class="tl-stale"' not in hook.draw(page)
    _plant(hook, "tasks/create_task_order.py", ("asyncio.sleep(3)", "asyncio.sleep(5)"))
    stale = hook.draw(page)
    assert 'class="tl-stale"' in stale and "make timelines" in stale
    assert _bars(stale, "tl-wait") == ["0-3"]  # the committed trace, until it is re-made
    with pytest.raises(PluginError, match=r"planted\.md:3: .*topic/name\.py"):
        hook.draw("Text.\n\n```timeline\ntasks/create_task_order\n```\n")


# --- the pictures of the built site ----------------------------------------------------


def _figures(built_site: Path):
    for lang, config in configs():
        site = load_site(config)
        for page in site.pages():
            relative = page.relative_to(site.docs_dir).with_suffix("")
            html_path = built_site / prefix(lang) / relative / "index.html"
            if relative.name == "index":
                html_path = built_site / prefix(lang) / relative.parent / "index.html"
            html = html_path.read_text(encoding="utf-8")
            for figure in re.findall(r'<figure class="tl".*?</figure>', html, flags=re.DOTALL):
                yield lang, html_path.relative_to(built_site), html, figure


def test_every_picture_is_well_formed_svg_with_its_text_alternative(built_site):
    seen: dict[str, int] = {}
    for lang, where, html, figure in _figures(built_site):
        seen[lang] = seen.get(lang, 0) + 1
        svg = figure[figure.index("<svg") : figure.rindex("</svg>") + len("</svg>")]
        try:
            root = ET.fromstring(svg)
        except ET.ParseError as error:
            pytest.fail(f"{where}: a timeline's SVG is not well-formed XML: {error}")
        assert root.get("role") == "img", where
        title = root.find(f"{SVG}title")
        assert title is not None and title.get("id") == root.get("aria-labelledby"), where
        assert title.text.startswith(draw.TEXT[lang]["title"].split("{")[0]), (where, title.text)
        described = root.get("aria-describedby")
        found = re.search(rf'<ol id="{described}">(.*?)</ol>', figure, flags=re.DOTALL)
        assert found, f"{where}: the picture's description (#{described}) is not in its figure"
        items = re.findall(r"<li>(.*?)</li>", found.group(1), flags=re.DOTALL)
        ident = figure.split('id="', 1)[1].split('"', 1)[0]
        snippet = re.search(r"<title[^>]*>[^<]*?(\w+\.py)", svg).group(1)
        trace = next(
            traces.load(t)
            for t in TARGETS
            if t.file_name == snippet and t.cell == ident.endswith("-cell")
        )
        assert len(items) == len(trace["events"]), (
            f"{where}: the description of {snippet} lists {len(items)} events, its trace has "
            f"{len(trace['events'])}"
        )
        assert all(re.match(r"\d+[.,]\d [sс]: ", item) for item in items), where
        for ident_ref in re.findall(r'(?:href="#|id=")([^"]+)"', svg):
            assert ident_ref.startswith(ident), f"{where}: {ident_ref} is not the figure's own id"
        assert html.count(f'id="{ident}"') == 1, f"{where}: two figures with the id {ident}"
    assert all(count >= AT_LEAST for count in seen.values()) and len(seen) == len(configs()), seen


# --- what the pages say about the pictures -----------------------------------------------


def _events(snippet: str, cell: bool = False) -> list[dict]:
    return traces.load(traces.Target(snippet, cell))["events"]


def test_in_the_script_asyncio_run_cancels_the_task_at_once_and_in_jupyter_it_goes_on():
    script = _events("tasks/create_task_order.py")
    assert {"t": 0.0, "kind": "cancel-pending", "lanes": [2]} in script
    assert script[-2:] == [
        {"t": 0.0, "kind": "finish", "lane": 2, "state": "cancelled"},
        {"t": 0.0, "kind": "run-end"},
    ]
    cell = _events("tasks/create_task_order.py", cell=True)
    assert {"t": 0.0, "kind": "cell-end"} in cell
    assert {"t": 3.0, "kind": "finish", "lane": 2, "state": "done", "result": "None"} in cell
    numbers = _events("results/fetch_data_print_numbers.py")
    assert numbers[-2:] == [
        {"t": 2.0, "kind": "finish", "lane": 3, "state": "cancelled"},
        {"t": 2.0, "kind": "run-end"},
    ]
    numbers = _events("results/fetch_data_print_numbers.py", cell=True)
    assert numbers[-2] == {"t": 3.0, "kind": "finish", "lane": 3, "state": "done", "result": "None"}


def test_time_sleep_holds_the_loop_and_the_ticker_is_late():
    events = _events("tasks/time_sleep_blocks_the_loop.py")
    block = next(e for e in events if e["kind"] == "block")
    assert (block["t"], block["end"], block["call"], block["lane"]) == (
        0.5,
        2.5,
        "time.sleep(2)",
        1,
    )
    late = [e for e in events if "due" in e]
    assert late == [{"t": 2.5, "kind": "resume", "lane": 2, "due": 1.0}]


def test_sleep_while_task_runs_takes_4_seconds_and_the_sleeps_overlap():
    events = _events("tasks/sleep_while_task_runs.py")
    suspends = {(e["lane"], e["t"], e["await"][-1][2]) for e in events if e["kind"] == "suspend"}
    assert suspends == {(1, 0.0, "await asyncio.sleep(4)"), (2, 0.0, "await asyncio.sleep(3)")}
    assert [e["kind"] for e in events if e["kind"] in ("cancel-pending", "run-end")] == ["run-end"]
    assert events[-1]["t"] == 4.0


def test_trace_files_are_small_json():
    for target in TARGETS:
        text = target.path().read_text(encoding="utf-8")
        assert json.loads(text) == traces.load(target) and len(text) < 20_000, target


# --- make timelines: what it traces, what it writes, whom it blames ----------------------
#
# tools.examples.run.run is faked: each traced run writes the events a scenario
# gives for (target, Python, how many times it was traced on that Python).


def _raw(target: traces.Target, back: float = 1.5, extra: bool = False) -> list[dict]:
    """A run's events: "start" at 0, "back" after a wait (``extra``: one event more)."""
    events = [{"t": 0.0, "kind": "cell-start"}] if target.cell else []
    events += [
        {"t": 0.0, "kind": "create", "lane": 1, "name": "main()", "by": None},
        {
            "t": 0.0,
            "kind": "print",
            "lane": 1,
            "stream": "stdout",
            "text": "start",
            "function": "m",
        },
    ]
    if extra:
        events.append({"t": 1.0, "kind": "resume", "lane": 1})
    events += [
        {
            "t": back,
            "kind": "print",
            "lane": 1,
            "stream": "stdout",
            "text": "back",
            "function": "m",
        },
        {"t": back, "kind": "run-end"},
    ]
    return events


class FakeRuns:
    """``scenario(target, minor, call)`` -> (events, seconds waited for real
    before "back"), or a str: the run fails printing it, or an exception: the
    tracer itself fails."""

    def __init__(self, scenario) -> None:
        self.scenario = scenario
        self.calls: Counter = Counter()
        self.lock = threading.Lock()

    def __call__(self, example, run_=None, python=None, clock="virtual", env=None, **_):
        from tools.examples.run import Outcome

        target = traces.Target.parse(example.includes[0])
        with self.lock:
            self.calls[str(target), python.minor] += 1
            call = self.calls[str(target), python.minor]
        made = self.scenario(target, python.minor, call)
        if isinstance(made, Exception):
            raise made
        if isinstance(made, str):
            return Outcome(1, made, [], 0.0, "python x.py", python.name, clock)
        events, real = made
        Path(env["EXAMPLE_TRACE_FILE"]).write_text(json.dumps({"events": events}))
        printed = [e for e in events if e["kind"] == "print"]
        lines = [(e["t"], e["stream"], e["text"]) for e in printed]
        waited = [real if e["text"] == "back" else 0.0 for e in printed]
        output = "".join(e["text"] + "\n" for e in printed)
        return Outcome(0, output, lines, 2.0, "python x.py", python.name, clock, real=waited)


@pytest.fixture
def fake(monkeypatch, tmp_path):
    """make timelines on fake runs, on three fake Pythons, into tmp_path/traces."""
    from tools.examples import run as run_module
    from tools.examples.pythons import Interpreter
    from tools.timeline.__main__ import main

    found = [Interpreter((3, m, 0), Path(f"python3.{m}"), False) for m in (11, 12, 13)]
    monkeypatch.setattr(traces, "pythons", lambda: found)
    monkeypatch.setattr(traces, "TRACES", tmp_path / "traces")

    def use(scenario) -> FakeRuns:
        runs = FakeRuns(scenario)
        monkeypatch.setattr(run_module, "run", runs)
        return runs

    def timelines(scenario, *argv):
        runs = use(scenario)
        return SimpleNamespace(status=main(list(argv)), runs=runs)

    return SimpleNamespace(use=use, timelines=timelines, traces=tmp_path / "traces")


def _steady(target, minor, call):
    return _raw(target), 1.5


def _written(fake) -> set[str]:
    return {str(p.relative_to(fake.traces)) for p in fake.traces.rglob("*.json")}


ORDER = "tasks/create_task_order.py"


def test_make_timelines_snippet_traces_the_forms_the_pages_draw(fake):
    assert fake.timelines(_steady, "--snippet", ORDER).status == 0
    assert _written(fake) == {"tasks/create_task_order.json", "tasks/create_task_order.cell.json"}
    for path in fake.traces.rglob("*.json"):
        path.unlink()
    assert fake.timelines(_steady, "--snippet", f"snippets/{ORDER}:cell").status == 0
    assert _written(fake) == {"tasks/create_task_order.cell.json"}


def test_make_timelines_page_traces_what_the_page_and_its_translation_draw(fake):
    assert fake.timelines(_steady, "--page", "docs/en/tasks.md").status == 0
    drawn = {str(f.target.path(fake.traces).relative_to(fake.traces)) for f in FENCES}
    on_page = {
        str(f.target.path(fake.traces).relative_to(fake.traces))
        for f in FENCES
        if f.page == Path("docs/ru/tasks.md")
    }
    assert _written(fake) == on_page and on_page < drawn, (_written(fake), on_page)


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (("--snippet", "tasks/nope.py"), "snippets/tasks/nope.py does not exist; timelines are"),
        (("--snippet", "start/hello_asyncio.py"), "no page draws a timeline of snippets/start/"),
        (("--page", "docs/en/nope.md"), "docs/en/nope.md is not a page; the pages that draw"),
        (("--page", "docs/en/index.md"), "docs/en/index.md draws no timeline; the pages that do"),
    ],
    ids=["missing snippet", "snippet drawn nowhere", "missing page", "page drawing none"],
)
def test_an_unknown_snippet_or_page_gets_one_line_saying_what_exists(fake, capsys, argv, says):
    done = fake.timelines(_steady, *argv)
    err = capsys.readouterr().err
    assert done.status == 2 and not done.runs.calls and not _written(fake)
    assert err.count("\n") == 1 and err.startswith(says), err
    assert ("tasks/create_task_order.py" if "snippet" in argv[0] else "docs/en/tasks.md") in err


def test_the_makefile_passes_snippet_and_page_on():
    def command(*variables):
        done = subprocess.run(
            ["make", "-n", "timelines", *variables],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        return next(line for line in done.stdout.splitlines() if "tools.timeline" in line)

    assert command().split()[1:] == ["-m", "tools.timeline"]
    assert command(f"SNIPPET={ORDER}").split()[3:] == ["--snippet", ORDER]
    assert command("PAGE=docs/en/tasks.md").split()[3:] == ["--page", "docs/en/tasks.md"]


def test_a_full_run_writes_every_trace_it_made_and_names_each_failure_with_its_cause(fake, capsys):
    """One snippet's run fails, the tracer fails on another: every other trace
    is written, an unused one removed, and each failure is a block of its own
    with its real cause, and no traceback of the tool."""
    failing, broken = traces.Target("tasks/await_the_task.py"), traces.Target(ORDER, cell=True)
    unused = fake.traces / "tasks" / "gone.json"
    unused.parent.mkdir(parents=True)
    unused.write_text("{}")

    def scenario(target, minor, call):
        if target == failing and minor == "3.12":
            return "ZeroDivisionError: division by zero\n"
        if target == broken:
            return RuntimeError("a bug of the tracer's")
        return _raw(target), 1.5

    done = fake.timelines(scenario)
    err = capsys.readouterr().err
    assert done.status == 1
    assert _written(fake) == {
        str(t.path(fake.traces).relative_to(fake.traces)) for t in TARGETS
    } - {"tasks/await_the_task.json", "tasks/create_task_order.cell.json"}
    assert "2 of " in err and "timelines could not be traced (every other trace is written)" in err
    blocks = err.split("\n\n")
    failed_block = next(b for b in blocks if b.startswith("snippets/tasks/await_the_task.py ("))
    assert "docs/en/tasks.md:" in failed_block and "docs/ru/tasks.md:" in failed_block
    assert "on Python 3.12.0 gave no trace: it exited with status 1" in failed_block
    assert "ZeroDivisionError: division by zero" in failed_block
    tool_block = next(b for b in blocks if b.startswith(f"snippets/{ORDER}:cell ("))
    assert "the tracer itself failed: RuntimeError: a bug of the tracer's (at " in tool_block
    assert "Traceback" not in err


def test_a_selected_run_leaves_unused_traces_alone(fake):
    unused = fake.traces / "tasks" / "gone.json"
    unused.parent.mkdir(parents=True)
    unused.write_text("{}")
    assert fake.timelines(_steady, "--snippet", ORDER).status == 0
    assert unused.exists()


CELL = f"{ORDER}:cell"


def test_a_run_disturbed_once_is_no_difference_between_pythons(fake, capsys):
    """The first Python's first run differs (the machine stalled it); traced
    again, alone, it agrees: no difference is reported, the steady trace is
    written."""

    def scenario(target, minor, call):
        return _raw(target, extra=(minor == "3.11" and call == 1)), 1.5

    done = fake.timelines(scenario, CELL)
    out = capsys.readouterr()
    assert done.status == 0, out.err
    assert "other things" not in out.err and "busy" not in out.err
    written = json.loads((fake.traces / "tasks" / "create_task_order.cell.json").read_text())
    assert [e["kind"] for e in written["events"]] == ["create", "print", "print", "run-end"]
    assert written["python"] == ["3.11", "3.12", "3.13"]
    assert done.runs.calls[CELL, "3.11"] >= 1 + settle.TRIES  # traced again, alone


def test_a_difference_that_persists_is_reported_with_both_event_lists(fake, capsys):
    def scenario(target, minor, call):
        return _raw(target, extra=(minor == "3.12")), 1.5

    done = fake.timelines(scenario, CELL)
    err = capsys.readouterr().err
    assert done.status == 1
    assert "the event loop does other things on Python 3.12 than on 3.11" in err
    assert "--- Python 3.11" in err and "+++ Python 3.12" in err
    assert '+{"t": 1.0, "kind": "resume", "lane": 1}' in err
    assert done.runs.calls[CELL, "3.12"] >= 1 + settle.TRIES  # it persisted, traced alone
    assert "busy" not in err and not _written(fake)


def test_runs_of_one_python_that_disagree_blame_the_machine_not_the_version(fake, capsys):
    """Runs on 3.12 alone disagree with each other (beyond a step, on the
    examples' clock): the machine is too busy; no version is blamed, the
    events that moved are named, nothing is written."""

    def scenario(target, minor, call):
        return _raw(target, back=1.5 + (0.3 * call if minor == "3.12" else 0), extra=False), 0.0

    done = fake.timelines(scenario, CELL)
    err = capsys.readouterr().err
    assert done.status == 1 and not _written(fake)
    assert "the machine is too busy to trace this snippet reliably" in err
    assert "on Python 3.12, each alone" in err
    assert 'event 3 (t) {"kind": "print", "lane": 1, "stream": "stdout", "text": "back"' in err
    assert "at 2.1 s, 2.4 s, 2.7 s, 3.0 s" in err
    assert "other things" not in err and "and commit" not in err


def test_real_time_events_may_move_one_step_and_the_clock_events_may_not(fake, capsys):
    """Once committed (1.5 s after a real wait), a run where the wait came back
    at 1.4 s leaves the trace as it is, in --check and in make timelines; on
    the examples' clock alone (no real wait), or two steps away, it is stale."""
    path = fake.traces / "tasks" / "create_task_order.cell.json"
    assert fake.timelines(_steady, CELL).status == 0
    committed = path.read_text()

    def loaded(back, real):
        return lambda target, minor, call: (_raw(target, back=back), real)

    assert fake.timelines(loaded(1.4, 1.4), "--check", CELL).status == 0
    assert fake.timelines(loaded(1.4, 1.4), CELL).status == 0
    assert path.read_text() == committed
    assert "stale: " not in capsys.readouterr().out
    assert fake.timelines(loaded(1.4, 0.0), "--check", CELL).status == 1
    assert "stale: " in capsys.readouterr().out
    assert fake.timelines(loaded(1.3, 1.3), "--check", CELL).status == 1
    done = fake.timelines(loaded(1.3, 1.3), CELL)
    assert done.status == 0 and '"t": 1.3' in path.read_text()
    assert done.runs.calls[CELL, "3.11"] >= 1 + settle.TRIES  # re-traced before rewriting


def test_a_new_trace_takes_the_time_most_runs_give(fake):
    """A changed snippet's trace, its runs disagreeing by a step of real time:
    each event at the time most runs (alone) give, not the first run's."""

    def scenario(target, minor, call):
        return _raw(target, back=1.4 if (minor, call) == ("3.11", 1) else 1.5), 1.5

    assert fake.timelines(scenario, CELL).status == 0
    written = (fake.traces / "tasks" / "create_task_order.cell.json").read_text()
    assert '"t": 1.5' in written and '"t": 1.4' not in written


def test_the_check_of_a_committed_trace_never_asks_to_commit_what_load_made(fake):
    """The test above, on verdicts: a step of real time passes; runs that
    disagree are reported as the machine's, without `make timelines`; only a
    difference every run agrees on asks for it."""
    target = traces.Target(ORDER, cell=True)
    fake.timelines(_steady, CELL)
    committed = traces.load(target)

    def verdict(scenario):
        fake.use(scenario)
        return settle.settle(target, committed)

    def loaded(target, minor, call):
        return _raw(target, back=1.4 if minor == "3.12" else 1.5), 1.5

    assert committed_problem(verdict(loaded)) is None

    def busy(target, minor, call):
        return _raw(target, back=1.5 + 0.3 * call), 0.0

    problem = committed_problem(verdict(busy))
    assert "too busy" in problem and traces.REFRESH not in problem and "and commit" not in problem

    def changed(target, minor, call):
        return _raw(target, back=2.5), 0.0

    problem = committed_problem(verdict(changed))
    assert f"`{traces.REFRESH} SNIPPET={CELL}` and commit" in problem
