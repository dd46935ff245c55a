"""The file is a public interface: what the README documents is what an organiser finds.

Organisers open the kiosk's file with sqlite-utils or Datasette; these tests do the same with
sqlite-utils (installed with the kiosk for organisers; the kiosk itself talks to SQLite directly).
"""

from __future__ import annotations

import re

import sqlite_utils

from kiosk.store.scans import record_scan
from kiosk.store.tallies import recount_tallies, tally
from tests.support.event import ROOT, at

DOCUMENTED = re.compile(r"^### (\w+) — ", re.M)


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


def test_every_table_and_column_is_documented_and_exists(db, db_path):
    documented = _readme_tables()
    organiser = sqlite_utils.Database(db_path)
    found = {t.name: set(t.columns_dict) for t in organiser.tables if not t.name.startswith("attendees_fts_")}
    assert set(documented) == set(found), "README tables differ from the file's"
    for name, columns in documented.items():
        if columns:  # attendees_fts is described in prose, not column by column
            assert columns == found[name], f"{name}: README {sorted(columns)} vs file {sorted(found[name])}"


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
