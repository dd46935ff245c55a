"""The attendee self-service kiosk: scan, choose one session per round, see your day, gone again.

A locked screen (the app refuses its own keys while locked; this screen inherits no bindings).
Three states share one body container: welcome, day (one round at a time), agenda. Everything
about a person lives in widgets mounted for them and in `_person`/`_states`; `reset()` removes
all of it, closes any prompt and returns to the welcome, after confirming and after idle time.
"""

from __future__ import annotations

import time
from contextlib import suppress

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, Footer, Static
from textual.worker import Worker, WorkerState

from kiosk.domain.outcomes import Person, SignupResult, SignupStatus
from kiosk.store.attendees import find_by_code
from kiosk.store.signups import RoundState, cancel, day_of, mark_promotions_told, released_for_promotions, signup
from kiosk.store.watch import ChangeWatcher
from kiosk.ui.fault import StoreFault, fault_message
from kiosk.ui.scanner_keys import ScannerKeys
from kiosk.ui.screens.agenda_qr import AgendaQr
from kiosk.ui.screens.selfservice_guard import VisitGuard
from kiosk.ui.widgets import selfservice_words as W
from kiosk.ui.widgets.countdown import IdleCountdown
from kiosk.ui.widgets.day_texts import option_views, outcome_message, promoted_sessions, promotion_notice
from kiosk.ui.widgets.day_view import agenda_view, day_view
from kiosk.ui.widgets.event_header import EventHeader
from kiosk.ui.widgets.kiosk_look import CONTRAST_THEME, bilingual
from kiosk.ui.widgets.option_card import OptionCard
from kiosk.ui.widgets.plain import clean
from kiosk.ui.widgets.round_picker import RoundPicker
from kiosk.ui.widgets.welcome import Welcome


class SelfServiceScreen(VisitGuard, Screen[None]):
    """Welcome → the person's rounds → their agenda → welcome; staff leave with Ctrl+S and the PIN."""


    inherit_bindings = False
    BINDINGS = [
        *bilingual("1", "choose(1)", "Kies", "Choose", key_display="1-9"),
        *[Binding(str(n), f"choose({n})", "Kies/Choose", show=False) for n in range(2, 10)],
        *bilingual("pageup", "previous_round", "Vorige", "Back", show=False),
        *bilingual("pagedown", "next_round", "Volgende", "Next", show=False),
        *bilingual("f10", "done", "Klaar", "Done"),
        *bilingual("f2", "toggle_lang", "English", "Nederlands"),
        *bilingual("f3", "toggle_contrast", "Contrast", "Contrast"),
        *bilingual("escape", "home", "Stoppen", "Stop"),
        *bilingual("ctrl+s", "staff", "Personeel", "Staff"),
        Binding("tab", "app.focus_next", "Volgende knop/Next button", show=False),
        Binding("shift+tab", "app.focus_previous", "Vorige knop/Previous button", show=False),
    ]

    class SignupDone(Message):
        """A sign-up came back from the store (committed), for visit number `visit`."""

        def __init__(self, visit: int, result: SignupResult) -> None:
            super().__init__()
            self.visit = visit
            self.result = result

    def __init__(self) -> None:
        super().__init__()
        self._state = "welcome"
        self._visit = 0
        self._person: Person | None = None
        self._states: dict[str, RoundState] = {}
        self._index = 0
        self._busy = False
        self._queued: list[int] = []
        self._give_up: str | None = None  # the session whose card, chosen again, gives the place up
        self._round_shown_at = 0.0  # when a round was last put on screen (see take_key)
        self._news: list[str] = []  # seats from the waitlist this visit told them of
        self._released: dict[str, str] = {}  # and per seat, the choice it replaced
        self._lang = "nl"
        self._watcher: ChangeWatcher | None = None
        self._scanner = ScannerKeys(self, lambda code: self.run_worker(self._next_badge(code), group="next-badge"))

    # ---- building ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        ctx = self.app.ctx
        self._lang = ctx.lang
        yield EventHeader(ctx.event.name, W.TITLE(self._lang), ctx.clock)
        yield Container(id="ss-body")
        yield IdleCountdown()
        yield Footer()

    async def on_mount(self) -> None:
        if CONTRAST_THEME.name not in self.app.available_themes:
            self.app.register_theme(CONTRAST_THEME)
        self._watcher = ChangeWatcher(self.app.ctx.settings.db_path)
        self.set_interval(0.5, self._poll_changes)
        self.set_interval(self.TICK, self._tick_idle)
        await self.reset()

    def on_resize(self) -> None:
        """Larger cards (bigger touch targets) when the terminal has the room."""
        self.set_class(self.size.height >= 40 and self.size.width >= 100, "-tall")

    def on_unmount(self) -> None:
        if self._watcher:
            self._watcher.close()

    def _views(self) -> list:
        """The cards of the round on screen."""
        return option_views(self.app.ctx.programme, self._states, self._rounds[self._index].id, self._lang)

    @property
    def _rounds(self):
        return self.app.ctx.programme.choice_rounds()

    def _round_name(self, index: int) -> str:
        round_ = self._rounds[index]
        return round_.name_en if self._lang == "en" and round_.name_en else round_.name

    def _body(self) -> Container:
        return self.query_one("#ss-body", Container)

    async def _show(self, *widgets) -> None:
        """Replace everything in the body: the previous state's widgets are removed, not hidden."""
        body = self._body()
        await body.remove_children()
        await body.mount(*widgets)
        self.refresh_bindings()

    # ---- states ------------------------------------------------------------------------------

    async def reset(self, message: str = "") -> None:
        """Forget the person: close prompts, clear every widget, default language and theme, welcome."""
        self._visit += 1  # results of the previous person's writes are dropped when they arrive
        self._person, self._states, self._index = None, {}, 0
        self._busy, self._queued, self._give_up, self._news, self._released = False, [], None, [], {}
        while self.app.screen is not self and self in self.app.screen_stack:
            await self.app.pop_screen()
        self._lang = self.app.ctx.lang
        self.app.clear_notifications()
        if self.app.theme == CONTRAST_THEME.name:
            self.app.theme = "textual-dark"
        self.remove_class("-contrast")
        self.query_one(EventHeader).set_title(W.TITLE(self._lang))
        self.query_one(IdleCountdown).hide()
        self._state = "welcome"
        await self._show(Welcome(self._lang, message))
        self.app.last_input = time.monotonic()

    @on(Welcome.CodeSubmitted)
    async def _code(self, event: Welcome.CodeSubmitted) -> None:
        event.stop()
        await self._open(event.code)

    async def _open(self, code: str) -> None:
        """Look the badge up and show that person's day (or say why not, on the welcome)."""
        try:
            person = find_by_code(self.app.ctx.db(), code)
        except StoreFault as error:  # the kiosk stays up and says so
            return await self.reset(fault_message(error, self._lang))
        if person is None:
            await self.reset(W.UNKNOWN_CODE(self._lang))
        elif person.status == "cancelled":
            await self.reset(W.CANCELLED(self._lang))
        else:
            self._person = person
            self._load()
            open_rounds = [i for i, r in enumerate(self._rounds) if not self._round_state(r.id).closed]
            self._index = open_rounds[0] if open_rounds else 0
            if open_rounds:
                # Kept for this visit: switching language shows the news again, in the new language.
                self._news = promoted_sessions(self._states)
                if self._news:
                    with suppress(StoreFault):  # without what each seat replaced, the news still counts
                        self._released = released_for_promotions(self.app.ctx.db(), person.id)
                    self._told(person.id)
                await self._show_day(promotion_notice(self.app.ctx.programme, self._news, self._lang, self._released))
            else:
                await self._show_agenda()  # nothing left to choose: their day is what they came for

    @work(thread=True, exit_on_error=False, group="told")
    def _told(self, attendee_id: int) -> None:
        """The news of a seat from the waitlist is shown once; the next scan does not repeat it."""
        try:
            mark_promotions_told(self.app.ctx.db(), attendee_id, self.app.ctx.clock.now())
        except StoreFault:
            pass  # then it is shown again at the next scan: harmless, and nothing for an attendee to fix

    def _load(self) -> None:
        """Read the person's rounds (one statement: counts, seats, places, closed)."""
        if self._person:
            try:
                self._states = day_of(self.app.ctx.db(), self._person.id, now=self.app.ctx.clock.now())
            except StoreFault:
                pass  # keep the last states (numbers go stale); the next choice's write says what is wrong

    def _round_state(self, round_id: str) -> RoundState:
        return self._states.get(round_id) or RoundState(round_id, [])

    async def _show_day(self, message: tuple[str, str] = ("", "")) -> None:
        """The day state at round `_index`: greeting, message line, the round's cards, buttons."""
        assert self._person is not None
        self._state = "day"
        self._round_shown_at = time.monotonic()
        steps = ["●" if i == self._index else ("✓" if self._round_state(r.id).choice else "○")
                 for i, r in enumerate(self._rounds)]
        picker = RoundPicker(
            self._round_name(self._index), self._index, steps, self._views(),
            closed=self._round_state(self._rounds[self._index].id).closed, lang=self._lang,
        )
        await self._show(day_view(clean(self._person.name), message, picker, self._lang))
        self.call_after_refresh(picker.focus_card, self._round_state(self._rounds[self._index].id).choice)

    async def _show_agenda(self) -> None:
        assert self._person is not None
        self._state = "agenda"
        self._round_shown_at = time.monotonic()  # the confirm button must not take a chooser's Enter
        self._load()
        await self._show(agenda_view(self._person, self.app.ctx.programme, self._states, self._lang))
        self.call_after_refresh(lambda: self.query_one("#agenda-confirm", Button).focus())

    def _say(self, text: str, css: str) -> None:
        for label in self.query("#day-message").results(Static):
            label.update(text)
            label.set_classes(css)

    # ---- choosing ----------------------------------------------------------------------------

    @on(OptionCard.Chosen)
    async def _card_chosen(self, event: OptionCard.Chosen) -> None:
        event.stop()
        if not self._busy:
            self._choose(event.session_id)

    async def action_choose(self, number: int, lang: str = "") -> None:
        """Choose option `number` of the round on screen (typed ahead while busy: done in turn)."""
        if self._busy:
            self._queued.append(number)
            return
        options = self._round_state(self._rounds[self._index].id).options
        if 1 <= number <= len(options):
            self._choose(options[number - 1].session_id)

    def _choose(self, session_id: str) -> None:
        if self._person is None:
            return
        self._busy = True
        # The same card again, right after "this is already your choice": give the place up.
        give_up, self._give_up = self._give_up == session_id, None
        self._signup_worker(self._visit, self._person.code, session_id, give_up)

    @work(thread=True, exclusive=True, exit_on_error=False, group="signup")
    def _signup_worker(self, visit: int, code: str, session_id: str, give_up: bool = False) -> None:
        """The one sign-up (or cancel) code path (BEGIN IMMEDIATE), on the worker's own connection."""
        ctx = self.app.ctx
        write = cancel if give_up else signup
        result = write(ctx.db(), code, session_id, now=ctx.clock.now(), device=ctx.device)
        self.post_message(self.SignupDone(visit, result))

    @on(SignupDone)
    async def _signed_up(self, message: SignupDone) -> None:
        if message.visit != self._visit or self._state != "day":
            return  # the person has gone; show nothing of theirs
        self._busy = False
        result = message.result
        was_waiting = any(o.session_id == result.session_id and o.mine == "waitlisted"
                          for state in self._states.values() for o in state.options)
        self._load()
        text, css = outcome_message(self.app.ctx.programme, result, self._lang)
        if result.status is SignupStatus.UNCHANGED:
            self._give_up = result.session_id  # stay on this round: choosing it again gives it up
        elif result.status is SignupStatus.WAITLISTED and was_waiting:
            self._give_up = result.session_id  # their waitlist place, chosen again: offer to leave it
            text = W.ALREADY_WAITING(self._lang, n=result.waitlist_position)
        if result.status is SignupStatus.CONFIRMED:
            if self._index + 1 < len(self._rounds):
                self._index += 1
                await self._show_day((text, css))
            else:
                await self._show_agenda()
        else:
            self._queued.clear()  # a refusal or the waitlist needs their attention: drop typed-ahead keys
            await self._show_day((text, css))
        if self._queued and self._state == "day":
            await self.action_choose(self._queued.pop(0))

    async def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A failed write is shown as failed (never as done), and the buttons work again."""
        if event.worker.group == "signup" and event.state == WorkerState.ERROR:
            self._busy, self._queued = False, []
            if self._state == "day":
                error = event.worker.error
                # Only a store fault is worded from the error: any other exception's text may carry
                # names or codes, and this screen faces the public (issue 10).
                said = (fault_message(error, self._lang) if isinstance(error, StoreFault)
                        else ("interne fout" if self._lang == "nl" else "internal error"))
                self._say(W.FAILED(self._lang, error=said), "-error")

    @on(Button.Pressed)
    async def _button(self, event: Button.Pressed) -> None:
        """On-screen buttons run the same actions as the keys.

        Handled here rather than with Button(action=...): that runs the action on the button's own
        message pump, and these actions remove the button, which would then wait on itself.
        """
        event.stop()
        actions = {
            "welcome-lang": self.action_toggle_lang, "welcome-contrast": self.action_toggle_contrast,
            "day-back": self.action_previous_round, "day-next": self.action_next_round,
            "day-done": self.action_done, "agenda-confirm": self.action_done, "agenda-change": self.action_change,
            "agenda-qr": self.action_agenda_qr,
        }
        action = actions.get(event.button.id or "")
        if action:
            result = action()
            if result is not None:
                await result

    # ---- navigation --------------------------------------------------------------------------

    async def action_next_round(self, lang: str = "") -> None:
        """Skip to the next round; after the last, the agenda."""
        self._give_up = None  # giving up a place is asked for on its own round only
        if self._index + 1 < len(self._rounds):
            self._index += 1
            await self._show_day()
        else:
            await self._show_agenda()

    async def action_previous_round(self, lang: str = "") -> None:
        """Back one round."""
        self._give_up = None
        if self._index > 0:
            self._index -= 1
            await self._show_day()

    async def action_done(self, lang: str = "") -> None:
        """From the rounds: show the agenda. From the agenda: confirm, and clear the screen."""
        if self._state == "day":
            await self._show_agenda()
        elif self._state == "agenda":
            await self.reset()

    def action_agenda_qr(self) -> None:
        """Their confirmed sessions as an iCalendar QR code, for a phone."""
        if self._person is not None and self._state == "agenda":
            on_scan = lambda code: self.run_worker(self._next_badge(code), group="next-badge")  # noqa: E731
            self.app.push_screen(AgendaQr.for_person(self.app.ctx, self._person.id, self._lang, on_scan))

    async def action_change(self) -> None:
        """From the agenda back to the rounds, at the first."""
        self._index = 0
        await self._show_day()

    async def action_home(self, lang: str = "") -> None:
        """Stop: back to a fresh welcome (choices made are saved already)."""
        await self.reset()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Keys for rounds only in the day state, each described in the visitor's language."""
        if parameters and parameters[-1] in ("nl", "en") and parameters[-1] != self._lang:
            return False
        if action in ("choose", "next_round", "previous_round"):
            return self._state == "day"
        if action in ("done", "change"):
            return self._state in ("day", "agenda")
        return True

    # ---- for everyone ------------------------------------------------------------------------

    async def action_toggle_lang(self, lang: str = "") -> None:
        """Dutch ↔ English for this visitor (back to the default at the next person)."""
        self._lang = "en" if self._lang == "nl" else "nl"
        self.query_one(EventHeader).set_title(W.TITLE(self._lang))
        if self._state == "day":
            await self._show_day(promotion_notice(self.app.ctx.programme, self._news, self._lang, self._released))
        elif self._state == "agenda":
            await self._show_agenda()
        else:
            await self._show(Welcome(self._lang))

    def action_toggle_contrast(self, lang: str = "") -> None:
        """High contrast on or off (black, white and yellow; thicker focus marks)."""
        on_ = self.app.theme != CONTRAST_THEME.name
        self.app.theme = CONTRAST_THEME.name if on_ else "textual-dark"
        self.set_class(on_, "-contrast")

    def _poll_changes(self) -> None:
        """Another kiosk took a seat: refresh the numbers on the cards in place."""
        if self._watcher and self._watcher.changed() and self._state == "day" and not self._busy:
            self._load()
            for picker in self.query(RoundPicker).results(RoundPicker):
                picker.update_views(self._views())
