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
  Python found (a stale one fails, naming the snippet and ``make timelines``);
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
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace

import pytest

from tools.examples import blocks
from tools.examples.check import match
from tools.examples.pages import ROOT, load_site
from tools.site import configs, prefix
from tools.timeline import draw
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


@pytest.fixture(scope="module")
def fresh():
    """Every target traced now, on every Python found (three at a time)."""
    pool = ThreadPoolExecutor(3)
    futures = {target: pool.submit(_trace_each, target) for target in TARGETS}
    yield futures
    pool.shutdown(wait=False, cancel_futures=True)


def _trace_each(target):
    committed = traces.load(target) or {"events": None}
    return {python.minor: traces.again(target, python, committed) for python in traces.pythons()}


@pytest.mark.parametrize("target", TARGETS, ids=str)
def test_the_committed_trace_is_what_tracing_the_snippet_gives(target, fresh):
    committed = traces.load(target)
    path = target.path().relative_to(ROOT)
    refresh = f"run `{traces.REFRESH}` and commit {path}"
    assert committed is not None, f"snippets/{target} has no trace: {refresh}"
    for minor, now in fresh[target].result().items():
        now = {**now, "python": committed["python"]}
        assert now == committed, (
            f"{path} is out of date: tracing snippets/{target} on Python {minor} gives other "
            f"events (the snippet or the tracer changed): {refresh}\n"
            + traces.difference({**committed, "python": ["committed"]}, {**now, "python": [minor]})
        )


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
