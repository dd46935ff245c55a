"""The desk check-in screen: scan or search, a green/amber/red answer, walk-ins, undo and counters.

One input takes everything and always has focus. Enter on a known code (or on a single search
hit, or on the highlighted one of several) queues a scan; the scans are written in order by one
worker thread through `record_scan`, the same call the CLI and the door use. Letters typed show
matching people after each keystroke. Reads for display run on the UI thread; writes never do:
they go through the screen's WriteQueue (kiosk/ui/writes.py), and their answers come back as
WriteDone / WriteFailed, the scans' and (from a queue of their own) the badge prints'.
"""

from __future__ import annotations

import asyncio

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Static

from kiosk.domain.outcomes import Light, Reason, ScanResult
from kiosk.store.db import StoreFault
from kiosk.store.undo import UndoHeld
from kiosk.ui.desk_jobs import Job, ScanJob
from kiosk.ui.desk_printing import DeskPrinting
from kiosk.ui.fault import fault_message
from kiosk.ui.offline_desk import find_code, find_code_at_end, search_people
from kiosk.ui.paint import paint_now
from kiosk.ui.paint_hold import PaintHold, after_the_frame, soon
from kiosk.ui.screens.desk_undo import DeskUndo
from kiosk.ui.widgets.desk_counters import DeskCounters
from kiosk.ui.widgets.desk_words import WORDS, search_hint
from kiosk.ui.widgets.event_header import EventHeader
from kiosk.ui.widgets.kiosk_look import bilingual, in_language
from kiosk.ui.widgets.offline_banner import OfflineBanner
from kiosk.ui.widgets.plain import clean
from kiosk.ui.widgets.quiet_line import QuietLine
from kiosk.ui.widgets.recent_scans import RecentScans
from kiosk.ui.widgets.scan_answer import WORDS as ANSWER_WORDS
from kiosk.ui.widgets.scan_answer import Answer, ScanAnswer
from kiosk.ui.widgets.scan_input import ScanInput
from kiosk.ui.widgets.search_results import SearchResults
from kiosk.ui.widgets.steady_footer import SteadyFooter
from kiosk.ui.writes import WriteDone, WriteFailed, WriteQueue

# How long an answer stays before the screen returns to "scan a badge" (unless the next scan comes).
ANSWER_SECONDS = 8.0
BELLS = {Light.GREEN: 1, Light.AMBER: 2, Light.RED: 3}
# Names listed while searching; a longer list says "more than 20: type on" instead of all of them.
SEARCH_ROWS = 20
# The side panel (at least 38 columns) fits beside an answer and input of 40; narrower, it gives way.
SIDE_PANEL_FITS = 78
# Below this many rows the answer drops its padding and big glyph, so word and name stay on screen.
SHORT_ROWS = 20
# The keys a narrow footer leaves out first, least used at a desk first: this desk's own role key,
# the other roles (switched once a day, if ever), the bell, a walk-in's correction, a badge print, check-out. Stop,
# F9, Ctrl+Z, F7 and Esc go last.
FOOTER_DROP_FIRST = ("f3", "f6", "f5", "f4", "f2", "ctrl+g", "f10", "ctrl+p", "f8", "f9", "ctrl+q", "ctrl+z", "f7")


class DeskScreen(Screen[None]):
    """Check people in at the entrance: one input, one big answer, counters beside it."""

    # Classes on the screen by its size, for styles.tcss (desk section): the answer shows at every size.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (SIDE_PANEL_FITS, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (SHORT_ROWS, "-tall")]

    # The keys that change what the next keys mean (open a form or a list, switch to check-out, undo,
    # clear) act as the App reads them (priority): a name typed or a badge scanned right behind one
    # arrives in the same burst, and went to the input before a plain binding had run (F7 "Wessel":
    # the name in the desk's input, the form empty; F8 and a badge: checked in; Ctrl+Z and a badge:
    # that badge undone; Esc and a name: the name cleared too). tests/test_fast_keys.py.
    BINDINGS = [
        Binding("down", "move(1)", "↓"),
        Binding("up", "move(-1)", "↑"),
        *bilingual("escape", "clear", "Wissen", "Clear", priority=True),
        *bilingual("f7", "walk_in", "Walk-in", "Walk-in", priority=True),
        *bilingual("f8", "toggle_exit", "Uitchecken", "Check out", priority=True),
        *bilingual("ctrl+z", "undo_last", "Ongedaan", "Undo", priority=True),
        *bilingual("f9", "pick_recent", "Laatste 10", "Last 10", priority=True),
        *bilingual("ctrl+g", "toggle_bell", "Geluid", "Sound"),
        *bilingual("ctrl+p", "print_badge", "Badge", "Badge"),
        *bilingual("f10", "correct_walk_in", "Corrigeer", "Correct", priority=True),
    ]

    exit_mode: reactive[bool] = reactive(False)
    bell: reactive[bool] = reactive(False)

    def __init__(self) -> None:
        super().__init__()
        self.ctx = self.app.ctx
        self.lang = self.ctx.lang
        # Scans and undos, written in order (kiosk/ui/writes.py); badge prints have a queue of their own.
        self.jobs: WriteQueue[Job] = WriteQueue(self, "desk-scans")
        self.results_for = ""
        # The text for which Enter found several people: its hint then asks to pick one.
        self.asked_for = ""
        self._answer_timer: asyncio.TimerHandle | None = None
        self.undo = DeskUndo(self)
        self.printing = DeskPrinting(self)
        # The answer is the first frame after Enter (kiosk/ui/paint_hold.py), shown in #desk-main.
        self.paint_hold = PaintHold(self, answer="desk-main")

    def compose(self) -> ComposeResult:
        ctx = self.ctx
        yield EventHeader(ctx.event.name, WORDS["title"](self.lang, device=ctx.device), ctx.clock)
        yield OfflineBanner(self.lang, id="desk-offline")  # on PostgreSQL: offline by itself (ui/offline_desk.py)
        with Horizontal(id="desk-body"):
            with Vertical(id="desk-main"):
                yield ScanInput(placeholder=WORDS["placeholder"](self.lang), id="desk-input", max_length=200,
                                on_text=self._typed, on_submit=self._submitted, on_move=self.action_move)
                yield Static("", id="desk-mode", markup=False)
                yield SearchResults(self.lang, id="desk-results")
                yield ScanAnswer(self.lang, id="desk-answer")
                yield QuietLine(id="desk-quiet")
            yield DeskCounters(self.lang, id="desk-side")
        yield SteadyFooter(drop_first=FOOTER_DROP_FIRST)

    # ---- life cycle -------------------------------------------------------------------------

    def on_mount(self) -> None:
        self.query_one(SearchResults).display = False
        # The counters are read on ScreenResume, which follows the mount.
        self.focus_input()

    def on_screen_resume(self) -> None:
        """Back from a dialog or another role: the input gets focus again, numbers are fresh."""
        self.focus_input()
        # Read once the screen is painted: the input is ready a few milliseconds sooner.
        self.call_after_refresh(self.refresh_counters)

    @on(DeskCounters.Unwatched)
    def _unwatched(self, message: DeskCounters.Unwatched) -> None:
        """Without a watcher the counters refresh after this desk's own scans only: say why."""
        self.say(message.message)

    def focus_input(self) -> None:
        """Give the one input its focus back (after any dialog or list)."""
        self.remove_class("-picking")
        self.query_one(DeskCounters).leave_list()
        self.query_one(ScanInput).focus()

    def refresh_counters(self) -> None:
        """Read the side panel's figures and this desk's last scans again (it also keeps itself fresh)."""
        self.query_one(DeskCounters).refresh_counts()

    # ---- typing and searching ---------------------------------------------------------------

    def _typed(self, text: str) -> None:
        """Search after each keystroke (ScanInput skips changes already overtaken by newer keys)."""
        self.show_search(text)
        self._paint()

    def say(self, text: str) -> None:
        """The quiet line under the answer; one line high, so a new text needs no new layout."""
        self.query_one("#desk-quiet", QuietLine).say(text)

    def show_search(self, text: str) -> None:
        """Show the people matching `text`, or the answer area when the input is empty."""
        results = self.query_one(SearchResults)
        if not text.strip():
            self.results_for = ""
            return self._answer_instead("")
        try:
            # One more than is shown, to know whether there are more than fit ("20+ ... type on").
            hits = search_people(self.ctx, text, SEARCH_ROWS + 1)
        except StoreFault as error:
            # Searching failed (a damaged file, a missing folder): say so; Enter still tries it as a code.
            return self._answer_instead(fault_message(error, self.lang))
        more = len(hits) > SEARCH_ROWS
        hits = hits[:SEARCH_ROWS]
        results.show_hits(hits)
        self.results_for = text
        results.display = bool(hits)
        self.query_one(ScanAnswer).display = not hits
        self.say(search_hint(len(hits), more, text == self.asked_for, self.lang))

    def _answer_instead(self, said: str) -> None:
        """No list: the answer area back, and `said` on the quiet line."""
        self.query_one(SearchResults).display = False
        self.query_one(ScanAnswer).display = True
        self.say(said)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Each key described once, in the desk's language (kiosk_look.bilingual); Esc clears the input only.

        In the F9 list Esc is the list's own (it leaves the list): the desk's, a priority binding, would
        otherwise take it first.
        """
        if action == "clear" and not isinstance(self.focused, ScanInput):
            return False
        return in_language(parameters, self.lang)

    def action_move(self, delta: int) -> None:
        """Arrow keys move the highlight in the search results."""
        self.query_one(SearchResults).move(delta)

    def action_clear(self, lang: str = "") -> None:
        """Escape: empty the input and the results, leave check-out mode."""
        self.query_one(ScanInput).value = ""
        self.exit_mode = False
        self.show_search("")

    def _submitted(self, event: ScanInput.ScanSubmitted) -> None:
        """Decide code or name for one Enter, and queue the scan; never guess between several people.

        Called by the input itself (`on_submit`), in order with its changes.
        """
        text = event.value.strip()
        if not text:
            return
        direction = "exit" if self.exit_mode else "entry"
        results = self.query_one(SearchResults)
        chosen = results.chosen_code() if self.results_for == event.value else None
        is_code = False
        try:
            is_code = find_code(self.ctx, text) is not None  # offline: the local copy's (ui/offline_desk.py)
            hits = search_people(self.ctx, text, SEARCH_ROWS) if chosen is None and not is_code else []
        except StoreFault:
            # The look-up failed: queue the text as a code; the write says what is wrong (or works).
            hits = []
        if chosen is None:
            if len(hits) == 1:
                chosen = hits[0].person.code
            elif len(hits) > 1:
                self._ask_to_choose(event, hits)
                return
            elif not is_code:
                # A badge scanned onto half-typed search text ("vanETUBJA"): the badge counts.
                try:
                    glued = find_code_at_end(self.ctx, text)
                except StoreFault:
                    glued = None
                chosen = glued.code if glued is not None else None
        self.exit_mode = False
        self.show_search(event.control.value)
        # The hand-over last: what the UI thread does after it takes turns with the store call for the interpreter.
        self.queue(ScanJob(chosen or text, direction, at=self.ctx.clock.now()))

    def _ask_to_choose(self, event: ScanInput.ScanSubmitted, hits: list) -> None:
        """Several people match: put the text back (unless more is being typed) and ask to pick."""
        scan_input = event.control
        if not scan_input.value:
            scan_input.value = event.value
            scan_input.cursor_position = len(event.value)
        self.asked_for = event.value
        self.show_search(event.value)
        self._paint()

    def _paint(self) -> None:
        """What typing and Enter changed (all in #desk-main) in the next frame; held, the release does it."""
        if not self.paint_hold.held:
            paint_now(self.query_one("#desk-main"))

    # ---- the write queue --------------------------------------------------------------------

    def queue(self, job: Job) -> None:
        """Queue one scan or undo, written after those before it (kiosk/ui/writes.py)."""
        self.paint_hold.start()  # released when its answer (or failure) is shown
        self.jobs.put(job)

    @on(WriteDone)
    def _job_done(self, message: WriteDone) -> None:
        """Show what a committed write came to (or ask about an undo the store held back)."""
        if message.queue is self.printing.queue:
            return self.printing.printed(message)
        if isinstance(message.result, UndoHeld):
            self.undo.held(message.result)
        else:
            self.show_result(message.result)
        self.paint_hold.release()

    @on(WriteFailed)
    def _job_failed(self, message: WriteFailed) -> None:
        """A failed write is shown as failed, in red, never as done (a bug without its text)."""
        if message.queue is self.printing.queue:
            return self.printing.failed(message)
        self.show_answer(None, Light.RED)
        self.query_one(ScanAnswer).show_failure(message.said(self.lang))
        self.paint_hold.release()

    def show_answer(self, answer: Answer | None, light: Light) -> None:
        """The answer area in front of any list, showing `answer` (if given), with its bell and timer."""
        self.query_one(SearchResults).display = False
        scan_answer = self.query_one(ScanAnswer)
        scan_answer.display = True
        if answer is not None:
            scan_answer.show(answer)
        self._ring(light)
        self._restart_answer_timer()

    def show_result(self, result: ScanResult) -> None:
        """The big answer for a scan; a bounce is only mentioned quietly under the last answer."""
        if result.reason is Reason.BOUNCE:
            who = result.person.name if result.person else result.raw_code
            # Control characters and direction overrides must not reach the terminal (as in the answer).
            self.say(ANSWER_WORDS["bounce"](self.lang, who=clean(who)))
            return
        if not self.query_one(ScanInput).value:
            self.query_one(SearchResults).display = False
            self.say("")
        answer = self.query_one(ScanAnswer)
        answer.display = not self.query_one(SearchResults).display
        answer.show_result(result, self.ctx.programme)
        self.printing.shown(result)  # Ctrl+P prints this person (kiosk/ui/desk_printing.py)
        self._ring(result.light)
        self._restart_answer_timer()
        # The side panel a frame later, once the answer's frame is out: the answer is what the queue waits for.
        after_the_frame(self, self.refresh_counters)

    def _restart_answer_timer(self) -> None:
        if self._answer_timer is not None:
            self._answer_timer.cancel()
        timer = self._answer_timer = soon(self, ANSWER_SECONDS, lambda: self._answer_expired(timer))  # see soon()

    def _answer_expired(self, timer: asyncio.TimerHandle) -> None:
        if timer is not self._answer_timer:
            return  # handed over after a newer answer restarted it
        self.query_one(ScanAnswer).clear()
        self.say("")

    def _ring(self, light: Light) -> None:
        """The optional bell: one ring for green, two for amber, three for red."""
        if not self.bell:
            return
        for number in range(BELLS[light]):
            self.set_timer(0.01 + 0.25 * number, self.app.bell)

    # ---- keys ---------------------------------------------------------------------------------

    def action_toggle_exit(self, lang: str = "") -> None:
        """Switch the next scan or pick between check-in and check-out."""
        self.exit_mode = not self.exit_mode

    def watch_exit_mode(self, exit_mode: bool) -> None:
        mode = self.query_one("#desk-mode", Static)
        mode.update(WORDS["exit_mode"](self.lang) if exit_mode else "")
        mode.set_class(exit_mode, "-exit")

    def action_toggle_bell(self, lang: str = "") -> None:
        """Switch the terminal bell per outcome on or off (off by default)."""
        self.bell = not self.bell
        self.notify(WORDS["bell_on" if self.bell else "bell_off"](self.lang), timeout=2)

    def action_undo_last(self, lang: str = "") -> None:
        """Ctrl+Z: undo this desk's last scan; an older one asks first (kiosk/ui/screens/desk_undo.py)."""
        self.undo.press()

    def action_walk_in(self, lang: str = "") -> None:
        """Open the walk-in form; its result is shown like any check-in."""
        from kiosk.ui.screens.walk_in import WalkInScreen  # not needed before the first walk-in

        dialog = WalkInScreen(self.lang, on_scan=self.scanned_in_dialog, on_print=self.printing.print_result)
        self.app.push_screen(dialog, callback=self._walked_in)

    def action_print_badge(self, lang: str = "") -> None:
        """Ctrl+P: print the badge of the person on the answer, beside the next scans (kiosk/ui/desk_printing.py)."""
        self.printing.press()

    def action_correct_walk_in(self, lang: str = "") -> None:
        """Correct the walk-in this desk showed last (kiosk/ui/screens/walk_in_correction.py)."""
        from kiosk.ui.screens.walk_in_correction import open_correction

        open_correction(self)

    def scanned_in_dialog(self, code: str) -> None:
        """A badge scanned while a dialog was open (walk-in code, undo question): checked in as usual."""
        self.queue(ScanJob(code, "exit" if self.exit_mode else "entry", at=self.ctx.clock.now()))
        self.exit_mode = False  # as after any scan: check-out mode is for one scan

    def _walked_in(self, result: ScanResult | str | None) -> None:
        if isinstance(result, str):  # "already registered": Esc asked to look that person up
            field = self.query_one(ScanInput)
            field.value = result
            field.cursor_position = len(result)
        elif result is not None:
            self.show_result(result)
        self.focus_input()

    def action_pick_recent(self, lang: str = "") -> None:
        """F9: enter the list of last scans to pick one to undo (kiosk/ui/screens/desk_undo.py)."""
        self.undo.pick_recent()

    @on(RecentScans.Left)
    def _left_list(self) -> None:
        self.undo.left_list()

    @on(RecentScans.Chosen)
    def _recent_chosen(self, event: RecentScans.Chosen) -> None:
        """Ask, then undo the chosen scan."""
        self.undo.chosen(event.scan_id)
