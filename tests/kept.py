"""Test results kept between runs (``.cache/results/``), so that a warm
``make test`` runs again only the tests whose inputs changed.

A test that passed (its setup, call and teardown) is kept under a name made
of its node id and everything it can depend on:

- **the machinery**: every file of the repository outside ``docs/``,
  ``snippets/`` and ``notebooks/``, as git lists them (tracked, and new files
  not ignored): the tests themselves, ``tools/``, ``hooks/``, ``overrides/``,
  ``mkdocs*.yml``, ``requirements.lock``, the Makefile, the documents;
- **the machine**: the Pythons the examples run on (each one's path and exact
  version), the browser, Java and bubblewrap found, the user, ``PYTHONS``;
- **the pages**: all of ``docs/``, ``snippets/`` and ``notebooks/``. Only a
  test declared about one page, some snippets or the notebook
  (tests/page_selection.py's ``about`` marker) that neither builds the site
  nor runs in the browser depends on less: that page and its twins, the
  snippets they include, and every file of those folders that is not a page,
  a snippet or a notebook source (data, traces, pictures). So does a browser
  test of one page (made for each page: its visit's checks, its timelines),
  which also depends on which pages exist: the nav's titles are in
  ``mkdocs*.yml``, so another page's text is not in its HTML; and a test of
  the notebook that builds the site (the notebook and its page are made from
  its sources and snippets). A test about
  "nothing" still depends on all the pages (many such tests work on a copy of
  the repository), unless its file is one of :data:`PAGE_FREE`, which read no
  page at all but for the tests :data:`READS_PAGES` names (tests/test_reuse.py
  runs the others in a copy without any page).

A kept test is not run again: it is left out of the session, and the summary
says how many were kept (tests/reuse.py). Only passes are kept, so a failure
is always the result of a run made now. Finer reuse still applies to the
tests that do run: example outcomes (tools/examples/stored.py) and browser
visits (tests/browser/stored_visits.py). Off (every test runs) when
``CI=true`` or ``FRESH=1``.
"""

from __future__ import annotations

import hashlib
import os
import platform
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

from tests import page_selection as selection
from tools.examples.stored import enabled

ROOT = Path(__file__).resolve().parents[1]
STORE = ROOT / ".cache" / "results"
PAGES = ("docs", "snippets", "notebooks")  # the folders a page edit touches
# Test files that read no page, snippet or notebook of the repository: what they
# check they plant in a temporary folder.
PAGE_FREE = {
    "tests/test_stuck_guard.py": "plants stuck tests and runs them in a temporary folder",
    "tests/test_harness.py": "plants pages and snippets in temporary sites",
    "tests/test_guards.py": "reads the workflows, the Makefile, the lock and the documents",
    "tests/test_workflows.py": "reads the workflows, .ci/run, the Makefile and the config",
    "tests/test_apt.py": "the installer's messages, planted",
}
# Single tests that read no page: what they copy of the repository leaves the pages out.
PAGE_FREE_TESTS = {
    "tests/test_reuse.py::test_the_test_files_said_to_read_no_page_pass_without_any": (
        "runs PAGE_FREE's tests in a copy of the repository without pages"
    ),
}
# The tests of PAGE_FREE's files that do read the pages (node id prefixes).
READS_PAGES = {
    "tests/test_harness.py::test_per_version_outputs_are_each_checked_on_their_versions",
    "tests/test_harness.py::test_an_unsandboxed_run_fails_under_ci_and_is_skipped_saying_why_elsewhere",
    "tests/test_harness.py::test_code_a_page_shows_outside_a_fence_fails",
    "tests/test_harness.py::test_one_python_is_skipped_saying_so_outside_ci_and_fails_under_ci",
    "tests/test_workflows.py::test_deploy_stops_when_pages_serves_another_address",
}
# Tests that check less under `make test PAGE=`: a pass there is kept for that
# page's runs only, never for a full run.
PAGE_DEPENDENT = {
    "tests/test_html.py::test_every_page_is_valid_html": "validates only the page's own files",
}
RESULT_NAME = pytest.StashKey[str]()
PASSED = pytest.StashKey[bool]()

# This process's tests, by node id: kept ones left out, and ones passed now and kept.
used: dict[str, set[str]] = {"kept": set(), "run": set()}


# --- what a test depends on ------------------------------------------------------------


@cache
def _files() -> tuple[str, ...]:
    """The repository's files (git: tracked, and new ones not ignored)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    return tuple(sorted({name for name in listed.split("\0") if (ROOT / name).is_file()}))


@cache
def _digest_of(name: str) -> bytes:
    return hashlib.sha256((ROOT / name).read_bytes()).digest()


def _digest(names) -> str:
    digest = hashlib.sha256()
    for name in sorted(names):
        digest.update(name.encode() + b"\0" + _digest_of(name))
    return digest.hexdigest()


def _is_page_file(name: str) -> bool:
    return name.split("/", 1)[0] in PAGES


def _is_own(name: str) -> bool:
    """A page, a snippet or a notebook source: what belongs to one page's family."""
    parts = name.split("/")
    if parts[0] == "docs":
        return len(parts) >= 3 and name.endswith(".md") and parts[1] in selection.languages()
    if parts[0] == "snippets":
        return len(parts) >= 3 and name.endswith(".py")
    return parts[0] == "notebooks" and len(parts) == 2 and name.endswith(".md")


@cache
def machinery() -> str:
    return _digest(name for name in _files() if not _is_page_file(name))


@cache
def all_pages() -> str:
    return _digest(name for name in _files() if _is_page_file(name))


@cache
def _shared() -> frozenset[str]:
    return frozenset(n for n in _files() if _is_page_file(n) and not _is_own(n))


@cache
def _page_names() -> str:
    """Which pages exist (every page's sitemap and instant navigation name them)."""
    names = [n for n in _files() if n.startswith("docs/") and _is_own(n)]
    return hashlib.sha256("\0".join(names).encode()).hexdigest()


@cache
def family(files: frozenset[str]) -> str:
    """The digest of ``files`` and of the pages' files that no page owns."""
    present = {name for name in files if (ROOT / name).is_file()}
    return _digest(present | _shared()) + repr(sorted(files - present))


def _stat(path: str | Path | None) -> str:
    if path is None:
        return "-"
    real = Path(path).resolve()
    try:
        info = real.stat()
    except OSError:
        return f"{real}:-"
    return f"{real}:{info.st_size}:{info.st_mtime_ns}"


@cache
def machine() -> str:
    from tools.browser import find_chromium
    from tools.examples import pythons

    found, missing = pythons.discover()
    try:
        browser = find_chromium()
    except Exception as error:  # noqa: BLE001 - a browser named wrongly: that is an input too
        browser = str(error)
    parts = [
        sys.version,
        platform.platform(),
        str(os.getuid()) if hasattr(os, "getuid") else "-",
        os.environ.get("PYTHONS", ""),
        repr([(p.version, str(p.found), p.default) for p in found]),
        repr(missing),
        _stat(browser) if isinstance(browser, Path) else repr(browser),
        *(_stat(shutil.which(tool)) for tool in ("java", "bwrap", "node", "git")),
    ]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def _family_files(mark: pytest.Mark) -> frozenset[str] | None:
    """The pages' files a test so declared depends on; None: all of them."""
    scope = mark.args[0] if mark.args else None
    if scope == "notebook":
        sources = {f"notebooks/{p.name}" for p in (ROOT / "notebooks").glob("lesson.*.md")}
        snippets = selection.notebook_snippets(ROOT)
        return frozenset(sources | {f"snippets/{s}" for s in snippets})
    if scope is not None:
        return None  # "site", "nothing"
    if "page" in mark.kwargs:
        pages = mark.kwargs["page"]
        pages = pages if isinstance(pages, (list, tuple, set, frozenset)) else [pages]
        files: set[str] = set()
        for page in pages:
            try:
                about = selection.subject(str(page), ROOT)
            except ValueError:  # a page that is gone: the test runs and says so
                return None
            files |= about.twins | {f"snippets/{s}" for s in about.snippets}
        return frozenset(files)
    if "snippets" in mark.kwargs:
        return frozenset(f"snippets/{s.split(':')[0]}" for s in mark.kwargs["snippets"])
    return None


def pages_part(item) -> str:
    """What of the pages ``item`` depends on (see the module's doc)."""
    mark = selection.declared(item)
    try:
        path = Path(item.path).resolve().relative_to(ROOT)
    except ValueError:  # a test outside the repository (a planted one): all the pages
        return all_pages()
    if path.as_posix() in PAGE_FREE and not item.nodeid.startswith(tuple(READS_PAGES)):
        return ""
    if item.nodeid in PAGE_FREE_TESTS:
        return ""
    in_browser = path.parts[:2] == ("tests", "browser")
    if in_browser and mark is not None and "page" in mark.kwargs:
        # a browser test of one page, judged on that page as built (see the module's doc)
        files = _family_files(mark)
        return all_pages() if files is None else family(files) + _page_names()
    # The built notebook and its page are made from the notebook's sources and
    # snippets alone: a test of them that builds depends on no other page.
    built_notebook = mark is not None and mark.args[:1] == ("notebook",)
    if mark is None or in_browser or (selection.needs_build(item) and not built_notebook):
        return all_pages()
    files = _family_files(mark)
    return all_pages() if files is None else family(files)


def result_name(item) -> str:
    digest = hashlib.sha256()
    page = os.environ.get(selection.PAGE, "") if item.nodeid in PAGE_DEPENDENT else ""
    for part in (item.nodeid, machinery(), machine(), pages_part(item), page):
        digest.update(part.encode() + b"\0")
    return digest.hexdigest()[:32]


# --- keeping and leaving out ---------------------------------------------------------------


def leave_out_kept(config, items: list) -> int:
    """Take out of ``items`` the tests kept from an earlier run; how many."""
    if not enabled():
        return 0
    try:
        names = {id(item): result_name(item) for item in items}
    except (OSError, subprocess.CalledProcessError):  # no git: nothing is kept
        return 0
    run = []
    for item in items:
        item.stash[RESULT_NAME] = names[id(item)]
        if (STORE / names[id(item)]).is_file():
            used["kept"].add(item.nodeid)
        else:
            run.append(item)
    left_out = len(items) - len(run)
    items[:] = run
    return left_out


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    name = item.stash.get(RESULT_NAME, None)
    if name is None:
        return
    if call.when == "setup":
        item.stash[PASSED] = report.passed
    elif call.when == "call":
        item.stash[PASSED] = item.stash.get(PASSED, False) and report.passed
    elif item.stash.get(PASSED, False) and report.passed and call.excinfo is None:
        STORE.mkdir(parents=True, exist_ok=True)
        (STORE / name).write_text(item.nodeid + "\n", encoding="utf-8")
        used["run"].add(item.nodeid)
