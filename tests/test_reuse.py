"""A warm ``make test`` reuses what did not change, and only that: an
example's outcome is kept under everything that can change it
(tools/examples/stored.py), a kept outcome is never the reason a test fails
or passes a page it was not compared with, and ``CI=true`` or ``FRESH=1``
run everything from scratch.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests import kept, reuse
from tests import page_selection as selection
from tools.examples import batch, pythons, stored
from tools.examples.pages import Example, Run
from tools.examples.run import Outcome

# What these tests are about, for make test PAGE= (tests/page_selection.py).
pytestmark = pytest.mark.about("nothing")

INTERPRETER = pythons.default()


def _example(code: str = 'print("hello")\n', command=("hello.py",)) -> tuple[Example, Run]:
    run_ = Run(tuple(command), 1)
    example = Example(
        Path("docs/en/x.md"), "en", 1, 'python title="hello.py"', code, [], "script", runs=[run_]
    )
    return example, run_


def _outcome(text: str) -> Outcome:
    return Outcome(0, text, [(0.0, "stdout", text.rstrip("\n"))], 0.0, "python hello.py", "3", "")


@pytest.fixture
def runs(monkeypatch, tmp_path):
    """The store in a temporary folder; ``runs.made`` counts real runs, whose
    output is ``runs.prints``."""
    monkeypatch.setattr(stored, "STORE", tmp_path / "outcomes")
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("FRESH", raising=False)

    class Runs:
        made = 0
        prints = "hello\n"

    def fake_run(example, run_, interpreter, clock):
        Runs.made += 1
        return _outcome(Runs.prints)

    monkeypatch.setattr(batch, "run", fake_run)
    return Runs


def test_an_unchanged_example_is_not_run_again(runs):
    example, run_ = _example()
    first = batch.Batch()
    assert first.outcome(example, run_, INTERPRETER).output == "hello\n"
    assert runs.made == 1 and not first.reused(example, run_, INTERPRETER, "virtual")
    second = batch.Batch()
    assert second.outcome(example, run_, INTERPRETER).output == "hello\n"
    assert runs.made == 1 and second.reused(example, run_, INTERPRETER, "virtual")


@pytest.mark.parametrize(
    "change",
    ["code", "command", "interpreter version", "clock", "harness source", "lock file"],
)
def test_each_input_of_a_run_changes_what_it_is_kept_under(change, monkeypatch):
    example, run_ = _example()
    before = stored.name(batch.key(example, run_, INTERPRETER, "virtual"))
    interpreter, clock = INTERPRETER, "virtual"
    if change == "code":
        example = dataclasses.replace(example, code='print("hello!")\n')
    elif change == "command":
        example, run_ = _example(command=("-X", "dev", "hello.py"))
    elif change == "interpreter version":
        interpreter = dataclasses.replace(INTERPRETER, version=(3, 99, 0))
    elif change == "clock":
        clock = "real"
    else:  # what inputs() reads: the harness's sources, requirements.lock
        real = stored.inputs()
        stored.inputs.cache_clear()
        source = "sitedir/example_clock.py" if change == "harness source" else None
        original = Path.read_bytes

        def read_bytes(path):
            data = original(path)
            changed = (
                path.name == "requirements.lock" if source is None else str(path).endswith(source)
            )
            return data + b"#" if changed else data

        monkeypatch.setattr(Path, "read_bytes", read_bytes)
        assert stored.inputs() != real
    after = stored.name(batch.key(example, run_, interpreter, clock))
    stored.inputs.cache_clear()
    assert after != before


def test_a_kept_outcome_run_again_replaces_what_is_kept(runs):
    """What tests/test_examples.py does when a kept outcome does not match its
    page: it runs the example again before it reports anything."""
    example, run_ = _example()
    batch.Batch().outcome(example, run_, INTERPRETER)
    runs.prints = "hello, changed\n"
    again = batch.Batch()
    assert again.outcome(example, run_, INTERPRETER).output == "hello\n"  # kept
    assert again.rerun(example, run_, INTERPRETER, "virtual").output == "hello, changed\n"
    assert not again.reused(example, run_, INTERPRETER, "virtual")
    assert batch.Batch().outcome(example, run_, INTERPRETER).output == "hello, changed\n"
    assert runs.made == 2


@pytest.mark.parametrize("setting", [("CI", "true"), ("FRESH", "1")])
def test_ci_and_fresh_run_everything(runs, monkeypatch, setting):
    example, run_ = _example()
    batch.Batch().outcome(example, run_, INTERPRETER)
    monkeypatch.setenv(*setting)
    fresh = batch.Batch()
    fresh.outcome(example, run_, INTERPRETER)
    assert runs.made == 2 and not fresh.reused(example, run_, INTERPRETER, "virtual")


def test_a_kept_failure_is_run_again_before_it_is_reported(runs, monkeypatch):
    """The test of an example whose kept outcome fails its page runs it again:
    the page is judged by a fresh run (here the example was fixed meanwhile
    in a way the key cannot see, as a flaky real-time run would be)."""
    import tests.test_examples as examples_tests

    example, run_ = _example()
    runs.prints = "wrong\n"
    batch.Batch().outcome(example, run_, INTERPRETER)
    runs.prints = "hello\n"
    started = batch.Batch()
    checked = []

    def check(example, run_, outcome, minor=None):
        checked.append(outcome.output)
        return [] if outcome.output == "hello\n" else ["wrong output"]

    monkeypatch.setattr(examples_tests, "check", check)
    examples_tests.test_example_prints_what_the_page_shows(example, run_, INTERPRETER, started)
    assert checked == ["wrong\n", "hello\n"]


# --- browser visits (tests/browser/stored_visits.py) ---------------------------------


def _site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    for folder, text in [
        ("", "home"),
        ("tasks/", "tasks"),
        ("coroutines/", "coroutines"),
        ("ru/", "дом"),
        ("ru/tasks/", "задачи"),
        ("ru/coroutines/", "корутины"),
    ]:
        (site / folder).mkdir(parents=True, exist_ok=True)
        (site / folder / "index.html").write_text(text, encoding="utf-8")
    (site / "assets").mkdir()
    (site / "assets" / "main.css").write_text("body {}", encoding="utf-8")
    (site / "sitemap.xml").write_text(SITEMAP.format(day="2026-12-07"), encoding="utf-8")
    return site


SITEMAP = "<urlset><url><loc>https://example.org/tasks/</loc><lastmod>{day}</lastmod></url>\n"


def _keys(site: Path, version: str = "156.0") -> dict[str, str]:
    from tests.browser import stored_visits
    from tests.browser.visits import Target

    stored_visits._shared.cache_clear()
    return {
        page: stored_visits.key(Target(lang, path), site, version)
        for page, (lang, path) in {
            "en/tasks": ("en", "tasks/"),
            "en/coroutines": ("en", "coroutines/"),
        }.items()
    }


@pytest.mark.parametrize(
    ("change", "affects"),
    [
        ("tasks/index.html", {"en/tasks"}),
        ("ru/tasks/index.html", {"en/tasks"}),  # the language switcher goes there
        ("tasks/chart.svg", {"en/tasks"}),  # a file the page shows
        ("assets/main.css", {"en/tasks", "en/coroutines"}),
    ],
)
def test_a_changed_file_of_the_built_site_makes_anew_the_visits_it_affects(
    tmp_path, change, affects
):
    site = _site(tmp_path)
    before = _keys(site)
    path = site / change
    path.write_text((path.read_text(encoding="utf-8") if path.exists() else "") + " changed")
    after = _keys(site)
    assert {page for page in before if before[page] != after[page]} == affects


def test_a_page_the_sitemap_names_makes_every_visit_anew_and_a_date_none(tmp_path):
    """Instant navigation reads the pages the sitemap names; the day a page
    last changed (lastmod, today for an edited page) is no other page's input."""
    site = _site(tmp_path)
    before = _keys(site)
    (site / "sitemap.xml").write_text(SITEMAP.format(day="2026-12-08"), encoding="utf-8")
    assert _keys(site) == before
    more = "<url><loc>https://example.org/new/</loc></url></urlset>"
    (site / "sitemap.xml").write_text(SITEMAP.format(day="2026-12-08") + more, encoding="utf-8")
    assert all(before[page] != after for page, after in _keys(site).items())


def test_another_browser_or_changed_test_sources_make_every_visit_anew(tmp_path, monkeypatch):
    from tests.browser import stored_visits

    site = _site(tmp_path)
    before = _keys(site)
    assert all(before[p] != after for p, after in _keys(site, version="157.0").items())
    stored_visits._sources.cache_clear()
    real = stored_visits._sources()
    monkeypatch.setattr(stored_visits, "_sources", lambda: real + "changed")
    assert all(before[p] != after for p, after in _keys(site).items())


def test_a_visit_is_kept_with_what_its_copied_programs_printed(tmp_path, monkeypatch):
    from concurrent.futures import Future

    from tests.browser import stored_visits
    from tests.browser.copying import Copied
    from tests.browser.visits import Visit
    from tests.browser.website import Watch

    monkeypatch.setattr(stored_visits, "STORE", tmp_path / "visits")
    ran: Future = Future()
    ran.set_result(["it printed 2, not 1"])
    watch = Watch("http://127.0.0.1:1")
    watch.pending.add(object())  # a request in flight (not kept)
    found = Visit(watches={"desktop": watch}, copied=Copied(problems=[], runs=[("a.py", ran)]))
    stored_visits.save("name", found)
    kept = stored_visits.load("name")
    assert kept.copied.all_problems() == [
        "run as a script after copying from a.py: it printed 2, not 1"
    ]
    assert kept.watches["desktop"].pending == set()
    shot = tmp_path / "shot.png"
    found.screenshots.append(shot)
    stored_visits.save("with-a-screenshot", found)
    assert stored_visits.load("with-a-screenshot") is None  # its screenshot is gone


# --- whole tests kept (tests/kept.py) ------------------------------------------------------


class _Item:
    """What tests/kept.py reads of a collected test."""

    def __init__(self, nodeid, mark=None, path="tests/test_x.py", fixtures=()):
        self.nodeid, self.name, self.originalname = nodeid, nodeid, nodeid
        self.path, self.fixturenames, self._mark = kept.ROOT / path, fixtures, mark

    def get_closest_marker(self, name):
        return self._mark


ITEMS = {
    "about nothing": _Item("nothing", pytest.mark.about("nothing").mark),
    "about the site": _Item("site", pytest.mark.about("site").mark),
    "about coroutines": _Item("coroutines", pytest.mark.about(page="docs/ru/coroutines.md").mark),
    "about tasks": _Item("tasks", pytest.mark.about(page="docs/en/tasks.md").mark),
    "about a snippet": _Item(
        "snippet", pytest.mark.about(snippets=["tasks/await_the_task.py"]).mark
    ),
    "about the notebook": _Item("notebook", pytest.mark.about("notebook").mark),
    "coroutines in the browser": _Item(
        "browser", pytest.mark.about(page="docs/en/coroutines.md").mark, "tests/browser/test_x.py"
    ),
    "coroutines as built": _Item(
        "built", pytest.mark.about(page="docs/en/coroutines.md").mark, fixtures=("built_site",)
    ),
    "the notebook as built": _Item(
        "built notebook", pytest.mark.about("notebook").mark, fixtures=("built_site",)
    ),
    "the 404 page in the browser": _Item(
        "404", pytest.mark.about("nothing").mark, "tests/browser/test_x.py"
    ),
}
ALL_THE_PAGES = {
    "about nothing",
    "about the site",
    "coroutines as built",
    "the 404 page in the browser",
}
COROUTINES = {"about coroutines", "coroutines in the browser"}
NOTEBOOK = {"about the notebook", "the notebook as built"}


DIGEST_OF = kept._digest_of  # what tests/kept.py reads of a file (cached)
CACHED = (
    kept._files,
    DIGEST_OF,
    kept.machinery,
    kept.all_pages,
    kept._shared,
    kept.family,
    kept._page_names,
)


@pytest.fixture
def digests():
    """tests/kept.py's digests made anew, before and after."""
    for function in (*CACHED, kept.machine):
        function.cache_clear()
    yield
    for function in (*CACHED, kept.machine):
        function.cache_clear()


def _names(monkeypatch, changed=frozenset(), machine=None) -> dict[str, str]:
    """Each of :data:`ITEMS`' names, with the files ``changed`` changed."""
    for function in CACHED:
        function.cache_clear()
    monkeypatch.setattr(
        kept, "_digest_of", lambda name: DIGEST_OF(name) + (b"changed" if name in changed else b"")
    )
    if machine is not None:
        monkeypatch.setattr(kept, "machine", lambda: machine)
    return {what: kept.result_name(item) for what, item in ITEMS.items()}


@pytest.mark.parametrize(
    ("changed", "rerun"),
    [
        ("docs/en/coroutines.md", ALL_THE_PAGES | COROUTINES),
        ("docs/ru/tasks.md", ALL_THE_PAGES | {"about tasks"}),
        ("snippets/tasks/await_the_task.py", set(ITEMS) - COROUTINES),
        ("snippets/coroutines/coroutine_is_inert.py", ALL_THE_PAGES | COROUTINES),
        ("notebooks/lesson.ru.md", ALL_THE_PAGES | NOTEBOOK),
        ("docs/data/bench_loop.json", set(ITEMS)),  # a file of the pages that no page owns
        ("docs/traces/tasks/await_the_task.json", set(ITEMS)),
        ("tools/site.py", set(ITEMS)),  # the machinery
        ("tests/conftest.py", set(ITEMS)),
        ("requirements.lock", set(ITEMS)),
    ],
)
def test_a_changed_file_runs_again_exactly_the_tests_it_can_affect(
    digests, monkeypatch, changed, rerun
):
    assert changed in kept._files(), f"{changed} is not a file of the repository any more"
    before = _names(monkeypatch)
    after = _names(monkeypatch, changed={changed})
    assert {what for what in ITEMS if before[what] != after[what]} == rerun


def test_a_new_page_runs_again_every_browser_test_of_a_page(digests, monkeypatch):
    """A page's browser checks read which pages exist (its sitemap and instant
    navigation name them), not what they say."""
    before = _names(monkeypatch)
    files = kept._files()
    for function in CACHED:
        function.cache_clear()
    monkeypatch.setattr(kept, "_files", lambda: tuple(sorted({*files, "docs/en/new.md"})))
    monkeypatch.setattr(
        kept, "_digest_of", lambda name: b"new" if name == "docs/en/new.md" else DIGEST_OF(name)
    )
    after = {what: kept.result_name(item) for what, item in ITEMS.items()}
    assert {what for what in ITEMS if before[what] != after[what]} == ALL_THE_PAGES | {
        "coroutines in the browser"
    }


def test_another_machine_runs_every_test_again(digests, monkeypatch):
    before = _names(monkeypatch, machine="3.12.1 here")
    after = _names(monkeypatch, machine="3.12.2 here")
    assert all(before[what] != after[what] for what in ITEMS)


def test_the_machine_is_the_pythons_the_browser_and_the_tools_found(digests, monkeypatch):
    from tools.examples import pythons

    before = kept.machine()
    found, missing = pythons.discover()
    newer = tuple(dataclasses.replace(p, version=(*p.version[:2], 99)) for p in found)
    monkeypatch.setattr(pythons, "discover", lambda: (newer, missing))
    kept.machine.cache_clear()
    assert kept.machine() != before


PLANTED = """
import os

def test_passes():
    pass

def test_fails_unless_fixed():
    assert os.environ.get("PLANTED_FIXED") == "1", "planted failure"
"""


@pytest.fixture
def planted(pytester, monkeypatch, tmp_path):
    """A test file of two tests, one failing until ``PLANTED_FIXED=1``, run
    with the keeping of tests/kept.py (its store in a temporary folder)."""
    monkeypatch.setattr(kept, "STORE", tmp_path / "results")
    for variable in ("CI", "FRESH", "PLANTED_FIXED"):
        monkeypatch.delenv(variable, raising=False)
    pytester.makeconftest(
        "from tests.kept import leave_out_kept\n\n"
        "def pytest_collection_modifyitems(config, items):\n"
        "    leave_out_kept(config, items)\n"
    )
    pytester.makepyfile(test_planted=PLANTED)

    def run():
        # The planted session counts in this process's tallies: keep them apart.
        tallies = [kept.used, *reuse._seen.values()]
        saved = [{k: set(v) for k, v in tally.items()} for tally in tallies]
        for tally in tallies:
            for names in tally.values():
                names.clear()
        try:
            return pytester.runpytest("-p", "tests.kept", "-p", "tests.reuse")
        finally:
            for tally, before in zip(tallies, saved, strict=True):
                for k, names in before.items():
                    tally[k].clear()
                    tally[k].update(names)

    return run


def test_a_failure_is_never_kept_and_a_pass_is(planted, monkeypatch):
    first = planted()
    first.assert_outcomes(passed=1, failed=1)
    second = planted()  # the pass kept; the failure run again, failing again
    second.assert_outcomes(failed=1)
    second.stdout.fnmatch_lines(["*planted failure*", "tests: 0 passed now, 1 kept*"])
    monkeypatch.setenv("PLANTED_FIXED", "1")
    planted().assert_outcomes(passed=1)
    everything_kept = planted()
    assert everything_kept.ret == pytest.ExitCode.OK  # not "no tests ran"
    everything_kept.stdout.fnmatch_lines(["tests: 0 passed now, 2 kept from an earlier run"])


@pytest.mark.parametrize("setting", [("CI", "true"), ("FRESH", "1")])
def test_ci_and_fresh_run_every_test(planted, monkeypatch, setting):
    monkeypatch.setenv("PLANTED_FIXED", "1")
    planted().assert_outcomes(passed=2)
    monkeypatch.setenv(*setting)
    planted().assert_outcomes(passed=2)


def test_the_test_files_said_to_read_no_page_pass_without_any(tmp_path):
    """tests/kept.py keeps the tests of PAGE_FREE's files whatever the pages
    say: they pass in a copy of the repository with no page, snippet or
    notebook at all."""
    copy = tmp_path / "repository"
    left_out = {".git", ".venv", ".cache", "site", "node_modules", "__pycache__"}
    shutil.copytree(
        kept.ROOT,
        copy,
        ignore=lambda folder, names: [
            n for n in names if n in left_out or (Path(folder) == kept.ROOT and n in kept.PAGES)
        ],
    )
    (copy / ".cache").mkdir()
    (copy / ".cache" / "pythons").symlink_to(kept.ROOT / ".cache" / "pythons")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-n",
            "0",
            "-p",
            "no:cacheprovider",
            *kept.PAGE_FREE,
            *(part for prefix in sorted(kept.READS_PAGES) for part in ("--deselect", prefix)),
        ],
        cwd=copy,
        env={**os.environ, "FRESH": "1", "PYTHONDONTWRITEBYTECODE": "1"},
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert not any((copy / folder).exists() for folder in kept.PAGES)
    assert done.returncode == 0, (
        "a test file that tests/kept.py's PAGE_FREE says reads no page failed without the "
        "pages: take it out of PAGE_FREE (its tests then run again after any page edit)\n"
        + done.stdout[-4000:]
        + done.stderr[-2000:]
    )


def test_a_test_that_checks_less_for_one_page_is_not_kept_for_a_full_run(monkeypatch):
    class Validity(_Item):
        pass

    nodeid = next(iter(kept.PAGE_DEPENDENT))
    item = Validity(nodeid, pytest.mark.about("site").mark, nodeid.split("::")[0])
    monkeypatch.delenv(selection.PAGE, raising=False)
    full = kept.result_name(item)
    monkeypatch.setenv(selection.PAGE, "docs/en/tasks.md")
    assert kept.result_name(item) != full
    other = _Item("site", pytest.mark.about("site").mark)
    page_run = kept.result_name(other)
    monkeypatch.delenv(selection.PAGE)
    assert kept.result_name(other) == page_run  # the others check the same either way
