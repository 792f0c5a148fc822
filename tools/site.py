"""Build the whole site, every language, into one directory.

Each language is its own mkdocs config (``mkdocs.yml`` for English at the
root of the site, ``mkdocs.<lang>.yml`` for the others under ``/<lang>/``), so
that plugins such as mkdocs-jupyter work unchanged in every language. English
is built first because a build empties its own output directory.

Then the languages share one ``/assets/`` (:func:`share_assets`): a file of
``/<lang>/assets/`` that ``/assets/`` has byte for byte is deleted, one it lacks
is moved there, and the language's pages are rewritten to load them from
``/assets/``. A reader who switches language loads no stylesheet or script
twice. (``mkdocs serve`` of one language keeps its own assets.)

    python -m tools.site [SITE_DIR]
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parents[1]


def configs(root: Path = ROOT) -> list[tuple[str, Path]]:
    """``[("en", mkdocs.yml), ("ru", mkdocs.ru.yml), …]``, English first."""
    found = [("en", root / "mkdocs.yml")]
    for path in sorted(root.glob("mkdocs.*.yml")):
        found.append((path.name.split(".")[1], path))
    return found


def prefix(lang: str) -> str:
    """Where a language lives in the site: "" for English, "ru/" for Russian."""
    return "" if lang == "en" else f"{lang}/"


def build(
    site_dir: Path,
    root: Path = ROOT,
    strict: bool = True,
    config_files: list[tuple[str, Path]] | None = None,
    env: dict[str, str] | None = None,
) -> None:
    """``mkdocs build`` of each language into its place in ``site_dir``
    (``config_files``: other configs than the project's, e.g. a benchmark's).

    Not ``-q``: mkdocs' quiet mode drops warnings before ``--strict`` counts
    them, so a broken link would pass. What the build logs besides its routine
    INFO lines (warnings, and the hooks' notes such as "run make notebook") is
    passed on; a failed build raises :class:`BuildFailed` with its log.
    """
    env = {**(env or os.environ), "NO_MKDOCS_2_WARNING": "1"}
    for lang, config in config_files or configs(root):
        command = [sys.executable, "-m", "mkdocs", "build", "-f", str(config)]
        command += ["-d", str(site_dir / prefix(lang))]
        if strict:
            command.append("--strict")
        done = subprocess.run(
            command, cwd=root, env=env, capture_output=True, text=True, check=False
        )
        log = [line for line in done.stderr.splitlines() if not ROUTINE.match(line)]
        if done.returncode != 0:
            raise BuildFailed(f"{config.name}: mkdocs build failed:\n" + "\n".join(log))
        if log:
            print("\n".join(log), file=sys.stderr)
    for lang, _ in config_files or configs(root):
        if prefix(lang):
            share_assets(site_dir, prefix(lang))


class BuildFailed(RuntimeError):
    pass


# What every build logs, and nobody needs to read.
ROUTINE = re.compile(
    r"^INFO +- +(Cleaning site directory|Building documentation to directory|"
    r"Documentation built in [\d.]+ seconds)"
)


# A URL the theme writes into a page: an attribute, or a string of its JSON config.
ASSET_URL = re.compile(
    r'(?P<before>(?:\b(?:href|src)=|"search":\s*)")(?P<url>[^"#?]*?assets/[^"]*)"'
)


def share_assets(site_dir: Path, lang_prefix: str) -> list[str]:
    """Make the pages under ``lang_prefix`` ("ru/") use the site's ``/assets/``;
    returns what stays language-specific (a file that differs from the shared
    one of the same name keeps its place and its links)."""
    own = site_dir / lang_prefix / "assets"
    shared = site_dir / "assets"
    if not own.is_dir() or not shared.is_dir():
        return []
    moved: set[str] = set()  # paths under assets/, now served from /assets/
    kept: list[str] = []
    for path in sorted(p for p in own.rglob("*") if p.is_file()):
        relative = path.relative_to(own).as_posix()
        twin = shared / relative
        if not twin.exists():
            twin.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(path, twin)
        elif twin.read_bytes() == path.read_bytes():
            path.unlink()
        else:
            kept.append(relative)
            continue
        moved.add(relative)
    for folder in sorted((p for p in own.rglob("*") if p.is_dir()), reverse=True):
        if not any(folder.iterdir()):
            folder.rmdir()
    if not any(own.iterdir()):
        own.rmdir()

    root = PurePosixPath("/" + lang_prefix)
    for page in (site_dir / lang_prefix).rglob("*.html"):
        where = PurePosixPath("/" + page.relative_to(site_dir).as_posix()).parent

        def shared_url(found: re.Match, where: PurePosixPath = where) -> str:
            url = found.group("url")
            target = PurePosixPath(os.path.normpath(url if url.startswith("/") else where / url))
            try:
                relative = target.relative_to(root / "assets").as_posix()
            except ValueError:
                return found.group()
            if relative not in moved:
                return found.group()
            new = PurePosixPath("/assets", relative)
            if not url.startswith("/"):
                new = PurePosixPath(os.path.relpath(new, where))
            return f'{found.group("before")}{new}"'

        text = page.read_text(encoding="utf-8")
        rewritten = ASSET_URL.sub(shared_url, text)
        if rewritten != text:
            page.write_text(rewritten, encoding="utf-8")
    return kept


def built_pages(site_dir: Path, root: Path = ROOT) -> list[tuple[str, str]]:
    """Every page of a built site as ``(lang, path in that language)``, e.g.
    ``("ru", "tasks/")`` or ``("en", "")`` for the home page; English first,
    then each language in turn, by path."""
    order = [lang for lang, _ in configs(root)]
    prefixes = {prefix(lang).rstrip("/"): lang for lang in order if prefix(lang)}
    found = []
    for html in site_dir.rglob("index.html"):
        parts = html.relative_to(site_dir).parent.parts
        lang = prefixes.get(parts[0], "en") if parts else "en"
        if lang != "en":
            parts = parts[1:]
        found.append((lang, "".join(f"{part}/" for part in parts)))
    return sorted(found, key=lambda page: (order.index(page[0]), page[1]))


if __name__ == "__main__":
    build(Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "site").resolve())


# What a page loads by itself (not what it links to): other hosts are refused.
_LOADED = re.compile(
    r"<(?:img|script|iframe|source|video|audio|embed)\b[^>]*?\bsrc=\"(?P<src>[^\"]+)\""
    r"|<link\b[^>]*?\brel=\"(?:stylesheet|preload|modulepreload|icon)\"[^>]*?\bhref=\"(?P<href>[^\"]+)\""
    r"|url\((?P<url>https?://[^)]+)\)"
)


def external_resources(site_dir: Path) -> list[str]:
    """Every resource a built page would load from another host (a hotlinked
    image, a CDN script or font): ``page: URL``. The site serves everything itself."""
    found = []
    for page in sorted(site_dir.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        for match in _LOADED.finditer(text):
            url = match.group("src") or match.group("href") or match.group("url")
            if re.match(r"^(?:https?:)?//", url):
                found.append(f"{page.relative_to(site_dir)}: loads {url}")
    return found
