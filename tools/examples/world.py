"""The world an example runs in: what differs between this machine and a
reader's, chosen so that output true only here fails.

Each Python runs its examples in one of two worlds, by its minor version, as
each has its own ``PYTHONHASHSEED``: **this machine** (3.11, 3.13, 3.15:
the date, time zone, host name and CPU count are the machine's, no ``USER``)
and **another machine** (3.12, 3.14: five years, 100 days and 7 h 13 min
later, in a time zone 12:45 east of UTC, user ``ada`` with her home, host
``ada-laptop``, the CPU count plus 5, the working directory named otherwise).
Every example already runs on every Python and its output must be the one
the page shows on each, so an example whose output depends on any of these
fails on one of them, at no extra run: locally on 3.12, on GitHub in the
3.12 and 3.14 jobs. (The real-time pass stays in this machine's world: it
runs only timed examples, on one Python.) The hash seed differs on every
Python already (``run.hash_seed``).

An example whose output really depends on one of these says so on its page,
``<!--example:depends-on(what="date", reason="…")-->`` right before its
fence, with the reason :data:`ALLOWED` gives for its snippet; in the other
world that one thing is then left as this machine's.

Examples that start threads run :data:`REPEATS` more times (on the tools'
Python, each with another thread switch interval), and every run must print
what the page shows.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace

ASPECTS = {
    "date": "the date and time of day",
    "time-zone": "the time zone",
    "user": "the user name (USER, LOGNAME) and home directory",
    "host": "the host name",
    "cpu-count": "the CPU count (os.cpu_count(), os.process_cpu_count())",
    "directory": "the working directory's name",
}
# snippet -> {aspect: why its output depends on it}; reviewed like ALLOWED_SKIPS.
ALLOWED: dict[str, dict[str, str]] = {}
REPEATS = 2  # more runs of an example that starts threads
SWITCH_INTERVALS = ("0.000001", "0.02")  # seconds, one per repeat (Python's default: 0.005)


@dataclass(frozen=True)
class World:
    name: str
    date_shift: float = 0.0  # seconds added to every wall clock
    time_zone: str | None = None  # TZ; None: the machine's
    user: str | None = None  # USER and LOGNAME; None: unset
    home: str = "home"  # the home directory's name
    host: str | None = None  # None: the machine's host name
    more_cpus: int = 0  # added to the machine's CPU count
    directory: str = "run"  # the working directory's name

    def without(self, aspects: frozenset[str]) -> World:
        """This world with ``aspects`` left as this machine's."""
        here = HERE
        changes = {
            "date": {"date_shift": here.date_shift},
            "time-zone": {"time_zone": here.time_zone},
            "user": {"user": here.user, "home": here.home},
            "host": {"host": here.host},
            "cpu-count": {"more_cpus": here.more_cpus},
            "directory": {"directory": here.directory},
        }
        world = self
        for aspect in aspects:
            world = replace(world, **changes[aspect])
        return world

    def environment(self, home: str) -> dict[str, str]:
        env = {"HOME": home}
        if self.date_shift:
            env["EXAMPLE_DATE_SHIFT"] = str(self.date_shift)
        if self.time_zone:
            env["TZ"] = self.time_zone
        if self.user:
            env["USER"] = env["LOGNAME"] = self.user
        if self.more_cpus:
            count = (os.cpu_count() or 1) + self.more_cpus
            env["EXAMPLE_CPU_COUNT"] = env["PYTHON_CPU_COUNT"] = str(count)
        return env

    def describe(self) -> str:
        if self == HERE:
            return "this machine's world"
        parts = []
        if self.date_shift:
            parts.append("another date and time")
        if self.time_zone:
            parts.append(f"time zone {self.time_zone}")
        if self.user:
            parts.append(f"user {self.user!r}, home {self.home!r}")
        if self.host:
            parts.append(f"host {self.host!r}")
        if self.more_cpus:
            parts.append(f"{(os.cpu_count() or 1) + self.more_cpus} CPUs")
        parts.append(f"working directory {self.directory!r}")
        return "another machine's world (" + ", ".join(parts) + ")"


HERE = World("here")
ELSEWHERE = World(
    "elsewhere",
    date_shift=(5 * 365 + 100) * 86400 + 7 * 3600 + 13 * 60,
    time_zone="<+1245>-12:45",
    user="ada",
    home="ada",
    host="ada-laptop",
    more_cpus=5,
    directory="my project",
)


def world(minor: str, depends_on: frozenset[str] = frozenset()) -> World:
    """The world a Python (``"3.12"``) runs an example in."""
    if int(minor.split(".")[1]) % 2:
        return HERE
    return ELSEWHERE.without(depends_on)
