"""tools/ci_local.py runs the ``run:`` steps of a workflow's jobs in order,
in a fresh clone, as a given user, with GitHub's environment (CI=true), and
tells what passed, failed, was skipped, and what it could not simulate.
Here on a tiny workflow as the user running the tests (``make ci-local``
runs ci.yml as an unprivileged user: ARCHITECTURE.md says what it showed)."""

from __future__ import annotations

import os
import pwd

import pytest
import yaml

from tools import ci_local

# What these tests are about, for make test PAGE= (tests/page_selection.py).
pytestmark = pytest.mark.about("nothing")

WORKFLOW = """
jobs:
  job:
    strategy:
      matrix:
        python: ["3.11", "3.99"]
    env:
      WHICH: ${{ matrix.python }}
    steps:
      - uses: actions/checkout@0000000000000000000000000000000000000000 # v1.0.0
      - name: Where and how
        run: |
          echo "$CI $GITHUB_ACTIONS $WHICH $(id -un) $(git rev-parse --is-inside-work-tree)" > "$OUT/$WHICH"
          test -f Makefile
      - name: Fails on ${{ matrix.python }}
        run: test "$WHICH" != 3.99 || { echo "not on $WHICH"; exit 1; }
      - name: Never run after a failure
        run: touch "$OUT/after-failure-$WHICH"
      - name: Only after a failure
        if: failure()
        run: touch "$OUT/on-failure-$WHICH"
      - name: Needs GitHub
        if: github.event_name == 'push'
        run: "true"
      - uses: actions/upload-artifact@0000000000000000000000000000000000000000 # v1.0.0
        if: always()
"""


def test_a_workflow_runs_step_by_step_as_the_user(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(ci_local, "LOGS", tmp_path / "logs")
    monkeypatch.setattr(ci_local, "toolcache", lambda version: None)  # no copy of a Python
    out = tmp_path / "out"
    out.mkdir()
    workflow = yaml.safe_load(WORKFLOW)
    workflow["jobs"]["job"]["env"]["OUT"] = str(out)
    user = pwd.getpwuid(os.getuid())
    runner = ci_local.Runner(user, tmp_path / "work")
    outcomes = [
        ci_local.run_job(runner, workflow, "job", matrix)
        for matrix in ci_local.matrix_entries(workflow["jobs"]["job"])
    ]
    assert outcomes == [True, False]
    assert (out / "3.11").read_text() == f"true true 3.11 {user.pw_name} true\n"
    assert (out / "on-failure-3.99").exists() and not (out / "on-failure-3.11").exists()
    assert (out / "after-failure-3.11").exists() and not (out / "after-failure-3.99").exists()
    told = {(r.job, r.step): r.outcome for r in runner.results}
    assert told[("job python=3.99", "Fails on 3.99")] == "failed"
    assert told[("job python=3.99", "Never run after a failure")] == "skipped"
    assert told[("job python=3.11", "Needs GitHub")] == "not simulated"
    upload = "actions/upload-artifact@" + "0" * 40
    assert told[("job python=3.99", upload)] == "not simulated"  # if: always()
    assert "      | not on 3.99\n" in capsys.readouterr().out  # a failed step's last lines


def test_every_uses_of_ci_yml_is_simulated_or_only_uploads():
    """What ci_local cannot do on ci.yml is only to upload artifacts."""
    workflow = yaml.safe_load((ci_local.WORKFLOW).read_text())
    simulated = ("actions/checkout@", "actions/setup-python@", "actions/setup-node@")
    uses = {
        s["uses"].split("@")[0]
        for j in workflow["jobs"].values()
        for s in j["steps"]
        if "uses" in s
    }
    assert {u for u in uses if not u.startswith(tuple(p[:-1] for p in simulated))} == {
        "actions/upload-artifact"
    }, uses
