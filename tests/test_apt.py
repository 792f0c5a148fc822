"""Installing what the tests need (tools/apt.py: bubblewrap, Chromium, Java)
works as root and, where sudo needs no password (GitHub's runners), through
``sudo -n``; elsewhere nothing is installed and the message says what to run
on Debian/Ubuntu, Fedora and macOS. apt-get waits for another apt-get or dpkg
to finish instead of failing. Run against stand-ins for ``apt-get`` and
``sudo`` on PATH: nothing is installed."""

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
# sudo without a password: runs the command; with one (-n): refuses, as sudo does.
FAKE_SUDO = """#!/bin/sh
echo "sudo $*" >> "{log}"
[ "$1" = -n ] || exit 2
{refuse}
shift
exec "$@"
"""
REFUSE = 'echo "sudo: a password is required" >&2; exit 1'


def executable(path, text):
    path.parent.mkdir(exist_ok=True)
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IEXEC)


def fake_apt(tmp_path, monkeypatch, busy: int, uid: int = 0, password: bool = False):
    """apt-get (and sudo) on PATH, recording their calls; the user id ``uid``."""
    log = tmp_path / "calls"
    executable(tmp_path / "bin" / "apt-get", FAKE_APT.format(log=log, busy=busy))
    executable(
        tmp_path / "bin" / "sudo", FAKE_SUDO.format(log=log, refuse=REFUSE if password else "")
    )
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setattr(apt.os, "geteuid", lambda: uid)
    monkeypatch.setattr(apt.time, "sleep", lambda seconds: None)
    apt.sudo.cache_clear()
    return log


@pytest.fixture(autouse=True)
def _forget_sudo():
    yield
    apt.sudo.cache_clear()


def test_install_waits_for_the_lock_another_apt_get_holds(tmp_path, monkeypatch):
    log = fake_apt(tmp_path, monkeypatch, busy=2)
    assert apt.install("chromium")
    calls = log.read_text().splitlines()
    assert len(calls) == 4, calls  # update twice refused, then update, then install
    assert all(f"DPkg::Lock::Timeout={apt.LOCK_TIMEOUT}" in call for call in calls)
    assert calls[-1].endswith("install -y -q --no-install-recommends chromium")
    assert not any(call.startswith("sudo") for call in calls), "root needs no sudo"


def test_install_gives_up_on_other_errors(tmp_path, monkeypatch, capsys):
    log = fake_apt(tmp_path, monkeypatch, busy=0)
    executable(
        tmp_path / "bin" / "apt-get",
        f'#!/bin/sh\necho "$*" >> "{log}"\necho "E: Unable to locate package x" >&2\nexit 100\n',
    )
    assert not apt.install("x")
    assert len(log.read_text().splitlines()) == 1
    assert "Unable to locate package x" in capsys.readouterr().err


def test_a_user_with_passwordless_sudo_installs_through_it(tmp_path, monkeypatch):
    """GitHub's runner: the user ``runner``, whose sudo asks no password."""
    log = fake_apt(tmp_path, monkeypatch, busy=0, uid=1001)
    assert apt.install("bubblewrap")
    calls = log.read_text().splitlines()
    assert calls[0] == "sudo -n true", calls  # may sudo run without a password?
    apt_calls = [call for call in calls if not call.startswith("sudo")]
    sudo_calls = [call for call in calls[1:] if call.startswith("sudo")]
    assert len(apt_calls) == len(sudo_calls) == 2, calls  # update, install: each through sudo
    assert all(
        call.startswith("sudo -n env DEBIAN_FRONTEND=noninteractive apt-get ")
        for call in sudo_calls
    ), sudo_calls
    assert apt_calls[-1].endswith("install -y -q --no-install-recommends bubblewrap")


def test_a_user_whose_sudo_asks_a_password_is_told_what_to_run(tmp_path, monkeypatch, capsys):
    log = fake_apt(tmp_path, monkeypatch, busy=0, uid=1001, password=True)
    assert not apt.install("default-jre-headless")
    assert log.read_text().splitlines() == ["sudo -n true"], "apt-get must not be run"
    assert apt.main(["default-jre-headless"]) == 1
    told = capsys.readouterr().err
    for way in (
        "`sudo apt-get install -y default-jre-headless` (Debian/Ubuntu)",
        "`sudo dnf install -y java-latest-openjdk-headless` (Fedora)",
        "`brew install openjdk` (macOS)",
    ):
        assert way in told, told


def test_without_apt_get_nothing_is_run(tmp_path, monkeypatch):
    """macOS, Fedora: no apt-get; the callers say what to run there."""
    monkeypatch.setattr(apt.shutil, "which", lambda name: None)
    assert not apt.can_install()
    assert not apt.install("bubblewrap")


def test_how_to_install_names_each_system():
    assert apt.how_to_install("chromium") == (
        "`sudo apt-get install -y chromium` (Debian/Ubuntu); "
        "`sudo dnf install -y chromium` (Fedora); "
        "`.venv/bin/python -m playwright install chromium` (macOS)"
    )
    assert "nothing on macOS" in apt.how_to_install("bubblewrap")
