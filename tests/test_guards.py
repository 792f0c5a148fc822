"""The checks cannot be weakened unnoticed (tools/guards.py): CI fails when a
test fails, ``make test`` runs every test file, the commands the documents
show exist, pre-commit runs the hooks CONTRIBUTING.md lists, the lock pins
exact versions and each action's commit is the release its comment names.
Each check passes on the project, and catches a weakening of its kind planted
in a throw-away copy, with a message naming the file and what to do."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tools import guards
from tools.site import ROOT

# What these tests are about, for make test PAGE= (tests/page_selection.py).
pytestmark = pytest.mark.about("nothing", cheap=True)

CHECKS = [
    guards.ci_run,
    guards.continue_on_error,
    guards.test_selection,
    guards.documented_commands,
    guards.precommit_hooks,
    guards.lock_pins,
    guards.lock_python,
    guards.action_pins,
]


def copy_of_the_project(base: Path) -> Path:
    root = base / "project"
    guards.copy_inputs(ROOT, root)
    return root


@pytest.mark.parametrize("check", CHECKS, ids=[check.__name__ for check in CHECKS])
def test_the_project_passes(check):
    problems = check(ROOT)
    assert not problems, "\n".join(problems)


def edit(root: Path, relative: str, old: str, new: str) -> None:
    path = root / relative
    text = path.read_text(encoding="utf-8")
    assert re.search(old, text, re.MULTILINE), f"cannot plant: {old!r} is not in {relative}"
    path.write_text(re.sub(old, new, text, count=1, flags=re.MULTILINE), encoding="utf-8")


CHECKOUT = r"actions/checkout@[0-9a-f]{40}"
# (check, file, what to replace (a regex), by what, what the first message names)
WEAKENINGS = {
    # .ci/run passes although the tests fail
    ".ci/run: || true": (guards.ci_run, ".ci/run", r"^make test$", "make test || true", ".ci/run"),
    ".ci/run: || :": (guards.ci_run, ".ci/run", r"^make test$", "make test || :", ".ci/run"),
    ".ci/run: set +e": (guards.ci_run, ".ci/run", r"^make test$", "set +e\nmake test", ".ci/run:"),
    ".ci/run: ; true without set -e": (
        guards.ci_run,
        ".ci/run",
        r"^set -euo pipefail\n(.*\n)*make test$",
        'cd "$(dirname "$0")/.."\nmake test; true',
        ".ci/run",
    ),
    ".ci/run: | tee without pipefail": (
        guards.ci_run,
        ".ci/run",
        r"^set -euo pipefail$(\n.*)*\nmake test$",
        'set -eu\ncd "$(dirname "$0")/.."\nmake test | tee test.log',
        ".ci/run",
    ),
    ".ci/run: in the background": (
        guards.ci_run,
        ".ci/run",
        r"^make test$",
        "make test &",
        ".ci/run",
    ),
    ".ci/run: another command": (guards.ci_run, ".ci/run", r"^make test$", "make build", ".ci/run"),
    # a workflow that lets a job or a step fail
    "continue-on-error on the test step": (
        guards.continue_on_error,
        ".github/workflows/ci.yml",
        r"^        run: make test$",
        "        run: make test\n        continue-on-error: true",
        ".github/workflows/ci.yml:",
    ),
    "continue-on-error on a job, as an expression": (
        guards.continue_on_error,
        ".github/workflows/ci.yml",
        r"^    timeout-minutes: 20$",
        "    timeout-minutes: 20\n    continue-on-error: ${{ matrix.python == '3.15' }}",
        ".github/workflows/ci.yml:",
    ),
    # make test runs fewer tests, or passes when they fail
    "Makefile: --ignore=tests/browser": (
        guards.test_selection,
        "Makefile",
        r"--dist loadfile\)",
        "--dist loadfile --ignore=tests/browser)",
        "Makefile:",
    ),
    "Makefile: -k": (
        guards.test_selection,
        "Makefile",
        r"--dist loadfile\)",
        "--dist loadfile -k 'not browser')",
        "Makefile:",
    ),
    "Makefile: one test path": (
        guards.test_selection,
        "Makefile",
        r"--dist loadfile\)",
        "--dist loadfile tests/test_examples.py)",
        "Makefile:",
    ),
    "Makefile: || true": (
        guards.test_selection,
        "Makefile",
        r"--dist loadfile\)",
        "--dist loadfile || true)",
        "Makefile:",
    ),
    "Makefile: a leading -": (
        guards.test_selection,
        "Makefile",
        r"^\t\$\(if \$\(PAGE\)",
        "\t-$(if $(PAGE)",
        "Makefile:",
    ),
    "Makefile: PYTEST_ADDOPTS": (
        guards.test_selection,
        "Makefile",
        r"^export FRESH$",
        "export FRESH\nexport PYTEST_ADDOPTS := --deselect tests/test_build.py",
        "Makefile:",
    ),
    "pyproject.toml: -k in addopts": (
        guards.test_selection,
        "pyproject.toml",
        r'^addopts = "',
        "addopts = \"-k 'not real_time' ",
        "pyproject.toml:",
    ),
    "pyproject.toml: -m in addopts": (
        guards.test_selection,
        "pyproject.toml",
        r'^addopts = "',
        "addopts = \"-m 'not slow' ",
        "pyproject.toml:",
    ),
    "pyproject.toml: testpaths": (
        guards.test_selection,
        "pyproject.toml",
        r'^testpaths = \["tests"\]',
        'testpaths = ["tests/browser"]',
        "pyproject.toml:",
    ),
    "pyproject.toml: norecursedirs": (
        guards.test_selection,
        "pyproject.toml",
        r'^testpaths = \["tests"\]',
        'testpaths = ["tests"]\nnorecursedirs = ["browser"]',
        "pyproject.toml:",
    ),
    "pyproject.toml: python_files": (
        guards.test_selection,
        "pyproject.toml",
        r'^testpaths = \["tests"\]',
        'testpaths = ["tests"]\npython_files = ["test_[a-m]*.py"]',
        "pyproject.toml:",
    ),
    "conftest: collect_ignore": (
        guards.test_selection,
        "tests/browser/conftest.py",
        r"\Z",
        '\ncollect_ignore = ["test_pages.py"]\n',
        "tests/browser/conftest.py:",
    ),
    "conftest: pytest_ignore_collect": (
        guards.test_selection,
        "tests/browser/conftest.py",
        r"\Z",
        "\n\ndef pytest_ignore_collect(collection_path, config):\n    return True\n",
        "tests/browser/conftest.py:",
    ),
    # a command the documents show that does not exist
    "README: make check": (
        guards.documented_commands,
        "README.md",
        r"`make ",
        "`make check`, `make ",
        "README.md:",
    ),
    "Makefile: bench removed": (
        guards.documented_commands,
        "Makefile",
        r"^bench: setup\n.*\n",
        "",
        "README.md:",
    ),
    "CONTRIBUTING: a module that is not there": (
        guards.documented_commands,
        "CONTRIBUTING.md",
        r"python -m hooks\.translations",
        "python -m hooks.translation",
        "CONTRIBUTING.md:",
    ),
    "CONTRIBUTING.ru: an option that is not there": (
        guards.documented_commands,
        "CONTRIBUTING.ru.md",
        r"--stamp",
        "--stamp-all",
        "CONTRIBUTING.ru.md:",
    ),
    # pre-commit runs other hooks than CONTRIBUTING.md lists
    "pre-commit: the fences hook removed": (
        guards.precommit_hooks,
        ".pre-commit-config.yaml",
        r"^      - id: fences\n(.*\n)*?(?=      - id:)",
        "",
        ".pre-commit-config.yaml",
    ),
    "pre-commit: a hook's command weakened": (
        guards.precommit_hooks,
        ".pre-commit-config.yaml",
        r"-k fence -q",
        "-k fence_nothing -q",
        ".pre-commit-config.yaml:",
    ),
    # the lock pins less than one version
    "requirements.lock: >=": (
        guards.lock_pins,
        "requirements.lock",
        r"^mkdocs-material==.*$",
        "mkdocs-material>=9",
        "requirements.lock:",
    ),
    "requirements.lock: no version": (
        guards.lock_pins,
        "requirements.lock",
        r"^pytest==.*$",
        "pytest",
        "requirements.lock:",
    ),
    "requirements.lock: a URL": (
        guards.lock_pins,
        "requirements.lock",
        r"^pytest==.*$",
        "pytest @ https://example.org/pytest.tar.gz",
        "requirements.lock:",
    ),
    # an action pinned to a commit that is not its release's
    "a made-up checkout commit": (
        guards.action_pins,
        ".github/workflows/ci.yml",
        CHECKOUT,
        "actions/checkout@" + "0123456789abcdef" * 2 + "01234567",
        ".github/workflows/ci.yml:",
    ),
    "another release's commit under the same comment": (
        guards.action_pins,
        ".github/workflows/lighthouse.yml",
        r"actions/checkout@[0-9a-f]{40} # v7\.0\.1",
        "actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.0",
        ".github/workflows/lighthouse.yml:",
    ),
}


@pytest.mark.parametrize("weakening", list(WEAKENINGS))
def test_a_weakening_is_caught(weakening, tmp_path):
    check, relative, old, new, names = WEAKENINGS[weakening]
    root = copy_of_the_project(tmp_path)
    assert not check(root), "the copy must pass before the weakening is planted"
    edit(root, relative, old, new)
    problems = check(root)
    assert problems, f"{weakening}: {check.__name__} did not catch it"
    assert problems[0].startswith(names), (
        f"{weakening}: the message does not start with {names}:\n{problems[0]}"
    )
    assert ": " in problems[0] and re.search(
        r"(add|remove|write|run|restore|keep|correct|make|pin|fix|let)\b", problems[0]
    ), problems[0]


def test_the_action_table_is_well_formed():
    """tests/data/action_tags.json: what was read from each action's repository
    (`git rev-parse TAG^{commit}`), and when; one commit per release."""
    table = json.loads((ROOT / guards.ACTION_TAGS).read_text(encoding="utf-8"))
    seen = set()
    for row in table["tags"]:
        assert set(row) == {"repo", "tag", "commit", "read"}, row
        assert re.fullmatch(r"[\w.-]+/[\w.-]+", row["repo"]), row
        assert re.fullmatch(r"v\d+\.\d+\.\d+", row["tag"]), row
        assert re.fullmatch(r"[0-9a-f]{40}", row["commit"]), row
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["read"]), row
        assert (row["repo"], row["tag"]) not in seen, f"{row['repo']} {row['tag']} twice"
        seen.add((row["repo"], row["tag"]))


def test_every_reviewed_exclusion_still_exists():
    """An exclusion that is gone is taken out of the reviewed list."""
    found = guards.collection_hooks(ROOT, reviewed={})
    gone = [
        key
        for key in guards.REVIEWED_EXCLUSIONS
        if not any(
            p.startswith(key.split(": ")[0] + ":") and key.split(": ")[1] in p for p in found
        )
    ]
    assert not gone, f"tools/guards.py: take {gone} out of REVIEWED_EXCLUSIONS: no longer there"


def test_a_pinned_release_that_needs_a_newer_python_is_caught(tmp_path):
    """A release that needs 3.11.5 (pymdown-extensions 13 does) fails on
    Debian 12's 3.11.2: the lock may pin only releases every 3.11 installs."""
    root = copy_of_the_project(tmp_path)
    edit(root, "requirements.lock", r"^pymdown-extensions==.*$", "pymdown-extensions==13.1.2")

    def requires(name, version):
        return ">=3.11.5" if (name, version) == ("pymdown-extensions", "13.1.2") else None

    problems = guards.lock_python(root, requires)
    assert len(problems) == 1 and problems[0].startswith("requirements.lock:"), problems
    assert "pymdown-extensions 13.1.2 needs Python >=3.11.5" in problems[0], problems
