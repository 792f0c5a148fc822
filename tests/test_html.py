"""The built HTML, read as browsers and search engines read it:

* every page of every language (404 pages included) is valid HTML by the Nu
  Html Checker, and the site's own stylesheets are valid CSS (one Java call
  for the whole site; for ``make test PAGE=``, that page in every language and
  the 404 pages); Material's own known errors are allowed by message, each
  with its reason, in ``MATERIAL``;
* every page's ``<meta name="description">`` is its front matter's
  ``description`` (or the site's), whatever characters it holds;
* every page's head names the same page in every language, by its full
  address (``hreflang``), with English as ``x-default``; each address is a
  page of the built site.

The browser tests check the rest in Chromium (axe-core, tests/browser/).
"""

from __future__ import annotations

import os
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import material
import pytest
from mkdocs.config import load_config
from mkdocs.utils.meta import get_data

from tests.browser.website import language, languages, pages_of
from tests.page_selection import PAGE as PAGE_VARIABLE
from tests.page_selection import subject
from tools.site import ROOT
from tools.validators import vnu

PAGE = os.environ.get(PAGE_VARIABLE)  # make test PAGE=docs/<lang>/X.md: check that page

# What these tests are about, for make test PAGE= (tests/page_selection.py).
pytestmark = pytest.mark.about("site", cheap=True)

# Errors in markup that Material 9.8 writes (not the project): by the start of
# the checker's message, and why it is left alone.
MATERIAL = {
    "Attribute “autocomplete” is only allowed when the input type is": (
        "Material's hidden drawer and search toggles, <input type=checkbox "
        'autocomplete="off"> in base.html: the attribute keeps Firefox from '
        "restoring a toggle's state on reload; browsers ignore it otherwise"
    ),
}
THEME_STYLESHEETS = Path(material.__file__).parent / "templates" / "assets" / "stylesheets"


def own_stylesheets(site: Path) -> list[Path]:
    """The built site's stylesheets that are not Material's own files."""
    theirs = {p.name for p in THEME_STYLESHEETS.glob("*.css")}
    found = [p for p in (site / "assets" / "stylesheets").glob("*.css") if p.name not in theirs]
    return sorted(found)


@cache
def checked(site: Path):
    pages = sorted(p for p in site.rglob("*.html") if "assets" not in p.relative_to(site).parts)
    if PAGE:  # make test PAGE=: that page in every language, and the 404 pages
        twins = {
            page.html(site)
            for page in pages_of(site)
            if page.source is not None
            and page.source.resolve().relative_to(ROOT).as_posix() in subject(PAGE).twins
        }
        pages = [p for p in pages if p in twins or p.name == "404.html"]
    return pages, own_stylesheets(site), vnu([*pages, *own_stylesheets(site)])


@pytest.mark.about("site")
def test_every_page_is_valid_html(built_site):
    pages, stylesheets, messages = checked(built_site)
    assert len(pages) >= 2 * len(languages()), f"only {len(pages)} pages found in {built_site}"
    if PAGE:
        shown = {p.relative_to(built_site).as_posix() for p in pages if p.name != "404.html"}
        assert len(shown) == len(languages()), f"{PAGE}: its built pages are not all found: {shown}"
    assert any(p.name == "404.html" for p in pages)
    assert any(p.name.startswith("jupyter.") for p in stylesheets), (
        "the notebook's stylesheet is not among the checked files"
    )
    errors = [m for m in messages if m.type == "error"]
    allowed = [m for m in errors if any(m.message.startswith(k) for k in MATERIAL)]
    wrong = [m for m in errors if m not in allowed]
    assert not wrong, f"{len(wrong)} errors by the Nu Html Checker:\n" + "\n".join(
        str(m).replace(str(built_site), "site") for m in wrong
    )
    # Each allowance is still needed: one that no longer matches goes.
    unused = [k for k in MATERIAL if not any(m.message.startswith(k) for m in allowed)]
    assert not unused, f"remove these from MATERIAL, nothing matches them any more: {unused}"


class Head(HTMLParser):
    """The ``<meta name=description>`` and hreflang links of a page's head."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.descriptions: list[str] = []
        self.alternates: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "meta" and values.get("name") == "description":
            self.descriptions.append(values.get("content") or "")
        if tag == "link" and values.get("rel") == "alternate" and "hreflang" in values:
            self.alternates.append((values["hreflang"], values.get("href") or ""))


def head(path: Path) -> Head:
    parsed = Head()
    text = path.read_text(encoding="utf-8")
    parsed.feed(text[: text.index("</head>")])
    return parsed


@cache
def site_config(lang: str):
    return load_config(str(language(lang).config))


def test_every_description_is_its_front_matter(built_site):
    problems = []
    for page in pages_of(built_site):
        config = site_config(page.lang)
        expected = config["site_description"]
        if page.source is not None:
            _, meta = get_data(page.source.read_text(encoding="utf-8"))
            expected = meta.get("description") or expected
        found = head(page.html(built_site)).descriptions
        if found != [expected]:
            problems.append(f"{page.url_path}: {found!r}\n  front matter: {expected!r}")
    assert not problems, "<meta name=description> is not the page's description:\n" + "\n".join(
        problems
    )


def test_the_head_names_the_same_page_in_every_language(built_site):
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(site_config("en")["site_url"]))
    problems = []
    for page in pages_of(built_site):
        expected = {(lang.code, f"{origin}/{lang.prefix}{page.path}") for lang in languages()}
        expected.add(("x-default", f"{origin}/{page.path}"))
        found = head(page.html(built_site)).alternates
        if sorted(found) != sorted(expected):
            problems.append(f"{page.url_path}: {sorted(found)}\n  expected {sorted(expected)}")
        for _, href in found:
            target = built_site / urlsplit(href).path.lstrip("/") / "index.html"
            if not target.is_file():
                problems.append(f"{page.url_path}: alternate {href} is not a page of the site")
    assert not problems, "hreflang alternates in <head>:\n" + "\n".join(problems)


@pytest.mark.parametrize("lang", [lang.code for lang in languages()])
def test_a_404_page_names_no_twin(built_site, lang):
    """A 404 page is served at any address: it declares no alternates."""
    page = built_site / language(lang).prefix / "404.html"
    assert head(page).alternates == []
    assert head(page).descriptions == [site_config(lang)["site_description"]]
