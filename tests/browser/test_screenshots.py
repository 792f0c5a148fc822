"""Screenshots of every page, every language, at a desktop size and a phone's
size, saved by the test run in test-results/screenshots/<lang>/<page>.<size>.png
for a person to look at. What a test can see in them is checked: the files are
there, and at the phone's size nothing makes the page scroll sideways."""

from __future__ import annotations

from tests.browser.website import PHONE


def test_screenshots_are_saved(site_page, visit):
    shots = visit(site_page).screenshots
    assert [p.name for p in shots] == [
        f"{site_page.slug}.desktop.png",
        f"{site_page.slug}.phone.png",
    ]
    for path in shots:
        assert path.is_file() and path.stat().st_size > 10_000, f"{path} is missing or blank"


def test_nothing_sticks_out_on_a_phone(site_page, visit):
    overflow = visit(site_page).phone_overflow
    assert not overflow, (
        f"{site_page.url_path} at {PHONE['width']} px wide scrolls sideways; these stick out:\n"
        + "\n".join(overflow)
    )
