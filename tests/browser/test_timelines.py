"""Every event-loop timeline (tools/timeline/draw.py) in Chromium, in the
light and the dark scheme, on a phone and on a desktop: it is drawn (a
picture of some size, its lanes and labels laid out), in the theme's colours
(text that stands out from the background in either scheme, not black on
white), with no console error and no text sticking out of the picture or the
page. Each figure is shown first as a reader would (its answer opened, its
content tab selected)."""

from __future__ import annotations

import re

import pytest

from tests.browser.website import DESKTOP, PHONE, REVEAL, load, pages_of
from tests.browser.website import built_site as build_once
from tests.page_selection import page_mark

# What these tests are about, for make test PAGE= (tests/page_selection.py).
pytestmark = pytest.mark.about("site")

SCHEMES = {"light": "default", "dark": "slate"}
CONTRAST = 4.5  # WCAG AA for text


def _pages_with_timelines():
    site = build_once()
    return [
        page
        for page in pages_of(site)
        if '<figure class="tl"' in page.html(site).read_text(encoding="utf-8")
    ]


PAGES = _pages_with_timelines()

MEASURE = """(figure) => {
  const svg = figure.querySelector("svg");
  const box = svg.getBoundingClientRect();
  const texts = [...svg.querySelectorAll("text")];
  const out = texts
    .map((t) => [t.textContent, t.getBoundingClientRect()])
    .filter(([, r]) => r.left < box.left - 1 || r.right > box.right + 1)
    .map(([text, r]) => `${text} (${Math.round(r.left)}..${Math.round(r.right)} px)`);
  const label = svg.querySelector("text.tl-print") || svg.querySelector("text");
  return {
    id: figure.id,
    width: box.width,
    height: box.height,
    right: figure.getBoundingClientRect().right,
    lanes: svg.querySelectorAll("text.tl-lane").length,
    bars: svg.querySelectorAll("rect.tl-run").length,
    outside: out,
    fill: getComputedStyle(label).fill,
    run: getComputedStyle(svg.querySelector("rect.tl-run")).fill,
    page: document.documentElement.clientWidth,
  };
}"""


MEASURE_ALL = f"""async () => {{
  const reveal = {REVEAL};
  const measure = {MEASURE};
  const seen = [];
  for (const figure of document.querySelectorAll("figure.tl")) {{
    reveal(figure);
    figure.scrollIntoView({{ block: "center" }});
    await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
    seen.push(measure(figure));
  }}
  return seen;
}}"""


def _rgba(css: str) -> tuple[float, float, float, float]:
    numbers = [float(n) for n in re.findall(r"[\d.]+", css)]
    return (*numbers[:3], numbers[3] if len(numbers) > 3 else 1.0)


def _luminance(rgb) -> float:
    def channel(c):
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(fore: str, back: str) -> float:
    """Contrast ratio of ``fore`` (maybe translucent) drawn on ``back``."""
    *f, alpha = _rgba(fore)
    b = _rgba(back)[:3]
    shown = [alpha * fc + (1 - alpha) * bc for fc, bc in zip(f, b, strict=True)]
    high, low = sorted((_luminance(shown), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_there_are_pages_with_timelines():
    assert {page.lang for page in PAGES} == {"en", "ru"}, PAGES


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize(
    "page", [pytest.param(p, id=p.id, marks=page_mark(p.source)) for p in PAGES]
)
def test_each_timeline_is_drawn_legibly(page, scheme, new_context):
    context, watch = new_context(color_scheme=scheme)
    tab = context.new_page()
    load(tab, page.url_path, watch)
    assert tab.evaluate("document.body.dataset.mdColorScheme") == SCHEMES[scheme]
    background = tab.evaluate("getComputedStyle(document.body).backgroundColor")
    problems = []
    for size in (PHONE, DESKTOP):
        tab.set_viewport_size(size)
        # One round trip per size: each figure shown as a reader would, scrolled
        # to (drawn only then: content-visibility), given a frame, measured.
        measured = tab.evaluate(MEASURE_ALL)
        drawn = page.html(build_once()).read_text(encoding="utf-8").count('<figure class="tl"')
        assert len(measured) == drawn, f"{page.url_path}: {len(measured)} of {drawn} timelines seen"
        for seen in measured:
            where = f"{page.url_path} #{seen['id']} at {size['width']} px, {scheme}"
            if seen["width"] < min(size["width"] - 80, 600) or seen["height"] < 60:
                problems.append(f"{where}: drawn {seen['width']:.0f}x{seen['height']:.0f} px")
            if not seen["lanes"] or not seen["bars"]:
                problems.append(f"{where}: no lanes or no bars drawn")
            if seen["outside"]:
                problems.append(f"{where}: text outside the picture: {seen['outside'][:3]}")
            if seen["right"] > seen["page"] + 1:
                problems.append(f"{where}: sticks out of the page ({seen['right']:.0f} px)")
            for what, colour, least in (("text", seen["fill"], CONTRAST), ("bar", seen["run"], 3)):
                if _contrast(colour, background) < least:
                    problems.append(
                        f"{where}: {what} colour {colour} on {background}: contrast "
                        f"{_contrast(colour, background):.1f} < {least}"
                    )
    assert not problems, "\n".join(problems)
    assert not watch.problems(), "\n".join(watch.problems())
