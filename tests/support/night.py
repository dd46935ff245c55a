"""A night festival for tests of days that run past midnight: frab day 1 runs 10:00 to 04:00.

Its items at 23:00, 00:00 and 00:30 belong to day 1 (20 August 2027), though the last two are on
the calendar's 21st; day 2 starts at 10:00. The same schedule as frab JSON (`frab`) and XML
(`frab_xml`), and as the programme file a kiosk runs on (`write_programme`).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from kiosk.clock import Clock

DAY1, DAY2 = dt.date(2027, 8, 20), dt.date(2027, 8, 21)
TZ = Clock().tz


def frab_event(guid: str, title: str, moment: str, duration: str, kind: str = "Talk") -> dict:
    """One frab JSON event in the room Podium."""
    return {"guid": guid, "title": title, "date": moment, "start": moment[11:16], "duration": duration,
            "type": kind, "slug": f"nacht-{guid}", "room": "Podium", "persons": []}


def frab() -> dict:
    """A frab JSON schedule: day 1 runs 10:00 to 04:00 the next morning; day 2 starts at 10:00."""
    night = [
        frab_event("opening", "Opening", "2027-08-20T10:00:00+02:00", "01:00"),
        frab_event("avondconcert", "Avondconcert", "2027-08-20T23:00:00+02:00", "01:00", "Concert"),
        frab_event("middernacht", "Middernachtquiz", "2027-08-21T00:00:00+02:00", "00:30", "Game"),
        frab_event("nachtfilm", "Nachtfilm", "2027-08-21T00:30:00+02:00", "01:30", "Other"),
    ]
    return {"schedule": {"version": "1", "conference": {
        "acronym": "nacht", "title": "Nachtfestival", "start": DAY1.isoformat(), "end": DAY2.isoformat(),
        "time_zone_name": "Europe/Amsterdam", "rooms": [{"name": "Podium"}],
        "days": [
            {"index": 1, "date": DAY1.isoformat(), "day_start": "2027-08-20T10:00:00+02:00",
             "day_end": "2027-08-21T04:00:00+02:00", "rooms": {"Podium": night}},
            {"index": 2, "date": DAY2.isoformat(), "day_start": "2027-08-21T10:00:00+02:00",
             "day_end": "2027-08-22T04:00:00+02:00",
             "rooms": {"Podium": [frab_event("ontbijt", "Ontbijtsessie", "2027-08-21T10:00:00+02:00", "01:00")]}},
        ]}}}


def frab_xml() -> str:
    """The same schedule as frab XML."""
    def event(item: dict) -> str:
        return (f'<event guid="{item["guid"]}"><title>{item["title"]}</title><type>{item["type"]}</type>'
                f'<date>{item["date"]}</date><start>{item["start"]}</start><duration>{item["duration"]}</duration>'
                f'<room>Podium</room><slug>{item["slug"]}</slug></event>')
    days = "".join(
        f'<day index="{d["index"]}" date="{d["date"]}" start="{d["day_start"]}" end="{d["day_end"]}">'
        f'<room name="Podium">{"".join(event(e) for e in d["rooms"]["Podium"])}</room></day>'
        for d in frab()["schedule"]["conference"]["days"])
    return (f'<?xml version="1.0"?><schedule><version>1</version><conference><acronym>nacht</acronym>'
            f'<title>Nachtfestival</title><start>{DAY1}</start><end>{DAY2}</end>'
            f'<time_zone_name>Europe/Amsterdam</time_zone_name></conference>{days}</schedule>')


def at(day: dt.date, hhmm: str) -> dt.datetime:
    """A moment on the calendar's `day` (not the conference day: 00:30 of day 1's night is on DAY2)."""
    return dt.datetime.combine(day, dt.time.fromisoformat(hhmm), tzinfo=TZ)


def write_programme(path: Path) -> Path:
    """The night festival imported from frab JSON, written as the programme file a kiosk runs on."""
    from kiosk.interop.frab import parse_schedule
    from kiosk.interop.toml_writer import to_toml

    path.write_text(to_toml(parse_schedule(json.dumps(frab())).programme), encoding="utf-8")
    return path
