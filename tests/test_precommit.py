"""pre-commit (``.pre-commit-config.yaml``) uses local hooks only, the
project's own commands from .venv, so it installs nothing and works offline;
every hook's command exists, and every hook passes on the repository."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tools.site import ROOT

# What these tests are about, for make test PAGE= (tests/page_selection.py).
pytestmark = pytest.mark.about("nothing")

CONFIG = ROOT / ".pre-commit-config.yaml"
PRE_COMMIT = Path(sys.executable).parent / "pre-commit"
LOCAL_LANGUAGES = {"system", "unsupported"}  # pre-commit 4.4 renamed system to unsupported


def hooks() -> list[dict]:
    config = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    return [hook for repo in config["repos"] for hook in repo["hooks"]]


def test_config_is_valid():
    assert PRE_COMMIT.is_file(), f"{PRE_COMMIT} is missing: run `make setup`"
    done = subprocess.run(
        [str(PRE_COMMIT), "validate-config", str(CONFIG)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, f"{CONFIG.name} is not valid:\n{done.stdout}{done.stderr}"


def test_only_local_hooks():
    """A hook from another repository would be downloaded (and could change);
    a language other than system would build an environment for it."""
    config = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    remote = [repo["repo"] for repo in config["repos"] if repo["repo"] != "local"]
    assert not remote, f"{CONFIG.name}: only `repo: local` hooks, not {remote}"
    built = [hook["id"] for hook in hooks() if hook.get("language") not in LOCAL_LANGUAGES]
    assert not built, f"{CONFIG.name}: hooks {built} need `language: system`"


def test_each_hook_command_exists():
    """The program of each entry is there (a .venv tool, or on PATH), a `make`
    entry names a Makefile target, and the files a command names exist."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([\w.-]+)\s*:(?!=)", makefile, re.MULTILINE))
    problems = []
    for hook in hooks():
        program, *args = shlex.split(hook["entry"])
        where = f"{CONFIG.name}: hook {hook['id']}: `{hook['entry']}`"
        found = ROOT / program if "/" in program else shutil.which(program)
        if not found or not os.access(found, os.X_OK):
            problems.append(f"{where}: no program {program} (run `make setup`)")
        if program == "make":
            problems += [f"{where}: no Makefile target {a}" for a in args if a not in targets]
        for arg in args:
            if re.fullmatch(r"[\w/.-]+\.\w+", arg) and not (ROOT / arg).exists():
                problems.append(f"{where}: no file {arg}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("hook", [hook["id"] for hook in hooks()])
def test_hook_passes_on_the_repository(hook, tmp_path):
    """Each hook, run by pre-commit on every file, passes: a fresh clone
    commits cleanly. (The fence hook's `-k` must still select a test, or
    pytest exits 5 and the hook fails.)"""
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path), "PRE_COMMIT_COLOR": "never"}
    done = subprocess.run(
        [str(PRE_COMMIT), "run", hook, "--all-files"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, (
        f"pre-commit hook {hook} fails on the repository:\n{done.stdout}{done.stderr}"
    )
