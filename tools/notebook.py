"""The lesson as a Jupyter notebook, generated from reviewable text.

Each language has one source, ``notebooks/lesson.<lang>.md``, written with the
conventions of the site's pages:

* prose is Markdown (plain CommonMark: Jupyter renders it too);
* a ```` ```python ```` fence is a code cell. Its body holds only
  ``--8<-- "topic/file.py:cell"`` include lines and ``await …`` lines, so the
  code comes from ``snippets/``, expanded by pymdownx.snippets configured from
  the language's mkdocs config, exactly as on the pages;
* ``<!--pytest-codeblocks:expected-output-->`` before a fence right after a
  code cell gives one output of that cell, as Jupyter shows it once the cell
  *and the tasks it left running* are done: ```` ```text ```` for stdout,
  ```` ```stderr ```` for stderr, ```` ```pytb ```` for the error that ends the
  cell (its last line, ``Name: message``). A stdout block may carry the pages'
  time column (``2.25 s  5``: seconds since the cell started); the notebook
  stores the text without it and the tests check the times. What changes from
  run to run is written as one real run printed it, so that the notebook shows
  what a reader will see: object addresses (``0x7f52d4b1c5e0``) and the file
  name ipykernel gives a cell (``/tmp/ipykernel_2817/3421750611.py``) are
  compared as any address and any cell file (:func:`normalized`); ``...``
  stands for any other text (thread interleaving);
* ``<!--notebook:tags raises-exception-->`` before a code fence gives the cell
  Jupyter tags. A cell whose output is an error must carry ``raises-exception``,
  so that "Run All" goes on past it.

:func:`from_config` makes the .ipynb for a language's mkdocs config: nbformat
4.5 JSON, formatted as Jupyter writes it, with those outputs stored, so that
the site shows them without running anything. The mkdocs hook
(``hooks/notebook.py``) serves it as a page and for download; the page's HTML
is mkdocs-jupyter's rendering of it (``tools/notebook_page.py``).
The tests (``tests/test_notebook.py``) run the served file in Jupyter.

    python -m tools.notebook ru -o lesson.ipynb   # the .ipynb the site serves, to open in Jupyter
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from pymdownx.snippets import SnippetMissingError

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "notebooks"
FILE_NAME = "notebook.ipynb"  # the page's file name, the same in every language

INCLUDE = re.compile(r"""^\s*-{1,}8<-{1,}\s+(["'])(?P<target>[^"']+)\1""")
MARKER = re.compile(r"^<!--\s*(?P<body>.*?)\s*-->$")
EXPECTED = "pytest-codeblocks:expected-output"
TAGS = re.compile(r"^notebook:tags\s+(?P<tags>[\w\s-]+)$")
HEADING = re.compile(r"^#{1,6} ")
FENCE = re.compile(r"^(?P<ticks>`{3,})(?P<info>.*)$")
TIMED_LINE = re.compile(r"^(?P<seconds>\d+\.(?P<decimals>\d+)) s  (?P<text>.*)$")
ERROR_LINE = re.compile(r"^(?P<ename>[A-Za-z_][\w.]*): (?P<evalue>.*)$")
PYTHON = {"python", "py", "python3", "ipython3"}
OUTPUT_KINDS = {"text": "stdout", "stdout": "stdout", "stderr": "stderr", "pytb": "error"}

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
LANGUAGE_INFO = {
    "codemirror_mode": {"name": "ipython", "version": 3},
    "file_extension": ".py",
    "mimetype": "text/x-python",
    "name": "python",
    "nbconvert_exporter": "python",
    "pygments_lexer": "ipython3",
}


# What differs between two Jupyter runs of the same cell, and what it is compared as.
VOLATILE = [
    (re.compile(r"\b0x[0-9a-f]{4,16}\b"), "0x<address>"),
    (re.compile(r"(?:[A-Za-z]:)?[\w/\\.-]*ipykernel_\d+[/\\]\d+\.py"), "<cell file>"),
]


# What a contributor runs when a snippet changed and its new output is right.
REWRITE = (
    "if the new output is right, `make outputs PAGE=docs/en/<a page showing the snippet>` "
    "(or `make outputs`) rewrites this block in every language's source, then `make notebook`"
)


def normalized(text: str) -> str:
    """``text`` with addresses and cell file names replaced by placeholders."""
    for pattern, placeholder in VOLATILE:
        text = pattern.sub(placeholder, text)
    return text


class NotebookSourceError(ValueError):
    """A mistake in a notebook source, reported as ``file:line: what to do``."""


@dataclass
class Output:
    kind: str  # "stdout", "stderr" or "error"
    text: str  # as stored in the notebook (no time column)
    line: int  # line of the output fence in the source
    timed: list[tuple[float, str]] | None = None  # (seconds since the cell started, line)
    decimals: int = 0

    @property
    def ename(self) -> str:
        return ERROR_LINE.match(self.text.rstrip("\n").split("\n")[-1]).group("ename")

    @property
    def evalue(self) -> str:
        return ERROR_LINE.match(self.text.rstrip("\n").split("\n")[-1]).group("evalue")


@dataclass
class Cell:
    kind: str  # "markdown" or "code"
    source: str  # the cell's text; for code, after the includes were expanded
    line: int  # first line in the source file (the opening fence for code)
    includes: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    outputs: list[Output] = field(default_factory=list)

    def output(self, kind: str) -> Output | None:
        return next((o for o in self.outputs if o.kind == kind), None)


def source_path(lang: str) -> Path:
    return SOURCES / f"lesson.{lang}.md"


def snippet_config(mdx_configs: dict, config_file: str | Path) -> dict:
    """pymdownx.snippets' settings from a loaded mkdocs config, with its paths
    made absolute the way the build resolves them (relative to the config)."""
    settings = dict(mdx_configs.get("pymdownx.snippets", {}))
    base = Path(config_file).resolve().parent
    settings["base_path"] = [str(base / p) for p in settings.get("base_path", ["."])]
    return settings


def expander(settings: dict):
    """``text -> text`` with ``--8<--`` lines expanded by pymdownx.snippets."""
    import markdown

    def expand(text: str) -> str:
        md = markdown.Markdown(
            extensions=["pymdownx.snippets"], extension_configs={"pymdownx.snippets": settings}
        )
        return "\n".join(md.preprocessors["snippet"].run(text.split("\n")))

    return expand


def parse(text: str, expand, where: str = "notebook") -> list[Cell]:
    """Split a notebook source into cells (see the module's docstring)."""

    def fail(line: int, message: str):
        raise NotebookSourceError(f"{where}:{line}: {message}")

    lines = text.split("\n")
    cells: list[Cell] = []
    prose: list[tuple[int, str]] = []
    markers: list[tuple[int, str]] = []
    attachable = False  # may an output block attach to the last code cell here?

    def flush_prose():
        # A heading gets a cell of its own (as notebooks often do): on the site
        # it then stands outside the cells, where search finds its section.
        block: list[tuple[int, str]] = []

        def flush_block():
            while block and not block[0][1].strip():
                block.pop(0)
            while block and not block[-1][1].strip():
                block.pop()
            if block:
                cells.append(Cell("markdown", "\n".join(t for _, t in block), block[0][0]))
            block.clear()

        in_fence = False
        for number, line in prose:
            if line.startswith("```"):
                in_fence = not in_fence
            if HEADING.match(line) and not in_fence:
                flush_block()
                cells.append(Cell("markdown", line, number))
            else:
                block.append((number, line))
        flush_block()
        prose.clear()

    i = 0
    while i < len(lines):
        number, line = i + 1, lines[i]
        marker = MARKER.match(line.strip())
        if marker and (marker.group("body") == EXPECTED or TAGS.match(marker.group("body"))):
            markers.append((number, marker.group("body")))
            i += 1
            continue
        if marker and marker.group("body").startswith(("pytest", "notebook")):
            fail(
                number,
                f"unknown marker {line.strip()}: use <!--{EXPECTED}--> or "
                "<!--notebook:tags raises-exception-->",
            )
        if line.lstrip().startswith("<!--"):  # a note for maintainers: not in the notebook
            while i < len(lines) and "-->" not in lines[i]:
                i += 1
            i += 1
            continue
        fence = FENCE.match(line)
        if not fence:
            if markers and line.strip():
                fail(markers[-1][0], "a marker must come right before a ``` fence")
            if INCLUDE.match(line):
                fail(number, "an include outside a ```python fence")
            if line.strip():
                attachable = False
            prose.append((number, line))
            i += 1
            continue
        # A fence: read it to its closing line.
        ticks, info = fence.group("ticks"), fence.group("info").strip()
        end = i + 1
        while end < len(lines) and not lines[end].startswith(ticks):
            end += 1
        if end == len(lines):
            fail(number, "this ``` fence is never closed")
        body = lines[i + 1 : end]
        words = info.lstrip("{").replace(".", " ").split()
        language = words[0].lower() if words else ""
        kinds = [m for _, m in markers]
        if EXPECTED in kinds:
            if not attachable:
                fail(number, "an output block must come right after its code cell")
            kind = OUTPUT_KINDS.get(language)
            if kind is None:
                fail(number, f"an output block is ```text, ```stderr or ```pytb, not ```{info}")
            cells[-1].outputs.append(_output(kind, body, number, fail))
        elif language in PYTHON:
            flush_prose()
            includes = [m.group("target") for m in map(INCLUDE.match, body) if m]
            own = [b for b in body if b.strip() and not INCLUDE.match(b)]
            if not body or not any(b.strip() for b in body):
                fail(number, "an empty code cell")
            for extra in own:
                if not extra.startswith("await "):
                    fail(
                        number,
                        f"code written in the notebook source ({extra.strip()!r}); put it in a "
                        'file under snippets/ and include it with --8<-- "topic/name.py:cell" '
                        "(only `await …` lines may be added here)",
                    )
            try:
                code = expand("\n".join(body))
            except (SnippetMissingError, OSError) as error:
                fail(number, f"{error} (snippets are looked up as the site's config says)")
            if "--8<--" in code:
                fail(number, "an include was not expanded (check its quotes and path)")
            tags = [t for m in kinds if (tm := TAGS.match(m)) for t in tm.group("tags").split()]
            cells.append(Cell("code", code.strip("\n"), number, includes, tags))
        else:
            if markers:
                fail(markers[-1][0], "a tags marker must come right before a ```python fence")
            prose.extend((n, t) for n, t in zip(range(number, end + 2), lines[i : end + 1]))
            attachable = False
            markers.clear()
            i = end + 1
            continue
        markers.clear()
        attachable = True
        i = end + 1
    flush_prose()

    for cell in cells:
        if cell.kind != "code":
            continue
        kinds = [o.kind for o in cell.outputs]
        if len(kinds) != len(set(kinds)):
            fail(cell.line, "a cell has at most one output block of each kind")
        errors = "error" in kinds
        if errors != ("raises-exception" in cell.tags):
            fail(
                cell.line,
                "a cell whose output is an error (```pytb) must carry "
                "<!--notebook:tags raises-exception-->, and only such a cell",
            )
    return cells


def _output(kind: str, body: list[str], line: int, fail) -> Output:
    if not any(b.strip() for b in body):
        fail(line, "an empty output block")
    if kind == "error":
        if not ERROR_LINE.match(body[-1]):
            fail(line, "the last line of a ```pytb block is the exception: `Name: message`")
        return Output(kind, "\n".join(body) + "\n", line)
    timed = [TIMED_LINE.match(b) for b in body]
    if kind == "stdout" and timed[0]:
        if not all(timed):
            fail(line, "either every line of an output block has a time column, or none")
        decimals = {len(m.group("decimals")) for m in timed}
        if len(decimals) != 1:
            fail(line, "every time in an output block has the same number of decimals")
        pairs = [(float(m.group("seconds")), m.group("text")) for m in timed]
        text = "".join(t + "\n" for _, t in pairs)
        return Output(kind, text, line, pairs, decimals.pop())
    return Output(kind, "\n".join(body) + "\n", line)


def _lines(text: str) -> list[str]:
    return text.splitlines(True)


def notebook(cells: list[Cell]) -> dict:
    """nbformat 4.5 JSON (as a dict) with the stored outputs; deterministic."""
    out = []
    count = 0
    for index, cell in enumerate(cells, 1):
        entry = {"cell_type": cell.kind, "id": f"cell-{index}", "metadata": {}}
        if cell.tags:
            entry["metadata"]["tags"] = list(cell.tags)
        entry["source"] = _lines(cell.source)
        if cell.kind == "code":
            count += 1
            entry["execution_count"] = count
            outputs = []
            for kind in ("stdout", "stderr", "error"):  # the order Jupyter shows them in
                output = cell.output(kind)
                if output is None:
                    continue
                if kind == "error":
                    outputs.append(
                        {
                            "ename": output.ename,
                            "evalue": output.evalue,
                            "output_type": "error",
                            "traceback": output.text.rstrip("\n").split("\n"),
                        }
                    )
                else:
                    outputs.append(
                        {"name": kind, "output_type": "stream", "text": _lines(output.text)}
                    )
            entry["outputs"] = outputs
        out.append(entry)
    return {
        "cells": out,
        "metadata": {"kernelspec": KERNELSPEC, "language_info": LANGUAGE_INFO},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def dumps(nb: dict) -> str:
    """The JSON text, formatted exactly as nbformat.writes (and Jupyter) write it."""
    return (
        json.dumps(nb, indent=1, sort_keys=True, separators=(",", ": "), ensure_ascii=False) + "\n"
    )


def generate(source: Path, settings: dict) -> tuple[str, list[Cell]]:
    """The .ipynb text for a notebook source, and its cells."""
    try:
        where = source.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        where = str(source)
    cells = parse(source.read_text(encoding="utf-8"), expander(settings), where)
    return dumps(notebook(cells)), cells


def from_config(config) -> tuple[str, str, list[Cell]] | None:
    """``(lang, .ipynb text, cells)`` for a loaded mkdocs config, as the site
    build makes it; None for a language without a notebook source."""
    lang = config["theme"]["language"]
    source = source_path(lang)
    if not source.exists():
        return None
    settings = snippet_config(config["mdx_configs"], config.config_file_path)
    ipynb, cells = generate(source, settings)
    return lang, ipynb, cells


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Write the lesson's .ipynb, exactly as the site serves it."
    )
    parser.add_argument("lang", nargs="?", default="en", help="en (default), ru, …")
    parser.add_argument("-o", "--output", type=Path, help="a file (default: standard output)")
    args = parser.parse_args(argv)

    from mkdocs.config import load_config

    from tools.site import configs

    config_file = dict(configs()).get(args.lang)
    made = from_config(load_config(str(config_file))) if config_file else None
    if made is None:
        parser.error(f"no mkdocs config or no {source_path(args.lang)} for {args.lang!r}")
    if args.output:
        args.output.write_text(made[1], encoding="utf-8")
    else:
        sys.stdout.write(made[1])
    return 0


if __name__ == "__main__":
    sys.exit(main())
