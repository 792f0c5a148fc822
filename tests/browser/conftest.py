"""Browser tests: the built site, served on 127.0.0.1 by the tests themselves
like a static host, in a real Chromium driven by playwright.

The Chromium comes from :mod:`tools.browser` (``$CHROMIUM_PATH``,
``/usr/bin/chromium``, else installed). These tests never skip: without a
browser they fail, saying how to get one.

Tests that take a ``site_page`` argument run once per page of the built site,
every language; tests that take ``lang`` run once per language.
"""

from __future__ import annotations

import faulthandler
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from mkdocs.config import load_config

from tests.browser.website import DESKTOP, PHONE, SCREENSHOTS, Page, Watch, languages, pages_of
from tests.browser.website import built_site as build_once
from tools.browser import LAUNCH_ARGS, BrowserUnavailable, ensure_chromium, serve
from tools.site import ROOT

# Resolve no host but the local server: a request elsewhere fails at once (and
# is reported by Watch) instead of reaching the network or hanging the test.
BLOCK_OTHER_HOSTS = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"


# A browser test that runs this long is stuck (playwright waits have their own
# 10-15 s timeouts): print every thread's stack and end the run, rather than
# hang CI.
STUCK_AFTER = 180  # seconds
HERE = Path(__file__).resolve().parent


def _real_stderr(config) -> int:
    """The terminal's stderr, not pytest's capture of it (pytest's own
    faulthandler plugin keeps a copy for this purpose)."""
    try:
        from _pytest.faulthandler import fault_handler_stderr_fd_key

        return config.stash[fault_handler_stderr_fd_key]
    except (ImportError, KeyError):
        return sys.__stderr__.fileno()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    if HERE not in item.path.parents:  # conftest hooks of this kind see every test
        yield
        return
    faulthandler.dump_traceback_later(STUCK_AFTER, exit=True, file=_real_stderr(item.config))
    try:
        yield
    finally:
        faulthandler.cancel_dump_traceback_later()


def pytest_generate_tests(metafunc):
    if "site_page" in metafunc.fixturenames:
        pages = pages_of(build_once())
        metafunc.parametrize("site_page", pages, ids=[page.id for page in pages])
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


# What a loaded page shows: Material's stylesheet applied (a sticky header), its
# script running (it publishes document$), and the images without alt text.
STATE = """() => ({
  title: document.title,
  h1: document.querySelector(".md-content h1") !== null,
  styled: getComputedStyle(document.querySelector(".md-header")).position === "sticky",
  scripted: typeof window.document$ !== "undefined",
  unnamedImages: [
    ...[...document.querySelectorAll("img, input[type=image], area")]
      .filter((el) => !(el.getAttribute("alt") || "").trim())
      .map((el) => el.outerHTML.slice(0, 160)),
    ...[...document.querySelectorAll("[role=img]")]
      .filter((el) => !["aria-label", "aria-labelledby", "title"].some((a) => el.getAttribute(a)))
      .filter((el) => !el.querySelector("title"))
      .map((el) => el.outerHTML.slice(0, 160)),
  ],
})"""

# Elements sticking out of a narrow viewport (which makes the whole page scroll sideways).
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= width) return [];
  return [...document.querySelectorAll(".md-container *")]
    .filter((el) => el.getBoundingClientRect().right > width + 1)
    .filter((el) => !el.parentElement.closest("pre, .md-typeset__scrollwrap, .highlight-ipynb, .jp-OutputArea"))
    .slice(0, 5)
    .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join(".")} (right edge ${Math.round(el.getBoundingClientRect().right)} px)`);
}"""


@dataclass
class Visit:
    """What opening one page showed."""

    status: int | None
    state: dict
    watch: Watch
    screenshots: list[Path] = field(default_factory=list)
    phone_overflow: list[str] = field(default_factory=list)


@pytest.fixture(scope="session")
def visit(browser, base_url, built_site):
    """``visit(page) -> Visit``: the page opened once per session at a desktop
    size, scrolled to the bottom (so lazy content loads), until its requests
    are done; then screenshots of the whole page at the desktop size and at a
    phone's size (test-results/screenshots/<lang>/<page>.<size>.png). One
    browser tab opens one page after the other."""
    current = {
        f"{lang}/{slug}.{size}.png"
        for lang, slug in [(p.lang, p.slug) for p in pages_of(built_site)]
        + [(lang.code, "404") for lang in languages()]
        for size in ("desktop", "phone")
    }
    for old in SCREENSHOTS.glob("*/*.png"):  # of pages that are gone
        if f"{old.parent.name}/{old.name}" not in current:
            old.unlink(missing_ok=True)
    seen: dict[Page, Visit] = {}
    context = browser.new_context(viewport=DESKTOP, color_scheme="light", locale="en-US")
    watches: list[Watch] = [Watch(base_url)]  # the current page's
    for event in ("console", "weberror", "request", "requestfailed", "requestfinished", "response"):
        context.on(event, lambda item, event=event: watches[-1].handle(event, item))
    tab = context.new_page()

    def load(page: Page) -> Visit:
        if page in seen:
            return seen[page]
        watch = Watch(base_url)
        watches.append(watch)
        tab.set_viewport_size(DESKTOP)
        response = tab.goto(base_url + page.url_path, wait_until="load")
        tab.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        watch.settle(tab)
        tab.evaluate("window.scrollTo(0, 0)")
        result = Visit(response.status if response else None, tab.evaluate(STATE), watch)
        folder = SCREENSHOTS / page.lang
        folder.mkdir(parents=True, exist_ok=True)
        for name, size in (("desktop", DESKTOP), ("phone", PHONE)):
            tab.set_viewport_size(size)
            tab.wait_for_timeout(100)  # the theme's resize handlers
            if name == "phone":
                result.phone_overflow = tab.evaluate(OVERFLOW)
            path = folder / f"{page.slug}.{name}.png"
            tab.screenshot(path=path, full_page=True)
            result.screenshots.append(path)
        seen[page] = result
        return result

    yield load
    context.close()
