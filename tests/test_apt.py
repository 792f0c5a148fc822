"""Installing what the tests need (tools/apt.py: Chromium, Java) waits for
another apt-get or dpkg to finish instead of failing: apt-get is told to
wait for the dpkg lock, and an ``apt-get update`` that finds the lists lock
taken is tried again. Run against a stand-in ``apt-get`` on PATH."""

from __future__ import annotations

import os
import stat

import pytest

from tools import apt

# What these tests are about, for make test PAGE= (tests/page_selection.py).
pytestmark = pytest.mark.about("nothing")

FAKE_APT = """#!/bin/sh
echo "$*" >> "{log}"
calls=$(wc -l < "{log}")
if [ "$calls" -le {busy} ]; then
  echo "E: Could not get lock /var/lib/apt/lists/lock. It is held by process 4242 (apt-get)" >&2
  exit 100
fi
exit 0
"""


def fake_apt(tmp_path, monkeypatch, busy: int):
    log = tmp_path / "calls"
    script = tmp_path / "bin" / "apt-get"
    script.parent.mkdir()
    script.write_text(FAKE_APT.format(log=log, busy=busy))
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{script.parent}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setattr(apt, "can_install", lambda: True)
    monkeypatch.setattr(apt.time, "sleep", lambda seconds: None)
    return log


def test_install_waits_for_the_lock_another_apt_get_holds(tmp_path, monkeypatch):
    log = fake_apt(tmp_path, monkeypatch, busy=2)
    assert apt.install("chromium")
    calls = log.read_text().splitlines()
    assert len(calls) == 4, calls  # update twice refused, then update, then install
    assert all(f"DPkg::Lock::Timeout={apt.LOCK_TIMEOUT}" in call for call in calls)
    assert calls[-1].endswith("install -y -q --no-install-recommends chromium")


def test_install_gives_up_on_other_errors(tmp_path, monkeypatch, capsys):
    log = tmp_path / "calls"
    fake_apt(tmp_path, monkeypatch, busy=0)
    script = tmp_path / "bin" / "apt-get"
    script.write_text(
        f'#!/bin/sh\necho "$*" >> "{log}"\necho "E: Unable to locate package x" >&2\nexit 100\n'
    )
    assert not apt.install("x")
    assert len(log.read_text().splitlines()) == 1
    assert "Unable to locate package x" in capsys.readouterr().err
