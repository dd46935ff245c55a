"""The door screen: scan people into and out of one session and see the room fill up.

One input always has the focus (a USB scanner types the code and Enter; `ScanInput` hands each
Enter over whole, and the scans are written in order by the screen's WriteQueue,
kiosk/ui/writes.py, so a burst of badges is never merged or reordered). F8 switches between
scanning in and out (an exit door stays on "scan out"). A scan never changes its own direction:
a second scan of someone inside, "to be sure", says in amber since when they are inside and
leaves them in (kiosk.domain.scan_rules); leaving the room is a scan in exit mode. The count of
people inside against capacity turns amber, then red, as the room fills; other doors and desks
are noticed through the database watcher (kiosk/ui/watching.py). On PostgreSQL the door scans on
from its own copy while the server is away, and starts from it (kiosk/ui/offline_desk.py,
kiosk/ui/offline_start.py): its count, and the sign-up lines of its answer, as the copy knows them.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.reactive import reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from kiosk.domain.outcomes import Reason
from kiosk.domain.rules import Fill, fill_state
from kiosk.i18n import Text
from kiosk.store.db import StoreFault
from kiosk.store.door import DoorScanResult, door_scan, door_undo
from kiosk.store.scans import new_nonce
from kiosk.store.stats import door_order
from kiosk.ui.offline_desk import (
    door_choice_refusal,
    door_inside,
    door_sessions,
    follow_session,
    is_offline,
    refuse_offline_undo,
)
from kiosk.ui.paint_hold import PaintHold
from kiosk.ui.watching import watch
from kiosk.ui.widgets.door_answer import bounce_line, describe
from kiosk.ui.widgets.event_header import EventHeader
from kiosk.ui.widgets.fill import fill_word
from kiosk.ui.widgets.kiosk_look import bilingual, in_language
from kiosk.ui.widgets.offline_banner import OfflineBanner
from kiosk.ui.widgets.plain import clean, plain
from kiosk.ui.widgets.repaint import update_in_place
from kiosk.ui.widgets.scan_input import ScanInput
from kiosk.ui.widgets.steady_footer import SteadyFooter
from kiosk.ui.writes import WriteDone, WriteFailed, WriteQueue

if TYPE_CHECKING:
    from kiosk.ui.context import UiContext

# The chooser's keys (down, up, home, end, page keys, enter), run by the door as it reads them (take_key).
CHOOSER_KEYS = {key: binding.action for binding in OptionList.BINDINGS if isinstance(binding, Binding)
                for key in binding.key.split(",")}
# How long an answer stays up (as at the desk).
ANSWER_SECONDS = 8.0

T = {
    "title": Text("Deur {device}", "Door {device}"),
    "back": Text("Terug/Back", "Terug/Back"),
    "choose_first": Text("Kies eerst de sessie bij deze deur (↑/↓ en Enter); de scan is niet vastgelegd.",
                         "Choose this door's session first (↑/↓ and Enter); the scan was not recorded."),
    "choose": Text("Kies de sessie bij deze deur", "Choose the session at this door"),
    "inside": Text("Binnen {inside} / {capacity}  {word}", "Inside {inside} / {capacity}  {word}"),
    "inside_open": Text("Binnen {inside}  (geen limiet)", "Inside {inside}  (no limit)"),
    "mode_in": Text("SCAN IN   (zaal verlaten: F8)", "SCANNING IN   (leaving the room: F8)"),
    "mode_out": Text("SCAN UIT: zaal verlaten   (F8: scan in)", "SCANNING OUT: leaving the room   (F8: scan in)"),
    "placeholder": Text("Scan een badge of typ een code", "Scan a badge or type a code"),
    "failed": Text("Niet opgeslagen: {error}", "Not saved: {error}"),
    "waiting": Text("Bezig…", "Saving…"),
}


@dataclass
class DoorScanJob:
    """One door scan, with the mode and moment of its Enter (a later F8 must not change it)."""

    code: str
    session_id: str
    direction: str
    at: dt.datetime
    nonce: str = field(default_factory=new_nonce)

    def run(self, db: sqlite3.Connection, ctx: UiContext) -> DoorScanResult:
        """Write the scan through `door_scan`; the result is after COMMIT (on PostgreSQL: or queued offline)."""
        if ctx.offline is not None:  # kiosk/ui/offline_desk.py: on the server, or kept at this door
            return ctx.offline.door_scan(db, self.code, self.session_id, now=self.at, direction=self.direction,
                                         nonce=self.nonce)
        return door_scan(db, self.code, self.session_id, now=self.at, device=ctx.device, direction=self.direction,
                         nonce=self.nonce)


@dataclass
class DoorUndoJob:
    """Annul this door's last accepted scan (queued behind the scans before it)."""

    session_id: str
    at: dt.datetime
    nonce: str = field(default_factory=new_nonce)

    def run(self, db: sqlite3.Connection, ctx: UiContext) -> DoorScanResult:
        """Append the undo through `door_undo` (refused in words while offline)."""
        refuse_offline_undo(ctx)
        return door_undo(db, now=self.at, device=ctx.device, session_id=self.session_id, nonce=self.nonce)


DoorJob = DoorScanJob | DoorUndoJob


class DoorScreen(Screen[None]):
    """Scans at one session's door: entry, exit, moves, and the room's count against capacity."""


    BINDINGS = [
        *bilingual("f7", "choose", "Sessie", "Session", priority=True),
        *bilingual("escape", "back", "Terug", "Back"),
        # Priority: run as the App reads the key, so the keys typed right behind it (in one burst) go to
        # the chooser F7 opened, a scan is scanned in F8's new direction, and written after Ctrl+Z's undo
        # (the input handles its Enter itself).
        *bilingual("f8", "toggle_direction", "In/Uit", "In/Out", priority=True),
        *bilingual("ctrl+z", "undo", "Herstel", "Undo", priority=True),
    ]
    # Below 20 rows (a small split pane) the spacing gives way, so the answer still shows under the input.
    VERTICAL_BREAKPOINTS = [(0, "-short"), (20, "-tall")]

    direction: reactive[str] = reactive("entry")
    session_id: reactive[str | None] = reactive(None)

    def __init__(self) -> None:
        super().__init__()
        self.jobs: WriteQueue[DoorJob] = WriteQueue(self, "door-scans")  # in order (kiosk/ui/writes.py)
        self._return_to: str | None = None  # the session before F7, for Esc and a stray scan
        self._answer_timer: Timer | None = None
        self._shown_message = ""  # the answer's lines, put back when a bounce's "Saving…" is done
        # The answer is the first frame after Enter (kiosk/ui/paint_hold.py); "Saving…" only for a write that waits.
        self.paint_hold = PaintHold(self, on_expire=self._saving, answer="door-main")

    def compose(self) -> ComposeResult:
        ctx = self.app.ctx
        yield EventHeader(ctx.event.name, T["title"](ctx.lang, device=ctx.device), ctx.clock)
        yield OfflineBanner(ctx.lang, where="door", id="door-offline")  # on PostgreSQL (ui/offline_desk.py)
        with Vertical(id="door-chooser"):
            yield Static(T["choose"](ctx.lang), id="door-choose-title")
            yield OptionList(id="door-sessions")
        with Vertical(id="door-main"):
            yield Static("", id="door-session")
            yield Static("", id="door-count")
            yield Static("", id="door-mode")
            # Enter handed over by the input itself, in the key's turn (no message bubbling up to here first).
            yield ScanInput(placeholder=T["placeholder"](ctx.lang), id="door-input", max_length=200,
                            on_submit=self._submitted)
            with Vertical(id="door-result"):
                yield Static("", id="door-name", markup=False)
                yield Static("", id="door-message", markup=False)
        yield SteadyFooter()  # rebuilt only when its keys change (kiosk/ui/widgets/steady_footer.py)

    def on_mount(self) -> None:
        ctx = self.app.ctx
        # Offline (a door started while its server is away): the programme file's (ui/offline_desk.py).
        self._sessions, self._days = door_sessions(ctx)
        self._fill_chooser()
        self._was_offline = is_offline(ctx)
        self._watcher = watch(self, self._poll)
        self.set_interval(0.4, self._poll)
        start = ctx.door_session if ctx.door_session in self._sessions else None
        self.session_id = start
        self._show_mode()
        if start is None:
            self.query_one("#door-sessions", OptionList).focus()

    def on_unmount(self) -> None:
        self._watcher.close()

    def _fill_chooser(self) -> None:
        """Running sessions first, then the ones still to come, then the past: the likely door first.

        On the calendar (`door_order`): at 23:50 on a day that runs to 04:00 the 00:00 item is still to come.
        """
        ctx = self.app.ctx
        order = door_order(list(self._sessions.values()), ctx.clock.now(), self._days)
        options = self.query_one("#door-sessions", OptionList)
        options.clear_options()
        options.add_options(
            [Option(Content(f"{s.starts_at}-{s.ends_at or '':5}  {s.title}"), id=s.id) for s in order]
        )
        # The likely door is first and highlighted, so door staff press Enter once to start scanning.
        options.highlighted = 0 if order else None

    def watch_session_id(self, session_id: str | None) -> None:
        """Show the chooser until a session is chosen, then the scanning part with the input focused."""
        self.query_one("#door-chooser").display = session_id is None
        self.query_one("#door-main").display = session_id is not None
        self.refresh_bindings()  # Esc (back) belongs to the chooser
        self._show_result("", "", "")  # the last person's answer belonged to the session left
        if session_id is None:
            return
        self.app.ctx.door_session = session_id
        follow_session(self.app.ctx, session_id)  # its presence kept in the local copy too
        stat = self._sessions[session_id]
        where = f"  ·  {stat.room}" if stat.room else ""
        self.query_one("#door-session", Static).update(
            Content(f"{stat.starts_at}-{stat.ends_at or ''}  {stat.title}{where}")
        )
        self._show_count()
        # At once (Widget.focus waits a turn): the code scanned right behind the Enter goes here.
        self.set_focus(self.query_one("#door-input", ScanInput))

    @on(OptionList.OptionSelected, "#door-sessions")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self._choose(event.option_id)

    def _choose(self, chosen: str | None) -> None:
        """The door's session from the chooser (refused offline for a session the copy does not follow)."""
        if chosen is not None and (refused := door_choice_refusal(self.app.ctx, chosen, self._title_of)):
            self.notify(refused, severity="warning", timeout=8, markup=False)  # offline: the copy's session only
            self.action_back()
            return
        self.session_id = chosen

    def _show_count(self, inside: int | None = None) -> None:
        """Inside now against capacity, with the fill state as a CSS class (amber, red)."""
        if self.session_id is None:
            return
        stat = self._sessions[self.session_id]
        if inside is None:
            inside = door_inside(self.app.ctx, self.session_id)  # offline: the local copy's
            if inside is None:
                return  # the server went away a moment ago: the count stays until the next look
        lang = self.app.ctx.lang
        fill = fill_state(inside, stat.capacity)
        if stat.capacity is None:
            text = T["inside_open"](lang, inside=inside)
        else:
            text = T["inside"](lang, inside=inside, capacity=stat.capacity, word=fill_word(fill, stat.capacity, lang))
        count = self.query_one("#door-count", Static)
        update_in_place(count, Content(text))
        for state in Fill:
            count.set_class(state is fill, f"fill-{state.value}")

    def _show_mode(self) -> None:
        lang = self.app.ctx.lang
        mode = self.query_one("#door-mode", Static)
        mode.update(Content(T["mode_in" if self.direction == "entry" else "mode_out"](lang)))
        mode.set_class(self.direction == "exit", "mode-out")

    def watch_direction(self) -> None:
        if self.is_mounted:
            self._show_mode()

    def _poll(self) -> None:
        """Another door or desk wrote, or this door is online again: re-count this room (one indexed query)."""
        # Back online (the queue uploaded after the watcher heard the server again): the server's count.
        offline, was_offline = is_offline(self.app.ctx), self._was_offline
        self._was_offline = offline
        try:
            if self._watcher.changed() or (was_offline and not offline):
                self._show_count()
        except StoreFault:
            return  # a damaged or vanished file: the next scan's write says so; polling tries again

    def _submitted(self, event: ScanInput.ScanSubmitted) -> None:
        """Queue one Enter's code with this moment's mode (the input has already cleared itself)."""
        code = event.value.strip()
        if not code or self.session_id is None:
            return
        self._queue(DoorScanJob(code, self.session_id, self.direction, self.app.ctx.clock.now()))

    def _saving(self) -> None:
        """The write waits longer than the hold (a busy database): say so until its answer comes."""
        update_in_place(self.query_one("#door-message", Static), T["waiting"](self.app.ctx.lang))

    def _queue(self, job: DoorJob) -> None:
        """Queue one scan or undo, written after those before it."""
        self.paint_hold.start()  # released when its answer (or failure) is shown
        self.jobs.put(job)

    def on_write_failed(self, message: WriteFailed) -> None:
        """A failed write is shown as failed, in red, never as done (a bug without its text)."""
        lang = self.app.ctx.lang
        self._show_result("", T["failed"](lang, error=message.said(lang)), "red")
        self.paint_hold.release()  # all of it in the next frame (kiosk/ui/paint_hold.py)

    def on_write_done(self, message: WriteDone) -> None:
        """What a committed door scan (or undo) came to: the answer, and the room's count."""
        result: DoorScanResult = message.result
        if result.reason is Reason.BOUNCE:
            # A scanner reading a badge twice: the answer (and its warnings) stays; a quiet word.
            self.notify(clean(bounce_line(result, self.app.ctx.lang), 80), timeout=3, markup=False)
            update_in_place(self.query_one("#door-message", Static), Content(self._shown_message))  # not "Saving…"
            return self.paint_hold.release()
        answer = describe(result, self.app.ctx.lang, self._title_of)
        self._show_result(answer.name, "\n".join(answer.lines), answer.light)
        if result.session_id == self.session_id:
            self._show_count(result.inside)
        self.paint_hold.release()  # all of it in the next frame (kiosk/ui/paint_hold.py)

    def _title_of(self, session_id: str) -> str:
        stat = self._sessions.get(session_id)
        return stat.title if stat else session_id

    def _show_result(self, name: str, message: str, light: str) -> None:
        self._shown_message = message
        # In place: the next answer usually takes the rows the last one took (no layout, kiosk/ui/widgets/repaint.py).
        update_in_place(self.query_one("#door-name", Static), plain(name))
        update_in_place(self.query_one("#door-message", Static), Content(message))
        box = self.query_one("#door-result")
        for colour in ("green", "amber", "red"):
            box.set_class(colour == light, f"light-{colour}")
        if self._answer_timer is not None:
            self._answer_timer.stop()
        # Cleared after a while, as at the desk: a badge that did not read must not leave the last
        # person's "Welkom" up for the next one.
        self._answer_timer = self.set_timer(ANSWER_SECONDS, lambda: self._show_result("", "", "")) if name else None

    def action_toggle_direction(self, lang: str = "") -> None:
        """Switch between scanning in and scanning out (leaving the room)."""
        self.direction = "exit" if self.direction == "entry" else "entry"
        self.query_one("#door-input", ScanInput).focus()

    def action_choose(self, lang: str = "") -> None:
        """Back to the list of sessions, to set this door to another one (Esc returns to this one)."""
        if self.session_id is None:
            return
        self._return_to = self.session_id
        self.session_id = None
        options = self.query_one("#door-sessions", OptionList)
        index = next((i for i in range(options.option_count) if options.get_option_at_index(i).id == self._return_to), 0)
        options.highlighted = index
        self.set_focus(options)  # at once: an arrow or Enter typed right behind F7 is the chooser's

    def action_back(self, lang: str = "") -> None:
        """Esc in the chooser: back to the session this door was on."""
        if self.session_id is None and self._return_to is not None:
            self.session_id = self._return_to

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Esc (back) only while choosing, and only when there is a session to go back to."""
        if not in_language(parameters, self.app.ctx.lang):
            return False  # the other language's twin of the key
        if action == "back":
            return self.session_id is None and self._return_to is not None
        return True

    def take_key(self, event: events.Key) -> bool:
        """While the chooser is open, its keys act at once, and a letter or digit starts a code.

        F7 sits next to F8: a badge scanned (or a code typed) after a stray F7 would otherwise
        pick a session with its Enter and be lost. The door goes back to its session with the
        character in its input, so the rest of the code and its Enter land there; without a
        session to go back to, it says to choose one first.
        """
        if self.session_id is not None or self.app.screen is not self:
            return False
        options = self.query_one("#door-sessions", OptionList)
        if self.focused is options and (action := CHOOSER_KEYS.get(event.key)):
            # The chooser's keys act now, in the order read, not once each has bubbled back up to the
            # App's bindings: by then a badge scanned right behind Enter had gone to the chooser (its
            # letters said "choose first", its Enter chose again) and was not recorded.
            if action != "select":
                getattr(options, f"action_{action}")()
            elif options.highlighted is not None:
                self._choose(options.get_option_at_index(options.highlighted).id)
            return True
        if not (event.is_printable and event.character and event.character.isalnum()):
            return False
        if self._return_to is None:
            self.notify(T["choose_first"](self.app.ctx.lang), severity="warning")
            return True
        self.session_id = self._return_to
        field = self.query_one("#door-input", ScanInput)
        self.app.set_focus(field)  # at once: the rest of a scanner's burst is already queued behind this key
        field.insert_text_at_cursor(event.character)
        return True

    def action_undo(self, lang: str = "") -> None:
        """Annul this door's last accepted scan (appends an undo to the log)."""
        if self.session_id is not None:
            self._queue(DoorUndoJob(self.session_id, self.app.ctx.clock.now()))
