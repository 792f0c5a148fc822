"""The GitHub Actions workflows (``.github/workflows/``) are valid, safe, and
run what the README says: GitHub's workflow schema and zizmor's audit pass
offline; every action is pinned to a commit; pull requests run the README's
test command and the examples on every Python; the site is deployed only
after CI passed, and only where it is built to be served."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from mkdocs.config import load_config

from tools.site import ROOT

# What these tests are about, for make test PAGE= (tests/page_selection.py).
pytestmark = pytest.mark.about("nothing")

WORKFLOWS = ROOT / ".github" / "workflows"
BIN = Path(sys.executable).parent  # the virtualenv's tools, next to its python
PINNED = re.compile(r"^(?P<action>[\w.-]+/[\w./-]+)@(?P<sha>[0-9a-f]{40})$")
VERSION_COMMENT = re.compile(r"^v\d+\.\d+\.\d+$")
USES_LINE = re.compile(r"^\s*(?:-\s+)?uses:\s*(?P<ref>\S+)\s*(?:#\s*(?P<comment>.*?))?\s*$")
SELF_REPOSITORY = ("$/", "./")  # a reusable workflow of this repository, at this commit


def workflow_files() -> list[Path]:
    return sorted(WORKFLOWS.glob("*.yml")) + sorted(WORKFLOWS.glob("*.yaml"))


def load(path: Path) -> dict:
    workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
    # YAML 1.1 reads the key `on` as True.
    workflow["on"] = workflow.pop(True, workflow.get("on"))
    return workflow


def triggers(workflow: dict) -> dict:
    on = workflow["on"]
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return dict.fromkeys(on)
    return on


def steps(workflow: dict):
    """``(job id, job, step)`` for every step of every job."""
    for job_id, job in workflow["jobs"].items():
        for step in job.get("steps", []):
            yield job_id, job, step


def tool(name: str) -> str:
    path = BIN / name
    assert path.is_file(), f"{path} is missing: run `make setup` (it is in requirements.lock)"
    return str(path)


def readme_test_command() -> str:
    """The command the README gives for running every test (tools/guards.py reads it)."""
    from tools.guards import readme_test_command as read

    return read(ROOT)


def test_there_are_workflows():
    names = {path.name for path in workflow_files()}
    assert {"ci.yml", "pages.yml"} <= names, f"workflows in {WORKFLOWS}: {sorted(names)}"


def test_workflows_match_githubs_schema():
    """check-jsonschema's copy of GitHub's workflow schema: no network."""
    command = [tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows"]
    done = subprocess.run(
        command + [str(path) for path in workflow_files()],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, (
        "a workflow does not match GitHub's workflow schema "
        "(check-jsonschema --builtin-schema vendor.github-workflows):\n" + done.stdout + done.stderr
    )


def test_zizmor_finds_nothing():
    """zizmor's offline audits of the workflows and the pre-commit config
    (template injection, credentials left in the checkout, permissions, cache
    poisoning, unpinned actions, …)."""
    inputs = [str(WORKFLOWS), str(ROOT / ".pre-commit-config.yaml")]
    done = subprocess.run(
        [tool("zizmor"), "--offline", "--no-progress", "--color=never", *inputs],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert done.returncode == 0, (
        "zizmor --offline found problems in the workflows or .pre-commit-config.yaml; "
        "fix them (each finding links to its audit's documentation):\n" + done.stdout + done.stderr
    )
    assert "No findings to report" in done.stdout + done.stderr, done.stdout + done.stderr


def test_every_action_is_pinned_to_a_commit():
    """``uses: owner/repo@<40 hex>  # vX.Y.Z``: a tag can be moved, a commit cannot;
    the comment says which release it is. The same action has the same pin in
    every workflow."""
    problems = []
    pins: dict[str, set[tuple[str, str]]] = {}
    for path in workflow_files():
        text = path.read_text(encoding="utf-8")
        in_lines = []
        for number, line in enumerate(text.splitlines(), 1):
            found = USES_LINE.match(line)
            if not found:
                continue
            ref, comment = found["ref"], (found["comment"] or "").split(" ", 1)[0]
            in_lines.append(ref)
            where = f"{path.relative_to(ROOT)}:{number}: uses: {ref}"
            if ref.startswith(SELF_REPOSITORY):
                if not (ROOT / ref[2:]).is_file():
                    problems.append(f"{where}: no such file in this repository")
                continue
            pinned = PINNED.match(ref)
            if not pinned:
                problems.append(f"{where}: pin it to a full 40-hex commit SHA")
            elif not VERSION_COMMENT.match(comment):
                problems.append(f"{where}: add the release after it, e.g. `# v1.2.3`")
            else:
                pins.setdefault(pinned["action"], set()).add((pinned["sha"], comment))
        workflow = load(path)
        in_yaml = [job["uses"] for job in workflow["jobs"].values() if "uses" in job]
        in_yaml += [step["uses"] for _, _, step in steps(workflow) if "uses" in step]
        assert sorted(in_lines) == sorted(in_yaml), (
            f"{path.relative_to(ROOT)}: write each `uses:` on its own line, as `uses: REF # vX.Y.Z`"
        )
    for action, seen in pins.items():
        if len(seen) > 1:
            problems.append(f"{action} is pinned differently across workflows: {sorted(seen)}")
    assert not problems, "\n".join(problems)


def test_checkout_keeps_no_credentials():
    """The checkout leaves no token in .git/config for later steps to leak."""
    problems = []
    for path in workflow_files():
        for job_id, _, step in steps(load(path)):
            checkout = step.get("uses", "").startswith("actions/checkout@")
            if checkout and (step.get("with") or {}).get("persist-credentials") is not False:
                problems.append(f"{path.name}: job {job_id}: set `persist-credentials: false`")
    assert not problems, "\n".join(problems)


def test_least_privilege():
    """No permission by default; each job names the few it needs; only the
    job that deploys may write, and only to Pages."""
    problems = []
    for path in workflow_files():
        workflow = load(path)
        if workflow.get("permissions") != {}:
            problems.append(f"{path.name}: start from `permissions: {{}}` at the top")
        for job_id, job in workflow["jobs"].items():
            if "permissions" not in job:
                problems.append(f"{path.name}: job {job_id} must list its `permissions`")
                continue
            writes = {name for name, level in job["permissions"].items() if level == "write"}
            deploys = any(
                step.get("uses", "").startswith("actions/deploy-pages@")
                for step in job.get("steps", [])
            )
            allowed = {"pages", "id-token"} if deploys else set()
            if writes - allowed:
                problems.append(
                    f"{path.name}: job {job_id} may not write {sorted(writes - allowed)}"
                )
    assert not problems, "\n".join(problems)


def test_pull_requests_run_the_readme_test_command():
    command = readme_test_command()
    workflow = load(WORKFLOWS / "ci.yml")
    assert {"pull_request", "push"} <= set(triggers(workflow)), triggers(workflow)
    runs = [(job_id, job, step["run"]) for job_id, job, step in steps(workflow) if "run" in step]
    running = [(job_id, job) for job_id, job, run in runs if run.strip() == command]
    assert running, (
        f"no step of ci.yml runs the README's test command `{command}`; its steps run: "
        + "; ".join(run.strip() for _, _, run in runs)
    )
    for job_id, job in running:
        assert job["runs-on"] == "ubuntu-latest", f"ci.yml: job {job_id} runs on {job['runs-on']}"
    # No other step runs the tests some other way (a copy of what make does).
    copies = [run for _, _, run in runs if re.search(r"\bpytest\b", run)]
    assert not copies, f"ci.yml runs pytest itself instead of `{command}`: {copies}"


def test_ci_run_runs_the_readme_test_command(tmp_path):
    """``.ci/run`` (what this machine's CI runs) runs the README's command:
    run it with that command's program replaced by a recorder."""
    argv = shlex.split(readme_test_command())
    assert "/" not in argv[0], f"cannot stand in for {argv[0]}"
    record = tmp_path / "called"
    fake = tmp_path / "bin" / argv[0]
    fake.parent.mkdir()
    fake.write_text(f'#!/bin/sh\nprintf "%s\\n" "$PWD" "$@" > {shlex.quote(str(record))}\n')
    fake.chmod(0o755)
    env = {**os.environ, "PATH": f"{fake.parent}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(
        [str(ROOT / ".ci" / "run")],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert record.is_file(), f".ci/run never ran {argv[0]}"
    cwd, *args = record.read_text().splitlines()
    assert (Path(cwd), args) == (ROOT, argv[1:]), (
        f".ci/run ran `{shlex.join([argv[0], *args])}` in {cwd}, not the README's "
        f"`{shlex.join(argv)}` in {ROOT}"
    )


def test_examples_run_on_every_python():
    """A matrix from the oldest Python the project supports (requires-python)
    to the newest release, one version after another; each runs the Makefile's
    examples target on that interpreter."""
    workflow = load(WORKFLOWS / "ci.yml")
    job = workflow["jobs"]["examples"]
    versions = job["strategy"]["matrix"]["python"]
    minors = [int(str(version).split(".")[1]) for version in versions]
    with open(ROOT / "pyproject.toml", "rb") as file:
        oldest = tomllib.load(file)["project"]["requires-python"].removeprefix(">=")
    assert versions[0] == oldest, f"the matrix starts at {versions[0]}, requires-python {oldest}"
    assert minors == list(range(minors[0], minors[0] + len(minors))), f"a gap in {versions}"
    assert minors[-1] >= 14, f"the newest release (3.14 or later) is missing: {versions}"
    assert all(isinstance(version, str) for version in versions), "quote versions: 3.10 != 3.1"
    setup = [s for s in job["steps"] if s.get("uses", "").startswith("actions/setup-python@")]
    assert [s["with"]["python-version"] for s in setup] == ["${{ matrix.python }}"]
    runs = [step["run"].strip() for step in job["steps"] if "run" in step]
    assert 'make examples PYTHONS="$(which python)"' in runs, runs


def test_steps_are_makefile_targets():
    """Every `make …` a workflow runs is a target of the Makefile, so CI runs
    what a contributor runs, not a copy of it."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([\w.-]+)\s*:(?!=)", makefile, re.MULTILINE))
    problems = []
    for path in workflow_files():
        for job_id, _, step in steps(load(path)):
            for line in step.get("run", "").splitlines():
                if not line.strip().startswith("make "):
                    continue
                words = shlex.split(line.split("|")[0])
                wanted = [w for w in words[1:] if not w.startswith("-") and "=" not in w]
                for target in wanted:
                    if target not in targets:
                        problems.append(
                            f"{path.name}: job {job_id} runs `{line.strip()}`, "
                            f"but the Makefile has no `{target}` target"
                        )
    assert not problems, "\n".join(problems)


def test_caches():
    """pip's downloads keyed on requirements.lock, npm's on the tools' lock files."""
    problems = []
    for path in workflow_files():
        for job_id, _, step in steps(load(path)):
            uses, given = step.get("uses", ""), step.get("with") or {}
            if uses.startswith("actions/setup-python@"):
                wanted = {"cache": "pip", "cache-dependency-path": "requirements.lock"}
            elif uses.startswith("actions/setup-node@"):
                wanted = {"cache": "npm", "cache-dependency-path": "tools/*/package-lock.json"}
            else:
                continue
            if {key: given.get(key) for key in wanted} != wanted:
                problems.append(f"{path.name}: job {job_id}: {uses.split('@')[0]} needs {wanted}")
    assert not problems, "\n".join(problems)
    assert list(ROOT.glob("tools/*/package-lock.json")), "no npm lock file under tools/"


def test_main_deploys_only_what_ci_passed():
    """pages.yml: on pushes to main, the CI workflow, then the site it built is
    packaged and deployed; each step needs the one before, so a failed test
    deploys nothing. One deployment at a time."""
    workflow = load(WORKFLOWS / "pages.yml")
    assert triggers(workflow) == {"push": {"branches": ["main"]}}, triggers(workflow)
    assert workflow["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    jobs = workflow["jobs"]
    ci = [job_id for job_id, job in jobs.items() if job.get("uses", "").endswith("/ci.yml")]
    assert ci, "pages.yml does not run the CI workflow"

    def needs(job_id: str) -> set[str]:
        direct = jobs[job_id].get("needs", [])
        direct = [direct] if isinstance(direct, str) else direct
        return set(direct).union(*(needs(other) for other in direct))

    for action in ("configure-pages", "upload-pages-artifact", "deploy-pages"):
        using = [
            job_id
            for job_id, job, step in steps(workflow)
            if step.get("uses", "").startswith(f"actions/{action}@")
        ]
        assert using, f"pages.yml does not use actions/{action}"
        for job_id in using:
            assert set(ci) <= needs(job_id), f"job {job_id} ({action}) does not wait for CI"
    ci_workflow = load(WORKFLOWS / "ci.yml")
    assert "workflow_call" in triggers(ci_workflow)
    uploads = [
        step["with"]
        for _, _, step in steps(ci_workflow)
        if step.get("uses", "").startswith("actions/upload-artifact@")
        and step.get("with", {}).get("name") == "site"
    ]
    downloads = [
        step["with"]
        for _, _, step in steps(workflow)
        if step.get("uses", "").startswith("actions/download-artifact@")
    ]
    assert uploads and downloads and downloads[0]["name"] == "site", (uploads, downloads)


def address_check() -> str:
    """The script of pages.yml's step that compares Pages' address with the site's."""
    for _, _, step in steps(load(WORKFLOWS / "pages.yml")):
        if "PAGES_URL" in step.get("env", {}):
            return step["run"]
    raise AssertionError("pages.yml has no step checking the Pages address (env PAGES_URL)")


@pytest.mark.parametrize(
    ("pages_url", "deploys"),
    [
        (None, True),  # the site_url of mkdocs.yml
        ("https://asyncio-lesson.github.io/runnable-asyncio/", False),
        ("https://elsewhere.example/", False),
    ],
    ids=["site-url", "project-subpath", "other-domain"],
)
def test_deploy_stops_when_pages_serves_another_address(built_site, tmp_path, pages_url, deploys):
    """The site links its languages by absolute paths and names its pages by
    site_url: served anywhere else, the language switcher breaks. The deploy
    job's check, run on the built site, lets only site_url through."""
    site_url = load_config(str(ROOT / "mkdocs.yml"))["site_url"]
    (tmp_path / "site").symlink_to(built_site)
    done = subprocess.run(
        ["bash", "-e", "-c", address_check()],
        env={**os.environ, "PAGES_URL": pages_url or site_url},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    output = done.stdout + done.stderr
    assert (done.returncode == 0) == deploys, output
    if not deploys:
        assert output.startswith("::error title=Pages address::"), output
        assert pages_url in output and site_url in output, output


# Make targets that run examples (in the sandbox) or the browser.
RUNS_EXAMPLES = {"test", "examples", "outputs", "timelines", "faults", "bench-loop"}
RUNS_BROWSER = {"test", "browser", "lighthouse"}
INSTALLS_BWRAP = re.compile(r"^python3? -m tools\.apt\b.*\bbubblewrap\b", re.MULTILINE)
ALLOWS_USERNS = "sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0"


def make_targets(run: str) -> set[str]:
    targets = set()
    for line in run.splitlines():
        if line.strip().startswith("make "):
            words = shlex.split(line.split("|")[0])
            targets |= {w for w in words[1:] if not w.startswith("-") and "=" not in w}
    return targets


def unprepared(name: str, workflow: dict) -> list[str]:
    """What a job of ``workflow`` lacks on GitHub's runner (the user ``runner``,
    Ubuntu 24.04) before a step that runs examples or the browser: bubblewrap
    installed and its user namespaces allowed in an earlier step; the image's
    Chromium named for tools/browser.py."""
    problems = []
    for job_id, job in workflow["jobs"].items():
        before = ""
        for step in job.get("steps", []):
            run = step.get("run", "")
            targets = make_targets(run)
            if targets & RUNS_EXAMPLES:
                if not INSTALLS_BWRAP.search(before):
                    problems.append(
                        f"{name}: job {job_id} runs `make {' '.join(sorted(targets))}` before "
                        "a step installs bubblewrap (`python -m tools.apt bubblewrap`)"
                    )
                if ALLOWS_USERNS not in before:
                    problems.append(
                        f"{name}: job {job_id} runs `make {' '.join(sorted(targets))}` before "
                        f"a step allows bwrap's user namespaces (`{ALLOWS_USERNS}`)"
                    )
            if targets & RUNS_BROWSER:
                env = {**workflow.get("env", {}), **job.get("env", {}), **step.get("env", {})}
                if not str(env.get("CHROMIUM_PATH", "")).startswith("/"):
                    problems.append(
                        f"{name}: job {job_id} runs `make {' '.join(sorted(targets))}` "
                        "without `env: CHROMIUM_PATH:` naming the image's Chromium"
                    )
            before += run + "\n"
    return problems


def test_jobs_install_and_allow_the_sandbox_before_running_examples():
    """On GitHub's runner bubblewrap is missing and AppArmor refuses its
    namespaces: every job that runs examples installs it and allows them first
    (tools/ci_local.py runs these steps as such a user here)."""
    problems = [p for path in workflow_files() for p in unprepared(path.name, load(path))]
    assert not problems, "\n".join(problems)
    examples = load(WORKFLOWS / "ci.yml")["jobs"]["examples"]
    assert any(make_targets(step.get("run", "")) & RUNS_EXAMPLES for step in examples["steps"])


def test_a_job_that_runs_examples_unprepared_is_found():
    workflow = load(WORKFLOWS / "ci.yml")
    steps_ = workflow["jobs"]["examples"]["steps"]
    sandbox = next(i for i, step in enumerate(steps_) if INSTALLS_BWRAP.search(step.get("run", "")))
    steps_.append(steps_.pop(sandbox))  # now after `make examples`
    del workflow["jobs"]["test"]["env"]["CHROMIUM_PATH"]
    found = unprepared("ci.yml", workflow)
    assert [line.split(" runs ")[0] for line in found] == ["ci.yml: job test"] + [
        "ci.yml: job examples"
    ] * 2, found
    assert "without `env: CHROMIUM_PATH:`" in found[0], found
    assert "installs bubblewrap (`python -m tools.apt bubblewrap`)" in found[1], found
    assert f"allows bwrap's user namespaces (`{ALLOWS_USERNS}`)" in found[2], found
