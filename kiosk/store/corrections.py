"""Corrections of a walk-in's name, organisation or city, made at the desk after they were registered.

A walk-in is typed at the desk in a hurry; a typo in the name ends up on the badge, in the search
and in the reports. The desk corrects it afterwards, and every change is written to the
append-only `corrections` log (which device, when, the field, the old and the new value) in the
same transaction as the attendee row, whose search text (and so the FTS5 index) follows the new
name. The per-city and per-organisation counts follow by the tallies' triggers.

Only walk-ins (`source = 'walk_in'`): their details were typed at the desk, so the desk owns them.
An imported attendee's details come from the registration list; a desk correction would be undone
by the next import of that list (matched by code), and a hurried desk could relabel a registered
guest found by a search. Those are corrected in the registration system and imported again.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from typing import Any

from kiosk.domain.outcomes import Person
from kiosk.store.attendees import PERSON_COLUMNS, person_from_row
from kiosk.store.db import Database, immediate
from kiosk.store.scans import stamp
from kiosk.store.schema import search_text

FIELDS = ("name", "organisation", "city")
# As many characters as the walk-in form takes.
MAX_LENGTH = 200
# Characters that reorder text on screen (right-to-left overrides), used to disguise a name.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")


class CorrectionRefused(ValueError):
    """The correction was not written; the message says why, in plain English (the CLI prints it)."""


class NotAWalkIn(CorrectionRefused):
    """The attendee came from the registration list (or the demo), not from the desk."""


class ChangedMeanwhile(CorrectionRefused):
    """Another desk changed this attendee since the form was filled: nothing was written."""


@dataclass(frozen=True)
class Change:
    """One corrected field: what it said, and what it says now."""

    field: str
    old: str
    new: str


@dataclass(frozen=True)
class Correction:
    """What a correction came to: the attendee as they are now, and the fields that changed."""

    person: Person
    changes: tuple[Change, ...]


def tidy(field: str, value: str) -> str:
    """The value as it is saved: spaces trimmed (and runs of spaces in the name made one, as for a walk-in).

    Raises CorrectionRefused for an empty name, control characters or direction overrides (which
    cannot be shown as typed), and for more than MAX_LENGTH characters.
    """
    value = " ".join(value.split()) if field == "name" else value.strip()
    if field == "name" and not value:
        raise CorrectionRefused("the name cannot be empty")
    if any(unicodedata.category(ch) == "Cc" or ch in BIDI_CONTROLS for ch in value):
        raise CorrectionRefused(f"the {field} holds control characters; type it again")
    if len(value) > MAX_LENGTH:
        raise CorrectionRefused(f"the {field} is longer than {MAX_LENGTH} characters")
    return value


def last_person_at(db: Database, device: str) -> Person | None:
    """The person of this device's latest venue scan: who its answer area showed last (None: nobody yet).

    Read from the log rather than from the screen, so it is still known after the answer faded and
    after a restart; a walk-in's arrival is such a scan, so right after F7 it is that walk-in.
    """
    columns = ", ".join(f"a.{column}" for column in PERSON_COLUMNS.split(", "))
    row = db.execute(
        f"""SELECT {columns} FROM scans s JOIN attendees a ON a.id = s.attendee_id
            WHERE s.device = ? AND s.list = 'venue' ORDER BY s.id DESC LIMIT 1""",
        (device,),
    ).fetchone()
    return person_from_row(row) if row else None


def correct_walk_in(
    db: Database,
    attendee_id: int,
    *,
    name: str | None = None,
    organisation: str | None = None,
    city: str | None = None,
    now: dt.datetime,
    device: str,
    was: Person | None = None,
) -> Correction:
    """Correct a walk-in's name, organisation and/or city (None: leave as it is), and log each change.

    `was`: the attendee as the form showed them; when another desk changed them since, nothing is
    written (ChangedMeanwhile), so no one's correction is silently overwritten. Returns the
    attendee as saved and the changes (none when the values were already so).
    """
    wanted = {f: tidy(f, v) for f, v in (("name", name), ("organisation", organisation), ("city", city))
              if v is not None}
    with immediate(db) as conn:
        row = conn.execute(f"SELECT {PERSON_COLUMNS} FROM attendees WHERE id = ?", (attendee_id,)).fetchone()
        if row is None:
            raise CorrectionRefused("no such attendee")
        person = person_from_row(row)
        if person.source != "walk_in":
            raise NotAWalkIn(f"{person.code} is not a walk-in (source {person.source}): correct the "
                             "registration list and import it again")
        if was is not None and any(getattr(was, f) != getattr(person, f) for f in FIELDS):
            raise ChangedMeanwhile(f"{person.code} was changed meanwhile; look again and correct it then")
        changes = tuple(Change(f, getattr(person, f), v) for f, v in wanted.items() if getattr(person, f) != v)
        if not changes:
            return Correction(person, ())
        new = {f: getattr(person, f) for f in FIELDS} | {c.field: c.new for c in changes}
        at = stamp(now)
        conn.execute(
            """UPDATE attendees SET name = ?, organisation = ?, city = ?, search_text = ?, updated_at = ?
               WHERE id = ?""",
            (new["name"], new["organisation"], new["city"], search_text(new["name"], new["organisation"], new["city"]),
             at, attendee_id),
        )
        conn.executemany(
            """INSERT INTO corrections (attendee_id, at, device, field, old_value, new_value)
               VALUES (?, ?, ?, ?, ?, ?)""",
            [(attendee_id, at, device, c.field, c.old, c.new) for c in changes],
        )
        row = conn.execute(f"SELECT {PERSON_COLUMNS} FROM attendees WHERE id = ?", (attendee_id,)).fetchone()
    return Correction(person_from_row(row), changes)


def corrections_of(db: Database, attendee_id: int) -> list[dict[str, Any]]:
    """One attendee's corrections, oldest first: at, device, field, old_value, new_value."""
    cursor = db.execute(
        "SELECT at, device, field, old_value, new_value FROM corrections WHERE attendee_id = ? ORDER BY id",
        (attendee_id,),
    )
    keys = [column[0] for column in cursor.description]
    return [dict(zip(keys, row)) for row in cursor.fetchall()]
