"""Browser tests: the built site, served on 127.0.0.1 by the tests themselves
like a static host, in a real Chromium driven by playwright.

The Chromium comes from :mod:`tools.browser` (``$CHROMIUM_PATH``,
``/usr/bin/chromium``, else installed). These tests never skip: without a
browser they fail, saying how to get one.

Tests that take a ``site_page`` argument run once per page of the built site,
every language; ``any_page``, once per page and per language's 404 page;
``lang``, once per language. The per-page tests read what the ``visit``
fixture found on that page's one load per mode (visits.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from mkdocs.config import load_config

from tests.browser import stored_visits
from tests.browser.visits import SCREENSHOT_MODES, Target, Visit, Visitor, screenshot_name
from tests.browser.website import DESKTOP, SCREENSHOTS, Page, Watch, languages, pages_of
from tests.browser.website import built_site as build_once
from tests.conftest import browser_group
from tests.page_selection import page_mark
from tools.browser import LAUNCH_ARGS, BrowserUnavailable, ensure_chromium, serve
from tools.site import ROOT

# Resolve no host but the local server: a request elsewhere fails at once (and
# is reported by Watch) instead of reaching the network or hanging the test.
BLOCK_OTHER_HOSTS = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"


def targets(site: Path) -> list[Target]:
    """Every page of the built site, and each language's 404 page."""
    return [Target.of(page) for page in pages_of(site)] + [
        Target.not_found(lang.code) for lang in languages()
    ]


def pytest_generate_tests(metafunc):
    # All the tests of one page run in the same test process, which loads the
    # page once for all of them: their ids are the page's, "lang/path", which
    # tests/conftest.py groups them by.
    if "site_page" in metafunc.fixturenames:
        pages = pages_of(build_once())
        metafunc.parametrize(
            "site_page",
            [pytest.param(p, id=p.id, marks=page_mark(p.source)) for p in pages],
        )
    if "any_page" in metafunc.fixturenames:
        found = targets(build_once())
        metafunc.parametrize(
            "any_page",
            [pytest.param(t, id=t.id, marks=page_mark(t.source)) for t in found],
        )
    if "lang" in metafunc.fixturenames:
        codes = [lang.code for lang in languages()]
        metafunc.parametrize("lang", codes, ids=codes)


@pytest.fixture(scope="session")
def base_url(built_site):
    # With the sitemap naming the served pages, Material's instant navigation
    # works as it does for readers on the real host.
    with serve(built_site, site_url=load_config(str(ROOT / "mkdocs.yml"))["site_url"]) as url:
        yield url


@pytest.fixture(scope="session")
def chromium_path():
    try:
        return ensure_chromium()
    except BrowserUnavailable as error:
        problem = str(error)
    pytest.fail(problem, pytrace=False)


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import Error, sync_playwright

    with sync_playwright() as playwright:
        try:
            launched = playwright.chromium.launch(
                executable_path=str(chromium_path),
                headless=True,
                args=[*LAUNCH_ARGS, BLOCK_OTHER_HOSTS],
            )
        except Error as error:
            problem = (
                f"Chromium at {chromium_path} did not start: {error}\n"
                "Set CHROMIUM_PATH to a working Chromium (python -m tools.browser finds or installs one)."
            )
        else:
            problem = None
        if problem:
            pytest.fail(problem, pytrace=False)
        yield launched
        launched.close()


@pytest.fixture
def new_context(browser, base_url):
    """``new_context(**options) -> (context, watch)``: a fresh browser profile
    (desktop viewport, light scheme, clipboard allowed for the site) and a
    :class:`Watch` on it. Closed after the test."""
    made = []

    def make(**options):
        settings = {
            "viewport": DESKTOP,
            "color_scheme": "light",
            "locale": "en-US",
            "base_url": base_url,
            **options,
        }
        context = browser.new_context(**settings)
        context.set_default_timeout(10_000)
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
        watch = Watch(base_url)
        watch.attach(context)
        made.append(context)
        return context, watch

    yield make
    for context in made:
        context.close()


@pytest.fixture(scope="session")
def visit(browser, base_url, built_site):
    """``visit(page) -> Visit``: every per-page check of a page (a site page,
    or a :class:`Target` such as a 404 page), made on one load per mode (see
    visits.py), once per session."""
    current = {
        f"{target.lang}/{screenshot_name(target.slug, mode, scheme)}"
        for target in targets(built_site)
        for mode, scheme in SCREENSHOT_MODES
    }
    for old in SCREENSHOTS.glob("*/*.png"):  # of pages that are gone
        if f"{old.parent.name}/{old.name}" not in current:
            old.unlink(missing_ok=True)
    visitor = Visitor(browser, base_url)
    seen: dict[Target, Visit] = {}
    made: dict[Target, str] = {}  # visits made now, and the names to keep them under

    def load(page: Page | Target) -> Visit:
        target = page if isinstance(page, Target) else Target.of(page)
        if not stored_visits.enabled():
            return visitor.visit(target)
        if target not in seen:
            name = stored_visits.key(target, built_site, browser.version)
            kept = stored_visits.load(name)
            if kept is None:
                kept, made[target] = visitor.visit(target), name
            seen[target] = kept
        return seen[target]

    yield load
    for target, name in made.items():  # kept only if every test of its page passed
        if target.id not in FAILED_PAGES:
            stored_visits.save(name, seen[target])
    visitor.close()


FAILED_PAGES: set[str] = set()  # "en/tasks": a browser test of that page failed


def pytest_runtest_logreport(report):
    if report.failed and (page := browser_group(report.nodeid)):
        FAILED_PAGES.add(page)


@pytest.fixture(scope="session", autouse=True)
def _copied_scripts_share_the_runs(batch):
    """Copied scripts are run through the session's runs (each distinct run once)."""
    from tests.browser import copying

    copying.BATCH = batch
    yield
    copying.BATCH = None
