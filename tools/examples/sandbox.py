"""Run an example with no power over the checkout or the machine.

Every example runs under bubblewrap (Debian's ``bubblewrap`` package): the
whole file system read-only, except its own temporary directories; its own
process, IPC and network namespaces (a loopback network of its own, no way
out); no capabilities, even when the tests run as root (as CI does). An
example that writes outside its directory, deletes a file of the checkout or
talks to another host fails, as it should.

``bwrap`` is found on PATH, else installed (``apt-get install bubblewrap``,
as root on Debian or Ubuntu), else the tests fail and say how to get it.
"""

from __future__ import annotations

import shutil
from functools import cache
from pathlib import Path

from tools import apt

ROOT = Path(__file__).resolve().parents[2]
TMP = Path("/tmp")


class SandboxUnavailable(RuntimeError):
    pass


HOW_TO_GET_IT = (
    "No bubblewrap (bwrap) to run the examples in: install Debian's package, "
    "`sudo apt-get install bubblewrap` (the tests install it themselves when run as root)."
)


@cache
def bwrap() -> str:
    found = shutil.which("bwrap")
    if found is None and apt.install("bubblewrap"):
        found = shutil.which("bwrap")
    if found is None:
        raise SandboxUnavailable(HOW_TO_GET_IT)
    return found


def wrap(command: list[str], cwd: Path, writable: list[Path], own_pids: bool = True) -> list[str]:
    """``command`` as it runs in the sandbox, in ``cwd``, able to write only
    in ``writable`` (which includes ``cwd``). ``own_pids=False`` keeps the
    process IDs of the machine (a Jupyter kernel watches its parent's)."""
    binds = []
    # The sandbox gets an empty /tmp of its own; what it must read from there
    # (a checkout cloned under /tmp, as CI may do, and its virtualenvs) comes back read-only.
    for path in dict.fromkeys([ROOT, Path(command[0]).parent.parent]):
        if path.is_relative_to(TMP):
            binds += ["--ro-bind", str(path), str(path)]
    for path in dict.fromkeys([cwd, *writable]):
        binds += ["--bind", str(path), str(path)]
    return [
        bwrap(),
        "--ro-bind", "/", "/",
        "--dev", "/dev",
        "--proc", "/proc",
        "--tmpfs", "/tmp",
        *binds,
        *(["--unshare-all"] if own_pids else [
            "--unshare-user-try", "--unshare-ipc", "--unshare-net", "--unshare-uts",
            "--unshare-cgroup-try",
        ]),
        "--die-with-parent",
        "--cap-drop", "ALL",
        "--chdir", str(cwd),
        "--",
        *command,
    ]  # fmt: skip
