"""The organiser's figures: who is inside which room, sign-ups, arrivals, last scans and alerts.

Cheap at 500,000 scans because the dashboard never reads the scan log as a whole: counts come
from `tallies` (kept by triggers on `presence`, by primary key), `presence` (one row per person and
list) and `signups` through their indexes; the log is read only by primary key (`id > last seen`, or the last N). `LiveStats`
keeps the figures and, after a change, re-queries only the lists that new scans touched.

What runs now and what comes next are read on the calendar (kiosk.store.session_clock): on a
day that runs to 04:00, at 23:50 the 00:00 item of the same night is next, and a session of
another conference day is neither running nor next.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from kiosk.domain.rules import Fill, fill_state
from kiosk.domain.views import Alert, RecentScan
from kiosk.store.code_guard import Guessing, guessing_now
from kiosk.store.db import Database, is_postgres
from kiosk.store.scan_log import recent_scans
from kiosk.store.scans import VENUE
from kiosk.store.session_clock import StoredDays, stored_days, wall
from kiosk.store.sessions import SessionRow, session_rows
from kiosk.store.tallies import tally_prefix

BUCKET_MINUTES = 5
# Doors open this long before a session; door scans earlier than that suggest a door set to the wrong session.
DOORS_OPEN_MINUTES = 15
# The sessions that start within this long after the next start belong to the next slot (lunch walks at 12:45).
NEXT_SLOT_SPAN_MINUTES = 30
_DOORS_OPEN = dt.timedelta(minutes=DOORS_OPEN_MINUTES)
_NEXT_SLOT_SPAN = dt.timedelta(minutes=NEXT_SLOT_SPAN_MINUTES)


@dataclass(frozen=True)
class SessionStat(SessionRow):
    """One session as the table holds it, with its live counts (a refresh puts a new one in its place)."""

    confirmed: int = 0
    waitlisted: int = 0
    inside: int = 0
    entered: int = 0

    @property
    def fill(self) -> Fill:
        """How full the room is now (inside against capacity)."""
        return fill_state(self.inside, self.capacity)

    def start(self, days: StoredDays, now: dt.datetime) -> dt.datetime:
        """When the session starts on the calendar (naive wall clock)."""
        return days.start(self.day, self.starts_at, now)

    def running(self, now: dt.datetime, days: StoredDays | None = None) -> bool:
        """True while the session is on at `now` (an open end runs to the end of its conference day)."""
        days = days or StoredDays()
        moment, start = wall(now), self.start(days, now)
        end = days.end(self.day, self.ends_at, now) or days.day_end(days.day(self.day, now))
        return start <= moment < end


def load_sessions(db: Database) -> dict[str, SessionStat]:
    """Every session of the programme, in programme order, without counts."""
    return {row.id: SessionStat(**vars(row)) for row in session_rows(db)}


def presence_counts(db: Database, lists: set[str] | None = None) -> dict[str, tuple[int, int]]:
    """Per list: (inside now, people who came in at least once); all lists, or only `lists`.

    Read from `tallies` (kept by triggers on `presence`): primary-key look-ups, whatever the log's size.
    """
    conn = db
    if lists is None:
        # Two key ranges; the rows of other kinds between them (arrived_city:, expected:...) stay unread.
        rows = [(f"inside:{k}", v) for k, v in tally_prefix(conn, "inside:").items()]
        rows += [(f"arrived:{k}", v) for k, v in tally_prefix(conn, "arrived:").items()]
    else:
        keys = [f"{kind}:{list_}" for list_ in sorted(lists) for kind in ("inside", "arrived")]
        rows = conn.execute(f"SELECT key, value FROM tallies WHERE key IN ({','.join('?' * len(keys))})", keys).fetchall()
    found: dict[str, list[int]] = {}
    for key, value in rows:
        kind, _, list_ = key.partition(":")
        if kind in ("inside", "arrived") and list_:
            found.setdefault(list_, [0, 0])[0 if kind == "inside" else 1] = value or 0
    return {k: (v[0], v[1]) for k, v in found.items()}


def signup_counts(db: Database) -> dict[str, tuple[int, int]]:
    """Per session: (confirmed, waitlisted), from the tallies the sign-up triggers keep."""
    conn = db
    confirmed, waitlisted = tally_prefix(conn, "confirmed:"), tally_prefix(conn, "waitlisted:")
    return {sid: (confirmed.get(sid, 0), waitlisted.get(sid, 0)) for sid in confirmed.keys() | waitlisted.keys()}


def arrivals_per_bucket(
    db: Database, bucket: int = BUCKET_MINUTES, days: StoredDays | None = None
) -> dict[int, int]:
    """First arrivals at the venue per `bucket` minutes: {minute of the conference day the bucket starts: count}.

    The tallies hold 5-minute buckets by the wall clock; wider buckets are sums of them. `days`:
    the programme's day change, so arrivals at 00:10 in the night come after those of the evening
    (minute 1450 on a day that changes at 04:00).
    """
    days = days or StoredDays()
    counts: dict[int, int] = {}
    for minute, n in tally_prefix(db, "arrived5:venue:").items():
        start = days.minute(dt.time(int(minute) // 60, int(minute) % 60)) // bucket * bucket
        counts[start] = counts.get(start, 0) + n
    return dict(sorted(counts.items()))


def venue_counts(db: Database) -> tuple[int, int, int]:
    """(arrived, inside the venue now, expected: registered attendees), from the tallies."""
    tallies = dict(
        db.execute(
            "SELECT key, value FROM tallies WHERE key IN ('arrived:venue', 'inside:venue', 'expected')"
        ).fetchall()
    )
    return tallies.get("arrived:venue", 0), tallies.get("inside:venue", 0), tallies.get("expected", 0)


def arrivals_by(
    db: Database, field_: str = "city", limit: int | None = None
) -> list[tuple[str, int, int]]:
    """(city or organisation, arrived, expected), most arrivals first, from the tallies (all, or the first `limit`)."""
    if field_ not in ("city", "organisation"):
        raise ValueError(field_)
    short = "city" if field_ == "city" else "org"
    conn = db
    arrived, expected = tally_prefix(conn, f"arrived_{short}:"), tally_prefix(conn, f"expected_{short}:")
    rows = [(name, arrived.get(name, 0), expected.get(name, 0)) for name in arrived.keys() | expected.keys()]
    rows.sort(key=lambda r: (-r[1], -r[2], r[0]))
    return rows[:limit]


def expected_load(db: Database, session_ids: list[str]) -> dict[str, tuple[int, int]]:
    """Per session: (confirmed sign-ups, of whom on site now): the load the next slot can expect.

    On PostgreSQL the counts come from `kiosk_expected_load` (schema v11), which runs as its owner:
    the public dashboard's login reads no presence row (kiosk.store.pg_roles).
    """
    if not session_ids:
        return {}
    if is_postgres(db):
        rows = db.execute("SELECT session_id, confirmed, on_site FROM kiosk_expected_load(?)", (list(session_ids),)).fetchall()
        return {r[0]: (r[1], r[2]) for r in rows}
    rows = db.execute(
        f"""SELECT s.session_id, COUNT(*), COALESCE(SUM(p.inside), 0) FROM signups s
            LEFT JOIN presence p ON p.attendee_id = s.attendee_id AND p.list = ?
            WHERE s.status = 'confirmed' AND s.session_id IN ({','.join('?' * len(session_ids))})
            GROUP BY s.session_id""",
        (VENUE, *session_ids),
    ).fetchall()
    return {r[0]: (r[1], r[2]) for r in rows}


def slots(
    sessions: list[SessionStat], now: dt.datetime, days: StoredDays | None = None
) -> tuple[list[SessionStat], list[SessionStat]]:
    """The sessions running at `now`, and those of the next slot (starting soonest after now, the same conference day).

    `days`: the programme's day change and date as stored (`stored_days`); midnight and undated without.
    """
    days = days or StoredDays()
    moment, today = wall(now), days.today(now)
    running = [s for s in sessions if s.running(now, days)]
    later = [(s.start(days, now), s) for s in sessions if days.day(s.day, now) == today]
    later = [(start, s) for start, s in later if start > moment]
    if not later:
        return running, []
    first = min(start for start, _ in later)
    upcoming = [s for start, s in later if start <= first + _NEXT_SLOT_SPAN]
    return running, upcoming


def door_order(sessions: list[SessionStat], now: dt.datetime, days: StoredDays | None = None) -> list[SessionStat]:
    """The likely door first: the sessions running at `now`, then those still to come, then the past."""
    days = days or StoredDays()
    running, _ = slots(sessions, now, days)
    moment = wall(now)
    order = running + [s for s in sessions if s not in running and s.start(days, now) > moment]
    return order + [s for s in sessions if s not in order]


def alerts(sessions: list[SessionStat], now: dt.datetime, days: StoredDays | None = None) -> list[Alert]:
    """Rooms over capacity, full sessions with a waitlist, and door scans for a session not started yet."""
    days = days or StoredDays()
    found: list[Alert] = []
    moment = wall(now)
    for s in sessions:
        if s.capacity is not None and s.inside > s.capacity:
            found.append(Alert("over", s.id, s.title, s.inside, s.capacity, s.starts_at))
        if s.capacity is not None and s.confirmed >= s.capacity and s.waitlisted:
            found.append(Alert("full_waitlist", s.id, s.title, s.waitlisted, s.capacity, s.starts_at))
        if s.entered and moment < s.start(days, now) - _DOORS_OPEN:
            found.append(Alert("early", s.id, s.title, s.entered, s.capacity, s.starts_at))
    return found


@dataclass
class LiveStats:
    """The dashboard's figures, kept between refreshes so that one new scan costs a few small queries."""

    sessions: dict[str, SessionStat] = field(default_factory=dict)
    arrivals: dict[int, int] = field(default_factory=dict)
    arrived: int = 0
    inside_venue: int = 0
    expected: int = 0
    by_city: list[tuple[str, int, int]] = field(default_factory=list)
    by_organisation: list[tuple[str, int, int]] = field(default_factory=list)
    recent: list[RecentScan] = field(default_factory=list)
    last_scan_id: int = 0
    recent_limit: int = 12  # 0: the last scans are not read (the public dashboard shows no names)
    days: StoredDays = field(default_factory=StoredDays)
    guessing: Guessing | None = None  # badge codes being guessed at the public kiosks (read_guessing)

    def full(self, db: Database) -> None:
        """Read everything (at start, and now and then as a safety net for imports and repairs)."""
        self.last_scan_id = db.execute("SELECT COALESCE(MAX(id), 0) FROM scans").fetchone()[0]
        self.days = stored_days(db)
        self.sessions = load_sessions(db)
        self._occupancy(db, None)
        self._venue(db)
        self._signups(db)
        self.recent = recent_scans(db, limit=self.recent_limit) if self.recent_limit else []

    def refresh(self, db: Database) -> set[str]:
        """Re-query what changed since the last look; returns the lists that new scans touched."""
        if not self.sessions:
            self.full(db)
            return {VENUE, *self.sessions}
        touched = {
            r[0] for r in db.execute("SELECT DISTINCT list FROM scans WHERE id > ?", (self.last_scan_id,)).fetchall()
        }
        if touched:
            self.last_scan_id = db.execute("SELECT COALESCE(MAX(id), 0) FROM scans").fetchone()[0]
            self.recent = recent_scans(db, limit=self.recent_limit) if self.recent_limit else []
        if VENUE in touched:
            self._venue(db)
        rooms = touched - {VENUE}
        if rooms:
            self._occupancy(db, rooms)
        # Sign-ups change without a scan (self-service kiosks); their grouped count is one index read.
        self._signups(db)
        return touched

    def _occupancy(self, db: Database, lists: set[str] | None) -> None:
        counts = presence_counts(db, lists)
        for sid, stat in self.sessions.items():
            if lists is None or sid in lists:
                inside, entered = counts.get(sid, (0, 0))
                if (inside, entered) != (stat.inside, stat.entered):
                    self.sessions[sid] = replace(stat, inside=inside, entered=entered)

    def _venue(self, db: Database) -> None:
        self.arrivals = arrivals_per_bucket(db, days=self.days)
        self.arrived, self.inside_venue, self.expected = venue_counts(db)
        self.by_city = arrivals_by(db, "city")
        self.by_organisation = arrivals_by(db, "organisation")

    def _signups(self, db: Database) -> None:
        counts = signup_counts(db)
        for sid, stat in self.sessions.items():
            confirmed, waitlisted = counts.get(sid, (0, 0))
            if (confirmed, waitlisted) != (stat.confirmed, stat.waitlisted):
                self.sessions[sid] = replace(stat, confirmed=confirmed, waitlisted=waitlisted)

    def slots(self, now: dt.datetime) -> tuple[list[SessionStat], list[SessionStat]]:
        """The running and the next slot's sessions at `now`."""
        return slots(list(self.sessions.values()), now, self.days)

    def read_guessing(self, db: Database) -> None:
        """Whether badge codes are being guessed through the public login now (PostgreSQL; a login that reads `code_misses`)."""
        self.guessing = guessing_now(db)

    def alerts(self, now: dt.datetime) -> list[Alert]:
        """The alerts at `now`: codes being guessed first (someone at a public machine is harvesting names)."""
        found = alerts(list(self.sessions.values()), now, self.days)
        if self.guessing:
            found.insert(0, Alert("guessing", "", self.guessing.client, self.guessing.misses))
        return found
