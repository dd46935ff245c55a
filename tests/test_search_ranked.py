"""SQLite's ranked name search from the prefix table (schema v12): FTS5's people in FTS5's bm25 order, kept in step.

A single typed word of three letters or more is ranked from `search_prefixes` (kiosk/store/
search_prefixes.py) instead of FTS5 scoring every match. What the desk sees must not change: each
query's hits are compared with `attendees_fts ... ORDER BY rank` itself, on rows whose length and
repeated words bm25 weighs, with hostile names. And the table follows every write of a name.
"""

from __future__ import annotations

import sqlite3

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.domain.roster import RosterRow
from kiosk.store import open_store
from kiosk.store.attendees import fts_query, query_words, search, upsert_attendees
from kiosk.store.corrections import correct_walk_in
from kiosk.store.privacy import forget_person
from kiosk.store.scans import create_walk_in
from kiosk.store.schema import search_text
from kiosk.store.search_prefixes import BULK_ROWS
from tests.support.event import at

ROSTER = [
    # (name, organisation, city): short and long rows, a word twice (organisation and city), a
    # surname that is a prefix of another, brackets, Hebrew, Cyrillic, accents, a 2-letter word.
    ("Jan Jansen", "Gemeente Hoorn", "Hoorn"),
    ("Jan de Vries", "Gemeente Den Haag", "Den Haag"),
    ("Janneke Bos", "Ministerie van Binnenlandse Zaken en Koninkrijksrelaties", "Den Haag"),
    ("Kees Jansen", "Jansen BV", "Ede"),
    ("Jans", "", ""),
    ("Ayşe Çelik", "Gemeente Zaanstad", "Zaanstad"),
    ("Çelik Çelikkaya", "Çelik & Zonen", "Zaandam"),
    ("[@click=app.quit]x[/]", "[b]Bold Org[/b]", "Hoorn"),
    ("דוד כהן", "עיריית חיפה", "Haifa"),
    ("Олена Коваленко", "Gemeente Hoorn", "Hoorn"),
    ("Søren Ødegaard", "Provincie Noord-Holland", "Haarlem"),
    ("Zoë Zoetermeer", "Gemeente Zoetermeer", "Zoetermeer"),
    ("Hoorn", "", ""),
]


def _fts_order(db: sqlite3.Connection, text: str, limit: int = 20) -> list[str]:
    """What the search showed before the prefix table: FTS5's matches, bm25-ranked from three letters on."""
    order = "ORDER BY f.rank" if min(len(w) for w in query_words(text)) >= 3 else ""
    rows = db.execute(f"""SELECT a.code FROM attendees_fts f JOIN attendees a ON a.id = f.rowid
                          WHERE attendees_fts MATCH ? {order} LIMIT ?""", (fts_query(text), limit)).fetchall()
    return [code for (code,) in rows]


@pytest.fixture
def roster(db, now):
    """ROSTER imported, each row three times (equal ranks, ordered by id), plus one cancelled person."""
    rows = [RosterRow(name, org, city, "", f"R{n:02d}{copy}") for copy in "ABC" for n, (name, org, city) in enumerate(ROSTER)]
    rows.append(RosterRow("Jan Cancelled", "Gemeente Hoorn", "Hoorn", "", "CANC01", status="cancelled"))
    upsert_attendees(db, rows, now.isoformat())
    return rows


@pytest.mark.parametrize("query", [
    "jan", "jans", "jansen", "JANSEN", "hoorn", "hoo", "den", "zoe", "zoë", "zoetermeer", "celik", "Çelik", "çel",
    "olena", "коваленко", "כהן", "עיריית", "click", "[@click", "[b]", "bold", "soren", "Ødegaard", "gem",
    "ministerie", "koninkrijksrelaties", "noord-holland", "jan jansen", "jan de", "j", "ja", "de", "x",
    "R01A", "janx", "hoornx",
])
def test_one_word_finds_the_same_people_in_the_same_order_as_fts5s_bm25(db, roster, query):
    shown = [hit.person.code for hit in search(db, query)]
    assert shown == _fts_order(db, query)
    few = [hit.person.code for hit in search(db, query, limit=4)]
    assert few == _fts_order(db, query, limit=4)


def test_a_word_twice_in_a_row_ranks_it_first_and_equal_rows_go_by_id(db, roster):
    shown = [hit.person.code for hit in search(db, "hoorn")]
    # "Hoorn" alone is the shortest row; the six-word rows with hoorn twice come next, equal ranks in
    # id order (the roster went in copy A of every row first, then copy B).
    assert shown[:3] == ["R12A", "R12B", "R12C"]
    assert shown[3:7] == ["R00A", "R09A", "R00B", "R09B"]
    assert "CANC01" in shown  # a cancelled person is found (the desk shows them red)
    assert not [hit for hit in search(db, "R01A")]  # a code is not a name: the scan looks codes up


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(min_size=1, max_size=40), query=st.text(min_size=1, max_size=12))
def test_any_name_and_typed_word_agree_with_fts5(db, roster, now, name, query):
    if not name.strip() or "\x00" in name or len(query_words(query)) != 1:
        return
    create_walk_in(db, name, "Gemeente Hoorn", "Hoorn", now=now, device="desk-1")
    for typed in (query, *query_words(name)[:2]):
        if len(query_words(typed)) == 1:
            assert [hit.person.code for hit in search(db, typed)] == _fts_order(db, typed), typed


def _prefixes(db, attendee_id: int) -> set[str]:
    return {p for (p,) in db.execute("SELECT prefix FROM search_prefixes WHERE attendee_id = ?", (attendee_id,))}


def test_the_prefix_table_follows_a_walk_in_its_correction_and_a_forget(db, now):
    person = create_walk_in(db, "Fatma Yıldız", "Gemeente Zaanstad", "Zaanstad", now=now, device="desk-1").person
    assert {"yil", "yildiz", "fat", "zaanstad"} <= _prefixes(db, person.id)
    assert [hit.person.code for hit in search(db, "yildiz")] == [person.code]
    correct_walk_in(db, person.id, name="Fatma Yılmaz", now=at("09:40"), device="desk-1")
    assert "yildiz" not in _prefixes(db, person.id) and "yilmaz" in _prefixes(db, person.id)
    assert not search(db, "yildiz") and [hit.person.code for hit in search(db, "yilmaz")] == [person.code]
    forget_person(db, person.code, at("18:00"))
    # Forgotten: nothing of the name left in the table that search reads.
    assert _prefixes(db, person.id) == set() and not search(db, "yilmaz")


def test_an_import_that_renames_someone_moves_their_prefixes(db, now):
    upsert_attendees(db, [RosterRow("Piet Paulusma", "Gemeente Ede", "Ede", "", "PIET01")], now.isoformat())
    upsert_attendees(db, [RosterRow("Piet Pieterse", "Gemeente Ede", "Ede", "", "PIET01")], at("10:00").isoformat())
    assert not search(db, "paulus") and [hit.person.code for hit in search(db, "pieterse")] == ["PIET01"]
    rows = db.execute("SELECT prefix, hits, words FROM search_prefixes WHERE prefix LIKE 'pie%' ORDER BY 1").fetchall()
    assert rows == [("pie", 2, 5), ("piet", 2, 5), ("piete", 1, 5), ("pieter", 1, 5), ("pieters", 1, 5),
                    ("pieterse", 1, 5)]  # piet pieterse gemeente ede ede


def test_a_version_11_file_gets_its_prefix_table_and_old_style_search_text_cut_into_words(db_path):
    db = open_store(db_path)
    db.execute("BEGIN IMMEDIATE")
    db.execute("""INSERT INTO attendees (code, name, organisation, city, search_text, created_at, updated_at)
                  VALUES ('SOREN3', 'Søren Ødegaard', 'Provincie Noord-Holland', 'Haarlem',
                          'søren ødegaard provincie noord-holland haarlem', 'x', 'x')""")
    db.execute("COMMIT")
    # As version 11 left it: no prefix table (nor v13's code_misses), and a row written in the older
    # folded-text format.
    db.executescript("""DROP TRIGGER search_prefixes_insert; DROP TRIGGER search_prefixes_delete;
                        DROP TRIGGER search_prefixes_update; DROP TABLE search_prefixes; DROP TABLE code_misses;
                        UPDATE attendees SET search_text = 'soren odegaard provincie noord-holland haarlem';
                        PRAGMA user_version = 11;""")
    db.close()
    db = open_store(db_path)
    assert db.execute("PRAGMA user_version").fetchone()[0] >= 12
    assert db.execute("SELECT search_text FROM attendees").fetchone()[0] == search_text(
        "Søren Ødegaard", "Provincie Noord-Holland", "Haarlem")
    assert [hit.person.code for hit in search(db, "holland")] == ["SOREN3"]
    assert "odegaard" in _prefixes(db, 1)
    db.execute("INSERT INTO attendees_fts (attendees_fts) VALUES ('integrity-check')")


def test_a_big_import_rebuilds_the_table_as_the_triggers_would_have_made_it(db, now, tmp_path):
    rows = [RosterRow(f"{name} {n}", org, city, "", f"BIG{n:05d}")
            for n in range(BULK_ROWS + 10) for name, org, city in [ROSTER[n % len(ROSTER)]]]
    upsert_attendees(db, rows, now.isoformat())  # one import: past BULK_ROWS, the table is rebuilt once
    by_rows = open_store(tmp_path / "by-rows.db")
    for start in range(0, len(rows), 100):  # small imports: the triggers add each row's prefixes
        upsert_attendees(by_rows, rows[start:start + 100], now.isoformat())
    table = "SELECT prefix, hits, words, attendee_id FROM search_prefixes ORDER BY 1, 2, 3, 4"
    assert db.execute(table).fetchall() == by_rows.execute(table).fetchall()
    triggers = "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name"
    assert db.execute(triggers).fetchall() == by_rows.execute(triggers).fetchall()
    # The triggers are back after the import: a walk-in is found at once.
    walk_in = create_walk_in(db, "Wietske Wiersma", now=now, device="desk-1").person
    assert [hit.person.code for hit in search(db, "wiersma")] == [walk_in.code]


def test_a_changed_name_deletes_its_old_prefixes_by_their_whole_key(db, roster):
    """Not by the prefix alone: "gem" has a row for every attendee, and a correction would scan them all."""
    sql = db.execute("SELECT sql FROM sqlite_master WHERE name = 'search_prefixes_update'").fetchone()[0]
    delete = sql.split(" BEGIN", 1)[1].split(";")[0]
    delete = delete.replace("old.search_text", "'jan jansen gemeente hoorn hoorn'").replace("old.id", "1")
    plan = [row[3] for row in db.execute(f"EXPLAIN QUERY PLAN {delete}")]
    assert "SEARCH search_prefixes USING PRIMARY KEY (prefix=? AND hits=? AND words=? AND attendee_id=?)" in plan
