"""The frab version 1 formats read into one neutral shape: the JSON one, a conference dict.

XML is mapped onto the JSON names (`<day start>` -> `day_start`, `<person>` text -> `name`), and the
kiosk extension (JSON `conference.meta.kiosk`, XML `<?kiosk-programme ...?>`) is put under
`_extension`. Nothing here judges values; kiosk.interop.frab does that.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Any

PI_TARGET = "kiosk-programme"


class ScheduleError(Exception):
    """A file that is not a readable schedule; `problems` holds one printable line each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def load_json(text: str) -> Any:
    """The parsed JSON of a schedule file, or ScheduleError when it is not JSON."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ScheduleError([f"not valid JSON: {error}"]) from None


def conference_of(data: Any) -> dict[str, Any]:
    """The conference of parsed frab JSON (either version), with its kiosk extension under `_extension`."""
    schedule = data.get("schedule") if isinstance(data, dict) else None
    conference = schedule.get("conference") if isinstance(schedule, dict) else None
    if not isinstance(conference, dict):
        raise ScheduleError(["not a frab schedule: no schedule.conference in the JSON"])
    conference = dict(conference)
    meta = conference.get("meta")
    if isinstance(meta, dict):
        conference["_extension"] = meta.get("kiosk")
    return conference


def from_json(text: str) -> dict[str, Any]:
    """The conference of a frab JSON schedule (version 1), with its kiosk extension under `_extension`."""
    return conference_of(load_json(text))


def _local(tag: str) -> str:
    """An element's name without its namespace."""
    return tag.rsplit("}", 1)[-1]


def from_xml(text: str) -> dict[str, Any]:
    """The conference of a frab XML schedule, shaped as the JSON one."""
    parser = ET.XMLParser(target=ET.TreeBuilder(insert_pis=True))
    try:
        root = ET.fromstring(text, parser=parser)
    except ET.ParseError as error:
        raise ScheduleError([f"not valid XML: {error}"]) from None
    if not isinstance(root.tag, str) or _local(root.tag) != "schedule":
        raise ScheduleError(["not a frab schedule: the XML has no <schedule> root"])
    conference: dict[str, Any] = {"days": [], "_unknown": []}
    for child in root:
        if child.tag is ET.PI:
            target, _, body = (child.text or "").partition(" ")
            if target == PI_TARGET:
                conference["_extension"] = _json_or_none(body)
            continue
        if not isinstance(child.tag, str):
            continue
        name = _local(child.tag)
        if name == "conference":
            for item in child:
                if isinstance(item.tag, str):
                    key = _local(item.tag)
                    conference.setdefault(key, item.get("name") if key == "track" else (item.text or "").strip())
        elif name == "day":
            conference["days"].append(_xml_day(child))
        elif name not in ("generator", "version", "url"):
            conference["_unknown"].append(name)
    return conference


def _json_or_none(text: str) -> Any:
    """Parsed JSON, or None when it is not JSON (a damaged extension is ignored, not fatal)."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return None


def _xml_day(day: ET.Element) -> dict[str, Any]:
    """One <day> as the JSON shape: rooms by name, each a list of events."""
    rooms: dict[str, list[dict[str, Any]]] = {}
    for room in day:
        if not isinstance(room.tag, str) or _local(room.tag) != "room":
            continue
        events = rooms.setdefault(room.get("name", ""), [])
        for event in room:
            if isinstance(event.tag, str) and _local(event.tag) == "event":
                events.append(_xml_event(event))
    return {"index": day.get("index"), "date": day.get("date"), "day_start": day.get("start"),
            "day_end": day.get("end"), "rooms": rooms}


def _xml_event(event: ET.Element) -> dict[str, Any]:
    """One <event> as the JSON shape."""
    item: dict[str, Any] = {key: event.get(key) for key in ("guid", "id", "code") if event.get(key) is not None}
    for child in event:
        if not isinstance(child.tag, str):
            continue
        key = _local(child.tag)
        if key == "persons":
            item["persons"] = [{"name": (p.text or "").strip()} for p in child if isinstance(p.tag, str)]
        elif key in ("links", "attachments", "recording"):
            item[key] = []
        else:
            item[key] = child.text or ""
    return item
