"""Find every code example on every page, expanded exactly as the site shows it.

For each mkdocs config (``mkdocs.yml``, ``mkdocs.ru.yml``, …) the pages of its
``docs_dir`` are read, their ``--8<--`` includes are expanded by
pymdownx.snippets configured from that same config, and pytest-codeblocks'
``extract_from_buffer`` splits the result into fenced blocks with their
``<!--pytest-codeblocks:expected-output-->`` blocks.

Every Python fence becomes an :class:`Example`, whatever its info string
(``python``, ``py``, ``pycon``, ``python title="…"``); a fence the harness
cannot run or check is a :class:`Problem`, so nothing goes silently untested.

A shell fence (``bash``, ``sh``, ``console``…) shows how to run an example,
and must be one the harness runs the example by: ``python NAME.py`` after a
script shown under ``title="NAME.py"`` on the same page (the harness runs it so,
under that name), or ``python -m asyncio`` right before the ``pycon``
transcript typed into it. Any other command is a :class:`Problem`.

Markers, written as HTML comments on the line before a fence:

* ``<!--pytest.mark.jupyter-->``: run the block as a Jupyter cell (top-level
  ``await``, inside an already running loop).
* ``<!--pytest.mark.skip(reason="…")-->``: do not run it; the reason is required
  and shown in the test report.
"""

from __future__ import annotations

import copy
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import markdown
from mkdocs.config import load_config
from pymdownx.snippets import SnippetMissingError
from pytest_codeblocks import extract_from_buffer

ROOT = Path(__file__).resolve().parents[2]
PYTHON_LANGUAGES = {"python", "py", "python3", "py3", "pycon", "ipython", "ipython3"}
SHELL_LANGUAGES = {"bash", "sh", "shell", "console", "zsh", "shell-session"}
TITLE = re.compile(r"""\btitle=(["'])(?P<title>[^"']+)\1""")
RUN_SCRIPT = re.compile(r"^(?:\$ )?python3? (?P<file>[\w.-]+\.py)$")
RUN_REPL = re.compile(r"^(?:\$ )?python3? -m asyncio$")
INCLUDE = re.compile(r"""^\s*-{1,}8<-{1,}\s+(["'])(?P<target>[^"']+)\1""")
SKIP = re.compile(r"""^pytest\.mark\.skip\(reason=(["'])(?P<reason>.+)\1\)$""")
JUPYTER = "pytest.mark.jupyter"


@dataclass
class Example:
    """One Python block of a page, as the reader sees it."""

    page: Path  # relative to the repository root
    line: int  # line of the opening fence in the page
    info: str  # the fence's info string, e.g. 'python title="x.py"'
    code: str  # after the includes have been expanded
    includes: list[str]  # snippet targets, e.g. ["awaiting/x.py:cell"]
    expected: str | None  # the output block under it, if any
    jupyter: bool = False
    skip_reason: str | None = None
    marks: list[str] = field(default_factory=list)
    commands: list[str] = field(default_factory=list)  # shell lines on the page that run it

    @property
    def language(self) -> str:
        return fence_language(self.info)

    @property
    def title(self) -> str | None:
        found = TITLE.search(self.info)
        return found.group("title") if found else None

    @property
    def file_name(self) -> str:
        """The name a script is saved and run under: its title on the page, else
        its snippet's file name."""
        files = [f for f in self.snippet_files if f.endswith(".py")]
        return self.title or (Path(files[0]).name if files else "example.py")

    @property
    def where(self) -> str:
        return f"{self.page}:{self.line}"

    @property
    def snippet_files(self) -> list[str]:
        return [target.split(":")[0] for target in self.includes]

    def describe(self) -> str:
        shown = ", ".join(f"snippets/{t}" for t in self.includes) or "no snippet"
        return f"{self.where} ({shown})"

    @property
    def test_id(self) -> str:
        form = "jupyter" if self.jupyter else self.language
        return f"{self.where}[{form}]"


@dataclass
class Problem:
    page: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.page}:{self.line}: {self.message}"


@dataclass
class Site:
    """One mkdocs config: its pages and how its snippets are expanded."""

    config_file: Path
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


def fence_language(info: str) -> str:
    """``python title="x"`` → ``python``; ``{ .py .no-copy }`` → ``py``."""
    first = info.strip().lstrip("{").strip().split(" ")[0] if info.strip() else ""
    return first.lstrip(".").lower()


def load_site(config_file: Path) -> Site:
    config = load_config(str(config_file))
    snippet_config = copy.deepcopy(config["mdx_configs"].get("pymdownx.snippets", {}))
    base = config_file.parent
    snippet_config["base_path"] = [str(base / p) for p in snippet_config.get("base_path", ["."])]
    return Site(config_file, Path(config["docs_dir"]), snippet_config)


def site_configs(root: Path = ROOT) -> list[Path]:
    return sorted(root.glob("mkdocs*.yml"))


def _relative(path: Path, root: Path) -> Path:
    try:
        return path.resolve().relative_to(root.resolve())
    except ValueError:
        return path


def collect_page(site: Site, page: Path, root: Path = ROOT) -> tuple[list[Example], list[Problem]]:
    rel = _relative(page, root)
    text = page.read_text(encoding="utf-8")
    problems: list[Problem] = []

    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.lstrip()
        if stripped.startswith("~~~") and fence_language(stripped.lstrip("~")) in PYTHON_LANGUAGES:
            problems.append(
                Problem(
                    rel,
                    number,
                    "a ~~~ fence is invisible to pytest-codeblocks; write it with ``` so it is run",
                )
            )

    try:
        expanded = site.expand(text)
    except SnippetMissingError as error:
        name = re.search(r"'([^']*)'", str(error))
        number, include = 1, "?"
        for n, line in enumerate(text.split("\n"), 1):
            if (m := INCLUDE.match(line)) and name and name.group(1) in m.group("target"):
                number, include = n, m.group("target")
                break
        base = ", ".join(site.snippet_config["base_path"])
        return [], [
            Problem(
                rel,
                number,
                f'--8<-- "{include}": {error} (snippets are looked up in {base}); '
                "create that file or section, or fix the include line",
            )
        ]

    try:
        original_blocks = extract_from_buffer(io.StringIO(text))
        blocks = extract_from_buffer(io.StringIO(expanded))
    except RuntimeError as error:
        return [], [Problem(rel, 1, f"pytest-codeblocks cannot read this page: {error}")]
    if len(original_blocks) != len(blocks):
        return [], [
            Problem(
                rel,
                1,
                "an included snippet adds or removes a ``` fence; snippets must be plain code files",
            )
        ]

    examples = []
    repl_command: tuple[int, str] | None = None  # `python -m asyncio`, for the next block
    for original, block in zip(original_blocks, blocks, strict=True):
        language = fence_language(block.syntax or "")
        if repl_command and language != "pycon":
            problems.append(Problem(rel, repl_command[0], REPL_WITHOUT_TRANSCRIPT))
        if language in SHELL_LANGUAGES:
            repl_command = None
            command = block.code.strip()
            if RUN_REPL.match(command):
                repl_command = (original.lineno, command)
            elif (script := RUN_SCRIPT.match(command)) and (
                shown := [
                    e
                    for e in examples
                    if e.language != "pycon" and not e.jupyter and e.title == script["file"]
                ]
            ):
                shown[-1].commands.append(command)
            else:
                problems.append(Problem(rel, original.lineno, unknown_command(command)))
            continue
        if language not in PYTHON_LANGUAGES:
            repl_command = None
            continue
        includes = [m.group("target") for m in map(INCLUDE.match, original.code.split("\n")) if m]
        example = Example(
            page=rel,
            line=original.lineno,
            info=block.syntax or "",
            code=block.code,
            includes=includes,
            expected=block.expected_output,
            marks=list(block.marks),
        )
        if repl_command:
            example.commands.append(repl_command[1])
            repl_command = None
        for mark in block.marks:
            if mark == JUPYTER:
                example.jupyter = True
            elif (skip := SKIP.match(mark)) and skip.group("reason").strip():
                example.skip_reason = skip.group("reason")
            else:
                problems.append(
                    Problem(
                        rel,
                        original.lineno,
                        f"unknown or incomplete marker <!--{mark}-->: use <!--pytest.mark.jupyter--> "
                        'or <!--pytest.mark.skip(reason="why it cannot run")-->',
                    )
                )
        own_lines = [
            line for line in original.code.split("\n") if line.strip() and not INCLUDE.match(line)
        ]
        if not includes:
            problems.append(
                Problem(
                    rel,
                    original.lineno,
                    "this Python block is written in the page; put the code in a file under snippets/ "
                    'and include it with --8<-- "topic/name.py"',
                )
            )
        elif own_lines and not (
            example.jupyter and all(line.startswith("await ") for line in own_lines)
        ):
            problems.append(
                Problem(
                    rel,
                    original.lineno,
                    f"code written in the page around the include ({own_lines[0].strip()!r}); "
                    "only a Jupyter form (<!--pytest.mark.jupyter-->) may add its `await main()` line",
                )
            )
        if example.title and includes and example.title != Path(example.snippet_files[0]).name:
            problems.append(
                Problem(
                    rel,
                    original.lineno,
                    f'title="{example.title}" but the file is snippets/{example.snippet_files[0]}: '
                    "give the title the snippet's file name, the name a reader saves it under",
                )
            )
        examples.append(example)
    if repl_command:
        problems.append(Problem(rel, repl_command[0], REPL_WITHOUT_TRANSCRIPT))
    return examples, problems


REPL_WITHOUT_TRANSCRIPT = (
    "`python -m asyncio` must come right before the ```pycon transcript typed into it"
)


def unknown_command(command: str) -> str:
    return (
        f"the shell command {command!r} is not run by the tests: a page shows "
        '`python NAME.py` after a script shown with title="NAME.py", or '
        "`python -m asyncio` right before a ```pycon transcript"
    )


def collect(
    config_files: list[Path] | None = None, root: Path = ROOT
) -> tuple[list[Example], list[Problem]]:
    examples: list[Example] = []
    problems: list[Problem] = []
    for config_file in config_files or site_configs(root):
        site = load_site(config_file)
        for page in site.pages():
            found, wrong = collect_page(site, page, root)
            examples += found
            problems += wrong
    return examples, problems
