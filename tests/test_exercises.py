"""Every lesson page ends with exercises, and every answer has been run.

The lesson pages are the nav entries from ``threads.md`` to ``many-tasks.md``
of each language's config (:data:`FIRST`, :data:`LAST`). Each one's last
``##`` section is its exercises (anchor ``#exercises`` or ``#exercise``). There,
every ``!!! question "…"`` is followed by its answer, a collapsed
``??? success "…"`` block with a title that gives nothing away
(:data:`ANSWER_TITLES`), holding an output block that the harness compares
with a real run (tools/examples): the output a "predict the output" question
asks for, or the changed program's. Each language has at least
:data:`MINIMUM` exercises.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
from mkdocs.config import load_config

from tools.examples import blocks
from tools.examples.pages import Site, collect_page, load_site
from tools.site import ROOT, configs

FIRST, LAST = "threads.md", "many-tasks.md"  # the lesson, in nav order
MINIMUM = 10  # exercises per language
SECTION_IDS = ("exercises", "exercise")
# An answer's title says only that it is the answer: "Answer: `await` the task" would not.
ANSWER_TITLES = {
    "en": ("Answer", "Check your prediction"),
    "ru": ("Ответ", "Проверьте себя"),
}
SECTION_TITLES = {"en": "## Exercises", "ru": "## Упражнения { #exercises }"}
HEADING = re.compile(r"^## +(?P<title>.*?)(?: +\{ *#(?P<id>[\w-]+)[^}]*\})? *$")


@dataclass
class Exercise:
    page: str
    question: int  # line of its `!!! question`
    answer: int  # line of its `??? success`
    title: str  # the question's


def lesson_pages(config: Path) -> list[str]:
    """The nav's pages from FIRST to LAST, in order."""

    def walk(items):
        for item in items:
            value = next(iter(item.values())) if isinstance(item, dict) else item
            yield from walk(value) if isinstance(value, list) else [value]

    nav = list(walk(load_config(str(config))["nav"]))
    missing = [name for name in (FIRST, LAST) if name not in nav]
    assert not missing, f"{config.name}: the nav has no {missing}; update FIRST/LAST in {__file__}"
    return nav[nav.index(FIRST) : nav.index(LAST) + 1]


def _anchor(heading: re.Match) -> str:
    return heading.group("id") or re.sub(r"[^\w]+", "-", heading.group("title").lower()).strip("-")


def exercises_of(site: Site, page: Path, root: Path = ROOT) -> tuple[list[Exercise], list[str]]:
    """The exercises closing ``page``, and what is wrong with them (each
    message names page:line and says what to do)."""
    where = page.relative_to(root).as_posix()
    text = page.read_text(encoding="utf-8")
    read = blocks.read(text)
    in_fence = {n for f in read.fences for n in range(f.line, f.end + 1)}
    lines = [(n, line) for n, line in enumerate(text.split("\n"), 1) if n not in in_fence]
    answer_titles = ANSWER_TITLES.get(site.lang, ANSWER_TITLES["en"])
    add = (
        f'end the page with a section "{SECTION_TITLES.get(site.lang, SECTION_TITLES["en"])}" '
        'holding at least one exercise: a `!!! question "…"` block, then its answer, a '
        f'collapsed `??? success "{answer_titles[0]}"` block with the answer\'s example or '
        "output, marked <!--pytest-codeblocks:expected-output--> so that the harness checks it"
    )
    headings = [(n, m) for n, line in lines if (m := HEADING.match(line))]
    if not headings:
        return [], [f"{where}: the page does not end with exercises (no ## section); {add}"]
    start, last = headings[-1]
    if _anchor(last) not in SECTION_IDS:
        title = last.group("title")
        return [], [
            f'{where}:{start}: the page does not end with exercises: its last section is "{title}"; {add}'
        ]
    found = [
        (n, m)
        for n, line in lines
        if n > start and (m := blocks.ADMONITION.match(line)) and not m.group("indent")
    ]
    examples, _ = collect_page(site, page, root)
    checked = {
        output.line
        for example in examples
        if not example.skip_reason
        for run in example.runs
        for output in run.outputs
    }
    exercises, problems = [], []
    for i, (n, question) in enumerate(found):
        if (question.group("kind"), question.group("type")) != ("!!!", "question"):
            continue
        title = question.group("title") or ""
        answer = found[i + 1] if i + 1 < len(found) else None
        if answer is None or (answer[1].group("kind"), answer[1].group("type")) != (
            "???",
            "success",
        ):
            problems.append(
                f'{where}:{n}: the question "{title}" has no answer right after it: add a '
                f'collapsed `??? success "{answer_titles[0]}"` block (`???`, not `???+` or `!!!`: '
                "the reader opens it after trying)"
            )
            continue
        line, answer = answer
        if answer.group("title") not in answer_titles:
            problems.append(
                f'{where}:{line}: the answer is titled "{answer.group("title")}"; a title must not '
                f"give the answer away: use one of {', '.join(map(repr, answer_titles))}"
            )
        outputs = [
            f.line
            for f in read.fences
            if any(a.line == line for a in f.admonitions) and f.line in checked
        ]
        if not outputs:
            problems.append(
                f'{where}:{line}: the answer to "{title}" holds no output the harness checks: put '
                "in it the changed program and its output, or the output of the program the "
                "question shows (right under the question), each output block marked "
                "<!--pytest-codeblocks:expected-output-->"
            )
            continue
        exercises.append(Exercise(where, n, line, title))
    if not exercises and not problems:
        problems.append(f"{where}:{start}: the exercises section holds no exercise; {add}")
    return exercises, problems


LESSONS = [
    pytest.param(lang, config, name, id=f"docs/{lang}/{name}")
    for lang, config in configs()
    for name in lesson_pages(config)
]


@pytest.mark.parametrize(("lang", "config", "name"), LESSONS)
def test_lesson_page_ends_with_exercises_whose_answers_run(lang, config, name):
    site = load_site(config)
    exercises, problems = exercises_of(site, site.docs_dir / name)
    assert not problems, "\n".join(problems)
    assert exercises


@pytest.mark.parametrize(("lang", "config"), configs(), ids=[lang for lang, _ in configs()])
def test_every_language_has_enough_exercises(lang, config):
    site = load_site(config)
    counts = {
        name: len(exercises_of(site, site.docs_dir / name)[0]) for name in lesson_pages(config)
    }
    assert sum(counts.values()) >= MINIMUM, (
        f"{config.name}: {sum(counts.values())} exercises with a checked answer on the lesson "
        f"pages ({counts}); add {MINIMUM - sum(counts.values())} more, at the end of a page"
    )


# --- the reader and the checker, on planted pages ------------------------------------------


def test_a_fence_records_the_admonitions_around_it():
    page = blocks.read(
        textwrap.dedent(
            """\
            !!! question "Predict the output"

                ```python
                --8<-- "x.py"
                ```

            ??? success "Answer"

                === "Script / PyCharm"

                    ```text
                    hello
                    ```

            ???+ note

                ```text
                open
                ```

            ```text
            outside
            ```
            """
        )
    )
    question, answer, note, outside = page.fences
    assert question.admonitions == (blocks.Admonition("!!!", "question", "Predict the output", 1),)
    assert answer.admonitions == (blocks.Admonition("???", "success", "Answer", 7),)
    assert [t.label for t in answer.tabs] == ["Script / PyCharm"]
    assert note.admonitions == (blocks.Admonition("???+", "note", None, 15),)
    assert outside.admonitions == () and outside.tabs == ()


PLANTED_CONFIG = """\
site_name: planted
docs_dir: docs/en
theme:
  name: material
  language: en
markdown_extensions:
  - admonition
  - pymdownx.details
  - pymdownx.superfences
  - pymdownx.tabbed:
      alternate_style: true
  - pymdownx.snippets:
      base_path: [snippets]
      check_paths: true
"""

SNIPPET = 'import asyncio\n\n\nasync def main():\n    print("hi")\n\n\nasyncio.run(main())\n'

PREDICT = """\
!!! question "Predict the output"

    ```python title="x.py"
    --8<-- "x.py"
    ```

??? success "Check your prediction"

    <!--pytest-codeblocks:expected-output-->
    ```text
    hi
    ```
"""

CHANGE = """\
!!! question "Change the code"

    Make it print `hi`.

??? success "Answer"

    ```python title="x.py"
    --8<-- "x.py"
    ```

    <!--pytest-codeblocks:expected-output-->
    ```text
    hi
    ```
"""


def planted(tmp_path: Path, page: str) -> list[str]:
    (tmp_path / "mkdocs.yml").write_text(PLANTED_CONFIG)
    (tmp_path / "docs" / "en").mkdir(parents=True)
    (tmp_path / "docs" / "en" / "page.md").write_text(page)
    (tmp_path / "snippets").mkdir()
    (tmp_path / "snippets" / "x.py").write_text(SNIPPET)
    site = load_site(tmp_path / "mkdocs.yml")
    exercises, problems = exercises_of(site, tmp_path / "docs" / "en" / "page.md", tmp_path)
    return problems or [f"{len(exercises)} exercises"]


@pytest.mark.parametrize("exercise", [PREDICT, CHANGE], ids=["predict", "change"])
def test_a_page_ending_with_an_exercise_passes(tmp_path, exercise):
    assert planted(tmp_path, f"# P\n\nText.\n\n## Exercises\n\n{exercise}") == ["1 exercises"]


@pytest.mark.parametrize(
    ("page", "message"),
    [
        ("# P\n\nText.\n", "does not end with exercises (no ## section)"),
        (
            f"# P\n\n## Exercises\n\n{PREDICT}\n## What to read next\n\nLinks.\n",
            'its last section is "What to read next"',
        ),
        ("# P\n\n## Exercises\n\nSoon.\n", "the exercises section holds no exercise"),
        (
            "# P\n\n## Exercises\n\n" + PREDICT.split("??? success")[0],
            'the question "Predict the output" has no answer right after it',
        ),
        (
            "# P\n\n## Exercises\n\n" + CHANGE.replace("??? success", "!!! success"),
            "has no answer right after it",
        ),
        (
            "# P\n\n## Exercises\n\n" + CHANGE.replace('"Answer"', '"Answer: print hi"'),
            'titled "Answer: print hi"; a title must not give the answer away',
        ),
        (
            "# P\n\n## Exercises\n\n"
            + PREDICT.replace(
                "<!--pytest-codeblocks:expected-output-->", "<!--example:not-output-->"
            ),
            "holds no output the harness checks",
        ),
        (
            "# P\n\n## Exercises\n\n" + CHANGE.split("    ```python")[0] + "    Just say hi.\n",
            "holds no output the harness checks",
        ),
    ],
    ids=[
        "no-section",
        "section-not-last",
        "empty-section",
        "no-answer",
        "answer-not-collapsed",
        "telling-title",
        "output-not-checked",
        "answer-in-words-only",
    ],
)
def test_a_page_without_a_checked_closing_exercise_fails(tmp_path, page, message):
    found = planted(tmp_path, page)
    assert any(message in problem and "docs/en/page.md" in problem for problem in found), found
