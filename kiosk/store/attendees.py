"""Attendees: look-up by code, folded-name search, bulk upsert from a roster, walk-ins."""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

import sqlite_utils

from kiosk.domain.codes import new_code, normalise_code
from kiosk.domain.outcomes import Person
from kiosk.domain.text import words
from kiosk.store.db import immediate
from kiosk.store.schema import search_text

PERSON_COLUMNS = "id, code, name, organisation, city, email, status, source"


def person_from_row(row: tuple) -> Person:
    """A Person from a row selected with PERSON_COLUMNS."""
    return Person(**dict(zip(PERSON_COLUMNS.split(", "), row)))


def find_by_code(conn: sqlite3.Connection | sqlite_utils.Database, raw: str) -> Person | None:
    """The attendee whose code this is (case-insensitive, spaces ignored), or None."""
    conn = getattr(conn, "conn", conn)
    row = conn.execute(
        f"SELECT {PERSON_COLUMNS} FROM attendees WHERE code = ? COLLATE NOCASE", (normalise_code(raw),)
    ).fetchone()
    return person_from_row(row) if row else None


def get_person(db: sqlite_utils.Database, attendee_id: int) -> Person | None:
    """The attendee with this id, or None."""
    row = db.execute(f"SELECT {PERSON_COLUMNS} FROM attendees WHERE id = ?", (attendee_id,)).fetchone()
    return person_from_row(row) if row else None


@dataclass
class SearchHit:
    """One search result: the person and whether they are at the venue now."""

    person: Person
    inside: bool
    arrived_at: str | None


def fts_query(text: str) -> str:
    """An FTS5 query that matches every folded word of `text` as a prefix; '' when no words."""
    return " ".join(f'"{word}"*' for word in words(text)[:8])


def search(db: sqlite_utils.Database, text: str, limit: int = 20) -> list[SearchHit]:
    """Attendees whose name, organisation or city have words starting with each typed word."""
    query = fts_query(text)
    if not query:
        return []
    rows = db.execute(
        f"""SELECT {', '.join('a.' + c for c in PERSON_COLUMNS.split(', '))}, p.inside, p.first_entry_at
            FROM attendees_fts f
            JOIN attendees a ON a.id = f.rowid
            LEFT JOIN presence p ON p.attendee_id = a.id AND p.list = 'venue'
            WHERE attendees_fts MATCH ?
            ORDER BY f.rank
            LIMIT ?""",
        (query, limit),
    ).fetchall()
    return [SearchHit(person_from_row(r[:8]), bool(r[8]), r[9]) for r in rows]


def unique_code(conn: sqlite3.Connection, rng: random.Random | None = None) -> str:
    """A generated code that no attendee has yet."""
    while True:
        code = new_code(rng)
        if not conn.execute("SELECT 1 FROM attendees WHERE code = ? COLLATE NOCASE", (code,)).fetchone():
            return code


@dataclass
class RosterRow:
    """One attendee as an import brings it; `code` empty means: generate one."""

    name: str
    organisation: str = ""
    city: str = ""
    email: str = ""
    code: str = ""
    status: str = "registered"


@dataclass
class UpsertCounts:
    """What an import changed."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0


def upsert_attendees(
    db: sqlite_utils.Database,
    rows: Iterable[RosterRow],
    now: str,
    source: str = "import",
    rng: random.Random | None = None,
    on_progress=None,
) -> UpsertCounts:
    """Add or update attendees in one transaction: all rows or none.

    A row with a code updates the attendee with that code; a row without one matches an existing
    attendee by e-mail (else by name and organisation) so that importing the same file twice
    changes nothing, and otherwise gets a generated code.
    """
    counts = UpsertCounts()
    with immediate(db) as conn:
        for row in rows:
            existing = _match(conn, row)
            values = (row.name, row.organisation, row.city, row.email, row.status)
            if existing is None:
                code = normalise_code(row.code) if row.code else unique_code(conn, rng)
                conn.execute(
                    """INSERT INTO attendees (code, name, organisation, city, email, status, source,
                                              search_text, created_at, updated_at)
                       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                    (code, *values, source, search_text(row.name, row.organisation, row.city), now, now),
                )
                counts.added += 1
            elif existing[1:] == values:
                counts.unchanged += 1
            else:
                conn.execute(
                    """UPDATE attendees SET name = ?, organisation = ?, city = ?, email = ?, status = ?,
                           search_text = ?, updated_at = ? WHERE id = ?""",
                    (*values, search_text(row.name, row.organisation, row.city), now, existing[0]),
                )
                counts.updated += 1
            if on_progress:
                on_progress(1)
    return counts


def _match(conn: sqlite3.Connection, row: RosterRow) -> tuple | None:
    """The existing attendee a roster row refers to: (id, name, organisation, city, email, status)."""
    select = "SELECT id, name, organisation, city, email, status FROM attendees WHERE "
    if row.code:
        return conn.execute(select + "code = ? COLLATE NOCASE", (normalise_code(row.code),)).fetchone()
    if row.email:
        found = conn.execute(select + "email = ? COLLATE NOCASE AND email != ''", (row.email,)).fetchone()
        if found:
            return found
    return conn.execute(select + "name = ? AND organisation = ?", (row.name, row.organisation)).fetchone()


def count_expected(db: sqlite_utils.Database | sqlite3.Connection) -> int:
    """How many registered (not cancelled) attendees there are."""
    conn = getattr(db, "conn", db)
    return conn.execute("SELECT COUNT(*) FROM attendees WHERE status = 'registered'").fetchone()[0]


def list_attendees(db: sqlite_utils.Database) -> list[Person]:
    """Every attendee, by name."""
    rows = db.execute(f"SELECT {PERSON_COLUMNS} FROM attendees ORDER BY name COLLATE NOCASE, id").fetchall()
    return [person_from_row(r) for r in rows]
