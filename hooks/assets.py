"""What the theme writes into a build, trimmed to what readers need.

After each build (``mkdocs build`` and ``mkdocs serve`` alike):

* **No source maps.** Material ships a ``.map`` beside each of its scripts and
  stylesheets (40 % of the site's bytes); they go, with the
  ``sourceMappingURL`` comments that name them.
* **Only the lunr files search uses.** Material copies the stemmers of some
  thirty languages; the search worker loads ``lunr.stemmer.support``,
  ``lunr.<lang>`` for each search language but English, and ``lunr.multi``
  for more than one language (``tinyseg``/``wordcut`` for ja, th, hi). The
  rest go.
* **The site's own stylesheets and script without their comments** (the
  files from overrides/assets/: their comments explain each rule to
  contributors, not to browsers).
* **The search index as UTF-8.** Material writes it with ``\\uXXXX`` escapes:
  Russian text triples in size. Rewritten with the characters themselves.
* **hreflang alternates are not language roots.** Material's script treats
  every ``<link rel="alternate">`` in the head as a language's root and
  fetches ``sitemap.xml`` under it; the head names each page's twins
  (overrides/main.html), so that would be a 404 per language on every page.
  The bundle's selector is narrowed to alternates without ``hreflang``; the
  language switcher (overrides/partials/alternate.html) does not use that
  lookup. The build fails if the selector is not found (a Material update).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from mkdocs.exceptions import PluginError

SOURCE_MAP_COMMENT = re.compile(rb"\n?(?://|/\*)# sourceMappingURL=\S+(?: \*/)?\s*$")
ALTERNATES = b'M("link[rel=alternate]")'
ALTERNATES_WITHOUT_HREFLANG = b'M("link[rel=alternate]:not([hreflang])")'
EXTRA_SCRIPTS = {"ja": ["tinyseg.js"], "hi": ["wordcut.js"], "th": ["wordcut.js"]}


def search_languages(config) -> list[str]:
    for name, plugin in config.plugins.items():
        if name.endswith("search") and hasattr(plugin, "config"):
            langs = plugin.config.get("lang") or [config.theme["language"]]
            return [langs] if isinstance(langs, str) else list(langs)
    return []


def lunr_files_needed(langs: list[str]) -> set[str]:
    """Paths under assets/javascripts/lunr/ that Material's search worker loads."""
    needed = {f"min/lunr.{lang}.min.js" for lang in langs if lang != "en"}
    for lang in langs:
        needed.update(EXTRA_SCRIPTS.get(lang, []))
    if needed:
        needed.add("min/lunr.stemmer.support.min.js")
    if len(langs) > 1:
        needed.add("min/lunr.multi.min.js")
    return needed


def drop_source_maps(assets: Path) -> None:
    for path in assets.rglob("*.map"):
        path.unlink()
    for path in [*assets.rglob("*.js"), *assets.rglob("*.css")]:
        data = path.read_bytes()
        trimmed = SOURCE_MAP_COMMENT.sub(b"\n", data)
        if trimmed != data:
            path.write_bytes(trimmed)


def prune_lunr(assets: Path, langs: list[str]) -> None:
    lunr = assets / "javascripts" / "lunr"
    if not lunr.is_dir():
        return
    needed = lunr_files_needed(langs)
    for path in sorted(lunr.rglob("*"), reverse=True):  # files before their folders
        relative = path.relative_to(lunr).as_posix()
        if path.is_file() and relative not in needed:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    if lunr.is_dir() and not any(lunr.iterdir()):
        lunr.rmdir()


OWN_ASSETS = Path(__file__).resolve().parents[1] / "overrides" / "assets"
BLOCK_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
LINE_COMMENT = re.compile(r"^\s*//.*$", re.MULTILINE)


def without_comments(assets: Path) -> None:
    for source in [*OWN_ASSETS.rglob("*.css"), *OWN_ASSETS.rglob("*.js")]:
        built = assets / source.relative_to(OWN_ASSETS)
        if not built.is_file():
            continue
        text = BLOCK_COMMENT.sub("", source.read_text(encoding="utf-8"))
        if source.suffix == ".js":
            text = LINE_COMMENT.sub("", text)
        lines = [line.rstrip() for line in text.splitlines()]
        built.write_text("\n".join(line for line in lines if line.strip()) + "\n", "utf-8")


def index_as_utf8(site_dir: Path) -> None:
    path = site_dir / "search" / "search_index.json"
    if path.is_file():
        data = json.loads(path.read_text(encoding="utf-8"))
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        path.write_text(text, encoding="utf-8")


def hreflang_links_are_not_roots(assets: Path) -> None:
    bundles = list((assets / "javascripts").glob("bundle.*.min.js"))
    for bundle in bundles:
        data = bundle.read_bytes()
        if ALTERNATES_WITHOUT_HREFLANG in data:
            continue
        if data.count(ALTERNATES) != 1:
            raise PluginError(
                f"hooks/assets.py: {bundle.name} does not read the head's alternates with "
                f"{ALTERNATES.decode()} (a new Material?). Find where it fetches sitemap.xml "
                "for each <link rel=alternate> and make it skip hreflang links again, or "
                "every page requests a missing sitemap.xml."
            )
        bundle.write_bytes(data.replace(ALTERNATES, ALTERNATES_WITHOUT_HREFLANG))


def on_post_build(config, **kwargs):
    site_dir = Path(config.site_dir)
    assets = site_dir / "assets"
    if assets.is_dir():
        drop_source_maps(assets)
        prune_lunr(assets, search_languages(config))
        hreflang_links_are_not_roots(assets)
        without_comments(assets)
    index_as_utf8(site_dir)
