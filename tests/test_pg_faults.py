"""Faults of a network database (issue 17, item 5): each one sentence, never a check-in shown as done
that was not committed, and the same connection working again once the server is back.

The server stopped and started again, or restarted, is a small cluster of this module's own
(`own_server`): the run's shared `pg_server` is never stopped. A pulled network is a relay that
goes dark without a word, not even a TCP reset (tests/support/pg_proxy.py), so the kiosk's own
timeouts (tcp_user_timeout, keepalives, connect_timeout in kiosk.store.pg) must end the wait.
Calls that could hang run on a thread with a generous guard: a hang fails the test, the figures
are measured by hand (the machine is loaded).
"""

from __future__ import annotations

import threading
from urllib.parse import quote

import psycopg
import pytest

from kiosk.store import StoreError, connect, open_store, pg_silence
from kiosk.store.attendees import RosterRow, upsert_attendees
from kiosk.store.pg import WRITE_LOCK
from kiosk.store.scans import count_arrivals, record_scan
from kiosk.store.watch import watch_changes
from kiosk.ui.fault import FAULTS, fault_message
from tests.support.event import at
from tests.support.own_server import PEOPLE, own_database
from tests.support.pg_proxy import NetworkCable

pytestmark = pytest.mark.postgres

# Longer than any timeout of the kiosk's own (3 s, a writer's 5 s): only a hang reaches it.
HANG = 40.0


@pytest.fixture
def own_url(own_server):
    """A fresh database on `own_server` (tests/support/own_server.py) with the roster in it; the server is
    running again afterwards."""
    with own_database(own_server, "faults", PEOPLE) as url:
        yield url


@pytest.fixture
def cable(pg_server, pg_url):
    """A pulled-out-able network between the kiosk and the run's server; `cable.kiosk_url` goes through it."""
    _fill(pg_url)
    relay = NetworkCable(pg_server.port)
    relay.kiosk_url = relay.url(pg_url)
    yield relay
    relay.close()


def _fill(url: str) -> None:
    db = open_store(url)
    upsert_attendees(db, PEOPLE, at("08:00").isoformat())
    db.close()


def _logged(url: str, *, nonce: str | None = None, code: str | None = None) -> int:
    """Scans in the database (a connection of its own, straight to the server), by nonce or code."""
    with psycopg.connect(url, connect_timeout=10) as conn:
        if nonce is not None:
            return conn.execute("SELECT count(*) FROM scans WHERE nonce = %s", (nonce,)).fetchone()[0]
        return conn.execute("SELECT count(*) FROM scans WHERE raw_code = %s", (code,)).fetchone()[0]


def _within_guard(call):
    """Run `call` on a thread; its result, or the StoreError it raised. Fails when it hangs."""
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["result"] = call()
        except StoreError as error:
            outcome["error"] = error

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(HANG)
    assert not thread.is_alive(), "the kiosk hung on a dead server"
    return outcome.get("error", outcome.get("result"))


def _once_back(call):
    """`call`'s result once the network is back: for a moment after a timeout the kiosk does not wait
    on the network again (kiosk/store/pg_silence.py) and says it cannot reach the server; then it works."""
    for _ in range(int(HANG / 0.25)):
        try:
            return call()
        except StoreError as error:
            _said(error, "unreachable")
            threading.Event().wait(0.25)
    return call()


def _said(error: object, kind: str, *secrets: str) -> StoreError:
    """`error` is a StoreError of `kind`, said in its one sentence in Dutch and English, nothing raw."""
    assert isinstance(error, StoreError), error
    assert error.kind == kind, (error.kind, error.detail)
    for lang in ("nl", "en"):
        words = fault_message(error, lang)
        assert words == FAULTS[kind](lang)
        for secret in (*secrets, error.detail, "psycopg", "127.0.0.1"):
            assert secret not in words
    assert str(error) == FAULTS[kind]("en")
    return error


def _scan(db, code: str, nonce: str, moment: str = "09:30"):
    return record_scan(db, code, now=at(moment), device="desk-1", nonce=nonce)


# ---- the server stopped, started again, restarted -------------------------------------------------


def test_server_stopped_says_unreachable_writes_nothing_then_the_same_connection_works(own_server, own_url):
    db = connect(own_url)
    assert _scan(db, "SOREN3", "before").reason.value == "ok"
    own_server.pause()
    _said(_within_guard(lambda: _scan(db, "CELIK1", "stopped-1")), "unreachable", own_server.password)
    # Each later attempt tries again, and is refused again, as quickly.
    _said(_within_guard(lambda: count_arrivals(db)), "unreachable", own_server.password)
    own_server.resume()
    assert _logged(own_url, nonce="stopped-1") == 0
    assert _scan(db, "CELIK1", "stopped-2").reason.value == "ok"  # the caller never reopened it
    assert _logged(own_url, code="CELIK1") == 1
    assert count_arrivals(db) == 2


def test_server_restarted_between_two_scans_the_second_one_works(own_server, own_url):
    db = connect(own_url)
    assert _scan(db, "ANNA44", "first").reason.value == "ok"
    own_server.restart()
    # The server ended the idle session with a goodbye; the kiosk notices it before sending.
    second = _within_guard(lambda: _scan(db, "CELIK1", "second"))
    assert not isinstance(second, StoreError), second.detail
    assert second.reason.value == "ok"
    assert _logged(own_url, code="CELIK1") == 1


def test_the_watcher_reconnects_after_the_server_was_stopped_and_reports_a_change(own_server, own_url):
    heard = threading.Event()
    watcher = watch_changes(own_url, heard.set)
    try:
        assert watcher.listening.wait(HANG)
        own_server.pause()
        _gone_quiet(watcher)
        heard.clear()
        own_server.resume()
        # Writes made while it was away sent nothing it could hear: back, it says "changed" once.
        assert heard.wait(HANG), "the watcher did not come back"
        assert watcher.changed()
    finally:
        watcher.close()


def _gone_quiet(watcher) -> None:
    """Wait until the watcher found its listening connection dead; forget what it heard before."""
    for _ in range(int(HANG / 0.1)):
        if not watcher.listening.is_set():
            break
        threading.Event().wait(0.1)
    assert not watcher.listening.is_set(), "the watcher did not notice that its connection died"
    watcher.changed()


# ---- a pulled network -------------------------------------------------------------------------------


def test_a_scan_sent_into_a_pulled_network_fails_saves_nothing_and_is_recorded_once_when_back(cable, pg_url):
    db = connect(cable.kiosk_url)
    assert _scan(db, "SOREN3", "warm").reason.value == "ok"
    cable.pull_when(b"INSERT INTO scans")  # the check-in's reads went through, its INSERT is lost
    failed = _within_guard(lambda: _scan(db, "CELIK1", "pulled", "09:31"))
    assert cable.pulled
    # The INSERT went out with the COMMIT in one batch (kiosk.store.pg): from the desk's side the
    # COMMIT may have reached the server, so this is "it may not have been saved", never "done".
    _said(failed, "lost")
    assert _logged(pg_url, nonce="pulled") == 0
    # The pulled desk's session still holds the write lock on the server, which ends it (its
    # writer idle timeout): another desk's check-in waits for that, then is written.
    other = connect(pg_url)
    assert _scan(other, "ANNA44", "other-desk", "09:32").reason.value == "ok"
    # Still pulled: a new connection is not answered either, and gives up.
    _said(_within_guard(lambda: _scan(db, "CELIK1", "pulled", "09:31")), "unreachable")
    cable.plug()
    again = _once_back(lambda: _scan(db, "CELIK1", "pulled", "09:31"))  # the same scan (same nonce), sent again
    assert again.reason.value == "ok" and again.person.name == "Ayşe [b]Çelik[/b]"
    assert _logged(pg_url, nonce="pulled") == 1
    assert count_arrivals(other) == 3


def test_a_commit_whose_answer_is_lost_says_maybe_and_the_retry_is_a_replay(cable, pg_url):
    db = connect(cable.kiosk_url)
    assert count_arrivals(db) == 0
    cable.pull_when(b"COMMIT\x00", from_server=True)  # the server committed; its answer never arrives
    lost = _said(_within_guard(lambda: _scan(db, "ANNA44", "maybe", "09:40")), "lost")
    assert "mogelijk niet opgeslagen" in fault_message(lost, "nl")
    assert _logged(pg_url, nonce="maybe") == 1
    cable.plug()
    replay = _once_back(lambda: _scan(db, "ANNA44", "maybe", "09:40"))
    assert replay.reason.value == "ok"  # what the first one came to, not a second check-in
    assert _logged(pg_url, nonce="maybe") == 1
    assert count_arrivals(db) == 1


def test_an_idle_connection_in_a_pulled_network_gives_up_and_works_once_plugged_in(cable):
    db = connect(cable.kiosk_url)
    assert count_arrivals(db) == 0
    cable.pull()
    _said(_within_guard(lambda: count_arrivals(db)), "unreachable")
    # Pulled, the next statements fail at once after the first wait: none waits for the network again.
    quick = _said(_within_guard(lambda: count_arrivals(db)), "unreachable")
    assert "a moment ago" in quick.detail
    cable.plug()
    assert _once_back(lambda: _scan(db, "SOREN3", "plugged")).reason.value == "ok"


def test_the_watcher_notices_a_pulled_network_and_reports_a_change_when_plugged_in(cable):
    heard = threading.Event()
    watcher = watch_changes(cable.kiosk_url, heard.set)
    try:
        assert watcher.listening.wait(HANG)
        cable.pull()
        _gone_quiet(watcher)  # keepalives end the listening connection nobody answers any more
        heard.clear()
        cable.plug()
        assert heard.wait(HANG), "the watcher did not come back"
        assert watcher.changed()
    finally:
        watcher.close()


def test_after_a_timeout_one_statement_tries_again_while_the_others_fail_at_once(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(pg_silence.time, "monotonic", lambda: now[0])
    url = "postgresql://kiosk@10.0.0.2/netwerkdag"
    pg_silence.timed_out(url)
    with pytest.raises(StoreError) as quiet:
        pg_silence.check(url)
    assert quiet.value.kind == "unreachable"
    pg_silence.check("postgresql://kiosk@10.0.0.3/netwerkdag")  # another server is not silent
    now[0] += pg_silence.QUIET_SECONDS
    pg_silence.check(url)  # this one tries the network ...
    with pytest.raises(StoreError):
        pg_silence.check(url)  # ... the others do not, until it has its answer
    pg_silence.heard(url)
    pg_silence.check(url)
    pg_silence.check(url)


def test_a_scan_that_waited_too_long_for_the_write_lock_leaves_the_connection_usable(pg_url):
    _fill(pg_url)
    db = connect(f"{pg_url}?options=-c%20statement_timeout%3D300")
    holder = psycopg.connect(pg_url, autocommit=True)
    try:
        holder.execute("BEGIN")
        holder.execute(f"SELECT pg_advisory_xact_lock({WRITE_LOCK})")  # another desk, holding the write lock
        _said(_within_guard(lambda: _scan(db, "ANNA44", "waited")), "busy")
        holder.execute("ROLLBACK")
    finally:
        holder.close()
    assert _scan(db, "ANNA44", "waited").reason.value == "ok"
    assert _logged(pg_url, nonce="waited") == 1


# ---- wrong password, missing database ----------------------------------------------------------------


@pytest.fixture
def no_stored_password(monkeypatch, tmp_path):
    """Neither PGPASSWORD nor ~/.pgpass may hand libpq the right password behind the test's back."""
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "no-pgpass"))


def test_a_wrong_password_says_login_without_the_password(pg_server, pg_url, no_stored_password):
    wrong = "Wr0ng-[b]geheim[/b]-Søren"
    url = pg_url.replace(f":{pg_server.password}@", f":{quote(wrong, safe='')}@")
    error = _within_guard(lambda: connect(url))
    _said(error, "login", wrong, pg_server.password)
    assert wrong not in error.detail
    missing = _within_guard(lambda: connect(pg_url.replace(f":{pg_server.password}@", "@")))
    _said(missing, "login", pg_server.password)


def test_a_missing_database_says_so(pg_server, pg_url):
    gone = pg_url.rsplit("/", 1)[0] + "/netwerkdag_er_niet"
    _said(_within_guard(lambda: connect(gone)), "no_database", pg_server.password)


def test_a_quiet_writer_is_ended_after_seconds_but_a_bulk_import_may_think_longer(pg_url):
    # A desk's scan that goes quiet (a pulled cable) loses its lock in seconds; an import of 100,000
    # attendees, whose Python work between two statements takes seconds, was cut off by that rule.
    from kiosk.store.db import immediate

    db = open_store(pg_url)
    with immediate(db) as conn:
        assert conn.execute("SHOW idle_in_transaction_session_timeout").fetchone()[0] == "5s"
    with immediate(db, bulk=True) as conn:
        assert conn.execute("SHOW idle_in_transaction_session_timeout").fetchone()[0] == "5min"
    upsert_attendees(db, [RosterRow(f"Bulk Persoon {n}", "Gemeente Zaanstad", "Zaandam", "", f"BULK{n:04d}")
                          for n in range(300)], at("08:00").isoformat())
    assert db.execute("SELECT COUNT(*) FROM attendees").fetchone()[0] == 300
    db.close()
