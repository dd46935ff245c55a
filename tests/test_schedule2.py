"""c3voc schedule 2.0: import (found from the content), export valid against its schema, round trips.

The 2.0 files here are made in the test: the pretalx example of ../shared/specs converted to 2.0
as the CCC hub writes it (a flat `events` list, ISO start/end, room objects, participants), and a
small hand-written one with hostile text and a night at the hub's 06:00 day change.
"""

from __future__ import annotations

import datetime as dt
import json
import urllib.parse
import uuid

import pytest
from click.testing import CliRunner

from kiosk.cli import main
from kiosk.domain.loader import parse_programme
from kiosk.domain.programme import Kind
from kiosk.interop.frab import ScheduleError, parse_schedule, read_schedule
from kiosk.interop.frab_schedule2_write import schedule2_dict, to_schedule2_json
from tests.support.cli_db import db_args
from tests.support.event import EVENT_DAY, PROGRAMME_PATH, SHARED

# `kiosk export schedule` reads the database alike on a SQLite file and on PostgreSQL (tests/conftest.py).
BOTH_BACKENDS = True

SPECS = SHARED / "specs"
PRETALX = SPECS / "examples" / "pretalx-democon.json"
needs_specs = pytest.mark.skipif(not SPECS.is_dir(), reason="../shared/specs is not beside the project")
HOSTILE = "[@click=app.quit]x[/] <b>&amp; \"q\" ; \\ \u202eאבג\u202c 🎉 \x1b[2J\x00 regel"


@pytest.fixture(scope="module")
def validator():
    """The schedule 2.0 schema, with its formats (date-time, date, uuid, uri) checked too."""
    jsonschema = pytest.importorskip("jsonschema")
    if not SPECS.is_dir():
        pytest.skip("../shared/specs is not beside the project")
    checker = jsonschema.FormatChecker()

    @checker.checks("date-time", raises=ValueError)
    def _moment(value: object) -> bool:
        return not isinstance(value, str) or ("T" in value and dt.datetime.fromisoformat(value).tzinfo is not None)

    @checker.checks("date", raises=ValueError)
    def _date(value: object) -> bool:
        return not isinstance(value, str) or bool(dt.date.fromisoformat(value))

    @checker.checks("uuid", raises=ValueError)
    def _uuid(value: object) -> bool:
        return not isinstance(value, str) or str(uuid.UUID(value)) == value

    @checker.checks("uri")
    def _uri(value: object) -> bool:
        return not isinstance(value, str) or bool(urllib.parse.urlsplit(value).scheme)

    schema = json.loads((SPECS / "schedule2.schema.json").read_text())
    return jsonschema.Draft6Validator(schema, format_checker=checker)


def _errors(validator, document: dict) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]


def _to_schedule2(v1: dict) -> dict:
    """A version 1 schedule (pretalx) as schedule 2.0, the way the hub writes it."""
    conference = v1["schedule"]["conference"]
    rooms = {r["name"]: str(uuid.uuid5(uuid.NAMESPACE_URL, r["name"])) for r in conference["rooms"]}
    events, persons = [], {}
    for day in conference["days"]:
        for room, items in day["rooms"].items():
            for item in items:
                start = dt.datetime.fromisoformat(item["date"])
                hours, minutes = map(int, item["duration"].split(":"))
                participants = []
                for person in item["persons"]:
                    code = str(uuid.uuid5(uuid.NAMESPACE_URL, person["code"]))
                    participants.append({"guid": code, "name": person["public_name"], "role": "speaker"})
                    persons[code] = {"guid": code, "name": person["public_name"], "biography": person["biography"]}
                events.append({
                    "guid": item["guid"], "start": item["date"],
                    "end": (start + dt.timedelta(hours=hours, minutes=minutes)).isoformat(),
                    "room": {"name": room, "guid": rooms[room]}, "slug": item["slug"], "url": item["url"],
                    "title": item["title"], "subtitle": item["subtitle"], "type": item["type"].lower(),
                    "track": {"slug": item["track"].lower()}, "language": item["language"],
                    "abstract": item["abstract"], "description": item["description"],
                    "participants": participants, "links": [],
                })
    return {"$schema": "https://c3voc.de/schema/schedule2", "schedule": {
        "version": v1["schedule"]["version"],
        "conference": {
            "acronym": conference["acronym"], "title": conference["title"],
            "start": f"{conference['start']}T04:00:00+01:00", "end": f"{conference['end']}T23:00:00+01:00",
            "time_zone_name": conference["time_zone_name"],
            "tracks": sorted(({"name": e["track"], "slug": e["track"].lower()}
                              for d in conference["days"] for r in d["rooms"].values() for e in r),
                             key=lambda t: t["slug"]),
            "rooms": [{"name": name, "guid": code} for name, code in rooms.items()],
            "days": [{"index": d["index"], "date": d["date"], "start": d["day_start"], "end": d["day_end"]}
                     for d in conference["days"]],
        },
        "events": events, "persons": list(persons.values()),
    }}


def _session_facts(programme) -> list[tuple]:
    return [(s.id, s.title, s.kind, s.day, s.start, s.end, s.room, s.track, s.language, s.description,
             [(p.name, p.about) for p in s.speakers]) for s in programme.sessions]


@needs_specs
def test_pretalx_example_as_schedule2_imports_the_same_sessions(tmp_path):
    v1 = read_schedule(PRETALX)
    path = tmp_path / "democon-schedule2.json"
    path.write_text(json.dumps(_to_schedule2(json.loads(PRETALX.read_text()))), encoding="utf-8")
    v2 = read_schedule(path)
    assert v2.format == "schedule 2.0 JSON" and v1.format == "frab JSON"
    assert len(v2.programme.sessions) == 36
    assert _session_facts(v2.programme) == _session_facts(v1.programme)
    assert v2.programme.rooms == v1.programme.rooms and v2.programme.days() == v1.programme.days()
    assert v2.programme.event.day_change == dt.time(4, 0)  # pretalx's days run 04:00 to 03:59
    result = CliRunner().invoke(main, ["import", "schedule", str(path), "--output", str(tmp_path / "p.toml")])
    assert result.exit_code == 0, result.output
    assert "36 items, 2 rooms, 3 days (schedule 2.0 JSON)" in result.output


def _hub_file() -> dict:
    """A small hub-style 2.0 file: a day from 10:30 to 06:00, mixed offsets, hostile text, a cancelled talk."""
    hall = "ba692ba3-421b-5371-8309-60acc34a3c05"
    speaker = "0c16ffaa-709d-599f-959f-9a38b911361a"

    def event(guid: str, start: str, end: str, title: str, **more) -> dict:
        return {"guid": guid, "start": start, "end": end, "room": {"guid": hall}, "slug": f"hack-{guid[:4]}",
                "url": f"https://example.invalid/{guid}", "title": title, "subtitle": None, "language": "en",
                "track": {"slug": "ccc"}, "abstract": None, "participants": [], "links": [], **more}

    return {"schedule": {"version": "2024-12-26 20:23", "base_url": "https://example.invalid/",
        "conference": {
            "acronym": "hack", "title": f"Hack {HOSTILE}", "start": "2024-12-27T09:30:00+00:00",
            "end": "2024-12-28T17:45:00+00:00", "time_zone_name": "Europe/Berlin", "languages": ["en", "de"],
            "tracks": [{"name": "Chaos & Community", "slug": "ccc", "colors": {"light": "#F2F006"}}],
            "rooms": [{"name": "Saal 1", "slug": "saal-1", "guid": hall, "type": "lecturehall", "capacity": 3025,
                       "description": {"en": "Lecture hall"}, "assembly": {"name": "CCC"}}],
            "days": [{"index": 1, "date": "2024-12-27", "start": "2024-12-27T09:30:00+00:00",
                      "end": "2024-12-28T06:00:00+01:00"},
                     {"index": 2, "date": "2024-12-28", "start": "2024-12-28T06:00:00+01:00",
                      "end": "2024-12-28T17:45:00+00:00"}],
        },
        "events": [
            event("270fa44c-821a-577f-8ca3-33e8d4a8c2a7", "2024-12-27T10:30:00+01:00", "2024-12-27T11:00:00+01:00",
                  "Opening Ceremony", type="other", description={"de": "Eröffnung", "en": HOSTILE + "x" * 10_000},
                  participants=[{"guid": speaker, "name": f"Ayşe {HOSTILE}", "role": "host"}]),
            {"type": "BREAK", "title": "Mate", "start": "2024-12-27T11:00:00+01:00",
             "end": "2024-12-27T11:30:00+01:00", "room": {"guid": hall}},
            event("b1740c2f-0c44-5f1b-89ed-456a9eecf0b8", "2024-12-28T00:15:00+01:00", "2024-12-28T00:55:00+01:00",
                  "Night Talk", type="talk", logo={"url": "https://example.invalid/logo.png"},
                  feedback_url="https://example.invalid/feedback"),
            event("5e1f1a2b-0c44-5f1b-89ed-456a9eecf0b8", "2024-12-28T12:00:00+01:00", "2024-12-28T13:00:00+01:00",
                  "Withdrawn Talk", type="talk", state="WITHDRAWN"),
            event("6a1f1a2b-0c44-5f1b-89ed-456a9eecf0b8", "2024-12-28T12:00:00+01:00", "2024-12-28T13:00:00+01:00",
                  "Workshop day 2", type="HANDS-ON", mood="happy"),
        ],
        "persons": [{"guid": speaker, "name": "Ayşe", "biography": "Regel\r\neen\x07"}],
    }}


def test_hub_style_file_with_hostile_text_and_a_night():
    result = parse_schedule(json.dumps(_hub_file()))
    programme = result.programme
    assert result.format == "schedule 2.0 JSON"
    assert programme.event.name == "Hack [@click=app.quit]x[/] <b>&amp; \"q\" ; \\ \u202eאבג\u202c 🎉 [2J regel"
    assert programme.event.day_change == dt.time(6, 0)
    assert [(r.id, r.name, r.capacity) for r in programme.rooms] == [("saal-1", "Saal 1", 3025)]
    opening, mate, night, workshop = programme.sessions
    assert (opening.kind, opening.track, opening.room) == (Kind.TALK, "Chaos & Community", "saal-1")
    assert opening.description.startswith("[@click=app.quit]x[/]") and len(opening.description) > 10_000
    assert (opening.speakers[0].name, opening.speakers[0].role, opening.speakers[0].about) == (
        "Ayşe [@click=app.quit]x[/] <b>&amp; \"q\" ; \\ \u202eאבג\u202c 🎉 [2J regel", "host", "Regel\neen")
    assert (mate.kind, mate.start, mate.end) == (Kind.BREAK, dt.time(11, 0), dt.time(11, 30))
    # The 00:15 talk is in the day that ends at 06:00 the next morning: day 1.
    assert (night.title, night.day, night.start, night.end) == ("Night Talk", None, dt.time(0, 15), dt.time(0, 55))
    assert (workshop.kind, workshop.day) == (Kind.ACTIVITY, dt.date(2024, 12, 28))
    text = "\n".join(result.warnings)
    assert "'Withdrawn Talk': state withdrawn, left out" in text and "unknown field 'mood'" in text
    assert "logo" not in text and "feedback_url" not in text and "languages" not in text


def test_g40_exports_valid_schedule2_json_and_imports_the_same(validator, programme):
    document = schedule2_dict(programme, on=EVENT_DAY)
    assert _errors(validator, document) == []
    again = parse_schedule(json.dumps(document), source=programme.event.source)
    assert again.programme == programme and again.warnings == []
    events = document["schedule"]["events"]
    assert len(events) == len(programme.sessions)
    veiligheid = next(e for e in events if e.get("slug", "").endswith("-r2-veiligheid"))
    assert (veiligheid["start"], veiligheid["end"]) == ("2026-11-29T14:00:00+01:00", "2026-11-29T15:30:00+01:00")
    assert {e["type"] for e in events if "slug" not in e} == {"BREAK", "META"}  # breaks, lunch, walk-in
    assert {e["language"] for e in events if "slug" in e} == {"nl"}


def test_plain_readers_see_the_g40_day_without_the_kiosk_extension(programme):
    document = schedule2_dict(programme, on=EVENT_DAY)
    del document["schedule"]["conference"]["meta"]
    plain = parse_schedule(json.dumps(document)).programme
    assert [(s.title, s.start, s.end) for s in plain.sessions] == [(s.title, s.start, s.end) for s in programme.sessions]


def test_hostile_night_programme_round_trips_and_validates(validator):
    raw = {"event": {"name": f"Nacht {HOSTILE[:-12]}", "date": "2027-08-20", "day_change": "04:00",
                     "timezone": "Europe/Amsterdam"},
           "rooms": [{"id": "a", "name": HOSTILE[:-12], "capacity": 0}],
           "rounds": [{"id": "r1", "name": "Ronde 1"}],
           "sessions": [
               {"id": "s1", "title": HOSTILE[:-12], "kind": "talk", "start": "23:00", "end": "00:30", "room": "a",
                "language": "nl-be", "speakers": [{"name": "Ayşe Çelik", "role": "dagvoorzitter",
                                                   "about": "x" * 10_000}], "notes": ["onder voorbehoud"]},
               {"id": "s2-", "title": "Keuze", "kind": "choice", "round": "r1", "start": "00:30", "end": "01:30",
                "signup": True, "capacity": 15},
               {"id": "dag-2", "title": "Dag 2", "kind": "lunch", "start": "12:00", "day": "2027-08-21"},
           ]}
    festival, problems = parse_programme(raw)
    assert problems == []
    document = json.loads(to_schedule2_json(festival))
    assert _errors(validator, document) == []
    assert parse_schedule(json.dumps(document)).programme == festival
    night = next(e for e in document["schedule"]["events"] if e["title"] == "Keuze")
    assert (night["start"], night["end"]) == ("2027-08-21T00:30:00+02:00", "2027-08-21T01:30:00+02:00")
    assert document["schedule"]["conference"]["days"][0]["end"] == "2027-08-21T04:00:00+02:00"


def test_a_file_without_sessions_says_what_it_found(tmp_path):
    cases = {
        '{"schedule": {"version": "1", "conference": {"title": "X", "acronym": "xxxx"}, "events": []}}':
            "no days and no events: is this a schedule export?",
        '{"schedule": {"version": "1", "conference": {"title": "X"}}}':
            "no days and no events: is this a schedule export?",
        json.dumps({"schedule": {"version": "1", "conference": {"title": "X", "days": [
            {"index": 1, "date": "2026-05-01", "start": "2026-05-01T10:00:00+02:00",
             "end": "2026-05-02T04:00:00+02:00"}]}, "events": []}}):
            "1 day(s) (2026-05-01) but no events in them: is the schedule published yet?",
        json.dumps({"schedule": {"version": "1", "conference": {"title": "X"}, "events": [{"title": "?"}]}}):
            "1 event(s) on 1 day(s), but none could be read (see the warnings)",
    }
    for text, expected in cases.items():
        with pytest.raises(ScheduleError) as error:
            parse_schedule(text)
        assert error.value.problems[-1] == expected
    path = tmp_path / "leeg.json"
    path.write_text(next(iter(cases)), encoding="utf-8")
    result = CliRunner().invoke(main, ["import", "schedule", str(path)])
    assert result.exit_code == 2
    assert "leeg.json: no days and no events: is this a schedule export?" in result.output
    assert "has no sessions" not in result.output


# The schema file is in ../shared/specs, which a clone elsewhere (CI's) may lack: there it skips, and a
# skipped PostgreSQL test fails CI. The export's rows are compared across the stores in test_reports.
@pytest.mark.sqlite_only
def test_cli_exports_schedule2_json(tmp_path, target, validator):
    out = tmp_path / "schedule2.json"
    flag, env = db_args(target)  # a PostgreSQL URL's password in PGPASSWORD
    base = [*flag, "--programme", str(PROGRAMME_PATH)]
    result = CliRunner(env={**env, "KIOSK_NOW": f"{EVENT_DAY}T08:00"}).invoke(
        main, [*base, "export", "schedule", "--format", "schedule2-json", "--output", str(out)])
    assert result.exit_code == 0, result.output
    document = json.loads(out.read_text(encoding="utf-8"))
    assert _errors(validator, document) == []
    assert document["schedule"]["conference"]["days"][0]["date"] == EVENT_DAY.isoformat()
    bad = CliRunner(env=env).invoke(main, [*base, "export", "schedule", "--format", "schedule2-json", "--language", "NL!"])
    assert bad.exit_code != 0 and "two-letter code" in bad.output
