"""Screenshots of every page, every language (404 pages included), on a
desktop (light) and on a phone (light and dark), saved by the test run in
test-results/screenshots/<lang>/<page>.<desktop|phone>[.dark].png for a person
to look at. What a test can see in them is checked: the files are there, and
at the phone's size nothing makes the page scroll sideways, a box that
scrolls sideways inside it shows that it does, and no heading has a word cut
in two at the end of a line."""

from __future__ import annotations

from tests.browser.visits import SCREENSHOT_MODES, screenshot_name
from tests.browser.website import PHONE


def test_screenshots_are_saved(any_page, visit):
    shots = visit(any_page).screenshots
    assert sorted(p.name for p in shots) == sorted(
        screenshot_name(any_page.slug, mode, scheme) for mode, scheme in SCREENSHOT_MODES
    )
    for path in shots:
        assert path.is_file() and path.stat().st_size > 10_000, f"{path} is missing or blank"


def test_nothing_sticks_out_on_a_phone(any_page, visit):
    overflow = visit(any_page).phone_overflow
    assert not overflow, (
        f"{any_page.url_path} at {PHONE['width']} px wide scrolls sideways; these stick out:\n"
        + "\n".join(overflow)
    )


def test_what_scrolls_sideways_on_a_phone_shows_it(any_page, visit):
    unhinted = visit(any_page).phone_unhinted_scroll
    assert not unhinted, (
        f"{any_page.url_path} at {PHONE['width']} px wide: these scroll sideways with no shadow "
        "at the edge where more is (a touch screen shows no scrollbar); give them the scroll "
        "shadows of overrides/assets/stylesheets/accessibility.css (notebook.css for the "
        "notebook's cells):\n" + "\n".join(unhinted)
    )


def test_no_heading_has_a_word_cut_in_two_on_a_phone(any_page, visit):
    broken = visit(any_page).phone_broken_words
    assert not broken, (
        f"{any_page.url_path} at {PHONE['width']} px wide cuts these words of its headings "
        "across two lines (shorten the heading, or give headings of that size less "
        "font-size on phones in overrides/assets/stylesheets/accessibility.css):\n"
        + "\n".join(broken)
    )
