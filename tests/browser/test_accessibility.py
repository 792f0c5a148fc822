"""axe-core (Deque's accessibility engine, the one Lighthouse runs) on every
page of every language, 404 pages included, on a desktop and on a touch phone,
each in the light and the dark scheme (switched in place with the theme's
toggle): no violation, the theme's own markup included (fixes in
overrides/assets/: accessibility.css, accessibility.js, notebook.css).

axe runs on the loads the other browser tests make (visits.py)."""

from __future__ import annotations

from tests.browser.visits import MODES, SCHEMES


def test_no_accessibility_violations(any_page, visit):
    seen = visit(any_page)
    assert sorted(seen.axe) == sorted(f"{m} {s}" for m in MODES for s in SCHEMES)
    report = []
    for mode, violations in seen.axe.items():
        for v in violations:
            nodes = "\n      ".join(v["nodes"][:5])
            more = f" (and {len(v['nodes']) - 5} more)" if len(v["nodes"]) > 5 else ""
            report.append(f"{mode}: {v['id']} ({v['impact']}): {v['help']}{more}\n      {nodes}")
    assert not report, f"axe-core on {any_page.url_path}:\n" + "\n".join(report)


def test_the_scheme_toggle_works_on_every_page(any_page, visit):
    problems = visit(any_page).scheme_problems
    assert not problems, "\n".join(problems)
