"""Running counts kept by SQL triggers in the `tallies` table, and their recount.

A check-in answers "arrival 123 of 400" and the dashboard shows rooms, arrivals per 5 minutes
and per city without counting 100,000 rows: each write adjusts the counts it changes. Triggers
(not Python) keep them, so they stay right when an organiser edits the file with sqlite-utils
or Datasette too; `recount_tallies` recomputes them from the tables (migrations, checks).

Keys: `expected`, `arrived:LIST`, `inside:LIST`, `confirmed:SESSION`, `waitlisted:SESSION`,
`arrived5:venue:MMMM` (first arrivals in the 5 minutes from minute-of-day MMMM),
`arrived_city:CITY`, `arrived_org:ORGANISATION`, `expected_city:CITY`, `expected_org:ORGANISATION`.
"""

from __future__ import annotations

from typing import Any

from kiosk.store.db import Database, is_postgres

# v3: expected, and per list arrived and inside.
V3 = """
CREATE TABLE tallies (
    key TEXT PRIMARY KEY,
    value INTEGER NOT NULL DEFAULT 0
);
CREATE TRIGGER tallies_attendee_insert AFTER INSERT ON attendees WHEN new.status = 'registered' BEGIN
    INSERT INTO tallies (key, value) VALUES ('expected', 1)
        ON CONFLICT (key) DO UPDATE SET value = value + 1;
END;
CREATE TRIGGER tallies_attendee_delete AFTER DELETE ON attendees WHEN old.status = 'registered' BEGIN
    UPDATE tallies SET value = value - 1 WHERE key = 'expected';
END;
CREATE TRIGGER tallies_attendee_status AFTER UPDATE OF status ON attendees WHEN old.status != new.status BEGIN
    INSERT INTO tallies (key, value) VALUES ('expected', (new.status = 'registered') - (old.status = 'registered'))
        ON CONFLICT (key) DO UPDATE SET value = value + excluded.value;
END;
CREATE TRIGGER tallies_presence_insert AFTER INSERT ON presence BEGIN
    INSERT INTO tallies (key, value) VALUES ('arrived:' || new.list, new.first_entry_at IS NOT NULL)
        ON CONFLICT (key) DO UPDATE SET value = value + excluded.value;
    INSERT INTO tallies (key, value) VALUES ('inside:' || new.list, new.inside)
        ON CONFLICT (key) DO UPDATE SET value = value + excluded.value;
END;
CREATE TRIGGER tallies_presence_update AFTER UPDATE ON presence BEGIN
    UPDATE tallies SET value = value - (old.first_entry_at IS NOT NULL) WHERE key = 'arrived:' || old.list;
    UPDATE tallies SET value = value - old.inside WHERE key = 'inside:' || old.list;
    INSERT INTO tallies (key, value) VALUES ('arrived:' || new.list, new.first_entry_at IS NOT NULL)
        ON CONFLICT (key) DO UPDATE SET value = value + excluded.value;
    INSERT INTO tallies (key, value) VALUES ('inside:' || new.list, new.inside)
        ON CONFLICT (key) DO UPDATE SET value = value + excluded.value;
END;
CREATE TRIGGER tallies_presence_delete AFTER DELETE ON presence BEGIN
    UPDATE tallies SET value = value - (old.first_entry_at IS NOT NULL) WHERE key = 'arrived:' || old.list;
    UPDATE tallies SET value = value - old.inside WHERE key = 'inside:' || old.list;
END;
"""


# Add `delta` to a key, creating it: the one statement every trigger below is made of.
def _has_arrived(row: str) -> str:
    """SQL: 1 when the trigger's `old` or `new` attendee has arrived at the venue, else 0."""
    return f"EXISTS (SELECT 1 FROM presence WHERE attendee_id = {row}.id AND list = 'venue' AND first_entry_at IS NOT NULL)"


def _bump(key: str, delta: str) -> str:
    return (f"INSERT INTO tallies (key, value) VALUES ({key}, {delta}) "
            "ON CONFLICT (key) DO UPDATE SET value = value + excluded.value;")


def _bucket(at: str) -> str:
    return (f"'arrived5:venue:' || printf('%04d', (CAST(substr({at}, 12, 2) AS INTEGER) * 60 "
            f"+ CAST(substr({at}, 15, 2) AS INTEGER)) / 5 * 5)")


def _city(row: str) -> str:
    return f"(SELECT city FROM attendees WHERE id = {row}.attendee_id)"


def _org(row: str) -> str:
    return f"(SELECT organisation FROM attendees WHERE id = {row}.attendee_id)"


# v5: the dashboard's figures: sign-ups per session, venue arrivals per 5 minutes, per city and
# per organisation (arrived and expected).
V5 = f"""
CREATE TRIGGER tallies_signup_insert AFTER INSERT ON signups WHEN new.status != 'cancelled' BEGIN
    {_bump("new.status || ':' || new.session_id", "1")}
END;
CREATE TRIGGER tallies_signup_update AFTER UPDATE OF status, session_id ON signups BEGIN
    {_bump("old.status || ':' || old.session_id", "-(old.status != 'cancelled')")}
    {_bump("new.status || ':' || new.session_id", "(new.status != 'cancelled')")}
END;
CREATE TRIGGER tallies_signup_delete AFTER DELETE ON signups WHEN old.status != 'cancelled' BEGIN
    {_bump("old.status || ':' || old.session_id", "-1")}
END;
CREATE TRIGGER tallies_arrival_insert AFTER INSERT ON presence
WHEN new.list = 'venue' AND new.first_entry_at IS NOT NULL BEGIN
    {_bump(_bucket("new.first_entry_at"), "1")}
    {_bump("'arrived_city:' || " + _city("new"), "1")}
    {_bump("'arrived_org:' || " + _org("new"), "1")}
END;
CREATE TRIGGER tallies_arrival_update AFTER UPDATE OF first_entry_at ON presence
WHEN new.list = 'venue' AND old.first_entry_at IS NOT new.first_entry_at BEGIN
    {_bump(_bucket("old.first_entry_at"), "-(old.first_entry_at IS NOT NULL)")}
    {_bump(_bucket("new.first_entry_at"), "(new.first_entry_at IS NOT NULL)")}
    {_bump("'arrived_city:' || " + _city("new"), "(new.first_entry_at IS NOT NULL) - (old.first_entry_at IS NOT NULL)")}
    {_bump("'arrived_org:' || " + _org("new"), "(new.first_entry_at IS NOT NULL) - (old.first_entry_at IS NOT NULL)")}
END;
CREATE TRIGGER tallies_arrival_delete AFTER DELETE ON presence
WHEN old.list = 'venue' AND old.first_entry_at IS NOT NULL BEGIN
    {_bump(_bucket("old.first_entry_at"), "-1")}
    {_bump("'arrived_city:' || " + _city("old"), "-1")}
    {_bump("'arrived_org:' || " + _org("old"), "-1")}
END;
CREATE TRIGGER tallies_group_insert AFTER INSERT ON attendees WHEN new.status = 'registered' BEGIN
    {_bump("'expected_city:' || new.city", "1")}
    {_bump("'expected_org:' || new.organisation", "1")}
END;
CREATE TRIGGER tallies_group_delete AFTER DELETE ON attendees WHEN old.status = 'registered' BEGIN
    {_bump("'expected_city:' || old.city", "-1")}
    {_bump("'expected_org:' || old.organisation", "-1")}
END;
CREATE TRIGGER tallies_group_update AFTER UPDATE OF status, city, organisation ON attendees BEGIN
    {_bump("'expected_city:' || old.city", "-(old.status = 'registered')")}
    {_bump("'expected_org:' || old.organisation", "-(old.status = 'registered')")}
    {_bump("'expected_city:' || new.city", "(new.status = 'registered')")}
    {_bump("'expected_org:' || new.organisation", "(new.status = 'registered')")}
    {_bump("'arrived_city:' || old.city", "-" + _has_arrived("old"))}
    {_bump("'arrived_org:' || old.organisation", "-" + _has_arrived("old"))}
    {_bump("'arrived_city:' || new.city", _has_arrived("new"))}
    {_bump("'arrived_org:' || new.organisation", _has_arrived("new"))}
END;
"""


def recount_tallies(conn: Any) -> None:
    """Recompute every tally from the tables (used by the migrations and by consistency checks)."""
    postgres = is_postgres(conn)
    conn.execute("DELETE FROM tallies")
    arrived = "FROM presence p JOIN attendees a ON a.id = p.attendee_id WHERE p.list = 'venue' AND p.first_entry_at IS NOT NULL"
    conn.execute(
        """INSERT INTO tallies (key, value)
            SELECT 'expected', COUNT(*) FROM attendees WHERE status = 'registered'
            UNION ALL SELECT 'arrived:' || list, COUNT(first_entry_at) FROM presence GROUP BY list
            UNION ALL SELECT 'inside:' || list, SUM(inside) FROM presence GROUP BY list"""
    )
    # A SQLite file being migrated from v3 to v4 has no v5 triggers yet; PostgreSQL has them all.
    if not postgres and not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'tallies_signup_insert'").fetchone():
        return
    bucket = "kiosk_bucket(p.first_entry_at)" if postgres else _bucket("p.first_entry_at")
    conn.execute(
        f"""INSERT INTO tallies (key, value)
            SELECT status || ':' || session_id, COUNT(*) FROM signups WHERE status != 'cancelled'
                GROUP BY session_id, status
            UNION ALL SELECT {bucket}, COUNT(*) {arrived} GROUP BY 1
            UNION ALL SELECT 'arrived_city:' || a.city, COUNT(*) {arrived} GROUP BY a.city
            UNION ALL SELECT 'arrived_org:' || a.organisation, COUNT(*) {arrived} GROUP BY a.organisation
            UNION ALL SELECT 'expected_city:' || city, COUNT(*) FROM attendees WHERE status = 'registered' GROUP BY city
            UNION ALL SELECT 'expected_org:' || organisation, COUNT(*) FROM attendees WHERE status = 'registered'
                GROUP BY organisation"""
    )


def tally(conn: Database, key: str) -> int:
    """One running count (0 when no write has made it yet)."""
    row = conn.execute("SELECT value FROM tallies WHERE key = ?", (key,)).fetchone()
    return row[0] if row else 0


def tally_prefix(conn: Database, prefix: str) -> dict[str, int]:
    """Every tally whose key starts with `prefix`, keyed by the rest of the key (zeros left out)."""
    rows = conn.execute(
        "SELECT key, value FROM tallies WHERE key >= ? AND key < ? AND value != 0", (prefix, prefix + "\U0010ffff")
    ).fetchall()
    return {key[len(prefix):]: value for key, value in rows}
