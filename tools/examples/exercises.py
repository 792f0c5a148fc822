"""The exercises that close every lesson page, and what is wrong with them.

The lesson pages are the nav entries from :data:`FIRST` to :data:`LAST` of
each language's config. Each one's last ``##`` section is its exercises
(anchor ``#exercises`` or ``#exercise``). There, every ``!!! question "…"``
is followed by its answer: a collapsed ``??? success "…"`` block whose title
gives nothing away (:data:`ANSWER_TITLES`) and which holds an output block
the harness compares with a real run, either the output a "predict the
output" question asks for (the program is in the question, its output right
under it, in the answer) or the changed program's. Each language has at
least :data:`MINIMUM` exercises. tests/test_exercises.py holds the site to
this; every message names the page (file:line) and says what to add.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from mkdocs.config import load_config

from tools.examples import blocks
from tools.examples.pages import ROOT, Site, collect_page, load_site, site_configs

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
    if missing:
        raise ValueError(
            f"{config.name}: the nav has no {missing}; the lesson runs from FIRST to LAST "
            "in tools/examples/exercises.py: update them"
        )
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


def problems(root: Path = ROOT) -> list[str]:
    """Everything wrong with the exercises of every language's lesson pages."""
    found = []
    for config in site_configs(root):
        site = load_site(config)
        count = 0
        try:
            names = lesson_pages(config)
        except ValueError as error:
            found.append(str(error))
            continue
        for name in names:
            exercises, wrong = exercises_of(site, site.docs_dir / name, root)
            found += wrong
            count += len(exercises)
        if count < MINIMUM:
            found.append(
                f"{config.name}: {count} exercises with a checked answer on the lesson pages; "
                f"add {MINIMUM - count} more, at the end of a page"
            )
    return found
