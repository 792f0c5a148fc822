"""The size budget of every page: what a reader's browser transfers to show it,
at most :data:`BUDGET` bytes (tests/test_assets.py; the fault suite plants a
large example to show it).

A page's weight is its HTML plus every file it loads as it starts, each
counted once: stylesheets, scripts, the icon, images not marked
``loading="lazy"``, the language's ``sitemap.xml`` (Material's instant
navigation reads it at start) and the search worker's script, unless the page
holds it back until search is used as it holds back the index
(overrides/partials/search-on-demand.html). Text is counted gzip-compressed at level 9, as the test
server (tools/browser.py) and static hosts send it; other files as they are.
The whole site's size stays a benchmark (``make lighthouse``, README).

    python -m tools.budget site    # every page's weight, heaviest first
"""

from __future__ import annotations

import gzip
import re
import sys
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path, PurePosixPath
from urllib.parse import urljoin, urlsplit

BUDGET = 100_000  # bytes transferred per page as it starts (the README's 100 kB target)
TEXT = {".html", ".css", ".js", ".mjs", ".json", ".svg", ".xml", ".txt"}

# What a page loads as it starts, by itself: not what it links to.
LOADED = re.compile(
    r"<link\b[^>]*?\brel=\"(?:stylesheet|icon|preload|modulepreload)\"[^>]*?\bhref=\"(?P<href>[^\"]+)\""
    r"|<script\b[^>]*?\bsrc=\"(?P<script>[^\"]+)\""
    r"|<img\b(?P<img>[^>]*)>"
    r"|\"search\":\s*\"(?P<worker>[^\"]+)\""
)
CONFIG_BASE = re.compile(r'"base":\s*"([^"]*)"')
HELD_BACK = "new LaterWorker("  # search-on-demand.html's stand-in for the search worker
SRC = re.compile(r"\bsrc=\"([^\"]+)\"")


@cache
def transferred(path: Path) -> int:
    data = path.read_bytes()
    if path.suffix in TEXT:
        return len(gzip.compress(data, compresslevel=9, mtime=0))
    return len(data)


@dataclass
class Weight:
    page: str  # its address in the site: /ru/tasks/
    html: int
    assets: dict[str, int] = field(default_factory=dict)  # each file once: /assets/x.css -> bytes

    @property
    def total(self) -> int:
        return self.html + sum(self.assets.values())


def loaded(text: str) -> list[str]:
    """The addresses a page loads as it starts, as written in it."""
    urls = []
    if '"navigation.instant"' in text and (base := CONFIG_BASE.search(text)):
        urls.append(base.group(1).rstrip("/") + "/sitemap.xml")
    for match in LOADED.finditer(text):
        if match.group("worker") is not None and HELD_BACK in text:
            continue
        if match.group("img") is not None:
            attributes = match.group("img")
            if 'loading="lazy"' in attributes or not (src := SRC.search(attributes)):
                continue
            urls.append(src.group(1))
        else:
            urls.append(match.group("href") or match.group("script") or match.group("worker"))
    return urls


def weigh(site: Path, html: Path) -> Weight:
    """What ``html`` (a page of the built ``site``) transfers as it starts."""
    address = "/" + html.relative_to(site).as_posix().removesuffix("index.html")
    weight = Weight(address, transferred(html))
    for url in loaded(html.read_text(encoding="utf-8")):
        path = urlsplit(urljoin(address, url)).path
        if urlsplit(url).netloc:
            continue  # another host: tests/test_build.py refuses it
        file = site / PurePosixPath(path).relative_to("/")
        if file.is_file():
            weight.assets[path] = transferred(file)
    return weight


def weights(site: Path) -> list[Weight]:
    """Every page of the built site (404 pages included), heaviest first."""
    pages = sorted(p for p in site.rglob("*.html") if "assets" not in p.relative_to(site).parts)
    return sorted((weigh(site, page) for page in pages), key=lambda w: -w.total)


def kilobytes(size: int) -> str:
    return f"{size / 1000:.1f} kB"


def problems(site: Path, sources: dict[str, str] | None = None) -> list[str]:
    """A message for every page over :data:`BUDGET`, naming the page, its
    source (``sources``: address -> file) and what to do."""
    found = []
    for weight in weights(site):
        if weight.total <= BUDGET:
            continue
        source = (sources or {}).get(weight.page)
        named = f"{source} ({weight.page})" if source else weight.page
        largest = sorted(weight.assets.items(), key=lambda item: -item[1])[:3]
        found.append(
            f"{named}: transfers {kilobytes(weight.total)} as it starts (gzip), over the "
            f"{kilobytes(BUDGET)} budget by {kilobytes(weight.total - BUDGET)}: its HTML "
            f"{kilobytes(weight.html)}, what it loads {kilobytes(weight.total - weight.html)} "
            f"({', '.join(f'{path} {kilobytes(size)}' for path, size in largest)}). "
            "Make the page lighter: move examples or a section to a page of their own, "
            "shorten long outputs or programs, or drop a timeline that repeats another; "
            "`python -m tools.budget site` lists every page's weight"
        )
    return found


if __name__ == "__main__":
    site = Path(sys.argv[1] if len(sys.argv) > 1 else "site")
    for weight in weights(site):
        print(f"{kilobytes(weight.total):>9}  {weight.page}  (HTML {kilobytes(weight.html)})")
