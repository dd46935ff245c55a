"""`kiosk report` as a person reads it in a terminal: the venue, arrivals over time, then each round.

Pure text from the store's report rows; the command (kiosk.cli.reports) decides what to print.
Titles are cut to fit the width (80 columns at least), so a line never wraps in a small terminal.
"""

from __future__ import annotations

from dataclasses import asdict

from kiosk.store.code_guard import MISSES_PER_MINUTE, GuessingMinutes
from kiosk.store.report import RoundReport, SessionReport
from kiosk.store.report_venue import ArrivalBucket, EveryoneItem, VenueReport

BAR_WIDTH = 30
# Short labels: at 80 columns every character they take is one the session's title loses.
SESSION_COLUMNS = [
    ("starts_at", "start"), ("capacity", "cap"), ("signed_up", "signed"), ("waitlisted", "wait"),
    ("attended", "attended"), ("no_shows", "no-show"), ("peak_inside", "peak"),
]
NOT_ENDED = "no-shows '-': the session has not ended yet"
NOT_SCANNED = "attended '-': no scan at the session's door (held without a door scanner?)"


def cut(text: str, width: int) -> str:
    """`text` in at most `width` characters, an ellipsis marking a cut."""
    return text if len(text) <= width else text[: width - 1] + "…"


def _widths(head: list[str], rows: list[list[str]], width: int) -> list[int]:
    """Column widths: each column's widest cell, the first cut to what `width` leaves (16 at least)."""
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    rest = sum(widths[1:]) + 2 * (len(head) - 1)
    widths[0] = max(min(widths[0], width - rest), 16)
    return widths


def _grid(head: list[str], rows: list[list[str]], width: int, widths: list[int] | None = None) -> list[str]:
    """A left-aligned first column (cut to what the width leaves) and right-aligned numbers."""
    widths = widths or _widths(head, rows, width)
    lines = []
    for number, row in enumerate([head, *rows]):
        cells = [cut(row[0], widths[0]).ljust(widths[0])] + [c.rjust(w) for c, w in zip(row[1:], widths[1:])]
        lines.append("  ".join(cells).rstrip())
        if number == 0:
            lines.append("  ".join("-" * w for w in widths))
    return lines


def venue_lines(venue: VenueReport) -> list[str]:
    """How many came, of how many expected; no-shows; the peak inside and when."""
    if venue.no_shows is None:
        no_shows = f"{'-':>5}  ({venue.not_arrived} not arrived yet; no-shows once the day's last item has begun)"
    else:
        cancelled = f"; {venue.cancelled} cancelled beforehand" if venue.cancelled else ""
        no_shows = f"{venue.no_shows:>5}  (expected, never came{cancelled})"
    walk_ins = f", and {venue.walk_ins} walk-in{'s' if venue.walk_ins != 1 else ''}" if venue.walk_ins else ""
    peak = f"{venue.peak_inside:>5}  at {venue.peak_at}" if venue.peak_at else f"{venue.peak_inside:>5}"
    out = f"  ({venue.exits} scanned out at the exit)" if venue.exits else ""
    return [
        "Venue",
        f"  came         {venue.arrived:>5}  ({venue.arrived_expected} of the {venue.expected} expected{walk_ins})",
        f"  no-shows     {no_shows}",
        f"  peak inside  {peak}",
        f"  inside now   {venue.inside_now:>5}{out}",
        "  (inside: arrived and not scanned out; who left without a scan still counts)",
    ]


def guessing_lines(day: GuessingMinutes | None) -> list[str]:
    """Badge codes guessed through the public login (PostgreSQL's `code_misses`), when the limit was reached."""
    if day is None:
        return []
    minutes = f"{day.minutes} minute{'s' if day.minutes != 1 else ''}"
    return [
        f"  Badge codes guessed at the public kiosks: {day.misses} unknown codes, {minutes} at the limit",
        f"  of {MISSES_PER_MINUTE} a minute ({day.first}-{day.last}), from {', '.join(day.clients[:3])}",
    ]


def arrival_lines(buckets: list[ArrivalBucket], minutes: int) -> list[str]:
    """Arrivals per quarter (or half) hour with the running total and a bar."""
    title = f"Arrivals per {minutes} minutes"
    if not buckets:
        return [title, "  (nobody has arrived yet)"]
    most = max(b.arrived for b in buckets) or 1
    width = max(len(b.starts) for b in buckets)
    lines = [title, f"  {'from'.ljust(width)}  {'to'.ljust(width)}   came  total"]
    for b in buckets:
        bar = "#" * round(b.arrived / most * BAR_WIDTH)
        lines.append(f"  {b.starts.ljust(width)}  {b.ends.ljust(width)}  {b.arrived:>5}  {b.total:>5}  {bar}".rstrip())
    return lines


def everyone_lines(items: list[EveryoneItem], width: int) -> list[str]:
    """The items for everyone, with the venue's count when each began and the most while it ran."""
    if not items:
        return []
    head = ["item", "start", "end", "inside at start", "most inside"]
    rows = [[i.title, i.starts_at, i.ends_at or "", str(i.inside_at_start), str(i.most_inside)] for i in items]
    lines = ["For everyone (no door scanning: the venue's count while it ran; breaks left out)"]
    lines += ["  " + line for line in _grid(head, rows, width - 2)]
    scanned = [i for i in items if i.door_entries]
    lines += [f"  (also scanned at its door: {i.title}, {i.door_entries} people)" for i in scanned]
    return lines


def _session_row(line: SessionReport) -> list[str]:
    values = asdict(line)
    if line.ended and not line.door_scanned:
        values["attended"] = values["peak_inside"] = None
    return [line.title] + ["-" if values[key] is None else str(values[key]) for key, _ in SESSION_COLUMNS]


def _round_summary(r: RoundReport) -> list[str]:
    """A round's people in two or three lines of at most 80 characters."""
    waiting = f" (+{r.waitlisted} only on a waitlist)" if r.waitlisted else ""
    if r.ended and not r.seated_at_doors and not r.attended:
        return [f"  round: {r.signed_up} signed up{waiting}; no scan at any of its doors"]
    no_shows = "-" if r.no_shows is None else str(r.no_shows)
    lines = [f"  round: {r.signed_up} signed up{waiting}, {r.attended} attended, no-shows {no_shows}"]
    if r.no_shows is not None and r.seated_at_doors < r.signed_up:
        lines.append(f"         no-shows among the {r.seated_at_doors} seated where a door scanned")
    if r.attended:
        lines.append(f"         attended: {r.as_chosen} their choice, {r.other_session} another session, "
                     f"{r.not_signed_up} without a seat")
    return lines


def session_lines(rounds: list[RoundReport], sessions: list[SessionReport], width: int) -> list[str]:
    """Per round its sessions (door scans: signed up against attended) and the round's people."""
    head = ["session"] + [label for _, label in SESSION_COLUMNS]
    # One set of widths for every round's grid, so the columns line up down the whole report.
    widths = _widths(head, [_session_row(s) for s in sessions], width) if sessions else None
    lines: list[str] = []
    groups = [(r, [s for s in sessions if s.round == r.round_id]) for r in rounds]
    loose = [s for s in sessions if s.round not in {r.round_id for r in rounds}]
    for found, members in [*groups, (None, loose)]:
        if not members:
            continue
        if found is None:
            lines += ["", "Sessions outside a round"]
        else:
            span = f"{found.starts_at}-{found.ends_at}" if found.ends_at else f"from {found.starts_at}"
            lines += ["", f"{found.name}  {span}"]
        lines += _grid(head, [_session_row(s) for s in members], width, widths)
        if found is not None:
            lines += _round_summary(found)
    return lines


def totals_lines(sessions: list[SessionReport]) -> list[str]:
    """The summary line; its no-shows say '-' while any session has not ended, as the rows do."""
    signed = sum(s.signed_up for s in sessions)
    attended = sum(s.attended for s in sessions)
    pending = any(not s.ended for s in sessions)
    no_shows = "-" if pending else str(sum(s.no_shows or 0 for s in sessions))
    lines = ["", f"{len(sessions)} sessions; signed up {signed}, attended {attended}, no-shows {no_shows}"]
    if pending:
        lines.append(NOT_ENDED)
    if any(s.ended and not s.door_scanned for s in sessions):
        lines.append(NOT_SCANNED)
    return lines
