"""``make test PAGE=docs/<lang>/X.md`` (tests/page_selection.py) is complete
for its page: it runs every kind of check a full run makes that an edit of
the page can fail (its twin, the nav, the stamps, the traces, the build, the
links, its examples, browser checks and validators, its exercises, the
notebook where it shares snippets), in both languages whichever is given,
and nothing a page edit cannot fail; every test says what it is about.

Planted in a throw-away copy of the project, a missing Russian section, a
stale trace and a broken link each stop ``make test PAGE=`` for the English
page in its cheap checks, each told once, before any example or browser runs.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys

import pytest

from tests import page_selection as selection
from tools.faults import Copy
from tools.site import ROOT

pytestmark = pytest.mark.about("nothing")

EN, RU = "docs/en/coroutines.md", "docs/ru/coroutines.md"
EVERY_KIND = "docs/en/tasks.md"  # a lesson page with timelines, timed examples, notebook snippets


@pytest.fixture(scope="module")
def suite(tmp_path_factory) -> list[dict]:
    """Every test of the suite and what it says it is about (a collection in
    a process of its own: tests/conftest.py writes it)."""
    dump = tmp_path_factory.mktemp("selection") / "dump.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAGE")}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"],
        cwd=ROOT,
        env={**env, selection.DUMP: str(dump)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return json.loads(dump.read_text(encoding="utf-8"))


def selected(suite: list[dict], page: str, phase: str | None = None) -> set[str]:
    about = selection.subject(page)
    kept = set()
    for test in suite:
        mark = selection.mark_of(test["args"], test["kwargs"])
        if not selection.concerns(mark, about):
            continue
        if phase is None or selection.cheap(mark) == (phase == "cheap"):
            kept.add(test["nodeid"])
    return kept


def test_every_test_says_what_it_is_about(suite):
    assert len(suite) > 500, f"only {len(suite)} tests collected"
    silent = [f"{t['nodeid']}: {t['wrong']}" for t in suite if t["wrong"]]
    assert not silent, (
        "tests that do not say what they are about, for make test PAGE= (see "
        "tests/page_selection.py):\n" + "\n".join(silent[:20])
    )


def test_either_language_selects_the_twin_pair(suite):
    english, russian = selected(suite, EN), selected(suite, RU)
    assert english == russian
    assert any("docs/ru/coroutines.md" in n for n in english)
    assert any("[en/coroutines]" in n for n in english) and any(
        "[ru/coroutines]" in n for n in english
    )


# Every kind of check that an edit of the tasks page can fail: (what, a
# node id pattern that must be selected, in which session).
KINDS = [
    ("the twin", r"test_translations\.py::test_every_page_has_its_twin", "cheap"),
    (
        "the order of the includes",
        r"test_twins_include_the_same_snippets_in_the_same_order",
        "cheap",
    ),
    ("the nav", r"test_navigation_lists_the_same_pages_in_the_same_order", "cheap"),
    ("the translation stamp", r"test_every_translation_records_its_english_version", "cheap"),
    (
        "the traces, by hash",
        r"test_timelines\.py::test_no_trace_is_older_than_its_snippet$",
        "cheap",
    ),
    ("the timelines' placement", r"test_each_language_shows_the_same_timelines", "cheap"),
    (
        "its exercises",
        r"test_lesson_page_ends_with_exercises_whose_answers_run\[docs/ru/tasks\.md\]",
        "cheap",
    ),
    ("every fence known", r"test_every_fence_is_known_and_every_output_compared", "cheap"),
    ("the build", r"test_build\.py::test_every_page_is_built\[ru\]", "cheap"),
    ("links to and from it", r"browser/test_links\.py::test_no_broken_internal_links", "cheap"),
    ("its edit links", r"test_edit_links\.py::test_every_page_links_to_its_source", "cheap"),
    (
        "its examples, every Python",
        r"test_example_prints_what_the_page_shows\[docs/en/tasks\.md:\d+\[script\]-3\.11\]",
        "slow",
    ),
    (
        "its twin's examples",
        r"test_example_prints_what_the_page_shows\[docs/ru/tasks\.md:",
        "slow",
    ),
    (
        "real time",
        r"test_timed_example_keeps_its_times_in_real_time\[docs/en/tasks\.md:",
        "slow",
    ),
    (
        "its browser checks",
        r"test_pages\.py::test_page_loads_without_errors\[ru/tasks\]",
        "slow",
    ),
    (
        "axe-core",
        r"test_accessibility\.py::test_no_accessibility_violations\[en/tasks\]",
        "slow",
    ),
    (
        "its copy buttons",
        r"test_copy\.py::test_copy_buttons_copy_runnable_code\[en/tasks\]",
        "slow",
    ),
    ("the Nu Html Checker", r"test_html\.py::test_every_page_is_valid_html", "slow"),
    ("its search", r"test_search_finds_every_page_by_its_title\[ru/search/titles\]", "slow"),
    (
        "the notebook (a snippet of the page is in it)",
        r"test_notebook\.py::test_run_all_succeeds_except_where_tagged\[en-",
        "slow",
    ),
    (
        "the notebook page is current",
        r"test_the_committed_page_is_what_mkdocs_jupyter_renders_now",
        "slow",
    ),
]


@pytest.mark.parametrize(("what", "pattern", "phase"), KINDS, ids=[k[0] for k in KINDS])
def test_the_selection_holds_every_kind_of_check(suite, what, pattern, phase):
    found = [n for n in selected(suite, EVERY_KIND, phase) if re.search(pattern, n)]
    assert found, f"make test PAGE={EVERY_KIND} runs no {what} among its {phase} checks"


@pytest.mark.parametrize(
    "pattern",
    [
        r"^tests/test_harness\.py",
        r"^tests/test_workflows\.py",
        r"^tests/test_apt\.py",
        r"^tests/test_precommit\.py",
        r"^tests/test_page_selection\.py",
        r"test_the_committed_trace_is_what_tracing_the_snippet_gives",
        r"\[docs/en/tasks\.md:",
        r"\[en/tasks\]",
        r"\[en/404\]",
        r"test_the_harness_adds_no_warning_of_its_own",
    ],
)
def test_what_no_edit_of_the_page_can_fail_is_left_out(suite, pattern):
    found = sorted(n for n in selected(suite, EN) if re.search(pattern, n))
    assert not found, f"make test PAGE={EN} runs {found[:5]}"


def test_the_notebook_is_left_out_where_the_page_shares_no_snippet_with_it(suite):
    page = "docs/en/mistakes.md"
    assert not selection.subject(page).snippets & selection.notebook_snippets()
    notebook = re.compile(r"test_run_all_succeeds|test_the_committed_page_is|test_notebook_page")
    found = sorted(n for n in selected(suite, page) if notebook.search(n))
    assert not found, found
    assert any(notebook.search(n) for n in selected(suite, EN))


# --- only the page's examples run ------------------------------------------------------


def test_only_the_page_s_example_runs_are_started_ahead():
    """tests/test_examples.py submits every example of the site at once; for
    a page, only the runs of its kept tests start (any other when asked)."""
    from types import SimpleNamespace

    from tests.test_examples import CASES, TIMED
    from tools.examples import pythons
    from tools.examples.batch import key

    started = []

    class Recorder:
        def submit(self, example, run, interpreter, clock="virtual"):
            started.append(key(example, run, interpreter, clock))

        def outcome(self, example, run, interpreter, clock="virtual"):
            return "asked"

    def kept(cases, page):
        for case in cases:
            params = dict(zip(("example", "run", "interpreter"), case.values, strict=False))
            if str(params["example"].page) == page:
                yield SimpleNamespace(callspec=SimpleNamespace(params=params))

    page = "docs/en/tasks.md"
    wanted = selection.runs_of([*kept(CASES, page), *kept(TIMED, page)])
    runs = selection.OnlyThese(Recorder(), wanted)
    for case in CASES:
        runs.submit(*case.values, "virtual")
    for case in TIMED:
        runs.submit(*case.values, pythons.default(), "real")
    assert set(started) == wanted and any(k[-1] == "real" for k in started)
    assert len(wanted) < len({key(*c.values, "virtual") for c in CASES}) / 4
    assert runs.outcome(*CASES[0].values) == "asked"


# --- each problem once --------------------------------------------------------------


def test_a_problem_found_by_several_checks_is_told_once():
    findings = selection.Findings()
    try:
        problems = ["docs/ru/x.md:3: a problem", "docs/ru/x.md:9: another"]
        assert not problems, "\n".join(problems)
    except AssertionError as error:  # as pytest rewrites it, with its explanation
        findings.add(selection.problems_of(error, "tests/a.py::test_a"), "tests/a.py::test_a")
    findings.add(["docs/ru/x.md:3: a problem"], "tests/b.py::test_b")
    assert findings.lines() == [
        "docs/ru/x.md:3: a problem",
        "    (found by tests/a.py::test_a and 1 more)",
        "docs/ru/x.md:9: another",
        "    (found by tests/a.py::test_a)",
    ]


def test_a_failure_alike_on_every_python_is_one():
    shown = "docs/en/x.md:3 (snippets/x.py; python x.py, Python {}): the printed output differs"
    assert selection.same_failure(shown.format("3.11.7")) == selection.same_failure(
        shown.format("3.13.0")
    )
    assert selection.same_failure(shown.format("3.11.7")) != selection.same_failure(
        shown.format("3.11.7").replace("x.md:3", "x.md:4")
    )


def test_a_failed_build_names_the_page_and_line_of_a_broken_link(tmp_path):
    (tmp_path / "docs" / "en").mkdir(parents=True)
    (tmp_path / "docs" / "en" / "x.md").write_text("# X\n\nSee [it](nowhere.md).\n")
    log = (
        "mkdocs.yml: mkdocs build failed:\n"
        "WARNING -  Doc file 'x.md' contains a link 'nowhere.md', but the target is not found "
        "among documentation files.\nAborted with 1 warnings in strict mode!"
    )
    wanted = (
        "docs/en/x.md:3: Doc file 'x.md' contains a link 'nowhere.md', but the target is not "
        "found among documentation files. Fix the link."
    )
    assert selection.build_problems(log, tmp_path) == [wanted]


# --- planted in a copy: make test PAGE= stops in its cheap checks ------------------------


def _page_run(copy: Copy, page: str) -> subprocess.CompletedProcess:
    """``make test PAGE=page`` on the copy (what the Makefile runs)."""
    ignore = shutil.ignore_patterns("__pycache__")
    for name in ["tests", ".github", ".ci"]:
        shutil.copytree(ROOT / name, copy.root / name, ignore=ignore)
    for name in [
        ".pre-commit-config.yaml",
        "Makefile",
        "README.md",
        "CONTRIBUTING.md",
        "ARCHITECTURE.md",
    ]:
        shutil.copy(ROOT / name, copy.root / name)
    shutil.copy(ROOT / "CONTRIBUTING.ru.md", copy.root / "CONTRIBUTING.ru.md")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAGE")}
    return subprocess.run(
        [sys.executable, "-m", "tests.page_selection", page, "--cheap-only"],
        cwd=copy.root,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def _stopped_once(done: subprocess.CompletedProcess, *shown: str) -> str:
    out = done.stdout + done.stderr
    assert done.returncode != 0, out[-4000:]
    assert "Nothing slow was run" in out and "its examples, browser checks" not in out, out[-4000:]
    for text in shown:
        assert out.count(text) == 1, f"{text!r} shown {out.count(text)} times:\n{out[-4000:]}"
    return out


def test_a_missing_russian_section_stops_the_english_page(tmp_path):
    copy = Copy(tmp_path)
    ru = copy.path(RU)
    text = ru.read_text(encoding="utf-8")
    start = text.index("## Правило 2")
    end = text.index("## Предупреждение «never awaited»")
    assert '--8<-- "coroutines/coroutine_is_inert.py"' in text[start:end]
    ru.write_text(text[:start] + text[end:], encoding="utf-8")
    english = copy.path(EN).read_text(encoding="utf-8").splitlines()
    line = next(n for n, t in enumerate(english, 1) if "coroutines/coroutine_is_inert.py" in t)
    out = _stopped_once(
        _page_run(copy, EN),
        f'{EN}:{line} includes "coroutines/coroutine_is_inert.py" where {RU}:',
    )
    assert "show the same examples in the same order in both" in out


def test_a_stale_trace_stops_the_english_page(tmp_path):
    copy = Copy(tmp_path)
    copy.edit("snippets/tasks/create_task_order.py", "sleep(3)", "sleep(5)")
    out = _stopped_once(
        _page_run(copy, "docs/en/tasks.md"),
        "docs/traces/tasks/create_task_order.json: older than snippets/tasks/create_task_order.py, "
        "drawn at docs/en/tasks.md:",
    )
    assert "run `make timelines`" in out


def test_a_broken_link_stops_the_english_page(tmp_path):
    copy = Copy(tmp_path)
    copy.append(EN, "\nSee [the missing page](nowhere.md).\n")
    lines = copy.path(EN).read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, 1) if "(nowhere.md)" in text)
    _stopped_once(
        _page_run(copy, EN),
        f"{EN}:{line}: Doc file 'coroutines.md' contains a link 'nowhere.md'",
    )
