"""iCalendar (RFC 5545) for the programme and for one person's agenda, written by hand.

One VEVENT per item with a stable UID (`{session id}@{event slug}`, so a re-import updates instead
of duplicating), local times with TZID and a VTIMEZONE built from the tz database for the years
the event spans, TEXT escaping of `\\ ; , newline`, and lines folded at 75 octets without
splitting a UTF-8 character. An item without an end time gets no DTEND (RFC 5545: it then ends
when it starts).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from kiosk.domain.programme import Programme, Session

PRODID = "-//Netwerkdag kiosk//Programme//NL"
_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f]")


def escape(text: str) -> str:
    """A TEXT value: `\\`, `;`, `,` and line breaks escaped; other control characters dropped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")
    return _CONTROL.sub("", text)


def fold(line: str) -> str:
    """One content line folded at 75 octets (continuations start with a space), CRLF-terminated."""
    data = line.encode("utf-8")
    parts: list[bytes] = []
    limit = 75
    while len(data) > limit:
        cut = limit
        while cut > 0 and (data[cut] & 0xC0) == 0x80:  # never inside a multi-byte character
            cut -= 1
        parts.append(data[:cut])
        data = data[cut:]
        limit = 74  # the leading space of a continuation line counts
    parts.append(data)
    return "\r\n ".join(p.decode("utf-8") for p in parts) + "\r\n"


def _stamp(moment: dt.datetime) -> str:
    """A UTC DATE-TIME value."""
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _local(moment: dt.datetime) -> str:
    """A local DATE-TIME value (used with TZID)."""
    return moment.strftime("%Y%m%dT%H%M%S")


def _offset(delta: dt.timedelta | None) -> str:
    """A UTC-OFFSET value, `+0100`."""
    minutes = int((delta or dt.timedelta(0)).total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}{abs(minutes) % 60:02d}"


def _transitions(zone: ZoneInfo, years: Iterable[int]) -> list[tuple[dt.datetime, dt.timedelta, dt.timedelta, bool, str]]:
    """Offset changes of a zone from the year before the first to the end of the last year.

    Each as (UTC moment, offset before, offset after, is daylight time, abbreviation).
    """
    years = sorted(set(years))
    start = dt.datetime(years[0] - 1, 1, 1, tzinfo=dt.UTC)
    end = dt.datetime(years[-1] + 1, 1, 1, tzinfo=dt.UTC)
    found = []
    step = dt.timedelta(hours=6)
    moment = start
    while moment < end:
        after = moment + step
        before_off = moment.astimezone(zone).utcoffset()
        if after.astimezone(zone).utcoffset() != before_off:
            low, high = int(moment.timestamp()), int(after.timestamp())
            while high - low > 1:  # narrow down to the second, in whole seconds
                mid = (low + high) // 2
                if dt.datetime.fromtimestamp(mid, zone).utcoffset() == before_off:
                    low = mid
                else:
                    high = mid
            high = dt.datetime.fromtimestamp(high, dt.UTC)
            local = high.astimezone(zone)
            found.append((high, before_off, local.utcoffset(), bool(local.dst()), local.tzname() or ""))
        moment = after
    return found


def vtimezone(tz: str, years: Iterable[int]) -> list[str]:
    """The VTIMEZONE lines for a tz database zone, covering the given years."""
    zone = ZoneInfo(tz)
    lines = ["BEGIN:VTIMEZONE", f"TZID:{tz}"]
    changes = _transitions(zone, years)
    if not changes:
        probe = dt.datetime(min(years), 1, 1, tzinfo=zone)
        offset = _offset(probe.utcoffset())
        return lines + ["BEGIN:STANDARD", "DTSTART:19700101T000000", f"TZOFFSETFROM:{offset}",
                        f"TZOFFSETTO:{offset}", f"TZNAME:{probe.tzname()}", "END:STANDARD", "END:VTIMEZONE"]
    for moment, before, after, daylight, name in changes:
        part = "DAYLIGHT" if daylight else "STANDARD"
        onset = (moment + before).replace(tzinfo=None)  # local time in the offset that was in force
        lines += [f"BEGIN:{part}", f"DTSTART:{_local(onset)}", f"TZOFFSETFROM:{_offset(before)}",
                  f"TZOFFSETTO:{_offset(after)}", f"TZNAME:{escape(name)}", f"END:{part}"]
    return lines + ["END:VTIMEZONE"]


def uid(programme: Programme, session: Session) -> str:
    """The stable UID of an item: `{session id}@{event slug}`."""
    return f"{session.id}@{programme.event.slug}"


def _vevent(programme: Programme, session: Session, day: dt.date, zone: ZoneInfo, stamp: str,
            brief: bool = False) -> list[str]:
    """The lines of one VEVENT (without description and categories when `brief`)."""
    # The calendar moments: a night item (00:30 of a day that runs to 04:00) is on the next date.
    start, end = programme.span(session, on=day)
    begin = start.replace(tzinfo=zone)
    # Brief calendars give UTC times and need no VTIMEZONE; full ones give local times with TZID.
    when = _stamp if brief else (lambda moment: f"TZID={programme.event.timezone}:{_local(moment)}")
    sep = ":" if brief else ";"
    lines = ["BEGIN:VEVENT", f"UID:{uid(programme, session)}", f"DTSTAMP:{stamp}", f"DTSTART{sep}{when(begin)}"]
    if end is not None:
        lines.append(f"DTEND{sep}{when(end.replace(tzinfo=zone))}")
    lines.append(f"SUMMARY:{escape(session.title)}")
    about = [session.subtitle] if session.subtitle else []
    about += [", ".join(filter(None, (s.name, s.about))) for s in session.speakers]
    about += [session.description] if session.description else []
    about += session.notes
    if about and not brief:
        lines.append(f"DESCRIPTION:{escape(chr(10).join(about))}")
    room = programme.room(session.room)
    place = ", ".join(filter(None, (room.name if room else "", programme.event.venue, programme.event.city)))
    if place:
        lines.append(f"LOCATION:{escape(place)}")
    if not brief:
        lines.append(f"CATEGORIES:{escape(session.track or session.kind.value)}")
        lines.append("TRANSP:OPAQUE" if session.end else "TRANSP:TRANSPARENT")
    lines.append(f"STATUS:{'TENTATIVE' if session.tentative else 'CONFIRMED'}")
    return lines + ["END:VEVENT"]


def to_ics(
    programme: Programme,
    sessions: Iterable[Session] | None = None,
    *,
    now: dt.datetime | None = None,
    on: dt.date | None = None,
    name: str | None = None,
    brief: bool = False,
) -> str:
    """An iCalendar of the given sessions (default: every item of the programme).

    `now` is the DTSTAMP (default: the current time); `on` the date used when the programme has
    none (default: today); `name` the calendar's display name (default: the event's name).
    `brief` leaves out descriptions and gives UTC times without a VTIMEZONE: the smallest file
    a calendar still reads right, for a QR code (about 1.2 kB for five sessions).
    """
    items = list(programme.sessions if sessions is None else sessions)
    zone = ZoneInfo(programme.event.timezone)
    first = programme.event.date or on or dt.date.today()
    stamp = _stamp(now or dt.datetime.now(dt.UTC))
    days = {s.id: s.day or first for s in items}
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
             f"X-WR-CALNAME:{escape(name or programme.event.name)}"]
    if not brief:
        lines.append(f"X-WR-TIMEZONE:{programme.event.timezone}")
    if not brief:
        lines += vtimezone(programme.event.timezone, [d.year for d in days.values()] or [first.year])
    for session in items:
        lines += _vevent(programme, session, days[session.id], zone, stamp, brief)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) for line in lines)


def agenda_ics(programme: Programme, confirmed: Iterable[str], *, person: str = "", **options) -> str:
    """One person's agenda: only the sessions whose ids are in `confirmed`, in programme order."""
    wanted = set(confirmed)
    chosen = [s for s in programme.sessions if s.id in wanted]
    title = f"{programme.event.name} - {person}" if person else programme.event.name
    return to_ics(programme, chosen, name=title, **options)
