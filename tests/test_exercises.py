"""Every lesson page ends with exercises, and every answer has been run
(the rules: tools/examples/exercises.py); the checker itself fails, naming
the page, on planted pages that break each rule."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tests.page_selection import page_mark
from tests.test_harness import make_site
from tools.examples import blocks
from tools.examples.exercises import MINIMUM, exercises_of, lesson_pages
from tools.examples.pages import load_site
from tools.site import configs

# What these tests are about, for make test PAGE= (tests/page_selection.py).
pytestmark = pytest.mark.about("nothing")

LESSONS = [
    pytest.param(
        lang, config, name, id=f"docs/{lang}/{name}", marks=page_mark(f"docs/{lang}/{name}", True)
    )
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
@pytest.mark.about("site", cheap=True)
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
    root = make_site(tmp_path, page, {"x.py": SNIPPET})
    site = load_site(root / "mkdocs.yml")
    exercises, problems = exercises_of(site, root / "docs" / "en" / "page.md", root)
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
