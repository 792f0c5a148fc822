"""The notebook page in Chromium, every language, as a reader goes through it:
reached and left by Material's instant navigation (no page load), readable in
light and dark mode, its download link saves the very .ipynb the site serves,
and search finds it. (Every page's load, copy buttons, links and screenshots,
the notebook page's included, are tested with the other pages.)"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.browser.website import language, load
from tools.notebook import FILE_NAME

# What these tests are about, for make test PAGE= (tests/page_selection.py): how
# the notebook page is reached, coloured and downloaded, whatever snippets it shows
# (tests/test_notebook.py checks what it shows).
pytestmark = pytest.mark.about("nothing")

PAGE = Path(FILE_NAME).stem  # "notebook"
CELL_BACKGROUND = "e => getComputedStyle(e).backgroundColor"
TEXT_COLOUR = "e => getComputedStyle(e).color"


def luminance(rgb: str) -> float:
    r, g, b = (int(v) for v in re.findall(r"\d+", rgb)[:3])
    return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255


def test_notebook_page_by_instant_navigation_in_light_and_dark_with_its_download(
    lang, new_context, built_site
):
    prefix = "/" + language(lang).prefix
    served = (built_site / language(lang).prefix / PAGE / FILE_NAME).read_text(encoding="utf-8")
    context, watch = new_context(accept_downloads=True)
    context.set_default_timeout(15_000)
    tab = context.new_page()
    load(tab, prefix, watch)
    tab.evaluate("window.stillTheSameDocument = true")

    # Into the notebook by instant navigation.
    tab.click(f'.md-nav--primary a[href$="/{PAGE}/"]')
    tab.wait_for_url(f"**{prefix}{PAGE}/")
    tab.wait_for_selector(".jupyter-wrapper .jp-CodeCell")
    assert tab.evaluate("window.stillTheSameDocument"), "navigation.instant was not used"
    assert tab.evaluate("!!customElements.get('clipboard-copy')"), (
        "the notebook's script did not run"
    )
    # Its JupyterLab stylesheet (in the head, not the content) came along; it
    # applies once loaded, which may be after the cells are in the page.
    layout = "getComputedStyle(document.querySelector('.jp-Cell-inputWrapper')).display"
    try:
        tab.wait_for_function(f"{layout} === 'flex'", timeout=10_000)
    except PlaywrightTimeout:
        raise AssertionError(
            f"the notebook's stylesheet is not applied after 10 s (display: {tab.evaluate(layout)})"
        ) from None

    code = tab.locator(".jupyter-wrapper .jp-InputArea-editor").first
    output = tab.locator(".jupyter-wrapper .jp-RenderedText pre").first
    light, text = luminance(code.evaluate(CELL_BACKGROUND)), luminance(output.evaluate(TEXT_COLOUR))
    assert light > 0.8 and text < 0.4, "light mode: a light code cell, dark output text"
    tab.click('label[for="__palette_1"]')  # Material's light/dark switch
    tab.wait_for_function("document.body.dataset.mdColorScheme === 'slate'")
    dark, text = luminance(code.evaluate(CELL_BACKGROUND)), luminance(output.evaluate(TEXT_COLOUR))
    assert dark < 0.3 and text > 0.6, "dark mode: a dark code cell, light output text"

    # The download is the very file the site serves, under an .ipynb name.
    with tab.expect_download() as download:
        tab.click(f'.notebook-download a[href$="/{FILE_NAME}"]')
    assert Path(download.value.path()).read_text(encoding="utf-8") == served
    assert download.value.suggested_filename.endswith(".ipynb")

    # Search, from the notebook page, finds the notebook.
    tab.click("input.md-search__input")
    tab.keyboard.type("Run All")
    tab.wait_for_selector(".md-search-result__item")
    hits = tab.eval_on_selector_all(".md-search-result__item a", "as => as.map(a => a.href)")
    assert any(f"/{PAGE}/" in hit for hit in hits), hits
    tab.keyboard.press("Escape")

    # Out of the notebook, still instantly, to a page that works. Instant
    # navigation swaps the content after the URL changes: wait for the new page.
    tab.click('.md-nav--primary a[href$="/tasks/"]')
    tab.wait_for_url(f"**{prefix}tasks/")
    tab.wait_for_function(
        "!document.querySelector('.jupyter-wrapper') && !!document.querySelector('.md-content h1')"
    )
    assert tab.evaluate("window.stillTheSameDocument"), (
        "instant navigation broke after the notebook"
    )
    assert tab.locator(".md-sidebar--secondary .md-nav__link").count() > 2  # its TOC came
    assert not watch.problems(), "\n".join(watch.problems())
