"""frab/c3voc schedules: the pretalx example imports, exports validate, export then import is the same."""

from __future__ import annotations

import datetime as dt
import json
import tomllib

import pytest
from click.testing import CliRunner

from kiosk.cli import main
from kiosk.domain.loader import load_programme, parse_programme
from kiosk.domain.programme import Event, Kind, Programme, Room, Round, Session, Speaker
from kiosk.interop.frab import ScheduleError, parse_schedule, read_schedule
from kiosk.interop.frab_write import to_json, to_xml
from kiosk.interop.toml_writer import to_toml
from tests.support.cli_db import db_args
from tests.support.event import EVENT_DAY, PROGRAMME_PATH, SHARED

# `kiosk export schedule` reads the database alike on a SQLite file and on PostgreSQL (tests/conftest.py).
BOTH_BACKENDS = True

SPECS = SHARED / "specs"
PRETALX = SPECS / "examples" / "pretalx-democon.json"
needs_specs = pytest.mark.skipif(not SPECS.is_dir(), reason="../shared/specs is not beside the project")
# Everything a writer must escape; control characters cannot be in a programme (see the import test).
HOSTILE = "[@click=app.quit]x[/] ?> <b>&amp; \"q\" ; , \\ \u202eאבג\u202c 🎉 ]]> regel"


@pytest.fixture(scope="module")
def xsd():
    """The XSD of the XML schedule format."""
    xmlschema = pytest.importorskip("xmlschema")
    if not SPECS.is_dir():
        pytest.skip("../shared/specs is not beside the project")
    return xmlschema.XMLSchema(str(SPECS / "schedule.xml.xsd"))


@pytest.fixture(scope="module")
def json_validator():
    """A validator for the JSON schedule schema, checking formats as well."""
    jsonschema = pytest.importorskip("jsonschema")
    if not SPECS.is_dir():
        pytest.skip("../shared/specs is not beside the project")
    schema = json.loads((SPECS / "schedule.schema.json").read_text())
    return jsonschema.Draft6Validator(schema, format_checker=jsonschema.Draft6Validator.FORMAT_CHECKER)


def _festival() -> Programme:
    """Two days, rooms with capacities, tracks, languages, a round, hostile text everywhere."""
    rooms = [Room(id="zaal-1", name="Zaal 1", capacity=120), Room(id="a", name=HOSTILE, capacity=0)]
    sessions = [
        Session(id="s1", title=HOSTILE, kind=Kind.TALK, start="09:00", end="09:45", room="zaal-1", track="Data",
                language="nl", speakers=[Speaker(name="Ayşe Çelik", role="moderator", about=HOSTILE)],
                description="x" * 10_000, notes=["onder voorbehoud"]),
        Session(id="keuze-a", title="Keuze A", kind=Kind.CHOICE, round="r1", start="10:00", end="11:00",
                room="a", signup=True, capacity=15),
        Session(id="dag-2-opening", title="Opening dag 2", kind=Kind.OPENING, start="09:00", end="09:15",
                day=dt.date(2026, 11, 30), language="en"),
        Session(id="afsluiting", title="Afsluiting", kind=Kind.CLOSING, start="16:30", day=dt.date(2026, 11, 30)),
    ]
    return Programme(event=Event(name="Festival ☀ 2026", date=EVENT_DAY, venue="Het Theater", city="Zaandam"),
                     rooms=rooms, rounds=[Round(id="r1", name="Ronde 1")], sessions=sessions)


@needs_specs
def test_pretalx_example_imports_days_rooms_tracks_people_and_durations():
    result = read_schedule(PRETALX)
    programme = result.programme
    assert len(programme.sessions) == 36
    assert programme.days() == [dt.date(2020, 12, 14), dt.date(2020, 12, 15), dt.date(2020, 12, 16)]
    assert [(r.id, r.name) for r in programme.rooms] == [("gray-room", "Gray Room"), ("tan-room", "Tan Room")]
    first = programme.session("25-focused-5thgeneration-hardware")
    assert (first.start, first.end, first.room, first.track, first.language) == (
        dt.time(9, 0), dt.time(9, 30), "gray-room", "Phased", "en")
    assert first.speakers[0].name == "Brian Robinson" and first.speakers[0].about.startswith("Break through")
    assert first.day is None  # the first day is the event's date
    workshop = programme.session("14-managed-stable-function")
    assert (workshop.kind, workshop.end) == (Kind.ACTIVITY, dt.time(10, 30))
    assert len(programme.day_sessions(dt.date(2020, 12, 16))) == 12
    assert any("UTC" in w and "+0100" in w for w in result.warnings)


@needs_specs
def test_imported_toml_passes_programme_check(tmp_path):
    out = tmp_path / "programme.toml"
    result = CliRunner().invoke(main, ["import", "schedule", str(PRETALX), "--output", str(out)])
    assert result.exit_code == 0, result.output
    check = CliRunner().invoke(main, ["programme", "check", str(out)])
    assert check.exit_code == 0 and "36 items" in check.output
    assert load_programme(out) == read_schedule(PRETALX).programme


@pytest.mark.parametrize("write", [to_xml, to_json], ids=["xml", "json"])
def test_g40_export_then_import_is_the_same_programme(programme, write):
    text = write(programme, on=EVENT_DAY)
    again = parse_schedule(text, source=programme.event.source)
    assert again.programme == programme
    assert again.warnings == []


@pytest.mark.parametrize("write", [to_xml, to_json], ids=["xml", "json"])
def test_several_days_and_hostile_text_survive_the_round_trip(write):
    festival = _festival()
    assert parse_schedule(write(festival)).programme == festival


@needs_specs
@pytest.mark.parametrize("write", [to_xml, to_json], ids=["xml", "json"])
def test_pretalx_import_export_import_is_stable(write):
    programme = read_schedule(PRETALX).programme
    assert parse_schedule(write(programme), source=PRETALX.name).programme == programme


def test_xml_is_valid_against_the_xsd(xsd, programme):
    for subject in (programme, _festival()):
        xsd.validate(to_xml(subject, on=EVENT_DAY))


def test_json_is_valid_against_the_schema(json_validator, programme):
    for subject in (programme, _festival()):
        errors = [e.message for e in json_validator.iter_errors(json.loads(to_json(subject, on=EVENT_DAY)))]
        assert errors == []


def test_export_uses_amsterdam_times_and_stable_guids(programme):
    first = json.loads(to_json(programme, on=EVENT_DAY))
    second = json.loads(to_json(programme, on=EVENT_DAY))
    day = first["schedule"]["conference"]["days"][0]
    events = [e for room in day["rooms"].values() for e in room]
    veiligheid = next(e for e in events if e["slug"].endswith("-r2-veiligheid"))
    assert (veiligheid["date"], veiligheid["duration"]) == ("2026-11-29T14:00:00+01:00", "01:30")
    assert first == second


def test_other_readers_see_a_plain_frab_file(programme):
    """Without the kiosk extension, the standard fields alone still give the day."""
    data = json.loads(to_json(programme, on=EVENT_DAY))
    del data["schedule"]["conference"]["meta"]
    plain = parse_schedule(json.dumps(data)).programme
    assert [(s.title, s.start, s.end) for s in plain.sessions] == [
        (s.title, s.start, s.end) for s in programme.sessions
    ]
    assert plain.event.date == EVENT_DAY and plain.rounds == []


def test_missing_and_unknown_fields_warn_but_do_not_crash():
    data = {"schedule": {"version": "1", "conference": {
        "acronym": "odd", "time_zone_name": "Mars/Olympus", "colour": "red",
        "rooms": [{"name": "Hall", "guid": "x", "capacity": "lots"}],
        "days": [{"index": 1, "date": "2026-05-01", "rooms": {"Hall": [
            {"guid": "1", "title": "Fine", "date": "2026-05-01T10:00:00+02:00", "duration": "00:45", "type": "Talk",
             "slug": "odd-fine", "persons": [{"public_name": "Old Style"}, {"name": ""}], "mood": "happy"},
            {"guid": "2", "date": "2026-05-01T23:30:00+02:00", "duration": "01:00", "type": "Rave"},
            {"guid": "3", "title": "No start", "type": "talk"},
            {"guid": "4", "title": "Bad length", "start": "12:00", "duration": "long", "track": None,
             "language": None, "subtitle": None, "abstract": None},
        ]}}, "not-a-day"],
    }}}
    result = parse_schedule(json.dumps(data))
    text = "\n".join(result.warnings)
    for expected in ("conference: unknown field 'colour'", "'Mars/Olympus' is not a known time zone",
                     "capacity 'lots' is not a number", "unknown field 'mood'", "runs past midnight",
                     "type 'Rave'", "'No start': no readable date or start", "duration 'long' is not HH:MM",
                     "a person without a name", "no title", "days[1]: not a day"):
        assert expected in text
    programme = result.programme
    assert [s.title for s in programme.sessions] == ["Fine", "Bad length", "(untitled)"]
    assert programme.session("fine").speakers[0].name == "Old Style"
    assert programme.rooms[0].capacity is None and programme.event.timezone == "Europe/Amsterdam"


def test_control_characters_from_another_system_are_cleaned_not_refused():
    data = {"schedule": {"version": "1", "conference": {
        "acronym": "ctl", "title": "Dag\x1b[2J", "time_zone_name": "Europe/Amsterdam",
        "days": [{"index": 1, "date": "2026-05-01", "rooms": {"Zaal\tA": [
            {"guid": "1", "title": "Eerste\r\nregel\x00\x07", "date": "2026-05-01T10:00:00+02:00",
             "duration": "00:45", "type": "Talk", "abstract": "Alinea een\r\n\r\nAlinea\ttwee\x1b[31m",
             "persons": [{"name": "Ayşe\x1bÇelik", "biography": "Regel\nregel"}]},
        ]}}],
    }}}
    programme = parse_schedule(json.dumps(data)).programme
    session = programme.sessions[0]
    assert programme.event.name == "Dag[2J" and programme.rooms[0].name == "Zaal A"
    assert session.title == "Eerste regel"
    assert session.description == "Alinea een\n\nAlinea\ttwee[31m"
    assert (session.speakers[0].name, session.speakers[0].about) == ("AyşeÇelik", "Regel\nregel")


def test_a_file_that_is_no_schedule_is_one_clear_error(tmp_path):
    for text in ("{not json", "[1, 2]", "<html></html>", "<schedule><unclosed></schedule>"):
        with pytest.raises(ScheduleError):
            parse_schedule(text)
    bad = tmp_path / "bad.json"
    bad.write_text("{}")
    result = CliRunner().invoke(main, ["import", "schedule", str(bad)])
    assert result.exit_code == 2 and "not a frab schedule" in result.output


def test_toml_writer_round_trips_every_programme(programme):
    for subject in (programme, _festival()):
        again, problems = parse_programme(tomllib.loads(to_toml(subject)))
        assert problems == [] and again == subject


def test_cli_export_writes_each_format(tmp_path, target):
    flag, env = db_args(target)  # a PostgreSQL URL's password in PGPASSWORD
    runner = CliRunner(env=env)
    base = [*flag, "--programme", str(PROGRAMME_PATH)]
    for fmt, marker in (("frab-xml", "<schedule>"), ("frab-json", '"schedule"'), ("ics", "BEGIN:VCALENDAR")):
        out = tmp_path / f"out-{fmt}"
        result = CliRunner(env={**env, "KIOSK_NOW": f"{EVENT_DAY}T08:00"}).invoke(
            main, [*base, "export", "schedule", "--format", fmt, "--output", str(out)])
        assert result.exit_code == 0, result.output
        assert marker in out.read_text(encoding="utf-8")
    assert runner.invoke(main, [*base, "export", "schedule", "--format", "pdf"]).exit_code == 2
