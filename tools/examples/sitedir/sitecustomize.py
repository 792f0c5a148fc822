"""Imported at start-up by every example the harness runs (this directory is
on its PYTHONPATH): the example's clock and the record of when it printed
each line (see example_clock.py); with ``EXAMPLE_TRACE_FILE`` set, also the
trace its timeline is drawn from (see example_trace.py).

asyncio is imported first, so that time 0 is when the example's own first
line runs: the ~30 ms Python takes to import asyncio is not counted (as
Python's own start-up is not). So is the tracer: its modules are imported,
and it is compiled, before it imports example_clock, which starts the clock.
"""

import asyncio  # noqa: F401 - imported before the clock starts (see above)
import os

TRACE = bool(os.environ.get("EXAMPLE_TRACE_FILE"))
if TRACE:
    import example_trace

import example_clock

example_clock.install()
if TRACE:
    example_trace.install()

import example_world

example_world.install()
