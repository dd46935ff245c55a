"""Privacy of what leaves the database: a person's own export, and every file written owner-only.

`kiosk export person CODE` holds everything the database keeps about that person and nothing of
anyone else's; the database, its -wal and -shm, and every export are created 0600 whatever the
umask, and an export of personal data says so in its file name and on stderr. Purge and forget:
tests/test_privacy.py.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.interop.private_file import PERSONAL_DATA_NOTICE, is_private, open_private, personal_path
from kiosk.store import open_store
from kiosk.store.attendees import find_by_code
from kiosk.store.badge_prints import begin_print, finish_print
from kiosk.store.privacy import person_data
from kiosk.store.scans import create_walk_in
from tests.support.event import at
from tests.support.privacy_day import privacy_day, run

# The person's export and the files it writes are the same on a SQLite file and on PostgreSQL.
BOTH_BACKENDS = True


@pytest.fixture
def event(db, people):
    """The privacy tests' small day (tests/support/privacy_day.py); returns {name: code}."""
    return privacy_day(db, people)


def test_export_person_holds_exactly_that_persons_data(target, db, event, tmp_path):
    written = tmp_path / "personal-data-HOF222.json"
    out = run(target, "export", "person", "HOF222", "--output", str(written))
    assert out.exit_code == 0, out.output
    text = written.read_text(encoding="utf-8")
    document = json.loads(text)
    assert next(iter(document)) == "personal_data" and document["personal_data"] == PERSONAL_DATA_NOTICE
    me = document["attendee"]
    assert (me["code"], me["name"], me["organisation"]) == ("HOF222", "Pieter van 't Hof", "Gemeente Delft")
    assert {s["session_id"] for s in document["signups"]} == {"lunch-vaartocht", "r1-slim-met-stroom"}
    assert all(s["attendee_id"] == me["id"] for s in document["signups"])
    scans = document["scans"]
    assert len(scans) == 3 and {s["attendee_id"] for s in scans} == {me["id"], None}
    assert {p["list"] for p in document["presence"]} == {"venue", "r1-slim-met-stroom"}
    others = [name for name in event if name != "Pieter van 't Hof"] + ["CELIK1", "SOREN3", "ayse@example.invalid"]
    assert [o for o in others if o in text] == []
    assert is_private(written)
    assert person_data(db, "NOSUCH") is None
    assert run(target, "export", "person", "NOSUCH").exit_code == 1


def exported(target, code: str, folder: Path) -> dict:
    """`kiosk export person CODE` to a file in `folder`, read back."""
    written = folder / f"personal-data-{code}.json"
    out = run(target, "export", "person", code, "--output", str(written))
    assert out.exit_code == 0, out.output
    return json.loads(written.read_text(encoding="utf-8"))


def tables_naming_a_person(db, backend: str) -> set[str]:
    """The tables of this database with an `attendee_id` column, read from the database itself.

    Not SQLite's `search_prefixes`: a search index made from `attendees.search_text` (in the export
    with the attendee row), as `attendees_fts` is, emptied for a person with that column.
    """
    if backend == "postgresql":
        sql = ("SELECT table_name FROM information_schema.columns"
               " WHERE column_name = 'attendee_id' AND table_schema = current_schema()")
    else:
        sql = ("SELECT m.name FROM sqlite_master m, pragma_table_info(m.name) c"
               " WHERE m.type = 'table' AND c.name = 'attendee_id' AND m.name != 'search_prefixes'")
    return {row[0] for row in db.execute(sql)}


def test_export_person_holds_their_printed_badges_and_nothing_of_anyone_elses(target, db, backend, event, tmp_path):
    hof, celik = find_by_code(db, "HOF222"), find_by_code(db, "CELIK1")
    failed, _ = begin_print(db, hof.id, now=at("09:06"), device="desk-1", origin="desk", printer="zebra-desk-1",
                            size="62mm")
    finish_print(db, failed, now=at("09:07"), printed=False, fault="offline")
    printed, _ = begin_print(db, hof.id, now=at("09:08"), device="desk-1", origin="desk", printer="zebra-desk-1",
                             size="62mm")
    finish_print(db, printed, now=at("09:09"), printed=True, job="zebra-desk-1-17")
    theirs, _ = begin_print(db, celik.id, now=at("09:10"), device="kiosk-1", origin="selfservice",
                            printer="kiosk-1-printer", size="a6")
    finish_print(db, theirs, now=at("09:11"), printed=True, job="kiosk-1-printer-99")
    # A desk scanned Søren's badge while the walk-in form had the focus: a walk-in named after his code.
    mistake = create_walk_in(db, "SOREN3", now=at("10:00"), device="desk-1").person

    document = exported(target, "HOF222", tmp_path)
    prints = [(p["at"][11:16], p["result"], p["reprint"], p["fault"], p["job"]) for p in document["badge_prints"]]
    # Both in the order made; the second is no reprint, as the first never came out of the printer.
    assert prints == [("09:06", "failed", 0, "offline", ""), ("09:08", "printed", 0, "", "zebra-desk-1-17")]
    assert "kiosk-1-printer" not in json.dumps(document)
    # Every table that names a person by id is in the export, and holds only that person's rows.
    assert set(document) - {"personal_data", "exported_at", "event", "event_date", "attendee"} \
        == tables_naming_a_person(db, backend)
    walk_in = exported(target, mistake.code, tmp_path)
    assert walk_in["attendee"]["name"] == "SOREN3" and len(walk_in["scans"]) == 1  # its arrival, not Søren's scans
    rows = [row for table in tables_naming_a_person(db, backend) for row in walk_in[table]]
    assert rows and {row["attendee_id"] for row in rows} == {mistake.id}
    assert "Søren" not in json.dumps(walk_in, ensure_ascii=False)


def test_database_wal_and_shm_are_created_owner_only(tmp_path):
    old = os.umask(0o022)
    try:
        path = tmp_path / "fresh.db"
        db = open_store(path)
        db.execute("INSERT INTO meta (key, value) VALUES ('x', 'y')")
        files = [path, Path(f"{path}-wal"), Path(f"{path}-shm")]
        assert all(f.exists() for f in files)
        assert {f.name: oct(f.stat().st_mode & 0o777) for f in files} == {f.name: "0o600" for f in files}
        db.close()
    finally:
        os.umask(old)


def test_open_private_is_umask_proof_narrows_and_refuses_links(tmp_path):
    old = os.umask(0)
    try:
        fresh = tmp_path / "a.csv"
        with open_private(fresh) as handle:
            handle.write("x")
        assert oct(fresh.stat().st_mode & 0o777) == "0o600"
        wide = tmp_path / "b.json"
        wide.write_text("old")
        wide.chmod(0o644)
        with open_private(wide, "wb") as handle:
            handle.write(b"new")
        assert wide.read_bytes() == b"new" and is_private(wide)
        link = tmp_path / "link"
        link.symlink_to(tmp_path / "elsewhere")
        with pytest.raises(OSError):
            open_private(link)
        with pytest.raises(FileExistsError):
            open_private(fresh, "x")
    finally:
        os.umask(old)


# Every command that writes a file; each is run with a permissive umask and must leave 0600.
WRITERS = [
    pytest.param(("export", "person", "CELIK1"), id="person"),
    pytest.param(("export", "attendees"), id="attendees-json"),
    pytest.param(("export", "attendees", "--format", "csv"), id="attendees-csv"),
    pytest.param(("export", "attendance"), id="attendance"),
    pytest.param(("export", "scans"), id="scans"),
    pytest.param(("export", "signups", "--format", "json"), id="signups"),
    pytest.param(("export", "agenda", "CELIK1"), id="agenda"),
    pytest.param(("export", "schedule"), id="schedule"),
]


@pytest.mark.parametrize("args", WRITERS)
def test_every_file_the_cli_writes_is_owner_only(target, db, event, tmp_path, args):
    group = main.commands.get(args[0])
    if group is None or args[1] not in getattr(group, "commands", {}):
        pytest.skip(f"kiosk {' '.join(args[:2])} is not registered in this tree")
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = out_dir / f"{'-'.join(args[1:])}.out"
    old = os.umask(0o022)
    try:
        result = run(target, *args, "--output", str(out))
    finally:
        os.umask(old)
    assert result.exit_code == 0, result.output
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    # The schedule holds no personal data and keeps its name; the others say so in theirs.
    assert (out if args[1] == "schedule" else personal_path(out)) in written
    assert {p.name: oct(p.stat().st_mode & 0o777) for p in written} == {p.name: "0o600" for p in written}


def test_badges_and_an_imported_schedule_are_owner_only(target, db, event, tmp_path, monkeypatch):
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    monkeypatch.chdir(tmp_path)
    old = os.umask(0o022)
    try:
        badges = run(target, "badges", "--format", "html")
        schedule = run(target, "export", "schedule", "--format", "frab-json", "--output", "s.json")
        imported = run(target, "import", "schedule", "s.json", "--output", "programme.toml")
    finally:
        os.umask(old)
    assert badges.exit_code == 0 and schedule.exit_code == 0 and imported.exit_code == 0, imported.output
    written = sorted(p.name for p in tmp_path.iterdir() if p.is_file())
    assert written == ["persoonsgegevens-badges.html", "programme.toml", "s.json"]
    assert all(is_private(tmp_path / name) for name in written)


@pytest.mark.parametrize(("given", "written"), [
    ("deelnemers.csv", "persoonsgegevens-deelnemers.csv"),
    ("Personal-data-attendees.csv", "Personal-data-attendees.csv"),
    ("scans-persoonsgegevens.json", "scans-persoonsgegevens.json"),
    ("personal/attendees.csv", "personal/persoonsgegevens-attendees.csv"),  # the folder does not count
])
def test_an_export_of_personal_data_says_so_in_its_file_name(target, db, event, tmp_path, given, written):
    out = tmp_path / "out"
    (out / "personal").mkdir(parents=True)
    result = run(target, "export", "attendees", "--format", "csv", "--output", str(out / given))
    assert result.exit_code == 0, result.output
    files = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    assert files == [written]
    assert str(out / written) in result.stderr  # where it went is said
    assert result.stdout == ""
    assert personal_path(out / given) == out / written


@pytest.mark.parametrize("args", [
    ("export", "attendees"), ("export", "attendees", "--format", "csv"), ("export", "scans"),
    ("export", "signups", "--format", "json"), ("export", "attendance", "--format", "json"),
    ("export", "agenda", "CELIK1"),
])
def test_an_export_to_stdout_says_personal_data_on_stderr_only(target, db, event, args):
    result = run(target, *args)
    assert result.exit_code == 0, result.output
    assert PERSONAL_DATA_NOTICE in result.stderr
    assert PERSONAL_DATA_NOTICE not in result.stdout and "PERSOONSGEGEVENS" not in result.stdout
    if "json" in args or args == ("export", "attendees"):
        data = json.loads(result.stdout)  # still valid JSON: a list of objects (issue 6)
        assert isinstance(data, list) and data and all(isinstance(row, dict) for row in data)
    elif args[1] != "agenda":
        assert result.stdout.splitlines()[0].startswith(("code,", "id,", "attendee"))


def test_an_export_to_a_redirected_stdout_is_narrowed_to_owner_only(target, db, event, tmp_path):
    import subprocess
    import sys

    out = tmp_path / "persoonsgegevens-scans.csv"
    old = os.umask(0o022)
    try:
        with out.open("w") as handle:  # what `kiosk export scans > file` does
            env = {**os.environ, "KIOSK_DB": str(target)}
            done = subprocess.run([sys.executable, "-m", "kiosk", "export", "scans"], stdout=handle,
                                  stderr=subprocess.PIPE, text=True, env=env, timeout=60)
    finally:
        os.umask(old)
    assert done.returncode == 0, done.stderr
    assert PERSONAL_DATA_NOTICE in done.stderr
    assert is_private(out) and out.read_text(encoding="utf-8").startswith("id,")
