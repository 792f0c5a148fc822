"""The run's summary says how many example runs were kept from an earlier
test run (tools/examples/stored.py) and how many ran now, across
pytest-xdist's test processes, and how to run everything from scratch."""

from __future__ import annotations

from tools.examples import stored

_seen: dict[str, set[str]] = {"kept": set(), "run": set()}


def pytest_sessionfinish(session):
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:  # a pytest-xdist test process: tell the controller
        workeroutput["example_runs"] = {k: sorted(v) for k, v in stored.used.items()}
    else:
        _add(stored.used)


def pytest_testnodedown(node, error):
    _add(getattr(node, "workeroutput", {}).get("example_runs", {}))


def _add(used) -> None:
    for kind, names in used.items():
        _seen[kind].update(names)


def pytest_terminal_summary(terminalreporter):
    run_now, kept = _seen["run"], _seen["kept"] - _seen["run"]
    if not run_now and not kept:
        return
    terminalreporter.section("Example runs")
    if not stored.enabled():
        terminalreporter.write_line(f"{len(run_now)} run now, none kept (CI=true or FRESH=1)")
        return
    terminalreporter.write_line(
        f"{len(run_now)} run now; {len(kept)} kept from an earlier test run, their inputs "
        "unchanged (.cache/outcomes/; make test FRESH=1 runs every one)"
    )
