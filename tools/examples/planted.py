"""Build a throw-away docs directory with one of the site's own configs (for
tests that plant a fault in a copy of the site)."""

from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path

from tools.site import ROOT


def build_with(
    config_name: str, docs: Path, out: Path, extra: str = ""
) -> subprocess.CompletedProcess:
    """``mkdocs build --strict`` of ``docs`` with ``config_name`` (inherited).

    The temporary config sits beside the real ones so that every relative path
    in them (snippets, hooks, theme overrides) means what it means there.
    """
    config = ROOT / f".planted-{uuid.uuid4().hex}.yml"
    config.write_text(f"INHERIT: {config_name}\ndocs_dir: {docs}\n{extra}")
    try:
        command = [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "-f",
            str(config),
            "-d",
            str(out),
        ]
        return subprocess.run(command, cwd=ROOT, check=False, capture_output=True, text=True)
    finally:
        config.unlink()
