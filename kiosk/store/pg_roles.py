"""The logins of a venue's PostgreSQL: `kiosk_desk` for staff screens, `kiosk_public` for the public's.

`kiosk db roles` runs `grant_roles` as the database's owner (the login that created the tables).
It creates two login roles when they are missing and gives them, in this database:

- `kiosk_desk` (desks, doors, the organiser's dashboard and commands): read and write every table;
  also tables a later migration adds (default privileges), though not their creation: migrations
  run as the owner.
- `kiosk_public` (the self-service kiosk, `--role dashboard --public`): what those screens read
  and write, and nothing else. It reads no row of `attendees` or `presence`: a person only through
  `kiosk_person_by_code(code)` (schema v11), which returns the one attendee whose badge code it is
  given (id, code, name, organisation, city, status, source; no e-mail address), and the next
  slot's load only as counts (`kiosk_expected_load(session ids)`). Both run as their owner
  (SECURITY DEFINER), so someone at a public machine's shell with its password in ~/.pgpass sees
  a person only by holding their badge's code, and cannot list names, codes or who is inside.
  Nor guess codes by the thousand: since v13 the function answers nothing for any code in a
  minute in which this login's sessions together tried MISSES_PER_MINUTE unknown ones
  (kiosk.store.code_guard; `kiosk_code_lookups_paused()` tells the kiosk so). Its `code_misses`
  table is the owner's: no grant to this login, which the function writes as its owner.
  No scan log but its `id` and `list` (the public dashboard notices new scans by them), no
  corrections; writes to `signups` (a choice, giving a place up, a seat passed on from the
  waitlist, news told) and `badge_prints` (a kiosk's "print my badge"), nothing else. So every
  export is refused (permission denied), and so is a desk started with it.

  `signups` and `badge_prints` stay readable row by row: they name nobody (an attendee's id, a
  session, a status, times), and a choice's rules (capacity, clashes, the waitlist's order and the
  seat passed on to its first, in kiosk.domain and kiosk.store.signups) read other people's rows
  in the write's transaction. With no way from an id to a person, those rows are pseudonymous.

The running counts in `tallies` are written by triggers; they run as the table's owner here
(SECURITY DEFINER), so the public login may read counts but not write them, not even by calling
`kiosk_bump` itself. Run again after an upgrade that added a migration: it is idempotent, and a
table the public screens need after the upgrade is granted only by it.

The statements are plain SQL (`roles_sql`), for an organiser who would rather read or run them
with psql (`kiosk db roles --show`).
"""

from __future__ import annotations

from typing import Any

DESK = "kiosk_desk"
PUBLIC = "kiosk_public"
ROLES = (DESK, PUBLIC)

# What the screens for the public read, per table: None for every column, else the columns.
PUBLIC_READS: dict[str, tuple[str, ...] | None] = {
    "schema_version": None,  # every start checks the schema's version
    "meta": None,  # the event's name, date, time zone, day change; a rehearsal's clock
    "sessions": None,
    "tallies": None,  # seats taken, waitlists, arrivals: counts only
    # The kiosk's choices and news; not `created_at`: when each person chose is no screen's business.
    "signups": ("id", "attendee_id", "session_id", "round", "status", "updated_at", "device", "promoted_at", "told_at"),
    "badge_prints": None,  # the print log names nobody (kiosk.store.badge_prints)
    # No attendees, no presence: read through PUBLIC_FUNCTIONS, one person by code, the rest as counts.
    "scans": ("id", "list"),  # the dashboard notices new scans and which lists they touched
}
# The functions (schema v11, running as their owner) through which the public screens read people.
PUBLIC_FUNCTIONS = (
    "kiosk_person_by_code(text)",  # a badge scanned at the kiosk: that one person (PUBLIC_PERSON_COLUMNS)
    "kiosk_expected_load(text[])",  # the public dashboard's next slot: confirmed sign-ups, of whom on site
    "kiosk_code_lookups_paused()",  # (v13) the kiosk's "one moment": too many unknown codes this minute
)
# What they write: choices at the kiosk (signup, cancel, a promotion, news told) and its badge prints.
PUBLIC_WRITES: dict[str, str] = {
    "signups": "INSERT, UPDATE",
    "badge_prints": "INSERT, UPDATE (result, job, fault, finished_at)",
}
# The trigger functions that keep `tallies`: run as their owner, so the public login need not write counts.
TALLY_TRIGGERS = ("kiosk_tally_attendees()", "kiosk_tally_presence()", "kiosk_tally_signups()")


def _ident(name: str) -> str:
    """A name quoted as an SQL identifier (`"x""y"`), for names that come from a URL."""
    return '"' + name.replace('"', '""') + '"'


def roles_sql(database: str, schema: str = "public", functions: tuple[str, ...] = PUBLIC_FUNCTIONS) -> list[str]:
    """The statements `grant_roles` runs, in order: roles, then the desk's grants, then the public's.

    `functions`: those of PUBLIC_FUNCTIONS to grant (a database not yet at v11 has none of them).
    """
    db, sch = _ident(database), _ident(schema)
    statements = [
        f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') THEN "
        f"CREATE ROLE {role} LOGIN; END IF; END $$"
        for role in ROLES
    ]
    statements += [
        f"GRANT CONNECT ON DATABASE {db} TO {DESK}, {PUBLIC}",
        f"GRANT USAGE ON SCHEMA {sch} TO {DESK}, {PUBLIC}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {sch} TO {DESK}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {sch} TO {DESK}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {sch} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {DESK}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {sch} GRANT USAGE, SELECT ON SEQUENCES TO {DESK}",
        # From nothing each time: a column or table granted by an earlier version is taken back.
        f"REVOKE ALL ON ALL TABLES IN SCHEMA {sch} FROM {PUBLIC}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {sch} FROM {PUBLIC}",
    ]
    for table, columns in PUBLIC_READS.items():
        what = "SELECT" if columns is None else f"SELECT ({', '.join(columns)})"
        statements.append(f"GRANT {what} ON {sch}.{table} TO {PUBLIC}")
    statements += [f"GRANT {what} ON {sch}.{table} TO {PUBLIC}" for table, what in PUBLIC_WRITES.items()]
    statements += [f"GRANT EXECUTE ON FUNCTION {sch}.{function} TO {DESK}, {PUBLIC}" for function in functions]
    # Counts are kept by the triggers as the owner; nobody calls the counter directly but them.
    statements += [
        f"ALTER FUNCTION {sch}.{function} SECURITY DEFINER SET search_path = {sch}, pg_temp"
        for function in TALLY_TRIGGERS
    ]
    statements.append(f"REVOKE EXECUTE ON FUNCTION {sch}.kiosk_bump(text, integer) FROM PUBLIC")
    return statements


def password_sql(role: str, verifier: str) -> str:
    """`ALTER ROLE` setting a password from its SCRAM verifier (the server never sees the clear text)."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {ROLES}")
    return f"ALTER ROLE {role} PASSWORD '{verifier.replace(chr(39), chr(39) * 2)}'"


def grant_roles(db: Any) -> list[str]:
    """Create and grant the two roles in the database `db` is connected to, as its owner; the statements run.

    `db` is the store's PostgreSQL connection (kiosk.store.pg), its schema already migrated.
    Runs in one transaction: a refusal half-way (not the owner, no CREATEROLE) leaves nothing changed.
    """
    from kiosk.store.db import immediate

    database, schema = db.execute("SELECT current_database(), current_schema()").fetchone()
    present = tuple(f for f in PUBLIC_FUNCTIONS
                    if db.execute("SELECT to_regprocedure(?)", (f"{_ident(schema)}.{f}",)).fetchone()[0])
    statements = roles_sql(database, schema, present)
    with immediate(db) as conn:
        for statement in statements:
            conn.execute(statement)
    return statements
