"""The desk on PostgreSQL (issue 17): a server that stops, a network that is pulled, another process's check-in.

A scan while the server is away is red, NOT SAVED, with the one sentence for it in the desk's
language, and is not in the log; the next scan once the server is back is green, with nothing
restarted. A check-in made by another process reaches the desk's counters and list through the
LISTEN watcher, without a key pressed. The server that is stopped is a small cluster of this
module's own (`own_server`), never the run's shared one.
"""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
import textwrap

import psycopg
import pytest

from kiosk.config import Settings
from kiosk.store import open_store
from kiosk.store.attendees import RosterRow, upsert_attendees
from kiosk.store.sessions import sync_programme
from kiosk.ui.fault import FAULTS
from kiosk.ui.widgets.scan_answer import ScanAnswer
from tests.support.event import EVENT_DAY, PROGRAMME_PATH, ROOT, at
from tests.support.pg_cluster import PgCluster
from tests.support.pg_proxy import NetworkCable
from tests.support.pilot import screen_text, settle, written

pytestmark = pytest.mark.postgres

SIZE = (80, 24)
# Pilot pauses to wait for another process's check-in to reach the screen: a hang's guard only.
PATIENCE = 600
PEOPLE = [RosterRow("Ayşe [b]Çelik[/b]", "Gemeente Zaanstad", "Zaanstad", "", "CELIK1"),
          RosterRow("Søren Ødegaard", "Provincie Noord-Holland", "Haarlem", "", "SOREN3"),
          RosterRow("Anna de Vries", "Gemeente Breda", "Breda", "", "ANNA44")]
ELSEWHERE = textwrap.dedent(
    """
    import sys
    from kiosk.store import connect
    from kiosk.store.scans import record_scan
    from tests.support.event import at
    print(record_scan(connect(sys.argv[1]), sys.argv[2], now=at("11:40"), device=sys.argv[3]).reason.value)
    """
)


@pytest.fixture(autouse=True)
def _offline_folder(monkeypatch, tmp_path):
    """Each desk's local copy and queue (issue 18) in this test's own folder, not the checkout's data/."""
    monkeypatch.setenv("KIOSK_OFFLINE_DIR", str(tmp_path / "offline"))


@pytest.fixture(scope="module")
def own_server():
    """A small PostgreSQL of this module's own, which these tests stop and start."""
    cluster = PgCluster.start_new()
    yield cluster
    cluster.stop()


def _event_database(server, programme) -> str:
    url = server.create_database(server.unique_name("desk"))
    db = open_store(url)
    sync_programme(db, programme)
    upsert_attendees(db, PEOPLE, at("08:00").isoformat())
    db.close()
    return url


@pytest.fixture
def own_url(own_server, programme):
    """The event's database on `own_server`; the server runs again afterwards."""
    url = _event_database(own_server, programme)
    yield url
    if own_server.server_pid() is None:
        own_server.resume()
    own_server.drop_database(url.rsplit("/", 1)[1])


def _settings(url: str, lang: str = "nl") -> Settings:
    return Settings(db_path=url, programme_path=PROGRAMME_PATH, lang=lang, now=f"{EVENT_DAY}T11:45",
                    now_frozen=True, staff_pin="1234", device="desk-test")


def _logged(url: str, code: str) -> int:
    with psycopg.connect(url, connect_timeout=10) as conn:
        return conn.execute("SELECT count(*) FROM scans WHERE raw_code = %s", (code,)).fetchone()[0]


async def _scan(app, pilot, code: str) -> ScanAnswer:
    await pilot.press(*code, "enter")
    await settle(app, pilot)
    return app.screen.query_one(ScanAnswer)


def _not_saved(answer: ScanAnswer, kind: str, lang: str = "nl") -> None:
    """Red, NOT SAVED, the one sentence for `kind`: never green, never a welcome."""
    assert answer.has_class("-red") and not answer.has_class("-green"), answer.text
    assert ("NIET OPGESLAGEN" if lang == "nl" else "NOT SAVED") in answer.text, answer.text
    assert FAULTS[kind](lang) in answer.text, answer.text
    assert "WELKOM" not in answer.text and "WELCOME" not in answer.text


def _welcome(answer: ScanAnswer, lang: str = "nl") -> None:
    assert answer.has_class("-green") and ("WELKOM" if lang == "nl" else "WELCOME") in answer.text, answer.text


def _annulled(url: str) -> int:
    """Undo rows in the server's log."""
    with psycopg.connect(url, connect_timeout=10) as conn:
        return conn.execute("SELECT count(*) FROM scans WHERE annuls IS NOT NULL").fetchone()[0]


def _banner(app) -> str:
    """The desk's offline banner (issue 18), '' while online."""
    banner = app.screen.query("#desk-offline")
    return str(banner.first().content) if banner else ""


async def _until(pilot, condition) -> None:
    """Let the app run until `condition()` holds (a hang's guard, not a time limit)."""
    for _ in range(PATIENCE):
        if condition():
            return
        await pilot.pause(0.05)
    assert condition()


def _flat(text: str) -> str:
    """Screen text with its line breaks and padding as single spaces (a sentence wraps over rows)."""
    return " ".join(re.sub(r"[│▏▎▊]", " ", text).split())


async def test_desk_server_stopped_refuses_in_one_sentence_then_checks_in_once_it_is_back(make_app, own_server,
                                                                                        own_url):
    app = make_app("desk", settings=_settings(own_url))
    async with app.run_test(size=SIZE) as pilot:
        _welcome(await _scan(app, pilot, "SOREN3"))
        own_server.pause()
        # An undo needs the server (the scan it annuls may be anywhere): refused, in the one sentence.
        await pilot.press("ctrl+z")
        await settle(app, pilot)
        _not_saved(app.screen.query_one(ScanAnswer), "unreachable")
        assert app.focused is app.screen.query_one("#desk-input")
        # A scan is green only when it was kept: on the server, or in this desk's own queue (the
        # offline banner counts it, issue 18); amber "kept, not checked yet" when it is queued but this
        # desk's copy was not made yet (it scanned from its first second); otherwise it is red, in the
        # same one sentence.
        answer = await _scan(app, pilot, "CELIK1")
        if answer.has_class("-amber"):
            assert "BEWAARD, NOG NIET GECONTROLEERD" in answer.text, answer.text
        kept = answer.has_class("-green") or answer.has_class("-amber")
        if kept:
            # The banner counts the queue once the answer is out (the answer goes first): wait for it.
            await _until(pilot, lambda: "1 wacht" in _banner(app))
            assert "OFFLINE" in _banner(app), _banner(app)
        else:
            _not_saved(answer, "unreachable")
        own_server.resume()
        assert _annulled(own_url) == 0
        answer = await _scan(app, pilot, "ANNA44")
        _welcome(answer)
        assert "Anna de Vries" in answer.text
        await _until(pilot, lambda: _logged(own_url, "ANNA44") == 1 and _logged(own_url, "CELIK1") == int(kept))
    assert _logged(own_url, "ANNA44") == 1
    assert _logged(own_url, "CELIK1") == int(kept)
    assert _logged(own_url, "SOREN3") == 1 and _annulled(own_url) == 0


async def test_desk_whose_server_stops_as_it_starts_is_not_blocked_as_damaged(make_app, own_server, own_url):
    from kiosk.ui.launch import IntegrityCheck

    app = make_app("desk", settings=_settings(own_url), integrity=IntegrityCheck(own_url))
    own_server.pause()  # before the start-up check runs (after the first screen is painted)
    async with app.run_test(size=SIZE) as pilot:
        await written(app)
        await pilot.pause()
        # A server has no file to check: its being away at that moment is no damage to block every role on.
        assert app.damaged is None and app.screen.query("#desk-input"), app.screen
        # The desk says it is offline (issue 18) before the server comes back: "not OFFLINE" below
        # then means back online, not "has not noticed yet" (a scan then was answered from a copy
        # that had never been filled: seen once in a whole-suite run).
        await _until(pilot, lambda: "OFFLINE" in _banner(app))
        await asyncio.to_thread(own_server.resume)  # the app's loop runs on meanwhile, as on a real desk
        await _until(pilot, lambda: "OFFLINE" not in _banner(app))
        _welcome(await _scan(app, pilot, "SOREN3"))
        assert app.damaged is None
    assert _logged(own_url, "SOREN3") == 1


def _in_order(sentence: str, screen: str) -> bool:
    """Every word of `sentence` is on `screen`, in its order (its rows wrap beside the side panel's)."""
    words = iter(_flat(screen).split())
    return all(any(word == shown for shown in words) for word in sentence.split())


def _reason(url: str, code: str) -> list[tuple[str, int]]:
    """What the server's log says of the scans of `code`: reason and accepted, in order."""
    with psycopg.connect(url, connect_timeout=10) as conn:
        return [(r, int(a)) for r, a in conn.execute(
            "SELECT reason, accepted FROM scans WHERE raw_code = %s ORDER BY id", (code,)).fetchall()]


async def test_desk_offline_before_its_copy_was_filled_keeps_a_valid_code_and_checks_it_in_on_upload(
        make_app, own_server, own_url):
    app = make_app("desk", settings=_settings(own_url))
    own_server.pause()  # before the desk's first refresh: its copy holds nobody
    async with app.run_test(size=SIZE) as pilot:
        answer = await _scan(app, pilot, "SOREN3")
        # Never "unknown code" for a valid badge: amber, kept, and said so in one sentence.
        assert answer.has_class("-amber") and "ONBEKENDE CODE" not in answer.text, answer.text
        assert "!  BEWAARD, NOG NIET GECONTROLEERD" in answer.text, answer.text
        sentence = ("Deze balie heeft nog geen kopie van de deelnemerslijst: de code is bewaard en wordt "
                    "gecontroleerd zodra de server terug is.")
        assert sentence in answer.text, answer.text
        assert _in_order(sentence, screen_text(app))  # all of it on the screen at 80x24, beside the side panel
        assert "Aangekomen: 0 / 0" not in answer.text  # a copy of nobody counts nothing
        await _until(pilot, lambda: "1 wacht" in _banner(app))
        await asyncio.to_thread(own_server.resume)
        await _until(pilot, lambda: "OFFLINE" not in _banner(app) and _logged(own_url, "SOREN3") == 1)
    assert _reason(own_url, "SOREN3") == [("ok", 1)]  # checked in on upload, at the scan's real time


async def test_desk_offline_keeps_a_code_registered_after_its_last_refresh_and_the_server_judges_it(
        make_app, pg_server, programme):
    url = _event_database(pg_server, programme)
    cable = NetworkCable(pg_server.port)
    try:
        app = make_app("desk", settings=_settings(cable.url(url), "en"))
        async with app.run_test(size=SIZE) as pilot:
            await _until(pilot, lambda: app.ctx.offline.person("ANNA44") is not None)  # the copy is filled
            cable.pull()
            _welcome(await _scan(app, pilot, "CELIK1"), "en")  # from the copy, once the kiosk's timeouts end
            await _until(pilot, lambda: "OFFLINE" in _banner(app))
            # Meanwhile the organiser adds a late registration on the server (this desk cannot see it).
            db = open_store(url)
            upsert_attendees(db, [RosterRow("Late [b]Entry[/b]", "Gemeente Ede", "Ede", "", "LATE77")],
                             at("11:44").isoformat())
            db.close()
            kept = ("This code is not in this desk's copy (perhaps just registered at another desk): it is kept "
                    "and will be checked once the server is back.")
            for code in ("LATE77", "NOSUCH"):
                answer = await _scan(app, pilot, code)
                assert answer.has_class("-amber") and "UNKNOWN CODE" not in answer.text, answer.text
                assert "!  KEPT, NOT CHECKED YET" in answer.text and kept in answer.text, answer.text
                assert _in_order(kept, screen_text(app))  # all of it on the screen at 80x24
            await _until(pilot, lambda: "3 waiting" in _banner(app))
            cable.plug()
            await _until(pilot, lambda: "OFFLINE" not in _banner(app) and _logged(url, "NOSUCH") == 1)
        # Judged by the server on upload: the late registration arrived, the typo is unknown.
        assert [_reason(url, code) for code in ("CELIK1", "LATE77", "NOSUCH")] == [
            [("ok", 1)], [("ok", 1)], [("unknown_code", 0)]]
    finally:
        cable.close()
        pg_server.drop_database(url.rsplit("/", 1)[1])


async def test_desk_in_english_at_80x24_shows_the_whole_sentence(make_app, own_server, own_url):
    app = make_app("desk", settings=_settings(own_url, "en"))
    async with app.run_test(size=SIZE) as pilot:
        _welcome(await _scan(app, pilot, "CELIK1"), "en")
        own_server.pause()
        await pilot.press("ctrl+z")
        await settle(app, pilot)
        _not_saved(app.screen.query_one(ScanAnswer), "unreachable", "en")
        assert FAULTS["unreachable"]("en") in _flat(screen_text(app))
        own_server.resume()
    assert _logged(own_url, "CELIK1") == 1 and _annulled(own_url) == 0


async def test_desk_shows_another_process_check_in_without_a_key_pressed(make_app, own_url):
    app = make_app("desk", settings=_settings(own_url))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert "Aangekomen 0 / 3" in _flat(screen_text(app))
        # Another desk, and this desk's own name from the command line (its last scans list shows those).
        for code, device in (("SOREN3", "desk-2"), ("CELIK1", "desk-test")):
            done = subprocess.run([sys.executable, "-c", ELSEWHERE, own_url, code, device], cwd=ROOT,
                                  capture_output=True, text=True, timeout=60)
            assert done.stdout.strip() == "ok", done.stderr
        await _until(pilot, lambda: "Aangekomen 2 / 3" in _flat(screen_text(app))
                     and "Ayşe [b]Çelik[/b]" in _flat(screen_text(app)))
        shown = _flat(screen_text(app))
        # The counters count both; this desk's list of last scans shows its own one, name as written.
        assert "Aangekomen 2 / 3" in shown and "Ayşe [b]Çelik[/b]" in shown and "Søren" not in shown


async def test_desk_on_a_pulled_network_says_so_then_checks_in_once_plugged(make_app, pg_server, programme):
    url = _event_database(pg_server, programme)
    cable = NetworkCable(pg_server.port)
    try:
        app = make_app("desk", settings=_settings(cable.url(url)))
        async with app.run_test(size=SIZE) as pilot:
            _welcome(await _scan(app, pilot, "SOREN3"))
            cable.pull()
            await pilot.press("ctrl+z")  # sent into the dark: the kiosk's own timeouts end the wait
            await settle(app, pilot)
            _not_saved(app.screen.query_one(ScanAnswer), "unreachable")
            # The desk now works offline (its banner says so); once plugged it comes back by itself, and
            # the next scan is the server's. Scanned before that, it would be answered from the copy,
            # which a desk that scanned from its first second may not have made yet ("kept", amber).
            await _until(pilot, lambda: "OFFLINE" in _banner(app))
            cable.plug()
            await _until(pilot, lambda: "OFFLINE" not in _banner(app))
            _welcome(await _scan(app, pilot, "ANNA44"))
            await _until(pilot, lambda: _logged(url, "ANNA44") == 1)
        assert _logged(url, "ANNA44") == 1 and _annulled(url) == 0
    finally:
        cable.close()
        pg_server.drop_database(url.rsplit("/", 1)[1])
