"""The harness itself: mistakes a contributor can make, each planted in a
throw-away site, must each fail with a message that names the page
(file:line) and the snippet and says what to do; and the examples' clock must
never make an example print what it does not print in real time."""

from __future__ import annotations

import os
import subprocess
import textwrap
from pathlib import Path

import pytest

from tools.examples import pythons
from tools.examples.batch import Batch
from tools.examples.check import TOLERANCE, check, check_real_time
from tools.examples.pages import collect
from tools.examples.run import Outcome, run

# What these tests are about, for make test PAGE= (tests/page_selection.py).
pytestmark = pytest.mark.about("nothing")

CONFIG = """\
site_name: planted
docs_dir: docs/{lang}
theme:
  name: material
  language: {lang}
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

=== "Script / PyCharm"

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
    0.0 s  hello
    3.0 s  finished
    ```
"""


def make_site(
    tmp_path: Path, page: str, snippets: dict[str, str | bytes] | None = None, lang: str = "en"
) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "mkdocs.yml").write_text(CONFIG.format(lang=lang))
    (tmp_path / "docs" / lang).mkdir(parents=True)
    (tmp_path / "docs" / lang / "page.md").write_text(textwrap.dedent(page))
    for name, text in {"demo/hello.py": GOOD_SNIPPET, **(snippets or {})}.items():
        path = tmp_path / "snippets" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text)
    return tmp_path


# The planted pages' runs: the same program planted by several tests runs once.
RUNS = Batch()


def problems_of(root: Path) -> list[str]:
    return [str(p) for p in collect([root / "mkdocs.yml"], root=root)[1]]


def failures(root: Path, interpreter=None, clock: str = "virtual") -> list[str]:
    """Everything the harness reports for the site at root: collection problems
    and the problems of every run of every example."""
    examples, problems = collect([root / "mkdocs.yml"], root=root)
    interpreter = interpreter or pythons.default()
    found = [str(p) for p in problems]
    for example in examples:
        for shown in example.runs:
            outcome = RUNS.outcome(example, shown, interpreter, clock)
            found += check(example, shown, outcome, interpreter.minor)
            if clock == "real":
                found += check_real_time(example, shown, outcome, interpreter.minor)
    return found


def script_page(snippet: str, output: str, title: str = "x.py") -> str:
    fence = f'```python title="{title}"\n--8<-- "demo/{title}"\n```\n'
    if output is None:
        return "# P\n\n" + fence
    return f"# P\n\n{fence}\n<!--pytest-codeblocks:expected-output-->\n```text\n{output}```\n"


def planted(tmp_path, snippet: str, output: str | None, **kw) -> list[str]:
    page = script_page(snippet, output)
    return failures(make_site(tmp_path, page, {"demo/x.py": snippet}), **kw)


# --- a correct page ------------------------------------------------------------------


def test_a_correct_page_passes(tmp_path):
    root = make_site(tmp_path, GOOD_PAGE)
    examples, _ = collect([root / "mkdocs.yml"], root=root)
    assert [e.form for e in examples] == ["script", "jupyter"]
    assert failures(root) == []


def test_a_correct_page_passes_in_real_time(tmp_path):
    assert failures(make_site(tmp_path, GOOD_PAGE), clock="real") == []


# --- outputs: compared, exactly --------------------------------------------------------


def test_snippet_that_raises_inside_main_guard_fails(tmp_path):
    raising = (
        'def main():\n    raise ValueError("boom")\n\n\nif __name__ == "__main__":\n    main()\n'
    )
    found = planted(tmp_path, raising, "\n")
    assert any(
        "docs/en/page.md:3 (snippets/demo/x.py; python x.py" in f and "ValueError: boom" in f
        for f in found
    ), found
    assert any("exited with status 1 but the page shows no error" in f for f in found), found


def test_snippet_that_raises_without_output_block_fails(tmp_path):
    found = planted(tmp_path, 'raise SystemExit("stopped")\n', None)
    assert any(
        f.startswith("docs/en/page.md:3 (snippets/demo/x.py; python x.py")
        and "exited with status 1" in f
        for f in found
    ), found


def test_wrong_expected_output_fails_with_a_diff(tmp_path):
    script, jupyter = GOOD_PAGE.split('=== "Jupyter"')
    page = script + '=== "Jupyter"' + jupyter.replace("3.0 s  finished", "3.0 s  done")
    found = failures(make_site(tmp_path, page))
    assert len(found) == 1, found
    assert found[0].startswith("docs/en/page.md:18 (snippets/demo/hello.py:cell; Jupyter"), found
    assert "-3.0 s  done" in found[0] and "+3.0 s  finished" in found[0]
    assert "make outputs PAGE=docs/en/page.md" in found[0]


def test_wrong_timing_fails(tmp_path):
    found = failures(
        make_site(tmp_path, GOOD_PAGE.replace("3.0 s  finished", "1.0 s  finished", 1))
    )
    assert len(found) == 1, found
    assert found[0].startswith("docs/en/page.md:5 (snippets/demo/hello.py; python hello.py")
    assert "-1.0 s  finished" in found[0] and "+3.0 s  finished" in found[0]


def test_a_warning_not_shown_on_the_page_fails(tmp_path):
    found = planted(tmp_path, "async def main():\n    pass\n\n\nmain()\n", None)
    assert len(found) == 1, found
    assert "wrote to stderr" in found[0] and "was never awaited" in found[0]


@pytest.mark.parametrize(
    ("snippet", "shown", "hidden"),
    [
        ("async def main():\n    pass\n\n\nmain()\nprint('done')\n", "...done\n", "never awaited"),
        (
            (
                "import threading\n\n\ndef boom():\n    raise ValueError('in a thread')\n\n\n"
                "t = threading.Thread(target=boom)\nt.start()\nt.join()\nprint('done')\n"
            ),
            "...\ndone\n",
            "Exception in thread",
        ),
    ],
    ids=["never-awaited", "thread-traceback"],
)
def test_an_ellipsis_may_not_hide_a_warning_or_a_traceback(tmp_path, snippet, shown, hidden):
    found = planted(tmp_path, snippet, shown)
    assert any("`...` stands for" in f and hidden in f for f in found), found


def test_an_ellipsis_may_hide_the_inside_of_a_traceback_the_page_shows(tmp_path):
    raising = "def f():\n    raise ValueError('x')\n\n\nf()\n"
    shown = "Traceback (most recent call last):\n...\nValueError: x\n"
    assert planted(tmp_path, raising, shown) == []


def test_exit_status_is_excused_only_by_the_exception_shown(tmp_path):
    """The page shows *an* error and `...`, but not the one the example dies of."""
    raising = 'print("ValueError: shown on purpose")\nraise KeyError("not shown")\n'
    found = planted(tmp_path, raising, "ValueError: shown on purpose\n...\n")
    assert any("exited with status 1 but the page shows no error" in f for f in found), found


def test_an_example_that_never_finishes_fails(tmp_path, monkeypatch):
    monkeypatch.setattr("tools.examples.run.TIMEOUT", 3)
    monkeypatch.setattr("tools.examples.check.TIMEOUT", 3)
    forever = (
        "import socket\n\ns = socket.socket()\ns.bind(('127.0.0.1', 0))\ns.listen()\ns.accept()\n"
    )
    root = make_site(tmp_path, script_page(forever, None), {"demo/x.py": forever})
    examples, _ = collect([root / "mkdocs.yml"], root=root)
    outcome = run(examples[0], examples[0].runs[0], timeout=3)
    found = check(examples[0], examples[0].runs[0], outcome)
    assert found and "still running after 3 s" in found[0], found


def test_an_example_reading_input_fails(tmp_path):
    found = planted(tmp_path, 'name = input("Your name? ")\nprint(name)\n', "Your name? \n")
    assert any("reads standard input" in f for f in found), found


def test_output_that_depends_on_set_order_fails_on_some_python(tmp_path):
    """Each Python runs with its own PYTHONHASHSEED: a set of strings shown in
    one order is printed in another by at least one of them."""
    if len(pythons.interpreters()) < 2:  # CI has more; a contributor may have one
        told = "needs two Pythons: " + "; ".join(pythons.summary())
        pytest.fail(told) if os.environ.get("CI") == "true" else pytest.skip(told)
    snippet = 'print({"asyncio", "threads", "tasks", "loops", "await"})\n'
    shown = None
    found = []
    for interpreter in pythons.interpreters():
        root = make_site(
            tmp_path / interpreter.minor, script_page(snippet, "x\n"), {"demo/x.py": snippet}
        )
        examples, _ = collect([root / "mkdocs.yml"], root=root)
        outcome = run(examples[0], examples[0].runs[0], interpreter)
        shown = shown or outcome.output
        example = examples[0]
        example.runs[0].outputs[0].text = shown
        found += check(example, example.runs[0], outcome, interpreter.minor)
    assert found, "every Python printed the set in the same order"


def test_diffs_show_no_temporary_paths(tmp_path):
    found = planted(tmp_path, "raise ValueError('x')\n", "ValueError: y\n")
    assert found and all("/tmp/" not in f and "example-" not in f for f in found), found


# --- every fence is known, every output compared ----------------------------------------


@pytest.mark.parametrize(
    ("fence", "message"),
    [
        ('```python title="x.py"\nprint("written in the page")\n```', "written in the page"),
        (
            '```py\nimport asyncio\n--8<-- "demo/hello.py"\n```',
            "code written in the page around the include",
        ),
        ('<!--pytest.mark.skip-->\n```python\n--8<-- "demo/hello.py"\n```', "misspelt marker"),
        (
            '<!--pytest.mark.skip(reason="flaky")-->\n```python\n--8<-- "demo/hello.py"\n```',
            "add it with its reason to ALLOWED_SKIPS",
        ),
        (
            (
                '```python\n--8<-- "demo/hello.py"\n```\n\n<!--pytest-codeblock:expected-output-->\n'
                "```text\nhello\n```"
            ),
            "misspelt marker <!--pytest-codeblock:expected-output-->",
        ),
        (
            '```python\n--8<-- "demo/hello.py"\n```\n\n```text\nhello\n```',
            "a text block right under the example at line 5 that nothing compares",
        ),
        ('```\n--8<-- "demo/hello.py"\n```', "nothing runs it; a Python file goes in a ```python"),
        (
            '``` { title="hello.py" }\n--8<-- "demo/hello.py"\n```',
            "nothing runs it; a Python file goes in a ```python",
        ),
        ('--8<-- "demo/hello.py"', "an include outside a fence shows the file as paragraphs"),
        (
            (
                '```python\n--8<-- "demo/hello.py"\n```\n\n<!--pytest-codeblocks:expected-output-->\n'
                "```text\n0.000000 s  hello\n3.000000 s  finished\n```"
            ),
            "times are written with 1 decimal",
        ),
        ('```python\n--8<-- "demo/gone.py"\n```', "Snippet at path"),
    ],
    ids=[
        "inline-code",
        "code-around-include",
        "skip-without-reason",
        "skip-not-allowed",
        "misspelt-output-marker",
        "unmarked-output",
        "bare-fence-around-include",
        "title-only-fence-around-include",
        "include-without-fence",
        "six-decimals",
        "missing-snippet",
    ],
)
def test_a_fence_the_harness_cannot_check_fails(tmp_path, fence, message):
    found = problems_of(make_site(tmp_path, f"# Page\n\nText.\n\n{fence}\n"))
    assert any(f.startswith("docs/en/page.md:") and message in f for f in found), found


def test_a_tilde_fence_is_run_like_any_other(tmp_path):
    page = (
        '# P\n\n~~~python title="hello.py"\n--8<-- "demo/hello.py"\n~~~\n\n'
        "<!--pytest-codeblocks:expected-output-->\n~~~text\n0.0 s  hello\n9.0 s  finished\n~~~\n"
    )
    found = failures(make_site(tmp_path, page))
    assert len(found) == 1 and "+3.0 s  finished" in found[0], found


def test_an_output_moved_below_the_command_is_that_command_s_output(tmp_path):
    page = (
        '# P\n\n```python title="hello.py"\n--8<-- "demo/hello.py"\n```\n\nIn a terminal:\n\n'
        "```bash\npython hello.py\n```\n\n<!--pytest-codeblocks:expected-output-->\n"
        "```text\n0.0 s  hello\n3.0 s  wrong\n```\n"
    )
    found = failures(make_site(tmp_path, page))
    assert len(found) == 1 and "-3.0 s  wrong" in found[0], found


def test_a_command_s_own_output_is_checked(tmp_path):
    leaky = "import asyncio\n\nloop = asyncio.new_event_loop()\nprint('hello')\n"
    page = (
        '# P\n\n```python title="x.py"\n--8<-- "demo/x.py"\n```\n\n'
        "<!--pytest-codeblocks:expected-output-->\n```text\nhello\n```\n\n"
        "```bash\npython -X dev x.py\n```\n\n<!--pytest-codeblocks:expected-output-->\n"
        "```text\nhello\n```\n"
    )
    found = failures(make_site(tmp_path, page, {"demo/x.py": leaky}))
    assert len(found) == 1 and "python -X dev x.py" in found[0], found
    assert "ResourceWarning: unclosed event loop" in found[0]


def test_one_bad_include_does_not_hide_the_other_examples(tmp_path):
    page = GOOD_PAGE + '\n```python title="gone.py"\n--8<-- "demo/gone.py"\n```\n'
    examples, problems = collect([make_site(tmp_path, page) / "mkdocs.yml"], root=tmp_path)
    assert len(examples) == 2 and len(problems) == 1 and "demo/gone.py" in str(problems[0])


def test_a_snippet_that_is_not_utf8_is_named(tmp_path):
    page = '# P\n\n```python title="x.py"\n--8<-- "demo/x.py"\n```\n'
    found = problems_of(make_site(tmp_path, page, {"demo/x.py": "print('é')\n".encode("latin-1")}))
    assert any("demo/x.py" in f and "UTF-8" in f for f in found), found


def test_a_skip_needs_an_allowed_reason(tmp_path, monkeypatch):
    page = '<!--pytest.mark.skip(reason="needs a network")-->\n```python\n--8<-- "demo/hello.py"\n```\n'
    monkeypatch.setitem(
        __import__("tools.examples.pages", fromlist=["x"]).ALLOWED_SKIPS,
        "demo/hello.py",
        "needs a network",
    )
    examples, problems = collect([make_site(tmp_path, page) / "mkdocs.yml"], root=tmp_path)
    assert problems == [] and examples[0].skip_reason == "needs a network"


# --- per-version outputs ------------------------------------------------------------------

VERSIONED = """\
# P

```python title="x.py"
--8<-- "demo/x.py"
```

=== "Python 3.11, 3.12"

    <!--pytest-codeblocks:expected-output-->
    ```text
    {old}
    ```

=== "{label}"

    <!--pytest-codeblocks:expected-output-->
    ```text
    {new}
    ```
"""


def test_per_version_outputs_are_each_checked_on_their_versions(tmp_path):
    snippet = "import sys\n\nprint(sys.version_info >= (3, 13))\n"
    page = VERSIONED.format(old="False", new="True", label="Python 3.13+")
    root = make_site(tmp_path, page, {"demo/x.py": snippet})
    examples, problems = collect([root / "mkdocs.yml"], root=root)
    assert problems == []
    for interpreter in pythons.interpreters():
        outcome = run(examples[0], examples[0].runs[0], interpreter)
        assert check(examples[0], examples[0].runs[0], outcome, interpreter.minor) == []
    swapped = make_site(
        tmp_path / "swapped",
        VERSIONED.format(old="True", new="False", label="Python 3.13+"),
        {"demo/x.py": snippet},
    )
    assert failures(swapped)  # the default Python's tab is wrong


def test_version_tabs_must_cover_every_python(tmp_path):
    page = VERSIONED.format(old="a", new="b", label="Python 3.13+").replace(
        "Python 3.11, 3.12", "Python 3.11"
    )
    found = problems_of(make_site(tmp_path, page, {"demo/x.py": "print('a')\n"}))
    assert any("cover every Python from 3.11 on" in f for f in found), found


# --- Jupyter tabs: the script's cell, as Jupyter shows it -----------------------------------

OTHER_SNIPPET = GOOD_SNIPPET.replace('"hello"', '"other"')


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('"demo/hello.py:cell"', '"demo/other.py:cell"'), "a Jupyter tab shows its script's cell"),
        (("    await main()\n", '    await main()\n    await foo("again")\n'), "ends with"),
        (("    await main()\n", "    await fetch_data()\n"), "ends with"),
        (('=== "Jupyter"', '=== "Notebook"'), 'its label is "Jupyter"'),
    ],
    ids=["swapped-snippet", "extra-line", "other-call", "wrong-label"],
)
def test_a_jupyter_tab_runs_its_script_s_cell(tmp_path, change, message):
    page = GOOD_PAGE.replace(*change)
    found = problems_of(make_site(tmp_path, page, {"demo/other.py": OTHER_SNIPPET}))
    assert any(f.startswith("docs/en/page.md:") and message in f for f in found), found


NOT_OUTPUT_PAGE = """\
# Page

```python title="hello.py"
--8<-- "demo/hello.py"
```

{marker}
```text
0.0 s  hello
9.0 s  not what it prints
```
"""


def test_not_output_under_an_example_needs_a_reviewed_reason(tmp_path, monkeypatch):
    """A block right under an example marked not-output would hide a changed
    output: it fails, unless ALLOWED_NOT_OUTPUTS gives its snippet that reason."""
    from tools.examples import pages

    bare = make_site(tmp_path / "bare", NOT_OUTPUT_PAGE.format(marker="<!--example:not-output-->"))
    found = problems_of(bare)
    assert found and found[0].startswith("docs/en/page.md:7: <!--example:not-output-->"), found
    assert "ALLOWED_NOT_OUTPUTS" in found[0], found
    reason = '<!--example:not-output(reason="a sketch of what a reader might expect")-->'
    reasoned = make_site(tmp_path / "reasoned", NOT_OUTPUT_PAGE.format(marker=reason))
    assert problems_of(reasoned), "a reason the allow-list does not give is no reason"
    monkeypatch.setitem(
        pages.ALLOWED_NOT_OUTPUTS, "demo/hello.py", "a sketch of what a reader might expect"
    )
    assert problems_of(reasoned) == []
    assert problems_of(bare), "the marker without its reason still fails"


def test_russian_tab_labels_are_checked(tmp_path):
    page = GOOD_PAGE.replace("Script / PyCharm", "Jupyter", 1).replace(
        '=== "Jupyter"\n\n    <!--pytest.mark', '=== "Скрипт / PyCharm"\n\n    <!--pytest.mark'
    )
    found = problems_of(make_site(tmp_path, page, lang="ru"))
    assert any('its label is "Скрипт / PyCharm"' in f for f in found), found
    assert any('its label is "Jupyter"' in f for f in found), found


def test_a_jupyter_cell_shows_its_value_as_jupyter_does(tmp_path):
    snippet = 'async def fetch():\n    return {"data": 123}\n'
    page = (
        '# P\n\n<!--pytest.mark.jupyter-->\n```python\n--8<-- "demo/x.py"\nawait fetch()\n```\n\n'
        "<!--pytest-codeblocks:expected-output-->\n```text\n{'data': 123}\n```\n"
    )
    assert failures(make_site(tmp_path, page, {"demo/x.py": snippet})) == []
    silent = page.replace("{'data': 123}", "")
    found = failures(make_site(tmp_path / "silent", silent, {"demo/x.py": snippet}))
    assert found and "+{'data': 123}" in found[0], found


def test_a_transcript_s_errors_are_compared(tmp_path):
    page = (
        "# P\n\n```bash\npython -m asyncio\n```\n\n``` { .pycon .no-copy }\n"
        '--8<-- "demo/repl.pycon"\n```\n'
    )
    transcript = ">>> import asyncio\n>>> await asyncio.wait_for(asyncio.sleep(5), 0.1)\n>>> 1\n1\n"
    found = failures(make_site(tmp_path, page, {"demo/repl.pycon": transcript}))
    assert found and "TimeoutError" in found[0], found


# --- the clock never lies ------------------------------------------------------------------

CPU_WORK = """\
import asyncio
import time


async def ticker():
    for i in range(2):
        print(f"tick {i}")
        await asyncio.sleep(1)


async def main():
    task = asyncio.create_task(ticker())
    end = time.process_time() + 1.2
    while time.process_time() < end:  # 1.2 s of CPU work
        pass
    print("computed")
    await asyncio.sleep(0.5)
    print("slept")
    await task


asyncio.run(main())
"""

REAL_IO = """\
import asyncio


async def answer(reader, writer):
    await asyncio.sleep(0.2)
    writer.write(b"reply\\n")
    await writer.drain()
    writer.close()


async def main():
    server = await asyncio.start_server(answer, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        line = await asyncio.wait_for(reader.readline(), timeout=5)
        print(line.decode().strip())
    except TimeoutError:
        print("timed out")
    writer.close()
    server.close()


asyncio.run(main())
"""

BLOCKING = """\
import asyncio
import time


async def main():
    print("start")
    await asyncio.to_thread(time.sleep, 1)
    print("thread slept")


time.sleep(2)
asyncio.run(main())
"""


@pytest.mark.parametrize(
    ("snippet", "lie", "truth"),
    [
        (
            CPU_WORK,
            "0.0 s  computed\n0.0 s  tick 0\n0.5 s  slept\n1.0 s  tick 1\n",
            "1.2 s  computed\n1.2 s  tick 0\n1.7 s  slept\n2.2 s  tick 1\n",
        ),
        (REAL_IO, "5.0 s  timed out\n", "0.2 s  reply\n"),
        (BLOCKING, "0.0 s  start\n0.0 s  thread slept\n", "2.0 s  start\n3.0 s  thread slept\n"),
    ],
    ids=["cpu-work", "real-io-with-a-timeout", "blocking-sleeps"],
)
def test_the_clock_counts_work_blocking_and_real_io(tmp_path, snippet, lie, truth):
    """What the examples' clock must print, on the example's clock and in real time;
    the old virtual clock's answer fails."""
    assert planted(tmp_path / "truth", snippet, truth) == []
    assert planted(tmp_path / "truth-real", snippet, truth, clock="real") == []
    assert planted(tmp_path / "lie", snippet, lie)


def test_an_hour_of_sleep_is_an_hour(tmp_path):
    long = "import asyncio\n\nasyncio.run(asyncio.sleep(3600))\nprint('done')\n"
    found = planted(tmp_path, long, "done\n")
    assert any("its clock passed 60 s" in f for f in found), found


def test_an_example_that_waits_shows_when(tmp_path):
    found = planted(
        tmp_path, "import asyncio\n\nasyncio.run(asyncio.sleep(1))\nprint('done')\n", "done\n"
    )
    assert any("needs a time column" in f for f in found), found


THREADS_COMPUTING = """\
from threading import Thread


def work():
    total = 0
    for i in range(15_000_000):
        total += i


threads = [Thread(target=work) for _ in range(4)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print("done")
"""


def test_threads_that_compute_are_work_not_waiting(tmp_path):
    """Joining threads that compute is the example's work (it takes longer on
    a slower or busier machine), not a pause a reader should be told about;
    a thread that sleeps is a wait."""
    assert planted(tmp_path / "computing", THREADS_COMPUTING, "done\n") == []
    sleeping = (
        "import threading\nimport time\n\n"
        "thread = threading.Thread(target=time.sleep, args=(1,))\n"
        "thread.start()\nthread.join()\nprint('done')\n"
    )
    found = planted(tmp_path / "sleeping", sleeping, "done\n")
    assert any("needs a time column" in f for f in found), found


class _LoadedMachine:
    """A fake Linux for the examples' clock: real time, the main thread's CPU
    time and run-queue wait, and one moment at which the main thread is kept
    off the CPU (``preempt`` seconds, counted by Linux once it runs again)."""

    def __init__(self, preempt_at: int, preempt: float) -> None:
        self.wall = self.cpu = self.queued = 0.0
        self.reads, self.preempt_at, self.preempt = 0, preempt_at, preempt

    def threads_queued(self) -> dict[int, float]:
        import threading

        found = {threading.main_thread().native_id: self.queued}
        self.reads += 1
        if self.reads == self.preempt_at:  # kept off the CPU right after this reading
            self.wall += self.preempt
            self.queued += self.preempt
        return found

    def thread_queued(self, tid: int) -> float:
        return self.queued


@pytest.mark.parametrize("preempt_at", [1, 2], ids=["as-the-wait-starts", "as-it-ends"])
def test_the_main_thread_kept_off_the_cpu_at_a_wait_s_edge_moves_no_clock(monkeypatch, preempt_at):
    """Linux counts the main thread's run-queue wait only once it is back on a
    CPU: kept off it between reading the waits and reading the clock, as a
    wait starts or ends, it must neither be taken off a wait's time it is not
    in (the example printed early) nor left in one it is in (late)."""
    import importlib.util

    path = Path(__file__).parents[1] / "tools" / "examples" / "sitedir" / "example_clock.py"
    spec = importlib.util.spec_from_file_location("planted_example_clock", path)
    clock_module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(clock_module)
    machine = _LoadedMachine(preempt_at, preempt=0.5)
    monkeypatch.setattr(clock_module, "_real_monotonic", lambda: machine.wall)
    monkeypatch.setattr(clock_module, "_process_cpu", lambda: machine.cpu)
    monkeypatch.setattr(clock_module, "_threads_queued", machine.threads_queued)
    monkeypatch.setattr(clock_module, "_thread_queued", machine.thread_queued, raising=False)
    clock = clock_module._Clock()
    clock.cpu_clock, clock._cpu = 0, lambda: machine.cpu
    with clock.real_wait():
        machine.wall += 1.0  # a real second's wait, nobody queued
    assert clock.read() == pytest.approx(1.0)


def test_the_loop_is_python_s_own(tmp_path):
    probe = (
        "import asyncio\n\n\nasync def main():\n    loop = asyncio.get_running_loop()\n"
        "    print(type(loop).__name__)\n    print(loop)\n\n\nasyncio.run(main())\n"
    )
    shown = (
        "_UnixSelectorEventLoop\n<_UnixSelectorEventLoop running=True closed=False debug=False>\n"
    )
    assert planted(tmp_path, probe, shown) == []


def test_the_real_time_check_catches_lines_away_from_their_times(tmp_path):
    root = make_site(tmp_path, GOOD_PAGE)
    examples, _ = collect([root / "mkdocs.yml"], root=root)
    script = examples[0]
    late = Outcome(
        0,
        "hello\nfinished\n",
        [(0.0, "stdout", "hello"), (3.0 + 2 * TOLERANCE, "stdout", "finished")],
        3.2,
        "python hello.py",
        "3.11.7",
        "real",
    )
    found = check_real_time(script, script.runs[0], late, "3.11")
    assert found and "'finished': shown at 3.0 s, printed at 3.200 s" in found[0], found
    swapped = Outcome(
        0,
        "finished\nhello\n",
        [(0.0, "stdout", "finished"), (3.0, "stdout", "hello")],
        3.0,
        "python hello.py",
        "3.11.7",
        "real",
    )
    assert check_real_time(script, script.runs[0], swapped, "3.11")


def test_the_real_time_check_names_the_real_cause_of_a_long_honest_wait(tmp_path):
    """An honest wait (`await asyncio.sleep(59)`) is not blamed on CPU work or
    blocking I/O: stopped at the real-time limit, it is told as a wait too long
    for that limit; late with no work done, as timers off time."""
    page = GOOD_PAGE.replace("3.0 s  finished", "59.0 s  finished")
    root = make_site(tmp_path, page)
    examples, _ = collect([root / "mkdocs.yml"], root=root)
    script = examples[0]
    stopped = Outcome(
        None, "hello\n", [(0.0, "stdout", "hello")], None, "python hello.py", "3.11.7", "real"
    )
    found = check_real_time(script, script.runs[0], stopped, "3.11")
    assert found and "stopped after 60 s" in found[0] and "59.0 s" in found[0], found
    assert "keep an example's waits under" in found[0] and "CPU" not in found[0], found
    late = Outcome(
        0,
        "hello\nfinished\n",
        [(0.0, "stdout", "hello"), (59.3, "stdout", "finished")],
        59.3,
        "python hello.py",
        "3.11.7",
        "real",
        waited=59.29,
    )
    found = check_real_time(script, script.runs[0], late, "3.11")
    assert found and "worked only 0.01 s" in found[0], found
    assert "CPU work, a blocking call" not in found[0], found


# --- examples cannot touch anything outside their directory ----------------------------------


@pytest.fixture
def sandboxed():
    """The tests of the sandbox itself need it: where bubblewrap cannot run they
    are skipped, saying why (under CI=true, tests/test_examples.py fails instead)."""
    from tools.examples import sandbox

    if found := sandbox.unavailable():
        pytest.skip(f"no sandbox here: {found[0]}")


def test_an_example_cannot_write_or_delete_outside_its_directory(tmp_path, sandboxed):
    """A file of the checkout survives an example that deletes it, and one
    that writes into the checkout fails."""
    from tools.examples.pages import ROOT

    outside = ROOT / ".cache" / f"planted-{tmp_path.name}"
    outside.mkdir(parents=True, exist_ok=True)
    victim = outside / "victim.txt"
    victim.write_text("keep me")
    try:
        vandal = f"import os\n\nos.remove({str(victim)!r})\n"
        found = planted(tmp_path / "vandal", vandal, None)
        assert any("exited with status 1" in f and "Read-only file system" in f for f in found)
        assert victim.read_text() == "keep me"
        escape = f"with open({str(outside / 'escaped')!r}, 'w') as f:\n    f.write('x')\n"
        found = planted(tmp_path / "escape", escape, None)
        assert any("Read-only file system" in f for f in found), found
        assert not (outside / "escaped").exists()
    finally:
        victim.unlink(missing_ok=True)
        outside.rmdir()


def test_a_checkout_under_tmp_is_readable_in_the_sandbox_and_stays_read_only(
    tmp_path, monkeypatch, sandboxed
):
    """The sandbox has a /tmp of its own; a checkout cloned under /tmp (as CI
    may do) must still be there, read-only, or no example can start."""
    from tools.examples import sandbox

    checkout = tmp_path / "clone"
    (checkout / "run").mkdir(parents=True)
    (checkout / "kept.txt").write_text("from the checkout")
    assert checkout.is_relative_to(sandbox.TMP)
    monkeypatch.setattr(sandbox, "ROOT", checkout)
    read = sandbox.wrap(["/bin/cat", str(checkout / "kept.txt")], checkout / "run", [])
    done = subprocess.run(read, capture_output=True, text=True, check=False)
    assert (done.returncode, done.stdout) == (0, "from the checkout"), done.stderr
    write = sandbox.wrap(["/bin/touch", str(checkout / "new.txt")], checkout / "run", [])
    done = subprocess.run(write, capture_output=True, text=True, check=False)
    assert done.returncode != 0 and "Read-only file system" in done.stderr
    assert not (checkout / "new.txt").exists()


# --- where bubblewrap cannot run: the examples run all the same, and say so ------------------

NO_USERNS = '#!/bin/sh\necho "bwrap: setting up uid map: Permission denied" >&2\nexit 1\n'


@pytest.fixture
def no_sandbox(tmp_path, monkeypatch):
    """This machine as Ubuntu 24.04 leaves it: a ``bwrap`` that cannot create
    its namespaces (AppArmor's restriction on), as GitHub's runners log it."""
    from tools.examples import sandbox

    fake = tmp_path / "bin" / "bwrap"
    fake.parent.mkdir()
    fake.write_text(NO_USERNS)
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake.parent}:{os.environ['PATH']}")
    restricted = tmp_path / "apparmor_restrict_unprivileged_userns"
    restricted.write_text("1\n")
    monkeypatch.setattr(sandbox, "APPARMOR_USERNS", restricted)
    sandbox.bwrap.cache_clear()
    sandbox.unavailable.cache_clear()
    yield sandbox
    sandbox.bwrap.cache_clear()
    sandbox.unavailable.cache_clear()


def test_where_bwrap_cannot_make_namespaces_examples_run_unsandboxed_with_the_same_checks(
    tmp_path, no_sandbox
):
    why, how = no_sandbox.unavailable()
    assert "setting up uid map: Permission denied" in why and "AppArmor" in why, why
    assert how == "sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0"
    notice = no_sandbox.notice()
    assert "\n" not in notice and "WITHOUT the sandbox" in notice and how in notice, notice
    unlimited = no_sandbox.wrap(["python3", "x.py"], tmp_path, [], limits=False)
    assert unlimited == ["python3", "x.py"]
    limited = no_sandbox.wrap(["python3", "x.py"], tmp_path, [])
    assert limited[-2:] == ["python3", "x.py"] and f"--data={no_sandbox.MEMORY}" in limited
    # each in a directory of its own, holding only the example; its output still compared
    snippet = 'import os\n\nprint(sorted(os.listdir(".")))\n'
    for shown, fails in (("['x.py']\n", False), ("['y.py']\n", True)):
        page = script_page(snippet, shown)
        root = make_site(tmp_path / f"site-{fails}", page, {"demo/x.py": snippet})
        (example,), _ = collect([root / "mkdocs.yml"], root=root)
        outcome = run(example)
        found = check(example, example.runs[0], outcome, pythons.default().minor)
        assert bool(found) == fails, (outcome, found)
    # the sandbox's limits hold without it
    many = "import subprocess\n\np = [subprocess.Popen(['sleep', '9']) for _ in range(99)]\n"
    found = planted(tmp_path / "many", many, "x\n")
    assert found and "more than 64" in found[0], found


def test_without_bwrap_or_off_linux_the_notice_says_how_to_get_it(monkeypatch):
    from tools.examples import sandbox

    monkeypatch.setattr(sandbox.shutil, "which", lambda name: None)
    monkeypatch.setattr(sandbox.apt, "install", lambda *packages: False)
    for platform, why, how in (
        ("linux", "bubblewrap (bwrap) is not installed", "sudo apt-get install -y bubblewrap"),
        ("darwin", "bubblewrap needs Linux, this is darwin", "CI sandboxes them"),
    ):
        monkeypatch.setattr(sandbox.sys, "platform", platform)
        sandbox.bwrap.cache_clear()
        sandbox.unavailable.cache_clear()
        try:
            notice = sandbox.notice()
        finally:
            sandbox.bwrap.cache_clear()
            sandbox.unavailable.cache_clear()
        assert why in notice and how in notice, notice


def test_an_unsandboxed_run_fails_under_ci_and_is_skipped_saying_why_elsewhere(
    no_sandbox, monkeypatch
):
    from tests.test_examples import test_the_examples_run_in_the_sandbox as the_test

    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no sandbox here"):
        the_test()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception) as failed:
        the_test()
    assert (
        "CI must sandbox them. To make it possible before the tests: sudo sysctl -w kernel.apparmor_restrict"
        in str(failed.value)
    )


@pytest.mark.parametrize(
    "block",
    [
        'Text:\n\n    --8<-- "start/hello_asyncio.py"\n',
        "<pre><code>print('written as HTML')</code></pre>\n",
    ],
    ids=["indented-code-block", "html-pre"],
)
def test_code_a_page_shows_outside_a_fence_fails(tmp_path, block):
    from tools.examples.audit import built_page, unread_blocks
    from tools.examples.pages import load_site
    from tools.examples.planted import build_with

    root = make_site(tmp_path / "site", f"# P\n\n{block}")
    config = root / "mkdocs.yml"
    done = build_with(str(config), root / "docs" / "en", tmp_path / "out", "nav: [page.md]\n")
    assert done.returncode == 0, done.stderr
    site = load_site(config)
    page = root / "docs" / "en" / "page.md"
    html = built_page(site, page, tmp_path / "out").read_text()
    found = unread_blocks(site, page, html, "docs/en/page.md")
    assert found and "does not read" in found[0], found


def test_a_run_that_wrote_no_time_log_is_read_as_nothing(tmp_path):
    """A run that dies before its clock writes anything (a sandbox that hides
    the files, an interpreter that does not start) shows its output, not an
    unpacking error of the harness."""
    from tools.examples.run import _read_log

    assert _read_log(tmp_path / "none.jsonl") == ([], None, False, None, [])


def test_one_python_is_skipped_saying_so_outside_ci_and_fails_under_ci(monkeypatch):
    """A contributor may have one Python (3.11 only, as a user here without pyenv)."""
    import tests.test_examples as module

    monkeypatch.setattr(module, "INTERPRETERS", module.INTERPRETERS[:1])
    monkeypatch.delenv("PYTHONS", raising=False)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="checked on Python 3.11 only"):
        module.test_examples_run_on_more_than_one_python()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true, and the examples were checked"):
        module.test_examples_run_on_more_than_one_python()


# --- output true only on this machine (tools/examples/world.py, sandbox.py) -------------


@pytest.mark.parametrize(
    "snippet",
    [
        "import datetime\nprint(datetime.date.today().year)\n",
        "import os\nprint('hello,', os.environ.get('USER', 'nobody'))\n",
        "import os\nprint(os.cpu_count())\n",
        "import socket\nprint(socket.gethostname())\n",
        "import os\nprint(os.path.basename(os.getcwd()))\n",
        "import time\nprint(time.strftime('%H:%M'))\n",
    ],
    ids=["date", "user", "cpu-count", "host", "directory", "time-zone"],
)
def test_output_true_only_on_this_machine_fails_in_another_world(tmp_path, snippet):
    """What the example prints here, shown on its page, fails in another
    machine's world (where 3.12 and 3.14 run every example), naming
    page:line, snippet and what to do. Planted on the tools' Python, so it
    holds where a contributor has one Python."""
    from tools.examples import world

    assert world.world("3.12") == world.world("3.14") == world.ELSEWHERE
    from tools.examples import sandbox

    if "gethostname" in snippet and (without := sandbox.unavailable()) and not sandbox.in_ci():
        pytest.skip(f"the host name is the sandbox's to set, and it cannot run here: {without[0]}")
    here = run_planted(tmp_path / "here", snippet, pythons.default(), world.HERE)
    root = make_site(tmp_path / "there", script_page(snippet, here.output), {"demo/x.py": snippet})
    examples, _ = collect([root / "mkdocs.yml"], root=root)
    there = run(examples[0], examples[0].runs[0], pythons.default(), place=world.ELSEWHERE)
    found = check(examples[0], examples[0].runs[0], there, pythons.default().minor)
    assert found and "page.md:3" in found[0] and "demo/x.py" in found[0], found
    assert "another machine's world" in found[0], found


def run_planted(tmp_path, snippet, interpreter, place):
    root = make_site(tmp_path, script_page(snippet, "x\n"), {"demo/x.py": snippet})
    examples, _ = collect([root / "mkdocs.yml"], root=root)
    return run(examples[0], examples[0].runs[0], interpreter, place=place)


@pytest.mark.parametrize(
    ("snippet", "output", "message"),
    [
        ("import traitlets\n", "x\n", "imports 'traitlets', which a reader's fresh Python"),
        (
            "print('10%', end='\\r')\nprint('100%')\n",
            "10%\n100%\n",
            "prints a carriage return (\\r), so a terminal shows another text",
        ),
        ("print('\\x1b[31mred\\x1b[0m')\n", "red\n", "an ANSI escape sequence"),
        ("b = bytearray(1500 * 2**20)\nprint(len(b))\n", "1572864000\n", "ran out of the"),
        (
            "import threading, time\nfor _ in range(1000): threading.Thread(target=time.sleep, args=(1,)).start()\n",
            "x\n",
            "ran out of the examples' sandbox",
        ),
        (
            "import subprocess\np = [subprocess.Popen(['sleep', '9']) for _ in range(99)]\n",
            "x\n",
            "more than 64",
        ),
        (
            (
                "import os, time\nfor _ in range(5000):\n    if os.fork() == 0:\n"
                "        time.sleep(30)\n        os._exit(0)\n"
            ),
            "x\n",
            "more than 64",
        ),
        (
            "import warnings\nwarnings.warn('old', DeprecationWarning)\nprint('ok')\n",
            "ok\n",
            "DeprecationWarning",
        ),
    ],
    ids=[
        "not-stdlib",
        "carriage-return",
        "ansi",
        "memory",
        "threads",
        "processes",
        "fork-bomb",
        "deprecation",
    ],
)
def test_what_a_reader_s_terminal_or_python_would_not_show_fails(
    tmp_path, snippet, output, message
):
    found = planted(tmp_path, snippet, output)
    assert found and "page.md:3" in found[0] and "demo/x.py" in found[0], found
    assert message in found[0], found


def test_an_example_that_starts_threads_is_checked_on_every_run(tmp_path):
    """Two threads that print: the output shown must be what every run prints
    (each repeated run switches threads at other moments)."""
    from tools.examples import world

    snippet = (
        "import threading\n"
        "def count(name):\n"
        "    for i in range(3000):\n"
        "        print(name, i)\n"
        "threads = [threading.Thread(target=count, args=(n,)) for n in 'ab']\n"
        "for t in threads: t.start()\n"
        "for t in threads: t.join()\n"
    )
    root = make_site(tmp_path, script_page(snippet, "x\n"), {"demo/x.py": snippet})
    examples, _ = collect([root / "mkdocs.yml"], root=root)
    example, shown = examples[0], examples[0].runs[0]
    first = RUNS.outcome(example, shown, pythons.default())
    assert first.threads
    example.runs[0].outputs[0].text = first.output
    outcomes = [
        RUNS.outcome(example, shown, pythons.default(), repeat=r)
        for r in range(1, world.REPEATS + 1)
    ]
    found = [p for o in outcomes for p in check(example, shown, o)]
    assert found and "(it starts threads)" in found[0], found
