"""Every example on every page runs as a reader runs it, on every Python the
machine has (3.11 and newer), and prints what the page shows under it — times
included, on the example's clock; and every timed example, run once more in
real time, prints the same lines in the same order at the times shown.

Nothing a page shows goes unchecked: every fence is an example, an output
compared with what it prints, a command the tests run, or marked as none of
these (tools/examples/pages.py).
"""

from __future__ import annotations

import subprocess

import pytest

from tests.page_selection import page_mark
from tools.examples import pythons, sandbox, stored, world
from tools.examples.check import check, check_real_time, elisions
from tools.examples.pages import collect
from tools.examples.run import SITEDIR
from tools.examples.run import run as run_example
from tools.site import ROOT

# What these tests are about, for make test PAGE= (tests/page_selection.py).
pytestmark = pytest.mark.about("site", cheap=True)

EXAMPLES, PROBLEMS = collect()
INTERPRETERS = pythons.interpreters()


def _cases():
    for example in EXAMPLES:
        for number, run in enumerate(example.runs):
            suffix = f", {run.command}" if number else ""
            for interpreter in INTERPRETERS:
                test_id = f"{example.where}[{example.form}{suffix}]-{interpreter.minor}"
                yield pytest.param(
                    example, run, interpreter, id=test_id, marks=page_mark(example.page)
                )


def _timed_cases():
    for example in EXAMPLES:
        for number, run in enumerate(example.runs):
            if any(o.timed for o in run.outputs):
                suffix = f", {run.command}" if number else ""
                test_id = f"{example.where}[{example.form}{suffix}]"
                yield pytest.param(example, run, id=test_id, marks=page_mark(example.page))


def _elided_cases():
    for example in EXAMPLES:
        for run in example.runs:
            for shown in run.outputs:
                if "..." in shown.text and example.form != "pycon":
                    test_id = f"{example.page}:{shown.line}"
                    yield pytest.param(
                        example, run, shown, id=test_id, marks=page_mark(example.page)
                    )


CASES = list(_cases())
TIMED = list(_timed_cases())
ELIDED = list(_elided_cases())


@pytest.fixture(scope="module")
def started(batch):
    """Every run, started in the background; the tests wait for theirs."""
    default = pythons.default()
    for case in TIMED:
        example, run = case.values
        if not example.skip_reason:
            batch.submit(example, run, default, "real")
    for case in CASES:
        example, run, interpreter = case.values
        if not example.skip_reason:
            batch.submit(example, run, interpreter, "virtual")
    return batch


def test_pages_have_examples():
    assert len(EXAMPLES) >= 20, (
        f"only {len(EXAMPLES)} Python blocks found on the pages; is the harness reading them?"
    )


def test_every_fence_is_known_and_every_output_compared():
    assert not PROBLEMS, "\n".join(map(str, PROBLEMS))


@pytest.mark.about("nothing")
def test_the_examples_run_in_the_sandbox():
    """Where bubblewrap can run, every example runs in it. Where it cannot, the
    examples run without it (the summary says so, once: tests/conftest.py),
    except under CI=true: CI must sandbox them."""
    found = sandbox.unavailable()
    if found is None:
        assert sandbox.wrap(["true"], ROOT, [])[0] == sandbox.bwrap()
        return
    why, how = found
    if sandbox.in_ci():
        pytest.fail(
            f"CI=true, and the examples ran without the sandbox: {why}. "
            f"CI must sandbox them. To make it possible before the tests: {how} "
            "(.github/workflows/ci.yml does it on GitHub's runners)"
        )
    pytest.skip("no sandbox here: the line under Pythons above says why and how to get it")


@pytest.mark.about("nothing")
def test_examples_run_on_more_than_one_python():
    """CI has more than one (here 3.11, 3.12 and 3.13; GitHub's runner its image's
    3.12 beside the job's): a lone interpreter there means the search broke. A
    contributor may have only one: skipped, saying so."""
    found = [i.minor for i in INTERPRETERS]
    if len(found) >= 2 or pythons._requested():
        return
    told = f"the examples were checked on Python {found[0]} only: " + "; ".join(pythons.summary())
    if not sandbox.in_ci():
        pytest.skip(f"{told} (`make pythons` finds more, from PATH or pyenv)")
    pytest.fail(f"CI=true, and {told}")


@pytest.mark.parametrize(("example", "run", "interpreter"), CASES)
def test_example_prints_what_the_page_shows(example, run, interpreter, started):
    if example.skip_reason:
        pytest.skip(f"{example.where}: {example.skip_reason}")
    problems, outcome = _checked(started, example, run, interpreter)
    if problems and not outcome.world.startswith("this machine"):
        problems = _because_of_the_world(example, run, interpreter, problems)
    # An example that starts threads: more runs, each with another thread
    # switch interval, on the tools' Python (world.REPEATS); every one must print the same.
    if not problems and outcome.threads and interpreter == pythons.default():
        for repeat in range(1, world.REPEATS + 1):
            started.submit(example, run, interpreter, "virtual", repeat)
        for repeat in range(1, world.REPEATS + 1):
            problems += _checked(started, example, run, interpreter, repeat)[0]
    assert not problems, "\n\n".join(problems)


def _checked(started, example, run_, interpreter, repeat=0):
    outcome = started.outcome(example, run_, interpreter, "virtual", repeat)
    problems = check(example, run_, outcome, interpreter.minor)
    if problems and (
        stored.enabled() or started.reused(example, run_, interpreter, "virtual", repeat)
    ):
        # it may be kept from an earlier test run: a failure is only told of a fresh run
        outcome = started.rerun(example, run_, interpreter, "virtual", repeat)
        problems = check(example, run_, outcome, interpreter.minor)
    return problems, outcome


def _because_of_the_world(example, run_, interpreter, problems):
    """A failure in another machine's world (world.py): if this machine's
    world passes, say that the output is true only on this machine."""
    here = run_example(example, run_, interpreter, "virtual", place=world.HERE)
    if check(example, run_, here, interpreter.minor):
        return problems
    return [
        f"{example.where}: it prints what the page shows on this machine, but not on another "
        f"one: its output depends on the date, time zone, user, host name, CPU count or "
        f"working directory, which a reader's machine has otherwise. Make it print the same "
        f"everywhere, or, if that is its point, say so before its fence with "
        f'<!--example:depends-on(what="…", reason="…")--> and the reason in ALLOWED in '
        f"tools/examples/world.py, where a reviewer sees it; what it printed there:\n"
        + "\n".join(problems)
    ]


@pytest.mark.parametrize(("example", "run"), TIMED)
def test_timed_example_keeps_its_times_in_real_time(example, run, started):
    if example.skip_reason:
        pytest.skip(f"{example.where}: {example.skip_reason}")
    default = pythons.default()
    outcome = started.outcome(example, run, default, "real")
    problems = check_real_time(example, run, outcome, default.minor)
    if problems:  # kept from an earlier run, or the machine was busy: once more, alone
        outcome = started.rerun(example, run, default, "real")
        problems = check_real_time(example, run, outcome, default.minor)
    assert not problems, "\n\n".join(problems)


@pytest.mark.parametrize(("example", "run", "shown"), ELIDED)
def test_every_elision_stands_for_what_varies(example, run, shown, started):
    """A ``...`` stands for what differs between runs or machines (addresses,
    paths, timings): one that hides a line every run on every Python prints
    alike hides what the page is there to show."""
    if example.skip_reason:
        pytest.skip(f"{example.where}: {example.skip_reason}")
    ran = [i for i in INTERPRETERS if shown.versions is None or i.minor in shown.versions]
    printed = []
    for interpreter in ran:
        outcome = started.outcome(example, run, interpreter, "virtual")
        printed.append(outcome.timed(shown.decimals) if shown.timed else outcome.output)
    found = elisions(shown, printed)
    assert not found, "\n".join(elision_message(example, line, text) for line, text in found)


def elision_message(example, line: int, text: str) -> str:
    return (
        f"{example.page}:{line}: `...` hides {text!r}, which every run on every Python prints "
        f"alike ({example.describe()}): show it; `...` stands only for what differs between "
        "runs or machines (an address, a path, a time)"
    )


PROBE = """
import asyncio, time, warnings
warnings.simplefilter("error")
async def main():
    await asyncio.sleep(1)
    await asyncio.to_thread(time.sleep, 0)
    async with asyncio.TaskGroup() as group:
        group.create_task(asyncio.sleep(1))
asyncio.run(main())
time.sleep(0.5)
print("no warning")
"""


@pytest.mark.parametrize("interpreter", INTERPRETERS, ids=[i.minor for i in INTERPRETERS])
@pytest.mark.about("nothing")
def test_the_harness_adds_no_warning_of_its_own(interpreter, tmp_path):
    """Under -X dev with every warning an error, the example's clock (loaded
    into every example) uses no deprecated API: nothing of 3.14's event-loop
    policy deprecation, nothing an example would print because of us."""
    python = str(pythons.ensure_venv(interpreter))
    done = subprocess.run(
        [python, "-X", "dev", "-W", "error", "-c", PROBE],
        env={"PYTHONPATH": str(SITEDIR), "EXAMPLE_CLOCK": "virtual", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0 and done.stdout == "no warning\n", done.stdout + done.stderr


def test_every_code_block_a_built_page_shows_is_one_the_harness_reads(built_site):
    """Nothing a page shows escapes the harness (tools/examples/audit.py)."""
    from tools.examples.audit import built_page, unread_blocks
    from tools.examples.pages import load_site, site_configs
    from tools.site import prefix

    problems = []
    for config in site_configs():
        site = load_site(config)
        for page in site.pages():
            html_file = built_page(site, page, built_site / prefix(site.lang))
            where = str(page.relative_to(config.parent))
            problems += unread_blocks(site, page, html_file.read_text(encoding="utf-8"), where)
    assert not problems, "\n".join(problems)


def test_pytest_codeblocks_finds_no_python_block_the_harness_misses():
    """pytest-codeblocks (whose marker syntax the pages use) reads the pages'
    ``` fences independently: every Python block it finds, the harness has."""
    import io
    import re

    from pytest_codeblocks import extract_from_buffer

    from tools.examples.pages import PYTHON_LANGUAGES, load_site, site_configs

    ours = {(e.page, e.line) for e in EXAMPLES}
    missing = []
    for config in site_configs():
        site = load_site(config)
        for page in site.pages():
            # Only the fences: it would stop at a second output block of one
            # example (the harness's per-version outputs), which is not in question here.
            text = re.sub(r"<!--\s*pytest-codeblocks:expected-output\s*-->", "", page.read_text())
            for block in extract_from_buffer(io.StringIO(text)):
                language = (block.syntax or "").strip().lstrip("{").strip().split(" ")[0]
                if language.lstrip(".").lower() in PYTHON_LANGUAGES:
                    rel = page.relative_to(config.parent)
                    if (rel, block.lineno) not in ours:
                        missing.append(f"{rel}:{block.lineno}")
    assert ours and not missing, f"Python blocks the harness does not read: {missing}"
