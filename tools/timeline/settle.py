"""What a snippet's trace is, decided from several traced runs, so that
neither a busy machine nor a version of Python is blamed for the other.

Most events of a trace are on the examples' clock alone (skipped waits,
timers): every run gives them at the same time, loaded or not. An event that
comes after a real wait (a thread, real I/O: :attr:`trace.Traced.moves`) is
at the time real time gave, which a busy machine moves: the examples' clock
takes off the time the main thread stood in the run queue, and a thread's
``time.sleep`` does not get shorter for it, so its result mostly comes back
early (``many_tasks/to_thread_blocking_call.py``: at 1.449 s instead of
1.50 s, 1.4 once rounded, with a load average of about 20 on two cores). As
the output check does for such a line (``tools/examples/check.py``: ±0.1 s),
two traces **agree** when they have the same events in the same order, the
clock's events at the same times and the real-time events at most one
rounding step (:data:`STEP`) apart.

:func:`settle` takes the first run on each Python (made side by side with
other traces). When a Python's run does not agree with the committed trace
(or, for a new trace, with the other Pythons' runs), that Python is traced
again, **alone** (:data:`TRIES` runs, up to :data:`MAX_TRIES` until two
agree), and:

* its runs made alone do not agree with each other: the machine is too busy
  to trace this snippet reliably (the events that moved are named); no
  version is blamed, and nothing is written;
* they agree, and differ from another Python's: a difference between
  versions, reported with both event lists;
* all agree: the trace is each event's most common time over the runs (a
  tie goes to the committed trace's time, else to the later one: load makes
  a thread's result early more often than late). A committed trace that
  agrees with it is kept: real time's jitter never rewrites a trace, and
  never makes a committed one "out of date". A new trace with real-time
  events is written only once :data:`WITNESSES` runs agree on it.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from tools.timeline import trace as traces

TIMES = ("t", "end", "due")  # an event's times; everything else must be equal
STEP = 10**-traces.DECIMALS  # one rounding step of the committed times
TRIES = 2  # runs of each Python, alone, when the first runs do not settle it
MAX_TRIES = 4  # ... until two of them agree
WITNESSES = 3  # runs that must agree before a trace with real-time events is written


@dataclass
class Verdict:
    target: traces.Target
    state: str  # "current" (the committed trace stands), "new" (write .trace), "failed"
    trace: dict | None = None
    message: str = ""  # why it failed; for "new", how it differs from the committed trace
    busy: bool = False  # failed because runs of one Python disagree among themselves
    runs: dict[str, int] = field(default_factory=dict)  # Python -> traced runs


def agree(a: dict, b: dict, moves: frozenset[int] | set[int]) -> bool:
    """Whether two traces show the same thing: the same code, the same events
    in the same order, at the same times but for those of ``moves``, which
    may be one :data:`STEP` apart. (Which Pythons made them does not count.)"""
    if (a["snippet"], a["form"], a["code_sha256"]) != (b["snippet"], b["form"], b["code_sha256"]):
        return False
    return _beyond(a["events"], b["events"], moves) == []


def _beyond(a: list[dict], b: list[dict], moves) -> list[int] | None:
    """The indices of the events that differ beyond tolerance; None if the
    event lists do not even pair up (other events, or in another order)."""
    if len(a) != len(b):
        return None
    beyond = []
    for index, (x, y) in enumerate(zip(a, b, strict=True)):
        if {k: v for k, v in x.items() if k not in TIMES} != {
            k: v for k, v in y.items() if k not in TIMES
        } or {k for k in TIMES if k in x} != {k for k in TIMES if k in y}:
            return None
        for key in TIMES:
            if key not in x or x[key] == y[key]:
                continue
            if index not in moves or abs(x[key] - y[key]) > STEP + 1e-9:
                beyond.append(index)
                break
    return beyond


def _moves(runs: list[traces.Traced]) -> frozenset[int]:
    return frozenset().union(*(r.moves for r in runs))


def _merge(runs: list[dict], committed: dict | None, python: list[str]) -> dict:
    """One trace from runs that agree: each time the one most runs give (a
    tie: the committed trace's, else the later)."""
    base = runs[0]
    pinned = committed if committed is not None and agree(committed, base, _ALL) else None
    events = []
    for index, event in enumerate(base["events"]):
        event = dict(event)
        for key in TIMES:
            if key not in event:
                continue
            counts = Counter(run["events"][index][key] for run in runs)
            best = max(counts.values())
            tied = [value for value, count in counts.items() if count == best]
            mine = pinned["events"][index][key] if pinned is not None else None
            event[key] = mine if mine in tied else max(tied)
        events.append(event)
    return {**base, "python": python, "events": events}


class _Everything(frozenset):
    def __contains__(self, item: object) -> bool:
        return True


_ALL = _Everything()  # every event may move (a tie-break only looks for the same events)


def settle(
    target: traces.Target,
    committed: dict | None,
    *,
    snippets=None,
    first: dict[str, traces.Traced] | traces.TraceFailed | None = None,
    alone: Callable[[], contextlib.AbstractContextManager] = contextlib.nullcontext,
) -> Verdict:
    """The trace of ``target`` on every Python found, decided as the module
    says. ``committed``: the trace in docs/traces/ (None: none yet);
    ``first``: a run on each Python already made, side by side with other
    traces (else made here), or why one failed; ``alone``: what a re-trace
    holds so that no other trace runs beside it."""
    if isinstance(first, traces.TraceFailed):
        return Verdict(target, "failed", message=str(first))
    found = traces.pythons()
    runs: dict[str, list[traces.Traced]] = {}
    alone_runs: dict[str, list[traces.Traced]] = {}
    try:
        for python in found:
            made = (first or {}).get(python.minor)
            if made is None:
                made = traces.trace_run(target, python, snippets)
            runs[python.minor] = [made]
        suspects = _suspects(committed, runs)
        if not suspects:
            return _decide(target, committed, runs, alone_runs)
        for python in found:
            if python.minor not in suspects:
                continue
            alone_runs[python.minor] = mine = []
            while len(mine) < MAX_TRIES:
                with alone():
                    mine.append(traces.trace_run(target, python, snippets))
                if len(mine) >= TRIES and _agreeing(mine) is not None:
                    break
            runs[python.minor] += mine
    except traces.TraceFailed as error:
        return Verdict(target, "failed", message=str(error), runs=_counts(runs))
    return _decide(target, committed, runs, alone_runs)


def _counts(runs) -> dict[str, int]:
    return {minor: len(made) for minor, made in runs.items()}


def _same_code(committed: dict | None, trace: dict) -> bool:
    return committed is not None and committed.get("code_sha256") == trace["code_sha256"]


def _suspects(committed: dict | None, runs: dict[str, list[traces.Traced]]) -> list[str]:
    """The Pythons to trace again, alone, after the first run on each: those
    whose run does not agree with the committed trace of the same code; else
    those outside the majority of runs that are alike (all, if none is);
    and all, if the runs agree but real time decides some of their events
    and fewer than :data:`WITNESSES` runs say so."""
    first = {minor: made[0] for minor, made in runs.items()}
    made = list(first.values())
    moves = _moves(made)
    if _same_code(committed, made[0].trace):
        return [m for m, run in first.items() if not agree(committed, run.trace, moves)]
    alike = Counter(json.dumps(run.trace["events"]) for run in made)
    events, count = alike.most_common(1)[0]
    if count == len(made):
        real = any(run.real for run in made)
        return list(first) if real and len(made) < WITNESSES else []
    if count * 2 > len(made):
        return [m for m, run in first.items() if json.dumps(run.trace["events"]) != events]
    return list(first)


def _agreeing(runs: list[traces.Traced]) -> list[traces.Traced] | None:
    """The runs that agree with the first pair of runs that agree, if any."""
    moves = _moves(runs)
    for i, one in enumerate(runs):
        for other in runs[i + 1 :]:
            if agree(one.trace, other.trace, moves):
                return [r for r in runs if agree(one.trace, r.trace, moves)]
    return None


def _decide(target, committed, runs, alone_runs) -> Verdict:
    """The verdict from every run: each Python's trace is its first run's, or,
    if it was traced again, what its runs made alone agree on."""
    counts = _counts(runs)
    everything = [r for made in runs.values() for r in made]
    moves = _moves(everything)
    settled: dict[str, dict] = {}
    for minor, made in runs.items():
        if minor not in alone_runs:
            settled[minor] = made[0].trace
            continue
        kept = _agreeing(alone_runs[minor])
        if kept is None:
            message = _busy(minor, alone_runs[minor])
            return Verdict(target, "failed", message=message, busy=True, runs=counts)
        earlier = [r for r in made[:1] if agree(kept[0].trace, r.trace, moves)]
        settled[minor] = _merge([r.trace for r in kept + earlier], committed, [minor])
    python = list(settled)
    if _same_code(committed, everything[0].trace) and all(
        agree(committed, t, moves) for t in settled.values()
    ):
        return Verdict(target, "current", committed, runs=counts)
    base = settled[python[0]]
    for minor in python[1:]:
        if not agree(base, settled[minor], moves):
            first, again = python[0], minor
            return Verdict(
                target,
                "failed",
                message=(
                    f"the event loop does other things on Python {again} than on {first}, "
                    f"so one timeline cannot show it ({_witnessed(again, runs, alone_runs)}; "
                    f"{_witnessed(first, runs, alone_runs)}):\n"
                    + traces.difference(
                        {**base, "python": [first]}, {**settled[minor], "python": [again]}
                    )
                ),
                runs=counts,
            )
    kept = [r.trace for r in everything if agree(base, r.trace, moves)]
    trace = _merge(kept, committed, python)
    if _same_code(committed, trace) and agree(committed, trace, moves):
        return Verdict(target, "current", committed, runs=counts)
    return Verdict(target, "new", trace, _changed(committed, trace), runs=counts)


def _witnessed(minor: str, runs, alone_runs) -> str:
    """How sure the trace of one Python is: the runs that gave it."""
    if minor in alone_runs:
        alike = len(_agreeing(alone_runs[minor]) or [])
        return f"{minor} gave the same in {alike} runs made alone"
    made = len(runs[minor])
    return f"{minor} in its one run" if made == 1 else f"{minor} in each of its {made} runs"


def _changed(committed: dict | None, trace: dict) -> str:
    if committed is None:
        return "no trace yet"
    if committed.get("code_sha256") != trace["code_sha256"]:
        return "the snippet changed"
    return "it traces to other events now:\n" + traces.difference(
        {**committed, "python": ["committed"]}, {**trace, "python": ["traced now"]}
    )


def _busy(minor: str, runs: list[traces.Traced]) -> str:
    """Runs of one Python that disagree: which events moved, run by run."""
    head = (
        f"the machine is too busy to trace this snippet reliably: {len(runs)} runs on "
        f"Python {minor}, each alone, gave different events (this is not a difference "
        "between Pythons, and no reason to change the trace; try again when the machine "
        "is quieter)"
    )
    events = [r.trace["events"] for r in runs]
    if any(len(e) != len(events[0]) for e in events) or any(
        _beyond(events[0], e, _ALL) is None for e in events
    ):
        other = next(r for r in runs[1:] if r.trace["events"] != runs[0].trace["events"])
        return (
            head
            + ":\n"
            + traces.difference(
                {**runs[0].trace, "python": [f"{minor}, run 1"]},
                {**other.trace, "python": [f"{minor}, run {runs.index(other) + 1}"]},
            )
        )
    lines = []
    for index, event in enumerate(events[0]):
        for key in TIMES:
            values = [e[index].get(key) for e in events]
            if key in event and len(set(values)) > 1:
                label = {k: v for k, v in event.items() if k not in (*TIMES, "await")}
                at = ", ".join(f"{v:.{traces.DECIMALS}f} s" for v in values)
                lines.append(f"  event {index + 1} ({key}) {json.dumps(label)}: at {at}")
    return head + "; the events that moved (one time per run):\n" + "\n".join(lines)


# --- re-traces alone, beside a pool of other traces --------------------------------


class Alone:
    """Traces side by side hold :meth:`beside`; a re-trace holds :meth:`alone`,
    which waits until none runs and keeps new ones waiting meanwhile."""

    def __init__(self) -> None:
        self._lock = threading.Condition()
        self._beside = 0
        self._alone = False
        self._waiting = 0

    @contextlib.contextmanager
    def beside(self):
        with self._lock:
            self._lock.wait_for(lambda: not self._alone and not self._waiting)
            self._beside += 1
        try:
            yield
        finally:
            with self._lock:
                self._beside -= 1
                self._lock.notify_all()

    @contextlib.contextmanager
    def alone(self):
        with self._lock:
            self._waiting += 1
            self._lock.wait_for(lambda: not self._alone and not self._beside)
            self._waiting -= 1
            self._alone = True
        try:
            yield
        finally:
            with self._lock:
                self._alone = False
                self._lock.notify_all()


def first_runs(
    target: traces.Target, snippets=None, beside: Callable = contextlib.nullcontext
) -> dict[str, traces.Traced] | traces.TraceFailed:
    """One run on each Python (what a pool makes side by side), or why one failed."""
    made = {}
    for python in traces.pythons():
        try:
            with beside():
                made[python.minor] = traces.trace_run(target, python, snippets)
        except traces.TraceFailed as error:
            return error
    return made


def machine_busy() -> bool:
    """Whether more is runnable than there are CPUs (the last minute's load)."""
    try:
        return os.getloadavg()[0] > (os.cpu_count() or 1)
    except OSError:
        return False
