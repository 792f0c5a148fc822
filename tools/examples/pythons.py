"""The Pythons the examples are checked on: every CPython 3.11 or newer this
machine has, one per minor version.

Found by version, not by a hard-coded path: the interpreter the tools run on
(the project's ``.venv``), ``python3.X`` on ``PATH``, and pyenv's
``$(pyenv root)/versions/*``. ``PYTHONS`` overrides the search: interpreters
(paths, or commands on PATH) separated by spaces or commas, e.g.
``PYTHONS="python3.12 /opt/py313/bin/python"``.

The interpreter the tools run on runs the examples from its own virtualenv.
Every other one gets a small virtualenv of its own,
``.cache/pythons/<X.Y>/``, with only what the examples need (ipykernel, for
the Jupyter forms and the notebook, at the versions requirements.lock pins),
created on first use (``python -m tools.examples.pythons --setup`` does it
ahead of time, as ``make test`` does).

    python -m tools.examples.pythons            # what is found, and what is not
    python -m tools.examples.pythons --setup    # create the virtualenvs
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENVS = ROOT / ".cache" / "pythons"
LOCK = ROOT / "requirements.lock"
OLDEST = (3, 11)  # the start page's promise: Python 3.11 or newer
NEWEST = (3, 15)  # the newest CPython release (3.15.0: October 2026)
# What the examples need besides the standard library: a Jupyter kernel.
EXAMPLE_PACKAGES = ["ipykernel"]
PROBE = (
    "import json, platform, sys; print(json.dumps([platform.python_implementation(), "
    "list(sys.version_info[:3]), sys.base_prefix, sys.executable]))"
)


@dataclass(frozen=True)
class Interpreter:
    version: tuple[int, int, int]
    found: Path  # the interpreter that was found (for the summary)
    default: bool  # the one the tools run on (its own virtualenv runs the examples)

    @property
    def minor(self) -> str:
        return f"{self.version[0]}.{self.version[1]}"

    @property
    def name(self) -> str:
        return ".".join(map(str, self.version))

    @property
    def venv(self) -> Path:
        return Path(sys.prefix) if self.default else VENVS / self.minor

    @property
    def python(self) -> Path:
        """The interpreter the examples run with (in its virtualenv)."""
        return Path(sys.executable) if self.default else self.venv / "bin" / "python"


@dataclass(frozen=True)
class Missing:
    minor: str
    reason: str


def _probe(path: str) -> tuple[str, tuple[int, int, int], str] | None:
    try:
        done = subprocess.run(
            [path, "-I", "-c", PROBE], capture_output=True, text=True, timeout=30, check=False
        )
        implementation, version, base, _ = json.loads(done.stdout)
    except (OSError, ValueError, subprocess.TimeoutExpired):
        return None
    return implementation, tuple(version), base


def pyenv_root() -> Path | None:
    if os.environ.get("PYENV_ROOT"):
        return Path(os.environ["PYENV_ROOT"])
    if shutil.which("pyenv"):
        done = subprocess.run(["pyenv", "root"], capture_output=True, text=True, check=False)
        if done.returncode == 0 and done.stdout.strip():
            return Path(done.stdout.strip())
    home = Path.home() / ".pyenv"
    return home if home.is_dir() else None


def candidates() -> list[str]:
    found = []
    for minor in range(OLDEST[1], NEWEST[1] + 2):
        if path := shutil.which(f"python3.{minor}"):
            found.append(path)
    root = pyenv_root()
    if root:
        found += sorted(str(p) for p in root.glob("versions/*/bin/python3") if p.is_file())
    return found


def _requested() -> list[str] | None:
    value = os.environ.get("PYTHONS", "").strip()
    return [p for p in re.split(r"[\s,]+", value) if p] if value else None


@cache
def discover() -> tuple[tuple[Interpreter, ...], tuple[Missing, ...]]:
    """The interpreters the examples run on, oldest first, and the minor
    versions from OLDEST to NEWEST that are missing, with the reason."""
    own = (sys.version_info.major, sys.version_info.minor, sys.version_info.micro)
    own_base = Path(sys.base_prefix).resolve()
    requested = _requested()
    by_minor: dict[str, Interpreter] = {}
    rejected: dict[str, str] = {}
    sources = requested if requested is not None else [sys.executable, *candidates()]
    for source in sources:
        path = shutil.which(source) or source
        probed = _probe(path)
        if probed is None:
            if requested is not None:
                rejected[source] = "PYTHONS names it, but it does not run"
            continue
        implementation, version, base = probed
        minor = f"{version[0]}.{version[1]}"
        if implementation != "CPython" or version[:2] < OLDEST:
            if requested is not None:
                rejected[source] = f"PYTHONS names {implementation} {minor}; CPython 3.11+ only"
            continue
        default = version == own and Path(base).resolve() == own_base
        interpreter = Interpreter(version, Path(path), default)
        current = by_minor.get(minor)
        if (
            current is None
            or (default and not current.default)
            or not current.default
            and version > current.version
        ):
            by_minor[minor] = interpreter
    found = tuple(sorted(by_minor.values(), key=lambda i: i.version))
    missing = [Missing(source, reason) for source, reason in rejected.items()]
    for number in range(OLDEST[1], NEWEST[1] + 1):
        minor = f"3.{number}"
        if minor in by_minor:
            continue
        if requested is not None:
            reason = "not in PYTHONS"
        else:
            where = f"python{minor} on PATH"
            root = pyenv_root()
            where += f", or {root}/versions/{minor}.*" if root else " (no pyenv)"
            reason = f"not installed here: looked for {where}"
        missing.append(Missing(minor, reason))
    return found, tuple(missing)


def interpreters() -> tuple[Interpreter, ...]:
    return discover()[0]


def default() -> Interpreter:
    """The interpreter the tools run on (builds, timelines, the real-time check)."""
    for interpreter in interpreters():
        if interpreter.default:
            return interpreter
    version = tuple(sys.version_info[:3])
    return Interpreter(version, Path(sys.executable), True)  # PYTHONS left it out


def _requirements() -> list[str]:
    """EXAMPLE_PACKAGES at the versions requirements.lock pins, for the constraint file."""
    return [line for line in LOCK.read_text().splitlines() if line.strip()]


def _stamp(interpreter: Interpreter) -> str:
    text = f"{interpreter.found}\n{interpreter.name}\n{EXAMPLE_PACKAGES}\n{LOCK.read_text()}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


_venv_lock = threading.Lock()


def ensure_venv(interpreter: Interpreter) -> Path:
    """The interpreter's virtualenv, created (or re-created when requirements.lock
    changed) with what the examples need. Returns its python."""
    if interpreter.default:
        return interpreter.python
    with _venv_lock:
        return _ensure_venv(interpreter)


def _ensure_venv(interpreter: Interpreter) -> Path:
    venv = interpreter.venv
    stamp = venv / ".installed"
    if stamp.is_file() and stamp.read_text() == _stamp(interpreter) and interpreter.python.exists():
        return interpreter.python
    print(f"tools.examples.pythons: creating {venv} ({interpreter.name})", file=sys.stderr)
    shutil.rmtree(venv, ignore_errors=True)
    subprocess.run([str(interpreter.found), "-m", "venv", str(venv)], check=True)
    constraints = venv / "constraints.txt"
    constraints.write_text("\n".join(_requirements()) + "\n")
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    subprocess.run(
        [str(interpreter.python), "-m", "pip", "install", "-q", "-c", str(constraints)]
        + EXAMPLE_PACKAGES,
        check=True,
        env=env,
    )
    stamp.write_text(_stamp(interpreter))
    return interpreter.python


def summary() -> list[str]:
    """Lines for the test summary: what the examples were checked on, and what not."""
    found, missing = discover()
    lines = ["examples checked on: " + ", ".join(f"CPython {i.name} ({i.found})" for i in found)]
    lines += [f"not checked on {m.minor}: {m.reason}" for m in missing]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--setup", action="store_true", help="create the virtualenvs")
    args = parser.parse_args(argv)
    if args.setup:
        for interpreter in interpreters():
            ensure_venv(interpreter)
    print("\n".join(summary()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
