"""The detail pane: everything the programme says about the selected item, and its live numbers."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Markdown, Static

from kiosk.domain.programme import Programme, Session
from kiosk.domain.rules import fill_state
from kiosk.domain.views import EMPTY, Occupancy
from kiosk.ui.widgets import programme_words as words
from kiosk.ui.widgets.session_cell import FILL_COLOUR

L = words.LABEL


class SessionDetail(VerticalScroll, can_focus=True):
    """Title, kind, round, time, room, numbers, notes, speakers and the description as Markdown."""

    def __init__(self, programme: Programme, lang: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.programme = programme
        self.lang = lang
        self.session: Session | None = None
        self.occupancy: Occupancy = EMPTY

    def compose(self) -> ComposeResult:
        yield Static(L["nothing"](self.lang), id="detail-head", markup=False)
        yield Static("", id="detail-numbers", markup=False)
        yield Static("", id="detail-notes", markup=False)
        yield Static("", id="detail-speakers", markup=False)
        yield Markdown("", id="detail-description")

    def show(self, session: Session, occupancy: Occupancy) -> None:
        """Show another session (the description is only re-parsed when the session changes)."""
        changed = session is not self.session
        self.session = session
        self.occupancy = occupancy
        self.query_one("#detail-head", Static).update(self._head())
        self.query_one("#detail-numbers", Static).update(self._numbers())
        if changed:
            notes = self._notes()
            notes_widget = self.query_one("#detail-notes", Static)
            notes_widget.update(notes)
            notes_widget.display = bool(notes)
            notes_widget.set_class(session.tentative, "-tentative")
            speakers = self._speakers()
            speakers_widget = self.query_one("#detail-speakers", Static)
            speakers_widget.update(speakers)
            speakers_widget.display = bool(speakers)
            description = self.query_one("#detail-description", Markdown)
            description.update(session.description)
            description.display = bool(session.description)
            self.scroll_home(animate=False)

    def set_occupancy(self, occupancy: Occupancy) -> None:
        """New numbers for the shown session; only the numbers block is redrawn."""
        if self.session is None or occupancy == self.occupancy:
            return
        self.occupancy = occupancy
        self.query_one("#detail-numbers", Static).update(self._numbers())

    def _head(self) -> Content:
        session, lang = self.session, self.lang
        lines = [Content.styled(session.title, "bold")]
        if session.subtitle:
            lines.append(Content.styled(session.subtitle, "italic"))
        facts = [
            (L["kind"](lang), words.KIND[session.kind](lang)),
            (L["round"](lang), words.round_name(self.programme, session.round, lang)),
            (L["time"](lang), words.time_range(session, lang)),
            (L["room"](lang), words.room_name(self.programme, session, lang, labelled=True)),
        ]
        # One wrapped line of facts, so a short pane below the grid still shows the numbers.
        parts = [Content.assemble((f"{label} ", "dim"), value) for label, value in facts if value]
        lines.append(Content(" · ").join(parts))
        if not session.in_grid:
            lines.append(Content.styled(words.NOT_IN_GRID(lang), "italic"))
        return Content("\n").join(lines)

    def _numbers(self) -> Content:
        session, lang, numbers = self.session, self.lang, self.occupancy
        if not session.signup:
            line = Content.styled(L["no_signup"](lang), "dim")
            if numbers.inside:
                line = Content(" · ").join([line, Content(f"{L['inside'](lang)} {numbers.inside}")])
            return line
        capacity = self.programme.capacity(session)
        fill = fill_state(numbers.confirmed, capacity)
        symbol, word = words.FILL[fill]
        state = Content.styled(f"{symbol} {word(lang)}", f"bold $text-{FILL_COLOUR[fill]}")
        rows = [
            (L["capacity"](lang), str(capacity) if capacity is not None else L["no_limit"](lang)),
            (L["confirmed"](lang), str(numbers.confirmed)),
            (L["waitlist"](lang), str(numbers.waitlisted)),
            (L["inside"](lang), str(numbers.inside)),
        ]
        parts = [Content.assemble((f"{label} ", "dim"), (value, "bold")) for label, value in rows]
        return Content(" · ").join([state, *parts])

    def _notes(self) -> Content | str:
        session, lang = self.session, self.lang
        if not session.notes:
            return ""
        lines = [Content.styled(L["notes"](lang), "bold")]
        if session.tentative:
            lines.append(Content.styled(L["tentative"](lang), "bold reverse"))
        lines += [Content(f"• {note}") for note in session.notes]
        return Content("\n").join(lines)

    def _speakers(self) -> Content | str:
        session, lang = self.session, self.lang
        if not session.speakers:
            return ""
        lines = [Content.styled(L["speakers"](lang), "bold")]
        for speaker in session.speakers:
            role = words.ROLE.get(speaker.role)
            role_text = role(lang) if role else speaker.role
            about = f", {speaker.about}" if speaker.about else ""
            lines.append(Content.assemble("• ", (speaker.name, "bold"), f" ({role_text}){about}"))
        return Content("\n").join(lines)
