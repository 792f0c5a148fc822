"""Visits kept between test runs (``.cache/visits/``), so that a warm
``make test`` loads again in the browser only the pages whose inputs changed.

A visit (visits.py: every per-page check of one page, made on one load per
mode) is kept under everything it can depend on: the page as built (its
folder's files), the same page in the other languages (the language
switcher goes there), the pages every language's sitemap names, the site's ``assets/``, the
browser's version, and the sources of the browser tests, the test server,
the validators and the example harness (copied programs are run), with
``requirements.lock``.

Only the findings of a load are kept, never verdicts: the tests judge a kept
visit as they judge a new one. And a visit is kept only if every test of its
page passed on it, so that a failure is always told of a fresh load. Off when
``CI=true`` or ``FRESH=1`` (tools/examples/stored.py).
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import pickle
import re
from functools import cache
from pathlib import Path

from tests.browser.copying import Copied
from tools.examples.stored import enabled
from tools.site import ROOT

STORE = ROOT / ".cache" / "visits"
LOC = re.compile(r"<loc>(.*?)</loc>")
SOURCES = [
    "tests/conftest.py",
    "tests/browser/*.py",
    "tools/browser.py",
    "tools/site.py",
    "tools/validators/**/*.py",
    "tools/validators/package-lock.json",
    "tools/examples/**/*.py",
    "requirements.lock",
]

__all__ = ["enabled", "key", "load", "save"]

# This process's visits, by name: kept ones used, and ones made now and kept.
used: dict[str, set[str]] = {"kept": set(), "run": set()}


@cache
def _sources() -> str:
    digest = hashlib.sha256()
    for pattern in SOURCES:
        for path in sorted(ROOT.glob(pattern)):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _files(digest, folder: Path, recursive: bool = False) -> None:
    found = folder.rglob("*") if recursive else folder.glob("*")
    for path in sorted(p for p in found if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())


@cache
def _shared(site: Path) -> str:
    """What every page loads or links to: assets and sitemaps."""
    digest = hashlib.sha256()
    _files(digest, site / "assets", recursive=True)
    for sitemap in sorted(site.glob("**/sitemap.xml")):
        # the pages it names (instant navigation reads them), not their dates:
        # an edited page's lastmod is not another page's input
        digest.update(" ".join(LOC.findall(sitemap.read_text(encoding="utf-8"))).encode())
    return digest.hexdigest()


def key(target, site: Path, browser_version: str) -> str:
    """The name ``target``'s visit is kept under (see the module's doc)."""
    from tests.browser.website import languages

    digest = hashlib.sha256()
    for part in (target.id, browser_version, _sources(), _shared(site)):
        digest.update(part.encode() + b"\0")
    for lang in languages():
        if target.missing:
            page = site / lang.prefix / "404.html"
            digest.update(page.read_bytes() if page.is_file() else b"-")
        else:
            folder = site / lang.prefix / target.path
            if folder.is_dir():
                _files(digest, folder)
    return digest.hexdigest()[:32]


def load(name: str):
    """The kept visit ``name``, or None (also when a screenshot it made is gone)."""
    try:
        found = pickle.loads((STORE / f"{name}.visit").read_bytes())
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, TypeError):
        return None
    if not all(Path(path).is_file() for path in found.screenshots):
        return None
    used["kept"].add(name)
    return found


def save(name: str, found) -> None:
    """Keep ``found`` (a Visit), with what its copied programs printed."""
    watches = {
        mode: dataclasses.replace(watch, pending=set()) for mode, watch in found.watches.items()
    }
    copied = found.copied
    if copied is not None:
        copied = Copied(problems=copied.all_problems(), runs=[])
    kept = dataclasses.replace(found, watches=watches, copied=copied)
    STORE.mkdir(parents=True, exist_ok=True)
    partial = STORE / f"{name}.{os.getpid()}.tmp"
    partial.write_bytes(pickle.dumps(kept))
    partial.replace(STORE / f"{name}.visit")
    used["run"].add(name)
