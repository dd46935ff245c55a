"""Loads a programme file and reports every problem at once, one `FILE: path: message` line each."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from kiosk.domain.dayclock import MIDNIGHT, DayClock
from kiosk.domain.programme import Event, Programme, Room, Round, Session
from kiosk.domain.source import ProgrammeError, ProgrammeSource

__all__ = ["ProgrammeError", "load_programme", "parse_programme", "parse_source"]

M = TypeVar("M", bound=BaseModel)


def _where(prefix: str, loc: tuple[Any, ...]) -> str:
    """Turn pydantic's location tuple into `sessions[4].speakers[0].name`."""
    path = prefix
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def _validate(model: type[M], raw: Any, where: str, problems: list[str]) -> M | None:
    """Validate one part; on failure add its problems and return None."""
    try:
        return model.model_validate(raw)
    except ValidationError as error:
        for item in error.errors():
            message = item["msg"].removeprefix("Value error, ")
            if item["type"] == "extra_forbidden":
                message = "unknown field"
            problems.append(f"{_where(where, item['loc'])}: {message}")
        return None


def parse_programme(raw: dict[str, Any]) -> tuple[Programme | None, list[str]]:
    """Validate a programme given as plain data; returns the programme or the list of problems."""
    problems: list[str] = []
    unknown = set(raw) - {"event", "rooms", "rounds", "sessions"}
    problems += [f"{key}: unknown section" for key in sorted(unknown)]
    event = _validate(Event, raw.get("event"), "event", problems) if "event" in raw else None
    if "event" not in raw:
        problems.append("event: missing section")
    parts: dict[str, list[Any]] = {}
    for key, model in (("rooms", Room), ("rounds", Round), ("sessions", Session)):
        items = raw.get(key, [])
        if not isinstance(items, list):
            problems.append(f"{key}: must be a list of tables ([[{key}]])")
            items = []
        parts[key] = [_validate(model, item, f"{key}[{i}]", problems) for i, item in enumerate(items)]
    if not parts["sessions"]:
        problems.append("sessions: the programme has no sessions")
    clock = DayClock(event.day_change) if event is not None else DayClock()
    problems += _cross_check(parts["rooms"], parts["rounds"], parts["sessions"], clock)
    if problems or event is None:  # no [event] is a problem of its own, listed above
        return None, problems
    programme = Programme(event=event, rooms=parts["rooms"], rounds=parts["rounds"], sessions=parts["sessions"])
    return programme, []


def _cross_check(rooms: list[Room | None], rounds: list[Round | None], sessions: list[Session | None],
                 clock: DayClock) -> list[str]:
    """Rules that span items: unique ids, known references, ends after starts (on the day's clock:
    with `day_change = "04:00"`, 23:00-01:00 ends after it starts)."""
    problems = []
    for key, items in (("rooms", rooms), ("rounds", rounds), ("sessions", sessions)):
        seen: dict[str, int] = {}
        for i, item in enumerate(items):
            if item is None:
                continue
            if item.id in seen:
                problems.append(f"{key}[{i}].id: {item.id!r} is used already by {key}[{seen[item.id]}]")
            seen.setdefault(item.id, i)
    room_ids = {r.id for r in rooms if r}
    round_ids = {r.id for r in rounds if r}
    for i, session in enumerate(sessions):
        if session is None:
            continue
        if session.end is not None and not clock.ends_after_start(session.start, session.end):
            night = f" (the day changes over at {clock.change:%H:%M})" if clock.change != MIDNIGHT else ""
            problems.append(
                f"sessions[{i}].end: {session.end:%H:%M} is before its start {session.start:%H:%M}{night}"
                if session.end != session.start
                else f"sessions[{i}].end: {session.end:%H:%M} is the same as its start"
            )
        if session.room is not None and session.room not in room_ids:
            problems.append(f"sessions[{i}].room: {session.room!r} is not one of the rooms")
        if session.round is not None and session.round not in round_ids:
            problems.append(f"sessions[{i}].round: {session.round!r} is not one of the rounds")
    return problems


def load_programme(path: str | Path) -> Programme:
    """Read and validate a programme TOML file, or raise ProgrammeError listing every problem."""
    return parse_source(ProgrammeSource.read(path))


def parse_source(source: ProgrammeSource) -> Programme:
    """Validate a programme file already read, or raise ProgrammeError listing every problem."""
    name = source.path.name
    try:
        raw = tomllib.loads(source.text)
    except tomllib.TOMLDecodeError as error:
        raise ProgrammeError([f"{name}: not valid TOML: {error}"]) from None
    programme, problems = parse_programme(raw)
    if programme is None:
        raise ProgrammeError([f"{name}: {problem}" for problem in problems])
    return programme
