"""Install a Debian package the tests need (a browser, a sandbox, Java) when
running as root on Debian or Ubuntu, as CI does; wait for another apt-get
that holds the dpkg lock instead of failing.

    python -m tools.apt PACKAGE...
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

LOCK_TIMEOUT = 600  # seconds to wait for another apt-get or dpkg to finish
TIMEOUT = 1200


def can_install() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get") is not None


def install(*packages: str, log=None) -> bool:
    """``apt-get update && apt-get install -y PACKAGES``; False (with the reason
    written to ``log``) where that cannot be done or fails."""
    log = log or (lambda message: print(f"tools.apt: {message}", file=sys.stderr, flush=True))
    if not can_install():
        log(f"cannot install {' '.join(packages)}: not root, or no apt-get")
        return False
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    lock = ["-o", f"DPkg::Lock::Timeout={LOCK_TIMEOUT}"]
    log(f"apt-get install -y {' '.join(packages)}")
    for command in (
        ["apt-get", *lock, "update", "-q"],
        ["apt-get", *lock, "install", "-y", "-q", "--no-install-recommends", *packages],
    ):
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=TIMEOUT, env=env, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            log(f"`{' '.join(command)}` failed: {error}")
            return False
        if done.returncode != 0:
            log(f"`{' '.join(command)}` failed:\n{done.stderr.strip()}")
            return False
    return True


if __name__ == "__main__":
    sys.exit(0 if install(*sys.argv[1:]) else 1)
