"""One check-in path in the store: the scan transaction, the rows a door brings along, and the annulments."""

from __future__ import annotations

import datetime as dt

import pytest

from kiosk.domain.outcomes import Reason
from kiosk.store.door import door_scan, door_undo
from kiosk.store.scans import append_scan, record_scan, scan_transaction, undo_scan
from tests.conftest import at

# Every test using `db` or `target` runs on SQLite and on PostgreSQL (tests/conftest.py).
BOTH_BACKENDS = True

ROOM_A, ROOM_B = "r1-slim-met-stroom", "r1-woningvoorraad"


def rows(db, since: int = 0) -> list[tuple]:
    """The scan log after id `since`: nonce, device, list, direction, raw code, accepted, reason, annuls."""
    return db.execute(
        """SELECT nonce, device, list, direction, raw_code, accepted, reason, annuls FROM scans
           WHERE id > ? ORDER BY id""",
        (since,),
    ).fetchall()


def inside_lists(db, code: str) -> set[str]:
    """The lists a person is inside now (the derived presence)."""
    return {r[0] for r in db.execute(
        "SELECT p.list FROM presence p JOIN attendees a ON a.id = p.attendee_id WHERE a.code = ? AND p.inside = 1",
        (code,),
    )}


def last_id(db) -> int:
    """The newest scan's id (0 for an empty log)."""
    return db.execute("SELECT coalesce(max(id), 0) FROM scans").fetchone()[0]


def test_a_venue_arrival_a_door_brings_along_is_never_a_bounce(db, people):
    """Checked out at the desk half a second after this door checked them in: the next room still checks them in."""
    anna = people["Anna de Vries"]
    door_scan(db, anna, ROOM_A, now=at("11:00"), device="door-x", nonce="d1")
    record_scan(db, anna, now=at("11:00") + dt.timedelta(seconds=0.5), device="desk-1", direction="exit")
    start = last_id(db)
    result = door_scan(db, anna, ROOM_B, now=at("11:00") + dt.timedelta(seconds=1), device="door-x", nonce="d2")
    assert result.reason is Reason.OK and result.venue_arrival and result.moved_from == ROOM_A
    assert rows(db, start) == [
        ("d2:venue", "door-x", "venue", "entry", anna, 1, "reentry", None),
        (f"d2:moved:{ROOM_A}", "door-x", ROOM_A, "exit", anna, 1, "moved", None),
        ("d2", "door-x", ROOM_B, "entry", anna, 1, "ok", None),
    ]
    assert inside_lists(db, anna) == {"venue", ROOM_B}


def test_a_door_undo_annuls_its_scan_and_what_it_brought_along_each_named(db, people):
    anna = people["Anna de Vries"]
    door_scan(db, anna, ROOM_A, now=at("11:00"), device="door-a")  # brings her venue arrival along
    door_scan(db, anna, ROOM_B, now=at("11:10"), device="door-b", nonce="d2")  # moves her out of room A
    ids = dict(db.execute("SELECT nonce, id FROM scans WHERE nonce LIKE 'd2%'").fetchall())
    start = last_id(db)
    undone = door_undo(db, now=at("11:11"), device="door-b", session_id=ROOM_B, nonce="u1")
    assert undone.reason is Reason.UNDO and undone.list_id == ROOM_B and undone.inside == 0
    assert rows(db, start) == [
        ("u1", "door-b", ROOM_B, "entry", anna, 1, "undo", ids["d2"]),
        ("u1:1", "door-b", ROOM_A, "exit", anna, 1, "undo", ids[f"d2:moved:{ROOM_A}"]),
    ]
    assert inside_lists(db, anna) == {"venue", ROOM_A}  # back in room A; door A's venue arrival is not door B's
    assert door_undo(db, now=at("11:12"), device="door-b", session_id=ROOM_B, nonce="u1").replayed
    assert last_id(db) == start + 2


def test_the_desk_undo_appends_the_same_annulment_and_nothing_to_undo_on_its_list(db, people):
    hof = people["Pieter van 't Hof"]
    checked = record_scan(db, hof, now=at("09:40"), device="desk-1")
    start = last_id(db)
    undo_scan(db, now=at("09:41"), device="desk-1", list_="venue", nonce="u1")
    undo_scan(db, now=at("09:42"), device="desk-1", list_="venue", nonce="u2")
    door_undo(db, now=at("09:43"), device="door-a", session_id=ROOM_A, nonce="u3")
    assert rows(db, start) == [
        ("u1", "desk-1", "venue", "entry", hof, 1, "undo", checked.scan_id),
        ("u2", "desk-1", "venue", "entry", "", 0, "nothing_to_undo", None),
        ("u3", "door-a", ROOM_A, "entry", "", 0, "nothing_to_undo", None),
    ]
    assert inside_lists(db, hof) == set()


def test_a_scan_transaction_replays_a_nonce_and_rolls_back_on_an_error(db, people):
    anna = people["Anna de Vries"]
    first = record_scan(db, anna, now=at("09:40"), device="desk-1", nonce="n1")
    with scan_transaction(db, "n1", anna) as tx:
        assert tx.replay is not None and tx.replay.scan_id == first.scan_id and tx.replay.replayed
        assert tx.person is None  # a replay looks no one up: nothing more is written
    with pytest.raises(RuntimeError), scan_transaction(db, None, anna) as tx:
        assert tx.replay is None and tx.person is not None and tx.person.code == anna and len(tx.nonce) == 32
        append_scan(tx.conn, tx.nonce, at("09:41"), "desk-1", "venue", "exit", anna, tx.person.id, Reason.EXIT)
        raise RuntimeError("the block fails after appending")
    assert rows(db) == [("n1", "desk-1", "venue", "entry", anna, 1, "ok", None)]
    assert inside_lists(db, anna) == {"venue"}  # the exit's presence change rolled back with it
