"""The copy button, as a reader uses it before pasting into PyCharm.

On every page of every language, every copy button of every code block is
clicked (after opening the tab or the collapsed block it is in) and the
clipboard is read back:

* a Python block of the page's source (found by the example harness,
  tools/examples/pages.py) is on the page with a copy button, unless it is a
  ``>>>`` transcript, which has none;
* a script block copies exactly its snippet file, without the
  ``# --8<-- [start:cell]``/``[end:cell]`` marker lines (no prompts, no
  annotation markers, no output), and what was copied, run as a script
  (``python -X dev name.py``, by the harness, on its virtual clock), prints
  the output block the page shows under it (unless the page marks the block
  ``<!--pytest.mark.skip(reason="…")-->``: then it is only copied);
* a Jupyter-tab block (top-level ``await main()``, not a script) copies
  exactly the text the page shows; the harness runs it as a Jupyter cell;
* any other block with a copy button copies exactly the text it shows, with no
  ``>>>`` prompts; an output block (``.no-copy``) has no copy button.

Material's button (``button.md-code__button[data-md-type=copy]``) and the
notebook page's (mkdocs-jupyter's ``clipboard-copy``) are both clicked.

The buttons are clicked on the page's desktop load (visits.py, copying.py);
the copied scripts run in the background while the browser goes on.
"""

from __future__ import annotations


def test_copy_buttons_copy_runnable_code(site_page, visit):
    seen = visit(site_page)
    assert seen.copied is not None, f"{site_page.url_path}: the copy buttons were not clicked"
    problems = seen.copied.all_problems() + seen.problems()
    assert not problems, "\n\n".join(problems)
