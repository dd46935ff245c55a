"""The grid layout of the G40 day (pure domain) and the occupancy read the programme screen uses."""

from __future__ import annotations

import datetime as dt

from kiosk.domain.grid import build_rows, hhmm, matches, next_row, now_row, running_row
from kiosk.store.occupancy import Occupancy, occupancy
from kiosk.store.scans import record_scan
from kiosk.store.signups import cancel, signup
from tests.support.event import at


def _ids(row) -> list[str]:
    return [cell.session_id for cell in row.cells]


def _row_of(rows, session_id: str):
    return next(row for row in rows if row.column_of(session_id) is not None)


def test_plenaries_and_breaks_span_and_rounds_share_a_row(programme):
    rows = build_rows(programme)
    starts = [hhmm(row.start, "nl") for row in rows]
    assert starts == ["09.15", "09.45", "10.00", "11.00", "11.30", "12.30", "14.00", "15.00", "15.30", "16.30"]
    assert [row.spanning for row in rows] == [True, True, True, True, False, False, False, True, False, True]
    assert _ids(rows[4]) == [
        "r1-elke-regio-telt", "r1-slim-met-stroom", "r1-gemeentelijke-financien", "r1-migratie-en-werk",
        "r1-woningvoorraad",
    ]
    assert len(rows[8].cells) == 3


def test_lunch_row_holds_the_walks_and_the_ambassador_with_their_own_starts(programme):
    lunch = _row_of(build_rows(programme), "lunch-theater")
    assert (lunch.start, lunch.end) == (dt.time(12, 30), dt.time(14, 0))
    assert lunch.round_ids == ["lunch", "gesprek-ambassadeur"]
    own = {cell.session_id: cell.own_time for cell in lunch.cells}
    assert own == {
        "lunch-theater": False, "lunch-stadshart": True, "lunch-monet": True, "lunch-houtbouw": True,
        "lunch-vaartocht": True, "gesprek-ambassadeur": True,
    }


def test_veiligheid_reaches_into_the_coffee_row(programme):
    rows = build_rows(programme)
    round2 = _row_of(rows, "r2-circulair-bouwen")
    assert round2.end == dt.time(15, 0)  # the overrun does not stretch its row
    veiligheid = round2.cells[round2.column_of("r2-veiligheid")]
    assert veiligheid.reaches_on and veiligheid.own_time
    coffee = _row_of(rows, "koffie-2")
    continuation = [cell for cell in coffee.cells if cell.continuation]
    assert [cell.session_id for cell in continuation] == ["r2-veiligheid"]
    # Only the coffee row: the pillar sessions start when Veiligheid ends.
    assert not any(cell.continuation for cell in _row_of(rows, "pijler-sociaal").cells)


def test_session_missing_from_the_source_grid_sits_last_in_its_round(programme):
    round2 = _row_of(build_rows(programme), "r2-veiligheid")
    assert round2.cells[-1].session_id == "r2-taal-en-beeldvorming"
    assert not round2.cells[-1].in_grid
    assert all(cell.in_grid for cell in round2.cells[:-1])


def test_closing_has_an_open_end(programme):
    closing = build_rows(programme)[-1]
    assert _ids(closing) == ["afsluiting"] and closing.end is None
    assert closing.cells[0].own_time  # shown as "vanaf 16.30"


def test_running_and_next_rows(programme):
    rows = build_rows(programme)
    at_1145 = dt.time(11, 45)
    assert _ids(rows[running_row(rows, at_1145)])[0] == "r1-elke-regio-telt"
    assert _ids(rows[next_row(rows, at_1145)])[0] == "lunch-theater"
    assert _ids(rows[running_row(rows, dt.time(15, 15))])[0] == "koffie-2"
    assert _ids(rows[running_row(rows, dt.time(18, 0))]) == ["afsluiting"]
    assert running_row(rows, dt.time(8, 0)) is None
    assert now_row(rows, dt.time(8, 0)) == 0
    assert next_row(rows, dt.time(17, 0)) is None


def test_search_folds_case_and_diacritics_and_reads_speakers(programme):
    ambassador = programme.session("gesprek-ambassadeur")
    assert matches(ambassador, "OEKRAINE")
    assert matches(programme.session("r2-circulair-bouwen"), "gorts")  # speaker Olga Görts
    assert matches(programme.session("lunch-vaartocht"), "brandweerboot zaan")
    assert not matches(programme.session("inloop"), "zaan")
    assert not matches(ambassador, "[b]oekraine[/b]")


def test_times_as_each_language_writes_them():
    assert hhmm(dt.time(16, 30), "nl") == "16.30"
    assert hhmm(dt.time(16, 30), "en") == "16:30"


def test_occupancy_counts_confirmed_waitlisted_and_inside(db, people):
    now = at("09:30")  # before round 1 starts: choosing is still open
    codes = list(people.values())
    for code in codes[:2]:
        signup(db, code, "r1-slim-met-stroom", now=now)
    record_scan(db, codes[0], now=now, device="door-1", list_="r1-slim-met-stroom")
    record_scan(db, codes[1], now=now, device="door-1")  # the venue door is not a room
    numbers = occupancy(db)
    assert numbers["r1-slim-met-stroom"] == Occupancy(confirmed=2, waitlisted=0, inside=1)
    assert "venue" not in numbers
    cancel(db, codes[1], "r1-slim-met-stroom", now=now)
    assert occupancy(db)["r1-slim-met-stroom"].confirmed == 1


def test_occupancy_waitlist_when_full(db, now):
    from kiosk.store.attendees import RosterRow, upsert_attendees

    rows = [RosterRow(f"Person {i}", "Org", "City", "", f"BOAT{i:02d}") for i in range(17)]
    upsert_attendees(db, rows, now.isoformat())
    for row in rows:
        signup(db, row.code, "lunch-vaartocht", now=at("11:45"))
    vaartocht = occupancy(db)["lunch-vaartocht"]
    assert (vaartocht.confirmed, vaartocht.waitlisted) == (15, 2)
