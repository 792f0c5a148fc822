"""Install a Debian package the tests need (Chromium, Java), as root, with apt-get.

Another apt-get or dpkg may be running on the machine (an engineer's, an
unattended upgrade): apt-get then waits for its lock, up to ``LOCK_TIMEOUT``
seconds, instead of failing at once.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time

LOCK_TIMEOUT = 600  # seconds to wait for another apt-get/dpkg to finish
TIMEOUT = LOCK_TIMEOUT + 900  # the whole command, download and unpacking included
LOCKED = "Could not get lock"


def _log(message: str) -> None:
    print(f"tools.apt: {message}", file=sys.stderr, flush=True)


def available() -> bool:
    """Whether this process may install Debian packages (root, with apt-get)."""
    return hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get") is not None


def command(*args: str) -> list[str]:
    """An apt-get command line that waits for the dpkg lock instead of failing."""
    return ["apt-get", "-q", "-o", f"DPkg::Lock::Timeout={LOCK_TIMEOUT}", *args]


def _run(args: list[str]) -> bool:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    deadline = time.monotonic() + LOCK_TIMEOUT
    while True:
        try:
            done = subprocess.run(
                args, capture_output=True, text=True, timeout=TIMEOUT, env=env, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            _log(f"`{' '.join(args)}` failed: {error}")
            return False
        if done.returncode == 0:
            return True
        # `apt-get update` takes the lists lock, which the option above does
        # not cover on every apt: wait for that one here.
        if LOCKED in done.stderr and time.monotonic() < deadline:
            time.sleep(5)
            continue
        _log(f"`{' '.join(args)}` failed:\n{done.stderr.strip()}")
        return False


def install(*packages: str) -> bool:
    """``apt-get update`` then ``apt-get install -y PACKAGES``; False (and why,
    on stderr) if that is not possible here or fails."""
    if not available():
        return False
    _log(f"installing Debian's {', '.join(packages)}: apt-get update && apt-get install")
    return _run(command("update")) and _run(
        command("install", "-y", "--no-install-recommends", *packages)
    )
