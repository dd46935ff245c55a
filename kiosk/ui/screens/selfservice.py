"""The attendee self-service kiosk: scan, choose one session per round, see your day, gone again.

A locked screen (the app refuses its own keys while locked; this screen inherits no bindings).
Three stages share one body container: welcome, day (one round at a time), agenda (`stage`, a
typed reactive). Everything about a person lives in widgets mounted for them and in one `Visit`
(kiosk/ui/screens/selfservice_visit.py); `reset()` replaces the visit whole, removes the widgets,
closes any prompt and returns to the welcome, after confirming and after idle time. Choices are
written by the screen's WriteQueue (kiosk/ui/writes.py), as selfservice_choosing.py says.
"""

from __future__ import annotations

import asyncio
import time
from contextlib import suppress

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container
from textual.reactive import var
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, Static

from kiosk.store.attendees import find_by_code
from kiosk.store.code_guard import lookups_paused
from kiosk.store.signups import day_of, released_for_promotions
from kiosk.store.watch import Watcher
from kiosk.ui.fault import StoreFault
from kiosk.ui.scanner_keys import ScannerKeys
from kiosk.ui.screens.agenda_qr import AgendaQr
from kiosk.ui.screens.selfservice_choosing import Choosing
from kiosk.ui.screens.selfservice_guard import VisitGuard
from kiosk.ui.screens.selfservice_open import open_day
from kiosk.ui.screens.selfservice_visit import Stage, Visit
from kiosk.ui.selfservice_jobs import SignupJob, ToldJob
from kiosk.ui.watching import watch
from kiosk.ui.widgets import selfservice_words as W
from kiosk.ui.widgets.agenda import Agenda
from kiosk.ui.widgets.countdown import IdleCountdown
from kiosk.ui.widgets.day_texts import option_views, promoted_sessions, promotion_notice
from kiosk.ui.widgets.day_view import agenda_view, day_view
from kiosk.ui.widgets.event_header import EventHeader
from kiosk.ui.widgets.kiosk_look import CONTRAST_THEME, bilingual
from kiosk.ui.widgets.option_card import OptionCard
from kiosk.ui.widgets.plain import clean
from kiosk.ui.widgets.round_picker import RoundPicker
from kiosk.ui.widgets.steady_footer import SteadyFooter
from kiosk.ui.widgets.welcome import Welcome
from kiosk.ui.writes import WriteDone, WriteFailed, WriteQueue


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

    # What the body shows; the keys allowed follow it (check_action).
    stage: var[Stage] = var(Stage.WELCOME, init=False)

    def __init__(self) -> None:
        super().__init__()
        # All the screen knows of the person in front of it, replaced whole by reset().
        self.visit = Visit(self.app.ctx.lang)
        self.writes: WriteQueue[SignupJob | ToldJob] = WriteQueue(self, "signups")
        self.choosing = Choosing(self)
        self._watcher: Watcher | None = None
        self._scanner = ScannerKeys(self, lambda code: self.run_worker(self._next_badge(code), group="next-badge"))
        # One change of the body at a time: a key's action (run by the app) and the screen's own
        # messages (the day after the greeting, a choice's answer) may otherwise interleave their
        # removes and mounts; the answer that re-reads the agenda waits for the agenda to be there.
        self._body_lock = asyncio.Lock()

    # ---- building ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        ctx = self.app.ctx
        yield EventHeader(ctx.event.name, W.TITLE(self.visit.lang), ctx.clock)
        yield Container(id="ss-body")
        yield IdleCountdown()
        yield SteadyFooter()  # rebuilt only when its keys change (kiosk/ui/widgets/steady_footer.py)

    async def on_mount(self) -> None:
        if CONTRAST_THEME.name not in self.app.available_themes:
            self.app.register_theme(CONTRAST_THEME)
        self._watcher = watch(self, self._poll_changes)
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
        visit = self.visit
        return option_views(self.app.ctx.programme, visit.states, self.rounds[visit.index].id, visit.lang)

    @property
    def rounds(self) -> list:
        """The programme's choice rounds, in order."""
        return self.app.ctx.programme.choice_rounds()

    def _round_name(self, index: int) -> str:
        round_ = self.rounds[index]
        return round_.name_en if self.visit.lang == "en" and round_.name_en else round_.name

    def _body(self) -> Container:
        return self.query_one("#ss-body", Container)

    async def _show(self, *widgets) -> None:
        """Replace everything in the body: the previous state's widgets are removed, not hidden."""
        body = self._body()
        async with self._body_lock:
            await body.remove_children()
            await body.mount(*widgets)
        self.refresh_bindings()

    # ---- states ------------------------------------------------------------------------------

    async def reset(self, message: str = "") -> None:
        """Forget the person: a new visit, prompts closed, every widget cleared, default language and theme."""
        # A new Visit: answers to the previous person's writes find it is not theirs and show nothing.
        self.visit = Visit(self.app.ctx.lang)
        while self.app.screen is not self and self in self.app.screen_stack:
            await self.app.pop_screen()
        self.app.clear_notifications()
        if self.app.theme == CONTRAST_THEME.name:
            self.app.theme = "textual-dark"
        self.remove_class("-contrast")
        self.query_one(EventHeader).set_title(W.TITLE(self.visit.lang))
        self.query_one(IdleCountdown).hide()
        self.stage = Stage.WELCOME
        await self._show(Welcome(self.visit.lang, message))
        self.app.last_input = time.monotonic()

    @on(Welcome.CodeSubmitted)
    async def _code(self, event: Welcome.CodeSubmitted) -> None:
        event.stop()
        await self._open(event.code)

    async def _open(self, code: str) -> None:
        """Look the badge up and show that person's day (or say why not, on the welcome)."""
        try:
            person = find_by_code(self.app.ctx.db(), code, email=False)  # never shown here; its login may not read it
        except StoreFault as error:  # the kiosk stays up and says so
            return await self.reset(W.not_opened(error, self.visit.lang))  # "choosing is paused" when the server is gone
        if person is None:
            # Nobody, or nothing for anybody this minute (codes are being guessed: kiosk.store.code_guard).
            await self.reset((W.ONE_MOMENT if self._paused() else W.UNKNOWN_CODE)(self.visit.lang))
        elif person.status == "cancelled":
            await self.reset(W.CANCELLED(self.visit.lang))
        else:
            visit = self.visit
            visit.person = person
            self._load()
            open_rounds = [i for i, r in enumerate(self.rounds) if not visit.round_state(r.id).closed]
            visit.index = open_rounds[0] if open_rounds else 0
            if open_rounds:
                # Kept for this visit: switching language shows the news again, in the new language.
                visit.news = promoted_sessions(visit.states)
                if visit.news:
                    with suppress(StoreFault):  # without what each seat replaced, the news still counts
                        visit.released = released_for_promotions(self.app.ctx.db(), person.id)
                    self.writes.put(ToldJob(person.id))
                await open_day(self, promotion_notice(self.app.ctx.programme, visit.news, visit.lang, visit.released))
            else:
                await self._show_agenda()  # nothing left to choose: their day is what they came for

    def _paused(self) -> bool:
        """Whether the badge look-ups are paused (PostgreSQL's public login only); unknown when it cannot say."""
        try:
            return lookups_paused(self.app.ctx.db())
        except StoreFault:
            return False

    def _load(self) -> None:
        """Read the person's rounds (one statement: counts, seats, places, closed)."""
        if self.visit.person:
            try:
                self.visit.states = day_of(self.app.ctx.db(), self.visit.person.id, now=self.app.ctx.clock.now())
            except StoreFault:
                pass  # keep the last states (numbers go stale); the next choice's write says what is wrong

    async def _show_day(self, message: tuple[str, str] = ("", "")) -> None:
        """The day stage at the visit's round: greeting, message line, the round's cards, buttons."""
        visit = self.visit
        assert visit.person is not None
        self.stage = Stage.DAY
        visit.round_shown_at = time.monotonic()
        steps = ["●" if i == visit.index else ("✓" if visit.round_state(r.id).choice else "○")
                 for i, r in enumerate(self.rounds)]
        state = visit.round_state(self.rounds[visit.index].id)
        picker = RoundPicker(self._round_name(visit.index), visit.index, steps, self._views(), closed=state.closed,
                             lang=visit.lang)
        await self._show(day_view(clean(visit.person.name), message, picker, visit.lang))
        self.call_after_refresh(picker.focus_card, state.choice)

    async def _show_agenda(self) -> None:
        visit = self.visit
        assert visit.person is not None
        self.stage = Stage.AGENDA
        visit.round_shown_at = time.monotonic()  # the confirm button must not take a chooser's Enter
        self._load()
        await self._show(agenda_view(visit.person, self.app.ctx.programme, visit.states, visit.lang))
        self.call_after_refresh(lambda: self.query_one("#agenda-confirm", Button).focus())

    async def refresh_agenda(self) -> None:
        """The agenda on screen read anew (a choice was answered after it was shown); the buttons keep the focus."""
        visit = self.visit
        self._load()
        # The lock: an agenda being mounted (with what was read before) is there first. The batch:
        # no frame shows the agenda gone between the old one's removal and the new one's mount.
        async with self._body_lock:
            if self.visit is not visit or visit.person is None:
                return  # they left meanwhile: the next person's screen is not touched
            with self.app.batch_update():
                for old in list(self.query(Agenda).results(Agenda)):
                    parent = old.parent
                    assert isinstance(parent, Widget)
                    at = parent.children.index(old)
                    await old.remove()  # first: the new one has the same id
                    await parent.mount(Agenda(clean(visit.person.name), self.app.ctx.programme, visit.states,
                                              visit.lang), before=at)

    def say(self, text: str, css: str) -> None:
        """The day's message line (an outcome, a failure) with its look, `css`."""
        for label in self.query("#day-message").results(Static):
            label.update(text)
            label.set_classes(css)

    # ---- choosing ----------------------------------------------------------------------------

    @on(OptionCard.Chosen)
    def _card_chosen(self, event: OptionCard.Chosen) -> None:
        event.stop()
        self.choosing.card(event.session_id)

    async def action_choose(self, number: int, lang: str = "") -> None:
        """Choose option `number` of the round on screen (typed ahead while busy: done in turn)."""
        self.choosing.number(number)

    @on(WriteDone)
    async def _signed_up(self, message: WriteDone) -> None:
        await self.choosing.written(message)

    @on(WriteFailed)
    def _signup_failed(self, message: WriteFailed) -> None:
        self.choosing.failed(message)

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
        visit = self.visit
        visit.give_up = None  # giving up a place is asked for on its own round only
        if visit.index + 1 < len(self.rounds):
            visit.index += 1
            await self._show_day()
        else:
            await self._show_agenda()

    async def action_previous_round(self, lang: str = "") -> None:
        """Back one round."""
        visit = self.visit
        visit.give_up = None
        if visit.index > 0:
            visit.index -= 1
            await self._show_day()

    async def action_done(self, lang: str = "") -> None:
        """From the rounds: show the agenda. From the agenda: confirm, and clear the screen."""
        if self.stage is Stage.DAY:
            await self._show_agenda()
        elif self.stage is Stage.AGENDA:
            await self.reset()

    def action_agenda_qr(self) -> None:
        """Their confirmed sessions as an iCalendar QR code, for a phone."""
        if self.visit.person is not None and self.stage is Stage.AGENDA:
            on_scan = lambda code: self.run_worker(self._next_badge(code), group="next-badge")  # noqa: E731
            self.app.push_screen(AgendaQr.for_person(self.app.ctx, self.visit.person.id, self.visit.lang, on_scan))

    async def action_change(self) -> None:
        """From the agenda back to the rounds, at the first."""
        self.visit.index = 0
        await self._show_day()

    async def action_home(self, lang: str = "") -> None:
        """Stop: back to a fresh welcome (choices made are saved already)."""
        await self.reset()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Keys for rounds only in the day state, each described in the visitor's language."""
        if parameters and parameters[-1] in ("nl", "en") and parameters[-1] != self.visit.lang:
            return False
        if action in ("choose", "next_round", "previous_round"):
            return self.stage is Stage.DAY
        if action in ("done", "change"):
            return self.stage in (Stage.DAY, Stage.AGENDA)
        return True

    def watch_stage(self) -> None:
        """Another stage, other keys: the footer follows at once."""
        self.refresh_bindings()

    # ---- for everyone ------------------------------------------------------------------------

    async def action_toggle_lang(self, lang: str = "") -> None:
        """Dutch ↔ English for this visitor (back to the default at the next person)."""
        visit = self.visit
        visit.lang = "en" if visit.lang == "nl" else "nl"
        self.query_one(EventHeader).set_title(W.TITLE(visit.lang))
        if self.stage is Stage.DAY:
            await self._show_day(promotion_notice(self.app.ctx.programme, visit.news, visit.lang, visit.released))
        elif self.stage is Stage.AGENDA:
            await self._show_agenda()
        else:
            await self._show(Welcome(visit.lang))

    def action_toggle_contrast(self, lang: str = "") -> None:
        """High contrast on or off (black, white and yellow; thicker focus marks)."""
        on_ = self.app.theme != CONTRAST_THEME.name
        self.app.theme = CONTRAST_THEME.name if on_ else "textual-dark"
        self.set_class(on_, "-contrast")

    def _poll_changes(self) -> None:
        """Another kiosk took a seat: refresh the numbers on the cards in place."""
        if self._watcher and self._watcher.changed() and self.stage is Stage.DAY and not self.visit.busy:
            self._load()
            for picker in self.query(RoundPicker).results(RoundPicker):
                picker.update_views(self._views())
