"""Install a Debian package the tests need (a browser, a sandbox, Java) on
Debian or Ubuntu: as root (this machine's CI), or through ``sudo -n`` where
sudo needs no password (GitHub's runners: the user ``runner``). Elsewhere
nothing is installed, and :func:`how_to_install` says what to run on
Debian/Ubuntu, Fedora and macOS.

apt-get is told to wait for the dpkg lock (``DPkg::Lock::Timeout``); an
``apt-get update`` that finds the package lists' lock taken (which that option
does not cover on every apt) is tried again until ``LOCK_TIMEOUT``.

    python -m tools.apt PACKAGE...
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from functools import cache

LOCK_TIMEOUT = 600  # seconds to wait for another apt-get or dpkg to finish
TIMEOUT = 1200  # one command, download and unpacking included
LOCKED = "Could not get lock"

# Debian's package -> (Fedora's package, what to run on macOS; None: nothing there).
ELSEWHERE = {
    "bubblewrap": ("bubblewrap", None),  # Linux only: macOS runs the examples unsandboxed
    "chromium": ("chromium", ".venv/bin/python -m playwright install chromium"),
    "default-jre-headless": ("java-latest-openjdk-headless", "brew install openjdk"),
    "npm": ("npm", "brew install node"),
}


def how_to_install(package: str) -> str:
    """The command to run for ``package`` (Debian's name), on each system."""
    fedora, mac = ELSEWHERE.get(package, (package, f"brew install {package}"))
    ways = [
        f"`sudo apt-get install -y {package}` (Debian/Ubuntu)",
        f"`sudo dnf install -y {fedora}` (Fedora)",
    ]
    ways.append(f"`{mac}` (macOS)" if mac else "nothing on macOS (Linux only)")
    return "; ".join(ways)


@cache
def sudo() -> list[str] | None:
    """How to run a command as root here: nothing to add as root, ``sudo -n``
    where sudo works without a password; None where neither does."""
    if not hasattr(os, "geteuid"):
        return None
    if os.geteuid() == 0:
        return []
    if shutil.which("sudo") is None:
        return None
    try:
        done = subprocess.run(["sudo", "-n", "true"], capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return ["sudo", "-n"] if done.returncode == 0 else None


def can_install() -> bool:
    return shutil.which("apt-get") is not None and sudo() is not None


def command(*args: str) -> list[str]:
    """An apt-get command line, as root, that waits for the dpkg lock instead of failing."""
    # `env`: sudo would drop DEBIAN_FRONTEND from the environment
    as_root = [*sudo(), "env", "DEBIAN_FRONTEND=noninteractive"] if sudo() else []
    return [*as_root, "apt-get", "-o", f"DPkg::Lock::Timeout={LOCK_TIMEOUT}", *args]


def install(*packages: str, log=None) -> bool:
    """``apt-get update && apt-get install -y PACKAGES``, as root or through
    passwordless sudo; False where that cannot be done (the caller says how
    to get them: :func:`how_to_install`) or fails (the reason written to ``log``)."""
    log = log or (lambda message: print(f"tools.apt: {message}", file=sys.stderr, flush=True))
    if not can_install():
        return False
    log(f"apt-get install -y {' '.join(packages)}" + (" (with sudo -n)" if sudo() else ""))
    return _run(command("update", "-q"), log) and _run(
        command("install", "-y", "-q", "--no-install-recommends", *packages), log
    )


def _run(args: list[str], log) -> bool:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    deadline = time.monotonic() + LOCK_TIMEOUT
    while True:
        try:
            done = subprocess.run(
                args, capture_output=True, text=True, timeout=TIMEOUT, env=env, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            log(f"`{' '.join(args)}` failed: {error}")
            return False
        if done.returncode == 0:
            return True
        if LOCKED in done.stderr and time.monotonic() < deadline:
            time.sleep(5)
            continue
        log(f"`{' '.join(args)}` failed:\n{done.stderr.strip()}")
        return False


def main(packages: list[str]) -> int:
    if install(*packages):
        return 0
    if not can_install():
        print(
            "tools.apt: cannot install here (no apt-get, or neither root nor passwordless sudo). "
            "Run:\n" + "\n".join(f"  {p}: {how_to_install(p)}" for p in packages),
            file=sys.stderr,
        )
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
