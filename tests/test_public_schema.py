"""The schema is a public interface: what the README documents is what an organiser finds.

Organisers open the kiosk's file with sqlite-utils or Datasette; these tests do the same with
sqlite-utils (installed with the kiosk for organisers; the kiosk itself talks to SQLite directly).
On PostgreSQL (psql, a BI tool) the same tables hold the same columns in the same order.
"""

from __future__ import annotations

import re

import pytest
import sqlite_utils

from kiosk.store import connect, open_store
from kiosk.store.db import is_postgres
from kiosk.store.scans import record_scan
from kiosk.store.tallies import recount_tallies, tally
from tests.support.event import ROOT, at

# The README's schema and the tables hold the same on a SQLite file and on PostgreSQL (tests/conftest.py).
BOTH_BACKENDS = True

DOCUMENTED = re.compile(r"^### (\w+) — ", re.M)
# What each store keeps in a way of its own, described in the README's prose: SQLite's FTS5 index
# and its ranked search's prefix table (PostgreSQL searches with a GIN index on attendees),
# PostgreSQL's schema version (SQLite: PRAGMA user_version).
OWN = {"sqlite": {"attendees_fts", "search_prefixes"}, "postgresql": {"schema_version"}}


def _readme_tables() -> dict[str, set[str]]:
    """Table name -> the columns the README's table section lists (`a, b` and `a / b` rows split)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## The database file: tables and columns", 1)[1].split("\n## ", 1)[0]
    tables: dict[str, set[str]] = {}
    parts = DOCUMENTED.split(section)
    for name, body in zip(parts[1::2], parts[2::2]):
        columns = set()
        for line in body.splitlines():
            if line.startswith("| ") and not line.startswith(("| column", "| ---")):
                columns |= {c.strip() for c in re.split(r"[,/]", line.split("|")[1]) if c.strip()}
        tables[name] = columns
    return tables


def table_columns(db) -> dict[str, list[str]]:
    """Table name -> its columns in order, as the database itself lists them (FTS5's shadow tables left out)."""
    if is_postgres(db):
        found: dict[str, list[str]] = {}
        for table, column in db.execute(
            """SELECT table_name, column_name FROM information_schema.columns
               WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position"""
        ):
            found.setdefault(table, []).append(column)
        return found
    tables = [t for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    return {t: [row[1] for row in db.execute(f"PRAGMA table_info({t})")]
            for t in tables if not t.startswith(("attendees_fts_", "sqlite_"))}


def test_every_table_and_column_is_documented_and_exists(db, backend):
    documented = _readme_tables()
    found = {name: set(columns) for name, columns in table_columns(db).items()}
    assert set(documented) - OWN["sqlite"] == set(found) - OWN[backend] - OWN["sqlite"], "README tables differ"
    for name, columns in documented.items():
        if backend != "sqlite" and name in OWN["sqlite"]:
            continue  # search_prefixes: a table of the file's only
        if columns:  # attendees_fts is described in prose, not column by column
            assert columns == found[name], f"{name}: README {sorted(columns)} vs {backend} {sorted(found[name])}"


def test_postgresql_has_the_files_tables_with_their_columns_in_the_same_order(db, backend, tmp_path):
    """A query written against the file (`SELECT *`, a CSV of a table) reads alike on the server."""
    file = open_store(tmp_path / "reference.db")
    reference = {name: columns for name, columns in table_columns(file).items() if name not in OWN["sqlite"]}
    file.close()
    found = {name: columns for name, columns in table_columns(db).items() if name not in OWN[backend]}
    assert found == reference


def test_an_edit_by_hand_in_sql_keeps_the_counts_right(db, target, people):
    """psql on the server, or the sqlite3 shell on the file: the running counts follow plain SQL."""
    record_scan(db, people["Anna de Vries"], now=at("09:40"), device="desk-1")
    organiser = connect(target)
    organiser.execute("UPDATE attendees SET status = 'cancelled' WHERE code = 'HOF222'")
    organiser.execute("INSERT INTO attendees (code, name, status, source, created_at, updated_at, search_text) "
                      "VALUES ('HAND01', 'Added By Hand', 'registered', 'import', 'x', 'x', 'added by hand')")
    organiser.execute("UPDATE attendees SET city = 'Zaandam' WHERE code = 'ANNA44'")  # arrived: her city's count moves
    organiser.close()
    kept = _nonzero_tallies(db)
    recount_tallies(db)
    assert kept == _nonzero_tallies(db)
    assert tally(db, "expected") == 5
    assert tally(db, "arrived_city:Zaandam") == 1 and tally(db, "arrived_city:Breda") == 0


@pytest.mark.sqlite_only
def test_an_edit_with_sqlite_utils_keeps_the_counts_right(db, db_path, people):
    record_scan(db, people["Anna de Vries"], now=at("09:40"), device="desk-1")
    organiser = sqlite_utils.Database(db_path)
    # An organiser cancels one person and adds another by hand, as sqlite-utils users do.
    organiser["attendees"].update(
        organiser.execute("SELECT id FROM attendees WHERE code = 'HOF222'").fetchone()[0], {"status": "cancelled"})
    organiser["attendees"].insert({"code": "HAND01", "name": "Added By Hand", "status": "registered",
                                   "source": "import", "created_at": "x", "updated_at": "x", "search_text": "added by hand"})
    organiser.close()
    kept = _nonzero_tallies(db)
    recount_tallies(db)
    assert kept == _nonzero_tallies(db)
    assert tally(db, "expected") == 5  # 5 registered in the roster, one cancelled by hand, one added
    assert tally(db, "arrived:venue") == 1


def _nonzero_tallies(db) -> dict[str, int]:
    return dict(db.execute("SELECT key, value FROM tallies WHERE value != 0"))
