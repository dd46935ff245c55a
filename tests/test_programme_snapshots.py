"""Snapshots of the programme screen at 80x24 and 160x48 (each SVG was looked at before accepting).

The clock is frozen at 11:45 on the event day (Ronde 1 running, lunch next), and the boat trip
has a few sign-ups and a waitlist, so the fill states show.
"""

from __future__ import annotations

from kiosk.store.attendees import RosterRow, upsert_attendees
from kiosk.store.signups import signup
from tests.support.event import at


def _app(make_app, db, lang: str = "nl"):
    rows = [RosterRow(f"Person {i}", "Org", "City", "", f"SNAP{i:02d}") for i in range(17)]
    upsert_attendees(db, rows, "2026-01-01")
    for row in rows:
        signup(db, row.code, "lunch-vaartocht", now=at("11:00"))
    for row in rows[:10]:
        signup(db, row.code, "r1-slim-met-stroom", now=at("09:30"))  # no capacity: a count, always free
    return make_app("programme", lang=lang)


def test_programme_80x24(snap_compare, make_app, db):
    assert snap_compare(_app(make_app, db), terminal_size=(80, 24))


def test_programme_160x48(snap_compare, make_app, db):
    assert snap_compare(_app(make_app, db, "en"), terminal_size=(160, 48))


def test_programme_80x24_after_walking_to_the_overrun(snap_compare, make_app, db):
    # Down to Ronde 2 and into the coffee row: the continuation of Themagroep Veiligheid.
    assert snap_compare(_app(make_app, db), terminal_size=(80, 24), press=["j", "j", "j"])
