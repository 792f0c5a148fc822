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

The kernel is tools/examples/kernel.py's (the one the pages' Jupyter forms run
on): sandboxed, on the examples' clock, so the notebook's 20 s of sleeping
take well under a second; the English notebook runs on every Python the
examples run on.
"""

from __future__ import annotations

import concurrent.futures
import html
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from mkdocs.config import load_config

from hooks.compact_html import compact
from tools import notebook as nbtools
from tools import notebook_page
from tools.examples import kernel, pythons
from tools.examples.check import match
from tools.examples.pages import collect, load_site
from tools.site import ROOT, configs

# What these tests are about, for make test PAGE= (tests/page_selection.py).
pytestmark = pytest.mark.about("notebook")

INTERPRETERS = pythons.interpreters()
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


@pytest.mark.about("site", cheap=True)
def test_every_language_has_the_notebook_page():
    for lang, config in configs():
        nav = json.dumps(load_config(str(config))["nav"])
        assert nbtools.FILE_NAME in nav, f"{config.name}: add the notebook page to the nav"
        assert nbtools.source_path(lang).exists(), f"{config.name}: no {nbtools.source_path(lang)}"


@pytest.mark.about("notebook", cheap=True)
def test_it_is_a_valid_notebook_in_jupyter_format(made):
    nb = nbformat.reads(made.ipynb, as_version=4)
    nbformat.validate(nb)
    assert nbformat.writes(nb) + "\n" == made.ipynb, "not formatted as Jupyter writes it"
    assert nb.metadata.kernelspec.name == "python3"
    counts = [c.execution_count for c in nb.cells if c.cell_type == "code"]
    assert counts == list(range(1, len(counts) + 1)), "numbered as after Run All"


@pytest.mark.about("site", cheap=True)
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


@pytest.mark.about("notebook", cheap=True)
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
@pytest.mark.about("nothing")
def test_mistakes_in_a_source_name_the_line(source, complaint):
    site = load_site(ROOT / "mkdocs.yml")
    with pytest.raises(nbtools.NotebookSourceError) as raised:
        nbtools.parse("# Title\n\n" + source, nbtools.expander(site.snippet_config), "x.md")
    assert re.match(r"x\.md:\d+: ", str(raised.value)), raised.value
    assert complaint in str(raised.value)


# --- The built site -------------------------------------------------------------


@pytest.mark.about("notebook", cheap=True)
def test_the_site_serves_that_notebook_for_download(built_site, made):
    served = page_dir(built_site, made.lang) / nbtools.FILE_NAME
    assert served.read_text(encoding="utf-8") == made.ipynb


@pytest.mark.about("notebook", cheap=True)
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


@pytest.mark.about("notebook", cheap=True)
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
    page (without the indentation between tags, as hooks/compact_html.py
    builds every page), its stylesheet served as the one file the page links to."""
    stylesheet, content = notebook_page.split(committed.split("\n", 1)[1])
    page = (site / "notebook" / "index.html").read_text(encoding="utf-8")
    assert compact(content).strip() in page
    assert "<style" not in page[page.index("<body") :], "a <style> in the page's body"
    linked = re.findall(
        r'<link rel="stylesheet" href="\.\./(assets/stylesheets/jupyter\.[^"]+)"', page
    )
    assert len(linked) == 1, f"the notebook page links {linked}, not one JupyterLab stylesheet"
    assert (site / linked[0]).read_text(encoding="utf-8") == stylesheet


# How a build uses the committed page: a page run leaves these to the check above,
# which fails on a stale one (these would fail on it too, saying less).
@pytest.mark.about("nothing")
def test_a_build_takes_the_committed_page_without_importing_the_renderer(tmp_path):
    done = build_english(tmp_path / "site", NOTEBOOK_CACHE=str(tmp_path / "cache"))
    assert done.returncode == 0, done.stderr
    assert "imported: []" in done.stdout
    assert "out of date" not in done.stderr
    assert not (tmp_path / "cache").exists()
    committed = notebook_page.committed_path("en").read_text(encoding="utf-8")
    assert_built_from(committed, tmp_path / "site")


@pytest.mark.about("nothing")
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
# The English notebook runs on every Python the examples run on; the others on
# the tools' Python (their code cells and outputs are the English ones: see
# test_languages_have_the_same_cells_and_outputs).


def _notebook_runs():
    for lang, _ in LANGS:
        for interpreter in INTERPRETERS if lang == "en" else [pythons.default()]:
            yield pytest.param((lang, interpreter), id=f"{lang}-{interpreter.minor}")


@dataclass
class Run:
    made: Made
    interpreter: pythons.Interpreter
    nb: nbformat.NotebookNode  # as executed, late output in place
    cells: dict[int, kernel.CellRun]  # notebook cell index -> what it showed, when


@pytest.fixture(scope="module", params=list(_notebook_runs()))
def run(request, built_site) -> Run:
    """The .ipynb the site serves, run top to bottom on a fresh kernel, as Run All does."""
    lang, interpreter = request.param
    config = dict(LANGS)[lang]
    found = nbtools.from_config(load_config(str(config)))
    made = Made(lang, config, nbtools.source_path(lang), found[1], found[2])
    path = page_dir(built_site, lang) / nbtools.FILE_NAME
    # In a thread of its own: a browser test may have left this one's event loop running.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        nb, cells = pool.submit(kernel.run_notebook, path, interpreter).result()
    return Run(made, interpreter, nb, cells)


def streams(outputs, name):
    return "".join(o.text for o in outputs if o.output_type == "stream" and o.name == name)


def matches(expected: str, actual: str) -> bool:
    """Exact, except for addresses and cell file names (any address, any cell
    file), and that ``...`` stands for any text (as on the pages)."""
    return match(nbtools.normalized(expected), nbtools.normalized(actual))[0]


def expected_cells(made: Made):
    code = [c for c in made.cells if c.kind == "code"]
    nb = nbformat.reads(made.ipynb, as_version=4)
    indices = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    return dict(zip(indices, code, strict=True))


def where(run: Run, line: int) -> str:
    return f"{run.made.where(line)} (Python {run.interpreter.name})"


def test_run_all_succeeds_except_where_tagged(run):
    for index, cell in expected_cells(run.made).items():
        errors = [o for o in run.nb.cells[index].outputs if o.output_type == "error"]
        want = cell.output("error")
        if want is None:
            assert not errors, (
                f"{where(run, cell.line)}: the cell failed in Jupyter: "
                f"{errors[0].ename}: {errors[0].evalue}\n"
                + kernel.ANSI.sub("", "\n".join(errors[0].traceback))
            )
            continue
        assert "raises-exception" in run.nb.cells[index].metadata.get("tags", [])
        assert errors, f"{where(run, want.line)}: the cell was to raise {want.ename}, and did not"
        got = f"{errors[0].ename}: {errors[0].evalue}"
        assert got == f"{want.ename}: {want.evalue}", f"{where(run, want.line)}: raised {got}"


REWRITE = nbtools.REWRITE


def test_every_cell_prints_what_the_notebook_shows(run):
    problems = []
    for index, cell in expected_cells(run.made).items():
        for name in ("stdout", "stderr"):
            want = cell.output(name)
            got = streams(run.nb.cells[index].outputs, name)
            expected = want.text if want else ""
            if not matches(expected, got):
                shown = got if len(got) < 2000 else got[:1000] + "\n[…]\n" + got[-500:]
                problems.append(
                    f"{where(run, want.line if want else cell.line)}: {name} in Jupyter differs "
                    f"from the block; {REWRITE}:\n{expected}---\n{shown}"
                )
    assert not problems, "\n\n".join(problems)


def test_printed_at_the_times_shown_and_late_output_came_after_the_cell(run):
    problems = []
    for index, cell in expected_cells(run.made).items():
        want = cell.output("stdout")
        if not want or not want.timed:
            continue
        shown = run.cells[index]
        got = [(t, text) for t, stream, text in shown.lines if stream == "stdout"]
        if [t for _, t in got] != [t for _, t in want.timed]:
            problems.append(
                f"{where(run, want.line)}: printed {[t for _, t in got]} at "
                f"{[round(t, 1) for t, _ in got]} s; {REWRITE}"
            )
            continue
        for (expected, text), (actual, _) in zip(want.timed, got, strict=True):
            if f"{actual:.{want.decimals}f}" != f"{expected:.{want.decimals}f}":
                problems.append(
                    f"{where(run, want.line)}: {text!r} at {actual:.3f} s, not {expected} s; "
                    f"{REWRITE}"
                )
        duration = shown.duration
        after = [t for when, t in want.timed if when > duration + 1e-9]
        late = [text for _, stream, text in shown.late if stream == "stdout"]
        if late != after:
            problems.append(
                f"{where(run, want.line)}: the cell finished at {duration:.2f} s; after that it "
                f"should have printed {after!r}, and printed {late!r}"
            )
    assert not problems, "\n".join(problems)


def cell_including(run: Run, include: str):
    for index, cell in expected_cells(run.made).items():
        if include in cell.includes:
            return index, cell
    raise AssertionError(f"no cell includes {include}")


def test_a_task_prints_also_finished_3_s_after_its_cell_finished(run):
    index, cell = cell_including(run, "tasks/create_task_order.py:cell")
    shown = run.cells[index]
    assert [t for _, _, t in shown.late] == ["also finished"], where(run, cell.line)
    ((when, _, _),) = shown.late
    assert abs(when - shown.duration - 3.0) < 0.05, where(run, cell.line)
    assert streams(run.nb.cells[index].outputs, "stdout").endswith("world\nalso finished\n")


def test_numbers_go_on_to_9_after_the_value(run):
    index, cell = cell_including(run, "results/fetch_data_print_numbers.py:cell")
    printed = streams(run.nb.cells[index].outputs, "stdout").splitlines()
    assert printed[printed.index("{'data': 123}") + 1 :] == ["7", "8", "9"]
    assert [t for _, _, t in run.cells[index].late] == ["7", "8", "9"], where(run, cell.line)


def test_asyncio_run_in_jupyter_is_the_expected_error(run):
    index, cell = cell_including(run, "event_loop/asyncio_run.py")
    assert cell.tags == ["raises-exception"], where(run, cell.line)
    (error,) = [o for o in run.nb.cells[index].outputs if o.output_type == "error"]
    assert (error.ename, error.evalue) == (
        "RuntimeError",
        "asyncio.run() cannot be called from a running event loop",
    )
