"""A desk's local copy and offline queue (kiosk.store.offline_copy, offline_queue): kept, uploaded once, flagged.

The server here is the test's database (SQLite or PostgreSQL); the device's own file is a SQLite
file in the test's folder. The switch that picks online or offline by itself is in
tests/test_offline_storm.py.
"""

from __future__ import annotations

import stat

from kiosk.domain.outcomes import Reason
from kiosk.domain.roster import RosterRow
from kiosk.store import offline_copy
from kiosk.store.attendees import upsert_attendees
from kiosk.store.db import is_postgres
from kiosk.store.devices import devices_seen, heartbeat
from kiosk.store.offline_copy import open_local, refresh
from kiosk.store.offline_files import local_files, local_path
from kiosk.store.offline_queue import (
    answer_offline,
    count_waiting,
    upload_one,
    upload_waiting,
    waiting,
    walk_in_offline,
)
from kiosk.store.presence import rebuild_presence
from kiosk.store.scans import record_scan
from kiosk.store.schema import recount_tallies
from kiosk.store.tallies import tally
from tests.support.event import at
from tests.support.rereads import CountingRereads

BOTH_BACKENDS = True


def _local(tmp_path, device="desk-2"):
    return open_local(local_path(tmp_path, device))


def _log(db, nonce):
    return db.execute("SELECT reason, accepted, at, device, list, direction FROM scans WHERE nonce = ?",
                      (nonce,)).fetchall()


def _recount_matches(db) -> None:
    """Presence and the running counts equal a recount from the scan log."""
    before = db.execute("SELECT * FROM presence ORDER BY attendee_id, list").fetchall()
    tallies = {k: v for k, v in db.execute("SELECT key, value FROM tallies").fetchall() if v}
    db.execute("BEGIN" if is_postgres(db) else "BEGIN IMMEDIATE")
    rebuild_presence(db)
    recount = db.execute("SELECT * FROM presence ORDER BY attendee_id, list").fetchall()
    recount_tallies(db)
    recounted = {k: v for k, v in db.execute("SELECT key, value FROM tallies").fetchall() if v}
    db.execute("ROLLBACK")
    assert before == recount
    assert tallies == recounted


def test_the_copy_holds_what_a_scan_needs_and_no_email(db, people, tmp_path):
    local = _local(tmp_path)
    refresh(db, local)
    row = local.execute("SELECT code, name, organisation, city, status FROM copy_attendees WHERE code = 'CELIK1'").fetchone()
    assert row == ("CELIK1", "Ayşe Çelik", "Gemeente Zaanstad", "Zaanstad", "registered")
    columns = [c[1] for c in local.execute("PRAGMA table_info(copy_attendees)")]
    assert "email" not in columns
    path = local_path(tmp_path, "desk-2")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert local.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_a_refresh_reads_only_what_changed(db, people, tmp_path):
    local = _local(tmp_path)
    first = refresh(db, local)
    assert first.attendees == len(people)
    assert refresh(db, local).attendees == 0  # nothing new: nothing read again
    record_scan(db, people["Anna de Vries"], now=at("09:40"), device="desk-1")
    upsert_attendees(db, [RosterRow("Nieuwe Gast", "Gemeente Ede", "Ede", "", "NEW777")], at("09:41").isoformat())
    upsert_attendees(db, [RosterRow("Anna de Vries", "Gemeente Breda", "Breda", "", "ANNA44", status="cancelled")],
                     at("09:42").isoformat())
    second = refresh(db, local)
    assert second.attendees == 2  # the new one and the cancelled one, not the whole roster
    assert local.execute("SELECT status FROM copy_attendees WHERE code = 'ANNA44'").fetchone() == ("cancelled",)
    assert local.execute("SELECT name FROM copy_attendees WHERE code = 'NEW777'").fetchone() == ("Nieuwe Gast",)
    inside = local.execute("SELECT inside FROM copy_presence p JOIN copy_attendees a ON a.id = p.attendee_id "
                           "WHERE a.code = 'ANNA44' AND p.list = 'venue'").fetchone()
    assert inside == (1,)


def test_an_imports_rows_are_read_again_only_until_their_stamp_has_stood_still(db, people, tmp_path, monkeypatch):
    seconds = [1000.0]  # this device's clock
    monkeypatch.setattr(offline_copy, "wall_clock", lambda: seconds[0])
    local = _local(tmp_path)
    server = CountingRereads(db)
    refresh(server, local)
    assert server.reread == len(people)  # the import's stamp is the newest change: its rows may still be landing
    seconds[0] += 60
    refresh(server, local)
    assert server.reread == 2 * len(people)
    seconds[0] += 61  # the stamp has stood still for two minutes: no write can still be on its way with it
    refresh(server, local)
    server.reread = 0
    for _ in range(3):
        refresh(server, local)
    assert server.reread == 0  # was the whole roster every two seconds, for good (100,000 rows after an import)
    upsert_attendees(db, [RosterRow("Anna de Vries", "Gemeente Breda", "Breda", "", "ANNA44", status="cancelled")],
                     at("09:42").isoformat())  # a correction after it: read, and its own window read again
    assert refresh(server, local).attendees == 1
    assert local.execute("SELECT status FROM copy_attendees WHERE code = 'ANNA44'").fetchone() == ("cancelled",)
    assert server.reread == 1


def test_offline_answers_green_red_and_already_here(db, people, tmp_path):
    local = _local(tmp_path)
    record_scan(db, people["Søren Ødegaard"], now=at("09:20"), device="desk-1")
    refresh(db, local)
    green = answer_offline(local, people["Ayşe Çelik"].lower(), now=at("09:40"), device="desk-2", nonce="n-green")
    assert (green.reason, green.accepted, green.person.name) == (Reason.OK, True, "Ayşe Çelik")
    # Not in the copy: the server may know it, so not "unknown" offline (amber, judged on upload).
    assert answer_offline(local, "NOSUCH", now=at("09:41"), device="desk-2", nonce="n-amber").reason is Reason.NOT_IN_COPY
    assert answer_offline(local, people["Cancelled Person"], now=at("09:41"), device="desk-2",
                          nonce="n-canc").reason is Reason.CANCELLED
    # Checked in by another desk before the desk went offline, and by this desk offline a minute ago.
    soren = answer_offline(local, people["Søren Ødegaard"], now=at("09:42"), device="desk-2", nonce="n-soren")
    assert (soren.reason, soren.first_entry_device) == (Reason.ALREADY_IN, "desk-1")  # "first checked in ... at desk-1"
    again = answer_offline(local, people["Ayşe Çelik"], now=at("09:43"), device="desk-2", nonce="n-again")
    assert (again.reason, again.first_entry_device) == (Reason.ALREADY_IN, "desk-2")
    assert green.arrivals == 2  # Søren and Ayşe, as far as this desk knows


def test_the_queue_is_on_disk_with_nonce_time_device_list_and_direction(db, people, tmp_path):
    local = _local(tmp_path)
    refresh(db, local)
    answer_offline(local, people["Anna de Vries"], now=at("09:40"), device="desk-2", nonce="n1")
    answer_offline(local, people["Anna de Vries"], now=at("09:50"), device="desk-2", direction="exit", nonce="n2")
    local.close()  # as if the desk were killed: the rows were committed before the answers were returned
    again = _local(tmp_path)
    kept = [(q.nonce, q.at, q.device, q.list, q.direction, q.reason) for q in waiting(again)]
    assert kept == [("n1", at("09:40").isoformat(timespec="milliseconds"), "desk-2", "venue", "entry", "ok"),
                    ("n2", at("09:50").isoformat(timespec="milliseconds"), "desk-2", "venue", "exit", "exit")]
    # The same nonce again (a retry) answers as the first time and adds no row.
    assert answer_offline(again, people["Anna de Vries"], now=at("09:51"), device="desk-2", nonce="n1").replayed
    assert count_waiting(again) == 2


def test_upload_goes_in_order_with_real_times_exactly_once(db, people, tmp_path):
    local = _local(tmp_path)
    refresh(db, local)
    answer_offline(local, people["Anna de Vries"], now=at("09:40"), device="desk-2", nonce="u1")
    answer_offline(local, people["Anna de Vries"], now=at("09:50"), device="desk-2", direction="exit", nonce="u2")
    # The server committed the first, then the desk died before marking it uploaded.
    upload_one(db, waiting(local)[0])
    done = upload_waiting(db, local)
    assert (done.sent, done.replayed) == (2, 1)
    assert upload_waiting(db, local).sent == 0
    assert count_waiting(local) == 0
    rows = db.execute("SELECT nonce, reason, at, device FROM scans WHERE device = 'desk-2' ORDER BY id").fetchall()
    assert rows == [("u1", "ok", at("09:40").isoformat(timespec="milliseconds"), "desk-2"),
                    ("u2", "exit", at("09:50").isoformat(timespec="milliseconds"), "desk-2")]
    _recount_matches(db)


def test_someone_let_in_elsewhere_meanwhile_is_a_flagged_double_entry_not_a_second_arrival(db, people, tmp_path):
    local = _local(tmp_path)
    refresh(db, local)
    # desk-2 is offline and lets Ayşe in; meanwhile desk-1, online, checks her in too.
    assert answer_offline(local, people["Ayşe Çelik"], now=at("09:40"), device="desk-2",
                          nonce="off-1").reason is Reason.OK
    record_scan(db, people["Ayşe Çelik"], now=at("09:41"), device="desk-1")
    upload_waiting(db, local)
    assert _log(db, "off-1") == [("offline_duplicate", 0, at("09:40").isoformat(timespec="milliseconds"), "desk-2",
                                  "venue", "entry")]
    assert tally(db, "arrived:venue") == 1
    firsts = db.execute("SELECT COUNT(*) FROM scans WHERE reason = 'ok' AND accepted = 1").fetchone()[0]
    assert firsts == 1
    _recount_matches(db)


def test_refused_scans_are_uploaded_as_they_were_shown(db, people, tmp_path):
    local = _local(tmp_path)
    refresh(db, local)
    answer_offline(local, people["Cancelled Person"], now=at("09:41"), device="desk-2", nonce="r2")
    # Reinstated on the server meanwhile: the person was still turned away, and so it is logged.
    upsert_attendees(db, [RosterRow("Cancelled Person", "Gemeente Ede", "Ede", "", people["Cancelled Person"])],
                     at("09:42").isoformat())
    upload_waiting(db, local)
    assert [row[:2] for row in _log(db, "r2")] == [("cancelled", 0)]
    assert tally(db, "arrived:venue") == 0


def test_a_code_the_copy_does_not_hold_is_kept_and_the_server_judges_it_on_upload(db, people, tmp_path):
    local = _local(tmp_path)
    refresh(db, local)
    # A walk-in registered at another desk after this desk's last refresh, then this desk goes offline.
    upsert_attendees(db, [RosterRow("Late [b]Entry[/b]", "", "", "", "LATE77")], at("09:39").isoformat())
    late = answer_offline(local, "late77", now=at("09:40"), device="desk-2", nonce="x1")
    typo = answer_offline(local, "NOSUCH", now=at("09:41"), device="desk-2", nonce="x2")
    assert (late.reason, late.accepted, late.person) == (Reason.NOT_IN_COPY, False, None)
    assert (typo.reason, typo.light.value) == (Reason.NOT_IN_COPY, "amber")
    assert count_waiting(local) == 2
    upload_waiting(db, local)
    # Known on the server: an arrival at the scan's real time; unknown there: unknown_code, refused.
    assert _log(db, "x1") == [("ok", 1, at("09:40").isoformat(timespec="milliseconds"), "desk-2", "venue", "entry")]
    assert [row[:2] for row in _log(db, "x2")] == [("unknown_code", 0)]
    assert tally(db, "arrived:venue") == 1
    _recount_matches(db)


def test_a_desk_whose_copy_was_never_filled_keeps_every_scan_for_the_server_to_judge(db, people, tmp_path):
    local = _local(tmp_path)  # offline before its first refresh: the copy holds nobody
    desk_walk_in = walk_in_offline(local, "Offline Gast", now=at("09:39"), device="desk-2", nonce="w0")
    soren = answer_offline(local, people["Søren Ødegaard"], now=at("09:40"), device="desk-2", nonce="e1")
    again = answer_offline(local, people["Søren Ødegaard"], now=at("09:41"), device="desk-2", nonce="e2")
    typo = answer_offline(local, "NOSUCH", now=at("09:42"), device="desk-2", nonce="e3")
    # Never "unknown" (nor an arrival the copy cannot vouch for): kept, the server judges it.
    assert [r.reason for r in (soren, again, typo)] == [Reason.NO_COPY] * 3
    assert desk_walk_in.reason is Reason.OK  # this desk's own offline walk-in is in the copy
    upload_waiting(db, local)
    assert [row[:2] for row in _log(db, "e1")] == [("ok", 1)]
    assert [row[:2] for row in _log(db, "e2")] == [("already_in", 0)]  # the server's own judgement: never twice
    assert [row[:2] for row in _log(db, "e3")] == [("unknown_code", 0)]
    assert tally(db, "arrived:venue") == 2  # Søren and the walk-in
    _recount_matches(db)
    refresh(db, local)
    assert answer_offline(local, "NOSUCH", now=at("09:43"), device="desk-2", nonce="e4").reason is Reason.NOT_IN_COPY


def test_offline_walk_ins_of_two_desks_get_distinct_codes_and_arrive_once(db, people, tmp_path):
    one, two = _local(tmp_path, "desk-1"), _local(tmp_path, "desk-2")
    refresh(db, one)
    refresh(db, two)
    a = walk_in_offline(one, "Çelik [b]Walk[/b]", "Gemeente Ede", now=at("09:40"), device="desk-1", nonce="w1")
    b = walk_in_offline(two, "Søren Walk", now=at("09:40"), device="desk-2", nonce="w2")
    c = walk_in_offline(two, "Derde Walk", now=at("09:41"), device="desk-2", nonce="w3")
    codes = [a.person.code, b.person.code, c.person.code]
    assert codes == ["DESK1-001", "DESK2-001", "DESK2-002"]
    # The walk-in's new badge, scanned again at the same desk offline: already here.
    assert answer_offline(two, "desk2-001", now=at("09:45"), device="desk-2", nonce="w2b").reason is Reason.ALREADY_IN
    upload_waiting(db, one)
    upload_waiting(db, two)
    names = dict(db.execute("SELECT code, name FROM attendees WHERE source = 'walk_in'").fetchall())
    assert names == {"DESK1-001": "Çelik [b]Walk[/b]", "DESK2-001": "Søren Walk", "DESK2-002": "Derde Walk"}
    assert tally(db, "arrived:venue") == 3
    assert upload_waiting(db, two).sent == 0
    # After the next refresh the copy holds the server's rows, once each: three arrivals, not six.
    refresh(db, two)
    assert two.execute("SELECT COUNT(*) FROM copy_attendees WHERE code LIKE 'DESK%'").fetchone()[0] == 3
    assert two.execute("SELECT COUNT(*) FROM copy_presence WHERE attendee_id < 0").fetchone()[0] == 0
    _recount_matches(db)


def test_an_offline_code_the_server_has_already_is_replaced(db, people, tmp_path):
    local = _local(tmp_path, "desk-1")
    refresh(db, local)
    upsert_attendees(db, [RosterRow("Bestaand", "", "", "", "DESK1-001")], at("09:00").isoformat())
    walk_in_offline(local, "Nieuw", now=at("09:40"), device="desk-1", nonce="w1")
    done = upload_waiting(db, local)
    new_code = done.recoded["DESK1-001"]
    assert db.execute("SELECT name FROM attendees WHERE code = ?", (new_code,)).fetchone() == ("Nieuw",)
    assert db.execute("SELECT name FROM attendees WHERE code = 'DESK1-001'").fetchone() == ("Bestaand",)


def test_devices_report_their_heartbeat(db, tmp_path):
    heartbeat(db, "desk-2", "desk", at("09:40"), 12, at("09:30").isoformat())
    heartbeat(db, "desk-1", "desk", at("09:40"), 0)
    heartbeat(db, "desk-2", "desk", at("09:41"), 3, at("09:30").isoformat())
    seen = devices_seen(db)
    assert [(d.device, d.waiting, d.seconds_ago(at("09:41"))) for d in seen] == [("desk-1", 0, 60), ("desk-2", 3, 0)]


def test_the_purge_removes_this_servers_copies_but_keeps_one_with_scans_waiting(db, people, tmp_path):
    from kiosk.store.offline_files import purge_local

    done, waits, other = _local(tmp_path, "desk-1"), _local(tmp_path, "desk 2/../x"), _local(tmp_path, "desk-3")
    refresh(db, done, source="server-a")
    refresh(db, waits, source="server-a")
    refresh(db, other, source="server-b")
    answer_offline(waits, people["Anna de Vries"], now=at("09:40"), device="desk 2/../x", nonce="p1")
    for conn in (done, waits, other):
        conn.close()
    removed, kept = purge_local(tmp_path, "server-a")
    assert {path.name for path in removed} >= {"offline-desk-1.db"}
    assert not local_path(tmp_path, "desk-1").exists()
    assert [(path.name, n) for path, n in kept] == [("offline-desk_2_.._x.db", 1)]
    assert local_path(tmp_path, "desk 2/../x").exists() and local_path(tmp_path, "desk-3").exists()
    assert {path.name for path in local_files(tmp_path)} >= {"offline-desk_2_.._x.db", "offline-desk-3.db"}


def test_what_an_offline_scan_is_logged_as_on_upload():
    from kiosk.domain.scan_rules import ScanOutcome, uploaded_outcome

    def up(offline: Reason, server: Reason, direction: str = "entry") -> Reason:
        return uploaded_outcome(ScanOutcome(offline, direction), ScanOutcome(server, direction)).reason

    assert up(Reason.OK, Reason.OK) is Reason.OK
    assert up(Reason.OK, Reason.REENTRY) is Reason.REENTRY
    assert up(Reason.OK, Reason.ALREADY_IN) is Reason.OFFLINE_DUPLICATE
    assert up(Reason.REENTRY, Reason.BOUNCE) is Reason.OFFLINE_DUPLICATE
    assert up(Reason.UNKNOWN_CODE, Reason.OK) is Reason.UNKNOWN_CODE  # turned away (an older kiosk's queue): as shown
    assert up(Reason.NOT_IN_COPY, Reason.OK) is Reason.OK  # kept unjudged offline: the server's judgement
    assert up(Reason.NO_COPY, Reason.UNKNOWN_CODE) is Reason.UNKNOWN_CODE
    assert up(Reason.NO_COPY, Reason.ALREADY_IN) is Reason.ALREADY_IN
    assert up(Reason.CANCELLED, Reason.OK) is Reason.CANCELLED
    assert up(Reason.ALREADY_IN, Reason.OK) is Reason.OK  # "already here" offline, not on the server: counted
    assert up(Reason.ALREADY_IN, Reason.BOUNCE) is Reason.ALREADY_IN
    assert up(Reason.EXIT, Reason.NOT_INSIDE, "exit") is Reason.NOT_INSIDE


def test_two_slow_writes_of_five_or_a_connection_fault_send_the_desk_offline():
    from kiosk.domain.link_rules import LinkHealth, connection_fault

    health = LinkHealth()
    assert [health.record(t) for t in (0.01, 1.5, 0.02, 0.01)] == [False, False, False, False]
    assert health.record(1.2) is True
    health.reset()
    assert health.record(0.01) is False
    assert connection_fault("unreachable") and connection_fault("lost")
    assert not connection_fault("busy") and not connection_fault("full")
