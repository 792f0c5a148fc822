"""``make test PAGE=docs/<lang>/X.md``: every check of the full ``make test``
that an edit of that page, of its twin in the other language or of the
snippets they include can fail, the cheap ones first.

**What a test is about.** Each test module says it with the ``about`` marker:
for the whole module (``pytestmark``), on one test, or on one parameter
(``pytest.param(..., marks=...)``); the closest one counts.

    pytest.mark.about("site")          a page edit can break it (the build, links,
                                       the twins and the nav): run for every page
    pytest.mark.about("nothing")       no page edit can (the harness's own tests,
                                       workflows, apt, pre-commit): never run for a page
    pytest.mark.about(page="docs/en/tasks.md")   that page: run for it and for its twins
    pytest.mark.about(snippets=["tasks/x.py"])   the pages that include one of these
    pytest.mark.about("notebook")      the pages that include a snippet the notebook
                                       sources include (notebooks/lesson.<lang>.md)

``cheap=True`` says the check needs no example run, browser or validator (at
most the site build). A test that says nothing is run for every page, to be
safe, and tests/test_page_selection.py fails on it. The tests of
tests/test_timelines.py are declared here, in :data:`DECLARED_HERE`.

**The run** (:func:`main`, what ``make test PAGE=`` runs) is two pytest sessions:

1. the cheap checks, in one process (``PAGE_PHASE=cheap``): those that read the
   sources (twins and the order of their includes, the nav, translation
   stamps, the timelines' traces by hash and their placement, exercises,
   fences); then, if they all passed, the checks of the built site (the
   strict build itself, links to and from the page, edit links, heads,
   search indexes), on the build made meanwhile (every language at once).
   If any fails, each problem is printed once and the run stops: no example
   has run, no browser has started.
2. the rest about the page (``PAGE_PHASE=slow``, ``-n 2``): its examples on
   every Python and in real time, its browser checks in both languages, the
   validators, the notebook; on session 1's build, starting only the page's
   example runs, the slowest tests first.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MARKER = "about"
MARKER_HELP = (
    'about("site" | "nothing" | "notebook" | page=... | snippets=[...], cheap=False): '
    "what a test is about, for make test PAGE=docs/<lang>/X.md (tests/page_selection.py)"
)
SCOPES = ("site", "nothing", "notebook")

# Between `make test PAGE=` (main) and its two pytest sessions.
PAGE = "PAGE"  # docs/<lang>/X.md
PHASE = "PAGE_PHASE"  # "cheap" or "slow"; unset: both, in one session
WORK = "PAGE_WORK"  # the run's directory: the shared build (site/) and the plan
SLOW_FILES = "slow-files"  # in WORK: the test files session 2 runs, one a line
# A file: what every collected test says it is about (tests/test_page_selection.py).
DUMP = "PAGE_SELECTION_DUMP"


# --- what a test is about ------------------------------------------------------------


def _fence_page(cheap: bool) -> Callable:
    return lambda item: (
        pytest.mark.about(page=str(item.callspec.params["fence"].page), cheap=cheap).mark
    )


SITE = pytest.mark.about("site").mark
SITE_FIRST = pytest.mark.about("site", cheap=True).mark
NOTHING = pytest.mark.about("nothing").mark

# What tests/test_timelines.py's tests are about (by test function).
DECLARED_HERE: dict[str, dict[str, object]] = {
    "tests/test_timelines.py": {
        # The cheap checks: the fences, their placement, the traces by hash.
        "test_every_timeline_fence_names_a_snippet": SITE_FIRST,
        "test_each_language_shows_the_same_timelines": SITE_FIRST,
        "test_a_timeline_is_right_under_the_output_of_its_example": _fence_page(cheap=True),
        "test_no_trace_is_older_than_its_snippet": SITE_FIRST,
        "test_no_trace_is_left_that_no_page_draws": SITE_FIRST,
        "test_every_picture_is_well_formed_svg_with_its_text_alternative": SITE_FIRST,
        # They read the traces: after the hash check found them present and current.
        "test_every_printed_line_is_in_the_trace_at_the_time_the_page_states": _fence_page(
            cheap=False
        ),
        "test_one_lane_per_task_the_example_creates": lambda item: (
            pytest.mark.about(snippets=[item.callspec.params["target"].snippet]).mark
        ),
        "test_in_the_script_asyncio_run_cancels_the_task_at_once_and_in_jupyter_it_goes_on": SITE,
        "test_time_sleep_holds_the_loop_and_the_ticker_is_late": SITE,
        "test_sleep_while_task_runs_takes_4_seconds_and_the_sleeps_overlap": SITE,
        "test_trace_files_are_small_json": SITE,
        # Re-tracing every snippet on every Python: the hash check stands for it.
        "test_the_committed_trace_is_what_tracing_the_snippet_gives": NOTHING,
        # The tracer and the build's hook, on planted snippets.
        "test_the_build_needs_no_sandbox_and_runs_nothing": NOTHING,
        "test_a_planted_change_to_a_sleep_moves_its_bar": NOTHING,
        "test_a_stale_trace_is_drawn_with_a_note_and_a_missing_one_stops_the_build": NOTHING,
        # `make timelines` itself, on a stand-in tracer.
        **dict.fromkeys(
            [
                "test_make_timelines_snippet_traces_the_forms_the_pages_draw",
                "test_make_timelines_page_traces_what_the_page_and_its_translation_draw",
                "test_an_unknown_snippet_or_page_gets_one_line_saying_what_exists",
                "test_the_makefile_passes_snippet_and_page_on",
                "test_a_full_run_writes_every_trace_it_made_and_names_each_failure_with_its_cause",
                "test_a_selected_run_leaves_unused_traces_alone",
                "test_a_run_disturbed_once_is_no_difference_between_pythons",
                "test_a_difference_that_persists_is_reported_with_both_event_lists",
                "test_runs_of_one_python_that_disagree_blame_the_machine_not_the_version",
                "test_real_time_events_may_move_one_step_and_the_clock_events_may_not",
                "test_a_new_trace_takes_the_time_most_runs_give",
                "test_the_check_of_a_committed_trace_never_asks_to_commit_what_load_made",
            ],
            NOTHING,
        ),
    },
}


def page_mark(source: Path | str | None, cheap: bool = False) -> pytest.MarkDecorator:
    """``about(page=source)`` for a test parameter that is a page (its
    Markdown file, absolute or from the repository's root); None: no page
    (a 404 page, the notebook's)."""
    if source is None:
        return pytest.mark.about("nothing", cheap=cheap)
    return pytest.mark.about(page=_relative(source), cheap=cheap)


def _relative(path: Path | str) -> str:
    path = Path(path)
    if path.is_absolute():
        try:
            path = path.resolve().relative_to(ROOT)
        except ValueError:
            pass
    return path.as_posix()


def declared(item) -> pytest.Mark | None:
    """The ``about`` marker closest to a test, or what :data:`DECLARED_HERE` says."""
    mark = item.get_closest_marker(MARKER)
    if mark is not None:
        return mark
    try:
        module = item.path.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return None
    rule = DECLARED_HERE.get(module, {}).get(getattr(item, "originalname", item.name))
    return rule(item) if callable(rule) else rule


def wrong(mark: pytest.Mark | None) -> str | None:
    """What is wrong with a declaration, or None."""
    if mark is None:
        return (
            "it says nothing about what it is about: add pytestmark = pytest.mark.about(...) "
            "to its module (tests/test_timelines.py: to DECLARED_HERE in tests/page_selection.py)"
        )
    scopes = [a for a in mark.args]
    kinds = [k for k in ("page", "snippets") if k in mark.kwargs]
    if len(scopes) + len(kinds) != 1:
        return f"about{mark.args}{mark.kwargs}: give one of {SCOPES}, page= or snippets="
    if scopes and scopes[0] not in SCOPES:
        return f"about({scopes[0]!r}): not one of {SCOPES}"
    unknown = set(mark.kwargs) - {"page", "snippets", "cheap"}
    if unknown:
        return f"about(): unknown {sorted(unknown)}"
    return None


def cheap(mark: pytest.Mark | None) -> bool:
    return bool(mark is not None and mark.kwargs.get("cheap"))


def dump(items: list, path: Path) -> None:
    """What every test says it is about, as JSON: ``[{nodeid, args, kwargs,
    wrong, build}]`` (``args`` None: it says nothing)."""
    import json

    found = []
    for item in items:
        mark = declared(item)
        found.append(
            {
                "nodeid": item.nodeid,
                "args": None if mark is None else list(mark.args),
                "kwargs": None if mark is None else _plain(mark.kwargs),
                "wrong": wrong(mark),
                "build": needs_build(item),
            }
        )
    path.write_text(json.dumps(found, ensure_ascii=False, indent=0), encoding="utf-8")


def _plain(kwargs: dict) -> dict:
    return {
        k: [_relative(v) for v in value]
        if isinstance(value, (list, tuple))
        else (_relative(value) if isinstance(value, Path) else value)
        for k, value in kwargs.items()
    }


def mark_of(args: list | None, kwargs: dict | None) -> pytest.Mark | None:
    """The marker :func:`dump` wrote."""
    return None if args is None else pytest.mark.about(*args, **(kwargs or {})).mark


# --- the page a run is about -----------------------------------------------------------


@dataclass(frozen=True)
class Subject:
    """The page of a run, its twins (the same file in every language, itself
    included) and the snippet files they include."""

    page: str
    twins: frozenset[str]
    snippets: frozenset[str]


def includes(path: Path) -> list[str]:
    """The snippet files a page (or notebook source) includes: ``tasks/x.py``."""
    from tools.examples.blocks import INCLUDE

    return [
        m.group("target").split(":")[0]
        for line in path.read_text(encoding="utf-8").splitlines()
        if (m := INCLUDE.match(line))
    ]


def languages(root: Path = ROOT) -> list[str]:
    from tools.site import configs

    return [lang for lang, _ in configs(root)]


def subject(page: str, root: Path = ROOT) -> Subject:
    path = Path(page)
    if path.is_absolute() and path.is_relative_to(root):
        path = path.relative_to(root)
    langs = languages(root)
    if len(path.parts) < 3 or path.parts[:1] != ("docs",) or path.parts[1] not in langs:
        raise ValueError(f"PAGE={page}: give a page as docs/<lang>/NAME.md, <lang> one of {langs}")
    if path.suffix != ".md" or not (root / path).is_file():
        raise ValueError(f"PAGE={page}: no such page (docs/<lang>/NAME.md)")
    name = Path(*path.parts[2:]).as_posix()
    twins = frozenset(f"docs/{lang}/{name}" for lang in langs)
    snippets = frozenset(s for t in twins if (root / t).is_file() for s in includes(root / t))
    return Subject(path.as_posix(), twins, snippets)


@cache
def notebook_snippets(root: Path = ROOT) -> frozenset[str]:
    return frozenset(
        s for source in (root / "notebooks").glob("lesson.*.md") for s in includes(source)
    )


def concerns(mark: pytest.Mark | None, about: Subject, root: Path = ROOT) -> bool:
    """Whether an edit of the page (its twins, their snippets) can fail a test so declared."""
    if mark is None:
        return True
    scope = mark.args[0] if mark.args else None
    if scope == "site":
        return True
    if scope == "nothing":
        return False
    if scope == "notebook":
        return bool(about.snippets & notebook_snippets(root))
    if "page" in mark.kwargs:
        pages = mark.kwargs["page"]
        pages = pages if isinstance(pages, (list, tuple, set, frozenset)) else [pages]
        return any(_relative(p) in about.twins for p in pages)
    if "snippets" in mark.kwargs:
        return bool(about.snippets & {s.split(":")[0] for s in mark.kwargs["snippets"]})
    raise ValueError(wrong(mark) or f"about{mark.args}{mark.kwargs}")


def needs_build(item) -> bool:
    return "built_site" in getattr(item, "fixturenames", ())


def per_built_page(item) -> bool:
    """A browser test made for every page of the built site (tests/browser/conftest.py)."""
    return bool({"site_page", "any_page"} & set(getattr(item, "fixturenames", ())))


# The slowest tests of a page's run, started first so that the two test
# processes end together (the others follow in the order they were collected).
FIRST = ("tests/test_notebook.py", "tests/test_html.py")


def first_the_longest(items: list, root: Path = ROOT) -> list:
    """``items`` with those of :data:`FIRST` ahead, in its order."""

    def rank(item) -> int:
        try:
            path = item.path.resolve().relative_to(root).as_posix()
        except ValueError:
            return len(FIRST)
        return FIRST.index(path) if path in FIRST else len(FIRST)

    return sorted(items, key=rank)


def select(items: list, about: Subject, phase: str | None) -> tuple[list, list]:
    """``(kept, dropped)``: the tests about the page, of the phase (``cheap``:
    the cheap ones, those that read the sources first; ``slow``: the others;
    None: all)."""
    kept, dropped = [], []
    for item in items:
        mark = declared(item)
        wanted = concerns(mark, about)
        if phase is not None:
            wanted = wanted and cheap(mark) == (phase == "cheap")
        (kept if wanted else dropped).append(item)
    if phase == "cheap":
        kept.sort(key=needs_build)  # stable: the sources, then the built site
    elif phase == "slow":
        kept = first_the_longest(kept)
    return kept, dropped


# --- only the page's examples ------------------------------------------------------------


def runs_of(items: list) -> set:
    """The example runs the kept tests of tests/test_examples.py check (by
    tools/examples/batch.py's key): with an interpreter on the examples'
    clock, without one in real time on the default Python."""
    from tools.examples import pythons
    from tools.examples.batch import key

    wanted = set()
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        if "example" in params and "run" in params:
            interpreter = params.get("interpreter") or pythons.default()
            clock = "virtual" if "interpreter" in params else "real"
            wanted.add(key(params["example"], params["run"], interpreter, clock))
    return wanted


class OnlyThese:
    """A :class:`tools.examples.batch.Batch` that starts ahead of time only
    the runs of the tests kept for the page (tests/test_examples.py submits
    every example of the site); any other run is made when a test asks."""

    def __init__(self, runs, wanted: set):
        self._runs, self._wanted = runs, wanted

    def submit(self, example, run_, interpreter, clock="virtual", repeat=0):
        from tools.examples.batch import key

        # a repeated run (an example that starts threads) is asked for by its test
        if repeat:
            return self._runs.submit(example, run_, interpreter, clock, repeat)
        if key(example, run_, interpreter, clock) in self._wanted:
            return self._runs.submit(example, run_, interpreter, clock)
        return None

    def __getattr__(self, name):
        return getattr(self._runs, name)


# --- each problem once -------------------------------------------------------------------


def problems_of(error: BaseException, nodeid: str) -> list[str]:
    """The lines a failed check said, without pytest's explanation after
    them; a failed build's warnings and errors, each naming the page."""
    from tools.site import BuildFailed

    if isinstance(error, BuildFailed):
        return build_problems(str(error))
    text = str(error)
    if isinstance(error, AssertionError):
        lines = text.split("\n")
        if not lines[0] or lines[0].startswith("assert "):  # no message of its own
            return [f"{nodeid}: {lines[0] or type(error).__name__}"]
        message: list[str] = []
        for line in lines:
            if line.startswith("assert "):  # pytest's explanation of the assert
                break
            message.append(line[2:] if message and line.startswith("  ") else line)
        return [line for line in message if line.strip()]
    if isinstance(error, pytest.fail.Exception):
        return [line for line in text.splitlines() if line.strip()]
    return [f"{nodeid}: {type(error).__name__}: {text}"]


LOG_LINE = re.compile(r"^(?:WARNING|ERROR)\s+-\s+(?P<text>.*)$")
FAILED_CONFIG = re.compile(r"^(?P<config>\S+\.yml): mkdocs build failed:")
DOC_LINK = re.compile(r"Doc file '(?P<doc>[^']+)' contains a link '(?P<link>[^']+)'")


def build_problems(log: str, root: Path = ROOT) -> list[str]:
    """The warnings and errors of a failed build, a link's naming its page:line."""
    docs = {config.name: root / "docs" / lang for lang, config in _configs(root)}
    found, where = [], None
    for line in log.splitlines():
        if head := FAILED_CONFIG.match(line):
            where = docs.get(head.group("config"))
            continue
        logged = LOG_LINE.match(line)
        if not logged or logged.group("text").startswith("Aborted with"):
            continue
        text = logged.group("text")
        link = DOC_LINK.search(text)
        if link and where is not None:
            page = where / link.group("doc")
            shown = page.relative_to(root).as_posix()
            text = f"{shown}{_line_of(page, link.group('link'))}: {text} Fix the link."
        found.append(text)
    return found or [log.strip()]


def _configs(root: Path):
    from tools.site import configs

    return configs(root)


def _line_of(page: Path, link: str) -> str:
    try:
        lines = page.read_text(encoding="utf-8").splitlines()
    except OSError:
        return ""
    for number, line in enumerate(lines, 1):
        if f"({link}" in line or f"]: {link}" in line:
            return f":{number}"
    return ""


BUILD = "the strict build of the site (tools/site.py)"


def is_build_failure(error: BaseException) -> bool:
    from tools.site import BuildFailed

    return isinstance(error, BuildFailed)


def _place_free(problem: str) -> str:
    """A problem as it reads on every twin: ``docs/en/x.md:12`` and
    ``docs/ru/x.md:14`` alike (a trace drawn on both, the same example)."""
    return re.sub(r"\bdocs/[a-z]{2}/([\w/.-]+\.md)(:\d+)?", r"docs/*/\1", problem)


@dataclass
class Findings:
    """Each problem the checks found, once, with the tests that found it; a
    problem that only differs by the twin it is found on is one."""

    found: dict[str, list[str]] = field(default_factory=dict)  # problem -> found by
    also: dict[str, list[str]] = field(default_factory=dict)  # problem -> its other places
    waited: int = 0  # checks not run because of these

    def add(self, problems: list[str], nodeid: str) -> None:
        for problem in problems:
            first = next((p for p in self.found if _place_free(p) == _place_free(problem)), None)
            if first is None:
                self.found[problem], self.also[problem] = [], []
                first = problem
            elif problem != first and problem not in self.also[first]:
                self.also[first].append(problem)
            if nodeid not in self.found[first]:
                self.found[first].append(nodeid)

    def __bool__(self) -> bool:
        return bool(self.found)

    def lines(self, first: frozenset[str] = frozenset()) -> list[str]:
        """Each problem and the tests that found it; those naming a file of
        ``first`` (the page and its twins) first."""
        shown = []
        found = sorted(self.found.items(), key=lambda f: not any(p in f[0] for p in first))
        for problem, nodeids in found:
            shown.append(problem)
            places = [
                m.group() for p in self.also[problem] for m in re.finditer(r"docs/\S+\.md:\d+", p)
            ]
            places = [p for p in dict.fromkeys(places) if p not in problem]
            elsewhere = f"; the same at {', '.join(places)}" if places else ""
            more = f" and {len(nodeids) - 1} more" if len(nodeids) > 1 else ""
            shown.append(f"    (found by {nodeids[0]}{more}{elsewhere})")
        return shown


def same_failure(text: str) -> str:
    """A failure's message, as alike for every Python as it is."""
    return re.sub(r"Python 3\.\d+(\.\d+)?", "Python 3.x", text).strip()


def stale_twins(about: Subject) -> list[str]:
    """The page's translations older than their English page: a note (the
    site shows readers a notice; the full run passes)."""
    from hooks import translations

    notes = []
    for translation, recorded, current in translations.out_of_date():
        if translation.shown in about.twins:
            notes.append(
                f"{translation.shown} is older than {_relative(translation.english)} "
                f"(translated from {recorded}, English is now {current}): readers see a notice. "
                f"Update it, then run: .venv/bin/python -m hooks.translations --stamp {translation.shown}"
            )
    return notes


# --- the build both sessions share ----------------------------------------------------


def build_site(site_dir: Path, root: Path = ROOT) -> None:
    """What ``tools.site.build`` makes, with every language built at once."""
    from tools.site import BuildFailed, build, configs, prefix, share_assets

    english, *others = configs(root)
    site_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="other-languages-", dir=site_dir.parent) as apart:
        with ThreadPoolExecutor(1 + len(others)) as pool:
            jobs = [pool.submit(build, site_dir, root, True, [english])]
            jobs += [pool.submit(build, Path(apart), root, True, [other]) for other in others]
        failed = [job.exception() for job in jobs if job.exception() is not None]
        for error in failed:
            if not isinstance(error, BuildFailed):
                raise error
        if failed:
            raise BuildFailed("\n".join(str(error) for error in failed))
        for lang, _ in others:
            shutil.move(Path(apart) / prefix(lang), site_dir / prefix(lang))
            share_assets(site_dir, prefix(lang))


BUILD_IN_A_PROCESS = """
import sys
from pathlib import Path

from tests.page_selection import build_site
from tools.site import BuildFailed

try:
    build_site(Path(sys.argv[1]))
except BuildFailed as failed:
    print(failed)
    sys.exit(1)
"""


class Building:
    """:func:`build_site`, started now in a process of its own: what it logs
    is told when the build is used (a failure as :class:`BuildFailed`), and
    nothing if it is not; :meth:`stop` ends it where it is."""

    def __init__(self, site_dir: Path, root: Path = ROOT):
        self.site_dir = site_dir
        self._process = subprocess.Popen(
            [sys.executable, "-c", BUILD_IN_A_PROCESS, str(site_dir)],
            cwd=root,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,  # its mkdocs processes with it
        )

    def result(self) -> Path:
        from tools.site import BuildFailed

        failed, log = self._process.communicate()
        if self._process.returncode:
            raise BuildFailed(failed.strip() or log.strip())
        if log.strip():
            print(log.strip(), file=sys.stderr)
        return self.site_dir

    def stop(self) -> None:
        if self._process.poll() is None:
            import signal

            os.killpg(self._process.pid, signal.SIGTERM)
        self._process.communicate()


def shared_site() -> Path | None:
    """The build a run of ``make test PAGE=`` shares between its sessions."""
    work = os.environ.get(WORK)
    return Path(work) / "site" if work else None


def is_built(site: Path) -> bool:
    return (site / "index.html").is_file()


# --- make test PAGE=… -----------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("page", help="docs/<lang>/NAME.md")
    parser.add_argument("--cheap-only", action="store_true", help="stop after the cheap checks")
    args = parser.parse_args(argv)
    try:
        about = subject(args.page)
    except ValueError as error:
        print(error, file=sys.stderr)
        return 4
    pytest_command = [sys.executable, "-m", "pytest"]
    with tempfile.TemporaryDirectory(prefix="page-run-") as work:
        env = {**os.environ, PAGE: about.page, WORK: work}
        twins = " and ".join(sorted(about.twins))
        print(f"make test PAGE={about.page}: the cheap checks of {twins}", flush=True)
        first = subprocess.run(
            [*pytest_command, "-q", "--tb=no", "-rN", "-p", "no:cacheprovider"],
            cwd=ROOT,
            env={**env, PHASE: "cheap"},
            check=False,
        )
        if first.returncode != 0 or args.cheap_only:
            return first.returncode
        files = (Path(work) / SLOW_FILES).read_text(encoding="utf-8").split()
        if not files:
            return 0
        site = Path(work) / "site"
        if not is_built(site):
            build_site(site)
        print(
            f"\nmake test PAGE={about.page}: its examples, browser checks, validators…", flush=True
        )
        second = subprocess.run(
            [*pytest_command, "-n", "2", "--dist", "loadfile", *files],
            cwd=ROOT,
            env={**env, PHASE: "slow"},
            check=False,
        )
        return 0 if second.returncode == pytest.ExitCode.NO_TESTS_COLLECTED else second.returncode


if __name__ == "__main__":
    sys.exit(main())
