"""iCalendar: the programme and a personal agenda, parsed back with the icalendar library."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from kiosk.cli import main
from kiosk.domain.loader import load_programme
from kiosk.domain.programme import Event, Kind, Programme, Session
from kiosk.interop.ics import agenda_ics, escape, fold, to_ics
from kiosk.store import open_store
from kiosk.store.attendees import RosterRow, upsert_attendees
from kiosk.store.sessions import sync_programme
from kiosk.store.signups import signup
from tests.support.cli_db import db_args
from tests.support.event import EVENT_DAY, PROGRAMME_PATH, at

# A personal agenda reads the database alike on a SQLite file and on PostgreSQL (tests/conftest.py).
BOTH_BACKENDS = True

icalendar = pytest.importorskip("icalendar")
STAMP = dt.datetime(2026, 11, 1, 8, 0, tzinfo=dt.UTC)
AMS = ZoneInfo("Europe/Amsterdam")


def _events(text: str) -> dict[str, object]:
    """The VEVENTs of a calendar text by UID."""
    calendar = icalendar.Calendar.from_ical(text)
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def test_one_event_per_item_with_stable_uids_and_amsterdam_times(programme):
    text = to_ics(programme, now=STAMP, on=EVENT_DAY)
    events = _events(text)
    assert len(events) == len(programme.sessions) == 26
    assert text == to_ics(programme, now=STAMP, on=EVENT_DAY)
    veiligheid = events["r2-veiligheid@g40_bestuurlijke_netwerkdag"]
    assert veiligheid["DTSTART"].dt == dt.datetime(2026, 11, 29, 14, 0, tzinfo=AMS)
    assert veiligheid["DTEND"].dt == dt.datetime(2026, 11, 29, 15, 30, tzinfo=AMS)
    assert veiligheid["DTSTART"].dt.utcoffset() == dt.timedelta(hours=1)
    assert "DTEND" not in events["afsluiting@g40_bestuurlijke_netwerkdag"]  # 16.30 with no end
    assert str(events["r1-migratie-en-werk@g40_bestuurlijke_netwerkdag"]["STATUS"]) in ("CONFIRMED", "TENTATIVE")
    assert "TZID:Europe/Amsterdam" in text and text.count("BEGIN:VTIMEZONE") == 1


def test_lines_fold_at_75_octets_and_text_is_escaped():
    title = "Taal, beeld; en \\ armoede\nregel twee " + "é" * 80 + " 🎉\x00\x1b[31m"
    session = Session(id="s", title="Taal", kind=Kind.TALK, start="10:00", end="11:00")
    # The model refuses control characters; the writer must still be safe with them (model_copy
    # does not validate), as calendars are files other programs read.
    programme = Programme(event=Event(name="Dag", date=EVENT_DAY), sessions=[session.model_copy(update={"title": title})])
    text = to_ics(programme, now=STAMP)
    assert all(len(line.encode("utf-8")) <= 75 for line in text.split("\r\n"))
    assert "\n" not in text.replace("\r\n", "")
    assert "SUMMARY:Taal\\, beeld\\; en \\\\ armoede\\nregel twee" in text.replace("\r\n ", "")
    summary = str(_events(text)["s@dag"]["SUMMARY"])
    assert summary == title.replace("\x00", "").replace("\x1b", "")


def test_fold_never_splits_a_character():
    line = "DESCRIPTION:" + "€" * 100
    folded = fold(line)
    assert folded.endswith("\r\n")
    assert folded.replace("\r\n ", "").removesuffix("\r\n") == line
    assert escape("a,b;c\\d\r\ne") == "a\\,b\\;c\\\\d\\ne"


def test_several_days_keep_their_own_dates():
    programme = Programme(event=Event(name="Twee dagen", date=dt.date(2026, 3, 28)), sessions=[
        Session(id="een", title="Een", kind=Kind.TALK, start="10:00", end="11:00"),
        Session(id="twee", title="Twee", kind=Kind.TALK, start="10:00", end="11:00", day=dt.date(2026, 3, 29)),
    ])
    events = _events(to_ics(programme, now=STAMP))
    assert events["een@twee_dagen"]["DTSTART"].dt.utcoffset() == dt.timedelta(hours=1)
    # The clocks went forward in the night: the second day is in summer time.
    assert events["twee@twee_dagen"]["DTSTART"].dt == dt.datetime(2026, 3, 29, 10, 0, tzinfo=AMS)
    assert events["twee@twee_dagen"]["DTSTART"].dt.utcoffset() == dt.timedelta(hours=2)


def test_agenda_holds_only_the_confirmed_sessions(programme, db, people):
    code = people["Ayşe Çelik"]
    assert signup(db, code, "r1-slim-met-stroom", now=at("09:30")).status == "confirmed"
    assert signup(db, code, "r2-veiligheid", now=at("09:30")).status == "confirmed"
    text = agenda_ics(programme, ["r1-slim-met-stroom", "r2-veiligheid"], person="Ayşe Çelik", now=STAMP,
                      on=EVENT_DAY)
    assert set(_events(text)) == {"r1-slim-met-stroom@g40_bestuurlijke_netwerkdag",
                                  "r2-veiligheid@g40_bestuurlijke_netwerkdag"}


def test_cli_agenda_leaves_out_waitlisted_and_unknown_codes_fail(tmp_path, target):
    small = tmp_path / "programme.toml"  # the boat with one seat, so the second person waits
    small.write_text(PROGRAMME_PATH.read_text(encoding="utf-8").replace("capacity = 15", "capacity = 1"), "utf-8")
    db = open_store(target)
    sync_programme(db, load_programme(small))
    upsert_attendees(db, [RosterRow("Anna de Vries", "", "", "", "ANNA44"),
                          RosterRow("Ayşe Çelik", "Gemeente Zaanstad", "", "", "CELIK1")], at("09:00").isoformat())
    assert signup(db, "ANNA44", "lunch-vaartocht", now=at("09:30")).status == "confirmed"
    assert signup(db, "CELIK1", "lunch-vaartocht", now=at("09:30")).status == "waitlisted"
    assert signup(db, "CELIK1", "pijler-sociaal", now=at("09:30")).status == "confirmed"
    db.close()
    flag, env = db_args(target)  # a PostgreSQL URL's password in PGPASSWORD
    base = [*flag, "--programme", str(small)]
    runner = CliRunner(env={**env, "KIOSK_NOW": f"{EVENT_DAY}T09:30"})
    out = tmp_path / "agenda.ics"
    result = runner.invoke(main, [*base, "export", "agenda", "celik1", "--output", str(out)])
    assert result.exit_code == 0, result.output
    text = (tmp_path / "persoonsgegevens-agenda.ics").read_text(encoding="utf-8")  # the name says what it holds
    assert list(_events(text)) == ["pijler-sociaal@g40_bestuurlijke_netwerkdag"]
    assert "Ayşe Çelik" in text.replace("\r\n ", "")
    missing = runner.invoke(main, [*base, "export", "agenda", "NOSUCH"])
    assert missing.exit_code == 2 and "NOSUCH" in missing.output


def test_brief_agenda_is_small_enough_for_a_qr_code(programme):
    ids = ["r1-slim-met-stroom", "lunch-vaartocht", "gesprek-ambassadeur", "r2-veiligheid", "pijler-sociaal"]
    text = agenda_ics(programme, ids, person="Ayşe Çelik", now=STAMP, on=EVENT_DAY, brief=True)
    assert len(text.encode("utf-8")) < 1500 and "VTIMEZONE" not in text and "DESCRIPTION" not in text
    start = _events(text)["r2-veiligheid@g40_bestuurlijke_netwerkdag"]["DTSTART"].dt
    assert start == dt.datetime(2026, 11, 29, 14, 0, tzinfo=AMS)
