"""Every Python block on every page runs as a reader would run it and prints
what the page shows under it (times included, on a virtual clock)."""

import pytest

from tests.harness.pages import collect
from tests.harness.run import check, run

EXAMPLES, PROBLEMS = collect()


def test_pages_have_examples():
    assert len(EXAMPLES) >= 20, (
        f"only {len(EXAMPLES)} Python blocks found on the pages; is the harness reading them?"
    )


def test_every_python_fence_is_runnable_or_marked():
    assert not PROBLEMS, "\n".join(map(str, PROBLEMS))


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.test_id for e in EXAMPLES])
def test_example_prints_what_the_page_shows(example):
    if example.skip_reason:
        pytest.skip(f"{example.where}: {example.skip_reason}")
    problems = check(example, run(example))
    assert not problems, "\n\n".join(problems)
