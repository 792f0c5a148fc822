"""The start page says which Pythons every example is checked on.

``<!-- checked-pythons -->`` in a page becomes a sentence listing the CPython
versions the example tests run on (tools/examples/pythons.py finds them the
same way for the tests: every CPython 3.11+ on this machine, or $PYTHONS), and
the versions not checked here. Not typed by hand, so it cannot go stale.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `mkdocs serve` from .venv/bin does not put the project on the path
    sys.path.insert(0, str(ROOT))

from tools.examples import pythons

MARK = "<!-- checked-pythons -->"
TEXT = {
    "en": (
        "Every example on this site is run and checked, as its page shows it, on "
        "**{found}**: the Pythons on the machine that built this site and ran its tests.{missing}"
    ),
    "ru": (
        "Каждый пример на этом сайте запущен и проверен так, как его показывает страница, "
        "на **{found}**: на тех версиях Python, что есть на машине, которая собрала сайт и "
        "прогнала его тесты.{missing}"
    ),
}
MISSING = {"en": " Not checked here: {minors}.", "ru": " Здесь не проверялись: {minors}."}
AND = {"en": "and", "ru": "и"}


def sentence(lang: str) -> str:
    found, missing = pythons.discover()
    names = [f"CPython {i.name}" for i in found]
    joined = (
        ", ".join(names[:-1]) + f" {AND.get(lang, 'and')} " + names[-1]
        if len(names) > 1
        else names[0]
    )
    minors = [m.minor for m in missing if m.minor.startswith("3.")]
    text = TEXT.get(lang, TEXT["en"])
    extra = MISSING.get(lang, MISSING["en"]).format(minors=", ".join(minors)) if minors else ""
    return text.format(found=joined, missing=extra)


def on_page_markdown(markdown, page, config, files):
    if MARK not in markdown:
        return markdown
    return markdown.replace(MARK, sentence(config["theme"]["language"]))
