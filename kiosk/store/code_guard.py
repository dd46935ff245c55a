"""Badge codes cannot be harvested through the public login: unknown codes it looks up are limited per minute.

The self-service kiosk and the public dashboard log in to PostgreSQL as `kiosk_public`, whose
password sits on a public machine; that login reads a person only through
`kiosk_person_by_code(code)` (kiosk.store.pg_roles). A script holding the password could call it
thousands of times a second and collect names by guessing codes, so since schema v13 the function
counts, per minute of the server's clock and over every session of such a login together, the
codes it was given that nobody has (`code_misses`). From the MISSES_PER_MINUTE-th miss of a minute
on, it answers nothing for any code, a known one too (else a script would simply carry on at the
limit), until the minute is over; the kiosk then says "Even geduld ..." (`lookups_paused`), and the
organiser's dashboard says codes are being guessed (`guessing_now`). Logins that may read
`attendees` themselves (kiosk_desk, the owner) gain nothing by guessing and are never limited.

A SQLite file has no logins and no public one: its kiosk reads the tables, nothing is limited,
and its `code_misses` (made by the same migration, so that both stores keep one schema and `kiosk
db copy` carries a server's record into the day's file) stays empty.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kiosk.store.db import Database, is_postgres

# Why 30: a busy event never comes near it, a script gets a handful of people a day at most.
#  - People: 20 self-service kiosks x 4 badges a minute each (one person every 15 s, quicker than
#    anyone chooses five rounds) x 1 in 5 codes mistyped = 16 misses a minute, half the limit, at
#    a peak no real foyer reaches (a scanned badge does not miss; a typed code rarely does).
#  - A script: 30 guesses a minute x 1,440 minutes = 43,200 guesses a day. Codes are 6 of a
#    31-letter alphabet (kiosk.domain.codes): 31^6 = 887,503,681. At 100,000 attendees one guess
#    in 8,875 hits: 4.9 people a day, all day long, and the dashboard says so from the first
#    minute. At the G40 day's few hundred, one guess in millions: none.
MISSES_PER_MINUTE = 30
# A sign-up's refusal while the look-ups are paused (the person on screen is found again a minute later).
PAUSED = "lookups_paused"
# The dashboard's alert shows while this minute or the one before reached the limit (a script
# paused at the limit would otherwise blink in and out at each minute's turn).
ALERT_MINUTES = 2

# The minute of the server's clock a look-up counts in, as 'YYYY-MM-DDTHH:MMZ' (UTC): text, so
# that the table reads alike on both stores and sorts in time order.
PG_MINUTE = """to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI"Z"')"""

T = 'TEXT COLLATE "C"'

TABLE_SQL = """
CREATE TABLE code_misses (
    minute {t} NOT NULL,
    client {t} NOT NULL,
    misses INTEGER NOT NULL,
    PRIMARY KEY (minute, client)
);
"""
# v13 on a SQLite file: the table only, always empty (no public login; see above).
V13_SQLITE = TABLE_SQL.format(t="TEXT")

# v13 on PostgreSQL: the table, the limit inside the function, and the kiosk's question "paused?".
# CREATE OR REPLACE keeps the grants of v11 (EXECUTE to the two logins) but not SECURITY DEFINER
# or search_path: both said again.
V13_PG = TABLE_SQL.format(t=T) + f"""
DO $migration$
BEGIN
EXECUTE $function$
CREATE OR REPLACE FUNCTION kiosk_person_by_code(wanted text)
RETURNS TABLE (id integer, code text, name text, organisation text, city text, status text, source text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER AS $$
DECLARE
    this_minute text := {PG_MINUTE};
    this_client text := COALESCE(host(inet_client_addr()), 'local');
BEGIN
    -- A login that reads attendees itself (the desk, the owner) learns nothing by guessing: never limited.
    IF has_table_privilege(session_user, 'attendees', 'SELECT') THEN
        RETURN QUERY SELECT a.id, a.code, a.name, a.organisation, a.city, a.status, a.source
            FROM attendees a WHERE upper(a.code) = upper(wanted);
        RETURN;
    END IF;
    IF (SELECT COALESCE(sum(m.misses), 0) FROM code_misses m WHERE m.minute = this_minute) >= {MISSES_PER_MINUTE} THEN
        -- Over the limit: nothing for any code, a known one too, until the minute is over. Not
        -- counted: a read only, so a script's thousands of calls a second cost the server no writes.
        RETURN;
    END IF;
    RETURN QUERY SELECT a.id, a.code, a.name, a.organisation, a.city, a.status, a.source
        FROM attendees a WHERE upper(a.code) = upper(wanted);
    IF NOT FOUND THEN
        INSERT INTO code_misses AS m (minute, client, misses) VALUES (this_minute, this_client, 1)
            ON CONFLICT (minute, client) DO UPDATE SET misses = m.misses + 1;
    END IF;
END $$
$function$;
EXECUTE $function$
CREATE OR REPLACE FUNCTION kiosk_code_lookups_paused() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER AS $$
    SELECT COALESCE(sum(misses), 0) >= {MISSES_PER_MINUTE} FROM code_misses WHERE minute = {PG_MINUTE}
$$
$function$;
EXECUTE format('ALTER FUNCTION kiosk_person_by_code(text) SET search_path = %I, pg_temp', current_schema());
EXECUTE format('ALTER FUNCTION kiosk_code_lookups_paused() SET search_path = %I, pg_temp', current_schema());
REVOKE EXECUTE ON FUNCTION kiosk_code_lookups_paused() FROM PUBLIC;
-- Logins made by an earlier `kiosk db roles` may ask at once (`kiosk db roles` grants it from now on).
IF (SELECT count(*) FROM pg_roles WHERE rolname IN ('kiosk_desk', 'kiosk_public')) = 2 THEN
    GRANT EXECUTE ON FUNCTION kiosk_code_lookups_paused() TO kiosk_desk, kiosk_public;
END IF;
END $migration$;
"""


def lookups_paused(db: Database) -> bool:
    """True while the public login's badge look-ups answer nothing (too many unknown codes this minute).

    Always False on a SQLite file (no public login, nothing limited) and on a server not yet at v13.
    """
    if not is_postgres(db):
        return False
    if not db.execute("SELECT to_regprocedure('kiosk_code_lookups_paused()') IS NOT NULL").fetchone()[0]:
        return False
    return bool(db.execute("SELECT kiosk_code_lookups_paused()").fetchone()[0])


@dataclass(frozen=True)
class Guessing:
    """Badge codes being guessed now: the unknown codes of the worst recent minute, and where most came from."""

    misses: int
    client: str


def guessing_now(db: Database) -> Guessing | None:
    """Whether this minute or the one before reached the limit (read by a login that reads `code_misses`).

    None on a SQLite file, where nothing is limited and the table stays empty.
    """
    if not is_postgres(db):
        return None
    rows = db.execute(
        f"""SELECT minute, client, misses FROM code_misses
            WHERE minute >= to_char((now() - interval '{ALERT_MINUTES - 1} minute') AT TIME ZONE 'UTC',
                                    'YYYY-MM-DD"T"HH24:MI"Z"')"""
    ).fetchall()
    per_minute: dict[str, int] = {}
    for minute, _, misses in rows:
        per_minute[minute] = per_minute.get(minute, 0) + misses
    worst = max(per_minute.values(), default=0)
    if worst < MISSES_PER_MINUTE:
        return None
    client = max(rows, key=lambda r: r[2])[1]
    return Guessing(worst, client)


@dataclass(frozen=True)
class GuessingMinutes:
    """After the day: the minutes in which the public login's look-ups reached the limit."""

    minutes: int  # minutes the limit was reached in
    misses: int  # unknown codes looked up, over the whole day (those while paused were not looked up)
    first: str  # the first and last such minute, 'HH:MM' in the event's time zone
    last: str
    clients: tuple[str, ...]  # the addresses the misses came from, most first


def guessing_minutes(db: Database, zone: dt.tzinfo | None = None) -> GuessingMinutes | None:
    """The day's record of guessed codes from `code_misses`, or None when the limit was never reached.

    `zone`: the event's time zone, which the minutes (stored in UTC) are said in; None: this machine's.
    """
    rows = db.execute("SELECT minute, client, misses FROM code_misses ORDER BY minute").fetchall()
    per_minute: dict[str, int] = {}
    per_client: dict[str, int] = {}
    for minute, client, misses in rows:
        per_minute[minute] = per_minute.get(minute, 0) + misses
        per_client[client] = per_client.get(client, 0) + misses
    over = [minute for minute, misses in per_minute.items() if misses >= MISSES_PER_MINUTE]
    if not over:
        return None
    return GuessingMinutes(
        len(over), sum(per_minute.values()), _local(over[0], zone), _local(over[-1], zone),
        tuple(sorted(per_client, key=lambda c: -per_client[c])),
    )


def _local(minute: str, zone: dt.tzinfo | None) -> str:
    """A stored minute ('2026-03-12T09:41Z') as HH:MM in `zone`."""
    return dt.datetime.fromisoformat(minute).astimezone(zone).strftime("%H:%M")
