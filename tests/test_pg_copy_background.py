"""A desk's offline copy is background work that keeps out of the way of the person scanning (issue 19).

On PostgreSQL every desk keeps a local copy of the event (kiosk/store/offline_copy.py), refreshed
by its switch's background thread (kiosk/store/offline_switch.py) beside the scans. Found with
bench/pg_scan_profile.py: for the two minutes after an import (or a desk's first copy) every
refresh read the whole roster again and compared it row by row, 1.6 s of the desk's CPU every two
seconds at 100,000 people, and the desk's scan moment on PostgreSQL was 3x its floor. Now the
window before the newest change is read again every REREAD_SECONDS, newer changes at every
refresh; and no piece of the background starts while a scan is written or right after a key.
"""

from __future__ import annotations

import threading

from kiosk.domain.roster import RosterRow
from kiosk.store import connect, offline_copy, offline_switch
from kiosk.store.attendees import upsert_attendees
from kiosk.store.offline_copy import open_local, refresh
from kiosk.store.offline_files import local_path
from kiosk.store.offline_switch import make_switch
from kiosk.ui import offline_desk
from tests.support.event import at
from tests.support.rereads import CountingRereads

BOTH_BACKENDS = True
# How long a test lets the background run before it looks: long for a tick on a small database.
LOOK_SECONDS = 1.0


def _name(local, code):
    row = local.execute("SELECT name, status FROM copy_attendees WHERE code = ?", (code,)).fetchone()
    return tuple(row) if row else None


def test_an_imports_window_is_read_again_every_ten_seconds_and_newer_changes_at_once(db, people, tmp_path,
                                                                                     monkeypatch):
    seconds = [1000.0]  # this device's clock
    monkeypatch.setattr(offline_copy, "wall_clock", lambda: seconds[0])
    local = open_local(local_path(tmp_path, "desk-2"))
    server = CountingRereads(db)
    refresh(server, local)
    assert server.reread == len(people)  # the import's stamp is the newest change: its rows may still land
    server.reread = 0
    for _ in range(4):  # the background's refreshes, two seconds apart
        seconds[0] += 2
        refresh(server, local)
    assert server.reread == 0  # was the whole roster at each of them (100,000 rows at the benchmark's event)
    # A correction stamped after everything seen: read at the next refresh, not ten seconds later.
    upsert_attendees(db, [RosterRow("Anna de Vries", "Gemeente Breda", "Breda", "", "ANNA44", status="cancelled")],
                     at("09:42").isoformat())
    seconds[0] += 2
    assert refresh(server, local).attendees == 1
    assert _name(local, "ANNA44") == ("Anna de Vries", "cancelled")
    # Committed late with an older stamp (another device's clock): found when the window is read again.
    upsert_attendees(db, [RosterRow("Laat Gekomen", "Gemeente Ede", "Ede", "", "LATE01")], at("09:20").isoformat())
    seconds[0] += offline_copy.REREAD_SECONDS
    server.reread = 0
    refresh(server, local)
    assert _name(local, "LATE01") == ("Laat Gekomen", "registered")  # new: by its id at once
    upsert_attendees(db, [RosterRow("Søren Ødegaard", "Provincie Noord-Holland", "Haarlem", "", "SOREN3",
                                    status="cancelled")], at("09:41").isoformat())
    seconds[0] += offline_copy.REREAD_SECONDS
    refresh(server, local)
    assert _name(local, "SOREN3") == ("Søren Ødegaard", "cancelled")
    assert server.reread > 0


def _blocked_scan(monkeypatch):
    """record_scan in the switch held at its start until released: (entered, release)."""
    entered, release = threading.Event(), threading.Event()
    real = offline_switch.record_scan

    def held(*args, **kwargs):
        entered.set()
        release.wait(30)
        return real(*args, **kwargs)

    monkeypatch.setattr(offline_switch, "record_scan", held)
    return entered, release


def test_the_background_waits_while_a_scan_is_being_written(target, db, people, tmp_path, monkeypatch):
    switch = make_switch(target, tmp_path, "desk-3", max_defer=60)
    scans = connect(target)
    entered, release = _blocked_scan(monkeypatch)
    answers = []
    scanner = threading.Thread(target=lambda: answers.append(
        switch.scan(scans, people["Ayşe Çelik"], now=at("09:40"), nonce="held-1")))
    scanner.start()
    assert entered.wait(10)
    background = threading.Thread(target=switch.tick)  # its first copy is due
    background.start()
    background.join(LOOK_SECONDS)
    try:
        assert background.is_alive()  # waiting: the copy is not made while a person's scan is written
        assert switch.person(people["Søren Ødegaard"]) is None
    finally:
        release.set()
        scanner.join(30)
        background.join(30)
    assert answers[0].person.name == "Ayşe Çelik"
    assert switch.person(people["Søren Ødegaard"]).name == "Søren Ødegaard"  # made once the scan was answered
    switch.close()
    scans.close()


def test_a_key_searched_at_the_desk_holds_the_background_off(target, db, people, tmp_path, monkeypatch):
    class Ctx:
        """The part of the desk's UI context the look-ups use."""

        def __init__(self, switch, server) -> None:
            self.offline, self._server = switch, server

        def db(self):
            return self._server

    monkeypatch.setattr(offline_switch, "QUIET_SECONDS", 60.0)  # a key just now, as seen from the background
    switch = make_switch(target, tmp_path, "desk-4", max_defer=60)
    reads = connect(target)
    assert [hit.person.name for hit in offline_desk.search_people(Ctx(switch, reads), "celik", 5)] == ["Ayşe Çelik"]
    background = threading.Thread(target=switch.tick)
    background.start()
    background.join(LOOK_SECONDS)
    try:
        assert background.is_alive()
        assert switch.person(people["Ayşe Çelik"]) is None
    finally:
        monkeypatch.setattr(offline_switch, "QUIET_SECONDS", 0.0)  # the key long ago: the copy is made
        background.join(30)
    assert switch.person(people["Ayşe Çelik"]).name == "Ayşe Çelik"
    switch.close()
    reads.close()
