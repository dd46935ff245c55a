"""Attendees: look-up by code, folded-name search, bulk upsert from a roster, walk-ins."""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from kiosk.domain.codes import new_code, normalise_code
from kiosk.domain.outcomes import Person
from kiosk.domain.roster import RosterRow
from kiosk.domain.text import fold, words
from kiosk.domain.views import SearchHit
from kiosk.store.db import Database, Row, immediate, is_postgres
from kiosk.store.schema import SEARCH_WORD_CHARS, search_text
from kiosk.store.search_prefixes import SHORTEST, bulk_writes, ranked_ids
from kiosk.store.tallies import tally

PERSON_COLUMNS = "id, code, name, organisation, city, email, status, source"
# A Person without the e-mail address: what the screens for the public read (the self-service
# kiosk; a sign-up), and all of a person their PostgreSQL login may read (kiosk.store.pg_roles).
PUBLIC_PERSON_COLUMNS = "id, code, name, organisation, city, status, source"
# The one way an attendee row is written and rewritten (imports, upserts, walk-ins).
INSERT_ATTENDEE = """INSERT INTO attendees (code, name, organisation, city, email, status, source,
                                          search_text, created_at, updated_at)
                     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"""
UPDATE_ATTENDEE = """UPDATE attendees SET name = ?, organisation = ?, city = ?, email = ?, status = ?,
                         search_text = ?, updated_at = ? WHERE id = ?"""


def person_from_row(row: Row, columns: str = PERSON_COLUMNS) -> Person:
    """A Person from a row selected with PERSON_COLUMNS (or PUBLIC_PERSON_COLUMNS: email stays '')."""
    return Person(**dict(zip(columns.split(", "), row)))


def find_by_code(conn: Database, raw: str, *, email: bool = True) -> Person | None:
    """The attendee whose code this is (case-insensitive, spaces ignored), or None.

    `email=False` leaves the e-mail address unread (Person.email ''), as the public screens' paths
    do. On PostgreSQL those read through `kiosk_person_by_code` (schema v11): the public login may
    read no attendees row itself, only the one whose code it holds (kiosk.store.pg_roles).
    """
    columns = PERSON_COLUMNS if email else PUBLIC_PERSON_COLUMNS
    source = "kiosk_person_by_code(?)" if not email and is_postgres(conn) else "attendees WHERE code = ? COLLATE NOCASE"
    row = conn.execute(f"SELECT {columns} FROM {source}", (normalise_code(raw),)).fetchone()
    return person_from_row(row, columns) if row else None


def query_words(text: str) -> list[str]:
    """The words a search for `text` looks for: those of its first 8 chunks, each as `search_text` indexed it.

    Cut by kiosk.domain.text.words, as `search_text` cut the indexed names, and to
    SEARCH_WORD_CHARS: letters and digits only, nothing either database reads as query syntax.
    """
    return [word[:SEARCH_WORD_CHARS] for chunk in fold(text).split()[:8] for word in words(chunk)]


def fts_query(text: str) -> str:
    """An FTS5 query that matches every typed word of `text` as a prefix; '' when there are none.

    Each word goes in quoted, so SQLite's own tokenizer cuts it exactly as it cut that word in the
    index (a letter SQLite classes differently from Python, such as one newer than its tables,
    stays consistent on both sides).
    """
    return " ".join(f'"{word}"*' for word in query_words(text))


def find_by_code_at_end(conn: Database, text: str) -> Person | None:
    """The attendee whose code ends `text`: a badge scanned onto half-typed text ("vanETUBJA").

    Only endings of 4 to 16 characters holding a digit are tried (codes have digits; names and
    words rarely end in one), longest first.
    """
    compact = text.replace(" ", "")
    for length in range(min(len(compact), 16), 3, -1):
        tail = compact[-length:]
        if tail != compact and any(ch.isdigit() for ch in tail) and (person := find_by_code(conn, tail)):
            return person
    return None


def search(db: Database, text: str, limit: int = 20) -> list[SearchHit]:
    """Attendees whose name, organisation or city have words starting with each typed word."""
    if is_postgres(db):
        return _search_pg(db, text, limit)
    query = fts_query(text)
    if not query:
        return []
    typed = query_words(text)
    if len(typed) == 1 and len(typed[0]) >= SHORTEST:
        # One word: FTS5's bm25 order read from the prefix table's classes, not scored match by match.
        try:
            return _hits_in_order(db, ranked_ids(db, typed[0], limit))
        except sqlite3.OperationalError as error:  # a file not yet at schema v12 (opened without migrating)
            if "search_prefixes" not in str(error):
                raise
    # Ranking scores every match; a one- or two-letter prefix matches half the roster, so short
    # queries take the first matches in file order and stay fast at 100,000 attendees.
    order = "ORDER BY f.rank" if min(len(w) for w in typed) >= SHORTEST else ""
    rows = db.execute(
        f"""SELECT {', '.join('a.' + c for c in PERSON_COLUMNS.split(', '))}, p.inside, p.first_entry_at
            FROM attendees_fts f
            JOIN attendees a ON a.id = f.rowid
            LEFT JOIN presence p ON p.attendee_id = a.id AND p.list = 'venue'
            WHERE attendees_fts MATCH ?
            {order}
            LIMIT ?""",
        (query, limit),
    ).fetchall()
    return [SearchHit(person_from_row(r[:8]), bool(r[8]), r[9]) for r in rows]


def _hits_in_order(db: Database, ids: list[int]) -> list[SearchHit]:
    """The attendees with these ids, in this order, each with whether they are inside."""
    if not ids:
        return []
    rows = db.execute(
        f"""SELECT {', '.join('a.' + c for c in PERSON_COLUMNS.split(', '))}, p.inside, p.first_entry_at
            FROM attendees a LEFT JOIN presence p ON p.attendee_id = a.id AND p.list = 'venue'
            WHERE a.id IN ({', '.join('?' for _ in ids)})""",
        ids,
    ).fetchall()
    by_id = {row[0]: row for row in rows}
    return [SearchHit(person_from_row(r[:8]), bool(r[8]), r[9]) for r in (by_id[i] for i in ids if i in by_id)]


def ts_query(text: str) -> str:
    """PostgreSQL's form of `fts_query`: each of the `query_words` as a prefix (`'soren':* & 'odeg':*`)."""
    return " & ".join(f"'{token}':*" for token in query_words(text))


# How many of a ranked search's index matches are ranked (PostgreSQL). A three-letter prefix matches
# 2,000-3,000 of 100,000 people, and ranking re-parses each match's words (the index holds no
# text): 35-55 ms for them all, against 3-5 ms for these. The first RANKED_MATCHES the index gives
# (in table order) are ranked, so a broad prefix costs what a narrow one does. Results stay
# sensible: those shown are the best of several hundred, names starting with the first word
# first, and every letter the desk types on narrows the matches (a first name and three letters
# of the surname match a few dozen) until the whole set is ranked, as SQLite ranks it.
RANKED_MATCHES = 200


def _search_pg(db: Database, text: str, limit: int) -> list[SearchHit]:
    """`search` on PostgreSQL: the GIN index over `to_tsvector('simple', search_text)`.

    Words of three letters or more are ranked, as SQLite ranks them, among the first
    RANKED_MATCHES matches: the people whose name starts with the first word first (a person
    called Jan before a colleague at Jansen BV), then the best match (fewer other words in the
    row break ties, as FTS5's bm25 prefers short rows), then file order. A shorter prefix matches
    half the roster, so it takes the first matches the index gives and shows them in file order,
    as SQLite does. Not `ORDER BY a.id` in the statement: the planner then walks the whole table
    by id, parsing every row's text, for a prefix that matches nobody (2 s at 100,000).
    """
    typed = query_words(text)
    query = ts_query(text)
    if not query:
        return []
    columns = ", ".join("a." + c for c in PERSON_COLUMNS.split(", "))
    if min(len(w) for w in typed) < 3:
        rows = db.execute(
            f"""SELECT {columns}, p.inside, p.first_entry_at
                FROM attendees a CROSS JOIN to_tsquery('simple', ?) q
                LEFT JOIN presence p ON p.attendee_id = a.id AND p.list = 'venue'
                WHERE to_tsvector('simple', a.search_text) @@ q
                LIMIT ?""",
            (query, limit),
        ).fetchall()
        rows.sort(key=lambda row: row[0])
        return [SearchHit(person_from_row(r[:8]), bool(r[8]), r[9]) for r in rows]
    # The matches are taken, ranked and cut to `limit` first; presence is read for those shown only.
    rows = db.execute(
        f"""SELECT {columns.replace("a.", "r.")}, p.inside, p.first_entry_at
            FROM (SELECT m.*, starts_with(m.search_text, ?2) AS first,
                         ts_rank(to_tsvector('simple', m.search_text), to_tsquery('simple', ?1), 1) AS rank
                  FROM (SELECT {columns}, a.search_text FROM attendees a
                        WHERE to_tsvector('simple', a.search_text) @@ to_tsquery('simple', ?1)
                        LIMIT {RANKED_MATCHES}) AS m
                  ORDER BY first DESC, rank DESC, m.id
                  LIMIT ?3) AS r
            LEFT JOIN presence p ON p.attendee_id = r.id AND p.list = 'venue'
            ORDER BY r.first DESC, r.rank DESC, r.id""",
        (query, typed[0], limit),
    ).fetchall()
    return [SearchHit(person_from_row(r[:8]), bool(r[8]), r[9]) for r in rows]


def unique_code(conn: Database, rng: random.Random | None = None) -> str:
    """A generated code that no attendee has yet."""
    while True:
        code = new_code(rng)
        if not conn.execute("SELECT 1 FROM attendees WHERE code = ? COLLATE NOCASE", (code,)).fetchone():
            return code


@dataclass
class UpsertCounts:
    """What an import changed."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0


def upsert_attendees(
    db: Database,
    rows: Iterable[RosterRow],
    now: str,
    source: str = "import",
    rng: random.Random | None = None,
    on_progress: Callable[[int], object] | None = None,
) -> UpsertCounts:
    """Add or update attendees in one transaction, all rows or none: `import_roster` on any iterable.

    A row with a code updates the attendee with that code; a row without one matches an existing
    attendee by e-mail (else by name and organisation), so importing the same rows twice changes
    nothing; otherwise it gets a generated code.
    """
    return import_roster(db, list(rows), now, source=source, rng=rng, on_progress=on_progress)


def count_expected(db: Database) -> int:
    """How many registered (not cancelled) attendees there are."""
    # Kept by triggers (schema v3), so this costs one index look-up at any roster size.
    return tally(db, "expected")


def list_attendees(db: Database) -> list[Person]:
    """Every attendee, by name."""
    rows = db.execute(f"SELECT {PERSON_COLUMNS} FROM attendees ORDER BY name COLLATE NOCASE, id").fetchall()
    return [person_from_row(r) for r in rows]


class RosterConflict(Exception):
    """Rows of one import that cannot be matched to attendees unambiguously; nothing was written.

    `problems` holds (row index, message, other row index or None), so the caller can name the
    file's line numbers instead of the row numbers the message uses.
    """

    def __init__(self, problems: list[tuple[int, str, int | None]]) -> None:
        super().__init__("; ".join(message for _, message, _ in problems))
        self.problems = problems


class _DryRun(Exception):
    """Raised inside the transaction to roll a trial import back."""


def import_roster(
    db: Database,
    rows: list[RosterRow],
    now: str,
    source: str = "import",
    rng: random.Random | None = None,
    on_progress: Callable[[int], object] | None = None,
    dry_run: bool = False,
) -> UpsertCounts:
    """Add or update a whole roster in one transaction, fast enough for 100,000 rows: all or none.

    The existing attendees are read once into memory and the writes go in batches, instead of a
    look-up per row. Matching: a row with a code is the attendee with that code; without one, the
    attendee with its e-mail (when only this row carries that e-mail and only one attendee has it),
    else the one with its name and organisation. Two rows that land on one attendee (or bring one
    new code), or a row that fits several, raise RosterConflict and nothing is written.
    `dry_run` computes the counts and rolls back. `on_progress(n)` is called as rows are done.
    """
    counts = UpsertCounts()
    try:
        with immediate(db, bulk=True) as conn:
            existing = conn.execute("SELECT id, code, name, organisation, city, email, status FROM attendees").fetchall()
            by_code = {row[1].upper(): row for row in existing}
            by_email: dict[str, list[Row]] = {}
            by_name: dict[tuple[str, str], list[Row]] = {}
            for row in existing:
                if row[5]:
                    by_email.setdefault(row[5].casefold(), []).append(row)
                by_name.setdefault((row[2], row[3]), []).append(row)
            in_file: dict[str, int] = {}
            for row in rows:
                if not row.code and row.email:
                    in_file[row.email.casefold()] = in_file.get(row.email.casefold(), 0) + 1
            # File codes count as taken from the start: a code generated for an early row must not
            # be the code a later row brings.
            codes = set(by_code) | {normalise_code(row.code) for row in rows if row.code}
            claimed: dict[int, int] = {}
            new_codes: dict[str, int] = {}
            conflicts: list[tuple[int, str, int | None]] = []
            inserts: list[tuple[object, ...]] = []
            updates: list[tuple[object, ...]] = []
            for index, row in enumerate(rows):
                match = _match_in_memory(row, by_code, by_email, by_name, in_file)
                if isinstance(match, str):  # "ambiguous"
                    conflicts.append(
                        (index, "matches several attendees already in the database; give each a code", None)
                    )
                    continue
                values = (row.name, row.organisation, row.city, row.email, row.status)
                text = search_text(row.name, row.organisation, row.city)
                if match is None and row.code and normalise_code(row.code) in new_codes:
                    # Two rows bring one new code: say so rather than fail on the unique index.
                    other = new_codes[normalise_code(row.code)]
                    conflicts.append((index, f"has the same code as row {other + 1}", other))
                    continue
                if match is None:
                    code = normalise_code(row.code) if row.code else _fresh_code(codes, rng)
                    if row.code:
                        new_codes[code] = index
                    codes.add(code.upper())
                    inserts.append((code, *values, source, text, now, now))
                    counts.added += 1
                    continue
                if match[0] in claimed:
                    conflicts.append((index, f"is the same attendee ({match[1]}) as row {claimed[match[0]] + 1}",
                                      claimed[match[0]]))
                    continue
                claimed[match[0]] = index
                if tuple(match[2:]) == values:
                    counts.unchanged += 1
                else:
                    updates.append((*values, text, now, match[0]))
                    counts.updated += 1
            if conflicts:
                raise RosterConflict(conflicts)
            with bulk_writes(conn, len(inserts) + len(updates)):
                _write_batches(conn, inserts, updates, on_progress, counts.unchanged)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return counts


def _match_in_memory(
    row: RosterRow,
    by_code: dict[str, Row],
    by_email: dict[str, list[Row]],
    by_name: dict[tuple[str, str], list[Row]],
    in_file: dict[str, int],
) -> Row | str | None:
    """The existing attendee row for a roster row, None for a new one, or "ambiguous"."""
    if row.code:
        return by_code.get(normalise_code(row.code))
    email = row.email.casefold()
    if email and in_file.get(email) == 1 and len(by_email.get(email, [])) == 1:
        return by_email[email][0]
    found = by_name.get((row.name, row.organisation), [])
    if len(found) > 1:
        return "ambiguous"
    return found[0] if found else None


def _fresh_code(taken: set[str], rng: random.Random | None) -> str:
    """A generated code not in `taken` (upper-case codes already used in the file or database)."""
    while True:
        code = new_code(rng)
        if code not in taken:
            return code


def _write_batches(
    conn: Database,
    inserts: list[tuple[object, ...]],
    updates: list[tuple[object, ...]],
    on_progress: Callable[[int], object] | None,
    unchanged: int,
) -> None:
    """Run the inserts and updates in batches, reporting progress after each batch."""
    batch = 2000
    if on_progress and unchanged:
        on_progress(unchanged)
    for start in range(0, len(inserts), batch):
        conn.executemany(INSERT_ATTENDEE, inserts[start:start + batch])
        if on_progress:
            on_progress(len(inserts[start:start + batch]))
    for start in range(0, len(updates), batch):
        conn.executemany(UPDATE_ATTENDEE, updates[start:start + batch])
        if on_progress:
            on_progress(len(updates[start:start + batch]))


def attendee_records(db: Database) -> list[dict[str, Any]]:
    """Every attendee for an export, by name: their fields plus when they first arrived, if at all."""
    rows = db.execute(
        """SELECT a.code, a.name, a.organisation, a.city, a.email, a.status, a.source,
                  p.first_entry_at, COALESCE(p.inside, 0)
           FROM attendees a LEFT JOIN presence p ON p.attendee_id = a.id AND p.list = 'venue'
           ORDER BY a.name COLLATE NOCASE, a.id"""
    ).fetchall()
    keys = ["code", "name", "organisation", "city", "email", "status", "source", "arrived_at", "inside"]
    return [dict(zip(keys, row)) | {"inside": bool(row[8])} for row in rows]


def count_attendees(conn: Database) -> int:
    """How many attendees the file holds, cancelled ones included."""
    return int(conn.execute("SELECT COUNT(*) FROM attendees").fetchone()[0])
