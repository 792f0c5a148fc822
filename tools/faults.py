"""Every mistake a contributor can make, planted in a throw-away copy of the
project, must be caught before the site is published: ``make faults``.

Each :class:`Fault` edits a copy of the sources (docs/, snippets/,
notebooks/, the configs, hooks/ and tools/) and runs, on that copy, the same
check the test suite runs on the real one (``caught_by`` names that test).
The first message must name the page (file:line) or the file, and say what
to do. ``make faults`` prints the table "fault → caught by → first line of
the message" (``--markdown`` for ARCHITECTURE.md);
tests/test_faults.py runs every fault as part of ``make test``.

    python -m tools.faults              # the table
    python -m tools.faults --markdown   # the same, as a Markdown table
    python -m tools.faults --write ARCHITECTURE.md   # the table in it, refreshed

In a file, the table sits between ``<!-- faults:start -->`` and
``<!-- faults:end -->``; tests/test_faults.py checks it lists every fault.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
AWAIT_PAGE = "docs/en/await.md"
COPIED = ["docs", "snippets", "notebooks", "hooks", "tools", "overrides"]


class Copy:
    """A throw-away copy of the project's sources, to plant a fault in."""

    def __init__(self, base: Path):
        self.root = base / "project"
        for name in COPIED:
            shutil.copytree(
                ROOT / name,
                self.root / name,
                ignore=shutil.ignore_patterns("__pycache__", "node_modules"),
            )
        for config in [
            *ROOT.glob("mkdocs*.yml"),
            ROOT / "requirements.lock",
            ROOT / "pyproject.toml",
        ]:
            shutil.copy(config, self.root / config.name)

    def path(self, relative: str) -> Path:
        return self.root / relative

    def edit(self, relative: str, old: str, new: str, count: int = 1) -> None:
        path = self.path(relative)
        text = path.read_text(encoding="utf-8")
        if old not in text:
            raise AssertionError(f"cannot plant the fault: {old!r} is not in {relative}")
        path.write_text(text.replace(old, new, count), encoding="utf-8")

    def append(self, relative: str, text: str) -> None:
        path = self.path(relative)
        path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")

    def lines(self, relative: str) -> list[str]:
        return self.path(relative).read_text(encoding="utf-8").split("\n")

    def set_lines(self, relative: str, first: int, count: int, new: list[str]) -> None:
        """Replace ``count`` lines from line ``first`` (1-based) with ``new``."""
        lines = self.lines(relative)
        lines[first - 1 : first - 1 + count] = new
        self.path(relative).write_text("\n".join(lines), encoding="utf-8")

    def sub(self, relative: str, pattern: str, new: str) -> None:
        """Replace the first match of the regular expression ``pattern``."""
        path = self.path(relative)
        text = path.read_text(encoding="utf-8")
        if not re.search(pattern, text, flags=re.MULTILINE):
            raise AssertionError(
                f"cannot plant the fault: nothing matches {pattern!r} in {relative}"
            )
        path.write_text(re.sub(pattern, new, text, count=1, flags=re.MULTILINE), encoding="utf-8")


# --- the checks, run on a copy as the tests run them on the project --------------


def collected(copy: Copy, page: str | None = None):
    """The examples and problems of the copy's pages (or of one page), as the tests read them."""
    from tools.examples.pages import collect, collect_page, load_site, site_configs

    if page is None:
        return collect(site_configs(copy.root), root=copy.root)
    lang = Path(page).parts[1]
    config = next(c for c in site_configs(copy.root) if load_site(c).lang == lang)
    return collect_page(load_site(config), copy.path(page), root=copy.root)


def examples(copy: Copy, page: str | None = None, every_python: bool = False) -> list[str]:
    """Collection problems and example runs (tests/test_examples.py)."""
    from tools.examples import pythons, world
    from tools.examples.check import check

    found, problems = collected(copy, page)
    messages = [str(p) for p in problems]
    interpreters = pythons.interpreters() if every_python else [pythons.default()]
    for example in found:
        if page is not None and str(example.page) != page:
            continue
        for shown in example.runs:
            for interpreter in interpreters:
                outcome = _runs.outcome(example, shown, interpreter, timeout=5)
                found_now = check(example, shown, outcome, interpreter.minor)
                messages += found_now
                if not found_now and outcome.threads and interpreter == pythons.default():
                    for repeat in range(1, world.REPEATS + 1):  # as tests/test_examples.py
                        again = _runs.outcome(example, shown, interpreter, 5, repeat)
                        messages += check(example, shown, again, interpreter.minor)
    return messages


class _Runs:
    """The runs of every fault, each distinct run once: the examples a fault
    leaves as they are run once for all faults."""

    def __init__(self) -> None:
        import threading

        self._lock = threading.Lock()
        self._futures: dict[tuple, Future] = {}

    def outcome(self, example, shown, interpreter, timeout, repeat=0):
        from tools.examples.batch import key
        from tools.examples.run import run

        k = key(example, shown, interpreter, "virtual", repeat)
        with self._lock:
            mine = k not in self._futures
            if mine:
                self._futures[k] = Future()
            future = self._futures[k]
        if mine:
            try:
                future.set_result(run(example, shown, interpreter, timeout=timeout, repeat=repeat))
            except BaseException as error:  # noqa: BLE001 - handed to the callers waiting for it
                future.set_exception(error)
        return future.result()


_runs = _Runs()


def translations(copy: Copy) -> list[str]:
    """tests/test_translations.py's structure checks."""
    from hooks import translations as checks
    from tools.site import configs

    messages = []
    for lang, config in configs(copy.root):
        messages += checks.language_differences(lang, config)
        if lang == "en":
            continue
        messages += checks.missing_twins(lang, copy.root)
        messages += checks.nav_differences(config, copy.root)
        messages += checks.include_differences(lang, copy.root)
    return messages


def build(copy: Copy, lang: str = "en") -> list[str]:
    """The strict build every test builds on (tools/site.py)."""
    from tools.site import BuildFailed, configs
    from tools.site import build as site_build

    config = dict(configs(copy.root))[lang]
    with tempfile.TemporaryDirectory(prefix="fault-site-") as out:
        try:
            site_build(Path(out), root=copy.root, config_files=[(lang, config)])
        except BuildFailed as failed:
            return [
                line for line in str(failed).splitlines() if "WARNING" in line or "ERROR" in line
            ]
    return []


def loads_from_elsewhere(copy: Copy) -> list[str]:
    """tests/test_build.py: no page loads anything from another host."""
    from tools.site import build as site_build
    from tools.site import configs, external_resources

    with tempfile.TemporaryDirectory(prefix="fault-site-") as out:
        site_build(Path(out), root=copy.root, config_files=configs(copy.root)[:1])
        return [f"{line}: serve it from the site instead" for line in external_resources(Path(out))]


def notebook_render(copy: Copy) -> list[str]:
    """tests/test_notebook.py: the committed notebook page is current."""
    done = subprocess.run(
        [sys.executable, "-m", "tools.notebook_page", "--check"],
        cwd=copy.root,
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout.splitlines() if done.returncode else []


def notebook_run(copy: Copy) -> list[str]:
    """tests/test_notebook.py: Run All succeeds except where a cell is tagged."""
    from mkdocs.config import load_config

    from tools import notebook as nbtools
    from tools.examples import kernel, pythons

    config = load_config(str(copy.path("mkdocs.yml")))
    source = copy.path("notebooks/lesson.en.md")
    settings = nbtools.snippet_config(config["mdx_configs"], config.config_file_path)
    ipynb, cells = nbtools.generate(source, settings)
    path = copy.root / "lesson.ipynb"
    path.write_text(ipynb, encoding="utf-8")
    nb, _ = kernel.run_notebook(path, pythons.default(), stop_on_error=True)
    code = [c for c in cells if c.kind == "code"]
    indices = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    messages = []
    for index, cell in zip(indices, code, strict=True):
        errors = [o for o in nb.cells[index].outputs if o.output_type == "error"]
        if errors and "raises-exception" not in cell.tags:
            messages.append(
                f"notebooks/lesson.en.md:{cell.line}: the cell failed in Jupyter: "
                f"{errors[0].ename}: {errors[0].evalue}"
            )
    return messages


def collection(copy: Copy) -> list[str]:
    """tests/test_examples.py: every fence known, every output compared, both languages alike."""
    return [str(p) for p in collected(copy)[1]]


def snippet_suppressions(copy: Copy) -> list[str]:
    """tests/test_snippets.py: no snippet switches the lint or the formatter off."""
    from tests.test_snippets import suppressions

    return suppressions(copy.root)


def headings(copy: Copy) -> list[str]:
    """tests/test_build.py: headings are unique on every page."""
    from tools.examples.blocks import duplicate_headings

    return [
        message
        for page in sorted(copy.path("docs").rglob("*.md"))
        for message in duplicate_headings(
            page.read_text(encoding="utf-8"), page.relative_to(copy.root).as_posix()
        )
    ]


def notebook_outputs(copy: Copy) -> list[str]:
    """tests/test_notebook.py: every cell prints what the notebook shows."""
    from mkdocs.config import load_config

    from tools import notebook as nbtools
    from tools.examples import kernel, pythons
    from tools.examples.check import match

    config = load_config(str(copy.path("mkdocs.yml")))
    settings = nbtools.snippet_config(config["mdx_configs"], config.config_file_path)
    ipynb, cells = nbtools.generate(copy.path("notebooks/lesson.en.md"), settings)
    path = copy.root / "lesson.ipynb"
    path.write_text(ipynb, encoding="utf-8")
    nb, runs = kernel.run_notebook(path, pythons.default())
    code = [c for c in cells if c.kind == "code"]
    indices = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    messages = []
    for index, cell in zip(indices, code, strict=True):
        want = cell.output("stdout")
        if want is None:
            continue
        if want.timed:
            got = [(round(t, want.decimals), x) for t, s, x in runs[index].lines if s == "stdout"]
            same = got == [(round(t, want.decimals), x) for t, x in want.timed]
        else:
            printed = "".join(o.text for o in nb.cells[index].outputs if o.get("name") == "stdout")
            same = match(nbtools.normalized(want.text), nbtools.normalized(printed))[0]
        if not same:
            messages.append(
                f"notebooks/lesson.en.md:{want.line}: stdout in Jupyter differs from the block; "
                f"{nbtools.REWRITE}"
            )
    return messages


def elided(copy: Copy, page: str = AWAIT_PAGE) -> list[str]:
    """tests/test_examples.py: every `...` of the page's outputs stands for what varies."""
    from tests.test_examples import elision_message
    from tools.examples import pythons
    from tools.examples.check import elisions

    found, _ = collected(copy, page)
    messages = []
    for example in found:
        for shown_run in example.runs:
            for shown in shown_run.outputs:
                if "..." not in shown.text or example.form == "pycon":
                    continue
                printed = []
                for interpreter in pythons.interpreters():
                    if shown.versions is not None and interpreter.minor not in shown.versions:
                        continue
                    outcome = _runs.outcome(example, shown_run, interpreter, timeout=5)
                    printed.append(outcome.timed(shown.decimals) if shown.timed else outcome.output)
                messages += [elision_message(example, n, t) for n, t in elisions(shown, printed)]
    return messages


def exercises(copy: Copy) -> list[str]:
    """tests/test_exercises.py: every lesson page ends with a checked exercise."""
    from tools.examples.exercises import problems

    return problems(copy.root)


def timelines_outdated(copy: Copy) -> list[str]:
    """tests/test_timelines.py: no trace is older than its snippet."""
    from tools.timeline.trace import outdated

    return outdated(copy.root)


def over_budget(copy: Copy) -> list[str]:
    """tests/test_assets.py: every page transfers at most 100 kB as it starts."""
    from tools import budget
    from tools.site import build as site_build
    from tools.site import configs

    with tempfile.TemporaryDirectory(prefix="fault-site-") as out:
        site_build(Path(out), root=copy.root, config_files=configs(copy.root)[:1])
        sources = {"/await/": AWAIT}
        return budget.problems(Path(out), sources)


def _large_example(copy: Copy) -> None:
    """A contributor's one new example: a program holding a long table of data."""
    import hashlib

    rows = "".join(f'    "{hashlib.sha256(str(i).encode()).hexdigest()}",\n' for i in range(1500))
    copy.path("snippets/awaiting/big_table.py").write_text(
        f"DIGESTS = [\n{rows}]\n\nprint(len(DIGESTS))\n", encoding="utf-8"
    )
    copy.append(AWAIT, '\n```python title="big_table.py"\n--8<-- "awaiting/big_table.py"\n```\n')


def checked_record(copy: Copy) -> list[str]:
    """tests/test_trust.py: docs/data/checked.json records the examples shown now."""
    from tools.checked import problems

    return problems(copy.root)


def timelines_placement(copy: Copy) -> list[str]:
    """tests/test_timelines.py: each timeline is under its example's output."""
    from tools.timeline.trace import placement

    return placement(copy.root)


# --- the faults ---------------------------------------------------------------------


@dataclass
class Fault:
    name: str
    caught_by: str
    plant: Callable[[Copy], None]
    check: Callable[[Copy], list[str]]
    names: str  # what the first message must contain: the page or the file
    # caught only by a Python that runs in another machine's world (3.12, 3.14)
    other_world: bool = False


EXAMPLES = "tests/test_examples.py::test_example_prints_what_the_page_shows"
FENCES = "tests/test_examples.py::test_every_fence_is_known_and_every_output_compared"
AWAIT = "docs/en/await.md"
HELLO = "snippets/start/hello_asyncio.py"


def _wrong_output_in(fence: str) -> Callable[[Copy], None]:
    """An example written with another fence, with a wrong output under it."""

    def plant(copy: Copy) -> None:
        copy.append(
            AWAIT,
            f"\n{fence}\n\n<!--pytest-codeblocks:expected-output-->\n```text\n"
            "0.0 s  hello\n9.0 s  one second later\n```\n",
        )

    return plant


def _script(name: str, code: str, output: str | Callable[[], str] | None) -> Callable[[Copy], None]:
    """A new snippet shown on the await page (with ``output`` under it; a
    callable: what it gives when the fault is planted)."""

    def plant(copy: Copy) -> None:
        shown = output() if callable(output) else output
        copy.path(f"snippets/awaiting/{name}").write_text(code, encoding="utf-8")
        block = f'\n```python title="{name}"\n--8<-- "awaiting/{name}"\n```\n'
        if shown is not None:
            block += f"\n<!--pytest-codeblocks:expected-output-->\n```text\n{shown}```\n"
        copy.append(AWAIT, block)

    return plant


# Faults are planted against what the pages and snippets say now: a fault finds
# the block, the line or the call it changes, so a correct edit of the page
# (another sleep, other words) still lets every fault be planted.
SEQUENTIAL = "awaiting/hello_world_sequential.py"
EXPECTED_MARKER = "pytest-codeblocks:expected-output"
NOT_SWITCHING = "awaiting/await_does_not_switch.py"


THREADS_PRINTING = (
    "import threading\n\n\ndef count(name):\n    for i in range(2000):\n"
    "        print(name, i)\n\n\nthreads = [threading.Thread(target=count, args=(n,)) for n in 'ab']\n"
    "for thread in threads:\n    thread.start()\nfor thread in threads:\n    thread.join()\n"
)


def _printed_here(code: str) -> str:
    """What ``code`` prints on this machine, as a contributor would paste it."""
    import subprocess
    import sys

    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=60
    ).stdout


def _output_block(copy: Copy, page: str, snippet: str) -> tuple[int, list[str]]:
    """The output block under the script example of ``snippet`` on ``page``:
    the line number of its first line, and its lines as the file has them."""
    found, _ = collected(copy, page)
    example = next(
        e for e in found if e.form == "script" and e.includes and e.includes[0] == snippet
    )
    shown = example.runs[0].outputs[0]
    count = len(shown.text.splitlines())
    return shown.line + 1, copy.lines(page)[shown.line : shown.line + count]


def _edit_last_line(page: str, snippet: str, edit: Callable[[str, str], str]):
    """Change the last line of the output shown under ``snippet``: ``edit(time, text)``
    gives the new line (``time`` is "" in an untimed block)."""

    def plant(copy: Copy) -> None:
        first, lines = _output_block(copy, page, snippet)
        number = max(i for i, line in enumerate(lines) if line.strip())
        line = lines[number]
        indent = line[: len(line) - len(line.lstrip())]
        timed = re.match(r"^(\d+\.\d+) s  (.*)$", line.strip())
        time, text = timed.groups() if timed else ("", line.strip())
        copy.set_lines(page, first + number, 1, [indent + edit(time, text)])

    return plant


def _other_word(time: str, text: str) -> str:
    return (f"{time} s  " if time else "") + ("done" if text != "done" else "finished")


def _other_time(time: str, text: str) -> str:
    if not time:
        raise AssertionError("cannot plant the fault: the output block shows no times")
    return f"{float(time) + 1:.1f} s  {text}"


def _move_output(page: str, snippet: str, other: str) -> Callable[[Copy], None]:
    """The output of ``other``'s example shown under ``snippet``'s instead of its own."""

    def plant(copy: Copy) -> None:
        first, lines = _output_block(copy, page, snippet)
        _, others = _output_block(copy, page, other)
        indent = lines[0][: len(lines[0]) - len(lines[0].lstrip())]
        copy.set_lines(page, first, len(lines), [indent + line.strip() for line in others])

    return plant


def _unmark_output(page: str, snippet: str) -> Callable[[Copy], None]:
    """The expected-output marker of ``snippet``'s output block taken away."""

    def plant(copy: Copy) -> None:
        first, _ = _output_block(copy, page, snippet)
        marker = first - 2  # the line before the opening fence
        if "pytest-codeblocks:expected-output" not in copy.lines(page)[marker - 1]:
            raise AssertionError(f"cannot plant the fault: no marker at {page}:{marker}")
        copy.set_lines(page, marker, 1, [])

    return plant


def _in_cell(snippet: str, line: str) -> Callable[[Copy], None]:
    """``line`` added at the top of the snippet's ``cell`` section (what the
    notebook and a Jupyter form show)."""

    def plant(copy: Copy) -> None:
        copy.sub(f"snippets/{snippet}", r"^(# --8<-- \[start:cell\]\n)", rf"\1{line}\n")

    return plant


def _output_marked_not_output(page: str, snippet: str) -> Callable[[Copy], None]:
    """The output block under ``snippet`` marked not-output, and then changed."""

    def plant(copy: Copy) -> None:
        first, lines = _output_block(copy, page, snippet)
        marker = first - 2  # the line before the opening fence
        text = copy.lines(page)[marker - 1]
        if "pytest-codeblocks:expected-output" not in text:
            raise AssertionError(f"cannot plant the fault: no marker at {page}:{marker}")
        copy.set_lines(page, marker, 1, [text.replace(EXPECTED_MARKER, "example:not-output")])
        copy.set_lines(page, first, 1, [lines[0] + " (changed)"])

    return plant


def _elided_in(page: str, snippet: str) -> Callable[[Copy], None]:
    """One language's output block of ``snippet`` hides a line behind ``...``."""

    def plant(copy: Copy) -> None:
        first, lines = _output_block(copy, page, snippet)
        indent = lines[0][: len(lines[0]) - len(lines[0].lstrip())]
        copy.set_lines(page, first, 1, [indent + "..."])

    return plant


def _elided_everywhere(snippet: str) -> Callable[[Copy], None]:
    """The first line of ``snippet``'s output written as ``...`` in every language."""

    def plant(copy: Copy) -> None:
        for page in (AWAIT, AWAIT.replace("/en/", "/ru/")):
            _elided_in(page, snippet)(copy)

    return plant


def _heading_again(page: str) -> Callable[[Copy], None]:
    """The page's first second-level heading written once more, at its end."""

    def plant(copy: Copy) -> None:
        heading = next(line for line in copy.lines(page) if line.startswith("## "))
        copy.append(page, f"\n{heading}\n\nMore of the same.\n")

    return plant


def _examples_on(page: str, every_python: bool = False) -> Callable[[Copy], list[str]]:
    return lambda copy: examples(copy, page, every_python)


GUARDS = "tests/test_guards.py::test_the_project_passes"


def _weakened(relative: str, old: str, new: str, count: int = 1) -> Callable[[Copy], None]:
    """A check weakened (tools/guards.py): ``old`` (a regex) replaced in a file
    the guards read, in a copy that has them all."""

    def plant(copy: Copy) -> None:
        from tools.guards import copy_inputs

        copy_inputs(ROOT, copy.root)
        path = copy.path(relative)
        text = path.read_text(encoding="utf-8")
        if not re.search(old, text, re.MULTILINE):
            raise AssertionError(f"cannot plant the fault: {old!r} is not in {relative}")
        path.write_text(re.sub(old, new, text, count, flags=re.MULTILINE), encoding="utf-8")

    return plant


def _guard(name: str) -> Callable[[Copy], list[str]]:
    def check(copy: Copy) -> list[str]:
        from tools import guards

        return getattr(guards, name)(copy.root)

    return check


def _made_up_checkout_commits(copy: Copy) -> None:
    from tools.guards import copy_inputs, workflow_files

    copy_inputs(ROOT, copy.root)
    for path in workflow_files(copy.root):
        name = str(path.relative_to(copy.root))
        if "actions/checkout@" in path.read_text(encoding="utf-8"):
            made_up = "actions/checkout@" + "0123456789abcdef" * 2 + "01234567"
            _weakened(name, r"actions/checkout@[0-9a-f]{40}", made_up, count=0)(copy)


def _remove_a_target_the_readme_shows(copy: Copy) -> None:
    """The bench target, or another the README shows if it shows no bench."""
    from tools.guards import copy_inputs, shown_commands

    copy_inputs(ROOT, copy.root)
    shown = [
        c.split()[1] for _, c in shown_commands(copy.path("README.md")) if c.startswith("make ")
    ]
    target = "bench" if "bench" in shown else shown[-1]
    _weakened("Makefile", rf"^{re.escape(target)}:.*\n(\t.*\n)*", "")(copy)


FAULTS: list[Fault] = [
    Fault(
        "a syntax error in a snippet",
        EXAMPLES,
        # the first print() loses its closing parenthesis
        lambda c: c.sub(HELLO, r"^( *print\(.*)\)$", r"\1"),
        _examples_on("docs/en/index.md"),
        "docs/en/index.md:",
    ),
    Fault(
        'an exception inside the `if __name__ == "__main__":` guard',
        EXAMPLES,
        _script(
            "guarded.py",
            'def main():\n    raise ValueError("boom")\n\n\nif __name__ == "__main__":\n    main()\n',
            "hello\n",
        ),
        _examples_on(AWAIT),
        AWAIT,
    ),
    Fault(
        "a wrong output shown under an example",
        EXAMPLES,
        _edit_last_line(AWAIT, SEQUENTIAL, _other_word),
        _examples_on(AWAIT),
        AWAIT,
    ),
    Fault(
        "a wrong time shown",
        EXAMPLES,
        _edit_last_line(AWAIT, SEQUENTIAL, _other_time),
        _examples_on(AWAIT),
        AWAIT,
    ),
    *[
        Fault(
            f"an example in a fence written {spelling}, with a wrong output",
            EXAMPLES,
            _wrong_output_in(fence),
            _examples_on(AWAIT),
            AWAIT,
        )
        for spelling, fence in [
            ("tagged `Python`", '```Python\n--8<-- "start/hello_asyncio.py"\n```'),
            ("tagged `python3`", '```python3\n--8<-- "start/hello_asyncio.py"\n```'),
            ("tagged `py3`", '```py3\n--8<-- "start/hello_asyncio.py"\n```'),
            ("with `~~~`", '~~~python\n--8<-- "start/hello_asyncio.py"\n~~~'),
            (
                "with attributes",
                '``` { .python .no-copy title="hello_asyncio.py" }\n--8<-- "start/hello_asyncio.py"\n```',
            ),
            (
                "inside an admonition",
                '!!! note "An example"\n\n    ```python\n    --8<-- "start/hello_asyncio.py"\n    ```',
            ),
            (
                "inside `<details>`",
                '<details><summary>An example</summary>\n\n```python\n--8<-- "start/hello_asyncio.py"\n```\n\n</details>',
            ),
        ]
    ],
    Fault(
        "an example as an indented code block (no fence)",
        FENCES,
        lambda c: c.append(AWAIT, '\nHere:\n\n    --8<-- "start/hello_asyncio.py"\n'),
        _examples_on(AWAIT),
        AWAIT,
    ),
    Fault(
        "an include of a missing file",
        FENCES,
        lambda c: c.edit(AWAIT, '"awaiting/hello_world_sequential.py"', '"awaiting/gone.py"'),
        _examples_on(AWAIT),
        AWAIT,
    ),
    Fault(
        "an include of a missing section",
        FENCES,
        lambda c: c.edit(
            AWAIT,
            '"awaiting/hello_world_sequential.py:cell"',
            '"awaiting/hello_world_sequential.py:nope"',
        ),
        _examples_on(AWAIT),
        AWAIT,
    ),
    Fault(
        "a block that never finishes",
        EXAMPLES,
        _script(
            "forever.py",
            "import asyncio\n\n\nasync def main():\n    await asyncio.Event().wait()\n\n\nasyncio.run(main())\n",
            None,
        ),
        _examples_on(AWAIT),
        AWAIT,
    ),
    Fault(
        "a block reading input()",
        EXAMPLES,
        _script(
            "ask.py",
            'name = input("Your name? ")\nprint("hello", name)\n',
            "Your name? hello Ann\n",
        ),
        _examples_on(AWAIT),
        AWAIT,
    ),
    Fault(
        'a "never awaited" warning the page does not show',
        EXAMPLES,
        _script(
            "forgot.py", "async def main():\n    print('hi')\n\n\nmain()\nprint('done')\n", "done\n"
        ),
        _examples_on(AWAIT),
        AWAIT,
    ),
    Fault(
        "output that depends on the order of a set, shown as fixed",
        EXAMPLES,
        _script(
            "a_set.py",
            'print({"asyncio", "threads", "tasks", "loops", "await"})\n',
            "{'asyncio', 'threads', 'tasks', 'loops', 'await'}\n",
        ),
        _examples_on(AWAIT, every_python=True),
        AWAIT,
    ),
    *[
        Fault(
            f"output true only on this machine: {what}",
            EXAMPLES,
            _script(name, code, lambda code=code: _printed_here(code)),
            _examples_on(AWAIT, every_python=True),
            AWAIT,
            other_world=True,
        )
        for what, name, code in [
            ("the year", "this_year.py", "import datetime\n\nprint(datetime.date.today().year)\n"),
            (
                "the user's name",
                "greeting.py",
                "import os\n\nprint('hello,', os.environ.get('USER', 'nobody'))\n",
            ),
            ("the CPU count", "cores.py", "import os\n\nprint(os.cpu_count(), 'cores')\n"),
        ]
    ],
    Fault(
        "two threads printing, their interleaving shown as fixed",
        EXAMPLES,
        _script(
            "two_threads.py",
            THREADS_PRINTING,
            lambda: _printed_here(THREADS_PRINTING),
        ),
        _examples_on(AWAIT),
        AWAIT,
    ),
    *[
        Fault(
            f"an example that {what}",
            EXAMPLES,
            _script(name, code, output),
            _examples_on(AWAIT),
            AWAIT,
        )
        for what, name, code, output in [
            (
                "imports a package only the tests' virtualenvs have",
                "configured.py",
                "import traitlets\n\nprint(traitlets.__name__)\n",
                "traitlets\n",
            ),
            (
                "prints a progress line with \\r, shown as lines",
                "progress.py",
                "for done in (10, 50, 100):\n    print(f'{done}%', end='\\r')\nprint()\n",
                "10%\n50%\n100%\n",
            ),
            (
                "allocates 1.5 GB",
                "big.py",
                "block = bytearray(1500 * 2**20)\nprint(len(block))\n",
                "1572864000\n",
            ),
            (
                "starts thousands of processes",
                "forks.py",
                (
                    "import os\nimport time\n\nfor _ in range(3000):\n    if os.fork() == 0:\n"
                    "        time.sleep(30)\n        os._exit(0)\nprint('done')\n"
                ),
                "done\n",
            ),
            (
                "uses a deprecated API",
                "deprecated.py",
                "import warnings\n\nwarnings.warn('old API', DeprecationWarning)\nprint('done')\n",
                "done\n",
            ),
        ]
    ],
    Fault(
        "an output block moved under the wrong example",
        EXAMPLES,
        _move_output(AWAIT, SEQUENTIAL, NOT_SWITCHING),
        _examples_on(AWAIT),
        AWAIT,
    ),
    Fault(
        "a Jupyter tab whose code differs from its script tab",
        FENCES,
        lambda c: c.edit(
            AWAIT, '"awaiting/hello_world_sequential.py:cell"', '"start/hello_asyncio.py:cell"'
        ),
        _examples_on(AWAIT),
        AWAIT,
    ),
    Fault(
        "a text block under an example with no output marker",
        FENCES,
        _unmark_output(AWAIT, NOT_SWITCHING),
        _examples_on(AWAIT),
        AWAIT,
    ),
    Fault(
        "a skipped example that the allow-list does not name",
        FENCES,
        lambda c: c.edit(
            AWAIT,
            '```python title="await_does_not_switch.py"',
            '<!--pytest.mark.skip(reason="later")-->\n```python title="await_does_not_switch.py"',
        ),
        _examples_on(AWAIT),
        AWAIT,
    ),
    Fault(
        "a page missing its translation",
        "tests/test_translations.py::test_every_page_has_its_twin",
        lambda c: c.path("docs/ru/threads.md").unlink(),
        translations,
        "docs/en/threads.md",
    ),
    Fault(
        "a translation that shows a different example",
        "tests/test_translations.py::test_twins_include_the_same_snippets_in_the_same_order",
        lambda c: c.edit(
            "docs/ru/await.md", '"awaiting/await_does_not_switch.py"', '"start/hello_asyncio.py"'
        ),
        translations,
        "docs/ru/await.md",
    ),
    Fault(
        "a page missing from one language's nav",
        "tests/test_translations.py::test_navigation_lists_the_same_pages_in_the_same_order",
        lambda c: c.edit("mkdocs.ru.yml", "  - await: await.md\n", ""),
        translations,
        "mkdocs.ru.yml",
    ),
    Fault(
        "a broken internal link",
        "tests/test_build.py::test_every_page_is_built",
        lambda c: c.append(AWAIT, "\nSee [the missing page](nowhere.md).\n"),
        build,
        "await.md",
    ),
    Fault(
        "a lesson page whose exercise is not its last section",
        "tests/test_exercises.py::test_lesson_page_ends_with_exercises_whose_answers_run",
        lambda c: c.append(AWAIT, "\n## Summary\n\nAwait runs a coroutine.\n"),
        exercises,
        "docs/en/await.md:",
    ),
    Fault(
        "an exercise's answer titled with the answer",
        "tests/test_exercises.py::test_lesson_page_ends_with_exercises_whose_answers_run",
        lambda c: c.sub(
            AWAIT, r'^( *\?\?\? success )"[^"]*"', r'\1"Answer: 3 seconds, b before a"'
        ),
        exercises,
        "docs/en/await.md:",
    ),
    Fault(
        "a broken anchor",
        "tests/test_build.py::test_every_page_is_built",
        lambda c: c.append(AWAIT, "\nSee [the tasks](tasks.md#no-such-heading).\n"),
        build,
        "await.md",
    ),
    Fault(
        "a hotlinked image",
        "tests/test_build.py::test_no_page_loads_anything_from_another_host",
        lambda c: c.append(AWAIT, "\n![A chart](https://i.imgur.com/4G88zll.png)\n"),
        loads_from_elsewhere,
        "await/index.html",
    ),
    Fault(
        "a notebook cell that raises",
        "tests/test_notebook.py::test_run_all_succeeds_except_where_tagged",
        lambda c: c.edit(
            "notebooks/lesson.en.md",
            '--8<-- "start/hello_asyncio.py:cell"\nawait main()',
            '--8<-- "start/hello_asyncio.py:cell"\nawait main("extra")',
        ),
        notebook_run,
        "notebooks/lesson.en.md:",
    ),
    Fault(
        "a snippet the notebook includes, changed without `make notebook`",
        "tests/test_notebook.py::test_the_committed_page_is_what_mkdocs_jupyter_renders_now",
        _in_cell("start/hello_asyncio.py", "# a line added"),
        notebook_render,
        "notebooks/rendered/lesson.en.html",
    ),
    Fault(
        "a snippet drawn in a timeline, changed without `make timelines`",
        "tests/test_timelines.py::test_no_trace_is_older_than_its_snippet",
        _in_cell("tasks/create_task_order.py", "# a line added"),
        timelines_outdated,
        "docs/traces/tasks/create_task_order",
    ),
    Fault(
        "an example changed without `make checked` (the page would say it was checked)",
        "tests/test_trust.py::test_the_record_of_checked_examples_is_current",
        lambda c: c.edit("snippets/awaiting/hello_world_sequential.py", "sleep(3)", "sleep(5)"),
        checked_record,
        f"{AWAIT}:",
    ),
    Fault(
        "a large example that takes its page over 100 kB transferred",
        "tests/test_assets.py::test_every_page_transfers_at_most_100_kB_as_it_starts",
        _large_example,
        over_budget,
        f"{AWAIT} (/await/)",
    ),
    Fault(
        "a timeline under another example's output",
        "tests/test_timelines.py::test_a_timeline_is_right_under_the_output_of_its_example",
        lambda c: c.edit(
            AWAIT,
            "    ```timeline\n    awaiting/hello_world_sequential.py:cell\n",
            "    ```timeline\n    tasks/create_task_order.py:cell\n",
        ),
        timelines_placement,
        f"{AWAIT}:",
    ),
    Fault(
        "`continue-on-error: true` on CI's test step",
        GUARDS,
        _weakened(
            ".github/workflows/ci.yml",
            r"^(\s+)run: make test$",
            r"\g<0>\n\1continue-on-error: true",
        ),
        _guard("continue_on_error"),
        ".github/workflows/ci.yml:",
    ),
    Fault(
        "`.ci/run` that passes when `make test` fails",
        GUARDS,
        _weakened(".ci/run", r"^make test$", "make test || true"),
        _guard("ci_run"),
        ".ci/run",
    ),
    Fault(
        "`--ignore=tests/browser` in the Makefile's test target",
        GUARDS,
        _weakened("Makefile", r"(-m pytest [^)\n]*)\)$", r"\1 --ignore=tests/browser)"),
        _guard("test_selection"),
        "Makefile:",
    ),
    Fault(
        "`-k 'not real_time'` in pytest's `addopts`",
        GUARDS,
        _weakened("pyproject.toml", r'^addopts = "', "addopts = \"-k 'not real_time' "),
        _guard("test_selection"),
        "pyproject.toml:",
    ),
    Fault(
        "the `fences` pre-commit hook removed",
        GUARDS,
        _weakened(
            ".pre-commit-config.yaml", r"^      - id: fences\n(.*\n)*?(?=      - id:|\Z)", ""
        ),
        _guard("precommit_hooks"),
        ".pre-commit-config.yaml",
    ),
    Fault(
        "a command in the README that does not exist (`make check`)",
        GUARDS,
        _weakened("README.md", r"\Z", "\nBefore you push, run `make check`.\n"),
        _guard("documented_commands"),
        "README.md:",
    ),
    Fault(
        "a Makefile target removed while the README shows it (`bench`)",
        GUARDS,
        _remove_a_target_the_readme_shows,
        _guard("documented_commands"),
        "README.md:",
    ),
    Fault(
        "`mkdocs-material>=9` unpinned in `requirements.lock`",
        GUARDS,
        _weakened("requirements.lock", r"^mkdocs-material==\S+$", "mkdocs-material>=9"),
        _guard("lock_pins"),
        "requirements.lock:",
    ),
    Fault(
        "every workflow's checkout pinned to a made-up commit, its comment unchanged",
        GUARDS,
        _made_up_checkout_commits,
        _guard("action_pins"),
        ".github/workflows/ci.yml:",
    ),
    Fault(
        "an output block marked `example:not-output` right under its example",
        FENCES,
        _output_marked_not_output(AWAIT, NOT_SWITCHING),
        collection,
        f"{AWAIT}:",
    ),
    Fault(
        "a translation that hides a line of an output behind `...`",
        FENCES,
        _elided_in("docs/ru/await.md", SEQUENTIAL),
        collection,
        "docs/ru/await.md:",
    ),
    Fault(
        "a `# noqa` in a snippet",
        "tests/test_snippets.py::test_no_snippet_switches_the_lint_or_the_formatter_off",
        lambda c: c.sub(f"snippets/{SEQUENTIAL}", r"^(import asyncio)$", r"\1  # noqa: F401"),
        snippet_suppressions,
        f"snippets/{SEQUENTIAL}:",
    ),
    Fault(
        "a `# fmt: off` in a snippet",
        "tests/test_snippets.py::test_no_snippet_switches_the_lint_or_the_formatter_off",
        lambda c: c.sub(f"snippets/{SEQUENTIAL}", r"^(async def main)", r"# fmt: off\n\1"),
        snippet_suppressions,
        f"snippets/{SEQUENTIAL}:",
    ),
    Fault(
        "a heading twice on one page",
        "tests/test_build.py::test_headings_are_unique_on_every_page",
        _heading_again(AWAIT),
        headings,
        f"{AWAIT}:",
    ),
    Fault(
        "a wrong `theme.language` in the Russian config",
        "tests/test_translations.py::test_each_config_is_set_to_its_own_language",
        lambda c: c.sub("mkdocs.ru.yml", r"^(\s+language:) ru$", r"\1 en"),
        translations,
        "mkdocs.ru.yml",
    ),
    Fault(
        "a snippet the notebook includes, changed, its output there left as it was",
        "tests/test_notebook.py::test_every_cell_prints_what_the_notebook_shows",
        # another sleep: the pages' and the notebook's outputs are now stale
        lambda c: c.sub(
            f"snippets/{SEQUENTIAL}", r"asyncio\.sleep\((\d+)\)", r"asyncio.sleep(\1 + 1)"
        ),
        notebook_outputs,
        "notebooks/lesson.en.md:",
    ),
    Fault(
        "a `...` hiding a line that every run prints alike",
        "tests/test_examples.py::test_every_elision_stands_for_what_varies",
        _elided_everywhere(SEQUENTIAL),
        elided,
        f"{AWAIT}:",
    ),
]


@dataclass
class Caught:
    fault: Fault
    messages: list[str]

    @property
    def first(self) -> str:
        return self.messages[0].split("\n")[0] if self.messages else ""

    @property
    def ok(self) -> bool:
        return bool(self.messages) and self.fault.names in self.first


def plant_and_check(fault: Fault) -> Caught:
    with tempfile.TemporaryDirectory(prefix="fault-") as tmp:
        copy = Copy(Path(tmp))
        fault.plant(copy)
        return Caught(fault, fault.check(copy))


def table(results: list[Caught], markdown: bool = False) -> str:
    def short(text: str, width: int = 150) -> str:
        text = re.sub(r"\s+", " ", text)
        return text if len(text) <= width else text[: width - 1] + "…"

    rows = [
        (r.fault.name, r.fault.caught_by.split("::")[-1], short(r.first) or "NOT CAUGHT")
        for r in results
    ]
    if markdown:
        lines = ["| fault | caught by | first line of the message |", "|---|---|---|"]
        escaped = [(a, b, c.replace("|", "\\|")) for a, b, c in rows]
        lines += [f"| {a} | `{b}` | {c} |" for a, b, c in escaped]
        return "\n".join(lines)
    return "\n".join(f"{a}\n    caught by {b}\n    {c}" for a, b, c in rows)


START, END = "<!-- faults:start -->", "<!-- faults:end -->"


def write_table(path: Path, markdown_table: str) -> None:
    text = path.read_text(encoding="utf-8")
    before, rest = text.split(START, 1)
    _, after = rest.split(END, 1)
    path.write_text(f"{before}{START}\n{markdown_table}\n{END}{after}", encoding="utf-8")


def shown_table(path: Path) -> list[tuple[str, str]]:
    """(fault, caught by) of each row of the table in a file."""
    text = path.read_text(encoding="utf-8")
    inside = text.split(START, 1)[1].split(END, 1)[0]
    rows = [line.split(" | ") for line in inside.splitlines() if line.startswith("| ")][1:]
    return [(row[0].removeprefix("| "), row[1].strip("`")) for row in rows]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    parser.add_argument(
        "--write", nargs="+", type=Path, metavar="FILE", help="refresh the table in FILE"
    )
    args = parser.parse_args(argv)
    from concurrent.futures import ProcessPoolExecutor

    # Processes, not threads: some checks set the harness's module globals (its
    # root, its configs) to their copy, which threads would share.
    with ProcessPoolExecutor(2) as pool:
        said = list(pool.map(_messages_of, range(len(FAULTS))))
    results = [Caught(fault, messages) for fault, messages in zip(FAULTS, said, strict=True)]
    print(table(results, args.markdown or bool(args.write)))
    for path in args.write or []:
        write_table(path, table(results, markdown=True))
    missed = [r for r in results if not r.ok]
    for r in missed:
        print(f"NOT CAUGHT as it must be: {r.fault.name}: {r.messages[:1]}", file=sys.stderr)
    return 1 if missed else 0


def _messages_of(index: int) -> list[str]:
    """What catches the ``index``-th fault said (a process pool's task)."""
    return plant_and_check(FAULTS[index]).messages


if __name__ == "__main__":
    sys.exit(main())
