"""Every page of every language, opened in Chromium on a desktop and on a touch
phone: it loads (styled, its script running) with no console error and no
failed request; it asks nothing of any host but the local server (no web
fonts, no CDN scripts, no hotlinked images); it leaves the search index to
be downloaded when the reader uses search; every image has alt text and
loads (the charts of both colour schemes included).

Each page is loaded once per mode (visits.py, through the ``visit``
fixture, which makes every per-page check on those loads) and these tests
read what those loads saw."""

from __future__ import annotations


def test_page_loads_without_errors(site_page, visit):
    seen = visit(site_page)
    for mode, status in seen.status.items():
        assert status == 200, f"{site_page.url_path} answered HTTP {status} ({mode})"
    problems = [p for p in seen.problems() if "request to another host" not in p]
    assert not problems, f"{site_page.url_path}:\n" + "\n".join(problems)
    state = seen.state
    assert state["title"].strip(), f"{site_page.url_path} has no <title>"
    assert state["h1"], f"{site_page.url_path} has no <h1>"
    assert state["styled"], f"{site_page.url_path}: the theme's stylesheet is not applied"
    assert state["scripted"], f"{site_page.url_path}: the theme's script did not run"


def test_page_requests_nothing_from_other_hosts(site_page, visit):
    seen = visit(site_page)
    external = [f"{mode}: {x}" for mode, watch in seen.watches.items() for x in watch.external]
    assert not external, (
        f"{site_page.url_path} asks other hosts for (the site must serve everything itself):\n"
        + "\n".join(external)
    )


def test_page_leaves_the_search_index_until_search_is_used(site_page, visit):
    # overrides/partials/search-on-demand.html: a third of a page's bytes, and
    # the search worker's script, fetched when the reader first uses search
    # (test_navigation.py searches).
    seen = visit(site_page)
    fetched = [
        f"{mode}: {url}"
        for mode, watch in seen.watches.items()
        for url in watch.requested
        if url.endswith("/search_index.json") or "/lunr/" in url or "/workers/search." in url
    ]
    assert not fetched, (
        f"{site_page.url_path} downloads the search index or worker before anyone searches "
        "(Material's request is no longer the one overrides/partials/search-on-demand.html holds back?):\n"
        + "\n".join(fetched)
    )


def test_every_image_has_alt_text(site_page, visit):
    unnamed = visit(site_page).state["unnamedImages"]
    assert not unnamed, f"{site_page.url_path}: images without alt text:\n" + "\n".join(unnamed)


def test_every_image_loads(any_page, visit):
    """Each chart and picture is there for the reader, on a desktop and on a
    phone, the other colour scheme's included (the screenshots show them)."""
    unloaded = [
        f"{mode}: {src}" for mode, srcs in visit(any_page).unloaded_images.items() for src in srcs
    ]
    assert not unloaded, (
        f"{any_page.url_path}: images that did not load (is the file in the built site, and "
        "does its src point at it?):\n" + "\n".join(unloaded)
    )
