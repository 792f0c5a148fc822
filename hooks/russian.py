"""Russian words that agree with a number, for the hooks that write counts
into the Russian pages (``hooks/measured.py``, ``hooks/testing.py``).

Not a mkdocs hook itself: nothing here is registered in ``mkdocs.yml``.
"""

from __future__ import annotations


def plural(n: int, one: str, few: str, many: str) -> str:
    """The form of a word that goes with the number ``n``: ``one`` after 1,
    21, 101… (but not 11), ``few`` after 2–4, 22–24… (but not 12–14),
    ``many`` after the rest: 1 процессор, 2 процессора, 5 процессоров,
    11 процессоров, 21 процессор. The three forms are given by the caller, in
    whatever case the sentence needs (после «из»: запуска, запусков, запусков)."""
    n = abs(int(n))
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


# The machine's CPUs, as os.cpu_count() counts them (logical processors): the
# one word both hooks use for them in Russian.
CPUS = ("процессор", "процессора", "процессоров")


def cpus(n: int) -> str:
    """``2`` -> "2 процессора"; ``1`` -> "1 процессор"; ``5`` -> "5 процессоров"."""
    return f"{n}\u00a0{plural(n, *CPUS)}"
