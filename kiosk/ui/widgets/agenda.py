"""A person's day as a short agenda: the fixed programme plus their choices, one line per item."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from kiosk.domain.programme import Programme
from kiosk.domain.views import RoundState
from kiosk.ui.widgets import selfservice_words as W


def agenda_lines(programme: Programme, rounds: dict[str, RoundState], lang: str) -> list[tuple[str, str, str]]:
    """(time, text, css class) per line: fixed items, then per choice round their seat or place.

    In time order on the conference days: a night item (00:30) comes after the evening's.
    """
    choice_ids = {r.id for r in programme.choice_rounds()}
    lines: list[tuple[tuple, str, str, str]] = []  # (sort key, time, text, class)
    for session in programme.sessions:
        if session.round in choice_ids or not session.in_grid:
            continue
        lines.append((programme.order(session), session.time_range(), session.label, "agenda-fixed"))
    for round_ in programme.choice_rounds():
        state = rounds.get(round_.id)
        name = round_.name_en if lang == "en" and round_.name_en else round_.name
        start = programme.round_start(round_.id)
        first = min(programme.round_sessions(round_.id), key=programme.order)
        order = programme.order(first)
        key = start.strftime("%H:%M") if start else "99:99"
        chosen = [o for o in (state.options if state else []) if o.mine]
        if not chosen:
            # The round's own span (11:30-12:30), not an open end that reads like the closing's.
            ends = [s.end for s in programme.round_sessions(round_.id) if s.end is not None]
            last = max(ends, key=programme.day_clock.end_offset) if ends else None
            span = f"{key}-{last.strftime('%H:%M')}" if last and start else key
            lines.append((order, span, f"{name}: {W.NO_CHOICE(lang)}", "agenda-none"))
        for option in chosen:
            session = programme.session(option.session_id)
            label = session.label if session else option.title
            time = session.time_range() if session else option.starts_at
            at = programme.order(session) if session else order
            if option.mine == "waitlisted":
                lines.append((at, time, f"{label} ({W.ON_WAITLIST(lang, n=option.place)})", "agenda-waiting"))
            else:
                lines.append((at, time, label, "agenda-mine"))
    lines.sort(key=lambda line: line[0])
    return [(time, text, css) for _, time, text, css in lines]


class Agenda(VerticalScroll):
    """The confirmation: a title with the person's name and their day, read-only."""

    def __init__(self, name: str, programme: Programme, rounds: dict[str, RoundState], lang: str) -> None:
        super().__init__(id="agenda")
        self.person_name = name
        self.programme = programme
        self.rounds = rounds
        self.lang = lang

    def compose(self) -> ComposeResult:
        # The name goes in as a format value into plain text: never parsed as markup.
        yield Static(W.AGENDA_TITLE(self.lang, name=self.person_name), id="agenda-title", markup=False)
        for time, text, css in agenda_lines(self.programme, self.rounds, self.lang):
            yield Static(f"{time:<12}{text}", classes=f"agenda-line {css}", markup=False)
