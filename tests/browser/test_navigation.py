"""Getting around the site in Chromium, every language:

* every page exists in every language, and the language switcher in the header
  goes from each page to the same page in the other language;
* search finds the right page for an English and a Russian term (word forms
  included), finds every page by its navigation title, and finds each common
  mistake's section by the message Python prints, pasted whole; its index is
  downloaded when search is first used (a click, a tap on a phone, or a page
  opened from a result, whose words it highlights);
* the light/dark toggle switches the colours, and the choice survives a reload;
* a missing address gets the 404 page, styled, with a way home;
* the navigation sidebar and the previous/next links reach every page.
"""

from __future__ import annotations

import html
import re
from urllib.parse import unquote, urlsplit

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.browser.website import DESKTOP, PHONE, Page, Watch, language, languages, load, pages_of
from tests.page_selection import page_mark

# What these tests are about, for make test PAGE= (tests/page_selection.py): the
# switcher's are each page's (tests/browser/conftest.py), a search's the page it finds.
pytestmark = pytest.mark.about("nothing")

# (language, what a reader types, the page that must come first). Word forms
# other than the page's own test the language's stemmer.
SEARCHES = [
    ("en", "event loop", "event-loop/"),
    ("en", "coroutine", "coroutines/"),  # the page says "Coroutines"
    ("en", "threads refresher", "threads/"),
    ("ru", "цикл событий", "event-loop/"),
    ("ru", "корутины", "coroutines/"),
    ("ru", "корутинами", "coroutines/"),  # instrumental plural of the title's word
    ("ru", "циклом событий", "event-loop/"),  # instrumental of "цикл событий"
    ("ru", "системных потоков", "threads/"),  # genitive plural of "системные потоки"
]


def _source(lang: str, path: str) -> str:
    """The Markdown file of the page at ``path`` ("tasks/") in ``lang``."""
    return f"docs/{lang}/{path.rstrip('/') or 'index'}.md"


def path_of(url: str) -> str:
    return unquote(urlsplit(url).path)


def pages_in(built_site, lang: str) -> list[Page]:
    return [page for page in pages_of(built_site) if page.lang == lang]


def nav_paths(tab) -> list[str]:
    """The pages the navigation sidebar links to, in its order."""
    hrefs = tab.eval_on_selector_all(
        ".md-sidebar--primary .md-nav--primary a.md-nav__link[href]",
        "links => links.map(link => link.href)",
    )
    seen: list[str] = []
    for href in hrefs:
        path = path_of(href)
        if "#" not in href and path not in seen:
            seen.append(path)
    return seen


# --- languages -----------------------------------------------------------------


@pytest.mark.about("site", cheap=True)
def test_every_page_exists_in_every_language(built_site):
    by_lang = {lang.code: {p.path for p in pages_in(built_site, lang.code)} for lang in languages()}
    assert len(by_lang) >= 2, f"only {list(by_lang)} is built; the site has English and Russian"
    english = by_lang["en"]
    problems = []
    for code, paths in by_lang.items():
        if not paths:
            problems.append(f"{code}: no pages at all in the built site")
        for missing in sorted(english - paths):
            problems.append(
                f"{code}: no /{language(code).prefix}{missing} (English has /{missing})"
            )
        for extra in sorted(paths - english):
            problems.append(
                f"en: no /{extra} (the {code} edition has /{language(code).prefix}{extra})"
            )
    assert not problems, "\n".join(problems)


def test_language_switcher_goes_to_the_same_page(site_page, visit):
    """Clicked on the page's desktop load (visits.py), as a reader does."""
    assert len(languages()) > 1, "only one language is configured"
    seen = visit(site_page)
    assert seen.switcher, f"{site_page.url_path} has no language switcher in its header"
    problems = [f"{site_page.url_path}: {p}" for p in seen.switched]
    assert not problems, "\n".join(problems)


def test_language_switcher_marks_the_current_language(site_page, visit):
    entries = visit(site_page).switcher
    current = [e for e in entries if e["current"] == "page"]
    assert [e["lang"] for e in current] == [site_page.lang], (
        f"{site_page.url_path}: the switcher marks {current} as the current language"
    )
    others = [e for e in entries if e["lang"] != site_page.lang]
    assert others and all(current[0]["weight"] > e["weight"] for e in others), (
        f"{site_page.url_path}: the current language does not look different: {entries}"
    )


# --- search ----------------------------------------------------------------------


META = "document.querySelector('.md-search-result__meta').textContent.trim()"


def type_query(tab, query: str) -> None:
    """Type ``query`` into the header's search box as a reader does, and wait
    for the results."""
    box = tab.locator(".md-search__input")
    # Material reads the box on keyup; an empty box shows the placeholder text.
    box.click()
    box.fill("")
    box.press("End")
    tab.wait_for_function(f"() => {META} === window.__searchReady", timeout=15000)
    box.fill(query)
    box.press("End")
    tab.wait_for_function(f"() => {META} !== window.__searchReady", timeout=15000)
    tab.wait_for_timeout(100)


def search(tab, query: str) -> list[str]:
    """Search for ``query``; the result pages' paths, best first."""
    type_query(tab, query)
    hrefs = tab.eval_on_selector_all(
        ".md-search-result__item > a.md-search-result__link",
        "links => links.map(link => link.href)",
    )
    found: list[str] = []
    for href in hrefs:
        if path_of(href) not in found:
            found.append(path_of(href))
    return found


def search_sections(tab, query: str) -> list[str]:
    """Search for ``query``; the sections the results link to (``/path/#anchor``),
    in the order shown: each page's best sections first, then its others."""
    type_query(tab, query)
    hrefs = tab.eval_on_selector_all(
        ".md-search-result__item a.md-search-result__link",
        "links => links.map(link => link.href)",
    )
    return [f"{path_of(h)}#{urlsplit(h).fragment}" for h in hrefs if urlsplit(h).fragment]


def open_search(tab, lang: str, built_site, opener: str = ".md-search__input") -> None:
    """The language's home page, once its search index is ready. The index is
    downloaded when a reader first uses search (overrides/partials/
    search-on-demand.html): ``opener`` is clicked (tapped on a phone) as a
    reader does, the search box by default, the header's search icon on a phone."""
    home = built_site / language(lang).prefix / "index.html"
    # What the result area says until the index is loaded ("Initializing search").
    initializing = re.search(
        r'class="md-search-result__meta">\s*(.*?)\s*<', home.read_text(encoding="utf-8")
    ).group(1)
    load(tab, "/" + language(lang).prefix)
    if tab.evaluate("matchMedia('(hover)').matches"):
        tab.locator(opener).click()
    else:
        tab.locator(opener).tap()
    tab.wait_for_function(f"(text) => {META} !== text", arg=initializing, timeout=15000)
    tab.evaluate(f"window.__searchReady = {META}")  # "Type to start searching"


@pytest.fixture(scope="session")
def search_page(browser, base_url, built_site):
    """``search_page(lang) -> (tab, watch)``: the language's home page with its
    search index loaded, one tab per language for every search test (their
    ids, "lang/search/…", put them in one test process: tests/conftest.py)."""
    opened: dict[str, tuple] = {}

    def get(lang: str):
        if lang not in opened:
            context = browser.new_context(
                viewport=DESKTOP, color_scheme="light", locale="en-US", base_url=base_url
            )
            context.set_default_timeout(15_000)
            watch = Watch(base_url)
            watch.attach(context)
            tab = context.new_page()
            open_search(tab, lang, built_site)
            opened[lang] = (context, tab, watch)
        return opened[lang][1:]

    yield get
    for context, _, _ in opened.values():
        context.close()


@pytest.mark.parametrize(
    ("search_lang", "query", "expected"),
    [
        pytest.param(*s, id=f"{s[0]}/search/{s[1]}", marks=page_mark(_source(s[0], s[2])))
        for s in SEARCHES
    ],
)
def test_search_finds_the_right_page(search_page, search_lang, query, expected):
    lang = search_lang
    tab, watch = search_page(lang)
    found = search(tab, query)
    target = "/" + language(lang).prefix + expected
    assert found, f"searching {query!r} on /{language(lang).prefix} found nothing"
    assert found[0] == target, (
        f"searching {query!r} on /{language(lang).prefix}: the first result is {found[0]}, "
        f"not {target}; results: {found}"
    )
    assert not watch.problems(), "\n".join(watch.problems())


# The common-mistakes page: what a reader pastes into the search box, and the
# section (anchor on mistakes/) that must be among the first TOP_SECTIONS results.
# Messages come whole, as a terminal prints them, with a reader's own names and
# paths where the page's heading has "…"; the same messages in every language.
MISTAKES = "mistakes/"
TOP_SECTIONS = 3
MESSAGES = [
    ("RuntimeWarning: coroutine 'fetch_data' was never awaited", "coroutine-was-never-awaited"),
    # 3.13's form, from the end of a script.
    ("<sys>:0: RuntimeWarning: coroutine 'main' was never awaited", "coroutine-was-never-awaited"),
    (
        (
            "Executing <Task pending name='Task-1' coro=<main() running at /home/me/app.py:12> "
            "wait_for=<Future pending cb=[Task.task_wakeup()]> cb=[_run_until_complete_cb() at "
            "/usr/lib/python3.12/asyncio/base_events.py:181] created at "
            "/usr/lib/python3.12/asyncio/runners.py:100> took 2.003 seconds"
        ),
        "executing-task-took-seconds",
    ),
    (
        "RuntimeError: asyncio.run() cannot be called from a running event loop",
        "asynciorun-cannot-be-called-from-a-running-event-loop",
    ),
    ("Task was destroyed but it is pending!", "task-was-destroyed-but-it-is-pending"),
    (
        (
            "task: <Task pending name='Task-3' coro=<worker() running at /home/me/app.py:7> "
            "wait_for=<Future pending cb=[Task.task_wakeup()]>>"
        ),
        "task-was-destroyed-but-it-is-pending",
    ),
    ("Task exception was never retrieved", "task-exception-was-never-retrieved"),
    (
        "TypeError: object NoneType can't be used in 'await' expression",
        "object-cant-be-used-in-await-expression",
    ),
    (
        "TypeError: object dict can't be used in 'await' expression",
        "object-cant-be-used-in-await-expression",
    ),
    (
        "RuntimeError: cannot reuse already awaited coroutine",
        "cannot-reuse-already-awaited-coroutine",
    ),
    ("SyntaxError: 'await' outside function", "await-outside-function"),
    ("DeprecationWarning: There is no current event loop", "there-is-no-current-event-loop"),
    # What Python 3.14 says instead.
    (
        "RuntimeError: There is no current event loop in thread 'MainThread'.",
        "there-is-no-current-event-loop",
    ),
]
# A mistake that prints no message, found by the words of its heading.
DESCRIBED = {
    "en": [
        ("one await after another", "one-await-after-another"),
        ("blocking call", "executing-task-took-seconds"),
    ],
    "ru": [
        ("последовательные await", "one-await-after-another"),
        ("блокирующий вызов внутри async def", "executing-task-took-seconds"),
        ("забыли await", "coroutine-was-never-awaited"),
    ],
}


@pytest.mark.about(page="docs/en/mistakes.md")
def test_search_finds_each_mistake_by_its_message(new_context, built_site, lang):
    context, watch = new_context()
    tab = context.new_page()
    open_search(tab, lang, built_site)
    page = "/" + language(lang).prefix + MISTAKES
    missed = []
    for query, anchor in MESSAGES + DESCRIBED.get(lang, []):
        found = search_sections(tab, query)
        target = f"{page}#{anchor}"
        if target not in found[:TOP_SECTIONS]:
            where = f"at place {found.index(target) + 1}" if target in found else "not at all"
            missed.append(f"{query!r}: {target} found {where}; first: {found[:TOP_SECTIONS]}")
    assert not missed, (
        f"search on /{language(lang).prefix} does not find these mistakes among the first "
        f"{TOP_SECTIONS} sections (check the headings in docs/{lang}/mistakes.md and the "
        "search separator in the mkdocs config):\n" + "\n".join(missed)
    )
    assert not watch.problems(), "\n".join(watch.problems())


def test_search_on_a_phone_downloads_its_index_when_opened(new_context, built_site):
    """On a phone the search box is behind the header's search icon: a tap on it
    fetches the index (and the Russian stemmer on /ru/), and a search works."""
    context, watch = new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    tab = context.new_page()
    open_search(tab, "ru", built_site, opener="label.md-header__button[for=__search]")
    found = search(tab, "задача")
    fetched = [url.rsplit("/", 1)[-1] for url in watch.requested]
    assert "search_index.json" in fetched, f"opening search fetched no index: {fetched}"
    assert "lunr.ru.min.js" in fetched, f"no Russian stemmer after the index: {fetched}"
    assert found, "a search on the phone found nothing"
    assert not watch.problems(), "\n".join(watch.problems())


def test_a_search_result_highlights_its_words_on_a_fresh_load(new_context):
    """Opening a result in a new tab (``?h=`` names the words to highlight)
    needs the index at once: the words are marked without touching search."""
    context, watch = new_context()
    tab = context.new_page()
    load(tab, "/mistakes/?h=RuntimeWarning", watch)
    tab.wait_for_function("() => document.querySelectorAll('article mark').length > 0")
    assert not watch.problems(), "\n".join(watch.problems())


def page_title(page: Page, built_site) -> str:
    """The page's <h1>, as the built HTML has it."""
    text = page.html(built_site).read_text(encoding="utf-8")
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", text, flags=re.DOTALL)
    assert heading, f"{page.url_path} has no <h1>"
    return html.unescape(re.sub(r"<[^>]+>", "", heading.group(1))).replace("\u00b6", "").strip()


@pytest.mark.parametrize(
    "search_lang",
    [pytest.param(lang.code, id=f"{lang.code}/search/titles") for lang in languages()],
)
@pytest.mark.about("site")
def test_search_finds_every_page_by_its_title(search_page, built_site, search_lang):
    tab, watch = search_page(search_lang)
    missing = []
    for page in pages_in(built_site, search_lang):
        title = page_title(page, built_site)
        found = search(tab, title)
        if page.url_path not in found:
            missing.append(f"{title!r} -> {page.url_path} not among {found}")
    assert not missing, "search misses pages by their title:\n" + "\n".join(missing)
    assert not watch.problems(), "\n".join(watch.problems())


# --- light and dark ----------------------------------------------------------------

SCHEME = """() => ({
  scheme: document.body.getAttribute("data-md-color-scheme"),
  background: getComputedStyle(document.body).backgroundColor,
  text: getComputedStyle(document.querySelector(".md-typeset")).color,
})"""


def test_light_dark_toggle(new_context, lang):
    context, watch = new_context(color_scheme="light")
    tab = context.new_page()
    load(tab, "/" + language(lang).prefix, watch)
    toggle = tab.locator("form[data-md-component=palette] label:not([hidden])")
    light = tab.evaluate(SCHEME)
    assert light["scheme"] == "default", f"a light-mode browser got {light['scheme']!r}"
    assert toggle.count() == 1, "no light/dark toggle in the header"
    toggle.click()
    dark = tab.evaluate(SCHEME)
    assert dark["scheme"] == "slate", "the toggle did not switch to the dark scheme"
    assert dark["background"] != light["background"], "the background did not change"
    assert dark["text"] != light["text"], "the text colour did not change"
    tab.reload(wait_until="load")
    assert tab.evaluate(SCHEME)["scheme"] == "slate", "the dark scheme did not survive a reload"
    tab.locator("form[data-md-component=palette] label:not([hidden])").click()
    again = tab.evaluate(SCHEME)
    assert again == light, f"toggling back did not restore the light scheme: {again} != {light}"
    assert not watch.problems(), "\n".join(watch.problems())


def test_dark_browser_gets_dark_scheme(new_context, lang):
    context, watch = new_context(color_scheme="dark")
    tab = context.new_page()
    load(tab, "/" + language(lang).prefix, watch)
    assert tab.evaluate(SCHEME)["scheme"] == "slate", "a dark-mode browser got the light scheme"


# --- 404 -----------------------------------------------------------------------------


@pytest.mark.parametrize("missing", ["no-such-page/", "deep/er/no-such-page.html"])
def test_missing_page_gets_the_404_page(new_context, base_url, lang, missing):
    context, watch = new_context()
    url = f"{base_url}/{language(lang).prefix}{missing}"
    watch.expected_404.add(url)
    tab = context.new_page()
    response = load(tab, url, watch)
    assert response.status == 404, f"{url} answered HTTP {response.status}, not 404"
    heading = tab.locator(".md-content h1").inner_text()
    assert "404" in heading, f"{url} shows {heading!r}, not the 404 page"
    shown = tab.evaluate("document.documentElement.lang")
    assert shown == lang, f"{url} shows the {shown!r} 404 page, not the {lang!r} one"
    assert (
        tab.evaluate("getComputedStyle(document.querySelector('.md-header')).position") == "sticky"
    ), f"{url}: the 404 page is unstyled (its stylesheets did not load)"
    watch.settle(tab)
    assert not watch.problems(), "\n".join(watch.problems())
    # (its screenshots and axe checks: visits.py, with the pages')
    home = "/" + language(lang).prefix
    for way_home in (".md-content article a:not(.headerlink)", ".md-header a.md-logo"):
        if path_of(tab.url) != path_of(url):
            load(tab, url, watch)
        link = tab.locator(way_home).first
        assert link.count(), f"{url}: no link home ({way_home})"
        link.click()
        tab.wait_for_url(lambda u: path_of(u) == home, timeout=5000)
        tab.locator(".md-content h1").first.wait_for()


# --- navigation ---------------------------------------------------------------------------


def arrived(tab, target):
    """Whether the tab reaches the path ``target`` within 5 s."""
    try:
        tab.wait_for_url(
            lambda url: path_of(url) == target, timeout=5000, wait_until="domcontentloaded"
        )
    except PlaywrightTimeout:
        return False
    return True


def follow(tab, link, limit):
    """Click ``link`` until it is gone (at most ``limit`` pages): the paths visited."""
    visited = [path_of(tab.url)]
    while tab.locator(link).count() and len(visited) <= limit:
        clicked = tab.locator(link).evaluate("a => a.href")
        tab.locator(link).click()
        tab.wait_for_url(
            lambda url, last=visited[-1]: path_of(url) != last, wait_until="domcontentloaded"
        )
        # Instant navigation changes the URL before it swaps the content: wait
        # until the footer is the new page's, or the next click repeats this one.
        tab.wait_for_function(
            "([selector, clicked]) => { const a = document.querySelector(selector);"
            " return !a || a.href !== clicked }",
            arg=[link, clicked],
        )
        visited.append(path_of(tab.url))
    return visited


def test_previous_and_next_links_reach_every_page(new_context, built_site, lang):
    context, watch = new_context()
    tab = context.new_page()
    home = "/" + language(lang).prefix
    load(tab, home, watch)
    order = nav_paths(tab)
    expected = {page.url_path for page in pages_in(built_site, lang)}
    assert set(order) == expected, (
        f"the navigation of {home} lists {sorted(order)}; the built site has {sorted(expected)}"
    )

    forward = follow(tab, "a.md-footer__link--next", len(order))
    assert forward == order, (
        f"following 'next' from {home} visits {forward}, the navigation is {order}"
    )
    backward = follow(tab, "a.md-footer__link--prev", len(order))
    assert backward == order[::-1], f"following 'previous' back visits {backward}"
    assert not watch.problems(), "\n".join(watch.problems())


def test_navigation_sidebar_reaches_every_page(new_context, built_site, lang):
    context, watch = new_context()
    tab = context.new_page()
    home = "/" + language(lang).prefix
    load(tab, home, watch)
    order = nav_paths(tab)
    problems = []
    for target in order:
        link = tab.locator(
            ".md-sidebar--primary .md-nav--primary a.md-nav__link[href]:not([href*='#'])"
        )
        hrefs = link.evaluate_all("links => links.map(link => link.href)")
        index = next((i for i, h in enumerate(hrefs) if path_of(h) == target), None)
        if index is None:
            problems.append(f"on {path_of(tab.url)} the sidebar has no link to {target}")
            continue
        link.nth(index).click()
        if not arrived(tab, target):
            problems.append(f"the sidebar link to {target} went to {path_of(tab.url)}")
            continue
        tab.locator(".md-content h1").first.wait_for()
    problems += watch.problems()
    assert not problems, "\n".join(problems)
