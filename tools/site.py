"""Build the whole site, every language, into one directory.

Each language is its own mkdocs config (``mkdocs.yml`` for English at the
root of the site, ``mkdocs.<lang>.yml`` for the others under ``/<lang>/``), so
that plugins such as mkdocs-jupyter work unchanged in every language. English
is built first because a build empties its own output directory.

    python -m tools.site [SITE_DIR]
"""

from __future__ import annotations

import os
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


def build(site_dir: Path, root: Path = ROOT, strict: bool = True) -> None:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    for lang, config in configs(root):
        target = site_dir if lang == "en" else site_dir / lang
        command = [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "-q",
            "-f",
            str(config),
            "-d",
            str(target),
        ]
        if strict:
            command.append("--strict")
        subprocess.run(command, cwd=root, env=env, check=True)


if __name__ == "__main__":
    build(Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "site").resolve())
