"""Example outcomes kept between test runs (``.cache/outcomes/``), so that a
warm ``make test`` runs again only the examples whose inputs changed.

An outcome is stored under a name made of everything that can change it:
the example's form, code (its snippets expanded as the page shows them),
command and file name, the interpreter's path and exact version, the clock,
and :func:`inputs`: the harness's own sources (``tools/examples/``, the
``sitecustomize`` and clocks in ``sitedir/`` included) and
``requirements.lock``. What the page shows is not part of it: every test
compares the outcome with the page as it is now.

Only runs are reused, never verdicts: a test whose reused outcome does not
match its page runs the example again before it fails (tests/test_examples.py),
so a stored failure is never reported, and a stored outcome never passes a
page it was not compared with.

Off (everything runs from scratch) when ``CI=true`` or ``FRESH=1``.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from functools import cache
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
STORE = ROOT / ".cache" / "outcomes"

# This process's runs, by stored name: kept ones used, and ones run now.
used: dict[str, set[str]] = {"kept": set(), "run": set()}


def enabled() -> bool:
    return os.environ.get("CI") != "true" and os.environ.get("FRESH", "") in ("", "0")


@cache
def inputs() -> str:
    """A digest of the harness's sources and the lock file."""
    digest = hashlib.sha256()
    files = sorted(HERE.rglob("*.py")) + [ROOT / "requirements.lock"]
    for path in files:
        if "__pycache__" in path.parts:
            continue
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def name(key: tuple) -> str:
    return hashlib.sha256((repr(key) + inputs()).encode()).hexdigest()[:32]


def load(key: tuple):
    """The stored outcome of ``key``, or None."""
    path = STORE / f"{name(key)}.outcome"
    try:
        outcome = pickle.loads(path.read_bytes())
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, TypeError):
        return None
    used["kept"].add(name(key))
    return outcome


def save(key: tuple, outcome) -> None:
    used["run"].add(name(key))
    used["kept"].discard(name(key))
    STORE.mkdir(parents=True, exist_ok=True)
    path = STORE / f"{name(key)}.outcome"
    partial = path.with_suffix(f".{os.getpid()}.tmp")
    partial.write_bytes(pickle.dumps(outcome))
    partial.replace(path)
