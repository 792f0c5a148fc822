"""The snippets are what readers copy: formatted, lint-clean, complete programs,
and each one is shown on the pages of every language."""

import ast
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
