"""The schema as numbered migrations; `PRAGMA user_version` says which have run.

The tables are a public interface (organisers open the file with sqlite-utils or Datasette):
README.md documents each column. Add a migration at the end; never edit one that has shipped.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

from kiosk.domain.text import words
from kiosk.store.code_guard import V13_SQLITE
from kiosk.store.db import Database, immediate, is_postgres
from kiosk.store.search_prefixes import V12_SQL, rebuild_prefixes
from kiosk.store.tallies import V3, V5, recount_tallies

V1 = """
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT
);
CREATE TABLE attendees (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    organisation TEXT NOT NULL DEFAULT '',
    city TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'registered' CHECK (status IN ('registered', 'cancelled')),
    source TEXT NOT NULL DEFAULT 'import',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX attendees_code ON attendees (code COLLATE NOCASE);
CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    kind TEXT NOT NULL,
    round TEXT,
    starts_at TEXT NOT NULL,
    ends_at TEXT,
    room TEXT,
    capacity INTEGER,
    signup INTEGER NOT NULL DEFAULT 0,
    closes_at TEXT,
    position INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE scans (
    id INTEGER PRIMARY KEY,
    nonce TEXT NOT NULL UNIQUE,
    at TEXT NOT NULL,
    device TEXT NOT NULL,
    list TEXT NOT NULL DEFAULT 'venue',
    direction TEXT NOT NULL CHECK (direction IN ('entry', 'exit')),
    raw_code TEXT NOT NULL DEFAULT '',
    attendee_id INTEGER REFERENCES attendees (id),
    accepted INTEGER NOT NULL CHECK (accepted IN (0, 1)),
    reason TEXT NOT NULL,
    annuls INTEGER REFERENCES scans (id)
);
CREATE INDEX scans_attendee ON scans (attendee_id, list);
CREATE INDEX scans_at ON scans (at);
CREATE INDEX scans_device ON scans (device, id);
CREATE TABLE signups (
    id INTEGER PRIMARY KEY,
    attendee_id INTEGER NOT NULL REFERENCES attendees (id),
    session_id TEXT NOT NULL,
    round TEXT,
    status TEXT NOT NULL CHECK (status IN ('confirmed', 'waitlisted', 'cancelled')),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    device TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX signups_active ON signups (attendee_id, session_id) WHERE status != 'cancelled';
CREATE INDEX signups_session ON signups (session_id, status, id);
CREATE INDEX signups_attendee ON signups (attendee_id, status);
"""

# v2: derived state kept beside the log (who is inside where) and folded-name search.
V2 = """
ALTER TABLE attendees ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
CREATE TABLE presence (
    attendee_id INTEGER NOT NULL REFERENCES attendees (id),
    list TEXT NOT NULL,
    inside INTEGER NOT NULL,
    entries INTEGER NOT NULL,
    first_entry_at TEXT,
    first_entry_device TEXT,
    last_scan_id INTEGER NOT NULL,
    last_change_at TEXT NOT NULL,
    PRIMARY KEY (attendee_id, list)
) WITHOUT ROWID;
CREATE INDEX presence_list ON presence (list, inside);
CREATE INDEX scans_annuls ON scans (annuls) WHERE annuls IS NOT NULL;
CREATE INDEX presence_arrivals ON presence (list, first_entry_at);
CREATE VIRTUAL TABLE attendees_fts USING fts5 (
    search_text, content='attendees', content_rowid='id',
    tokenize='unicode61 remove_diacritics 2', prefix='1 2 3'
);
CREATE TRIGGER attendees_fts_insert AFTER INSERT ON attendees BEGIN
    INSERT INTO attendees_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;
CREATE TRIGGER attendees_fts_delete AFTER DELETE ON attendees BEGIN
    INSERT INTO attendees_fts (attendees_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
END;
CREATE TRIGGER attendees_fts_update AFTER UPDATE OF search_text ON attendees BEGIN
    INSERT INTO attendees_fts (attendees_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
    INSERT INTO attendees_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;
"""


# A word of a name is indexed by its first 100 characters (PostgreSQL leaves a word of over 2047
# bytes out of its index altogether); a longer word typed in full is still found by that prefix.
SEARCH_WORD_CHARS = 100


def search_text(name: str, organisation: str, city: str) -> str:
    """The folded words that name search matches against, one space between them ("van 't Hof" -> "van t hof").

    Words, not the folded text with its punctuation: SQLite's FTS5 cuts both alike, but
    PostgreSQL's text-search parser reads "app.quit" as one host name and "noord-holland" as
    three words, so the store cuts the words once (kiosk.domain.text.words) for both.
    """
    return " ".join(word[:SEARCH_WORD_CHARS] for word in words(f"{name} {organisation} {city}"))


def _v2_fill(conn: Database) -> None:
    """Fill the new derived columns and tables from what a v1 file already holds."""
    from kiosk.store.presence import rebuild_presence

    # The new index must first hold the rows already there: the update trigger deletes each row's
    # old entry, and deleting an entry an external-content FTS5 index never had corrupts it
    # ("database disk image is malformed"; found by tests/test_store.py's v1 migration test).
    conn.execute("INSERT INTO attendees_fts (attendees_fts) VALUES ('rebuild')")
    rows = conn.execute("SELECT id, name, organisation, city FROM attendees").fetchall()
    conn.executemany(
        "UPDATE attendees SET search_text = ? WHERE id = ?",
        [(search_text(name, org, city), id_) for id_, name, org, city in rows],
    )
    rebuild_presence(conn)


# v4: the day of each session, for events of several days; NULL means the event's own date
# (`meta.event_date`). Sessions on different days never clash, and choosing closes on the session's day.
V4_DAY = """
ALTER TABLE sessions ADD COLUMN day TEXT;
"""


# v6: a seat that came from the waitlist, and whether the person has been told. Before v6 the
# promotion was read from `device = 'waitlist'`, which made the self-service kiosk repeat "a seat
# came free" at every scan; seats promoted before v6 count as told (the news was shown already).
V6_PROMOTION = """
ALTER TABLE signups ADD COLUMN promoted_at TEXT;
ALTER TABLE signups ADD COLUMN told_at TEXT;
UPDATE signups SET promoted_at = updated_at, told_at = updated_at WHERE status = 'confirmed' AND device = 'waitlist';
"""


# v7: the desk's corrections of a walk-in's name, organisation or city (kiosk/store/corrections.py).
# Append-only: rows are never deleted, and an update may only blank the two values (a privacy
# purge or a person's request to be forgotten), never rewrite what was logged.
V7_CORRECTIONS = """
CREATE TABLE corrections (
    id INTEGER PRIMARY KEY,
    attendee_id INTEGER NOT NULL REFERENCES attendees (id),
    at TEXT NOT NULL,
    device TEXT NOT NULL,
    field TEXT NOT NULL CHECK (field IN ('name', 'organisation', 'city')),
    old_value TEXT NOT NULL,
    new_value TEXT NOT NULL
);
CREATE INDEX corrections_attendee ON corrections (attendee_id, id);
CREATE TRIGGER corrections_no_delete BEFORE DELETE ON corrections BEGIN
    SELECT RAISE(ABORT, 'corrections is an append-only log');
END;
CREATE TRIGGER corrections_only_blanked BEFORE UPDATE ON corrections
WHEN NOT (new.old_value = '' AND new.new_value = '' AND new.id = old.id AND new.attendee_id = old.attendee_id
          AND new.at = old.at AND new.device = old.device AND new.field = old.field) BEGIN
    SELECT RAISE(ABORT, 'corrections is an append-only log: its values can only be blanked');
END;
"""


# v8: the print log of badges printed on the spot (kiosk/store/badge_prints.py). A row is written when a
# print is asked for (pending) and finished once CUPS said how it went; it holds no names.
V8_BADGE_PRINTS = """
CREATE TABLE badge_prints (
    id INTEGER PRIMARY KEY,
    attendee_id INTEGER NOT NULL REFERENCES attendees (id),
    at TEXT NOT NULL,
    device TEXT NOT NULL,
    origin TEXT NOT NULL CHECK (origin IN ('desk', 'selfservice', 'selfservice_staff', 'cli')),
    reprint INTEGER NOT NULL CHECK (reprint IN (0, 1)),
    printer TEXT NOT NULL,
    size TEXT NOT NULL,
    job TEXT NOT NULL DEFAULT '',
    result TEXT NOT NULL DEFAULT 'pending' CHECK (result IN ('pending', 'printed', 'failed')),
    fault TEXT NOT NULL DEFAULT '',
    finished_at TEXT
);
CREATE INDEX badge_prints_attendee ON badge_prints (attendee_id, id);
"""


# v9: devices at a venue of several machines (kiosk/store/devices.py): each desk's or door's last
# heartbeat and how many scans it still holds offline, for the dashboard. And an index for the
# local copies (kiosk/store/offline_copy.py), which read the attendees changed since their last look.
V9_DEVICES = """
CREATE TABLE devices (
    device TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    seen_at TEXT NOT NULL,
    waiting INTEGER NOT NULL DEFAULT 0,
    offline_since TEXT
);
CREATE INDEX attendees_updated ON attendees (updated_at, id);
"""


# v10: nothing in a SQLite file. On PostgreSQL (kiosk/store/pg_schema.py, the same number) v10
# rewrites the trigger that keeps presence's counts, one statement per row instead of one per
# count; SQLite's triggers are plain statements already. The number is taken here too, so that
# the two stores' versions stay one list.
V10_NOTHING_HERE = ""


# v11: nothing in a SQLite file either. On PostgreSQL v11 adds the functions through which the
# public login reads one person by their code and the next slot's load (kiosk.store.pg_roles);
# a SQLite file has no logins: its screens read the tables.
V11_NOTHING_HERE = ""


# v12: the ranked name search's prefix table (kiosk/store/search_prefixes.py), kept by triggers
# beside attendees_fts. Nothing on PostgreSQL (its number is taken there too): its search ranks
# the GIN index's first matches (kiosk.store.attendees).
V12_SEARCH_PREFIXES = V12_SQL


# v13: the table in which a PostgreSQL server counts the public login's unknown badge codes a
# minute (kiosk/store/code_guard.py). A SQLite file has no public login, so nothing is limited
# and nothing writes it here: the table is made so that both stores keep one schema, and
# `kiosk db copy` carries a server's record of guessed codes into the day's file.
V13_CODE_MISSES = V13_SQLITE


def _v12_fill(conn: Database) -> None:
    """Bring every row's `search_text` to the words format, then fill the prefix table from it.

    Rows written before that format hold the folded text with its punctuation ("noord-holland"):
    FTS5 cuts it into words itself, the prefix table cuts at spaces only.
    """
    rows = conn.execute("SELECT id, name, organisation, city, search_text FROM attendees WHERE search_text != ''")
    conn.executemany(
        "UPDATE attendees SET search_text = ? WHERE id = ?",
        [(text, id_) for id_, name, org, city, old in rows.fetchall() if (text := search_text(name, org, city)) != old],
    )
    rebuild_prefixes(conn)


MIGRATIONS: list[tuple[str, Callable[[Database], object] | None]] = [
    (V1, None), (V2, _v2_fill), (V3, recount_tallies), (V4_DAY, None), (V5, recount_tallies), (V6_PROMOTION, None),
    (V7_CORRECTIONS, None), (V8_BADGE_PRINTS, None), (V9_DEVICES, None), (V10_NOTHING_HERE, None),
    (V11_NOTHING_HERE, None), (V12_SEARCH_PREFIXES, _v12_fill), (V13_CODE_MISSES, None),
]
SCHEMA_VERSION = len(MIGRATIONS)


def migrate(db: Any, target: int = SCHEMA_VERSION) -> int:
    """Run the migrations that this database has not had yet, each in its own transaction."""
    if is_postgres(db):
        from kiosk.store.pg_schema import migrate_pg

        return migrate_pg(db, target)
    # Without the write lock first: an up-to-date file (every start but the first) needs none.
    version = int(db.execute("PRAGMA user_version").fetchone()[0])
    if version >= target:
        return version
    while True:
        with immediate(db) as conn:
            # Read the version inside the lock, so two processes never run one migration twice.
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            if version >= target:
                return version
            script, fill = MIGRATIONS[version]
            for statement in _statements(script):
                conn.execute(statement)
            if fill:
                fill(conn)
            conn.execute(f"PRAGMA user_version = {version + 1}")


def _statements(script: str) -> list[str]:
    """Split a migration script into statements (executescript would COMMIT our transaction)."""
    statements, current = [], ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    return [s for s in statements if s]
