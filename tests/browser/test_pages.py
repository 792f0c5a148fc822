"""Every page of every language, opened in Chromium: it loads (styled, its
script running) with no console error and no failed request; it asks nothing
of any host but the local server (no web fonts, no CDN scripts, no hotlinked
images); every image has alt text.

Each page is opened once (the ``visit`` fixture in conftest.py, which also
takes the screenshots) and these tests read what that visit saw."""

from __future__ import annotations


def test_page_loads_without_errors(site_page, visit):
    seen = visit(site_page)
    assert seen.status == 200, f"{site_page.url_path} answered HTTP {seen.status}"
    problems = [p for p in seen.watch.problems() if not p.startswith("request to another host")]
    assert not problems, f"{site_page.url_path}:\n" + "\n".join(problems)
    state = seen.state
    assert state["title"].strip(), f"{site_page.url_path} has no <title>"
    assert state["h1"], f"{site_page.url_path} has no <h1>"
    assert state["styled"], f"{site_page.url_path}: the theme's stylesheet is not applied"
    assert state["scripted"], f"{site_page.url_path}: the theme's script did not run"


def test_page_requests_nothing_from_other_hosts(site_page, visit):
    external = visit(site_page).watch.external
    assert not external, (
        f"{site_page.url_path} asks other hosts for (the site must serve everything itself):\n"
        + "\n".join(external)
    )


def test_every_image_has_alt_text(site_page, visit):
    unnamed = visit(site_page).state["unnamedImages"]
    assert not unnamed, f"{site_page.url_path}: images without alt text:\n" + "\n".join(unnamed)
