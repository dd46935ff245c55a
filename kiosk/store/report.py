"""`kiosk report` per session and per round: who signed up, who came through the door, who did not.

What goes in the per-session figures: the sessions held behind a door of their own, the ones of a
round (Ronde 1, the lunch activities, Ronde 2, the pillar sessions, ...), those chosen at the kiosk,
and any other item someone was scanned into at a door. Left out: the walk-in, the opening, plenary
talks, breaks and the closing (`kiosk.domain.counting.venue_wide`): nobody scans at their door, so "attended 0,
peak 0" beside the plenary talk would read as an empty hall. Their figure is the venue's count
while they ran (kiosk.store.report_venue). An organiser after the day asks "how full was each
session I planned, and who did not turn up"; coffee is not among the answers.

A session whose door never logged a scan (the lunch in the theatre, held without a door scanner)
has no attendance to report: its attended and no-shows are unknown, not 0 and "all of them".

Whether a session is over is read on the calendar (kiosk.store.session_clock): on a day that
runs to 04:00, the 00:30 film has not even begun at 23:50, so its no-shows are not known yet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from kiosk.domain.counting import venue_wide
from kiosk.store.db import Database, Row
from kiosk.store.replay import ListReplay, replay_lists
from kiosk.store.scans import VENUE
from kiosk.store.session_clock import StoredDays, stored_days, wall
from kiosk.store.sessions import session_rows
from kiosk.store.tallies import tally_prefix


@dataclass
class SessionReport:
    """One session's line of `kiosk report`.

    Not a SessionRow with figures (as the dashboard's SessionStat is): its fields are the report's
    columns, named and ordered as `--json` and `--csv` give them to an organiser's spreadsheet
    (`session_id`, no room, sign-up flag, closing or day), so they stay spelled out here.
    """

    session_id: str
    title: str
    kind: str
    round: str | None
    starts_at: str
    ends_at: str | None
    capacity: int | None
    signed_up: int
    waitlisted: int
    attended: int
    no_shows: int | None  # None: the session has not ended yet, or no scan was made at its door
    peak_inside: int
    peak_at: str | None  # HH:MM the peak was first reached
    door_scanned: bool  # any scan (accepted or refused) logged at its door
    ended: bool  # over by the report's clock (an open end: begun)


@dataclass
class RoundReport:
    """One round (a block of parallel sessions): people signed up for it against people who came to it."""

    round_id: str
    name: str
    starts_at: str
    ends_at: str | None
    sessions: int
    signed_up: int  # people with a seat in one of its sessions
    waitlisted: int  # people still on a waitlist in it (and without a seat in it)
    attended: int  # people scanned into one of its sessions
    as_chosen: int  # ... into the one they had a seat in
    other_session: int  # ... into another one than their seat
    not_signed_up: int  # ... without a seat in the round
    seated_at_doors: int  # people with a seat in one of its sessions whose door scanned
    no_shows: int | None  # ... of whom scanned into none; None before the round ends or when no door scanned
    ended: bool  # all its sessions over by the report's clock


def ended(days: StoredDays, day: str, starts_at: str, ends_at: str | None, now: dt.datetime | None) -> bool:
    """Whether a session of `day` (YYYY-MM-DD, "" for today) is over by `now` (None: after the day).

    An open end (the closing) is over once it has begun. On the calendar: with the day changing at
    04:00, the 00:30-02:00 item is over at 02:00 the next morning, not at 02:00 of its day.
    """
    if now is None:
        return True
    over = days.end(day, ends_at, now) or days.start(day, starts_at, now)
    return over <= wall(now)


def in_session_table(row_kind: str, signup: bool, round_: str | None, entered: int) -> bool:
    """Whether an item belongs in the per-session figures (see the module docstring)."""
    if venue_wide(row_kind, signup):
        return False
    return signup or round_ is not None or entered > 0


def entered_counts(db: Database) -> dict[str, int]:
    """Per session list: the people scanned in at least once (not undone), from the tallies the triggers keep."""
    counts = tally_prefix(db, "arrived:")
    counts.pop(VENUE, None)
    return counts


def session_report(
    db: Database, now: dt.datetime | None = None, replay: dict[str, ListReplay] | None = None
) -> list[SessionReport]:
    """Per session of the table: signed up, attended (entered at its door at least once), no-shows, peak.

    With `now`, a session that has not ended yet has `no_shows` None: people may still come in.
    `replay`: the day replayed already (`replay_lists`), to replay the log once for the whole report.
    """
    signed = {
        (sid, status): n
        for sid, status, n in db.execute(
            "SELECT session_id, status, COUNT(*) FROM signups WHERE status != 'cancelled' GROUP BY session_id, status"
        )
    }
    attended = entered_counts(db)
    no_shows = dict(
        db.execute(
            """SELECT s.session_id, COUNT(*) FROM signups s
               LEFT JOIN presence p ON p.attendee_id = s.attendee_id AND p.list = s.session_id
               WHERE s.status = 'confirmed' AND COALESCE(p.entries, 0) = 0 GROUP BY s.session_id"""
        ).fetchall()
    )
    replay = replay_lists(db) if replay is None else replay
    days = stored_days(db)
    lines = []
    for row in session_rows(db):
        if not in_session_table(row.kind, row.signup, row.round, attended.get(row.id, 0)):
            continue
        peak = replay.get(row.id, ListReplay())
        over = ended(days, row.day, row.starts_at, row.ends_at, now)
        known = row.id in replay and over
        lines.append(SessionReport(
            row.id, row.title, row.kind, row.round, row.starts_at, row.ends_at, row.capacity,
            signed.get((row.id, "confirmed"), 0), signed.get((row.id, "waitlisted"), 0), attended.get(row.id, 0),
            no_shows.get(row.id, 0) if known else None, peak.peak, peak.peak_at[11:16] if peak.peak_at else None,
            row.id in replay, over,
        ))
    return lines


def round_report(
    db: Database, rounds: list[tuple[str, str]], now: dt.datetime | None = None,
    replay: dict[str, ListReplay] | None = None,
) -> list[RoundReport]:
    """Per round, in the order given (`(id, name)` from the programme model): signed up against attended.

    Rounds the programme does not name but sessions carry (a schedule imported from elsewhere)
    follow, named by their id. A round counts once it holds a session of the per-session table.
    """
    sessions, days = session_rows(db), stored_days(db)
    of_round = {row.id: row.round for row in sessions if row.round is not None}
    seats: dict[str, dict[int, set[str]]] = {}
    waiting: dict[str, set[int]] = {}
    for attendee_id, session_id, status in db.execute(
        "SELECT attendee_id, session_id, status FROM signups WHERE status != 'cancelled'"
    ):
        round_ = of_round.get(session_id)
        if round_ is None:
            continue
        if status == "confirmed":
            seats.setdefault(round_, {}).setdefault(attendee_id, set()).add(session_id)
        else:
            waiting.setdefault(round_, set()).add(attendee_id)
    came: dict[str, dict[int, set[str]]] = {}
    # The round's lists only, through the (list, first_entry_at) index: a first entry is an entry.
    # No rounds, no query: PostgreSQL has no empty `IN ()`.
    entries: Iterable[Row] = db.execute(
        f"""SELECT attendee_id, list FROM presence
            WHERE list IN ({','.join('?' * len(of_round))}) AND first_entry_at IS NOT NULL""",
        list(of_round),
    ) if of_round else []
    for attendee_id, list_ in entries:
        came.setdefault(of_round[list_], {}).setdefault(attendee_id, set()).add(list_)
    scanned = replay_lists(db) if replay is None else replay
    names = dict(rounds)
    order = list(names) + sorted({r for r in of_round.values() if r not in names})
    found = []
    for round_id in order:
        rows = [row for row in sessions if row.round == round_id and not venue_wide(row.kind, row.signup)]
        if not rows:
            continue
        seated, entered = seats.get(round_id, {}), came.get(round_id, {})
        as_chosen = sum(1 for a, lists in entered.items() if lists & seated.get(a, set()))
        not_signed = sum(1 for a in entered if a not in seated)
        doors = {row.id for row in rows if row.id in scanned}
        finished = all(ended(days, row.day, row.starts_at, row.ends_at, now) for row in rows)
        at_doors = sum(1 for mine in seated.values() if mine & doors)
        absent = sum(1 for a, mine in seated.items() if mine & doors and a not in entered)
        # First start and last end in the order of the day: a night's 00:30 after its 23:30.
        first = min(rows, key=lambda row: days.start(row.day, row.starts_at))
        ends = [row for row in rows if row.ends_at]
        last = max(ends, key=lambda row: days.end(row.day, row.ends_at) or dt.datetime.min) if len(ends) == len(rows) else None
        found.append(RoundReport(
            round_id, names.get(round_id, round_id), first.starts_at,
            last.ends_at if last else None, len(rows), len(seated),
            len(waiting.get(round_id, set()) - set(seated)), len(entered), as_chosen,
            len(entered) - as_chosen - not_signed, not_signed, at_doors,
            absent if finished and doors else None, finished,
        ))
    return found
