"""The schema of a desk's or door's local file (kiosk.store.offline_copy): the copy and the queue, and its versions.

The file's schema is its own (`LOCAL_VERSION` in PRAGMA user_version), not the server's: a file of
an older version is brought up to date when it is opened (`migrate_local`).
"""

from __future__ import annotations

import sqlite3

from kiosk.store.schema import search_text

# The local file's own schema (PRAGMA user_version): the copy and, beside it, the queue.
LOCAL_SCHEMA = """
CREATE TABLE copy_attendees (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    organisation TEXT NOT NULL,
    city TEXT NOT NULL,
    status TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE copy_presence (
    attendee_id INTEGER NOT NULL,
    list TEXT NOT NULL,
    inside INTEGER NOT NULL,
    entries INTEGER NOT NULL,
    first_entry_at TEXT,
    first_entry_device TEXT,
    PRIMARY KEY (attendee_id, list)
) WITHOUT ROWID;
CREATE TABLE copy_state (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE queue (
    id INTEGER PRIMARY KEY,
    nonce TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('scan', 'walk_in')),
    at TEXT NOT NULL,
    device TEXT NOT NULL,
    list TEXT NOT NULL,
    direction TEXT NOT NULL,
    raw_code TEXT NOT NULL,
    attendee_id INTEGER,
    reason TEXT NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    organisation TEXT NOT NULL DEFAULT '',
    city TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    uploaded_at TEXT,
    uploaded_reason TEXT,
    scan_id INTEGER
);
CREATE INDEX queue_waiting ON queue (id) WHERE uploaded_at IS NULL;
CREATE INDEX queue_person ON queue (attendee_id, list, id);
"""
# v2: each attendee's folded words (kiosk.store.schema.search_text), for a name search offline.
# And when each went into a list last (presence.last_change_at while inside): a door's "already
# inside since 11:32" offline.
LOCAL_V2 = ("ALTER TABLE copy_attendees ADD COLUMN words TEXT NOT NULL DEFAULT ''",
            "ALTER TABLE copy_presence ADD COLUMN since TEXT")
# v3: a door's session's sign-ups (cancelled ones kept, as the server keeps them: a change is a row
# read again by its id). Known for a session once `signup:<session>` is in copy_state.
LOCAL_V3 = ("CREATE TABLE copy_signups (id INTEGER PRIMARY KEY, attendee_id INTEGER NOT NULL, "
            "session_id TEXT NOT NULL, status TEXT NOT NULL, updated_at TEXT NOT NULL)",
            "CREATE INDEX copy_signups_person ON copy_signups (session_id, attendee_id)")
LOCAL_VERSION = 3


def migrate_local(conn: sqlite3.Connection) -> None:
    """Bring the local file's schema to LOCAL_VERSION (inside its transaction)."""
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if version < 1:
        for statement in LOCAL_SCHEMA.split(";"):
            if statement.strip():
                conn.execute(statement)
    if version < 2:
        for statement in LOCAL_V2:
            conn.execute(statement)
        rows = conn.execute("SELECT id, name, organisation, city FROM copy_attendees").fetchall()
        conn.executemany("UPDATE copy_attendees SET words = ? WHERE id = ?",
                         [(search_text(name, org, city), id_) for id_, name, org, city in rows])
    if version < 3:
        for statement in LOCAL_V3:
            conn.execute(statement)
    if version < LOCAL_VERSION:
        conn.execute(f"PRAGMA user_version = {LOCAL_VERSION}")
