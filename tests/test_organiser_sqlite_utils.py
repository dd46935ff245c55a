"""The README's sqlite-utils lines, run as written on a day made with the kiosk's own commands.

The commands are read out of the README's "An organiser's questions, answered with sqlite-utils"
block, so the README and this test cannot drift apart. sqlite-utils is a runtime dependency (every
install brings its command) that no screen imports: a desk's start and scan are checked for that.
"""

from __future__ import annotations

import csv
import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kiosk.cli import main

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SECTION = "### An organiser's questions, answered with sqlite-utils"


def readme_commands() -> list[str]:
    """The `sqlite-utils` lines of the README's organiser block, in order."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split(SECTION, 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block, "the organiser section has no sh block"
    return [line for line in block.group(1).splitlines() if line.startswith("sqlite-utils ")]


def kiosk(db: Path, *args: str) -> str:
    """One `kiosk` command on the day's file, on a rehearsal clock that starts at 08:30 and runs."""
    result = CliRunner().invoke(main, ["--db", str(db), *args], env={"KIOSK_NOW": "08:30"})
    assert result.exit_code in (0, 3), result.output  # 3: signed up on the waitlist
    return result.output


@pytest.fixture
def day(tmp_path) -> dict:
    """`data/kiosk.db` under tmp_path: 40 demo people, three arrivals at two desks, the boat over-full."""
    db = tmp_path / "data" / "kiosk.db"
    db.parent.mkdir()
    kiosk(db, "demo", "--attendees", "40")
    with sqlite3.connect(db) as conn:
        people = conn.execute("SELECT code, name FROM attendees ORDER BY id").fetchall()
    arrivals = [people[5], people[0], people[9]]
    for (code, _), desk in zip(arrivals, ("desk-1", "desk-2", "desk-1")):
        kiosk(db, "checkin", code, "--device", desk)
    boat = people[:17]  # the Vaartocht takes 15: the last two wait, in this order
    for code, _ in boat:
        kiosk(db, "signup", code, "lunch-vaartocht")
    return {"folder": tmp_path, "arrivals": arrivals, "waiting": boat[15:], "aboard": boat[:15]}


def run(folder: Path, line: str) -> str:
    """A README line run by a shell in the folder that holds data/, with the venv's sqlite-utils."""
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    result = subprocess.run(line, shell=True, cwd=folder, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, f"{line}\n{result.stderr}"
    return result.stdout


def test_the_readme_lists_each_organiser_question():
    lines = readme_commands()
    assert len(lines) == 6
    assert all("data/kiosk.db" in line for line in lines)


def test_the_readme_commands_answer_the_organisers_questions(day):
    arrived, waiting, to_csv, to_json, tables, schema = readme_commands()
    folder = day["folder"]

    # Who arrived when: the three, earliest first, each with the desk that checked them in.
    out = run(folder, arrived)
    rows = [line for line in out.splitlines() if any(name in line for _, name in day["arrivals"])]
    assert [next(name for _, name in day["arrivals"] if name in row) for row in rows] == [n for _, n in day["arrivals"]]
    assert [("desk-2" if "desk-2" in row else "desk-1") for row in rows] == ["desk-1", "desk-2", "desk-1"]

    # Who waits for the boat: the 16th and 17th, in the order they chose it; nobody who has a seat.
    out = run(folder, waiting)
    listed = [line for line in out.splitlines() if any(code in line for code, _ in day["waiting"])]
    assert [next(c for c, _ in day["waiting"] if c in row) for row in listed] == [c for c, _ in day["waiting"]]
    assert not any(code in out for code, _ in day["aboard"])

    # A table to CSV, another to JSON.
    run(folder, to_csv)
    with open(folder / "sessions.csv", newline="", encoding="utf-8") as f:
        sessions = list(csv.DictReader(f))
    assert len(sessions) == 26
    assert {row["id"]: row["capacity"] for row in sessions}["lunch-vaartocht"] == "15"
    run(folder, to_json)
    signups = json.loads((folder / "signups.json").read_text(encoding="utf-8"))
    assert sorted(row["status"] for row in signups) == ["confirmed"] * 15 + ["waitlisted"] * 2

    # A quick look at the schema: the tables with their counts, and one table's columns.
    out = run(folder, tables)
    counts = {cells[0]: cells[1] for cells in (line.split() for line in out.splitlines()) if len(cells) == 2}
    assert counts["attendees"] == "40" and counts["scans"] == "3" and counts["signups"] == "17"
    out = run(folder, schema)
    assert out.startswith("CREATE TABLE") and "raw_code" in out and "nonce" in out


def test_a_desk_start_and_check_in_import_no_sqlite_utils(tmp_path):
    """sqlite-utils is for organisers: the desk's start path (CLI, launch, app, a scan) never loads it."""
    db = tmp_path / "kiosk.db"
    kiosk(db, "demo", "--attendees", "5")
    with sqlite3.connect(db) as conn:
        (code,) = conn.execute("SELECT code FROM attendees LIMIT 1").fetchone()
    script = (
        "import asyncio, sqlite3, sys\n"
        "import kiosk.cli, kiosk.ui.launch\n"
        "from kiosk.config import Settings\n"
        "async def desk():\n"
        "    app = kiosk.ui.launch.build_app(Settings.from_env(db_path=sys.argv[1]), role='desk')\n"
        "    async with app.run_test(size=(80, 24)) as pilot:\n"
        "        await pilot.pause()\n"
        "        await pilot.press(*sys.argv[2], 'enter')\n"
        "        for _ in range(100):\n"
        "            await pilot.pause(0.05)\n"
        "            if sqlite3.connect(sys.argv[1]).execute('SELECT count(*) FROM scans').fetchone()[0]:\n"
        "                break\n"
        "asyncio.run(desk())\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sqlite_utils', 'sqlite_fts4', 'tabulate')))\n"
    )
    result = subprocess.run([sys.executable, "-c", script, str(db), code], capture_output=True, text=True, timeout=90,
                            env={**os.environ, "TEXTUAL_ANIMATIONS": "none"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM scans WHERE accepted = 1").fetchone() == (1,)
