"""Every page of the built site, every language, links to its own source in
the repository: "Edit this page" and "View source" lead to the Markdown file
the page is built from, in that language's folder (the notebook page: its
source, ``notebooks/lesson.<lang>.md``), on the branch the site is deployed
from; the header links to the repository itself."""

from __future__ import annotations

import posixpath
from html.parser import HTMLParser
from pathlib import Path

import pytest
from mkdocs.config import load_config

from tests.browser.website import pages_of
from tools import notebook as nbtools
from tools.site import ROOT

# What these tests are about, for make test PAGE= (tests/page_selection.py).
pytestmark = pytest.mark.about("site", cheap=True)

BRANCH = "main"  # the branch .github/workflows/pages.yml deploys


class Links(HTMLParser):
    """The page's action buttons (edit, view source) and repository links."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.actions: list[dict] = []
        self.repository: list[dict] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        classes = (values.get("class") or "").split()
        if tag == "a" and "md-content__button" in classes:
            self.actions.append(values)
        if tag == "a" and "md-source" in classes:
            self.repository.append(values)


def expected_source(page) -> Path | None:
    """The file a built page comes from: its Markdown page, or for the
    notebook page the notebook's source."""
    if page.path == posixpath.splitext(nbtools.FILE_NAME)[0] + "/":
        return nbtools.source_path(page.lang)
    return page.source


def test_every_page_links_to_its_source(built_site):
    repo_url = load_config(str(ROOT / "mkdocs.yml"))["repo_url"].rstrip("/")
    problems = []
    pages = pages_of(built_site)
    assert {page.lang for page in pages} >= {"en", "ru"}, pages
    for page in pages:
        links = Links()
        links.feed(page.html(built_site).read_text(encoding="utf-8"))
        where = f"{page.url_path} ({page.html(built_site).relative_to(built_site)})"
        source = expected_source(page)
        if source is None or not source.is_file():
            problems.append(f"{where}: no source file found for this page ({source})")
            continue
        path = source.relative_to(ROOT).as_posix()
        wanted = {
            "edit": f"{repo_url}/edit/{BRANCH}/{path}",
            "view": f"{repo_url}/raw/{BRANCH}/{path}",
        }
        # The page's buttons into the repository (the notebook page has a
        # download button too): the one marked rel="edit", and the other.
        into_repo = [
            link for link in links.actions if (link.get("href") or "").startswith(repo_url + "/")
        ]
        found = {
            "edit" if link.get("rel") == "edit" else "view": link.get("href") for link in into_repo
        }
        if len(into_repo) != 2 or found != wanted:
            problems.append(f"{where}: links {found}, expected {wanted}")
        if {link.get("href") for link in links.repository} != {repo_url}:
            problems.append(f"{where}: repository links {links.repository}, expected {repo_url}")
        if any("data-md-component" in link for link in links.repository):
            problems.append(
                f"{where}: the repository link has data-md-component, so Material's script "
                "asks api.github.com for its stars (see overrides/partials/source.html)"
            )
    assert not problems, "\n".join(problems)
