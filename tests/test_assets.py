"""The built site carries only what readers load (hooks/assets.py, hooks/search_scope.py,
tools/site.py):

* no source maps, and no comment pointing at one;
* one ``/assets/`` for every language: the pages of each language load their
  stylesheets, scripts and search worker from it, and no language has a copy;
* of lunr's language files, only those the search worker loads for the
  site's search languages;
* the search indexes are written as UTF-8 (Cyrillic as itself, not ``\\uXXXX``),
  and hold the pages' prose and outputs but not their programs.

* every page (404 pages included), with what it loads as it starts, transfers
  at most 100 kB (gzip; each file counted once per page: tools/budget.py).

(The whole site's size stays a benchmark: ``make lighthouse`` and the README.)
"""

from __future__ import annotations

import json
import re
from pathlib import PurePosixPath
from urllib.parse import urljoin, urlsplit

import pytest
from mkdocs.config import load_config

from hooks.assets import lunr_files_needed
from hooks.compact_html import KEPT, compact
from tests.browser.website import languages, pages_of
from tools import budget

# What these tests are about, for make test PAGE= (tests/page_selection.py).
pytestmark = pytest.mark.about("site", cheap=True)

ASSET_URL = re.compile(r'(?:\b(?:href|src)=|"search":\s*)"([^"#?]*assets/[^"]*)"')


def test_no_source_maps(built_site):
    maps = sorted(p.relative_to(built_site) for p in built_site.rglob("*.map"))
    assert not maps, f"source maps in the published site: {maps}"
    pointing = [
        p.relative_to(built_site)
        for p in [*built_site.rglob("*.js"), *built_site.rglob("*.css")]
        if b"sourceMappingURL=" in p.read_bytes()
    ]
    assert not pointing, f"files that name a source map: {pointing}"


def test_every_language_loads_the_shared_assets(built_site):
    copies = [lang.prefix for lang in languages() if (built_site / lang.prefix / "assets").exists()]
    assert copies == [""], f"assets of their own in {copies[1:]}: the languages share /assets/"
    problems, seen = [], 0
    for page in pages_of(built_site):
        html = page.html(built_site)
        base = "/" + html.relative_to(built_site).as_posix()
        for url in ASSET_URL.findall(html.read_text(encoding="utf-8")):
            seen += 1
            path = urlsplit(urljoin(base, url)).path
            if not path.startswith("/assets/"):
                problems.append(f"{page.url_path}: {url} -> {path}")
            elif not (built_site / path.lstrip("/")).is_file():
                problems.append(f"{page.url_path}: {url} -> {path}, not in the site")
    assert seen > 5 * len(pages_of(built_site)), f"only {seen} asset links found"
    assert not problems, "pages load assets from elsewhere than /assets/:\n" + "\n".join(problems)


def test_only_the_lunr_files_search_uses(built_site):
    needed: set[str] = set()
    for lang in languages():
        plugins = load_config(str(lang.config))["plugins"]
        search = next(p for name, p in plugins.items() if name.endswith("search"))
        needed |= lunr_files_needed(list(search.config["lang"]))
    lunr = built_site / "assets" / "javascripts" / "lunr"
    present = {p.relative_to(lunr).as_posix() for p in lunr.rglob("*") if p.is_file()}
    assert present == needed, (
        f"lunr files: {sorted(present)}; the search languages need {sorted(needed)}"
    )
    assert "min/lunr.ru.min.js" in needed  # the Russian edition's stemmer


def test_search_indexes_are_utf8(built_site):
    for lang in languages():
        raw = (built_site / lang.prefix / "search" / "search_index.json").read_text("utf-8")
        escaped = re.findall(r"\\u0[4-9a-f][0-9a-f]{2}", raw)
        assert not escaped, f"/{lang.prefix}search/search_index.json escapes {escaped[:5]}…"
        assert json.loads(raw)["docs"]
    russian = (built_site / "ru" / "search" / "search_index.json").read_text("utf-8")
    assert "корутин" in russian


def test_search_indexes_hold_the_outputs_not_the_programs(built_site):
    """Every page loads its language's index: the lesson pages' programs stay
    out of it (hooks/search_scope.py); the prose, the printed messages and the
    notebook page's code (the whole lesson's code, once) stay in."""
    program = re.compile(r"<pre>(?:<code>)?\s*(?:import|async def|await) [^<]{0,60}")
    for lang in languages():
        where = f"/{lang.prefix}search/search_index.json"
        docs = json.loads((built_site / where[1:]).read_text("utf-8"))["docs"]

        def text(*pages: str, docs=docs) -> str:
            return "\n".join(d["text"] for d in docs if d["location"].split("#")[0] in pages)

        pages = {d["location"].split("#")[0] for d in docs} - {"notebook/"}
        programs = program.findall(text(*pages))
        assert not programs, f"{where} holds the pages' programs: {programs[:3]}"
        assert "<pre><code>0.0 s" in text(*pages), f"{where}: the outputs left the index"
        assert "was never awaited" in text("mistakes/"), f"{where}: the messages left the index"
        assert program.search(text("notebook/")), f"{where}: the notebook's code left the index"


def test_shared_asset_paths_are_relative_to_each_page(built_site):
    """A page deeper in a language points as many levels up as it is deep."""
    page = built_site / "ru" / "tasks" / "index.html"
    urls = ASSET_URL.findall(page.read_text(encoding="utf-8"))
    assert urls and all(PurePosixPath(u).parts[:2] == ("..", "..") for u in urls), urls


def test_pages_are_built_without_template_indentation():
    """hooks/compact_html.py: a gap of newlines and spaces between two tags is
    one newline; preformatted text, scripts and styles keep every space, and a
    gap without a newline (between inline elements) stays as it is."""
    page = (
        "<div>\n    <p>a <b>bold</b> <i>word</i></p>\n\n    <pre><code>x = 1\n"
        "    <span>y</span>\n</code></pre>\n  <script>if (a >\n  <b) {}</script>\n"
        "  <textarea>\n  <kept>\n</textarea>  <style>p >\n  a {}</style>\n</div>"
    )
    assert compact(page) == (
        "<div>\n<p>a <b>bold</b> <i>word</i></p>\n<pre><code>x = 1\n"
        "    <span>y</span>\n</code></pre>\n<script>if (a >\n  <b) {}</script>\n"
        "<textarea>\n  <kept>\n</textarea>  <style>p >\n  a {}</style>\n</div>"
    )


def test_built_pages_have_no_template_indentation(built_site):
    indented = []
    for path in sorted(built_site.rglob("*.html")):
        text = KEPT.sub("<kept/>", path.read_text(encoding="utf-8"))
        if any(gap != "\n" for gap in re.findall(r">([ \t\r\n]*\n[ \t\r\n]*)<", text)):
            indented.append(str(path.relative_to(built_site)))
    assert not indented, (
        "pages with the templates' indentation (is hooks/compact_html.py in mkdocs.yml's hooks?): "
        + ", ".join(indented)
    )


def test_every_page_transfers_at_most_100_kB_as_it_starts(built_site):
    from tests.test_edit_links import expected_source
    from tools.site import ROOT

    sources = {}
    for page in pages_of(built_site):
        source = expected_source(page)
        sources[page.url_path] = source.relative_to(ROOT).as_posix() if source else page.url_path
    weights = budget.weights(built_site)
    assert len(weights) > len(pages_of(built_site)), "the 404 pages are not weighed"
    problems = budget.problems(built_site, sources)
    assert not problems, "\n".join(problems)


def test_a_page_weighs_its_html_and_what_it_loads_at_start_once(tmp_path):
    """Stylesheets, scripts, the icon, eager images and the sitemap (instant
    navigation) count, each once however often the page names it; lazy images,
    links and the search worker held back until search is used do not."""
    import gzip

    site = tmp_path / "site"
    (site / "assets").mkdir(parents=True)
    (site / "page").mkdir()
    files = {
        "assets/style.css": b"p { color: red }\n" * 50,
        "assets/app.js": b"console.log(1);\n" * 40,
        "assets/icon.png": bytes(range(200)),
        "assets/eager.svg": b"<svg></svg>" * 20,
        "assets/lazy.svg": b"<svg/>" * 999,
        "assets/worker.js": b"w();" * 999,
        "sitemap.xml": b"<urlset></urlset>" * 9,
    }
    for name, data in files.items():
        (site / name).write_bytes(data)
    html = (
        '<link rel="icon" href="../assets/icon.png"><link rel="stylesheet" href="../assets/style.css">'
        '<link rel="stylesheet" href="../assets/style.css"><script src="../assets/app.js"></script>'
        '<img alt="" src="../assets/eager.svg"><img alt="" loading="lazy" src="../assets/lazy.svg">'
        '<a href="../assets/worker.js">x</a>'
        '<script id="__config">{"base": "..", "features": ["navigation.instant"], '
        '"search": "../assets/worker.js"}</script><script>new LaterWorker(url)</script>'
    )
    (site / "page" / "index.html").write_text(html)

    def gz(data: bytes) -> int:
        return len(gzip.compress(data, compresslevel=9, mtime=0))

    weight = budget.weigh(site, site / "page" / "index.html")
    assert weight.html == gz(html.encode())
    assert weight.assets == {
        "/sitemap.xml": gz(files["sitemap.xml"]),
        "/assets/icon.png": 200,
        "/assets/style.css": gz(files["assets/style.css"]),
        "/assets/app.js": gz(files["assets/app.js"]),
        "/assets/eager.svg": gz(files["assets/eager.svg"]),
    }
    # Without the stand-in, Material starts the search worker at once: it counts.
    (site / "page" / "index.html").write_text(html.replace("new LaterWorker(", ""))
    budget.transferred.cache_clear()
    assert "/assets/worker.js" in budget.weigh(site, site / "page" / "index.html").assets
