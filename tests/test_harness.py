"""The harness itself: planted faults in a throw-away site must each fail, with
a message that names the page (file:line) and the snippet and says what to do."""

import textwrap
from pathlib import Path

import pytest

from tests.harness.pages import collect
from tests.harness.run import check, run

CONFIG = """\
site_name: planted
docs_dir: docs/en
theme:
  name: material
markdown_extensions:
  - pymdownx.superfences
  - pymdownx.tabbed:
      alternate_style: true
  - pymdownx.snippets:
      base_path: [snippets]
      check_paths: true
"""

GOOD_SNIPPET = """\
# --8<-- [start:cell]
import asyncio


async def main():
    print("hello")
    await asyncio.sleep(3)
    print("finished")


# --8<-- [end:cell]
asyncio.run(main())
"""

GOOD_PAGE = """\
# Page

=== "Script"

    ```python title="hello.py"
    --8<-- "demo/hello.py"
    ```

    <!--pytest-codeblocks:expected-output-->
    ```text
    0.0 s  hello
    3.0 s  finished
    ```

=== "Jupyter"

    <!--pytest.mark.jupyter-->
    ```python
    --8<-- "demo/hello.py:cell"
    await main()
    ```

    <!--pytest-codeblocks:expected-output-->
    ```text
    hello
    finished
    ```
"""


def make_site(tmp_path: Path, page: str, snippets: dict[str, str] | None = None) -> Path:
    (tmp_path / "mkdocs.yml").write_text(CONFIG)
    (tmp_path / "docs" / "en").mkdir(parents=True)
    (tmp_path / "docs" / "en" / "page.md").write_text(textwrap.dedent(page))
    for name, text in {"demo/hello.py": GOOD_SNIPPET, **(snippets or {})}.items():
        path = tmp_path / "snippets" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


def failures(root: Path) -> list[str]:
    """Everything the harness reports for the site at root: collection problems
    and the problems of every example run."""
    examples, problems = collect([root / "mkdocs.yml"], root=root)
    found = [str(p) for p in problems]
    for example in examples:
        found += check(example, run(example))
    return found


def test_a_correct_page_passes(tmp_path):
    root = make_site(tmp_path, GOOD_PAGE)
    examples, _ = collect([root / "mkdocs.yml"], root=root)
    assert [e.jupyter for e in examples] == [False, True]
    assert failures(root) == []


def test_snippet_that_raises_inside_main_guard_fails(tmp_path):
    raising = (
        'def main():\n    raise ValueError("boom")\n\n\nif __name__ == "__main__":\n    main()\n'
    )
    page = '```python\n--8<-- "demo/raising.py"\n```\n\n<!--pytest-codeblocks:expected-output-->\n```text\n\n```\n'
    found = failures(make_site(tmp_path, page, {"demo/raising.py": raising}))
    assert any(
        "docs/en/page.md:1 (snippets/demo/raising.py)" in f and "ValueError: boom" in f
        for f in found
    ), found
    assert any("exited with status 1 but the page shows no error" in f for f in found), found


def test_snippet_that_raises_without_output_block_fails(tmp_path):
    raising = 'if __name__ == "__main__":\n    raise SystemExit("stopped")\n'
    page = '# P\n\n```py\n--8<-- "demo/raising.py"\n```\n'
    found = failures(make_site(tmp_path, page, {"demo/raising.py": raising}))
    assert any(
        f.startswith("docs/en/page.md:3 (snippets/demo/raising.py): exited with status 1")
        for f in found
    ), found


def test_wrong_expected_output_fails_with_a_diff(tmp_path):
    found = failures(
        make_site(tmp_path, GOOD_PAGE.replace("    hello\n    finished", "    hello\n    done"))
    )
    assert len(found) == 1, found
    assert found[0].startswith("docs/en/page.md:18 (snippets/demo/hello.py:cell)"), found
    assert "-done" in found[0] and "+finished" in found[0]


def test_wrong_timing_fails(tmp_path):
    found = failures(make_site(tmp_path, GOOD_PAGE.replace("3.0 s  finished", "1.0 s  finished")))
    assert len(found) == 1, found
    assert found[0].startswith("docs/en/page.md:5 (snippets/demo/hello.py)")
    assert (
        "timed output" in found[0]
        and "-1.0 s  finished" in found[0]
        and "+3.0 s  finished" in found[0]
    )


def test_missing_include_fails(tmp_path):
    found = failures(
        make_site(tmp_path, GOOD_PAGE.replace('"demo/hello.py:cell"', '"demo/gone.py:cell"'))
    )
    assert len(found) == 1, found
    assert found[0].startswith('docs/en/page.md:19: --8<-- "demo/gone.py:cell": Snippet at path'), (
        found
    )
    assert "create that file or section" in found[0]


def test_missing_section_fails(tmp_path):
    found = failures(
        make_site(tmp_path, GOOD_PAGE.replace('"demo/hello.py:cell"', '"demo/hello.py:nope"'))
    )
    assert len(found) == 1, found
    assert found[0].startswith(
        "docs/en/page.md:19: --8<-- \"demo/hello.py:nope\": Snippet section 'nope' could not be located"
    ), found


@pytest.mark.parametrize(
    ("fence", "message"),
    [
        ('~~~python\n--8<-- "demo/hello.py"\n~~~', "a ~~~ fence is invisible"),
        ('```python title="x.py"\nprint("written in the page")\n```', "written in the page"),
        (
            '```py\nimport asyncio\n--8<-- "demo/hello.py"\n```',
            "code written in the page around the include",
        ),
        (
            '<!--pytest.mark.skip-->\n\n```python\n--8<-- "demo/hello.py"\n```',
            "unknown or incomplete marker",
        ),
    ],
    ids=["tilde-fence", "inline-code", "code-around-include", "skip-without-reason"],
)
def test_unmarked_or_unrunnable_fence_fails(tmp_path, fence, message):
    found = failures(make_site(tmp_path, f"# Page\n\nText.\n\n{fence}\n"))
    line = 5 + fence.split("\n").index(
        next(x for x in fence.split("\n") if x[:3] in ("```", "~~~"))
    )
    assert any(f.startswith(f"docs/en/page.md:{line}: ") and message in f for f in found), found


def test_skip_with_a_reason_is_reported_not_run(tmp_path):
    page = '<!--pytest.mark.skip(reason="needs a network")-->\n```python\n--8<-- "demo/hello.py"\n```\n'
    examples, problems = collect([make_site(tmp_path, page) / "mkdocs.yml"], root=tmp_path)
    assert problems == []
    assert examples[0].skip_reason == "needs a network"


def test_warning_not_shown_on_the_page_fails(tmp_path):
    never_awaited = "async def main():\n    pass\n\n\nmain()\n"
    page = '```python\n--8<-- "demo/never_awaited.py"\n```\n'
    found = failures(make_site(tmp_path, page, {"demo/never_awaited.py": never_awaited}))
    assert len(found) == 1, found
    assert "wrote to stderr" in found[0] and "was never awaited" in found[0]


def test_example_that_never_finishes_fails(tmp_path, monkeypatch):
    monkeypatch.setattr("tests.harness.run.TIMEOUT", 3)
    forever = "import time\n\nwhile True:\n    time.sleep(0.1)\n"
    page = '```python\n--8<-- "demo/forever.py"\n```\n'
    examples, _ = collect(
        [make_site(tmp_path, page, {"demo/forever.py": forever}) / "mkdocs.yml"], root=tmp_path
    )
    found = check(examples[0], run(examples[0], timeout=3))
    assert found and "still running after 3 s" in found[0], found


def test_examples_run_as_main_in_a_fresh_directory(tmp_path):
    probe = 'import os\n\nif __name__ == "__main__":\n    print(sorted(os.listdir(".")))\n'
    page = "```python\n--8<-- \"demo/probe.py\"\n```\n\n<!--pytest-codeblocks:expected-output-->\n```text\n['probe.py']\n```\n"
    assert failures(make_site(tmp_path, page, {"demo/probe.py": probe})) == []


def test_exit_status_is_excused_only_by_the_exception_shown(tmp_path):
    """The page shows *an* error and `...`, but not the one the example dies of."""
    raising = 'print("ValueError: shown on purpose")\nraise KeyError("not shown")\n'
    page = (
        '```python\n--8<-- "demo/raising.py"\n```\n\n'
        "<!--pytest-codeblocks:expected-output-->\n```text\nValueError: shown on purpose\n...\n```\n"
    )
    found = failures(make_site(tmp_path, page, {"demo/raising.py": raising}))
    assert len(found) == 1 and "exited with status 1 but the page shows no error" in found[0], found


def test_a_shell_command_runs_a_script_shown_under_that_name(tmp_path):
    page = GOOD_PAGE + "\nIn a terminal:\n\n```bash\npython hello.py\n```\n"
    examples, problems = collect([make_site(tmp_path, page) / "mkdocs.yml"], root=tmp_path)
    assert problems == []
    assert examples[0].commands == ["python hello.py"] and examples[1].commands == []
    assert run(examples[0]).command[-1] == "hello.py"


@pytest.mark.parametrize(
    ("tail", "message"),
    [
        ("```bash\npython other.py\n```\n", "the shell command 'python other.py' is not run"),
        ("```sh\npip install asyncio\n```\n", "is not run by the tests"),
        (
            "```bash\npython -m asyncio\n```\n\n```text\n>>> 1\n```\n",
            "must come right before the ```pycon transcript",
        ),
        (
            '```python title="other.py"\n--8<-- "demo/hello.py"\n```\n',
            'title="other.py" but the file is snippets/demo/hello.py',
        ),
    ],
    ids=["unknown-script", "other-command", "repl-without-transcript", "title-not-file-name"],
)
def test_a_command_or_title_the_tests_do_not_run_fails(tmp_path, tail, message):
    page = GOOD_PAGE + "\nText.\n\n" + tail
    line = len((GOOD_PAGE + "\nText.\n\n").split("\n"))  # the planted fence
    _, problems = collect([make_site(tmp_path, page) / "mkdocs.yml"], root=tmp_path)
    assert any(
        str(p).startswith(f"docs/en/page.md:{line}: ") and message in str(p) for p in problems
    ), problems
