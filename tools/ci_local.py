"""GitHub's runner, simulated on this machine: the ``run:`` steps of each job
of ``.github/workflows/ci.yml``, in order, in a fresh clone of this checkout's
HEAD, as an unprivileged user with passwordless sudo (GitHub's ``runner``).

Run as root; it prepares, once, what GitHub's image has and this machine
lacks (installed with :mod:`tools.apt`, created if missing):

* the user (``ci-runner``), its home, and its sudoers line
  (``/etc/sudoers.d/ci-local``: ``NOPASSWD: ALL``, as on the runner);
* root's package-index settings (pip's ``~/.config/pip/pip.conf``, npm's
  ``~/.npmrc``), copied to the user's home: without them its pip and npm
  would not find the pinned versions here;
* the Pythons that ``actions/setup-python`` would give, in a tool cache like
  the runner's (``/opt/ci-local/python/3.X``): copies of pyenv's newest of
  each (``/root`` is closed to other users), their library path made relative
  (``patchelf``). Debian 12's ``/usr/bin/python3`` (3.11.2) is not used:
  setup-python gives the newest 3.11. The image's own
  ``python3.12`` is on PATH in every job, as on Ubuntu 24.04.

``uses:`` steps are replaced by what they do where that is possible
(checkout: the fresh clone; setup-python: its version first on PATH;
setup-node: the machine's node) and are otherwise listed as not simulated;
so are steps whose ``if:`` needs GitHub (anything but ``failure()`` and
``always()``) and matrix entries whose Python is not here. The jobs run
with ``CI=true``, as on GitHub. The output of each step is kept in
``/tmp/ci-local/<job>/``; the last lines of a failed step are shown.

    python -m tools.ci_local [--job test] [--job examples] [--python 3.11]
"""

from __future__ import annotations

import argparse
import glob
import os
import pwd
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from itertools import product
from pathlib import Path

import yaml

from tools import apt

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / ".github" / "workflows" / "ci.yml"
USER = "ci-runner"
SUDOERS = Path("/etc/sudoers.d/ci-local")
TOOLCACHE = Path("/opt/ci-local/python")
LOGS = Path("/tmp/ci-local")
IMAGE_PYTHON = "3.12"  # Ubuntu 24.04's python3, on PATH beside setup-python's
INDEX_SETTINGS = [".config/pip/pip.conf", ".npmrc"]  # root's, copied to the user's home
SHELLS = {None: "bash -e {0}", "bash": "bash --noprofile --norc -eo pipefail {0}"}
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
TAIL = 40  # lines of a failed step's output shown


@dataclass
class Result:
    job: str
    step: str
    outcome: str  # passed, failed, skipped, not simulated
    seconds: float = 0.0
    note: str = ""


@dataclass
class Runner:
    user: pwd.struct_passwd
    work: Path  # the jobs' clones are made here, one for each
    results: list[Result] = field(default_factory=list)

    def say(self, result: Result) -> None:
        self.results.append(result)
        took = f"{result.seconds:7.1f} s" if result.seconds else " " * 9
        note = f"  ({result.note})" if result.note else ""
        print(f"  {result.outcome:>13} {took}  {result.step}{note}", flush=True)


# --- what GitHub's image has ---------------------------------------------------------------


def prepare(name: str) -> pwd.struct_passwd:
    if os.geteuid() != 0:
        sys.exit("tools.ci_local: run it as root (it creates the user and its sudoers line)")
    missing = [
        p for p, cmd in (("sudo", "sudo"), ("patchelf", "patchelf")) if not shutil.which(cmd)
    ]
    if missing and not apt.install(*missing):
        sys.exit(f"tools.ci_local: cannot install {' '.join(missing)}")
    try:
        user = pwd.getpwnam(name)
    except KeyError:
        subprocess.run(["useradd", "--create-home", "--shell", "/bin/bash", name], check=True)
        user = pwd.getpwnam(name)
        print(f"created the user {name} ({user.pw_dir})")
    line = f"{name} ALL=(ALL) NOPASSWD: ALL\n"
    if not SUDOERS.is_file() or SUDOERS.read_text() != line:
        SUDOERS.parent.mkdir(exist_ok=True)
        SUDOERS.write_text(line)
        SUDOERS.chmod(0o440)
        print(f"wrote {SUDOERS}: {line.strip()}")
    home = Path(user.pw_dir)
    for setting in INDEX_SETTINGS:
        source, target = Path.home() / setting, home / setting
        if source.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            for path in [target, *target.parents]:
                if path == home.parent:
                    break
                os.chown(path, user.pw_uid, user.pw_gid)
    return user


def toolcache(version: str) -> Path | None:
    """The ``bin`` of a Python ``version`` ("3.12") that any user can run, with
    ``python``, ``python3`` and ``python3.X`` in it as setup-python's has; None
    where pyenv has none. pyenv's newest release of it, as setup-python gives the
    newest, as setup-python gives it."""
    cached = TOOLCACHE / version / "bin"
    if cached.is_dir():
        return cached
    found = sorted(glob.glob(str(Path.home() / f".pyenv/versions/{version}.*")))
    if not found:
        return None
    target = TOOLCACHE / version
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f"{version}.partial")
    shutil.rmtree(partial, ignore_errors=True)
    shutil.copytree(found[-1], partial, symlinks=True)
    for binary in (partial / "bin").glob("python3.*"):
        if not binary.is_symlink() and binary.read_bytes()[:4] == b"\x7fELF":
            subprocess.run(["patchelf", "--set-rpath", "$ORIGIN/../lib", str(binary)], check=True)
    for name in ("python", "python3"):
        if not (partial / "bin" / name).exists():
            (partial / "bin" / name).symlink_to(f"python{version}")
    partial.chmod(0o755)
    partial.rename(target)
    print(f"copied {found[-1]} to {target} (its library path made relative)")
    return cached


# --- the jobs --------------------------------------------------------------------------------


def matrix_entries(job: dict) -> list[dict]:
    matrix = (job.get("strategy") or {}).get("matrix") or {}
    keys = [k for k in matrix if k not in ("include", "exclude")]
    return [dict(zip(keys, values, strict=True)) for values in product(*(matrix[k] for k in keys))]


def substitute(text: str, matrix: dict) -> str | None:
    """``${{ matrix.X }}`` replaced; None where another expression needs GitHub."""

    def value(found: re.Match) -> str:
        name = found[1]
        if name.startswith("matrix.") and name[7:] in matrix:
            return str(matrix[name[7:]])
        raise KeyError(name)

    try:
        return EXPRESSION.sub(value, str(text))
    except KeyError:
        return None


def run_job(runner: Runner, workflow: dict, job_id: str, matrix: dict) -> bool:
    job = workflow["jobs"][job_id]
    label = job_id + "".join(f" {k}={v}" for k, v in matrix.items())
    print(f"\njob {label}", flush=True)
    home = Path(runner.user.pw_dir)
    workspace = runner.work / job_id
    scratch = LOGS / label.replace(" ", "_").replace("=", "-")
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    summary = scratch / "step_summary.md"
    summary.touch()
    for path_ in (scratch, summary):
        os.chown(path_, runner.user.pw_uid, runner.user.pw_gid)
    path = ["/usr/local/bin", "/usr/bin", "/bin", "/usr/local/sbin", "/usr/sbin", "/sbin"]
    if image := toolcache(IMAGE_PYTHON):  # only its python3.12, as the image's /usr/bin has
        wrapper = scratch / "image" / f"python{IMAGE_PYTHON}"  # not a link: venv would
        wrapper.parent.mkdir()  # take the link's directory for the Python's home
        wrapper.write_text(f'#!/bin/sh\nexec {image}/python{IMAGE_PYTHON} "$@"\n')
        wrapper.chmod(0o755)
        path.insert(0, str(scratch / "image"))
    env = {
        "HOME": str(home), "USER": runner.user.pw_name, "LOGNAME": runner.user.pw_name,
        "LANG": "C.UTF-8", "CI": "true", "GITHUB_ACTIONS": "true", "RUNNER_OS": "Linux",
        "GITHUB_WORKSPACE": str(workspace), "RUNNER_TEMP": str(scratch),
        "GITHUB_STEP_SUMMARY": str(summary),
        **{k: v for k, v in os.environ.items() if k.startswith(("PIP_", "NPM_CONFIG_"))},
    }  # fmt: skip
    for key, value in {**workflow.get("env", {}), **job.get("env", {})}.items():
        env[key] = substitute(value, matrix) or ""
    shells = {**(workflow.get("defaults") or {}), **(job.get("defaults") or {})}
    default_shell = (shells.get("run") or {}).get("shell")
    deadline = time.monotonic() + 60 * job.get("timeout-minutes", 360)
    failed = False
    for number, step in enumerate(job["steps"], 1):
        name = substitute(step.get("name") or step.get("uses") or step.get("run"), matrix)
        name = (name or "?").splitlines()[0]
        condition = str(step.get("if", "success()"))
        wanted = {"success()": not failed, "failure()": failed, "always()": True}.get(condition)
        if wanted is None:
            runner.say(Result(label, name, "not simulated", note=f"if: {condition}"))
            continue
        if not wanted:
            runner.say(Result(label, name, "skipped", note=f"if: {condition}"))
            continue
        uses = step.get("uses", "")
        if uses.startswith("actions/checkout@"):
            clone(workspace, runner.user)
            runner.say(Result(label, name, "simulated", note=f"a fresh clone of HEAD: {workspace}"))
        elif uses.startswith("actions/setup-python@"):
            version = substitute(step["with"]["python-version"], matrix) or "?"
            links = toolcache(version)
            if links is None:  # the whole job, then
                runner.say(Result(label, name, "not simulated", note=f"no Python {version} here"))
                return not failed
            path.insert(0, str(links))
            runner.say(Result(label, name, "simulated", note=f"python: {links / 'python'}"))
        elif uses.startswith("actions/setup-node@") and shutil.which("node"):
            runner.say(Result(label, name, "simulated", note="the machine's node"))
        elif uses:
            runner.say(Result(label, name, "not simulated", note=uses.split("@")[0]))
        else:
            script = substitute(step["run"], matrix)
            step_env = {k: substitute(v, matrix) for k, v in (step.get("env") or {}).items()}
            if script is None or None in step_env.values():
                runner.say(Result(label, name, "not simulated", note="an expression of GitHub's"))
                continue
            shell = SHELLS.get(step.get("shell", default_shell))
            log = scratch / f"{number:02}.log"
            ok, seconds = run_step(
                runner.user, script, shell, workspace, {**env, "PATH": ":".join(path), **step_env},
                log, deadline - time.monotonic(),
            )  # fmt: skip
            runner.say(Result(label, name, "passed" if ok else "failed", seconds, str(log)))
            if not ok:
                failed = True
                lines = log.read_text(errors="replace").splitlines()
                print("\n".join(f"      | {line}" for line in lines[-TAIL:]), flush=True)
    return not failed


def clone(workspace: Path, user: pwd.struct_passwd) -> None:
    shutil.rmtree(workspace, ignore_errors=True)
    workspace.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "clone", "-q", str(ROOT), str(workspace)], check=True)
    subprocess.run(
        ["chown", "-R", f"{user.pw_uid}:{user.pw_gid}", str(workspace.parent)], check=True
    )


def _as(user: pwd.struct_passwd) -> dict:
    """subprocess.run's arguments that run a step as ``user`` (root switches to
    it; another user is already it: its tests run as whoever runs them)."""
    if os.getuid() != 0:
        return {}
    return {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": []}


def run_step(user, script, shell, cwd, env, log, timeout) -> tuple[bool, float]:
    script_file = log.with_suffix(".sh")
    script_file.write_text(script)
    script_file.chmod(0o644)
    start = time.monotonic()
    with open(log, "w") as output:
        try:
            done = subprocess.run(
                [part.replace("{0}", str(script_file)) for part in shell.split()],
                cwd=cwd, env=env, **_as(user),
                stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT,
                timeout=max(timeout, 1), check=False,
            )  # fmt: skip
            ok = done.returncode == 0
        except subprocess.TimeoutExpired:
            output.write("\n(the job's timeout-minutes ran out)\n")
            ok = False
    return ok, time.monotonic() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--job", action="append", help="only this job (repeatable)")
    parser.add_argument("--python", action="append", help="only these matrix Pythons")
    parser.add_argument("--user", default=USER)
    args = parser.parse_args(argv)
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    user = prepare(args.user)
    runner = Runner(user, Path(user.pw_dir) / "work")
    passed = True
    for job_id, job in workflow["jobs"].items():
        if args.job and job_id not in args.job:
            continue
        for matrix in matrix_entries(job) or [{}]:
            if args.python and matrix.get("python") not in args.python:
                continue
            passed &= run_job(runner, workflow, job_id, matrix)
    print(
        f"\n{WORKFLOW.relative_to(ROOT)} as the user {user.pw_name} (uid {user.pw_uid}), CI=true:"
    )
    for outcome in ("passed", "failed", "simulated", "skipped", "not simulated"):
        steps = [r for r in runner.results if r.outcome == outcome]
        if steps:
            print(f"  {outcome}: {len(steps)} steps")
    for result in runner.results:
        if result.outcome in ("failed", "not simulated"):
            print(f"  {result.outcome}: {result.job}: {result.step} ({result.note})")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
