"""The `kiosk` command line: programme check/show, check-in and sign-up exit codes, plain errors.

The commands that use the database run on a SQLite file and on PostgreSQL (`--db URL` with the
password in PGPASSWORD, or the whole URL in KIOSK_DB).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from kiosk.cli import main
from kiosk.config import DEFAULT_DB, Settings, db_target, make_default_db_folder, password_in
from kiosk.store import connect
from tests.support.cli_db import db_args
from tests.support.event import PROGRAMME_PATH, ROOT

# The database's commands behave the same on a SQLite file and on PostgreSQL (tests/conftest.py).
BOTH_BACKENDS = True

BAD_PROGRAMME = """
[event]
name = "X"
colour = "red"

[[rounds]]
id = "ronde-1"
name = "Ronde 1"

[[sessions]]
id = "a"
title = "A"
kind = "plenary"
start = "11:30"
end = "11:00"

[[sessions]]
id = "b"
title = "B"
kind = "nonsense"
start = "25:00"

[[sessions]]
id = "c"
title = "C"
kind = "talk"
start = "12:00"
round = "ronde-9"
"""
# 08:00 on the (undated) event day: every sign-up round is still open.
ENV = {"KIOSK_NOW": "08:00", "KIOSK_NOW_FROZEN": "1"}


def run(target, *args: str, env: dict[str, str] | None = None):
    """Run `kiosk` on this test's database (a file, or a URL whose password goes in PGPASSWORD) and the shipped programme."""
    flag, env = db_args(target, env or ENV)
    return CliRunner().invoke(main, [*flag, "--programme", str(PROGRAMME_PATH), *args], env=env)


@pytest.fixture
def roster(tmp_path, target):
    """Three attendees imported through the CLI; returns the database (the target)."""
    path = tmp_path / "people.csv"
    path.write_text("naam;code;status\nAnna;ANNA01;\nBram;BRAM02;\nCees;CEES03;geannuleerd\n", encoding="utf-8")
    assert run(target, "import", "attendees", str(path)).exit_code == 0
    return target


@pytest.mark.parametrize("args", [("--role", "selfservice"), ("--role", "dashboard", "--public"),
                                  ("serve", "--role", "selfservice", "--port", "1")])
@pytest.mark.parametrize("pin", ["", "0000", "12"])
def test_a_screen_for_the_public_will_not_start_with_a_guessable_pin(target, backend, args, pin):
    result = run(target, *args, env={**ENV, "KIOSK_STAFF_PIN": pin})
    assert result.exit_code == 2 and "KIOSK_STAFF_PIN" in result.stderr and "0000" in result.stderr
    # Refused before anything was opened or created: no file, or no table on the server.
    if backend == "sqlite":
        assert not target.exists()
    else:
        server = connect(target)
        assert server.execute("SELECT to_regclass('attendees')").fetchone() == (None,)
        server.close()


def test_programme_check_lists_every_problem_without_a_traceback(tmp_path, db_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(BAD_PROGRAMME, encoding="utf-8")
    result = run(db_path, "programme", "check", str(bad))
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert all(line.startswith("bad.toml: ") for line in lines)
    paths = {line.split(": ")[1] for line in lines}
    assert paths == {"event.colour", "sessions[0].end", "sessions[1].kind", "sessions[1].start", "sessions[2].round"}
    assert "bad.toml: sessions[0].end: 11:00 is before its start 11:30" in lines
    assert "bad.toml: sessions[2].round: 'ronde-9' is not one of the rounds" in lines
    assert "Traceback" not in result.output


def test_programme_check_refuses_control_characters_in_text(tmp_path, db_path):
    shipped = (Path(__file__).resolve().parent.parent / "data" / "programme.toml").read_text(encoding="utf-8")
    bad = tmp_path / "ctl.toml"
    # A terminal escape pasted into a title, and a title written over two lines.
    text = shipped.replace('title = "Lunch"', 'title = "Lunch\\u001b[2J"', 1)
    text = text.replace('title = "Opening"', 'title = """Opening\nen welkom"""', 1)
    bad.write_text(text, encoding="utf-8")
    result = run(db_path, "programme", "check", str(bad))
    assert result.exit_code == 2, result.output
    assert "contains a control character (U+001B)" in result.stderr
    assert "contains a line break (U+000A)" in result.stderr
    assert "Traceback" not in result.output


def test_programme_check_on_a_missing_file_and_on_broken_toml(tmp_path, db_path):
    missing = run(db_path, "programme", "check", str(tmp_path / "gone.toml"))
    assert missing.exit_code == 2 and missing.stderr.startswith("gone.toml: no such file")
    broken = tmp_path / "broken.toml"
    broken.write_text("[event\nname = ", encoding="utf-8")
    result = run(db_path, "programme", "check", str(broken))
    assert result.exit_code == 2 and result.stderr.startswith("broken.toml: not valid TOML")


def test_programme_check_on_the_shipped_file(db_path):
    result = run(db_path, "programme", "check")
    assert result.exit_code == 0 and "programme.toml: ok" in result.stdout


def test_programme_show_json_lists_every_session(db_path):
    result = run(db_path, "programme", "show", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    raw = tomllib.loads(PROGRAMME_PATH.read_text(encoding="utf-8"))
    assert [s["id"] for s in data["sessions"]] == [s["id"] for s in raw["sessions"]]
    for item in data["sessions"]:
        assert {"id", "title", "start", "end", "kind", "round", "room", "capacity", "speakers"} <= set(item)
        assert len(item["start"]) == 5 and item["start"][2] == ":"
    by_id = {s["id"]: s for s in data["sessions"]}
    assert by_id["afsluiting"]["start"] == "16:30" and by_id["afsluiting"]["end"] is None
    assert by_id["lunch-vaartocht"]["capacity"] == 15
    assert (by_id["r2-veiligheid"]["start"], by_id["r2-veiligheid"]["end"]) == ("14:00", "15:30")
    assert {"event", "rooms", "rounds"} <= set(data)


def test_checkin_exit_codes(roster):
    ok = run(roster, "checkin", "anna01", "--desk", "desk-1")
    assert ok.exit_code == 0 and ok.stdout.startswith("ok: Anna")
    again = run(roster, "checkin", "ANNA01", "--desk", "desk-2")
    assert again.exit_code == 1 and "already_in" in again.stdout
    assert run(roster, "checkin", "NOPE99").exit_code == 1
    assert "cancelled" in run(roster, "checkin", "CEES03").stdout
    out = run(roster, "checkin", "ANNA01", "--exit", "--desk", "desk-1")
    assert out.exit_code == 0 and out.stdout.startswith("exit: Anna")


def test_checkin_nonce_replay_records_once(roster):
    first = run(roster, "checkin", "BRAM02", "--nonce", "n-1")
    second = run(roster, "checkin", "BRAM02", "--nonce", "n-1")
    assert first.exit_code == second.exit_code == 0
    exported = json.loads(run(roster, "export", "attendees").stdout)
    assert [r["inside"] for r in exported if r["code"] == "BRAM02"] == [True]


def test_signup_and_cancel_exit_codes(tmp_path, target):
    people = tmp_path / "many.csv"
    people.write_text("name,code\n" + "\n".join(f"Person {i},P{i:03}" for i in range(17)) + "\n", encoding="utf-8")
    assert run(target, "import", "attendees", str(people)).exit_code == 0
    for i in range(15):
        assert run(target, "signup", f"P{i:03}", "lunch-vaartocht").exit_code == 0
    full = run(target, "signup", "P015", "lunch-vaartocht")
    assert full.exit_code == 3 and "waitlist" in full.stdout
    assert run(target, "signup", "NOPE", "lunch-vaartocht").exit_code == 1
    assert run(target, "signup", "P016", "no-such-session").exit_code == 1
    assert run(target, "cancel", "P000", "lunch-vaartocht").exit_code == 0
    assert run(target, "cancel", "P016", "lunch-vaartocht").exit_code == 1  # never signed up


def test_signup_and_cancel_write_the_device_they_are_given(roster):
    # As `kiosk checkin --device`: the signups row says which kiosk or script made the change.
    assert run(roster, "signup", "ANNA01", "lunch-vaartocht", "--device", "kiosk-foyer-2").exit_code == 0
    assert run(roster, "signup", "BRAM02", "lunch-vaartocht").exit_code == 0  # no flag: the process's device
    assert run(roster, "--device", "desk-7", "signup", "ANNA01", "pijler-sociaal").exit_code == 0
    assert run(roster, "checkin", "BRAM02", "--device", "desk-3").exit_code == 0
    db = connect(roster)
    rows = db.execute("SELECT a.code, s.session_id, s.status, s.device FROM signups s "
                      "JOIN attendees a ON a.id = s.attendee_id ORDER BY s.id").fetchall()
    assert rows[0] == ("ANNA01", "lunch-vaartocht", "confirmed", "kiosk-foyer-2")
    assert rows[1][3] not in ("", "kiosk-foyer-2") and rows[2][3] == "desk-7"
    assert run(roster, "cancel", "ANNA01", "lunch-vaartocht", "--device", "desk-5").exit_code == 0
    assert db.execute("SELECT status, device FROM signups WHERE id = 1").fetchone() == ("cancelled", "desk-5")
    assert db.execute("SELECT device FROM scans").fetchall() == [("desk-3",)]


def test_a_database_in_a_missing_place_is_one_sentence_on_stderr():
    result = run("/proc/no-such-folder/kiosk.db", "checkin", "ANNA01")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert "cannot be created" in result.stderr and "Traceback" not in result.stderr


def test_import_of_a_missing_file_is_one_sentence(tmp_path, target):
    result = run(target, "import", "attendees", str(tmp_path / "gone.csv"))
    assert result.exit_code == 2 and result.stderr.startswith("gone.csv: cannot be read")


def test_demo_fills_an_empty_database_once(target, tmp_path):
    first = run(target, "demo", "--attendees", "50")
    assert first.exit_code == 0 and "50 added" in first.stdout
    codes = [r["code"] for r in json.loads(run(target, "export", "attendees").stdout)]
    refused = run(target, "demo")
    assert refused.exit_code == 2 and "already has 50 attendees" in refused.stderr
    forced = run(target, "demo", "--attendees", "50", "--force")
    assert forced.exit_code == 0 and "50 unchanged" in forced.stdout
    # Deterministic: another file (a SQLite file, also beside a PostgreSQL database) gets the same people and codes.
    other = tmp_path / "other.db"
    run(other, "demo", "--attendees", "50")
    assert sorted(r["code"] for r in json.loads(run(other, "export", "attendees").stdout)) == sorted(codes)
    records = json.loads(run(target, "export", "attendees").stdout)
    assert all(r["email"].endswith("@example.invalid") and r["source"] == "demo" for r in records)


def test_help_has_examples_and_pipes_stay_quiet(target):
    for command in (["--help"], ["import", "attendees", "--help"], ["export", "attendees", "--help"], ["demo", "--help"]):
        result = CliRunner().invoke(main, command)
        assert result.exit_code == 0 and "Example" in result.output
    # A real process with stderr on a pipe: no progress bar characters, just the counts.
    flag, env = db_args(target, dict(os.environ))
    proc = subprocess.run(
        [sys.executable, "-m", "kiosk", *flag, "demo", "--attendees", "300"],
        capture_output=True, text=True, cwd=ROOT, timeout=60, env=env,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "demo: 300 added, 0 updated, 0 unchanged\n" and proc.stderr == ""


def test_the_default_device_is_the_host_and_terminal_so_a_restarted_desk_keeps_its_scans(monkeypatch):
    import socket

    from kiosk.config import default_device

    monkeypatch.setattr("os.ttyname", lambda fd: "/dev/pts/3")
    assert default_device() == f"{socket.gethostname()}-pts3"

    def no_tty(fd):
        raise OSError("not a tty")

    monkeypatch.setattr("os.ttyname", no_tty)
    assert default_device() == f"{socket.gethostname()}-{os.getpid()}"


# ---- a PostgreSQL URL as the database ---------------------------------------------------------

def test_a_url_stays_a_url_and_a_file_a_path(tmp_path, monkeypatch):
    url = "postgresql://kiosk@10.0.0.2:5432/netwerkdag?sslmode=require"
    assert db_target(url) == url  # a Path would make it postgresql:/kiosk@10.0.0.2:5432/...
    assert Settings.from_env({"KIOSK_DB": url}).db_path == url
    assert Settings.from_env({}, db_path=url).db_path == url
    assert Settings(db_path=url).db_path == url and Settings(db_path="k.db").db_path == Path("k.db")
    assert Settings.from_env({"KIOSK_DB": str(tmp_path / "k.db")}).db_path == tmp_path / "k.db"
    # The installed tool's data folder is made for its default file only, never for a URL.
    monkeypatch.setattr("kiosk.config.INSTALLED", True)
    monkeypatch.chdir(tmp_path)
    make_default_db_folder(url)
    assert list(tmp_path.iterdir()) == []
    assert DEFAULT_DB.suffix == ".db"


@pytest.mark.parametrize("url", ["postgresql://kiosk:s3cret-pw@127.0.0.1:1/netwerkdag",
                                 "postgresql://kiosk@127.0.0.1:1/netwerkdag?password=s3cret-pw",
                                 "postgres://kiosk:s3cret-pw@[::1]/netwerkdag"])
def test_a_password_on_the_command_line_is_refused_in_one_sentence(url):
    assert password_in(url)
    result = CliRunner().invoke(main, ["--db", url, "--programme", str(PROGRAMME_PATH), "report"], env=ENV)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.rstrip().endswith(".")
    assert "PGPASSWORD" in result.stderr and "~/.pgpass" in result.stderr
    assert "s3cret-pw" not in result.output


def test_a_url_without_a_password_is_not_refused():
    assert not password_in("postgresql://kiosk@10.0.0.2/netwerkdag")
    assert not password_in("postgresql://10.0.0.2:5432/netwerkdag") and not password_in("/tmp/a:b@c.db")


def test_a_password_in_kiosk_db_works_and_is_never_printed(pg_server, pg_url):
    secret = pg_server.password
    assert secret in pg_url
    env = {**ENV, "KIOSK_DB": pg_url}
    report = CliRunner().invoke(main, ["--programme", str(PROGRAMME_PATH), "report"], env=env)
    assert report.exit_code == 0 and "sessions" in report.output and secret not in report.output
    # A database the server does not have: the fault names the URL, without its password.
    gone = pg_url.rsplit("/", 1)[0] + "/no_such_database"
    fault = CliRunner().invoke(main, ["--programme", str(PROGRAMME_PATH), "report"], env={**ENV, "KIOSK_DB": gone})
    assert fault.exit_code == 2 and "no such database" in fault.stderr
    assert f"{pg_server.user}:***@" in fault.stderr and secret not in fault.output
    wrong = pg_url.replace(secret, secret[::-1])
    refused = CliRunner().invoke(main, ["--programme", str(PROGRAMME_PATH), "checkin", "X"], env={**ENV, "KIOSK_DB": wrong})
    assert refused.exit_code == 2 and "refused the login" in refused.stderr and secret[::-1] not in refused.output


def test_backup_of_a_postgresql_database_says_what_copies_one(db, target, backend, tmp_path):
    result = run(target, "backup", str(tmp_path / "copy.db"))
    if backend == "postgresql":
        assert result.exit_code == 2 and not (tmp_path / "copy.db").exists()
        assert result.stderr.count("\n") == 1 and "kiosk db copy" in result.stderr and "pg_dump" in result.stderr
    else:
        assert result.exit_code == 0 and (tmp_path / "copy.db").exists()


def test_serve_never_puts_a_password_on_its_tabs_command_line(db, target, backend, monkeypatch):
    """`kiosk serve` runs a `kiosk` per browser tab: a password from KIOSK_DB reaches it by the environment."""
    started: list[str] = []

    class FakeServer:
        def __init__(self, command: str, **options: object) -> None:
            started.append(command)

        def serve(self) -> None:
            pass

    monkeypatch.setattr("kiosk.ui.web_server.KioskServer", FakeServer)
    env = {**ENV, "KIOSK_DB": str(target), "KIOSK_STAFF_PIN": "4821"}
    result = CliRunner().invoke(main, ["--programme", str(PROGRAMME_PATH), "serve", "--role", "desk"], env=env)
    assert result.exit_code == 0, result.output
    (command,) = started
    if backend == "postgresql":
        assert "--db" not in command and str(target) not in command and target.split(":")[2].split("@")[0] not in command
        without, secret = db_args(target)
        passed = CliRunner().invoke(main, [*without, "--programme", str(PROGRAMME_PATH), "serve", "--role", "desk"],
                                    env={**ENV, **secret})
        assert passed.exit_code == 0 and f"--db {without[1]}" in started[1]  # no password in it: it may stand there
    else:
        assert f"--db {target}" in command
