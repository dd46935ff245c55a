"""A door's scans while its server is away (kiosk.store.offline_door), and a desk's reads of its copy.

The server is the test's database (SQLite or PostgreSQL); the device's copy and queue a SQLite file
in the test's folder. A door keeps its session's presence beside the venue's; offline it answers
by the door's rules, and the upload brings along what a door scan brings (the venue arrival, the
move out of another room), each scan once. Also: the desk's name search, counts and last scans
from the copy (kiosk.store.offline_reads), and which copy a desk may start from or a purge removes
(kiosk.store.offline_files).
"""

from __future__ import annotations

from kiosk.domain.outcomes import Reason
from kiosk.store.door import door_scan
from kiosk.store.offline_copy import open_local, refresh
from kiosk.store.offline_door import answer_door_offline
from kiosk.store.offline_files import find_copy, local_path, purge_local
from kiosk.store.offline_queue import answer_offline, count_waiting, upload_waiting
from kiosk.store.offline_reads import copy_search, side_panel
from kiosk.store.scan_log import recent_scans
from kiosk.store.scans import record_scan
from kiosk.store.tallies import tally
from tests.support.event import at
from tests.test_offline_store import _recount_matches

BOTH_BACKENDS = True
ROOM, OTHER = "lunch-vaartocht", "lunch-monet"  # capacity 15; another lunch room


def _door_copy(db, tmp_path, device="door-1"):
    local = open_local(local_path(tmp_path, device, "server-a"), "server-a")
    refresh(db, local, ("venue", ROOM), source="server-a")
    return local


def _stamp(moment: str) -> str:
    return at(moment).isoformat(timespec="milliseconds")


def test_a_door_answers_offline_by_the_doors_rules_with_its_rooms_count(db, people, tmp_path):
    record_scan(db, people["Søren Ødegaard"], now=at("12:30"), device="desk-1")  # at the venue already
    door_scan(db, people["Anna de Vries"], ROOM, now=at("12:31"), device="door-2")  # inside the room already
    local = _door_copy(db, tmp_path)
    first = answer_door_offline(local, people["Ayşe Çelik"], ROOM, now=at("12:40"), device="door-1", nonce="d1")
    assert (first.reason, first.accepted, first.person.name) == (Reason.OK, True, "Ayşe Çelik")
    assert (first.inside, first.capacity, first.venue_arrival) == (2, 15, True)  # not at the venue yet: arrives there too
    soren = answer_door_offline(local, people["Søren Ødegaard"], ROOM, now=at("12:41"), device="door-1", nonce="d2")
    assert (soren.reason, soren.venue_arrival, soren.inside) == (Reason.OK, False, 3)
    anna = answer_door_offline(local, people["Anna de Vries"], ROOM, now=at("12:42"), device="door-1", nonce="d3")
    assert (anna.reason, anna.inside_since) == (Reason.ALREADY_IN, _stamp("12:31"))  # "already inside since 12:31"
    bounce = answer_door_offline(local, people["Ayşe Çelik"], ROOM, now=at("12:40"), device="door-1",
                                 direction="exit", nonce="d4")
    assert bounce.reason is Reason.BOUNCE  # a door's bounce is a repeat in either direction
    out = answer_door_offline(local, people["Ayşe Çelik"], ROOM, now=at("12:50"), device="door-1", direction="exit",
                              nonce="d5")
    assert (out.reason, out.inside) == (Reason.EXIT, 2)
    # Not in the copy (the server may know it): kept amber, judged on upload, not "unknown" offline.
    assert answer_door_offline(local, "NOSUCH", ROOM, now=at("12:51"), device="door-1",
                               nonce="d6").reason is Reason.NOT_IN_COPY
    assert count_waiting(local) == 6
    # The desk on this device knows she arrived (the venue's presence in the copy).
    assert side_panel(local, "desk-x", at("12:52"))[0] == 3  # Søren, Anna and Ayşe, as far as this device knows


def test_the_upload_brings_the_venue_arrival_along_once_at_the_real_time(db, people, tmp_path):
    local = _door_copy(db, tmp_path)
    answer_door_offline(local, people["Ayşe Çelik"], ROOM, now=at("12:40"), device="door-1", nonce="u1")
    answer_door_offline(local, people["Ayşe Çelik"], ROOM, now=at("12:55"), device="door-1", direction="exit",
                        nonce="u2")
    assert upload_waiting(db, local).sent == 2
    assert upload_waiting(db, local).sent == 0  # once each
    rows = db.execute("SELECT nonce, list, direction, reason, at, device FROM scans ORDER BY id").fetchall()
    assert rows == [("u1:venue", "venue", "entry", "ok", _stamp("12:40"), "door-1"),
                    ("u1", ROOM, "entry", "ok", _stamp("12:40"), "door-1"),
                    ("u2", ROOM, "exit", "exit", _stamp("12:55"), "door-1")]
    assert (tally(db, "arrived:venue"), tally(db, f"arrived:{ROOM}"), tally(db, f"inside:{ROOM}")) == (1, 1, 0)
    _recount_matches(db)


def test_a_code_the_doors_copy_does_not_hold_is_judged_by_the_doors_rules_on_upload(db, people, tmp_path):
    from kiosk.domain.roster import RosterRow
    from kiosk.store.attendees import upsert_attendees

    local = _door_copy(db, tmp_path)
    # Registered at a desk after the door's last refresh; the door is offline when they come.
    upsert_attendees(db, [RosterRow("Late Entry", "", "", "", "LATE77")], at("12:39").isoformat())
    late = answer_door_offline(local, "LATE77", ROOM, now=at("12:40"), device="door-1", nonce="n1")
    assert (late.reason, late.light.value, late.inside, late.venue_arrival) == (Reason.NOT_IN_COPY, "amber", 0, False)
    upload_waiting(db, local)
    rows = db.execute("SELECT nonce, list, reason, at FROM scans WHERE nonce LIKE 'n1%' ORDER BY id").fetchall()
    assert rows == [("n1:venue", "venue", "ok", _stamp("12:40")), ("n1", ROOM, "ok", _stamp("12:40"))]
    assert (tally(db, "arrived:venue"), tally(db, f"inside:{ROOM}")) == (1, 1)
    _recount_matches(db)


def test_the_upload_moves_them_out_of_the_room_the_server_knows_them_in(db, people, tmp_path):
    local = _door_copy(db, tmp_path)
    door_scan(db, people["Anna de Vries"], OTHER, now=at("12:35"), device="door-9")  # the copy holds no other room
    answer_door_offline(local, people["Anna de Vries"], ROOM, now=at("12:40"), device="door-1", nonce="m1")
    upload_waiting(db, local)
    moved = db.execute("SELECT list, direction, reason FROM scans WHERE nonce LIKE 'm1%' ORDER BY id").fetchall()
    assert moved == [(OTHER, "exit", "moved"), (ROOM, "entry", "ok")]
    assert (tally(db, f"inside:{OTHER}"), tally(db, f"inside:{ROOM}"), tally(db, "arrived:venue")) == (0, 1, 1)
    _recount_matches(db)


def test_someone_let_into_the_room_by_another_door_meanwhile_is_a_flagged_double_entry(db, people, tmp_path):
    local = _door_copy(db, tmp_path)
    answer_door_offline(local, people["Ayşe Çelik"], ROOM, now=at("12:40"), device="door-1", nonce="x1")
    door_scan(db, people["Ayşe Çelik"], ROOM, now=at("12:41"), device="door-2")  # the room's other door, online
    upload_waiting(db, local)
    assert db.execute("SELECT reason, accepted FROM scans WHERE nonce = 'x1'").fetchall() == [("offline_duplicate", 0)]
    assert db.execute("SELECT COUNT(*) FROM scans WHERE nonce LIKE 'x1:%'").fetchone()[0] == 0  # nothing brought along
    assert (tally(db, f"arrived:{ROOM}"), tally(db, f"inside:{ROOM}"), tally(db, "arrived:venue")) == (1, 1, 1)
    _recount_matches(db)


def test_a_name_search_in_the_copy_folds_diacritics(db, people, tmp_path):
    local = open_local(local_path(tmp_path, "desk-2"))
    refresh(db, local)
    record_scan(db, people["Ayşe Çelik"], now=at("09:20"), device="desk-1")
    refresh(db, local)
    hits = copy_search(local, "celik")
    assert [(hit.person.name, hit.inside) for hit in hits] == [("Ayşe Çelik", True)]
    assert [hit.person.name for hit in copy_search(local, "SØR ode")] == ["Søren Ødegaard"]
    assert [hit.person.name for hit in copy_search(local, "van 't")] == ["Pieter van 't Hof"]
    assert [hit.person.code for hit in copy_search(local, "bold")] == ["MARKUP"]  # [b]Bold Org[/b]: text, not markup
    assert copy_search(local, "%") == [] and copy_search(local, "zzz") == []


def test_the_side_panel_offline_counts_this_desks_queued_scans_and_marks_them_waiting(db, people, tmp_path):
    local = open_local(local_path(tmp_path, "desk-2"))
    record_scan(db, people["Søren Ødegaard"], now=at("09:20"), device="desk-2")
    refresh(db, local)
    shown = recent_scans(db, device="desk-2", list_="venue")  # what the panel read before the server went
    answer_offline(local, people["Anna de Vries"], now=at("09:40"), device="desk-2", nonce="s1")
    # A clock that went back (a rehearsal's KIOSK_NOW started again): still listed in the order made.
    answer_offline(local, people["Pieter van 't Hof"], now=at("09:39"), device="desk-2", nonce="s2")
    arrived, expected, last_ten, recent = side_panel(local, "desk-2", at("09:45"), shown)
    assert (arrived, expected, last_ten) == (3, 5, 2)  # Anna and Pieter arrived within the last ten minutes
    assert [(row.name, row.reason, row.waiting) for row in recent] == [("Pieter van 't Hof", "ok", True),
                                                                      ("Anna de Vries", "ok", True),
                                                                      ("Søren Ødegaard", "ok", False)]
    upload_waiting(db, local)
    shown = recent_scans(db, device="desk-2", list_="venue")
    recent = side_panel(local, "desk-2", at("09:45"), shown)[3]
    assert [(row.name, row.waiting) for row in recent] == [("Anna de Vries", False), ("Pieter van 't Hof", False),
                                                          ("Søren Ødegaard", False)]


def test_a_desk_starts_only_from_its_own_copy_of_this_database(db, people, tmp_path):
    assert find_copy(tmp_path, "desk-2", "server-a") is None  # never ran on it: the server is needed once
    local = open_local(local_path(tmp_path, "desk-2", "server-a"), "server-a")
    assert find_copy(tmp_path, "desk-2", "server-a") is None  # made, but holding no one yet
    refresh(db, local, source="server-a")
    local.close()
    assert find_copy(tmp_path, "desk-2", "server-a") == local_path(tmp_path, "desk-2", "server-a")
    assert find_copy(tmp_path, "desk-2", "server-b") is None  # another database's: not this one's copy
    assert find_copy(tmp_path, "desk-3", "server-a") is None
    assert local_path(tmp_path, "desk-2", "server-a") != local_path(tmp_path, "desk-2", "server-b")


def test_the_purge_removes_only_copies_recorded_as_this_databases(db, people, tmp_path):
    mine = open_local(local_path(tmp_path, "desk-1", "server-a"), "server-a")
    refresh(db, mine, source="server-a")
    blank = open_local(local_path(tmp_path, "kiosk-foyer-1"))  # a copy that records no database
    other = open_local(local_path(tmp_path, "desk-1", "server-b"), "server-b")
    for conn in (mine, blank, other):
        conn.close()
    removed, kept = purge_local(tmp_path, "server-a")
    assert {path.name for path in removed if path.suffix == ".db"} == {local_path(tmp_path, "desk-1", "server-a").name}
    assert kept == []
    assert local_path(tmp_path, "kiosk-foyer-1").exists()  # the reported bug: it was removed
    assert local_path(tmp_path, "desk-1", "server-b").exists()


def test_one_database_is_one_copy_however_its_password_is_given(tmp_path):
    from kiosk.store.offline_files import copy_source

    plain = "postgresql://kiosk@10.0.0.5:5432/g40"
    assert copy_source("postgresql://kiosk:s3cret@10.0.0.5:5432/g40") == plain  # KIOSK_DB with the password
    assert copy_source("postgresql://kiosk:***@10.0.0.5:5432/g40") == plain  # as `kiosk purge` shows it
    assert local_path(tmp_path, "desk-1", "postgresql://kiosk:s3cret@10.0.0.5:5432/g40") == local_path(
        tmp_path, "desk-1", plain)
    assert "s3cret" not in local_path(tmp_path, "desk-1", "postgresql://kiosk:s3cret@10.0.0.5:5432/g40").name
