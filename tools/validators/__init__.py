"""The validators the tests hold the built site to, written by others: the Nu
Html Checker (``vnu``, the W3C's HTML validator) and axe-core (Deque's
accessibility engine, which Lighthouse also uses).

Both are npm packages pinned in ``tools/validators/package-lock.json`` and
installed there with ``npm ci`` on first use; vnu runs on Java, from Debian's
``default-jre-headless`` (installed by :mod:`tools.apt` if missing, as
tools/browser.py does for Chromium). Nothing is downloaded at run time.

    python -m tools.validators [SITE_DIR]   # vnu over every page of a built site
"""

from __future__ import annotations

import fcntl
import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from tools import apt

HERE = Path(__file__).resolve().parent
MODULES = HERE / "node_modules"
VNU_JAR = MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = MODULES / "axe-core" / "axe.min.js"
JAVA_PACKAGE = "default-jre-headless"
VNU_TIMEOUT = 600  # seconds: one Java call for the whole site takes a few


class ValidatorUnavailable(RuntimeError):
    """A validator could not be found or installed; the message says how to get it."""


def pinned(package: str) -> str:
    lock = json.loads((HERE / "package-lock.json").read_text(encoding="utf-8"))
    return lock["packages"][f"node_modules/{package}"]["version"]


def installed(package: str) -> str | None:
    path = MODULES / package / "package.json"
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))["version"]


def install() -> None:
    """``npm ci`` here unless the pinned versions are already installed (one
    process at a time: the test processes may all ask at once).
    (``--ignore-scripts``: vnu-jar's install script would download a Java.)"""
    if _current():
        return
    with open(HERE / ".install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not _current():
            _npm_ci()


def _current() -> bool:
    return all(installed(p) == pinned(p) for p in ("vnu-jar", "axe-core"))


def _npm_ci() -> None:
    if shutil.which("npm") is None:
        apt.install("npm")
    if shutil.which("npm") is None:
        raise ValidatorUnavailable(
            "npm is not installed: the HTML and accessibility checks need Node.js and npm "
            f"to install vnu-jar and axe-core: {apt.how_to_install('npm')}"
        )
    print(f"tools.validators: npm ci in {HERE}", file=sys.stderr, flush=True)
    done = subprocess.run(
        ["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=HERE,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise ValidatorUnavailable(f"`npm ci` in {HERE} failed:\n{done.stderr.strip()}")


def java() -> str:
    """The ``java`` command, installing Debian's headless Java if there is none."""
    found = shutil.which("java")
    if found is None and apt.install(JAVA_PACKAGE):
        found = shutil.which("java")
    if found is None:
        raise ValidatorUnavailable(
            f"No Java for the Nu Html Checker: {apt.how_to_install(JAVA_PACKAGE)}; "
            "or put a Java 11+ `java` on PATH"
        )
    return found


@cache
def axe_source() -> str:
    """axe-core's script, to inject into a page."""
    install()
    return AXE_JS.read_text(encoding="utf-8")


@dataclass(frozen=True)
class Message:
    """One finding of the Nu Html Checker."""

    file: Path
    type: str  # "error", "info" (with subType "warning" for a warning)
    message: str
    line: int | None
    extract: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else str(self.file)
        return f"{where}: {self.type}: {self.message}\n    {self.extract.strip()[:160]}"


def vnu(files: list[Path]) -> list[Message]:
    """Every message of the Nu Html Checker on ``files`` (HTML, and CSS files
    by their extension), in one Java call."""
    if not files:
        return []
    install()
    command = [java(), "-Xss8m", "-jar", str(VNU_JAR), "--format", "json", "--also-check-css"]
    done = subprocess.run(
        [*command, *map(str, files)],
        capture_output=True,
        text=True,
        timeout=VNU_TIMEOUT,
        check=False,
    )
    try:
        report = json.loads(done.stderr)
    except json.JSONDecodeError:
        raise ValidatorUnavailable(
            f"the Nu Html Checker did not report (exit {done.returncode}):\n{done.stderr[-2000:]}"
        ) from None
    found = []
    for item in report["messages"]:
        url = item.get("url", "")
        path = Path(url.removeprefix("file:")) if url else Path("?")
        kind = item["type"] if item.get("subType") != "warning" else "warning"
        found.append(
            Message(path, kind, item["message"], item.get("lastLine"), item.get("extract", ""))
        )
    return found


def main(argv: list[str]) -> int:
    site = Path(argv[0] if argv else "site").resolve()
    pages = sorted(p for p in site.rglob("*.html") if "assets" not in p.relative_to(site).parts)
    messages = vnu(pages)
    for message in messages:
        print(message)
    errors = sum(m.type == "error" for m in messages)
    print(f"{len(pages)} pages: {errors} errors, {len(messages) - errors} other messages")
    return 1 if errors else 0
