"""Every code example on every page, as the reader sees it, and how the page
says it is run and what it prints.

For each mkdocs config (``mkdocs.yml``, ``mkdocs.ru.yml``, …) the pages of its
``docs_dir`` are read with :mod:`tools.examples.blocks`; the ``--8<--``
includes of each fence are expanded by pymdownx.snippets configured from that
same config, as the build does.

Every fence is of a known kind, or it is a :class:`Problem`:

* a **Python** fence (``python``, ``py``, ``python3``, ``pycon``, … any case)
  is an :class:`Example`: a script (run as ``python NAME.py``), a Jupyter cell
  (marked ``<!--pytest.mark.jupyter-->``) or a ``>>>`` transcript (``pycon``,
  typed into ``python -m asyncio``). It holds only ``--8<--`` include lines;
  a Jupyter cell may add the ``await`` lines that stand for its snippet's
  ``asyncio.run(…)`` lines.
* a **shell** fence shows a command the harness runs: ``python [-X …] NAME.py``
  after the script shown as ``NAME.py`` on the page (a :class:`Run` of it), or
  ``python -m asyncio`` right before the transcript typed into it;
* a **text** fence (``text``, ``pytb``, no language…) is either an output,
  marked ``<!--pytest-codeblocks:expected-output-->``, of the example or
  command right above it, or is marked ``<!--example:not-output-->``;
* any other language (``toml``, ``json``…) is shown as it is; it may not
  include a Python file.

Outputs that differ by Python version sit in a content-tab set right under
the example, one tab per version range, labelled ``Python 3.11, 3.12``,
``Python 3.11–3.12``, ``Python 3.13+``: the labels say which versions print
which output, and together cover every version from 3.11 on.

A Jupyter cell in content tabs runs the ``cell`` section of the snippet its
script tab shows, under the language's tab labels (:data:`TAB_LABELS`).
"""

from __future__ import annotations

import copy
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

import markdown
from mkdocs.config import load_config
from pymdownx.snippets import SnippetMissingError

from tools.examples import blocks
from tools.examples.pythons import OLDEST, interpreters

ROOT = Path(__file__).resolve().parents[2]
PYTHON_LANGUAGES = {"python", "py", "python3", "py3", "pycon", "ipython", "ipython3"}
SHELL_LANGUAGES = {"bash", "sh", "shell", "console", "zsh", "shell-session"}
TEXT_LANGUAGES = {"", "text", "txt", "plain", "output", "pytb", "log"}
# Fences that the build turns into something else than code (a picture).
PICTURE_LANGUAGES = {"timeline"}
EXPECTED = "pytest-codeblocks:expected-output"
NOT_OUTPUT = "example:not-output"
NOT_OUTPUT_REASON = re.compile(r"""^example:not-output\(reason=(["'])(?P<reason>.+)\1\)$""")
JUPYTER = "pytest.mark.jupyter"
SKIP = re.compile(r"""^pytest\.mark\.skip\(reason=(["'])(?P<reason>.+)\1\)$""")
# An output that really depends on the machine (tools/examples/world.py).
DEPENDS = re.compile(
    r"""^example:depends-on\(what=(["'])(?P<what>[\w-]+)\1, reason=(["'])(?P<reason>.+)\3\)$"""
)
MARKER_FAMILIES = ("pytest-codeblocks", "pytest.mark", "example:", "pytest-codeblock")
RUN_SCRIPT = re.compile(
    r"^(?:\$ )?python3?(?P<flags>(?: -X \S+| -W \S+| -u| -O)*) (?P<file>[\w.-]+\.py)"
    r"(?P<args>(?: [\w.=-]+)*)$"
)
RUN_REPL = re.compile(r"^(?:\$ )?python3? -m asyncio$")
TIMED_LINE = re.compile(r"^(?P<seconds>\d+\.(?P<decimals>\d+)) s  (?P<text>.*)$")
# The real-time cross-check confirms a time to ±0.1 s (see tools/examples/check.py),
# so a page writes times with one decimal.
DECIMALS = 1
VERSION_LABEL = re.compile(
    r"^Python (?P<spec>3\.\d+(?:\+|[–-]3\.\d+)?(?:, 3\.\d+(?:\+|[–-]3\.\d+)?)*)$"
)
ALLOWED_SKIPS: dict[str, str] = {
    # snippet (the block's first include) -> why its block cannot run in the tests
    "measured/threads_vs_asyncio.py": (
        "it prints measurements, which differ from run to run and machine to machine, and "
        "takes 10 to 20 s (it starts tens of thousands of threads, each configuration in fresh "
        "processes); tests/test_bench_concurrency.py runs this file with tiny sizes on every "
        "interpreter and checks what it prints"
    ),
}
# A text block right under an example (or its command) is its output, compared
# with what it prints; marked not-output it would hide a changed output.
ALLOWED_NOT_OUTPUTS: dict[str, str] = {
    # snippet (the example's first include) -> why the block under it is not its output
}
TAB_LABELS = {
    "en": {"script": "Script / PyCharm", "jupyter": "Jupyter"},
    "ru": {"script": "Скрипт / PyCharm", "jupyter": "Jupyter"},
}


@dataclass(frozen=True)
class Versions:
    """Minor versions of Python 3, as ranges: ``((11, 12), (13, None))``."""

    ranges: tuple[tuple[int, int | None], ...]

    def __contains__(self, minor: str) -> bool:
        number = int(minor.split(".")[1])
        return any(lo <= number and (hi is None or number <= hi) for lo, hi in self.ranges)

    @classmethod
    def parse(cls, label: str) -> Versions | None:
        found = VERSION_LABEL.match(label.strip())
        if not found:
            return None
        ranges = []
        for item in found.group("spec").split(", "):
            if item.endswith("+"):
                ranges.append((int(item[2:-1]), None))
            elif m := re.match(r"3\.(\d+)[–-]3\.(\d+)$", item):
                ranges.append((int(m.group(1)), int(m.group(2))))
            else:
                ranges.append((int(item[2:]), int(item[2:])))
        return cls(tuple(ranges))


@dataclass
class Expected:
    """An output block: what the page says a run prints."""

    line: int  # of its fence
    text: str
    versions: Versions | None = None  # None: every version
    label: str | None = None  # the version tab's label

    @property
    def _first(self) -> str:
        """Its first line that is not a lone ``...`` (which stands for lines, times included)."""
        return next((ln for ln in self.text.splitlines() if ln.strip() not in ("", "...")), "")

    @property
    def timed(self) -> bool:
        return TIMED_LINE.match(self._first) is not None

    @property
    def decimals(self) -> int:
        return len(TIMED_LINE.match(self._first).group("decimals"))


@dataclass
class Run:
    """One way the page runs an example, and what it shows it printing."""

    arguments: tuple[str, ...]  # after "python": ("hello.py",), ("-X", "dev", "x.py")
    line: int  # the shell command's line, or the example's own for the default run
    shown: bool = False  # the page shows this command
    outputs: list[Expected] = field(default_factory=list)

    @property
    def command(self) -> str:
        return " ".join(["python", *self.arguments])

    def expected_for(self, minor: str) -> Expected | None:
        for output in self.outputs:
            if output.versions is None or minor in output.versions:
                return output
        return None


@dataclass
class Example:
    """One Python block of a page, as the reader sees it."""

    page: Path  # relative to the repository root
    lang: str
    line: int  # of the opening fence
    info: str  # the fence's info string
    code: str  # after the includes were expanded
    includes: list[str]  # snippet targets, e.g. ["awaiting/x.py:cell"]
    form: str  # "script", "jupyter" or "pycon"
    runs: list[Run] = field(default_factory=list)
    skip_reason: str | None = None
    depends_on: frozenset[str] = frozenset()  # tools/examples/world.py's aspects
    tabs: tuple[blocks.Tab, ...] = ()
    added: list[str] = field(default_factory=list)  # lines the page adds to the includes

    @property
    def jupyter(self) -> bool:
        return self.form == "jupyter"

    @property
    def language(self) -> str:
        return blocks.language(self.info)

    @property
    def title(self) -> str | None:
        found = re.search(r"""\btitle=(["'])(?P<title>[^"']*)\1""", self.info)
        return found.group("title") if found else None

    @property
    def snippet_files(self) -> list[str]:
        return [target.split(":")[0] for target in self.includes]

    @property
    def file_name(self) -> str:
        """The name a script is saved and run under: its title, else its snippet's name."""
        files = [f for f in self.snippet_files if f.endswith(".py")]
        return self.title or (Path(files[0]).name if files else "example.py")

    @property
    def where(self) -> str:
        return f"{self.page}:{self.line}"

    def describe(self) -> str:
        shown = ", ".join(f"snippets/{t}" for t in self.includes) or "no snippet"
        return f"{self.where} ({shown})"

    @property
    def test_id(self) -> str:
        return f"{self.where}[{self.form}]"

    @property
    def timed(self) -> bool:
        return any(o.timed for run in self.runs for o in run.outputs)

    @property
    def expected(self) -> str | None:
        """The output block right under it (the first one, if there is one per version)."""
        outputs = self.runs[0].outputs if self.runs else []
        return outputs[0].text if outputs else None


@dataclass
class Problem:
    page: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.page}:{self.line}: {self.message}"


@dataclass
class Site:
    """One mkdocs config: its language, its pages and how its snippets are expanded."""

    config_file: Path
    lang: str
    docs_dir: Path
    snippet_config: dict

    @property
    def name(self) -> str:
        return self.config_file.name

    def pages(self) -> list[Path]:
        return sorted(self.docs_dir.rglob("*.md"))

    def expand(self, text: str) -> str:
        """Expand ``--8<--`` lines with pymdownx.snippets, as the build does."""
        md = markdown.Markdown(
            extensions=["pymdownx.snippets"],
            extension_configs={"pymdownx.snippets": self.snippet_config},
        )
        return "\n".join(md.preprocessors["snippet"].run(text.split("\n")))

    def snippet_path(self, target: str) -> Path | None:
        for base in self.snippet_config["base_path"]:
            path = Path(base) / target.split(":")[0]
            if path.is_file():
                return path
        return None


_config_lock = threading.Lock()  # mkdocs' load_config is not thread-safe


def load_site(config_file: Path) -> Site:
    with _config_lock:
        config = load_config(str(config_file))
    snippet_config = copy.deepcopy(config["mdx_configs"].get("pymdownx.snippets", {}))
    base = config_file.parent
    snippet_config["base_path"] = [str(base / p) for p in snippet_config.get("base_path", ["."])]
    return Site(config_file, config["theme"]["language"], Path(config["docs_dir"]), snippet_config)


def site_configs(root: Path = ROOT) -> list[Path]:
    return sorted(root.glob("mkdocs*.yml"))


def _relative(path: Path, root: Path) -> Path:
    try:
        return path.resolve().relative_to(root.resolve())
    except ValueError:
        return path


def fence_kind(language: str) -> str:
    if language in PYTHON_LANGUAGES:
        return "python"
    if language in SHELL_LANGUAGES:
        return "shell"
    if language in TEXT_LANGUAGES:
        return "text"
    if language in PICTURE_LANGUAGES:
        return "picture"
    return "other"


def jupyter_lines(snippet_text: str) -> list[str]:
    """The lines a Jupyter cell adds after a snippet's ``cell`` section: its
    ``asyncio.run(X)`` lines, each as ``await X``."""
    lines = snippet_text.split("\n")
    end = next((i for i, line in enumerate(lines) if re.search(r"--8<-- \[end:cell\]", line)), None)
    if end is None:
        return []
    return [
        re.sub(r"^asyncio\.run\((.*)\)$", r"await \1", line.strip())
        for line in lines[end + 1 :]
        if line.strip()
    ]


class _Collector:
    def __init__(self, site: Site, page: Path, root: Path):
        self.site, self.root = site, root
        self.rel = _relative(page, root)
        self.source = page.read_text(encoding="utf-8")
        self.examples: list[Example] = []
        self.problems: list[Problem] = []
        self.pending: Run | None = None  # the run an output block right here belongs to
        self.pending_example: Example | None = None
        self.version_set: int | None = None  # the tab set of the per-version outputs
        self.version_run: Run | None = None  # the run they belong to
        self.repl_line: int | None = None  # a `python -m asyncio` waiting for its transcript

    def problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.rel, line, message))

    def collect(self) -> tuple[list[Example], list[Problem]]:
        page = blocks.read(self.source)
        for stray in page.strays:
            self.stray(stray)
        for fence in page.fences:
            self.markers_known(fence)
            kind = fence_kind(fence.language)
            if kind != "python" and self.repl_line is not None:
                self.problem(self.repl_line, REPL_WITHOUT_TRANSCRIPT)
                self.repl_line = None
            if kind != "text" and self.version_set is not None:
                self.version_set = None
            getattr(self, kind)(fence)
        if self.repl_line is not None:
            self.problem(self.repl_line, REPL_WITHOUT_TRANSCRIPT)
        for example in self.examples:
            self.check_versions(example)
        self.pair_jupyter_tabs()
        self.share_outputs()
        return self.examples, self.problems

    # --- what is not in a fence ------------------------------------------------

    def stray(self, stray: blocks.Stray) -> None:
        if stray.what == "include":
            self.problem(
                stray.line,
                f"{stray.text}: an include outside a fence shows the file as paragraphs; put it "
                'in a ```python fence (```python title="name.py" … ```)',
            )
        elif stray.what == "unclosed":
            self.problem(stray.line, "this fence is never closed")
        elif any(f in stray.text for f in MARKER_FAMILIES):
            self.problem(
                stray.line,
                f"{stray.text} is not right before a fence: a marker belongs on the line "
                "before the ``` fence it is about",
            )

    def markers_known(self, fence: blocks.Fence) -> None:
        for marker in fence.markers:
            body = marker.body
            known = (
                body in (EXPECTED, NOT_OUTPUT, JUPYTER)
                or SKIP.match(body)
                or NOT_OUTPUT_REASON.match(body)
                or DEPENDS.match(body)
            )
            if not known and body.startswith(MARKER_FAMILIES):
                self.problem(
                    marker.line,
                    f"unknown or misspelt marker <!--{body}-->: use <!--{EXPECTED}-->, "
                    f'<!--{NOT_OUTPUT}-->, <!--{NOT_OUTPUT}(reason="why")-->, <!--{JUPYTER}--> or '
                    '<!--pytest.mark.skip(reason="why it cannot run")-->',
                )

    def marked(self, fence: blocks.Fence, body: str) -> bool:
        return any(m.body == body for m in fence.markers)

    def not_output(self, fence: blocks.Fence) -> blocks.Marker | None:
        return next(
            (m for m in fence.markers if m.body == NOT_OUTPUT or NOT_OUTPUT_REASON.match(m.body)),
            None,
        )

    def not_output_under(self, marker: blocks.Marker, run: Run, example: Example | None) -> None:
        """A block marked not-output right under an example: only with a reason
        that ALLOWED_NOT_OUTPUTS names for that example's snippet."""
        snippet = example.includes[0] if example is not None and example.includes else "?"
        reason = NOT_OUTPUT_REASON.match(marker.body)
        allowed = ALLOWED_NOT_OUTPUTS.get(snippet)
        if allowed is not None and reason and reason.group("reason") == allowed:
            return
        told = f" (reason {reason.group('reason')!r})" if reason else ""
        self.problem(
            marker.line,
            f"<!--{NOT_OUTPUT}-->{told} on the block right under the example at line "
            f"{run.line} (snippets/{snippet}): a block there is read as its output, and "
            f"unchecked it can show anything; mark it <!--{EXPECTED}--> so it is compared "
            "(the example's output belongs right under it, before any other block), or add "
            "the snippet with its reason to ALLOWED_NOT_OUTPUTS in tools/examples/pages.py, "
            f'where a reviewer sees it, and write <!--{NOT_OUTPUT}(reason="that reason")-->',
        )

    # --- the kinds of fence --------------------------------------------------------

    def python(self, fence: blocks.Fence) -> None:
        language = fence.language
        includes = [target for _, target in fence.includes]
        form = "pycon" if language == "pycon" else "script"
        if self.marked(fence, JUPYTER):
            form = "jupyter"
        try:
            code = self.site.expand(fence.body.rstrip("\n")) + "\n"
        except SnippetMissingError as error:
            line, target = next(
                ((n, t) for n, t in fence.includes if t.split(":")[0] in str(error)),
                fence.includes[0] if fence.includes else (fence.line, "?"),
            )
            base = ", ".join(
                _relative(Path(b), self.root).as_posix()
                for b in self.site.snippet_config["base_path"]
            )
            self.problem(
                line,
                f'--8<-- "{target}": {error} (snippets are looked up in {base}); create that file '
                "or section, or fix the include line",
            )
            return
        except UnicodeDecodeError as error:
            target = fence.includes[0][1] if fence.includes else "?"
            self.problem(fence.line, f'--8<-- "{target}": not UTF-8 ({error}); save it as UTF-8')
            return
        own = [
            line
            for line in fence.body.split("\n")
            if line.strip() and not blocks.INCLUDE.match(line)
        ]
        example = Example(
            self.rel, self.site.lang, fence.line, fence.info, code, includes, form, tabs=fence.tabs
        )
        example.added = [line.strip() for line in own]
        for marker in fence.markers:
            if skip := SKIP.match(marker.body):
                self.skip(example, skip.group("reason"), marker.line)
            if depends := DEPENDS.match(marker.body):
                self.depends(example, depends.group("what"), depends.group("reason"), marker.line)
        if not includes:
            self.problem(
                fence.line,
                "this Python block is written in the page; put the code in a file under "
                'snippets/ and include it with --8<-- "topic/name.py"',
            )
        elif own and not (form == "jupyter" and all(line.startswith("await ") for line in own)):
            self.problem(
                fence.line,
                f"code written in the page around the include ({own[0].strip()!r}); only a "
                "Jupyter form (<!--pytest.mark.jupyter-->) may add its `await main()` line",
            )
        if example.title and includes and example.title != Path(example.snippet_files[0]).name:
            self.problem(
                fence.line,
                f'title="{example.title}" but the file is snippets/{example.snippet_files[0]}: '
                "give the title the snippet's file name, the name a reader saves it under",
            )
        if self.marked(fence, EXPECTED) or self.not_output(fence) is not None:
            self.problem(fence.line, "an output marker on a Python block; it goes on the output")
        if form == "pycon":
            run = Run(("-m", "asyncio"), fence.line, shown=self.repl_line is not None)
            self.repl_line = None
            example.runs.append(run)
            self.pending, self.pending_example = None, example
        else:
            arguments = ("<jupyter>",) if form == "jupyter" else (example.file_name,)
            run = Run(arguments, fence.line)
            example.runs.append(run)
            self.pending, self.pending_example = run, example
        self.version_set = None
        self.examples.append(example)

    def skip(self, example: Example, reason: str, line: int) -> None:
        snippet = example.includes[0] if example.includes else "?"
        allowed = ALLOWED_SKIPS.get(snippet)
        if allowed is None:
            self.problem(
                line,
                f"a skipped example (snippets/{snippet}) is not run, so nothing checks what the "
                "page shows; make it runnable, or add it with its reason to ALLOWED_SKIPS in "
                "tools/examples/pages.py, where a reviewer sees it",
            )
        elif allowed != reason:
            self.problem(line, f"skip reason {reason!r} differs from ALLOWED_SKIPS: {allowed!r}")
        example.skip_reason = reason

    def depends(self, example: Example, what: str, reason: str, line: int) -> None:
        from tools.examples import world

        snippet = example.includes[0] if example.includes else "?"
        allowed = world.ALLOWED.get(snippet, {}).get(what)
        if what not in world.ASPECTS:
            self.problem(line, f"depends-on {what!r}: one of {', '.join(world.ASPECTS)}")
        elif allowed is None:
            self.problem(
                line,
                f"snippets/{snippet} says its output depends on {world.ASPECTS[what]}, so a "
                "reader gets another output; make it print the same everywhere, or add it with "
                "its reason to ALLOWED in tools/examples/world.py, where a reviewer sees it",
            )
        elif allowed != reason:
            self.problem(
                line, f"depends-on reason {reason!r} differs from world.ALLOWED: {allowed!r}"
            )
        example.depends_on = example.depends_on | {what}

    def shell(self, fence: blocks.Fence) -> None:
        self.pending = None
        self.version_set = None
        if fence.markers:
            self.problem(
                fence.markers[0].line, "a marker on a shell command; it goes on the output"
            )
        command = fence.body.strip()
        if RUN_REPL.match(command):
            self.repl_line = fence.line
            return
        script = RUN_SCRIPT.match(command)
        shown = [
            e
            for e in self.examples
            if script and e.form == "script" and e.title == script.group("file")
        ]
        if not shown:
            self.problem(fence.line, unknown_command(command))
            return
        example = shown[-1]
        arguments = (
            *script.group("flags").split(),
            script.group("file"),
            *script.group("args").split(),
        )
        run = next((r for r in example.runs if r.arguments == arguments), None)
        if run is None:
            run = Run(arguments, fence.line, shown=True)
            example.runs.append(run)
        run.shown = True
        self.pending = run if not run.outputs else None
        self.pending_example = example

    def text(self, fence: blocks.Fence) -> None:
        for line, target in fence.includes:
            if target.split(":")[0].endswith(".py"):
                self.problem(
                    line,
                    f'--8<-- "{target}" in a ```{fence.language or " (no language)"} fence: '
                    "the page shows the code, and nothing runs it; a Python file goes in a "
                    "```python fence",
                )
        if (marker := self.not_output(fence)) is not None:
            if self.pending is not None:
                self.not_output_under(marker, self.pending, self.pending_example)
            self.pending = None
            return
        if not self.marked(fence, EXPECTED):
            where = (
                f"right under the example at line {self.pending.line}"
                if self.pending
                else "in the page"
            )
            self.problem(
                fence.line,
                f"a text block {where} that nothing compares: mark it "
                f"<!--{EXPECTED}--> if it is the output (then it is checked), or "
                f"<!--{NOT_OUTPUT}--> if it is not",
            )
            self.pending = None
            return
        version_tab = next(
            (t for t in reversed(fence.tabs) if Versions.parse(t.label) is not None), None
        )
        run, example = self.pending, self.pending_example
        if run is None and version_tab is not None and self.version_set == version_tab.set_id:
            run = self.version_run
        if run is None:
            message = (
                "an output block, but a >>> transcript shows its output inline; remove it"
                if example is not None and example.form == "pycon"
                else "an output block that follows no example or command (or one that already "
                "has its output): put it right under the example, or the `python NAME.py` "
                "command, whose output it is"
            )
            self.problem(fence.line, message)
            return
        expected = Expected(fence.line, fence.body)
        if expected.timed:
            self.check_timed(expected)
        if version_tab is not None:
            expected.versions = Versions.parse(version_tab.label)
            expected.label = version_tab.label
            self.version_set, self.version_run = version_tab.set_id, run
            run.outputs.append(expected)
            self.pending = None
        else:
            run.outputs.append(expected)
            self.pending = None

    def picture(self, fence: blocks.Fence) -> None:
        """A picture the build draws (a ```timeline of the example above): it
        does not end the example's outputs."""

    def other(self, fence: blocks.Fence) -> None:
        self.pending = None
        for line, target in fence.includes:
            if target.split(":")[0].endswith(".py"):
                self.problem(
                    line,
                    f'--8<-- "{target}" in a ```{fence.language} fence: a Python file goes in '
                    "a ```python fence, where it is run",
                )
        if self.marked(fence, EXPECTED):
            self.problem(
                fence.line,
                f"an output block must be ```text (or ```pytb), not ```{fence.language}",
            )

    # --- checks across fences ---------------------------------------------------------

    def check_timed(self, expected: Expected) -> None:
        # A line that is only `...` stands for any lines, with their times.
        lines = [line for line in expected.text.splitlines() if line.strip() not in ("", "...")]
        untimed = [line for line in lines if not TIMED_LINE.match(line)]
        if untimed:
            self.problem(
                expected.line,
                f"either every line of an output block has a time column, or none: {untimed[0]!r}",
            )
            return
        decimals = {len(TIMED_LINE.match(line).group("decimals")) for line in lines}
        if decimals != {DECIMALS}:
            self.problem(
                expected.line,
                f"times are written with {DECIMALS} decimal, e.g. `3.0 s  finished`: the "
                "real-time check confirms them to ±0.1 s, so more decimals would claim a "
                "precision nothing checks",
            )

    def check_versions(self, example: Example) -> None:
        for run in example.runs:
            versions = [o for o in run.outputs if o.versions is not None]
            if not versions:
                if len(run.outputs) > 1:
                    self.problem(run.outputs[1].line, "a second output block for the same run")
                continue
            if len(versions) != len(run.outputs):
                self.problem(
                    run.outputs[0].line,
                    "an output for every version and outputs per version: keep one or the other",
                )
                continue
            ranges = sorted(
                (lo, hi, output) for output in versions for lo, hi in output.versions.ranges
            )
            expected_lo, complete = OLDEST[1], True
            for lo, hi, _ in ranges:
                if expected_lo is None or lo != expected_lo:
                    complete = False
                    break
                expected_lo = None if hi is None else hi + 1
            # Up to the newest version checked here; a version beyond it gets its
            # tab when it is checked (then its run finds no output and fails).
            newest = max((int(i.minor.split(".")[1]) for i in interpreters()), default=0)
            if not complete or (expected_lo is not None and expected_lo <= newest):
                shown = ", ".join(repr(o.label) for o in versions)
                self.problem(
                    versions[0].line,
                    "version tabs must cover every Python from 3.11 on, once each, up to the "
                    f"newest checked here (3.{newest}) or open-ended ('Python 3.13+'); "
                    f"here: {shown}",
                )

    def share_outputs(self) -> None:
        """An example shown twice on a page (an exercise's question, then its
        answer with the output) is checked against the output shown."""
        for example in self.examples:
            for run in example.runs:
                if run.outputs:
                    continue
                for other in self.examples:
                    shown = [
                        r for r in other.runs if r.outputs and _same_run(example, other, run, r)
                    ]
                    if shown:
                        run.outputs = shown[0].outputs
                        break

    def pair_jupyter_tabs(self) -> None:
        labels = TAB_LABELS.get(self.site.lang)
        in_tabs = [e for e in self.examples if e.tabs and e.form != "pycon"]
        if labels is None:
            if in_tabs:
                self.problem(
                    in_tabs[0].line,
                    f"no tab labels for language {self.site.lang!r}: add them to TAB_LABELS "
                    "in tools/examples/pages.py",
                )
            return
        for example in in_tabs:
            tab = example.tabs[-1]
            siblings = [e for e in in_tabs if e.tabs[-1].set_id == tab.set_id]
            if not any(e.jupyter for e in siblings):
                continue
            want = labels["jupyter" if example.jupyter else "script"]
            if tab.label != want:
                self.problem(
                    tab.line,
                    f"this tab holds the {'Jupyter' if example.jupyter else 'script'} form, so "
                    f'its label is "{want}", not "{tab.label}"',
                )
            if not example.jupyter:
                continue
            scripts = [e for e in siblings if e.form == "script"]
            if not scripts or not example.includes:
                self.problem(
                    example.line,
                    f'a Jupyter tab with no "{labels["script"]}" tab beside it: show the script '
                    "its cell comes from",
                )
                continue
            script = scripts[-1]
            wanted = f"{script.includes[0]}:cell" if script.includes else "?"
            if example.includes != [wanted]:
                self.problem(
                    example.line,
                    f'the Jupyter tab includes "{", ".join(example.includes)}", its script tab '
                    f'(line {script.line}) "{script.includes[0] if script.includes else "?"}": '
                    f'a Jupyter tab shows its script\'s cell section, --8<-- "{wanted}"',
                )
                continue
            path = self.site.snippet_path(script.includes[0])
            tail = jupyter_lines(path.read_text(encoding="utf-8")) if path else []
            own = example.added
            if own != tail:
                self.problem(
                    example.line,
                    f"the Jupyter tab ends with {own} where its script ends with "
                    f"{[line.replace('await ', 'asyncio.run(', 1) + ')' for line in tail]}: "
                    f"a Jupyter cell ends with {tail}",
                )


def _same_run(a: Example, b: Example, run: Run, other: Run) -> bool:
    return a.form == b.form and a.code == b.code and run.arguments == other.arguments


REPL_WITHOUT_TRANSCRIPT = (
    "`python -m asyncio` must come right before the ```pycon transcript typed into it"
)


def unknown_command(command: str) -> str:
    return (
        f"the shell command {command!r} is not run by the tests: a page shows "
        "`python NAME.py` (or `python -X dev NAME.py`) after a script shown with "
        'title="NAME.py", or `python -m asyncio` right before a ```pycon transcript'
    )


def collect_page(site: Site, page: Path, root: Path = ROOT) -> tuple[list[Example], list[Problem]]:
    return _Collector(site, page, root).collect()


def collect(
    config_files: list[Path] | None = None, root: Path = ROOT
) -> tuple[list[Example], list[Problem]]:
    examples: list[Example] = []
    problems: list[Problem] = []
    for config_file in config_files or site_configs(root):
        site = load_site(config_file)
        # mkdocs.<lang>.yml names its language (mkdocs.yml may be any one's)
        named = config_file.name.split(".")[1] if config_file.name.count(".") == 2 else None
        if named is not None and site.lang != named:  # every page read as another language's
            problems.append(
                Problem(
                    Path(config_file.name),
                    next(
                        (
                            n
                            for n, line in enumerate(config_file.read_text().splitlines(), 1)
                            if re.match(r"^\s+language:", line)
                        ),
                        1,
                    ),
                    f"theme.language is {site.lang!r} in the {named!r} edition's config: set "
                    f"`language: {named}` under `theme:` in {config_file.name}",
                )
            )
            site.lang = named
        for page in site.pages():
            found, wrong = collect_page(site, page, root)
            examples += found
            problems += wrong
    return examples, problems + twin_outputs(examples)


def twin_outputs(examples: list[Example]) -> list[Problem]:
    """The same example on a page and on its translation prints the same: its
    output blocks are the same, ``...`` included."""
    pages: dict[tuple[str, Path], list[Example]] = {}
    for example in examples:
        name = Path(*example.page.parts[2:])
        pages.setdefault((example.lang, name), []).append(example)
    problems = []
    for (lang, name), theirs in pages.items():
        ours = pages.get(("en", name))
        if lang == "en" or ours is None:
            continue
        for english, other in zip(ours, theirs, strict=False):
            if (english.form, english.code) != (other.form, other.code):
                continue  # another example: tests/test_translations.py names it
            for run in other.runs:
                twin = next((r for r in english.runs if r.arguments == run.arguments), None)
                if twin is None:
                    continue
                for shown, wanted in zip(run.outputs, twin.outputs, strict=False):
                    if (shown.versions, shown.text.strip("\n")) != (
                        wanted.versions,
                        wanted.text.strip("\n"),
                    ):
                        problems.append(
                            Problem(
                                other.page,
                                shown.line,
                                f"this output of {other.describe()} differs from the one "
                                f"{english.page}:{wanted.line} shows for the same program; "
                                "both languages show the same block, `...` included: write "
                                f"the English one here (or fix it there):\n{wanted.text}",
                            )
                        )
                if len(run.outputs) != len(twin.outputs):
                    problems.append(
                        Problem(
                            other.page,
                            (run.outputs or [run])[0].line,
                            f"{len(run.outputs)} output blocks under {other.describe()}, where "
                            f"{english.page}:{english.line} shows {len(twin.outputs)}: both "
                            "languages show the same blocks",
                        )
                    )
    return problems
