"""Door scanning in the store: entry, already inside, exit mode, moves between rooms, venue arrival, undo.

The door screen is tested in tests/test_door_screen.py.
"""

from __future__ import annotations

import datetime as dt

import pytest

from kiosk.domain.outcomes import Reason
from kiosk.store import StoreError
from kiosk.store.db import immediate
from kiosk.store.door import door_scan, door_undo
from kiosk.store.presence import rebuild_presence
from kiosk.store.scans import record_scan, undo_scan
from tests.support.door import inside
from tests.support.event import PROGRAMME_PATH, at

# The tests using `db` or `target` run on SQLite and PostgreSQL (tests/conftest.py); those that build
# the app (make_app) run it on SQLite only.
BOTH_BACKENDS = True

ROOM_A, ROOM_B = "r1-slim-met-stroom", "r1-woningvoorraad"


def lists_of(db, code: str) -> set[str]:
    """The lists a person is inside now."""
    rows = db.execute(
        "SELECT p.list FROM presence p JOIN attendees a ON a.id = p.attendee_id WHERE a.code = ? AND p.inside = 1",
        (code,),
    ).fetchall()
    return {r[0] for r in rows}


def test_entry_then_exit_in_exit_mode(db, people):
    anna = people["Anna de Vries"]
    first = door_scan(db, anna, ROOM_A, now=at("11:25"), device="door-a")
    assert first.accepted and first.reason is Reason.OK and first.direction == "entry"
    assert first.inside == 1 and first.list_id == ROOM_A
    second = door_scan(db, anna, ROOM_A, now=at("11:40"), device="door-a", direction="exit")
    assert second.accepted and second.reason is Reason.EXIT and second.direction == "exit"
    assert second.inside == 0
    assert inside(db, ROOM_A) == 0


def test_a_second_scan_three_seconds_later_leaves_them_inside(db, people):
    """Re-scanning someone "to be sure" past the 2 s bounce: already inside, since their entry; the count stays."""
    anna = people["Anna de Vries"]
    first = door_scan(db, anna, ROOM_A, now=at("11:32"), device="door-a")
    assert first.inside == 1
    again = door_scan(db, anna, ROOM_A, now=at("11:32") + dt.timedelta(seconds=3), device="door-a")
    assert not again.accepted and again.reason is Reason.ALREADY_IN and again.direction == "entry"
    assert again.inside == 1 and inside(db, ROOM_A) == 1
    assert again.inside_since == first.at and again.inside_since.startswith("2026-11-29T11:32:00")
    assert lists_of(db, anna) == {"venue", ROOM_A}
    logged = db.execute("SELECT direction, accepted, reason FROM scans WHERE list = ? ORDER BY id", (ROOM_A,)).fetchall()
    assert logged == [("entry", 1, "ok"), ("entry", 0, "already_in")]
    # Ten minutes later, at another door of the same room: still the time she went in.
    later = door_scan(db, anna, ROOM_A, now=at("11:42"), device="door-b")
    assert later.reason is Reason.ALREADY_IN and later.inside_since == first.at and inside(db, ROOM_A) == 1


def test_double_read_by_scanner_is_a_bounce_not_an_exit(db, people):
    anna = people["Anna de Vries"]
    door_scan(db, anna, ROOM_A, now=at("11:25"), device="door-a")
    bounce = door_scan(db, anna, ROOM_A, now=at("11:25") + dt.timedelta(seconds=1), device="door-a")
    assert bounce.reason is Reason.BOUNCE and not bounce.accepted
    assert inside(db, ROOM_A) == 1


def test_exit_without_entry_is_refused(db, people):
    result = door_scan(db, people["Anna de Vries"], ROOM_A, now=at("11:25"), device="door-a", direction="exit")
    assert not result.accepted and result.reason is Reason.NOT_INSIDE
    assert inside(db, ROOM_A) == 0


def test_double_entry_counts_once(db, people):
    code = people["Anna de Vries"]
    door_scan(db, code, ROOM_A, now=at("11:25"), device="door-a", direction="entry")
    again = door_scan(db, code, ROOM_A, now=at("11:26"), device="door-b", direction="entry")
    assert again.reason is Reason.ALREADY_IN
    assert inside(db, ROOM_A) == 1


def test_move_between_rooms(db, people):
    code = people["Søren Ødegaard"]
    door_scan(db, code, ROOM_A, now=at("11:25"), device="door-a")
    moved = door_scan(db, code, ROOM_B, now=at("11:35"), device="door-b")
    assert moved.accepted and moved.moved_from == ROOM_A
    assert lists_of(db, code) == {"venue", ROOM_B}
    assert (inside(db, ROOM_A), inside(db, ROOM_B)) == (0, 1)
    exit_row = db.execute(
        "SELECT direction, reason, device FROM scans WHERE list = ? ORDER BY id DESC LIMIT 1", (ROOM_A,)
    ).fetchone()
    assert exit_row == ("exit", "moved", "door-b")
    # The log replayed from scratch gives the same state.
    with immediate(db):
        rebuild_presence(db)
    assert lists_of(db, code) == {"venue", ROOM_B}


def test_door_scan_checks_in_at_the_venue(db, people):
    code = people["Ayşe Çelik"]
    result = door_scan(db, code, ROOM_A, now=at("11:20"), device="door-a")
    assert result.venue_arrival and result.arrivals == 1
    venue = db.execute(
        "SELECT direction, reason, device, at FROM scans WHERE list = 'venue'"
    ).fetchall()
    assert len(venue) == 1 and venue[0][:3] == ("entry", "ok", "door-a")
    # The desk now sees her as already checked in, first at the door.
    desk = record_scan(db, code, now=at("11:50"), device="desk-1")
    assert desk.reason is Reason.ALREADY_IN and desk.first_entry_device == "door-a"


def test_refused_door_scans_write_no_arrival(db, people):
    assert door_scan(db, "NOPE99", ROOM_A, now=at("11:20"), device="door-a").reason is Reason.UNKNOWN_CODE
    cancelled = door_scan(db, people["Cancelled Person"], ROOM_A, now=at("11:20"), device="door-a")
    assert cancelled.reason is Reason.CANCELLED
    assert db.execute("SELECT COUNT(*) FROM scans WHERE list = 'venue'").fetchone()[0] == 0
    assert db.execute("SELECT COUNT(*) FROM scans").fetchone()[0] == 2


def test_nonce_replay_and_unknown_session(db, people):
    code = people["Anna de Vries"]
    one = door_scan(db, code, ROOM_A, now=at("11:25"), device="door-a", nonce="n-1")
    two = door_scan(db, code, ROOM_A, now=at("11:45"), device="door-a", nonce="n-1")
    assert two.replayed and two.scan_id == one.scan_id and two.direction == "entry"
    with pytest.raises(StoreError):
        door_scan(db, code, "no-such-session", now=at("11:25"), device="door-a")


def test_undo_of_door_entry(db, people):
    code = people["Anna de Vries"]
    door_scan(db, code, ROOM_A, now=at("11:25"), device="door-a")
    undo_scan(db, now=at("11:26"), device="door-a")
    assert inside(db, ROOM_A) == 0


def test_door_undo_takes_back_arrival_and_move(db, people):
    code = people["Anna de Vries"]
    door_scan(db, code, ROOM_A, now=at("11:25"), device="door-a")  # with a venue arrival
    assert lists_of(db, code) == {"venue", ROOM_A}
    door_scan(db, code, ROOM_B, now=at("11:30"), device="door-b")  # a move
    undone = door_undo(db, now=at("11:31"), device="door-b", session_id=ROOM_B)
    assert undone.reason is Reason.UNDO and undone.inside == 0
    assert lists_of(db, code) == {"venue", ROOM_A}  # back in the first room
    door_undo(db, now=at("11:32"), device="door-a", session_id=ROOM_A)
    assert lists_of(db, code) == set()
    assert db.execute("SELECT COUNT(*) FROM presence WHERE first_entry_at IS NOT NULL").fetchone()[0] == 0
    nothing = door_undo(db, now=at("11:33"), device="door-a", session_id=ROOM_A)
    assert nothing.reason is Reason.NOTHING_TO_UNDO and not nothing.accepted


def test_a_door_for_a_session_that_does_not_exist_says_so(db_path, programme):
    from click.testing import CliRunner

    from kiosk.cli import main

    result = CliRunner().invoke(main, ["--db", str(db_path), "--programme", str(PROGRAMME_PATH), "--role", "door",
                                       "--session", "r1-slim"], env={"KIOSK_NOW": "12:00"})
    assert result.exit_code == 2 and "no session 'r1-slim'" in result.stderr


def test_undo_keeps_to_its_own_list_a_desk_never_undoes_a_door_scan_of_the_same_name(db, people):
    door_scan(db, "ANNA44", "lunch-vaartocht", now=at("12:40"), device="laptop-1")  # in the morning a door
    desk_undo = undo_scan(db, now=at("12:41"), device="laptop-1", list_="venue")  # now a desk: Ctrl+Z
    assert desk_undo.reason is Reason.NOTHING_TO_UNDO
    assert inside(db, "lunch-vaartocht") == 1 and inside(db, "venue") == 1
    door_scan(db, "CELIK1", "lunch-theater", now=at("12:42"), device="door-a")
    undone = door_undo(db, now=at("12:43"), device="door-a", session_id="lunch-vaartocht")  # after F7 back
    assert undone.reason is Reason.NOTHING_TO_UNDO  # the theatre scan is not this room's to undo
    assert inside(db, "lunch-theater") == 1


@pytest.mark.sqlite_only
def test_a_door_scan_s_work_does_not_grow_with_the_crowd_in_the_room(db, people):
    """The count a door shows comes from the room's tally, not a count of everyone inside.

    SQLite's own step counter (a progress callback every 100 virtual-machine steps, no clock)
    for one scan into a room of one, then into the same room with 5,000 people more inside:
    counting presence's rows made the second cost about 15,000 steps more; now the two are alike.
    """
    def steps_of_a_scan(code: str, minute: str) -> tuple[int, int]:
        ticks = [0]

        def tick() -> int:
            ticks[0] += 1
            return 0

        db.set_progress_handler(tick, 100)
        try:
            result = door_scan(db, code, ROOM_A, now=at(minute), device="door-a")
        finally:
            db.set_progress_handler(None, 100)
        return ticks[0], result.inside

    door_scan(db, people["Anna de Vries"], ROOM_A, now=at("11:20"), device="door-a")  # warm the statement cache
    small, inside_small = steps_of_a_scan(people["Ayşe Çelik"], "11:21")
    with immediate(db):
        first = db.execute("SELECT COALESCE(MAX(id), 0) FROM attendees").fetchone()[0] + 1
        db.executemany(
            """INSERT INTO attendees (id, code, name, organisation, city, email, status, source, search_text,
                                      created_at, updated_at)
               VALUES (?, ?, 'Crowd', '', '', '', 'registered', 'import', 'crowd', '2026-11-29', '2026-11-29')""",
            [(first + n, f"CROWD{n:05d}") for n in range(5000)],
        )
        db.executemany(
            """INSERT INTO presence (attendee_id, list, inside, entries, first_entry_at, first_entry_device,
                                     last_scan_id, last_change_at)
               VALUES (?, ?, 1, 1, '2026-11-29T11:00', 'door-a', 0, '2026-11-29T11:00')""",
            [(first + n, ROOM_A) for n in range(5000)],
        )
    crowded, inside_crowded = steps_of_a_scan(people["Søren Ødegaard"], "11:22")
    assert (inside_small, inside_crowded) == (2, 5003)  # the answer still counts them all
    assert crowded < small + 30, (small, crowded)  # counting them: 156 against 9


@pytest.mark.sqlite_only
def test_a_door_scan_reads_the_room_and_the_person_s_presence_once(db, people):
    """Capacity and presence are each read once: before its first write, a door scan reads the person and the room.

    Anna walks from room A into room B: she leaves A, her count there drops, B counts her; SQLite's
    trace of that scan has the session's capacity in one statement, and presence in one read
    before the writes (the answer read after them takes her first entry from it too).
    """
    door_scan(db, people["Anna de Vries"], ROOM_A, now=at("11:20"), device="door-a")
    statements: list[str] = []
    db.set_trace_callback(statements.append)
    try:
        moved = door_scan(db, people["Anna de Vries"], ROOM_B, now=at("11:25"), device="door-b")
    finally:
        db.set_trace_callback(None)
    assert (moved.reason, moved.moved_from, moved.inside) == (Reason.OK, ROOM_A, 1)
    assert inside(db, ROOM_A) == 0 and lists_of(db, people["Anna de Vries"]) == {"venue", ROOM_B}
    written = next(i for i, sql in enumerate(statements) if sql.lstrip().upper().startswith("INSERT"))
    before = statements[:written]
    anna = db.execute("SELECT id FROM attendees WHERE code = ?", (people["Anna de Vries"],)).fetchone()[0]
    assert sum("capacity" in sql for sql in statements) == 1, statements
    # Her presence rows by her id (the opening read joins presence only for a list it is given: none here).
    assert sum("presence" in sql and f"attendee_id = {anna}" in sql for sql in before) == 1, before
    assert len([sql for sql in before if sql.lstrip().upper().startswith("SELECT")]) == 2, before
