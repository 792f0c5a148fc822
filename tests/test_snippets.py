"""The snippets are what readers copy: formatted, lint-clean, complete programs,
and each one is shown on the pages of every language."""

import ast
import re
import subprocess
import sys

import pytest

from tools.examples.pages import collect
from tools.site import ROOT, configs

# What these tests are about, for make test PAGE= (tests/page_selection.py).
pytestmark = pytest.mark.about("site", cheap=True)

SNIPPETS = sorted(p for p in (ROOT / "snippets").rglob("*.py") if p.name != "__init__.py")
EXAMPLES, _ = collect()


def test_snippets_are_ruff_formatted():
    done = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--check", "--diff", "snippets"],
        cwd=ROOT,
        check=False,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, (
        f"run `.venv/bin/ruff format snippets`:\n{done.stdout}{done.stderr}"
    )


def test_snippets_pass_ruff_check():
    done = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "snippets"],
        cwd=ROOT,
        check=False,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("snippet", SNIPPETS, ids=[str(p.relative_to(ROOT)) for p in SNIPPETS])
def test_snippet_is_a_complete_program(snippet):
    """A file that defines main() also runs it, at module level: a reader runs the file as it is."""
    tree = ast.parse(snippet.read_text())
    defined = any(isinstance(n, ast.AsyncFunctionDef) and n.name == "main" for n in tree.body)
    top_level = [n for n in tree.body if not isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    calls = [
        c
        for n in top_level
        for c in ast.walk(n)
        if isinstance(c, ast.Call) and isinstance(c.func, ast.Name) and c.func.id == "main"
    ]
    assert not defined or calls, (
        f"{snippet.relative_to(ROOT)}: defines main() but never runs it; end it with asyncio.run(main())"
    )


@pytest.mark.parametrize(("lang", "config"), configs(), ids=[lang for lang, _ in configs()])
def test_every_snippet_is_shown_in_every_language(lang, config):
    shown = {f for e in EXAMPLES if e.page.parts[:2] == ("docs", lang) for f in e.snippet_files}
    unused = [
        str(p.relative_to(ROOT / "snippets"))
        for p in SNIPPETS
        if str(p.relative_to(ROOT / "snippets")) not in shown
    ]
    assert not unused, (
        f"snippets no page of {config.name} includes (show them or delete them): {unused}"
    )


# A comment that switches the lint or the formatter off for a line of a snippet
# hides from readers what they rely on; each one here is reviewed, with its reason.
SUPPRESSION = re.compile(
    r"#\s*(noqa\b[^#]*|fmt:\s*(off|skip)\b|ruff:\s*noqa\b[^#]*)", re.IGNORECASE
)
ALLOWED_SUPPRESSIONS: dict[tuple[str, str], str] = {
    # (snippet, the comment as written) -> why the snippet needs it
}


def suppressions(root=ROOT) -> list[str]:
    """Each ``# noqa`` or ``# fmt: off`` of a snippet that ALLOWED_SUPPRESSIONS
    does not name, as ``file:line: what to do``."""
    found = []
    for path in sorted((root / "snippets").rglob("*.py")):
        name = path.relative_to(root).as_posix()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for match in SUPPRESSION.finditer(line):
                comment = match.group(0).strip()
                if (name, comment) not in ALLOWED_SUPPRESSIONS:
                    found.append(
                        f"{name}:{number}: `{comment}` switches off the lint or the formatter "
                        "readers rely on; fix what it hides, or add it with its reason to "
                        "ALLOWED_SUPPRESSIONS in tests/test_snippets.py, where a reviewer sees it"
                    )
    return found


def test_no_snippet_switches_the_lint_or_the_formatter_off():
    assert not suppressions(), "\n".join(suppressions())
