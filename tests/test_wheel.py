"""The kiosk as people install command-line tools: a wheel in a fresh venv, run from an empty folder.

The wheel is built as `python -m build` builds it (an sdist, then the wheel from that sdist, so a
file missing from the sdist shows here), without build isolation so it takes seconds and no
network. It is installed, not editable, into a new venv of its own; that venv takes the third-party
packages from the test venv through a .pth line (the same pinned versions) instead of downloading
them, which keeps this test at a few seconds. The kiosk package and the `kiosk` command are the
wheel's own.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sqlite3
import subprocess
import sys
import sysconfig
import time
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Building, installing and every command below take about 10 s on an idle machine.
pytestmark = pytest.mark.timeout(90)
READY = "Scan een badge of typ een naam"


@dataclass
class Installed:
    """A wheel installed into a venv of its own, and a user with an empty home and an empty folder."""

    wheel: Path
    kiosk: Path
    home: Path
    folder: Path

    def env(self) -> dict[str, str]:
        """The environment of a person who never set anything up: no KIOSK_*, no XDG paths."""
        env = {k: v for k, v in os.environ.items() if not k.startswith(("KIOSK_", "XDG_", "PYTHON"))}
        env["HOME"] = str(self.home)
        return env

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        """`kiosk ARGS` in the empty folder."""
        return subprocess.run([str(self.kiosk), *args], cwd=self.folder, env=self.env(), capture_output=True,
                              text=True, timeout=60, stdin=subprocess.DEVNULL)

    @property
    def db(self) -> Path:
        """Where an installed tool keeps its database by default."""
        return self.home / ".local" / "share" / "netwerkdag-kiosk" / "kiosk.db"


def _source_copy(dest: Path) -> Path:
    """The repository's files as a fresh clone has them (no venv, caches, databases or build output)."""
    skip = shutil.ignore_patterns(".*", "__pycache__", "*.egg-info", "*.db", "*.db-*", "build", "dist",
                                  "snapshot_report.html")
    shutil.copytree(ROOT, dest, ignore=skip)
    return dest


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Installed:
    """Build the wheel (via its sdist), install it into a new venv, and make an empty home and folder."""
    base = tmp_path_factory.mktemp("wheel")
    src = _source_copy(base / "src")
    build = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(base / "dist"), str(src)],
                           capture_output=True, text=True, timeout=120)
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    (wheel,) = (base / "dist").glob("*.whl")
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=60)
    python = venv / "bin" / "python"
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    # The dependencies, from the test venv (its .pth files are not run from there, so its editable
    # kiosk is not on the path: only the wheel's is).
    Path(purelib, "_test_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    pip = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index",
                          "--no-compile", "--quiet", str(wheel)], capture_output=True, text=True, timeout=120)
    assert pip.returncode == 0, pip.stderr
    home, folder = base / "home", base / "empty"
    home.mkdir()
    folder.mkdir()
    return Installed(wheel, venv / "bin" / "kiosk", home, folder)


def test_the_wheel_carries_the_programme_and_stylesheet_as_they_are_in_the_repository(installed):
    """The files at the top of the repository are in the wheel, byte for byte: one source, no copy to drift."""
    with zipfile.ZipFile(installed.wheel) as wheel:
        shipped = {name.removeprefix("kiosk/_shipped/"): wheel.read(name) for name in wheel.namelist()
                   if name.startswith("kiosk/_shipped/")}
        (metadata,) = [name for name in wheel.namelist() if name.endswith(".dist-info/METADATA")]
        requires = [line for line in wheel.read(metadata).decode().splitlines() if line.startswith("Requires-Dist:")]
    assert sorted(shipped) == ["data/programme.toml", "styles.tcss"]
    assert all(shipped[name] == (ROOT / name).read_bytes() for name in shipped)
    # Every install brings the organiser's `sqlite-utils` command (README, "The database file").
    assert "Requires-Dist: sqlite-utils==4.2.1" in requires


def test_the_installed_kiosk_runs_from_an_empty_folder(installed):
    """`--help` says where the database is; the shipped programme checks; a CLI check-in lands in that file."""
    helped = installed.run("--help")
    assert helped.returncode == 0, helped.stderr
    assert "~/.local/share/netwerkdag-kiosk/kiosk.db" in " ".join(helped.stdout.split())

    checked = installed.run("programme", "check")
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.startswith("programme.toml: ok, 26 items in 5 rounds")

    demo = installed.run("demo")
    assert demo.returncode == 0, demo.stderr
    assert demo.stdout == "demo: 200 added, 0 updated, 0 unchanged\n"
    assert installed.db.is_file() and oct(installed.db.parent.stat().st_mode & 0o777) == "0o700"
    with sqlite3.connect(installed.db) as db:
        code, name = db.execute("SELECT code, name FROM attendees ORDER BY id LIMIT 1").fetchone()
    checkin = installed.run("checkin", code)
    assert checkin.returncode == 0, checkin.stderr
    assert checkin.stdout.startswith(f"ok: {name} (1/200 arrived)")
    with sqlite3.connect(installed.db) as db:
        assert db.execute("SELECT raw_code, accepted FROM scans").fetchall() == [(code, 1)]
    # Nothing was written where the person stood.
    assert list(installed.folder.iterdir()) == []


def test_programme_init_writes_the_shipped_programme_and_never_overwrites_without_force(installed, tmp_path):
    """`kiosk programme init [FILE]` copies the G40 programme for an organiser to edit."""
    first = installed.run("programme", "init", str(tmp_path / "netwerkdag.toml"))
    assert first.returncode == 0, first.stderr
    assert "kiosk --programme" in first.stdout
    copy = tmp_path / "netwerkdag.toml"
    assert copy.read_bytes() == (ROOT / "data" / "programme.toml").read_bytes()

    copy.write_text("# my edits\n")
    again = installed.run("programme", "init", str(copy))
    assert again.returncode == 2 and "--force" in again.stderr
    assert copy.read_text() == "# my edits\n"
    forced = installed.run("programme", "init", "--force", str(copy))
    assert forced.returncode == 0 and copy.read_bytes() == (ROOT / "data" / "programme.toml").read_bytes()
    assert installed.run("--programme", str(copy), "programme", "check").returncode == 0


@pytest.mark.skipif(shutil.which("tmux") is None, reason="starting the app in a real terminal needs tmux")
def test_the_installed_desk_starts_in_a_real_terminal_and_checks_someone_in(installed):
    """`kiosk --role desk` from the empty folder: its screen (styles.tcss read from the wheel), a scan, Ctrl+Q."""
    name = f"test-wheel-{uuid.uuid4().hex[:8]}"
    env = " ".join(f"{k}={shlex.quote(v)}" for k, v in installed.env().items() if k in ("HOME", "PATH", "LANG"))
    command = f"env -i TERM=xterm-256color {env} {installed.kiosk} --role desk --device wheel-desk"
    subprocess.run(["tmux", "new-session", "-d", "-s", name, "-x", "80", "-y", "24", "-c", str(installed.folder),
                    command], check=True)
    try:
        screen = _wait(name, READY)
        assert "G40 Bestuurlijke Netwerkdag" in screen
        with sqlite3.connect(installed.db) as db:
            code, name_of = db.execute("SELECT code, name FROM attendees ORDER BY id DESC LIMIT 1").fetchone()
        subprocess.run(["tmux", "send-keys", "-t", name, "-l", "--", code], check=True)
        subprocess.run(["tmux", "send-keys", "-t", name, "Enter"], check=True)
        screen = _wait(name, "WELKOM")
        assert name_of in screen
        subprocess.run(["tmux", "send-keys", "-t", name, "C-q"], check=True)
        deadline = time.monotonic() + 10
        while _alive(name) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _alive(name), "Ctrl+Q did not end the desk"
    finally:
        subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True)
    with sqlite3.connect(installed.db) as db:
        assert db.execute("SELECT device FROM scans WHERE raw_code = ?", (code,)).fetchall() == [("wheel-desk",)]


def _alive(name: str) -> bool:
    return subprocess.run(["tmux", "has-session", "-t", name], capture_output=True).returncode == 0


def _wait(name: str, needle: str, timeout: float = 30) -> str:
    """The screen once `needle` shows on it (fails with the screen after `timeout`)."""
    deadline = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < deadline:
        screen = subprocess.run(["tmux", "capture-pane", "-t", name, "-p"], capture_output=True, text=True).stdout
        if needle in screen:
            return screen
        time.sleep(0.1)
    pytest.fail(f"{needle!r} did not show in {timeout} s:\n{screen}")
