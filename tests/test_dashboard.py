"""The organiser's dashboard: live figures, slots by the clock, alerts, public mode, other processes."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest

from kiosk.store import connect
from kiosk.store.attendees import RosterRow, upsert_attendees
from kiosk.store.door import door_scan
from kiosk.store.scans import record_scan, undo_scan
from kiosk.store.signups import signup
from kiosk.store.stats import LiveStats, arrivals_per_bucket, expected_load, presence_counts, venue_counts
from kiosk.ui.widgets.alerts import AlertsList
from kiosk.ui.widgets.arrivals_chart import ArrivalsChart
from tests.support.event import EVENT_DAY, PROGRAMME_PATH, at

# The store's figures are the same on a SQLite file and on PostgreSQL (tests/conftest.py); the
# screens' tests run on the file (`sqlite_only`): they start the app on the test's settings.
BOTH_BACKENDS = True

BOAT = "lunch-vaartocht"  # capacity 15


@pytest.fixture
def crowd(db, now) -> list[str]:
    """Twenty extra attendees with plain codes C00..C19, from two cities."""
    rows = [RosterRow(f"Person {i:02d}", f"Org {i % 3}", "Alkmaar" if i % 2 else "Zwolle", "", f"C{i:02d}")
            for i in range(20)]
    upsert_attendees(db, rows, now.isoformat())
    return [r.code for r in rows]


def screen_text(app) -> str:
    """Every Static's text on the current screen, joined: what the organiser reads."""
    from textual.widgets import Static

    return "\n".join(str(w.render()) for w in app.screen.query(Static) if w.display)


# ---- store figures ----------------------------------------------------------------------------

def test_occupancy_from_entry_exit_sequences(db, people):
    anna, hof = people["Anna de Vries"], people["Pieter van 't Hof"]
    room = "r1-slim-met-stroom"
    door_scan(db, anna, room, now=at("11:30"), device="d", direction="exit")  # exit without entry: refused
    door_scan(db, anna, room, now=at("11:31"), device="d", direction="entry")
    door_scan(db, anna, room, now=at("11:32"), device="e", direction="entry")  # double entry: counted once
    door_scan(db, hof, room, now=at("11:33"), device="d")
    assert presence_counts(db, {room})[room] == (2, 2)
    door_scan(db, hof, "r1-woningvoorraad", now=at("11:40"), device="f")  # a move
    assert presence_counts(db)[room] == (1, 2)
    assert presence_counts(db)["r1-woningvoorraad"] == (1, 1)
    assert venue_counts(db)[:2] == (2, 2)


def test_arrivals_per_five_minutes(db, people):
    for code, hhmm in [("CELIK1", "09:16"), ("HOF222", "09:19"), ("SOREN3", "09:21"), ("ANNA44", "09:34")]:
        record_scan(db, code, now=at(hhmm), device="desk-1")
    undo_scan(db, now=at("09:35"), device="desk-1")  # Anna's arrival undone: not counted
    assert arrivals_per_bucket(db) == {9 * 60 + 15: 2, 9 * 60 + 20: 1}


def test_expected_load_counts_people_on_site(db, crowd):
    for code in crowd[:5]:
        signup(db, code, BOAT, now=at("09:30"))
    for code in crowd[:3]:
        record_scan(db, code, now=at("09:40"), device="desk-1")
    assert expected_load(db, [BOAT, "lunch-monet"]) == {BOAT: (5, 3)}


def test_alerts_over_capacity_waitlist_and_early_scans(db, crowd):
    for code in crowd[:17]:
        signup(db, code, BOAT, now=at("09:30"))  # 15 seats, 2 on the waitlist
    stats = LiveStats()
    stats.full(db)
    assert [a.kind for a in stats.alerts(at("10:00"))] == ["full_waitlist"]
    door_scan(db, crowd[0], "r2-veiligheid", now=at("11:00"), device="door-x")  # hours before 14:00
    for i, code in enumerate(crowd[:16]):
        door_scan(db, code, BOAT, now=at("12:50") + dt.timedelta(seconds=i), device="boat")
    stats.refresh(db)
    kinds = {(a.kind, a.session_id): a for a in stats.alerts(at("12:55"))}
    assert kinds[("over", BOAT)].count == 16 and kinds[("over", BOAT)].capacity == 15
    assert ("full_waitlist", BOAT) in kinds
    # r2-veiligheid had its only visitor moved out to the boat: the early scan still shows before its start.
    assert ("early", "r2-veiligheid") in kinds
    assert ("early", "r2-veiligheid") not in {(a.kind, a.session_id) for a in stats.alerts(at("13:50"))}


def test_refresh_queries_only_what_changed(db, people):
    stats = LiveStats()
    stats.full(db)
    assert stats.refresh(db) == set()
    door_scan(db, people["Anna de Vries"], "r1-migratie-en-werk", now=at("11:30"), device="d")
    assert stats.refresh(db) == {"venue", "r1-migratie-en-werk"}
    assert stats.sessions["r1-migratie-en-werk"].inside == 1 and stats.arrived == 1
    assert stats.recent[0].list_id == "r1-migratie-en-werk"


# ---- the screen -------------------------------------------------------------------------------

@pytest.mark.sqlite_only
async def test_dashboard_shows_running_and_next_slot(make_app, db, people):
    door_scan(db, people["Anna de Vries"], "r1-slim-met-stroom", now=at("11:35"), device="door-1")
    app = make_app("dashboard", "11:45")
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "Nu (11:45)" in text and "Slim met Stroom" in text
        assert "Hierna: verwachte drukte (12:30)" in text and "Vaartocht over de Zaan" in text
        assert "Aangekomen 1 / 5" in text
        assert "Anna de Vries" in text  # last scans, named


@pytest.mark.sqlite_only
async def test_dashboard_follows_the_rehearsal_clock(make_app, db):
    app = make_app("dashboard", "14:10")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "Themagroep Veiligheid" in text and "Slim met Stroom" not in text
        assert "Hierna: verwachte drukte (15:00)" in text


@pytest.mark.sqlite_only
async def test_over_capacity_alert_on_screen(make_app, db, crowd):
    for i, code in enumerate(crowd[:16]):
        door_scan(db, code, BOAT, now=at("12:50") + dt.timedelta(seconds=i), device="boat")
    app = make_app("dashboard", "13:00")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        alerts = app.screen.query_one(AlertsList)
        assert alerts.has_class("has-alerts")
        assert "TE VOL: Vaartocht over de Zaan: 16 binnen, 15 plaatsen" in screen_text(app)
        over = app.screen.query(".occupancy-row.fill-over")
        assert any("Vaartocht" in str(row.render()) and "TE VOL" in str(row.render()) for row in over)


@pytest.mark.sqlite_only
async def test_public_dashboard_shows_no_names(make_app, db, people):
    record_scan(db, people["Søren Ødegaard"], now=at("09:20"), device="desk-1")
    app = make_app("dashboard", "09:30", public=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "Aangekomen 1 / 5" in text
        assert "Søren" not in text and "Ødegaard" not in text
        # Every city expects one person here: no city is named, lest it say who came.
        assert "Haarlem" not in text and "overige (5)     1 / 5" in text


@pytest.mark.sqlite_only
async def test_public_dashboard_is_locked_and_left_with_the_staff_pin(make_app, db, people):
    from textual.widgets import Footer

    app = make_app("dashboard", "09:30", public=True)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        footer = " ".join(str(k.render()) for k in app.screen.query_one(Footer).query("FooterKey"))
        assert "Balie" not in footer and "Stop" not in footer and "Personeel" in footer
        await pilot.press("f3", "f2", "ctrl+q", "ctrl+c")  # no desk with names, no shell
        await pilot.pause()
        assert app.is_running and app.current_mode == "dashboard" and app.locked
        await pilot.press("ctrl+s", *"1234", "enter")
        await pilot.pause()
        await pilot.click("#pin-desk")
        await pilot.pause()
        assert app.current_mode == "desk" and not app.locked
        await pilot.press("f5")  # back to the screen that looks public: it is public, locked again
        await pilot.pause()
        assert app.current_mode == "dashboard" and app.locked
        await pilot.press("ctrl+s", *"1234", "enter")
        await pilot.pause()
        await pilot.click("#pin-dashboard")  # "Dashboard" from its own PIN menu: it stays locked
        await pilot.pause()
        assert app.current_mode == "dashboard" and app.locked


@pytest.mark.sqlite_only
async def test_dashboard_sees_another_connection_within_a_second(make_app, settings, db, people):
    app = make_app("dashboard", "11:45")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "Aangekomen 0 / 5" in str(app.screen.query_one("#arrivals-total").render())
        other = connect(settings.db_path)
        door_scan(other, people["Ayşe Çelik"], "r1-elke-regio-telt", now=at("11:44"), device="door-9")
        other.close()
        await pilot.pause(0.8)
        assert "Aangekomen 1 / 5" in str(app.screen.query_one("#arrivals-total").render())
        row = next(r for r in app.screen.query(".occupancy-row") if "Elke Regio" in str(r.render()))
        assert str(row.render()).split()[0] == "1"


@pytest.mark.sqlite_only
async def test_dashboard_sees_a_checkin_from_another_process(make_app, settings, db, people):
    app = make_app("dashboard", "09:30")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        chart = app.screen.query_one(ArrivalsChart)
        env = {**os.environ, "KIOSK_NOW": f"{EVENT_DAY}T09:29", "KIOSK_NOW_FROZEN": "1"}
        done = subprocess.run(
            [sys.executable, "-m", "kiosk", "--db", str(settings.db_path), "--programme", str(PROGRAMME_PATH),
             "checkin", people["Anna de Vries"], "--desk", "desk-other"],
            env=env, capture_output=True, text=True, timeout=30,
        )
        assert done.returncode == 0, done.stderr
        await pilot.pause(0.8)
        assert "Aangekomen 1 / 5" in str(chart.query_one("#arrivals-total").render())
        assert "desk-other" in screen_text(app) and "Anna de Vries" in screen_text(app)


@pytest.mark.sqlite_only
async def test_a_fully_booked_session_coming_next_reads_full_before_its_people_arrive(make_app, db, crowd):
    for code in crowd[:15]:
        signup(db, code, BOAT, now=at("10:00"))
    app = make_app("dashboard", "12:20")
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        boat = next(line for line in screen_text(app).splitlines() if "Vaartocht" in line and "12:45" in line)
        assert "vol" in boat and "ruimte" not in boat


@pytest.mark.sqlite_only
async def test_the_walk_in_and_the_plenary_items_count_the_venue(make_app, db, people):
    for code, hhmm in [("CELIK1", "09:16"), ("HOF222", "09:19"), ("SOREN3", "09:21"), ("ANNA44", "09:24")]:
        record_scan(db, code, now=at(hhmm), device="desk-1")
    record_scan(db, "SOREN3", now=at("09:26"), device="exit-1", direction="exit")
    app = make_app("dashboard", "09:30")  # the Inloop (walk-in) runs; the opening comes next
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        rows = [str(r.render()) for r in app.screen.query(".occupancy-row")]
        inloop = next(row for row in rows if "Inloop" in row)
        # Nobody scans at the Inloop's door: it shows the 3 inside the venue, and says they are the venue's.
        assert inloop.split()[0] == "3" and "in de locatie" in inloop
        opening = next(row for row in rows if "Opening" in row)
        assert opening.split()[0] == "3" and "in de locatie" in opening
    app = make_app("dashboard", "11:45")  # a round of sessions: their own doors' counts, as before
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        slim = next(str(r.render()) for r in app.screen.query(".occupancy-row") if "Slim met Stroom" in str(r.render()))
        assert slim.split()[0] == "0" and "in de locatie" not in slim
