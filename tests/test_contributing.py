"""CONTRIBUTING.md and its Russian twin walk a newcomer from an edit to a pull
request: the virtualenv is made before a command uses it, lines stay short,
and the failure they show is the one the harness prints. (That every command
they show exists is checked with the other documents' by tools/guards.py.)"""

from __future__ import annotations

import re

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


def test_the_failure_shown_is_the_one_the_harness_prints():
    from tools.faults import FAULTS, plant_and_check

    fault = next(f for f in FAULTS if f.name == "a wrong output shown under an example")
    real = plant_and_check(fault).messages[0]
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    shown = text.split("```text\n", 1)[1].split("```", 1)[0]

    def general(message: str) -> str:
        # What an edit of the page may change (the Python, its lines, its
        # times) is not what this checks: the message's form is.
        message = re.sub(r"Python 3\.\d+\.\d+", "Python 3.x", message)
        message = re.sub(r"(\.md:|line )\d+", r"\1N", message)
        message = re.sub(r"(?m)^@@ .* @@$", "@@", message)
        return re.sub(r"(?m)^([-+ ])\d+\.\d s  ", r"\1T s  ", message).strip()

    assert general(shown) == general(real), (
        f'CONTRIBUTING.md\'s example failure (under "Read a failure") is not what the '
        f"harness prints; write this there:\n{real}\n\nit shows:\n{shown}"
    )


def test_the_guides_link_each_other():
    assert "CONTRIBUTING.ru.md" in (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    assert "CONTRIBUTING.md" in (ROOT / "CONTRIBUTING.ru.md").read_text(encoding="utf-8")
    assert "CONTRIBUTING.md" in (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("guide", GUIDES)
def test_the_virtualenv_is_made_before_a_command_uses_it(guide):
    """A newcomer runs the commands in order: the first that needs ``.venv``
    comes after one that makes it (every ``make`` target does)."""
    shown = commands(guide)
    first_make = next((i for i, c in enumerate(shown) if c.startswith("make ")), len(shown))
    early = [c for c in shown[:first_make] if c.startswith(".venv/")]
    assert not early, (
        f"{guide}: `{early[0]}` comes before any command that creates .venv: "
        "show `make setup` first"
    )


def test_the_contributor_s_guide_has_no_line_over_120_characters_outside_code():
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    long_lines, fence = [], None
    for number, line in enumerate(text.splitlines(), 1):
        marker = re.match(r"\s*(`{3,}|~{3,})", line)
        if marker and (fence is None or marker.group(1).startswith(fence)):
            fence = None if fence else marker.group(1)
            continue
        if fence is None and len(line) > 120:
            long_lines.append(f"CONTRIBUTING.md:{number}: {len(line)} characters")
    assert not long_lines, "\n".join(long_lines) + "\nwrap these lines (a table: link to it)"
