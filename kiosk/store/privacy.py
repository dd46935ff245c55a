"""Personal data after the day: purge it all, forget one person, or hand one person their data.

Modelled on pretix's data shredders: the rows stay, so every count (sign-ups per session,
arrivals over time, `kiosk report`) comes out the same; what identifies a person is blanked.

What goes: each attendee's name, organisation, e-mail address and check-in code (replaced by
`anon <id>`, which stays unique and NOT NULL; it holds a space, and codes are read with spaces
removed, so no scanner or keyboard can ever match it), the folded search text and the FTS5
index built from it, and the free text of every scan (`scans.raw_code`: what was scanned or
typed, which can be a code or a name), and the old and new values in the desk's `corrections` log
of walk-ins (the rows stay: when and where a correction was made). What stays: ids, status, source, times, devices, the
scan log's facts, sign-ups and presence, and the city (see `purge`). Then the storage is cleaned
(kiosk.store.wipe): on SQLite `VACUUM` rewrites the file without the old pages and a `TRUNCATE`
checkpoint empties the `-wal` file; on PostgreSQL `VACUUM (FULL, ANALYZE)` rewrites the tables
that held personal text without their dead row versions. So the removed text is not left behind
in free pages, old WAL frames or dead tuples.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from kiosk.domain.codes import normalise_code
from kiosk.domain.outcomes import Person
from kiosk.domain.text import words
from kiosk.store.attendees import find_by_code
from kiosk.store.db import Database, Row, immediate
from kiosk.store.scans import stamp
from kiosk.store.session_clock import stored_days
from kiosk.store.tallies import recount_tallies
from kiosk.store.wipe import narrow_modes, rebuild_search, wipe_free_space

__all__ = ["ANON_PREFIX", "ForgetResult", "PurgePlan", "PurgeResult", "forget_person", "narrow_modes", "person_data",
           "purge", "purge_plan", "wipe_free_space"]

ANON_PREFIX = "anon "
# An attendee whose identifying columns have all been blanked already.
_ANONYMOUS = "(code LIKE 'anon %' AND name = '' AND organisation = '' AND email = '' AND search_text = '')"


@dataclass
class PurgePlan:
    """What a purge would remove and what it keeps, read from the file as it is now."""

    keep_days: int
    clear_city: bool
    due: bool
    last_activity: dt.datetime | None
    keep_until: dt.datetime | None
    attendees: int = 0
    names: int = 0
    emails: int = 0
    organisations: int = 0
    codes: int = 0
    cities: int = 0
    scan_texts: int = 0
    correction_texts: int = 0
    attendees_total: int = 0
    scans_total: int = 0
    signups_total: int = 0
    arrivals: int = 0

    @property
    def nothing_to_remove(self) -> bool:
        """True when every attendee is anonymous already and no scan holds free text."""
        return self.attendees == 0 and self.scan_texts == 0 and self.correction_texts == 0

    def goes(self) -> list[str]:
        """One line per kind of data the purge removes, with how many."""
        lines = [
            f"names of {self.names} attendees",
            f"e-mail addresses of {self.emails} attendees",
            f"organisations of {self.organisations} attendees",
            f"check-in codes of {self.codes} attendees (replaced by 'anon <number>')",
            f"the name search index of {self.attendees} attendees",
            f"the scanned or typed text of {self.scan_texts} scan{'' if self.scan_texts == 1 else 's'}",
            f"the old and new values of {self.correction_texts} walk-in correction"
            f"{'' if self.correction_texts == 1 else 's'}",
        ]
        if self.clear_city:
            lines.insert(3, f"cities of {self.cities} attendees")
        return lines

    def stays(self) -> list[str]:
        """One line per kind of data the purge keeps, so the counts stay the same."""
        lines = [
            f"{self.attendees_total} attendee rows (id, status, source, times), anonymous",
            f"{self.scans_total} scans (time, desk or door, list, direction, outcome)",
            f"{self.signups_total} sign-ups and waitlist places per session",
            f"arrivals over time ({self.arrivals} arrived) and who was inside where, by number only",
            "the programme (sessions, times, capacities)",
        ]
        if not self.clear_city:
            lines.insert(1, "the city of each attendee (for counts per city; --clear-city removes it)")
        return lines


@dataclass
class PurgeResult:
    """What `purge` did: the plan it carried out, and whether the file itself is clean."""

    plan: PurgePlan
    done: bool
    wiped: bool = False


@dataclass
class ForgetResult:
    """What `forget_person` did to one attendee."""

    attendee_id: int
    anon_code: str
    scans_cleared: int
    signups_kept: int
    wiped: bool = False


def _parse(value: str | None, tz: dt.tzinfo | None) -> dt.datetime | None:
    """A stored ISO time as an aware datetime (naive ones are taken to be in `tz`)."""
    if not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=tz)


def last_activity(conn: Database, tz: dt.tzinfo | None) -> dt.datetime | None:
    """The last moment the event's data changed: the end of the event's last day, or a later write.

    A day ends where the programme's day changes over (kiosk.store.session_clock): at midnight,
    or at 04:00 the next morning for a day whose night items run to then.
    """
    days = stored_days(conn)
    moments: list[dt.datetime] = []
    for sql in (
        "SELECT MAX(updated_at) FROM attendees",
        "SELECT MAX(at) FROM scans",
        "SELECT MAX(updated_at) FROM signups",
    ):
        moment = _parse(conn.execute(sql).fetchone()[0], tz)
        if moment:
            moments.append(moment)
    last_day = conn.execute("SELECT MAX(day) FROM sessions").fetchone()[0]
    dated = [d for d in (days.event_date, dt.date.fromisoformat(last_day) if last_day else None) if d]
    if dated:
        # Counting from the end of the last day keeps no-shows until then too.
        moments.append(days.day_end(max(dated)).replace(tzinfo=tz))
    elif moments:
        # No date in the programme: the conference day of the last write is the event day, and it
        # lasts at least until its last session ends (so a purge in the middle of the day, or of
        # its night, is not due); an open end (the closing) counts from its start.
        write = max(moments)
        ends = [days.end(None, end, write) or days.start(None, start, write)
                for start, end in conn.execute("SELECT starts_at, ends_at FROM sessions WHERE day IS NULL")]
        if ends:
            moments.append(max(ends).replace(tzinfo=tz))
    return max(moments) if moments else None


def purge_plan(
    conn: Database, keep_days: int, now: dt.datetime, *, clear_city: bool = False
) -> PurgePlan:
    """Describe what `purge` would remove and keep; reads only.

    `keep_days`: personal data is kept until that many days after the last activity (the end of
    the event day, or the last scan, sign-up or change if later); before then nothing is due.
    """
    last = last_activity(conn, now.tzinfo)
    keep_until = last + dt.timedelta(days=keep_days) if last else None
    plan = PurgePlan(keep_days, clear_city, due=keep_until is None or now >= keep_until,
                     last_activity=last, keep_until=keep_until)
    needs = _needs_purge(clear_city)
    row = conn.execute(
        f"""SELECT COUNT(*), COUNT(NULLIF(name, '')), COUNT(NULLIF(email, '')), COUNT(NULLIF(organisation, '')),
                   SUM(code NOT LIKE 'anon %'), COUNT(NULLIF(city, ''))
            FROM attendees WHERE {needs}"""
    ).fetchone()
    plan.attendees, plan.names, plan.emails, plan.organisations = row[0], row[1], row[2], row[3]
    plan.codes, plan.cities = row[4] or 0, row[5]
    plan.scan_texts = conn.execute("SELECT COUNT(*) FROM scans WHERE raw_code != ''").fetchone()[0]
    plan.attendees_total = conn.execute("SELECT COUNT(*) FROM attendees").fetchone()[0]
    plan.correction_texts = conn.execute(
        "SELECT COUNT(*) FROM corrections WHERE old_value != '' OR new_value != ''").fetchone()[0]
    plan.scans_total = conn.execute("SELECT COUNT(*) FROM scans").fetchone()[0]
    plan.signups_total = conn.execute("SELECT COUNT(*) FROM signups").fetchone()[0]
    plan.arrivals = conn.execute(
        "SELECT COUNT(*) FROM presence WHERE list = 'venue' AND first_entry_at IS NOT NULL"
    ).fetchone()[0]
    return plan


def _needs_purge(clear_city: bool) -> str:
    """SQL condition: this attendee row still holds something the purge removes."""
    city = " AND city = ''" if clear_city else ""
    return f"NOT ({_ANONYMOUS}{city})"


def purge(
    db: Database, *, keep_days: int = 0, now: dt.datetime, clear_city: bool = False
) -> PurgeResult:
    """Remove every attendee's personal data while keeping every count; then clean the file.

    The city stays unless `clear_city`: on its own it names a member city of the G40 network, of
    which each sends several officials, and counts per city are what the dashboard and the
    network's own reports show. Whoever finds that too revealing for a small event passes
    `clear_city=True` (`kiosk purge --clear-city`).

    Returns `wiped=False` when another process kept the `-wal` file from being emptied, or on
    PostgreSQL kept the tables locked in an open transaction or this role may not VACUUM them (close
    the other kiosks and purge again: a second purge finds nothing left but cleans the storage).
    """
    with immediate(db, bulk=True) as conn:
        # Planned again inside the lock, so what is removed is what the plan counted.
        plan = purge_plan(conn, keep_days, now, clear_city=clear_city)
        if not plan.due:
            return PurgeResult(plan, done=False)
        city = ", city = ''" if clear_city else ""
        conn.execute(
            f"""UPDATE attendees SET code = '{ANON_PREFIX}' || id, name = '', organisation = '', email = '',
                    search_text = ''{city}, updated_at = ?
                WHERE {_needs_purge(clear_city)}""",
            (stamp(now),),
        )
        conn.execute("UPDATE scans SET raw_code = '' WHERE raw_code != ''")
        conn.execute("UPDATE corrections SET old_value = '', new_value = '' WHERE old_value != '' OR new_value != ''")
        rebuild_search(conn)
        # Counts per organisation are keyed by its name: recount, so no key keeps a removed name.
        recount_tallies(conn)
        conn.execute(
            "INSERT INTO meta (key, value) VALUES ('purged_at', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (stamp(now),),
        )
    return PurgeResult(plan, done=True, wiped=wipe_free_space(db))


def forget_person(db: Database, code: str, now: dt.datetime) -> ForgetResult | None:
    """Blank one attendee's personal data, as a purge does, keeping their row so counts stay; None if unknown.

    Scans of theirs lose their text, and so do unmatched scans whose text was their code, name or
    e-mail address (typed before they were in the roster, or typed by hand as a name).
    """
    with immediate(db) as conn:
        person = find_by_code(conn, code)
        if person is None:
            return None
        loose = _loose_scan_ids(conn, person)
        conn.execute(
            f"""UPDATE attendees SET code = '{ANON_PREFIX}' || id, name = '', organisation = '', email = '',
                    search_text = '', updated_at = ? WHERE id = ?""",
            (stamp(now), person.id),
        )
        cleared = conn.execute(
            "UPDATE scans SET raw_code = '' WHERE attendee_id = ? AND raw_code != ''", (person.id,)
        ).rowcount
        for scan_id in loose:
            conn.execute("UPDATE scans SET raw_code = '' WHERE id = ?", (scan_id,))
        conn.execute("UPDATE corrections SET old_value = '', new_value = '' WHERE attendee_id = ?", (person.id,))
        rebuild_search(conn)
        recount_tallies(conn)
        signups = conn.execute("SELECT COUNT(*) FROM signups WHERE attendee_id = ?", (person.id,)).fetchone()[0]
    result = ForgetResult(person.id, f"{ANON_PREFIX}{person.id}", cleared + len(loose), signups)
    result.wiped = wipe_free_space(db)
    return result


def _loose_scan_ids(conn: Database, person: Person) -> list[int]:
    """Unmatched scans whose free text is their code, or names them or their e-mail.

    Unmatched only (no attendee): a scan linked to someone else is that person's, even when its
    text (their code) reads as this one's name, as it does for a walk-in named after a code.
    """
    code = normalise_code(person.code)
    # Whole words only, so "Jan Boer" does not claim a scan that reads "Jan Boerma".
    name = f" {' '.join(words(person.name))} "
    email = person.email.strip().lower()
    found = []
    for scan_id, raw in conn.execute(
        "SELECT id, raw_code FROM scans WHERE attendee_id IS NULL AND raw_code != ''"
    ):
        typed = f" {' '.join(words(raw))} "
        if normalise_code(raw) == code or (name.strip() and name in typed) or (email and email in raw.lower()):
            found.append(scan_id)
    return found


def person_data(conn: Database, code: str) -> dict[str, Any] | None:
    """Everything the database holds about the person with this code (GDPR access request); None if unknown.

    The attendee row (every column), their sign-ups (with the session's title), their scans and
    any unmatched scans whose text was their code or name, the derived presence rows, the desk's
    corrections of their details (walk-ins) and the print log of their badges: every table that
    names a person, and in each only their rows. Not in it: `devices` and `meta` (no person in
    them) and `tallies` (counts of many people).
    """
    person = find_by_code(conn, code)
    if person is None:
        return None
    loose = _loose_scan_ids(conn, person)
    # `OR id IN (...)` only with ids in it: PostgreSQL has no empty list `IN ()`.
    also = f" OR id IN ({','.join('?' * len(loose))})" if loose else ""
    return {
        "attendee": _rows(conn, "SELECT * FROM attendees WHERE id = ?", (person.id,))[0],
        "signups": _rows(
            conn,
            """SELECT s.*, x.title AS session_title FROM signups s LEFT JOIN sessions x ON x.id = s.session_id
               WHERE s.attendee_id = ? ORDER BY s.id""",
            (person.id,),
        ),
        "scans": _rows(
            conn,
            f"SELECT * FROM scans WHERE attendee_id = ?{also} ORDER BY id",
            (person.id, *loose),
        ),
        "presence": _rows(conn, "SELECT * FROM presence WHERE attendee_id = ? ORDER BY list", (person.id,)),
        "corrections": _rows(conn, "SELECT * FROM corrections WHERE attendee_id = ? ORDER BY id", (person.id,)),
        "badge_prints": _rows(conn, "SELECT * FROM badge_prints WHERE attendee_id = ? ORDER BY id", (person.id,)),
    }


def _rows(conn: Database, sql: str, params: Row) -> list[dict[str, Any]]:
    """Rows as dicts keyed by column name."""
    cursor = conn.execute(sql, params)
    keys = [column[0] for column in cursor.description]
    return [dict(zip(keys, row)) for row in cursor.fetchall()]
