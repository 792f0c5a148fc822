"""Every mistake a contributor can make (tools/faults.py), planted in a
throw-away copy of the project, is caught by the check the suite runs, with a
first message that names the page or file and says what to do."""

from __future__ import annotations

import importlib
import os

import pytest

from tools.faults import FAULTS, plant_and_check


def _other_world() -> bool:
    from tools.examples import pythons, world

    return any(world.world(i.minor) != world.HERE for i in pythons.interpreters())


# What these tests are about, for make test PAGE= (tests/page_selection.py): most
# faults are planted in the await page, and an edit there can keep one from being planted.
pytestmark = pytest.mark.about(page="docs/en/await.md")


@pytest.mark.parametrize("fault", FAULTS, ids=[f.name for f in FAULTS])
def test_the_fault_is_caught_with_a_message_that_names_the_page(fault):
    if fault.other_world and not _other_world() and os.environ.get("CI") != "true":
        pytest.skip(
            "only a Python that runs in another machine's world (3.12, 3.14) catches it, "
            "and there is none here (`make pythons`); CI has them"
        )
    caught = plant_and_check(fault)
    assert caught.messages, f"{fault.name}: nothing caught it"
    assert fault.names in caught.first, (
        f"{fault.name}: the first message does not name {fault.names}:\n{caught.first}"
    )


@pytest.mark.parametrize("fault", FAULTS, ids=[f.name for f in FAULTS])
@pytest.mark.about("nothing")
def test_the_test_said_to_catch_it_exists(fault):
    module, name = fault.caught_by.split("::")
    tests = importlib.import_module(module.removesuffix(".py").replace("/", "."))
    assert callable(getattr(tests, name, None)), f"{fault.caught_by} is not a test"


@pytest.mark.parametrize("document", ["ARCHITECTURE.md"])
@pytest.mark.about("nothing")
def test_the_documents_show_every_fault(document):
    from tools.faults import ROOT, shown_table

    shown = shown_table(ROOT / document)
    wanted = [(f.name, f.caught_by.split("::")[-1]) for f in FAULTS]
    assert shown == wanted, (
        f"{document}'s table of faults is not the fault suite's: run "
        f"`.venv/bin/python -m tools.faults --write ARCHITECTURE.md`"
    )
