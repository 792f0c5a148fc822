"""CONTRIBUTING.md and its Russian twin walk a newcomer from an edit to a pull
request with commands that exist: every ``make`` target, every module run
with ``python -m`` and every option they use; and the failure they show is
the one the harness prints."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tools.site import ROOT

# What these tests are about, for make test PAGE= (tests/page_selection.py).
pytestmark = pytest.mark.about("nothing")

GUIDES = ["CONTRIBUTING.md", "CONTRIBUTING.ru.md"]


def commands(guide: str) -> list[str]:
    text = (ROOT / guide).read_text(encoding="utf-8")
    found = []
    for block in re.findall(r"```sh\n(.*?)```", text, flags=re.DOTALL):
        for line in block.splitlines():
            line = line.split("#")[0].strip()
            if line:
                found += [part.strip() for part in line.split("&&")]
    return found


def make_targets() -> set[str]:
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    return set(re.findall(r"^([a-z][\w-]*):", text, flags=re.MULTILINE))


@pytest.mark.parametrize("guide", GUIDES)
def test_every_command_exists(guide):
    problems = []
    assert commands(guide), f"{guide} shows no commands"
    for command in commands(guide):
        words = command.split()
        words = [w for w in words if not re.match(r"^[A-Z]+=", w)] if words[0] != "make" else words
        if words[0] == "make":
            target = words[1]
            if target not in make_targets():
                problems.append(f"{guide}: `{command}`: the Makefile has no target {target!r}")
        elif words[0].startswith(".venv/bin/"):
            tool = ROOT / words[0]
            if words[0].endswith("/python") and words[1] == "-m":
                module = words[2]
                done = subprocess.run(
                    [sys.executable, "-m", module, "--help"],
                    cwd=ROOT,
                    capture_output=True,
                    text=True,
                    check=False,
                )
                if done.returncode != 0:
                    problems.append(f"{guide}: `{command}`: `python -m {module}` does not run")
                for option in [w for w in words[3:] if w.startswith("--")]:
                    if option not in done.stdout:
                        problems.append(f"{guide}: `{command}`: {module} has no {option}")
            elif not tool.exists():
                problems.append(f"{guide}: `{command}`: {words[0]} is not installed by make setup")
        elif words[0] != "git":
            problems.append(f"{guide}: `{command}`: a command this test does not know")
    assert not problems, "\n".join(problems)


def test_the_failure_shown_is_the_one_the_harness_prints():
    from tools.faults import FAULTS, plant_and_check

    fault = next(f for f in FAULTS if f.name == "a wrong output shown under an example")
    real = plant_and_check(fault).messages[0]
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    shown = text.split("```text\n", 1)[1].split("```", 1)[0]

    def general(message: str) -> str:
        return re.sub(r"Python 3\.\d+\.\d+", "Python 3.x", message).strip()

    assert general(shown) == general(real), (
        f"CONTRIBUTING.md shows:\n{shown}\nthe harness prints:\n{real}"
    )


def test_the_guides_link_each_other():
    assert "CONTRIBUTING.ru.md" in (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    assert "CONTRIBUTING.md" in (ROOT / "CONTRIBUTING.ru.md").read_text(encoding="utf-8")
    assert "CONTRIBUTING.md" in (ROOT / "README.md").read_text(encoding="utf-8")
