"""A warm ``make test`` reuses what did not change, and only that: an
example's outcome is kept under everything that can change it
(tools/examples/stored.py), a kept outcome is never the reason a test fails
or passes a page it was not compared with, and ``CI=true`` or ``FRESH=1``
run everything from scratch.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from tools.examples import batch, pythons, stored
from tools.examples.pages import Example, Run
from tools.examples.run import Outcome

# What these tests are about, for make test PAGE= (tests/page_selection.py).
pytestmark = pytest.mark.about("nothing")

INTERPRETER = pythons.default()


def _example(code: str = 'print("hello")\n', command=("hello.py",)) -> tuple[Example, Run]:
    run_ = Run(tuple(command), 1)
    example = Example(
        Path("docs/en/x.md"), "en", 1, 'python title="hello.py"', code, [], "script", runs=[run_]
    )
    return example, run_


def _outcome(text: str) -> Outcome:
    return Outcome(0, text, [(0.0, "stdout", text.rstrip("\n"))], 0.0, "python hello.py", "3", "")


@pytest.fixture
def runs(monkeypatch, tmp_path):
    """The store in a temporary folder; ``runs.made`` counts real runs, whose
    output is ``runs.prints``."""
    monkeypatch.setattr(stored, "STORE", tmp_path / "outcomes")
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("FRESH", raising=False)

    class Runs:
        made = 0
        prints = "hello\n"

    def fake_run(example, run_, interpreter, clock):
        Runs.made += 1
        return _outcome(Runs.prints)

    monkeypatch.setattr(batch, "run", fake_run)
    return Runs


def test_an_unchanged_example_is_not_run_again(runs):
    example, run_ = _example()
    first = batch.Batch()
    assert first.outcome(example, run_, INTERPRETER).output == "hello\n"
    assert runs.made == 1 and not first.reused(example, run_, INTERPRETER, "virtual")
    second = batch.Batch()
    assert second.outcome(example, run_, INTERPRETER).output == "hello\n"
    assert runs.made == 1 and second.reused(example, run_, INTERPRETER, "virtual")


@pytest.mark.parametrize(
    "change",
    ["code", "command", "interpreter version", "clock", "harness source", "lock file"],
)
def test_each_input_of_a_run_changes_what_it_is_kept_under(change, monkeypatch):
    example, run_ = _example()
    before = stored.name(batch.key(example, run_, INTERPRETER, "virtual"))
    interpreter, clock = INTERPRETER, "virtual"
    if change == "code":
        example = dataclasses.replace(example, code='print("hello!")\n')
    elif change == "command":
        example, run_ = _example(command=("-X", "dev", "hello.py"))
    elif change == "interpreter version":
        interpreter = dataclasses.replace(INTERPRETER, version=(3, 99, 0))
    elif change == "clock":
        clock = "real"
    else:  # what inputs() reads: the harness's sources, requirements.lock
        real = stored.inputs()
        stored.inputs.cache_clear()
        source = "sitedir/example_clock.py" if change == "harness source" else None
        original = Path.read_bytes

        def read_bytes(path):
            data = original(path)
            changed = (
                path.name == "requirements.lock" if source is None else str(path).endswith(source)
            )
            return data + b"#" if changed else data

        monkeypatch.setattr(Path, "read_bytes", read_bytes)
        assert stored.inputs() != real
    after = stored.name(batch.key(example, run_, interpreter, clock))
    stored.inputs.cache_clear()
    assert after != before


def test_a_kept_outcome_run_again_replaces_what_is_kept(runs):
    """What tests/test_examples.py does when a kept outcome does not match its
    page: it runs the example again before it reports anything."""
    example, run_ = _example()
    batch.Batch().outcome(example, run_, INTERPRETER)
    runs.prints = "hello, changed\n"
    again = batch.Batch()
    assert again.outcome(example, run_, INTERPRETER).output == "hello\n"  # kept
    assert again.rerun(example, run_, INTERPRETER, "virtual").output == "hello, changed\n"
    assert not again.reused(example, run_, INTERPRETER, "virtual")
    assert batch.Batch().outcome(example, run_, INTERPRETER).output == "hello, changed\n"
    assert runs.made == 2


@pytest.mark.parametrize("setting", [("CI", "true"), ("FRESH", "1")])
def test_ci_and_fresh_run_everything(runs, monkeypatch, setting):
    example, run_ = _example()
    batch.Batch().outcome(example, run_, INTERPRETER)
    monkeypatch.setenv(*setting)
    fresh = batch.Batch()
    fresh.outcome(example, run_, INTERPRETER)
    assert runs.made == 2 and not fresh.reused(example, run_, INTERPRETER, "virtual")


def test_a_kept_failure_is_run_again_before_it_is_reported(runs, monkeypatch):
    """The test of an example whose kept outcome fails its page runs it again:
    the page is judged by a fresh run (here the example was fixed meanwhile
    in a way the key cannot see, as a flaky real-time run would be)."""
    import tests.test_examples as examples_tests

    example, run_ = _example()
    runs.prints = "wrong\n"
    batch.Batch().outcome(example, run_, INTERPRETER)
    runs.prints = "hello\n"
    started = batch.Batch()
    checked = []

    def check(example, run_, outcome, minor=None):
        checked.append(outcome.output)
        return [] if outcome.output == "hello\n" else ["wrong output"]

    monkeypatch.setattr(examples_tests, "check", check)
    examples_tests.test_example_prints_what_the_page_shows(example, run_, INTERPRETER, started)
    assert checked == ["wrong\n", "hello\n"]
