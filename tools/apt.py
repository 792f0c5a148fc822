"""Install a Debian package the tests need (a browser, a sandbox, Java) when
running as root on Debian or Ubuntu, as CI does; wait for another apt-get
that holds the dpkg lock instead of failing.

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

LOCK_TIMEOUT = 600  # seconds to wait for another apt-get or dpkg to finish
TIMEOUT = 1200  # one command, download and unpacking included
LOCKED = "Could not get lock"


def can_install() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get") is not None


def command(*args: str) -> list[str]:
    """An apt-get command line that waits for the dpkg lock instead of failing."""
    return ["apt-get", "-o", f"DPkg::Lock::Timeout={LOCK_TIMEOUT}", *args]


def install(*packages: str, log=None) -> bool:
    """``apt-get update && apt-get install -y PACKAGES``; False (with the reason
    written to ``log``) where that cannot be done or fails."""
    log = log or (lambda message: print(f"tools.apt: {message}", file=sys.stderr, flush=True))
    if not can_install():
        log(f"cannot install {' '.join(packages)}: not root, or no apt-get")
        return False
    log(f"apt-get install -y {' '.join(packages)}")
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


if __name__ == "__main__":
    sys.exit(0 if install(*sys.argv[1:]) else 1)
