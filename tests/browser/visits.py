"""One visit of each page, in which every per-page browser check is made.

Loading a page is what costs time in the browser tests, so each page is
loaded once per mode, and everything the tests check about that page is
read from that load:

* **desktop** (1280x800, a mouse): the page loads (status, title, the
  theme's stylesheet and script, console errors, failed requests, requests to
  other hosts, images without alt text, every image loaded); axe-core in the light scheme and,
  after switching to dark in place with the theme's own toggle, in the dark
  one; a screenshot (light); every copy button clicked and the clipboard read
  (copying.py), the copied scripts then run by the example harness in the
  background; last, the language switcher marks this language and leads to
  the same page in the other one.
* **phone** (390x844, touch, no hover): the page loads without errors;
  every image loaded; nothing makes it scroll sideways, and what scrolls
  sideways inside it (code, a wide table, a notebook cell) shows it does; no word of a heading is split across two
  lines; axe-core light and dark; screenshots
  in both.

The 404 pages of every language are visited the same way (no copy buttons,
no switcher). Screenshots go to test-results/screenshots/<lang>/<page>.<mode>[.dark].png,
for people to look at.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.browser.copying import Copied, click_every_copy_button
from tests.browser.website import (
    DESKTOP,
    PHONE,
    SCREENSHOTS,
    Page,
    Watch,
    follow,
    language,
    languages,
    load,
)
from tools.validators import axe_source

MODES = {
    "desktop": {"viewport": DESKTOP},
    "phone": {"viewport": PHONE, "has_touch": True, "is_mobile": True},
}
SCHEMES = ("light", "dark")
# The screenshots taken, for people to look at: (mode, scheme). Each costs
# about as much as a page load; the desktop's dark one is left out.
SCREENSHOT_MODES = [("desktop", "light"), ("phone", "light"), ("phone", "dark")]


def screenshot_name(slug: str, mode: str, scheme: str) -> str:
    return f"{slug}.{mode}{'' if scheme == 'light' else '.' + scheme}.png"


MISSING = "no-such-page/"  # where the 404 pages are visited

# What a loaded page shows: Material's stylesheet applied (a sticky header), its
# script running (it publishes document$), and the images without alt text.
STATE = """() => ({
  title: document.title,
  h1: document.querySelector(".md-content h1") !== null,
  styled: getComputedStyle(document.querySelector(".md-header")).position === "sticky",
  scripted: typeof window.document$ !== "undefined",
  lang: document.documentElement.lang,
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

# Every image loaded as a reader who scrolls past it sees it: lazy images
# (the measured page's charts; a chart of the other scheme is display: none)
# are made eager, then awaited (5 s at most). What has not loaded by then, or
# has no width (a missing or broken file), is listed.
LOAD_IMAGES = """async () => {
  const images = [...document.images];
  for (const img of images) img.loading = "eager";
  const loaded = (img) => img.complete ? null : new Promise((done) => {
    img.addEventListener("load", done, { once: true });
    img.addEventListener("error", done, { once: true });
  });
  const timeout = new Promise((done) => setTimeout(done, 5000));
  await Promise.race([Promise.all(images.map(loaded)), timeout]);
  return images
    .filter((img) => !img.complete || img.naturalWidth === 0)
    .map((img) => img.getAttribute("src"));
}"""

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

# Boxes that scroll sideways on a phone with nothing to show it (no scroll
# shadow: a touch screen shows no scrollbar, so the cut-off text looks whole).
UNHINTED_SCROLL = """() => [...document.querySelectorAll(".md-content *")]
  .filter((el) => el.scrollWidth > el.clientWidth + 1)
  .filter((el) => ["auto", "scroll"].includes(getComputedStyle(el).overflowX))
  .filter((el) => !getComputedStyle(el).backgroundImage.includes("radial-gradient"))
  .slice(0, 5)
  .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join(".")}: ${el.scrollWidth} px in ${el.clientWidth}`)"""

# Words of a heading that the phone's width splits across two lines where
# there is no hyphen (a long Russian word in a title cut where the line ends);
# "функцию-корутину" may break after its hyphen, so hyphens end a word here.
BROKEN_WORDS = """() => {
  const broken = [];
  for (const heading of document.querySelectorAll(".md-typeset :is(h1, h2, h3, h4)")) {
    const walker = document.createTreeWalker(heading, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const word of node.data.matchAll(/[^\\s-]+/g)) {
        const range = document.createRange();
        range.setStart(node, word.index);
        range.setEnd(node, word.index + word[0].length);
        const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
        if (lines.size > 1) broken.push(`${heading.tagName.toLowerCase()} "${heading.textContent.replace("¶", "").trim()}": ${word[0]}`);
      }
    }
  }
  return broken;
}"""

# axe-core's violations, each with the elements it found and why.
AXE = """async (options) => {
  const result = await axe.run(document, options);
  return result.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map((n) => `${n.target.join(" ")}: ${(n.failureSummary || "").replace(/\\s+/g, " ")}`),
  }));
}"""
AXE_OPTIONS = {"resultTypes": ["violations"]}
# Switching the scheme changes colours only (Material swaps CSS variables; the
# document and its layout stay the same), so in the dark scheme axe runs the
# rules that read colours; the others gave their answer in the light scheme
# on the same document.
COLOUR_RULES = ["color-contrast", "link-in-text-block"]
AXE_DARK_OPTIONS = {
    "resultTypes": ["violations"],
    "runOnly": {"type": "rule", "values": COLOUR_RULES},
}

# Transitions off (header titles fading, colours easing after the scheme
# toggle): the checks and screenshots see the state a reader sees a moment
# later, without waiting for it.
NO_TRANSITIONS = """document.addEventListener("DOMContentLoaded", () => {
  const style = document.createElement("style");
  style.textContent = "*, *::before, *::after { transition: none !important; animation: none !important }";
  document.head.append(style);
});"""

SCHEME = "document.body.getAttribute('data-md-color-scheme')"
TOGGLE = "form[data-md-component=palette] label:not([hidden])"

# The language switcher: the entries, which one is marked as the reader's, and how.
SWITCHER = """() => [...document.querySelectorAll(".md-header .md-select a.md-select__link")].map((a) => ({
  lang: a.getAttribute("hreflang"),
  current: a.getAttribute("aria-current"),
  weight: Number(getComputedStyle(a).fontWeight),
}))"""


@dataclass(frozen=True)
class Target:
    """A page to visit: one of the site's, or a language's 404 page."""

    lang: str
    path: str  # in that language: "" for the home page, "tasks/", or MISSING
    missing: bool = False

    @classmethod
    def of(cls, page: Page) -> Target:
        return cls(page.lang, page.path)

    @classmethod
    def not_found(cls, lang: str) -> Target:
        return cls(lang, MISSING, missing=True)

    @property
    def page(self) -> Page:
        return Page(self.lang, self.path)

    @property
    def source(self) -> Path | None:
        """The Markdown file the page was built from (None for a 404 page)."""
        return None if self.missing else self.page.source

    @property
    def url_path(self) -> str:
        return "/" + language(self.lang).prefix + self.path

    @property
    def slug(self) -> str:
        return "404" if self.missing else self.page.slug

    @property
    def id(self) -> str:
        return f"{self.lang}/404" if self.missing else self.page.id


@dataclass
class Visit:
    """What the visits of one page found."""

    status: dict[str, int | None] = field(default_factory=dict)  # per mode
    state: dict = field(default_factory=dict)  # the desktop load's STATE
    watches: dict[str, Watch] = field(default_factory=dict)  # per mode
    screenshots: list[Path] = field(default_factory=list)
    phone_overflow: list[str] = field(default_factory=list)
    phone_broken_words: list[str] = field(default_factory=list)  # BROKEN_WORDS
    phone_unhinted_scroll: list[str] = field(default_factory=list)  # UNHINTED_SCROLL
    unloaded_images: dict[str, list[str]] = field(default_factory=dict)  # per mode: LOAD_IMAGES
    axe: dict[str, list[dict]] = field(default_factory=dict)  # "phone dark" -> violations
    scheme_problems: list[str] = field(default_factory=list)
    copied: Copied | None = None
    switcher: list[dict] = field(default_factory=list)  # SWITCHER, before the click
    switched: list[str] = field(default_factory=list)  # what went wrong switching language

    def problems(self) -> list[str]:
        """Console errors, failed requests and other hosts, in every mode."""
        return [f"{mode}: {p}" for mode, watch in self.watches.items() for p in watch.problems()]


class Visitor:
    """Two browser contexts, a desktop one and a touch phone, each with one tab
    that goes from page to page; :meth:`visit` makes every check of a page."""

    def __init__(self, browser, base_url: str):
        self.base_url = base_url
        self.contexts = {}
        self.tabs = {}
        self.watches: dict[str, list[Watch]] = {}
        for mode, options in MODES.items():
            context = browser.new_context(
                color_scheme="light", locale="en-US", base_url=base_url, **options
            )
            context.set_default_timeout(10_000)
            context.add_init_script(axe_source())
            context.add_init_script(NO_TRANSITIONS)
            if mode == "desktop":
                context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
            current = [Watch(base_url)]
            follow(context, current)
            self.contexts[mode] = context
            self.watches[mode] = current
            self.tabs[mode] = context.new_page()
        self.seen: dict[Target, Visit] = {}

    def close(self) -> None:
        for context in self.contexts.values():
            context.close()

    def visit(self, target: Target) -> Visit:
        if target not in self.seen:
            found = Visit()
            for mode in MODES:
                self._load(mode, target, found)
            self.seen[target] = found
        return self.seen[target]

    def _load(self, mode: str, target: Target, found: Visit) -> None:
        tab = self.tabs[mode]
        watch = Watch(self.base_url)
        if target.missing:
            watch.expected_404.add(self.base_url + target.url_path)
        self.watches[mode].append(watch)
        found.watches[mode] = watch
        response = load(tab, target.url_path, watch)
        found.status[mode] = response.status if response else None
        tab.evaluate("window.scrollTo(0, document.body.scrollHeight)")  # lazy content loads
        found.unloaded_images[mode] = tab.evaluate(LOAD_IMAGES)
        watch.settle(tab)
        tab.evaluate("window.scrollTo(0, 0)")
        if mode == "desktop":
            found.state = tab.evaluate(STATE)
        else:
            found.phone_overflow = tab.evaluate(OVERFLOW)
            found.phone_broken_words = tab.evaluate(BROKEN_WORDS)
            found.phone_unhinted_scroll = tab.evaluate(UNHINTED_SCROLL)
        folder = SCREENSHOTS / target.lang
        folder.mkdir(parents=True, exist_ok=True)
        for scheme in SCHEMES:
            if scheme == "dark":
                self._toggle(tab, "slate", f"{target.url_path} ({mode})", found)
            options = AXE_OPTIONS if scheme == "light" else AXE_DARK_OPTIONS
            found.axe[f"{mode} {scheme}"] = tab.evaluate(AXE, options)
            if (mode, scheme) in SCREENSHOT_MODES:
                path = folder / screenshot_name(target.slug, mode, scheme)
                tab.screenshot(path=path, full_page=True)
                found.screenshots.append(path)
        self._toggle(tab, "default", f"{target.url_path} ({mode})", found)
        if mode == "desktop" and not target.missing:
            found.copied = click_every_copy_button(tab, target.page)
            self._switch_language(tab, target, found)

    def _toggle(self, tab, scheme: str, where: str, found: Visit) -> None:
        """Material's light/dark toggle (the label's click, as a reader's)."""
        tab.locator(TOGGLE).evaluate("label => label.click()")
        try:
            tab.wait_for_function(f"{SCHEME} === {scheme!r}", timeout=5000)
        except PlaywrightTimeout:  # reported, not raised: the other checks go on
            found.scheme_problems.append(
                f"{where}: the toggle did not switch to {scheme!r} (it is {tab.evaluate(SCHEME)!r})"
            )

    def _switch_language(self, tab, target: Target, found: Visit) -> None:
        found.switcher = tab.evaluate(SWITCHER)
        for other in languages():
            if other.code == target.lang:
                continue
            link = tab.locator(f'.md-header .md-select a.md-select__link[hreflang="{other.code}"]')
            if link.count() == 0:
                found.switched.append(f"the language switcher has no {other.code} entry")
                continue
            tab.locator(".md-header .md-select").hover()
            link.click()
            wanted = "/" + other.prefix + target.path
            try:
                tab.wait_for_url(
                    lambda url, wanted=wanted: unquote(urlsplit(url).path) == wanted,
                    timeout=5000,
                    wait_until="domcontentloaded",
                )
            except PlaywrightTimeout:
                found.switched.append(f"switching to {other.code} went to {tab.url}, not {wanted}")
                continue
            shown = tab.evaluate("document.documentElement.lang")
            if shown != other.code:
                found.switched.append(f"{wanted}: <html lang={shown!r}>, expected {other.code!r}")
            if other is not languages()[-1]:
                tab.go_back(wait_until="load")
