"""Every mistake a contributor can make (tools/faults.py), planted in a
throw-away copy of the project, is caught by the check the suite runs, with a
first message that names the page or file and says what to do."""

from __future__ import annotations

import importlib

import pytest

from tools.faults import FAULTS, plant_and_check


@pytest.mark.parametrize("fault", FAULTS, ids=[f.name for f in FAULTS])
def test_the_fault_is_caught_with_a_message_that_names_the_page(fault):
    caught = plant_and_check(fault)
    assert caught.messages, f"{fault.name}: nothing caught it"
    assert fault.names in caught.first, (
        f"{fault.name}: the first message does not name {fault.names}:\n{caught.first}"
    )


@pytest.mark.parametrize("fault", FAULTS, ids=[f.name for f in FAULTS])
def test_the_test_said_to_catch_it_exists(fault):
    module, name = fault.caught_by.split("::")
    tests = importlib.import_module(module.removesuffix(".py").replace("/", "."))
    assert callable(getattr(tests, name, None)), f"{fault.caught_by} is not a test"
