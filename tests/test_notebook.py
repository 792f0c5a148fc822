"""The lesson as a Jupyter notebook (``notebook.ipynb`` on the site, every language).

* It is generated from ``notebooks/lesson.<lang>.md`` by the function the site
  build uses, its code cells are the snippets the pages show, and the built
  site serves exactly that file for download.
* The downloaded file runs top to bottom on a real ipykernel (nbclient, the
  venv's Python): every cell succeeds, or raises where it carries Jupyter's
  ``raises-exception`` tag, and prints what the notebook shows. As JupyterLab
  does, output that a cell's leftover tasks print after the cell finished is
  shown under that cell; the tests check it came late, and when.
* The page renders, is searchable, and keeps outputs and prompts out of search;
  the page mkdocs-jupyter rendered is kept current in ``notebooks/rendered/``
  and a build uses it without importing nbconvert.

In Chromium, the page is tested with the rest of the site (tests/browser/,
``test_notebook_page.py``: instant navigation, dark mode, the download).

Time in the kernel is virtual (looptime on the kernel's event loop, as the
harness runs the pages' examples), so the notebook's 20 s of sleeping take
well under a second. ``NOTEBOOK_CLOCK=real`` runs it in real time instead.
"""

from __future__ import annotations

import ast
import asyncio
import concurrent.futures
import doctest
import html
import json
import os
import queue
import re
import subprocess
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pytest
from jupyter_client import AsyncKernelManager
from jupyter_client.kernelspec import KernelSpecManager
from mkdocs.config import load_config
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionComplete, CellExecutionError
from nbclient.util import ensure_async

from tests.harness.pages import collect, load_site
from tools import notebook as nbtools
from tools import notebook_page
from tools.site import ROOT, configs

CLOCK = os.environ.get("NOTEBOOK_CLOCK", "virtual")
TOLERANCE = 0.15 if CLOCK == "real" else 0.0  # seconds; virtual times are exact
LINGER = 30  # seconds to wait for leftover tasks' output after the last cell
LANGS = [(lang, config) for lang, config in configs() if nbtools.source_path(lang).exists()]
IDS = [lang for lang, _ in LANGS]


@dataclass
class Made:
    lang: str
    config: Path
    source: Path
    ipynb: str
    cells: list[nbtools.Cell]

    def where(self, line: int) -> str:
        return f"{self.source.relative_to(ROOT)}:{line}"


@pytest.fixture(scope="module", params=LANGS, ids=IDS)
def made(request) -> Made:
    lang, config_file = request.param
    found = nbtools.from_config(load_config(str(config_file)))
    assert found is not None
    assert found[0] == lang
    return Made(lang, config_file, nbtools.source_path(lang), found[1], found[2])


def page_dir(site: Path, lang: str) -> Path:
    base = site if lang == "en" else site / lang
    return base / Path(nbtools.FILE_NAME).stem


# --- The notebook as generated ------------------------------------------------


def test_every_language_has_the_notebook_page():
    for lang, config in configs():
        nav = json.dumps(load_config(str(config))["nav"])
        assert nbtools.FILE_NAME in nav, f"{config.name}: add the notebook page to the nav"
        assert nbtools.source_path(lang).exists(), f"{config.name}: no {nbtools.source_path(lang)}"


def test_it_is_a_valid_notebook_in_jupyter_format(made):
    nb = nbformat.reads(made.ipynb, as_version=4)
    nbformat.validate(nb)
    assert nbformat.writes(nb) + "\n" == made.ipynb, "not formatted as Jupyter writes it"
    assert nb.metadata.kernelspec.name == "python3"
    counts = [c.execution_count for c in nb.cells if c.cell_type == "code"]
    assert counts == list(range(1, len(counts) + 1)), "numbered as after Run All"


def test_code_cells_are_the_snippets_as_the_pages_expand_them(made):
    """Each code cell is its fence in the source expanded by the harness (which
    expands the pages), and includes only snippets that the pages show."""
    site = load_site(made.config)
    lines = made.source.read_text(encoding="utf-8").split("\n")
    shown = {t for e in collect([ROOT / "mkdocs.yml"])[0] for t in e.includes}
    code = [c for c in made.cells if c.kind == "code"]
    assert code, "no code cells"
    for cell in code:
        end = lines.index("```", cell.line)
        body = "\n".join(lines[cell.line : end])
        assert cell.source == site.expand(body).strip("\n"), made.where(cell.line)
        assert cell.includes or body.startswith("await "), made.where(cell.line)
        for include in cell.includes:
            assert include in shown, (
                f'{made.where(cell.line)}: --8<-- "{include}" is not shown on any page; the '
                "notebook shows the pages' examples"
            )


def test_languages_have_the_same_cells_and_outputs():
    """A translation changes the prose only: same code, same outputs, same tags."""
    mades = {}
    for lang, config in LANGS:
        mades[lang] = nbtools.from_config(load_config(str(config)))
    english = mades.pop("en")
    for lang, (_, _, cells) in mades.items():
        ours = [
            (c.source, c.tags, [(o.kind, o.text) for o in c.outputs])
            for c in english[2]
            if c.kind == "code"
        ]
        theirs = [
            (c.source, c.tags, [(o.kind, o.text) for o in c.outputs])
            for c in cells
            if c.kind == "code"
        ]
        assert ours == theirs, f"notebooks/lesson.{lang}.md: code cells differ from lesson.en.md"


@pytest.mark.parametrize(
    ("source", "complaint"),
    [
        ('```python\nprint("hi")\n```\n', "code written in the notebook source"),
        ('```python\n--8<-- "no/such.py:cell"\n```\n', "no/such.py"),
        (
            (
                '```python\n--8<-- "event_loop/asyncio_run.py"\n```\n\n'
                "<!--pytest-codeblocks:expected-output-->\n```pytb\nRuntimeError: x\n```\n"
            ),
            "raises-exception",
        ),
        ("Text.\n\n<!--pytest-codeblocks:expected-output-->\n```text\nx\n```\n", "right after"),
        ("```python\nawait main()\n```\n\n<!--pytest.mark.jupyter-->\n", "unknown marker"),
    ],
    ids=["own-code", "missing-snippet", "untagged-error", "stray-output", "unknown-marker"],
)
def test_mistakes_in_a_source_name_the_line(source, complaint):
    site = load_site(ROOT / "mkdocs.yml")
    with pytest.raises(nbtools.NotebookSourceError) as raised:
        nbtools.parse("# Title\n\n" + source, nbtools.expander(site.snippet_config), "x.md")
    assert re.match(r"x\.md:\d+: ", str(raised.value)), raised.value
    assert complaint in str(raised.value)


# --- The built site -------------------------------------------------------------


def test_the_site_serves_that_notebook_for_download(built_site, made):
    served = page_dir(built_site, made.lang) / nbtools.FILE_NAME
    assert served.read_text(encoding="utf-8") == made.ipynb


def test_the_page_renders_the_notebook(built_site, made):
    page = (page_dir(built_site, made.lang) / "index.html").read_text(encoding="utf-8")
    code = [c for c in made.cells if c.kind == "code"]
    assert len(re.findall(r'jp-CodeCell[^"]*" id="cell-id=', page)) == len(code)
    assert f'href="{nbtools.FILE_NAME}" download=' in page, "no download link"
    assert "jp-OutputArea-output" in page and "raises-exception" in page
    for heading in re.findall(r"^#+ (.*)$", made.source.read_text(encoding="utf-8"), re.MULTILINE):
        text = re.sub(r"`([^`]*)`", r"<code>\1</code>", heading)
        assert re.search(rf'<h[1-6] id="[^"]+">{re.escape(text)}<a class="headerlink"', page), (
            heading
        )
    # Nothing loaded from elsewhere, and no script whose loading never ends:
    # Material's instant navigation waits for every <script src> in the content.
    content = page[page.index("<article") : page.index("</article>")]
    assert not re.search(r"<script[^>]*\bsrc=", content)
    assert "cdnjs" not in page and "cdn.jsdelivr" not in page
    assert "navigation.instant" in page  # the feature is on for this page too


def test_search_finds_the_text_but_not_the_output(built_site, made):
    index = json.loads(
        (page_dir(built_site, made.lang).parent / "search" / "search_index.json").read_text()
    )
    url = Path(nbtools.FILE_NAME).stem + "/"
    docs = [d for d in index["docs"] if d["location"].startswith(url)]
    text = html.unescape(" ".join(d["title"] + " " + d["text"] for d in docs))
    prose = [c for c in made.cells if c.kind == "markdown" and not c.source.startswith("#")]
    for cell in prose[:3] + prose[-2:]:
        words = re.sub(r"[`*]", "", cell.source.split("\n")[0]).lstrip("- ")[:40]
        assert words in re.sub(r"<[^>]+>", "", text), (
            f"{made.where(cell.line)} not in the search index"
        )
    headings = [
        c.source.lstrip("# ")
        for c in made.cells
        if c.kind == "markdown" and c.source.startswith("##")
    ]
    titles = {re.sub(r"<[^>]+>", "", html.unescape(d["title"])) for d in docs}
    for heading in headings:
        assert heading.replace("`", "") in titles, f"no search section for {heading!r}"
    # Code is searchable, once (not again from the copy button's hidden text).
    assert text.count('print("one second later")') == 1
    # Output, prompts and buttons are not.
    sources = "\n".join(c.source for c in made.cells)
    noise = [
        line
        for c in made.cells
        for o in c.outputs
        for line in o.text.splitlines()
        if len(line) > 8 and line not in sources and "..." not in line
    ]
    noise += ["<coroutine object main at 0x", "In [1]", "In\xa0[1]", "Copied!"]
    assert len(noise) > 4
    for line in noise:
        assert line not in text, f"{line!r} (output or prompt) is in the search index"


# --- The rendered page kept in the repository (notebooks/rendered/) -------------


def test_the_committed_page_is_what_mkdocs_jupyter_renders_now(made):
    """The page the build takes from the repository is current, and is exactly
    what rendering the notebook now gives (no hand edits, no stale render)."""
    path = notebook_page.committed_path(made.lang)
    shown = notebook_page.shown(path)
    key = notebook_page.cache_key(made.ipynb, made.lang)
    committed = notebook_page.read(path, key)
    assert committed is not None, (
        f"{shown} is out of date: the notebook, a snippet it includes or "
        f"tools/notebook_page.py changed. Run `{notebook_page.REFRESH}` and commit {shown}."
    )
    assert committed == notebook_page.render(made.ipynb, made.lang), (
        f"{shown} differs from what mkdocs-jupyter renders for its key (edited by hand?): "
        f"delete it, run `{notebook_page.REFRESH}` and commit it"
    )


BUILD_ENGLISH = """
import logging
import sys
from mkdocs.commands.build import build
from mkdocs.config import load_config

logging.basicConfig(level=logging.INFO, format="%(levelname)s - %(message)s")
build(load_config("mkdocs.yml", site_dir=sys.argv[1], strict=True))
renderers = ("nbconvert", "mkdocs_jupyter", "jupytext", "tinycss2")
print("imported:", sorted({m.split(".")[0] for m in sys.modules} & set(renderers)))
"""


def build_english(out: Path, **env: str) -> subprocess.CompletedProcess:
    """A strict build of the English site in a fresh process, which reports
    which of the renderer's packages it imported."""
    return subprocess.run(
        [sys.executable, "-c", BUILD_ENGLISH, str(out)],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def assert_built_from(committed: str, site: Path) -> None:
    """The built notebook page is the committed rendering: its HTML in the
    page, its stylesheet served as the one file the page links to."""
    stylesheet, content = notebook_page.split(committed.split("\n", 1)[1])
    page = (site / "notebook" / "index.html").read_text(encoding="utf-8")
    assert content in page
    assert "<style" not in page[page.index("<body") :], "a <style> in the page's body"
    linked = re.findall(
        r'<link rel="stylesheet" href="\.\./(assets/stylesheets/jupyter\.[^"]+)"', page
    )
    assert len(linked) == 1, f"the notebook page links {linked}, not one JupyterLab stylesheet"
    assert (site / linked[0]).read_text(encoding="utf-8") == stylesheet


def test_a_build_takes_the_committed_page_without_importing_the_renderer(tmp_path):
    done = build_english(tmp_path / "site", NOTEBOOK_CACHE=str(tmp_path / "cache"))
    assert done.returncode == 0, done.stderr
    assert "imported: []" in done.stdout
    assert "out of date" not in done.stderr
    assert not (tmp_path / "cache").exists()
    committed = notebook_page.committed_path("en").read_text(encoding="utf-8")
    assert_built_from(committed, tmp_path / "site")


def test_with_the_committed_page_out_of_date_the_build_renders_and_says_what_to_do(tmp_path):
    nowhere, cache = tmp_path / "no-committed-pages", tmp_path / "cache"
    env = {"NOTEBOOK_RENDERED": str(nowhere), "NOTEBOOK_CACHE": str(cache)}
    done = build_english(tmp_path / "site", **env)
    assert done.returncode == 0, done.stderr  # strict: an INFO line, not a warning
    assert "nbconvert" in done.stdout
    message = f"{nowhere}/lesson.en.html is out of date"
    assert message in done.stderr and "run `make notebook` and commit the file" in done.stderr
    committed = notebook_page.committed_path("en").read_text(encoding="utf-8")
    assert_built_from(committed, tmp_path / "site")  # rendering now gives the committed page
    # The next build takes the page from the cache.
    again = build_english(tmp_path / "again", **env)
    assert again.returncode == 0, again.stderr
    assert "imported: []" in again.stdout and message in again.stderr


# --- Running the downloaded file in Jupyter ----------------------------------------

KERNEL_SETUP = """
def _lesson_setup(virtual):
    import asyncio, builtins, sys, threading
    from IPython import get_ipython
    loop = asyncio.get_running_loop()
    if virtual:  # the same virtual clock as the harness's, on the kernel's own loop
        import looptime
        looptime.patch_event_loop(loop, start=loop.time())
    log = []  # (loop time, "print"/"start"/"end", the cell's msg_id, text)
    def cell():  # the cell the output goes to (for a task: the cell that started it)
        return sys.stdout.parent_header.get("msg_id")
    original_print = builtins.print
    def print(*args, sep=" ", end="\\n", file=None, flush=False):
        if file in (None, sys.stdout) and threading.current_thread() is threading.main_thread():
            log.append((loop.time(), "print", cell(), sep.join(map(str, args)) + end))
        return original_print(*args, sep=sep, end=end, file=file, flush=flush)
    builtins.print = print
    def event(kind):
        return lambda *_: log.append((loop.time(), kind, cell(), ""))
    get_ipython().events.register("pre_run_cell", event("start"))
    get_ipython().events.register("post_run_cell", event("end"))
    return log, sys.executable
_lesson_log, _lesson_python = _lesson_setup({virtual})
del _lesson_setup
"""


class JupyterLabClient(NotebookClient):
    """nbclient, except for output that comes after its cell has finished.

    ipykernel 7 sends what a task prints with the header of the cell that
    started the task; JupyterLab keeps listening and shows it under that cell.
    nbclient would drop it. Here it goes under its cell, and is kept apart in
    ``late`` so that the tests can tell it arrived after the cell was done.
    """

    def __init__(self, nb, **kw):
        super().__init__(nb, **kw)
        self.index_of: dict[str, int] = {}
        self.msg_id_of: dict[int, str] = {}
        self.late: dict[int, list[dict]] = defaultdict(list)

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

    async def wait_for_late_output(self, done, seconds):
        """Take output until ``done()`` or ``seconds`` pass, then while more comes."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        quiet = 0.3
        while loop.time() < deadline:
            try:
                msg = await ensure_async(
                    self.kc.iopub_channel.get_msg(timeout=quiet if done() else 0.1)
                )
            except (TimeoutError, queue.Empty):
                if done():
                    return
                continue
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
        assert reply["content"]["status"] == "ok", reply["content"]
        if expression:
            return ast.literal_eval(reply["content"]["user_expressions"]["x"]["data"]["text/plain"])
        return None


@dataclass
class Run:
    nb: nbformat.NotebookNode  # as executed, outputs in place (late ones included)
    late: dict[int, str]  # cell index -> stdout that came after the cell finished
    lines: dict[
        int, list[tuple[float, str]]
    ]  # cell index -> (seconds since the cell started, stdout line)
    duration: dict[int, float]  # cell index -> seconds from start to end of the cell's code
    python: str
    errors: list[str] = field(default_factory=list)


def streams(outputs, name):
    return "".join(o.text for o in outputs if o.output_type == "stream" and o.name == name)


def matches(expected: str, actual: str) -> bool:
    """Exact, except for addresses and cell file names (any address, any cell
    file), and that ``...`` stands for any text (as on the pages)."""
    expected, actual = nbtools.normalized(expected), nbtools.normalized(actual)
    return doctest.OutputChecker().check_output(expected, actual, doctest.ELLIPSIS)


def expected_cells(made: Made):
    code = [c for c in made.cells if c.kind == "code"]
    nb = nbformat.reads(made.ipynb, as_version=4)
    indices = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    return dict(zip(indices, code, strict=True))


def complete(made: Made, client: JupyterLabClient) -> bool:
    for index, cell in expected_cells(made).items():
        want = cell.output("stdout")
        if want and not matches(want.text, streams(client.nb.cells[index].outputs, "stdout")):
            return False
    return True


async def execute(made: Made, path: Path) -> Run:
    nb = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory(prefix="notebook-kernel-") as tmp:
        # A kernelspec of our own: this very Python (the venv's), whatever else is installed.
        specs = Path(tmp, "kernels")
        from ipykernel.kernelspec import write_kernel_spec

        write_kernel_spec(specs / "lesson-python")
        km = AsyncKernelManager(
            kernel_name="lesson-python",
            kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(specs)]),
            transport="ipc",
            ip=str(Path(tmp, "ipc")),
        )
        env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONUNBUFFERED": "1"}
        for name in ("PYTHONSTARTUP", "PYTHONASYNCIODEBUG", "PYTHONWARNINGS", "PYTHONPATH"):
            env.pop(name, None)
        client = JupyterLabClient(
            nb, km=km, timeout=60, allow_errors=False, kernel_name="lesson-python"
        )
        errors = []
        async with client.async_setup_kernel(cwd=tmp, env=env, cleanup_kc=True):
            await client.silent(KERNEL_SETUP.replace("{virtual}", str(CLOCK != "real")))
            count = 0
            for index, cell in enumerate(client.nb.cells):
                if cell.cell_type != "code":
                    continue
                count += 1
                try:
                    await client.async_execute_cell(cell, index, execution_count=count)
                except CellExecutionError as error:
                    line = expected_cells(made)[index].line
                    errors.append(f"{made.where(line)}: the cell failed in Jupyter:\n{error}")
            await client.wait_for_late_output(lambda: complete(made, client), LINGER)
            log = await client.silent("", "_lesson_log")
            python = await client.silent("", "_lesson_python")

    # Each cell's stdout lines with their time since the cell started.
    starts, ends, pending = {}, {}, defaultdict(str)
    lines: dict[str, list[tuple[float, str]]] = defaultdict(list)
    for when, kind, msg_id, text in log:
        if kind == "start":
            starts.setdefault(msg_id, when)
        elif kind == "end":
            ends[msg_id] = when
        elif kind == "print" and msg_id in starts:
            pending[msg_id] += text
            *done, pending[msg_id] = pending[msg_id].split("\n")
            lines[msg_id] += [(when - starts[msg_id], line) for line in done]
    by_index = {i: m for i, m in client.msg_id_of.items()}
    late = {
        i: "".join(
            m["content"]["text"]
            for m in ms
            if m["msg_type"] == "stream" and m["content"]["name"] == "stdout"
        )
        for i, ms in client.late.items()
    }
    return Run(
        nb=client.nb,
        late=late,
        lines={i: lines[m] for i, m in by_index.items()},
        duration={i: ends[m] - starts[m] for i, m in by_index.items() if m in ends},
        python=python,
        errors=errors,
    )


@pytest.fixture(scope="module")
def run(built_site, made) -> Run:
    """The .ipynb the site serves, run top to bottom on a fresh kernel."""
    path = page_dir(built_site, made.lang) / nbtools.FILE_NAME
    # In a thread of its own: a browser test may have left this one's event loop running.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, execute(made, path)).result()


def test_the_kernel_is_this_python(run):
    assert Path(run.python) == Path(sys.executable), "the notebook ran on another Python"


def test_run_all_succeeds_except_where_tagged(run, made):
    assert not run.errors, "\n\n".join(run.errors)
    for index, cell in expected_cells(made).items():
        errors = [o for o in run.nb.cells[index].outputs if o.output_type == "error"]
        want = cell.output("error")
        if want is None:
            assert not errors, (
                f"{made.where(cell.line)}: raised {errors[0].ename}: {errors[0].evalue}"
            )
            continue
        assert "raises-exception" in run.nb.cells[index].metadata.get("tags", [])
        assert errors, f"{made.where(want.line)}: the cell was to raise {want.ename}, and did not"
        got = f"{errors[0].ename}: {errors[0].evalue}"
        assert got == f"{want.ename}: {want.evalue}", f"{made.where(want.line)}: raised {got}"


def test_every_cell_prints_what_the_notebook_shows(run, made):
    problems = []
    for index, cell in expected_cells(made).items():
        for name in ("stdout", "stderr"):
            want = cell.output(name)
            got = streams(run.nb.cells[index].outputs, name)
            expected = want.text if want else ""
            if not matches(expected, got):
                where = made.where(want.line if want else cell.line)
                shown = got if len(got) < 2000 else got[:1000] + "\n[…]\n" + got[-500:]
                problems.append(
                    f"{where}: {name} in Jupyter differs from the block:\n{expected}---\n{shown}"
                )
    assert not problems, "\n\n".join(problems)


def test_printed_at_the_times_shown_and_late_output_came_after_the_cell(run, made):
    problems = []
    for index, cell in expected_cells(made).items():
        want = cell.output("stdout")
        if not want or not want.timed:
            continue
        got = run.lines[index]
        texts = [t for _, t in got]
        if texts != [t for _, t in want.timed]:
            problems.append(f"{made.where(want.line)}: printed {texts}")
            continue
        for (expected, text), (actual, _) in zip(want.timed, got, strict=True):
            off = f"{actual:.{want.decimals}f}" != f"{expected:.{want.decimals}f}"
            if off and abs(actual - expected) > TOLERANCE:
                problems.append(
                    f"{made.where(want.line)}: {text!r} at {actual:.3f} s, not {expected} s"
                )
        duration = run.duration[index]
        after = "".join(t + "\n" for when, t in want.timed if when > duration + TOLERANCE + 1e-9)
        if run.late.get(index, "") != after:
            problems.append(
                f"{made.where(want.line)}: the cell finished at {duration:.2f} s; after that it "
                f"should have printed {after!r}, and printed {run.late.get(index, '')!r}"
            )
    assert not problems, "\n".join(problems)


def cell_including(made: Made, run: Run, include: str):
    for index, cell in expected_cells(made).items():
        if include in cell.includes:
            return index, cell
    raise AssertionError(f"no cell includes {include}")


def test_a_task_prints_also_finished_3_s_after_its_cell_finished(run, made):
    index, cell = cell_including(made, run, "tasks/create_task_order.py:cell")
    assert run.late.get(index) == "also finished\n", made.where(cell.line)
    ((when, _),) = [(w, t) for w, t in run.lines[index] if t == "also finished"]
    assert abs(when - run.duration[index] - 3.0) <= TOLERANCE + 1e-9, made.where(cell.line)
    assert streams(run.nb.cells[index].outputs, "stdout").endswith("world\nalso finished\n")


def test_numbers_go_on_to_9_after_the_value(run, made):
    index, cell = cell_including(made, run, "results/fetch_data_print_numbers.py:cell")
    printed = streams(run.nb.cells[index].outputs, "stdout").splitlines()
    assert printed[printed.index("{'data': 123}") + 1 :] == ["5", "6", "7", "8", "9"]
    assert run.late.get(index) == "5\n6\n7\n8\n9\n", made.where(cell.line)


def test_asyncio_run_in_jupyter_is_the_expected_error(run, made):
    index, cell = cell_including(made, run, "event_loop/asyncio_run.py")
    assert cell.tags == ["raises-exception"], made.where(cell.line)
    (error,) = [o for o in run.nb.cells[index].outputs if o.output_type == "error"]
    assert (error.ename, error.evalue) == (
        "RuntimeError",
        "asyncio.run() cannot be called from a running event loop",
    )
