"""Translation freshness, by content.

A translated page (``docs/<lang>/x.md``) records in its front matter which
version of its English page it was translated from:

    translated_from: 1a2b3c4d5e6f

That is a hash of the English page *with its snippets expanded*, so a change to
the English text or to an example it includes makes the translation out of
date. Nothing breaks: the build goes on, and the out-of-date page shows readers
a notice that links to the English page.

The notebook's sources are translations too: ``notebooks/lesson.<lang>.md``
of ``notebooks/lesson.en.md``, with the same line in the HTML comment that
opens the file (a notebook source has no front matter), and the notice on the
notebook page.

As an mkdocs hook (listed in mkdocs.yml) it adds that notice. As a command:

    .venv/bin/python -m hooks.translations            # list out-of-date translations
    .venv/bin/python -m hooks.translations --stamp docs/ru/tasks.md   # after updating it
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import markdown
from mkdocs.utils.meta import get_data

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `mkdocs serve` from .venv/bin does not put the project on the path
    sys.path.insert(0, str(ROOT))

from tools import notebook as nbtools

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


def version(path: Path) -> str:
    """The hash of an English source with its ``--8<--`` includes expanded."""
    text = path.read_text(encoding="utf-8")
    md = markdown.Markdown(
        extensions=["pymdownx.snippets"], extension_configs={"pymdownx.snippets": SNIPPETS}
    )
    expanded = "\n".join(md.preprocessors["snippet"].run(text.split("\n")))
    return hashlib.sha256(expanded.encode()).hexdigest()[:12]


def english_version(page: str) -> str:
    """The version of ``docs/en/<page>``."""
    return version(SOURCE / page)


LEADING_COMMENT = re.compile(r"\A<!--(?P<body>.*?)-->", re.DOTALL)
STAMP_LINE = re.compile(rf"^{STAMP}: *(?P<version>\S*) *$", re.MULTILINE)


def recorded_version(path: Path) -> str | None:
    text = path.read_text(encoding="utf-8")
    if path.resolve().is_relative_to(nbtools.SOURCES):
        comment = LEADING_COMMENT.match(text)
        found = STAMP_LINE.search(comment.group("body")) if comment else None
        return found.group("version") if found else None
    _, meta = get_data(text)
    return str(meta[STAMP]) if STAMP in meta else None


@dataclass(frozen=True)
class Translation:
    lang: str
    path: Path  # the translated source
    english: Path  # the source it translates
    url: str  # its page within the language's site: "" (home), "tasks/", "notebook/"

    @property
    def current(self) -> str:
        return version(self.english)

    @property
    def stale(self) -> bool:
        return self.english.exists() and recorded_version(self.path) != self.current

    @property
    def shown(self) -> str:
        return self.path.relative_to(ROOT).as_posix()


def translations() -> list[Translation]:
    """Every translated page and notebook source, with its English original."""
    found = []
    for lang_dir in sorted((ROOT / "docs").iterdir()):
        if not lang_dir.is_dir() or lang_dir == SOURCE:
            continue
        for page in sorted(lang_dir.rglob("*.md")):
            relative = page.relative_to(lang_dir)
            url = relative.parent if relative.stem == "index" else relative.with_suffix("")
            url = "" if url == Path(".") else f"{url.as_posix()}/"
            found.append(Translation(lang_dir.name, page, SOURCE / relative, url))
    english = nbtools.source_path("en")
    for source in sorted(nbtools.SOURCES.glob(english.name.replace(".en.", ".*."))):
        lang = source.name.split(".")[-2]
        if source != english:
            url = f"{Path(nbtools.FILE_NAME).stem}/"
            found.append(Translation(lang, source, english, url))
    return found


def out_of_date() -> list[tuple[Translation, str | None, str]]:
    """``[(translation, recorded version, current English version), …]``;
    a page with no English original has nothing to lag behind."""
    return [(t, recorded_version(t.path), t.current) for t in translations() if t.stale]


def stamp(path: Path) -> str:
    """Record the current English version in a translation."""
    found = [t for t in translations() if t.path.resolve() == path.resolve()]
    if not found:
        raise SystemExit(f"{path}: not a translated page (docs/<lang>/…) or notebook source")
    translation = found[0]
    current = translation.current
    text = path.read_text(encoding="utf-8")
    line = f"{STAMP}: {current}"
    if STAMP_LINE.search(text):
        text = STAMP_LINE.sub(line, text, count=1)
    elif path.resolve().is_relative_to(nbtools.SOURCES):
        if LEADING_COMMENT.match(text):
            text = "<!--\n" + line + "\n" + text.removeprefix("<!--").lstrip("\n")
        else:
            text = f"<!--\n{line}\n-->\n\n" + text
    elif text.startswith("---\n"):
        text = f"---\n{line}\n" + text[4:]
    else:
        text = f"---\n{line}\n---\n\n" + text
    path.write_text(text, encoding="utf-8")
    return current


# --- the same pages, examples and navigation in every language ---------------


def _pages(directory: Path) -> list[str]:
    return sorted(p.relative_to(directory).as_posix() for p in directory.rglob("*.md"))


def _includes(path: Path) -> list[tuple[int, str]]:
    from tools.examples.blocks import INCLUDE

    return [
        (number, m.group("target"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if (m := INCLUDE.match(line))
    ]


def missing_twins(lang: str, root: Path = ROOT) -> list[str]:
    """Pages of docs/en/ with no twin in docs/<lang>/, and the other way round."""
    english, other = root / "docs" / "en", root / "docs" / lang
    missing = [
        f"docs/en/{p} has no docs/{lang}/{p}: translate it (same file name)"
        for p in _pages(english)
        if not (other / p).exists()
    ]
    return missing + [
        f"docs/{lang}/{p} has no docs/en/{p}" for p in _pages(other) if not (english / p).exists()
    ]


def include_differences(lang: str, root: Path = ROOT) -> list[str]:
    """Twins that do not include the same snippets in the same order."""
    english = root / "docs" / "en"
    problems = []
    for page in _pages(english):
        translated = root / "docs" / lang / page
        if not translated.exists():
            continue  # reported by missing_twins
        ours, theirs = _includes(english / page), _includes(translated)
        for (n_en, en), (n_tr, tr) in zip(ours, theirs, strict=False):
            if en != tr:
                problems.append(
                    f'docs/en/{page}:{n_en} includes "{en}" where docs/{lang}/{page}:{n_tr} '
                    f'includes "{tr}": show the same examples in the same order in both'
                )
                break
        else:
            if len(ours) != len(theirs):
                longer, shorter = (f"docs/en/{page}", f"docs/{lang}/{page}")
                if len(theirs) > len(ours):
                    longer, shorter = shorter, longer
                problems.append(
                    f"{longer} has {max(len(ours), len(theirs))} snippet includes, {shorter} only "
                    f"{min(len(ours), len(theirs))}: show the same examples in both"
                )
    return problems


def language_differences(lang: str, config: Path) -> list[str]:
    """A config whose ``theme.language`` or ``docs_dir`` is not its language's
    (``mkdocs.ru.yml``: ``ru``, ``docs/ru``): Material would title its pages,
    and the harness read its tab labels, in another language."""
    from mkdocs.config import load_config

    loaded = load_config(str(config))
    problems = []
    found = loaded["theme"]["language"]
    if found != lang:
        problems.append(
            f"{config.name}: theme.language is {found!r}, but this is the {lang!r} edition's "
            f"config (its file name says so): set `language: {lang}` under `theme:` in "
            f"{config.name}"
        )
    docs = Path(loaded["docs_dir"])
    if docs.name != lang:
        problems.append(
            f"{config.name}: docs_dir is {docs.name!r}, not docs/{lang}: set `docs_dir: "
            f"docs/{lang}` in {config.name}"
        )
    return problems


def nav_files(config: Path) -> list[str]:
    from mkdocs.config import load_config

    def walk(items):
        for item in items:
            value = next(iter(item.values())) if isinstance(item, dict) else item
            yield from walk(value) if isinstance(value, list) else [value]

    return list(walk(load_config(str(config))["nav"]))


def nav_differences(config: Path, root: Path = ROOT) -> list[str]:
    """A language's nav lists other pages, or in another order, than mkdocs.yml's."""
    ours, theirs = nav_files(root / "mkdocs.yml"), nav_files(config)
    if theirs == ours:
        return []
    return [
        (
            f"the nav of {config.name} lists {theirs}; mkdocs.yml lists {ours}: list the same "
            f"pages in the same order in both (missing from {config.name}: "
            f"{sorted(set(ours) - set(theirs))}; missing from mkdocs.yml: "
            f"{sorted(set(theirs) - set(ours))})"
        )
    ]


# --- mkdocs hook -----------------------------------------------------------


def _english_url(page) -> str:
    """The English page's address, relative to this page (the English site is
    the parent of /<lang>/): /ru/ itself, then one per directory level."""
    return "../" * (page.url.count("/") + 1) + page.url


def on_page_markdown(markdown_text, page, config, files):
    lang = config["theme"]["language"]
    if lang not in NOTICE or STAMP not in page.meta:
        return markdown_text
    source = page.file.src_uri
    if not (SOURCE / source).exists() or str(page.meta[STAMP]) == english_version(source):
        return markdown_text
    return NOTICE[lang].format(url=_english_url(page)) + markdown_text


def on_page_content(html, page, config, files):
    """The notice on the notebook page, whose source is not Markdown."""
    lang = config["theme"]["language"]
    if lang not in NOTICE or page.file.src_uri != nbtools.FILE_NAME:
        return html
    source = nbtools.source_path(lang)
    if not any(t.path == source and t.stale for t in translations()):
        return html
    notice = NOTICE[lang].format(url=_english_url(page))
    return markdown.markdown(notice, extensions=["admonition"]) + html


def main() -> int:
    parser = argparse.ArgumentParser(
        description="List (or stamp) translations older than their English original."
    )
    parser.add_argument(
        "--stamp", nargs="+", type=Path, metavar="FILE", help="record the current English version"
    )
    args = parser.parse_args()
    if args.stamp:
        for path in args.stamp:
            print(f"{path}: {STAMP}: {stamp(path)}")
        return 0
    stale = out_of_date()
    for translation, recorded, current in stale:
        why = (
            "no translated_from stamp"
            if recorded is None
            else f"translated from {recorded}, English is now {current}"
        )
        print(
            f"{translation.shown}: out of date ({why}); compare with "
            f"{translation.english.relative_to(ROOT).as_posix()}, update the translation, "
            f"then run: .venv/bin/python -m hooks.translations --stamp {translation.shown}"
        )
    if not stale:
        print(f"all {len(translations())} translations are up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
