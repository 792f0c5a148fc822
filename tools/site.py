"""Build the whole site, every language, into one directory.

Each language is its own mkdocs config (``mkdocs.yml`` for English at the
root of the site, ``mkdocs.<lang>.yml`` for the others under ``/<lang>/``), so
that plugins such as mkdocs-jupyter work unchanged in every language. English
is built first because a build empties its own output directory.

    python -m tools.site [SITE_DIR]
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

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


class BuildFailed(RuntimeError):
    pass


# What every build logs, and nobody needs to read.
ROUTINE = re.compile(
    r"^INFO +- +(Cleaning site directory|Building documentation to directory|"
    r"Documentation built in [\d.]+ seconds)"
)


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
