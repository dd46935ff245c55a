"""The desk's undo rules (kiosk/domain/undo_rules.py) and the store's Ctrl+Z that applies them (store/undo.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from kiosk.domain.outcomes import Reason
from kiosk.domain.undo_rules import UndoTarget, UndoVerdict, affiliation, undo_verdict
from kiosk.store.scans import count_arrivals, record_scan, undo_scan
from kiosk.store.undo import UndoHeld, undo_last
from tests.support.event import at

# Every test using `db` or `target` runs on SQLite and on PostgreSQL (tests/conftest.py).
BOTH_BACKENDS = True


def target(hhmm: str, *, is_last: bool) -> UndoTarget:
    return UndoTarget(scan_id=1, at=at(hhmm), direction="entry", reason="ok", is_last=is_last,
                      name="Daan Meijer", organisation="Gemeente Emmen", city="Emmen")


@pytest.mark.parametrize(("made", "is_last", "verdict"), [
    ("11:44", True, UndoVerdict.UNDO),  # the scan just made: undone at once
    ("11:35", True, UndoVerdict.UNDO),  # exactly 10 minutes: still fresh
    ("11:34:59", True, UndoVerdict.ASK),  # the last scan, but stale: a slip is likelier than a fix
    ("11:44", False, UndoVerdict.ASK),  # older than the last scan: asks, naming the person
    ("11:35", False, UndoVerdict.ASK),
    ("11:34:59", False, UndoVerdict.TOO_OLD),  # older and past 10 minutes: only from the F9 list
])
def test_what_ctrl_z_may_undo_asks_or_refuses(made, is_last, verdict):
    assert undo_verdict(target(made, is_last=is_last), at("11:45")) is verdict


@pytest.mark.parametrize("made", ["11:44", "09:00", "00:01"])
def test_the_f9_list_always_asks_and_allows_any_age(made):
    for is_last in (True, False):
        assert undo_verdict(target(made, is_last=is_last), at("11:45"), from_list=True) is UndoVerdict.ASK


def test_affiliation_is_the_organisation_else_the_city():
    assert affiliation("Gemeente Emmen", "Emmen") == "Gemeente Emmen"
    assert affiliation("", "Emmen") == "Emmen"
    assert affiliation("   ", " Emmen ") == "Emmen"
    assert affiliation(None, None) == ""
    assert target("11:44", is_last=True).affiliation == "Gemeente Emmen"


# ---- the store's Ctrl+Z ------------------------------------------------------------------------

def scan_count(db) -> int:
    return db.execute("SELECT COUNT(*) FROM scans").fetchone()[0]


def test_a_second_ctrl_z_writes_nothing_and_names_the_earlier_person(db, people):
    record_scan(db, "CELIK1", now=at("11:40"), device="desk-1")
    record_scan(db, "ANNA44", now=at("11:44"), device="desk-1")
    first = undo_last(db, now=at("11:45"), device="desk-1")
    assert first.reason is Reason.UNDO and first.person.name == "Anna de Vries"
    before = scan_count(db)
    second = undo_last(db, now=at("11:45:02"), device="desk-1")
    assert isinstance(second, UndoHeld) and second.verdict is UndoVerdict.ASK
    held = second.target
    assert (held.name, held.affiliation, f"{held.at:%H:%M}", held.is_last) == (
        "Ayşe Çelik", "Gemeente Zaanstad", "11:40", False)
    assert scan_count(db) == before and count_arrivals(db) == 1  # Ayşe is still arrived
    # Staff said yes: the confirmed undo names the scan, and the log gains one annulling row.
    confirmed = undo_scan(db, now=at("11:45:05"), device="desk-1", scan_id=held.scan_id, list_="venue")
    assert confirmed.reason is Reason.UNDO and count_arrivals(db) == 0


def test_an_older_scan_past_ten_minutes_is_refused_but_the_list_may_undo_it(db, people):
    old = record_scan(db, "CELIK1", now=at("11:30"), device="desk-1")
    record_scan(db, "ANNA44", now=at("11:44"), device="desk-1")
    undo_last(db, now=at("11:45"), device="desk-1")
    refused = undo_last(db, now=at("11:45:01"), device="desk-1")
    assert isinstance(refused, UndoHeld) and refused.verdict is UndoVerdict.TOO_OLD
    assert refused.target.scan_id == old.scan_id and count_arrivals(db) == 1
    assert undo_scan(db, now=at("11:46"), device="desk-1", scan_id=old.scan_id, list_="venue").reason is Reason.UNDO


def test_refused_scans_and_other_desks_do_not_make_a_scan_older(db, people):
    record_scan(db, "CELIK1", now=at("11:40"), device="desk-1")
    record_scan(db, "QQQ999", now=at("11:41"), device="desk-1")  # unknown code: changed nothing
    record_scan(db, "CELIK1", now=at("11:42"), device="desk-1")  # already inside: changed nothing
    record_scan(db, "ANNA44", now=at("11:43"), device="desk-2")  # another desk
    result = undo_last(db, now=at("11:45"), device="desk-1")
    assert result.reason is Reason.UNDO and result.person.name == "Ayşe Çelik"
    assert count_arrivals(db) == 1  # Anna, at desk-2, stays


def test_a_stale_last_scan_asks_and_nothing_to_undo_is_logged(db, people):
    assert undo_last(db, now=at("11:45"), device="desk-1").reason is Reason.NOTHING_TO_UNDO
    record_scan(db, "CELIK1", now=at("09:05"), device="desk-1")
    held = undo_last(db, now=at("11:45"), device="desk-1")
    assert isinstance(held, UndoHeld) and held.verdict is UndoVerdict.ASK and held.target.is_last
    assert count_arrivals(db) == 1


def test_ctrl_z_sent_twice_with_one_nonce_undoes_once(db, people):
    record_scan(db, "CELIK1", now=at("11:40"), device="desk-1")
    record_scan(db, "ANNA44", now=at("11:44"), device="desk-1")
    first = undo_last(db, now=at("11:45"), device="desk-1", nonce="z-1")
    again = undo_last(db, now=at("11:45"), device="desk-1", nonce="z-1")
    assert again.replayed and again.scan_id == first.scan_id
    assert count_arrivals(db) == 1


def test_the_time_compared_is_the_scans_own(db, people):
    record_scan(db, "CELIK1", now=at("11:40"), device="desk-1")
    record_scan(db, "ANNA44", now=at("11:41"), device="desk-1")
    undo_last(db, now=at("11:42"), device="desk-1")
    # 11:40 + 10 minutes: still asks at 11:50, refused a second later.
    assert undo_last(db, now=at("11:50"), device="desk-1").verdict is UndoVerdict.ASK
    assert undo_last(db, now=at("11:50") + dt.timedelta(seconds=1), device="desk-1").verdict is UndoVerdict.TOO_OLD
