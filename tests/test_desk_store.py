"""The desk's store side: walk-ins, two desks racing for one person, ordered jobs, folded search, QR."""

from __future__ import annotations

import multiprocessing
import threading
import time

import pytest
import segno

from kiosk.domain.outcomes import Reason
from kiosk.store import open_store
from kiosk.store.attendees import find_by_code, search
from kiosk.store.scans import count_arrivals, create_walk_in, record_scan
from kiosk.ui.desk_jobs import ScanJob
from kiosk.ui.widgets.qr_code import qr_lines
from kiosk.ui.writes import OrderedJobs
from tests.support.event import at

# Every test using `db` or `target` runs on SQLite and on PostgreSQL (tests/conftest.py).
BOTH_BACKENDS = True


def test_walk_in_creates_the_attendee_and_their_arrival_in_one_go(db, people, now):
    result = create_walk_in(db, "  Fatma   Yıldız ", "Gemeente Zaanstad", "Zaanstad", "", now=now, device="desk-1")
    assert result.reason is Reason.OK and result.accepted
    person = find_by_code(db, result.person.code)
    assert person.name == "Fatma Yıldız" and person.source == "walk_in"
    rows = db.execute("SELECT device, reason, raw_code FROM scans WHERE attendee_id = ?", (person.id,)).fetchall()
    assert rows == [("desk-1", "ok", person.code)]
    assert result.arrivals == 1 and result.expected == 6
    assert [hit.person.code for hit in search(db, "yildiz")] == [person.code]


def test_walk_in_sent_twice_with_one_nonce_adds_one_person(db, now):
    first = create_walk_in(db, "Twice", now=now, device="desk-1", nonce="n-1")
    again = create_walk_in(db, "Twice", now=now, device="desk-1", nonce="n-1")
    assert again.replayed and again.person.code == first.person.code
    assert db.execute("SELECT COUNT(*) FROM attendees").fetchone()[0] == 1
    assert db.execute("SELECT COUNT(*) FROM scans").fetchone()[0] == 1


def test_walk_in_without_a_name_writes_nothing(db, now):
    try:
        create_walk_in(db, "   ", now=now, device="desk-1")
    except ValueError:
        pass
    else:
        raise AssertionError("a nameless walk-in was accepted")
    assert db.execute("SELECT COUNT(*) FROM attendees").fetchone()[0] == 0


def _race_desk(path: str, device: str, start_at: float, code: str, queue) -> None:
    """One desk in its own process: wait for the common instant, then check the person in."""
    db = open_store(path)
    while time.time() < start_at:
        pass
    result = record_scan(db, code, now=at("09:30"), device=device)
    queue.put(result.reason.value)


def test_two_desks_in_two_processes_count_one_person_once(db, people, target):
    context = multiprocessing.get_context("spawn")
    for round_ in range(2):
        code = list(people.values())[round_]
        queue = context.Queue()
        start_at = time.time() + 1.5  # both processes are up and spinning by then
        desks = [context.Process(target=_race_desk, args=(str(target), f"desk-{n}", start_at, code, queue))
                 for n in (1, 2)]
        for desk in desks:
            desk.start()
        for desk in desks:
            desk.join(20)
        reasons = sorted(queue.get(timeout=5) for _ in desks)
        assert reasons == ["already_in", "ok"]
    assert count_arrivals(db) == 2
    assert db.execute("SELECT COUNT(*) FROM scans WHERE reason = 'ok'").fetchone()[0] == 2


def test_ordered_jobs_run_one_at_a_time_in_order():
    jobs = OrderedJobs()
    done: list[str] = []
    running = threading.Lock()

    def drain() -> None:
        while (job := jobs.take()) is not None:
            assert running.acquire(blocking=False), "two drainers at once"
            time.sleep(0.001)
            done.append(job.code)
            running.release()

    threads = []
    for number in range(200):
        if jobs.put(ScanJob(f"C{number}")):
            threads.append(threading.Thread(target=drain))
            threads[-1].start()
    for thread in threads:
        thread.join()
    assert done == [f"C{number}" for number in range(200)]
    assert not jobs.busy


def test_search_ignores_case_and_diacritics(db, people):
    assert [h.person.name for h in search(db, "celik")] == ["Ayşe Çelik"]
    assert [h.person.name for h in search(db, "hof")] == ["Pieter van 't Hof"]
    assert [h.person.name for h in search(db, "soren")] == ["Søren Ødegaard"]
    assert [h.person.name for h in search(db, "SØR odeg")] == ["Søren Ødegaard"]


MARKUP = "[@click=app.quit]x[/]"


@pytest.mark.parametrize(("query", "found"), [
    ("celik", ["Ayşe Çelik"]),
    ("ÇELİK", ["Ayşe Çelik"]),
    ("soren", ["Søren Ødegaard"]),
    ("van 't hof", ["Pieter van 't Hof"]),
    ("vant hof", []),  # "van 't" is two words
    ("noord-holland", ["Søren Ødegaard"]),
    (MARKUP, [MARKUP]),
    ("click app quit", [MARKUP]),  # PostgreSQL's own parser reads "app.quit" as one host name
    ("[b]", [MARKUP, "Anna de Vries"]),  # b: Bold, Breda
    ("[/]", []),
    # One letter: the first matches in file order, on both stores.
    ("a", ["Ayşe Çelik", MARKUP, "Anna de Vries"]),
    ("p", ["Pieter van 't Hof", "Søren Ødegaard", "Cancelled Person"]),
    # Three letters and more are ranked (FTS5's bm25, PostgreSQL's ts_rank): the same people.
    ("gem", {"Ayşe Çelik", "Pieter van 't Hof", "Anna de Vries", "Cancelled Person"}),
    ("gemeente d", {"Pieter van 't Hof", "Anna de Vries"}),
    ("zaan", {"Ayşe Çelik"}),
])
def test_search_finds_the_same_people_on_both_stores(db, people, query, found):
    names = [hit.person.name for hit in search(db, query)]
    assert (set(names) if isinstance(found, set) else names) == found and len(names) == len(found)


def test_a_word_longer_than_an_index_takes_is_found_typed_in_full_or_begun(db, now):
    """PostgreSQL leaves a word of over 2047 bytes out of its index: each word is indexed by its first 100 letters."""
    long_word = "Ø" * 1500  # 3000 bytes
    person = create_walk_in(db, f"{long_word} Jansen", now=now, device="desk-1").person
    for query in (long_word, "o" * 100, "oooo jans", f"jansen {'o' * 101}"):
        assert [hit.person.code for hit in search(db, query)] == [person.code], query


def test_the_drawn_qr_code_holds_exactly_the_modules_of_the_code():
    lines = qr_lines("ABC234", border=0)
    rows = []
    for line in lines:
        top = [ch in "█▀" for ch in line]
        bottom = [ch in "█▄" for ch in line]
        rows += [top, bottom]
    expected = [[bool(m) for m in row] for row in segno.make_qr("ABC234").matrix_iter(border=0)]
    assert rows[: len(expected)] == expected
