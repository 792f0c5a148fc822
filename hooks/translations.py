"""Translation freshness, by content.

A translated page (``docs/<lang>/x.md``) records in its front matter which
version of its English page it was translated from:

    translated_from: 1a2b3c4d5e6f

That is a hash of the English page *with its snippets expanded*, so a change to
the English text or to an example it includes makes the translation out of
date. Nothing breaks: the build goes on, and the out-of-date page shows readers
a notice that links to the English page.

As an mkdocs hook (listed in mkdocs.yml) it adds that notice. As a command:

    python -m hooks.translations            # list out-of-date translations
    python -m hooks.translations --stamp docs/ru/tasks.md   # after updating it
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
from pathlib import Path

import markdown
from mkdocs.utils.meta import get_data

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "docs" / "en"
SNIPPETS = {"base_path": [str(ROOT / "snippets")], "check_paths": True}
STAMP = "translated_from"

NOTICE = {
    "ru": (
        '!!! warning "Перевод отстаёт от английской версии"\n\n'
        "    Английская версия этой страницы изменилась после перевода. Пока перевод\n"
        '    не обновлён, сверяйтесь с <a href="{url}" hreflang="en">английской страницей</a>.\n\n'
    ),
}


def english_version(page: str) -> str:
    """The hash of ``docs/en/<page>`` with its ``--8<--`` includes expanded."""
    text = (SOURCE / page).read_text(encoding="utf-8")
    md = markdown.Markdown(
        extensions=["pymdownx.snippets"], extension_configs={"pymdownx.snippets": SNIPPETS}
    )
    expanded = "\n".join(md.preprocessors["snippet"].run(text.split("\n")))
    return hashlib.sha256(expanded.encode()).hexdigest()[:12]


def recorded_version(path: Path) -> str | None:
    _, meta = get_data(path.read_text(encoding="utf-8"))
    return str(meta[STAMP]) if STAMP in meta else None


def translations() -> list[tuple[str, Path]]:
    """``[(lang, docs/<lang>/page.md), …]`` for every translated page."""
    return [
        (lang_dir.name, page)
        for lang_dir in sorted((ROOT / "docs").iterdir())
        if lang_dir.is_dir() and lang_dir != SOURCE
        for page in sorted(lang_dir.rglob("*.md"))
    ]


def out_of_date() -> list[tuple[Path, str | None, str]]:
    """``[(translated page, recorded version, current English version), …]``."""
    stale = []
    for lang, page in translations():
        relative = page.relative_to(ROOT / "docs" / lang).as_posix()
        if not (SOURCE / relative).exists():
            continue  # a page with no English original has nothing to lag behind
        current, recorded = english_version(relative), recorded_version(page)
        if recorded != current:
            stale.append((page, recorded, current))
    return stale


def stamp(path: Path) -> str:
    """Record the current English version in a translated page's front matter."""
    lang_dir = next(p for p in path.resolve().parents if p.parent == ROOT / "docs")
    version = english_version(path.resolve().relative_to(lang_dir).as_posix())
    text = path.read_text(encoding="utf-8")
    if re.search(rf"^{STAMP}:.*$", text, flags=re.MULTILINE):
        text = re.sub(rf"^{STAMP}:.*$", f"{STAMP}: {version}", text, count=1, flags=re.MULTILINE)
    elif text.startswith("---\n"):
        text = f"---\n{STAMP}: {version}\n" + text[4:]
    else:
        text = f"---\n{STAMP}: {version}\n---\n\n" + text
    path.write_text(text, encoding="utf-8")
    return version


# --- mkdocs hook -----------------------------------------------------------


def on_page_markdown(markdown_text, page, config, files):
    lang = config["theme"]["language"]
    if lang not in NOTICE or STAMP not in page.meta:
        return markdown_text
    source = page.file.src_uri
    if not (SOURCE / source).exists() or str(page.meta[STAMP]) == english_version(source):
        return markdown_text
    # The English page's address, relative to this page (the English site is the parent of /<lang>/).
    depth = page.url.count("/") + 1  # /ru/ itself, then one per directory level of the page
    url = "../" * depth + page.url
    return NOTICE[lang].format(url=url) + markdown_text


def main() -> int:
    parser = argparse.ArgumentParser(
        description="List (or stamp) translations older than their English page."
    )
    parser.add_argument(
        "--stamp", nargs="+", type=Path, metavar="PAGE", help="record the current English version"
    )
    args = parser.parse_args()
    if args.stamp:
        for path in args.stamp:
            print(f"{path}: {STAMP}: {stamp(path)}")
        return 0
    stale = out_of_date()
    for page, recorded, current in stale:
        english = SOURCE / page.relative_to(ROOT / "docs").relative_to(
            page.relative_to(ROOT / "docs").parts[0]
        )
        why = (
            "no translated_from stamp"
            if recorded is None
            else f"translated from {recorded}, English is now {current}"
        )
        print(
            f"{page.relative_to(ROOT)}: out of date ({why}); compare with {english.relative_to(ROOT)}, "
            f"update the translation, then run: python -m hooks.translations --stamp {page.relative_to(ROOT)}"
        )
    if not stale:
        print(f"all {len(translations())} translated pages are up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
