"""A link check of the built HTML, every language: every internal link and
anchor (``<a href>``, ``<link href>``, ``<img src>``, ``<script src>``, …, the
sitemap and the search index) points at a file of the built site, and every
``#fragment`` at an element of that page. Links to other sites are not
fetched (the tests make no request outside 127.0.0.1); links to the site's own
address (``site_url``: canonical links, the sitemap) are checked as internal.
"""

from __future__ import annotations

import json
import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from mkdocs.config import load_config

from tests.browser.website import languages

# What these tests are about, for make test PAGE= (tests/page_selection.py).
pytestmark = pytest.mark.about("site", cheap=True)

URL_ATTRIBUTES = {
    "a": ["href"],
    "link": ["href"],
    "img": ["src", "srcset"],
    "script": ["src"],
    "source": ["src", "srcset"],
    "iframe": ["src"],
    "video": ["src", "poster"],
    "audio": ["src"],
    "object": ["data"],
    "embed": ["src"],
    "form": ["action"],
}


class Parsed(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.urls: list[tuple[str, str, int]] = []  # (tag, url, line)

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        for name in ("id", "name") if tag in {"a", "map"} else ("id",):
            if values.get(name):
                self.ids.add(values[name])
        for attribute in URL_ATTRIBUTES.get(tag, []):
            value = values.get(attribute)
            if not value:
                continue
            if attribute == "srcset":
                for candidate in value.split(","):
                    self.urls.append((tag, candidate.strip().split(" ")[0], self.getpos()[0]))
            else:
                self.urls.append((tag, value.strip(), self.getpos()[0]))


@cache
def parse(path: Path) -> Parsed:
    parsed = Parsed()
    parsed.feed(path.read_text(encoding="utf-8"))
    return parsed


def own_hosts() -> set[str]:
    return {
        urlsplit(load_config(str(lang.config))["site_url"] or "").netloc for lang in languages()
    } - {""}


def url_of(html: Path, built_site: Path) -> str:
    """The address a built file is served at: ``/ru/tasks/`` for ru/tasks/index.html."""
    relative = html.relative_to(built_site).as_posix()
    if relative == "index.html" or relative.endswith("/index.html"):
        return "/" + relative[: -len("index.html")]
    return "/" + relative


def target_file(path: str, built_site: Path) -> Path | None:
    """The file of the built site a static host serves for ``path``."""
    local = built_site / unquote(path).lstrip("/")
    if path.endswith("/") or local.is_dir():
        local = local / "index.html"
    return local if local.is_file() else None


def check(source: str, url: str, base: str, built_site: Path, hosts: set[str]) -> str | None:
    """What is wrong with one link, or None."""
    parts = urlsplit(url)
    if parts.scheme in {"data", "mailto", "javascript", "tel", "blob"}:
        return None
    if parts.netloc and parts.netloc not in hosts:
        return None  # another site: not fetched
    if parts.netloc:
        # The site's own address: its path is relative to the server's root.
        absolute = parts.path or "/"
    else:
        absolute = urlsplit(urljoin(base, url)).path
    target = target_file(absolute, built_site)
    if target is None:
        return f"{source}: {url} -> {absolute} is not in the built site"
    fragment = unquote(parts.fragment)
    if fragment and target.suffix == ".html" and fragment not in parse(target).ids:
        return f"{source}: {url} -> no id {fragment!r} in {target.relative_to(built_site)}"
    return None


def test_no_broken_internal_links(built_site):
    hosts = own_hosts()
    pages = sorted(built_site.rglob("*.html"))
    assert pages, "no HTML in the built site"
    broken, checked = [], 0
    for html in pages:
        relative = html.relative_to(built_site)
        if relative.parts[0] == "assets":
            continue  # the theme's own files (none link anywhere today)
        base = url_of(html, built_site)
        for tag, url, line in parse(html).urls:
            if url.startswith("#") and len(url) > 1:
                fragment = unquote(url[1:])
                if fragment not in parse(html).ids:
                    broken.append(f"{relative}:{line}: <{tag}> {url}: no such id on this page")
                checked += 1
                continue
            if url in {"#", ""}:
                continue
            problem = check(f"{relative}:{line}: <{tag}>", url, base, built_site, hosts)
            checked += 1
            if problem:
                broken.append(problem)
    assert checked > 100, f"only {checked} links found; is the check reading the pages?"
    assert not broken, f"{len(broken)} broken internal links:\n" + "\n".join(broken)


def test_sitemaps_and_search_indexes_point_at_pages(built_site):
    hosts = own_hosts()
    broken, checked = [], 0
    for lang in languages():
        root = built_site / lang.prefix
        sitemap = root / "sitemap.xml"
        assert sitemap.is_file(), f"no {sitemap.relative_to(built_site)}"
        for loc in re.findall(r"<loc>(.*?)</loc>", sitemap.read_text(encoding="utf-8")):
            checked += 1
            if problem := check(str(sitemap.relative_to(built_site)), loc, "/", built_site, hosts):
                broken.append(problem)
        index = root / "search" / "search_index.json"
        assert index.is_file(), f"no {index.relative_to(built_site)}"
        for doc in json.loads(index.read_text(encoding="utf-8"))["docs"]:
            checked += 1
            source = f"{index.relative_to(built_site)} ({doc['title']!r})"
            if problem := check(source, doc["location"], "/" + lang.prefix, built_site, hosts):
                broken.append(problem)
    assert checked, "no sitemap entries or search documents found"
    assert not broken, "\n".join(broken)
