"""Sign-ups for sessions: one choice per round, capacity enforced in the transaction, a waitlist.

`signup` and `cancel` are the one code path of the self-service kiosk, the CLI and the tests.
A freed seat goes to the first on that session's waitlist inside the same transaction.
"""

from __future__ import annotations

import datetime as dt

from kiosk.domain.dayclock import DayClock, parse_change
from kiosk.domain.outcomes import Person, SignupResult, SignupStatus
from kiosk.domain.rules import choosing_closed, clashes
from kiosk.domain.views import OptionState, RoundState
from kiosk.store.attendees import find_by_code
from kiosk.store.code_guard import PAUSED, lookups_paused
from kiosk.store.db import Database, Row, immediate
from kiosk.store.scans import stamp
from kiosk.store.sessions import SessionRow, session_row


def _event_date(conn: Database) -> dt.date | None:
    row = conn.execute("SELECT value FROM meta WHERE key = 'event_date'").fetchone()
    return dt.date.fromisoformat(row[0]) if row and row[0] else None


def _day_clock(conn: Database) -> DayClock:
    """The programme's day change as synced (`meta.day_change`), so night items are read right."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'day_change'").fetchone()
    return parse_change(row[0] if row else None)


def _confirmed_count(conn: Database, session_id: str) -> int:
    return int(conn.execute(
        "SELECT COUNT(*) FROM signups WHERE session_id = ? AND status = 'confirmed'", (session_id,)
    ).fetchone()[0])


def _active(conn: Database, attendee_id: int) -> list[tuple[int, str, str, str | None]]:
    """(signup id, session id, status, round) of a person's confirmed and waitlisted sign-ups."""
    return conn.execute(
        "SELECT id, session_id, status, round FROM signups WHERE attendee_id = ? AND status != 'cancelled'",
        (attendee_id,),
    ).fetchall()


def signup(
    db: Database, code: str, session_id: str, *, now: dt.datetime, device: str = ""
) -> SignupResult:
    """Choose a session for the person with this code; full sessions put them on the waitlist."""
    with immediate(db) as conn:
        person = find_by_code(conn, code, email=False)  # the kiosk's login may not read it
        refusal = _refusal(conn, person, session_id, now)
        if refusal:
            return SignupResult(status=SignupStatus.REFUSED, session_id=session_id, reason=refusal)
        session = session_row(conn, session_id)
        # _refusal found no refusal: the person and the session exist (narrowed for the type checker).
        assert person is not None and session is not None
        active = _active(conn, person.id)
        mine = {sid: status for _, sid, status, _ in active}
        if mine.get(session_id) == "confirmed":
            return SignupResult(status=SignupStatus.UNCHANGED, session_id=session_id, reason="already_confirmed")
        conflict = _conflict(conn, session, active)
        if conflict:
            return SignupResult(
                status=SignupStatus.REFUSED, session_id=session_id, reason="overlap", conflict_with=conflict
            )
        if session.capacity is not None and _confirmed_count(conn, session_id) >= session.capacity:
            if session_id not in mine:
                _insert(conn, person.id, session, "waitlisted", now, device)
            position = _waitlist_position(conn, person.id, session_id)
            return SignupResult(
                status=SignupStatus.WAITLISTED, session_id=session_id, reason="full", waitlist_position=position
            )
        moved_from = _confirm(conn, person.id, session, now, device, waitlisted=session_id in mine)
        promoted = _promote(conn, moved_from, now) if moved_from else []
        left = _leave_clashing_waitlists(conn, session, active, now, device)
        return SignupResult(
            status=SignupStatus.CONFIRMED, session_id=session_id, moved_from=moved_from, promoted=promoted,
            left_waitlists=left,
        )


def cancel(db: Database, code: str, session_id: str, *, now: dt.datetime, device: str = "") -> SignupResult:
    """Give up a seat (or a waitlist place); the first on the waitlist gets the seat."""
    with immediate(db) as conn:
        person = find_by_code(conn, code, email=False)  # the kiosk's login may not read it
        if person is None:
            return SignupResult(status=SignupStatus.REFUSED, session_id=session_id, reason=_unknown(conn))
        row = conn.execute(
            "SELECT id, status FROM signups WHERE attendee_id = ? AND session_id = ? AND status != 'cancelled'",
            (person.id, session_id),
        ).fetchone()
        if row is None:
            return SignupResult(status=SignupStatus.REFUSED, session_id=session_id, reason="not_signed_up")
        conn.execute(
            "UPDATE signups SET status = 'cancelled', updated_at = ?, device = ? WHERE id = ?",
            (stamp(now), device, row[0]),
        )
        promoted = _promote(conn, session_id, now) if row[1] == "confirmed" else []
        return SignupResult(status=SignupStatus.CANCELLED, session_id=session_id, promoted=promoted)


def _unknown(conn: Database) -> str:
    """Why a code found nobody: unknown, or (the public login, too many unknown codes this minute) paused."""
    return PAUSED if lookups_paused(conn) else "unknown_code"


def _refusal(conn: Database, person: Person | None, session_id: str, now: dt.datetime) -> str:
    """Why this sign-up cannot be made at all, or ''."""
    if person is None:
        return _unknown(conn)
    if person.status == "cancelled":
        return "cancelled"
    session = session_row(conn, session_id)
    if session is None:
        return "unknown_session"
    if not session.signup:
        return "no_signup"
    if choosing_closed(now, session.closes_at, _event_date(conn), _day_clock(conn)):
        return "closed"
    return ""


# Stands in for the unset date of a one-day programme: every such session is on it.
_UNDATED = dt.date(2000, 1, 1)


def _moments(session: SessionRow, clock: DayClock) -> tuple[str, str | None]:
    """A session's start and end as calendar moments `YYYY-MM-DD HH:MM` (night items on the next date)."""
    day = dt.date.fromisoformat(session.day) if session.day else _UNDATED
    start = clock.moment(day, dt.time.fromisoformat(session.starts_at))
    end = clock.moment(day, dt.time.fromisoformat(session.ends_at), end=True) if session.ends_at else None
    return start.strftime("%Y-%m-%d %H:%M"), end.strftime("%Y-%m-%d %H:%M") if end else None


def _conflict(conn: Database, session: SessionRow, active: list[Row]) -> str | None:
    """The id of a confirmed session in another round that clashes in time with this one.

    Compared as calendar moments: the 10:00 workshops of Monday and Tuesday never clash, and the
    23:00-01:00 item and the 00:30 item of the same night do.
    """
    clock = _day_clock(conn)
    start, end = _moments(session, clock)
    for _, other_id, status, round_ in active:
        if status != "confirmed" or other_id == session.id or (round_ and round_ == session.round):
            continue
        other = session_row(conn, other_id)
        if other is None:
            continue
        other_start, other_end = _moments(other, clock)
        if clashes(session.kind, start, end, other.kind, other_start, other_end):
            return str(other_id)
    return None


def _leave_clashing_waitlists(
    conn: Database, session: SessionRow, active: list[Row], now: dt.datetime, device: str
) -> list[str]:
    """Take the person off waitlists in other rounds that clash with the seat they just took.

    A seat from such a waitlist could never be given to them (it would clash), yet they would
    keep seeing "place 1" while others took it: their newest choice wins, and they are told.
    """
    left = []
    for signup_id, other_id, status, round_ in active:
        if status != "waitlisted" or other_id == session.id or (round_ and round_ == session.round):
            continue
        if _conflict(conn, session, [(signup_id, other_id, "confirmed", round_)]):
            conn.execute("UPDATE signups SET status = 'cancelled', updated_at = ?, device = ? WHERE id = ?",
                         (stamp(now), device, signup_id))
            left.append(other_id)
    return left


def _insert(
    conn: Database, attendee_id: int, session: SessionRow, status: str, now: dt.datetime, device: str
) -> None:
    conn.execute(
        """INSERT INTO signups (attendee_id, session_id, round, status, created_at, updated_at, device)
           VALUES (?, ?, ?, ?, ?, ?, ?)""",
        (attendee_id, session.id, session.round, status, stamp(now), stamp(now), device),
    )


def _confirm(
    conn: Database, attendee_id: int, session: SessionRow, now: dt.datetime, device: str, *, waitlisted: bool
) -> str | None:
    """Give the person this seat, releasing their other seat in the same round; returns that session."""
    moved_from = None
    if session.round:
        other = conn.execute(
            """SELECT id, session_id FROM signups WHERE attendee_id = ? AND round = ? AND status = 'confirmed'
               AND session_id != ?""",
            (attendee_id, session.round, session.id),
        ).fetchone()
        if other:
            conn.execute(
                "UPDATE signups SET status = 'cancelled', updated_at = ?, device = ? WHERE id = ?",
                (stamp(now), device, other[0]),
            )
            moved_from = other[1]
    if waitlisted:
        # promoted_at: the self-service kiosk tells them once, at their next scan (`told_at`).
        conn.execute(
            """UPDATE signups SET status = 'confirmed', updated_at = ?, device = ?, promoted_at = ?, told_at = NULL
               WHERE attendee_id = ? AND session_id = ? AND status = 'waitlisted'""",
            (stamp(now), device, stamp(now), attendee_id, session.id),
        )
    else:
        _insert(conn, attendee_id, session, "confirmed", now, device)
    return moved_from


def _promote(conn: Database, session_id: str, now: dt.datetime) -> list[int]:
    """Fill freed seats from the waitlists, first come first served; returns promoted attendee ids.

    A promotion can free a seat elsewhere (the person's other choice in that round), so this
    works through a queue of sessions until no seat can be filled.
    """
    promoted: list[int] = []
    queue = [session_id]
    while queue:
        session = session_row(conn, queue.pop(0))
        if session is None or choosing_closed(now, session.closes_at, _event_date(conn), _day_clock(conn)):
            # Choosing has closed (the boat has left): a seat freed now stays free, and nobody on
            # the waitlist is handed a seat they cannot use at the cost of their reserve.
            continue
        waiting = [r[0] for r in conn.execute(
            "SELECT attendee_id FROM signups WHERE session_id = ? AND status = 'waitlisted' ORDER BY id",
            (session.id,),
        )]
        for attendee_id in waiting:
            if session.capacity is not None and _confirmed_count(conn, session.id) >= session.capacity:
                break
            # Someone who has since chosen a clashing session keeps their place but is passed over.
            if _conflict(conn, session, _active(conn, attendee_id)):
                continue
            freed = _confirm(conn, attendee_id, session, now, "waitlist", waitlisted=True)
            promoted.append(attendee_id)
            if freed:
                queue.append(freed)
    return promoted


def _waitlist_position(conn: Database, attendee_id: int, session_id: str) -> int:
    row = conn.execute(
        """SELECT COUNT(*) FROM signups WHERE session_id = ? AND status = 'waitlisted'
           AND id <= (SELECT id FROM signups WHERE attendee_id = ? AND session_id = ? AND status = 'waitlisted')""",
        (session_id, attendee_id, session_id),
    ).fetchone()
    return int(row[0])


def choices_of(db: Database, attendee_id: int) -> dict[str, str]:
    """A person's active sign-ups: session id -> 'confirmed' or 'waitlisted'."""
    rows = db.execute(
        "SELECT session_id, status FROM signups WHERE attendee_id = ? AND status != 'cancelled'", (attendee_id,)
    ).fetchall()
    return dict(rows)


# One statement, so counts, the person's places and the event date come from one snapshot. The
# seats taken and the waitlist's length are the running tallies the sign-up triggers keep
# (store/tallies.py): counting them here took over 100 ms at 100,000 attendees (300,000 sign-ups,
# on a busy two-core machine), on every badge a self-service kiosk opened. Capacity is still
# enforced by counting, inside the write (`signup`).
_DAY_SQL = """
SELECT s.id, s.title, s.kind, s.round, s.starts_at, s.ends_at, s.capacity, s.closes_at,
       COALESCE((SELECT value FROM tallies WHERE key = 'confirmed:' || s.id), 0),
       COALESCE((SELECT value FROM tallies WHERE key = 'waitlisted:' || s.id), 0),
       m.status,
       CASE WHEN m.status = 'waitlisted' THEN
           (SELECT COUNT(*) FROM signups w2 WHERE w2.session_id = s.id AND w2.status = 'waitlisted' AND w2.id <= m.id)
       END,
       m.status = 'confirmed' AND m.promoted_at IS NOT NULL AND m.told_at IS NULL,
       (SELECT value FROM meta WHERE key = 'event_date'),
       (SELECT value FROM meta WHERE key = 'day_change')
FROM sessions s
LEFT JOIN signups m ON m.session_id = s.id AND m.attendee_id = ? AND m.status != 'cancelled'
WHERE s.signup = 1 AND s.round IS NOT NULL
ORDER BY s.position
"""


def day_of(
    conn: Database, attendee_id: int | None, *, now: dt.datetime
) -> dict[str, RoundState]:
    """Per choice round (in programme order): options, seats, this person's choice and places, closed.

    `attendee_id` None gives the rounds as anyone sees them (no choices).
    """
    rounds: dict[str, RoundState] = {}
    for row in conn.execute(_DAY_SQL, (attendee_id if attendee_id is not None else -1,)):
        (sid, title, kind, round_, starts, ends, capacity, closes, confirmed, waiting, mine, place, promoted,
         event_date, day_change) = row
        day = dt.date.fromisoformat(event_date) if event_date else None
        closed = choosing_closed(now, closes, day, parse_change(day_change))
        option = OptionState(
            sid, title, kind, starts, ends, capacity, confirmed, waiting, closed,
            mine, place, bool(promoted),
        )
        rounds.setdefault(round_, RoundState(round_, [])).options.append(option)
    return rounds


def released_for_promotions(conn: Database, attendee_id: int) -> dict[str, str]:
    """Per seat from the waitlist not told of yet: the choice in that round it replaced, if any.

    A promotion cancels the person's other seat in the round (`_confirm`), in the same moment and
    marked `device = 'waitlist'`: so the news can say what went as well as what came.
    """
    rows = conn.execute(
        """SELECT p.session_id, r.session_id FROM signups p
           JOIN signups r ON r.attendee_id = p.attendee_id AND r.round = p.round AND r.id != p.id
                AND r.status = 'cancelled' AND r.device = 'waitlist' AND r.updated_at = p.promoted_at
           WHERE p.attendee_id = ? AND p.status = 'confirmed' AND p.promoted_at IS NOT NULL AND p.told_at IS NULL""",
        (attendee_id,),
    ).fetchall()
    return dict(rows)


def mark_promotions_told(db: Database, attendee_id: int, now: dt.datetime) -> int:
    """Record that the person has seen the news of their seats from the waitlist; returns how many."""
    with immediate(db) as conn:
        return conn.execute(
            """UPDATE signups SET told_at = ? WHERE attendee_id = ? AND status = 'confirmed'
               AND promoted_at IS NOT NULL AND told_at IS NULL""",
            (stamp(now), attendee_id),
        ).rowcount
