"""The self-service kiosk's choosing: a card or a digit, the sign-up written, and what its answer shows.

A choice (a card clicked, or its number typed) queues a SignupJob on the screen's WriteQueue
(kiosk/ui/writes.py). Until it comes back the visit is busy: a card is not taken, and digits wait
in `visit.queued`, done in turn once the answer is on screen (a refusal or the waitlist drops them:
that needs the person's attention). A confirmed choice moves on to the next round (after the last,
the agenda); the same card again right after "this is already your choice" gives the place up.
A failed write is shown as failed, never as done, and never with its error's own text. Answers
for a visit that is over are shown to nobody.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiosk.domain.outcomes import SignupResult, SignupStatus
from kiosk.ui.screens.selfservice_visit import Stage
from kiosk.ui.selfservice_jobs import SignupJob
from kiosk.ui.widgets import selfservice_words as W
from kiosk.ui.widgets.day_texts import outcome_message
from kiosk.ui.writes import WriteDone, WriteFailed

if TYPE_CHECKING:
    from kiosk.ui.screens.selfservice import SelfServiceScreen


class Choosing:
    """Choosing at one self-service screen: what a card or digit does, and the answer to each sign-up."""

    def __init__(self, screen: SelfServiceScreen) -> None:
        self.screen = screen

    def card(self, session_id: str) -> None:
        """A card chosen (clicked, or Enter on it): ignored while the last choice is being written."""
        if not self.screen.visit.busy:
            self._choose(session_id)

    def number(self, number: int) -> None:
        """Option `number` of the round on screen; typed while a choice is written, done in turn."""
        screen = self.screen
        visit = screen.visit
        if visit.busy:
            visit.queued.append(number)
            return
        options = visit.round_state(screen.rounds[visit.index].id).options
        if 1 <= number <= len(options):
            self._choose(options[number - 1].session_id)

    def _choose(self, session_id: str) -> None:
        visit = self.screen.visit
        if visit.person is None:
            return
        visit.busy = True
        # The same card again, right after "this is already your choice": give the place up.
        give_up, visit.give_up = visit.give_up == session_id, None
        self.screen.writes.put(SignupJob(visit, visit.person.code, session_id, give_up))

    def _mine(self, message: WriteDone | WriteFailed) -> bool:
        """True for a sign-up of the visit on screen; anything else is answered by nobody.

        A sign-up of a person who has gone shows nothing of theirs; a failure to mark news as told
        only means it is shown again at their next scan (nothing for an attendee to fix).
        """
        return isinstance(message.job, SignupJob) and message.job.visit is self.screen.visit

    async def written(self, message: WriteDone) -> None:
        """A sign-up committed: say what it came to, and move on to the next round when confirmed."""
        if not self._mine(message):
            return
        screen = self.screen
        visit = screen.visit
        visit.busy = False
        if screen.stage is not Stage.DAY:
            visit.queued.clear()
            if screen.stage is Stage.AGENDA:
                # They went on to their agenda meanwhile, read before this commit: it said "no choice"
                # for a choice now written (and "Wijzigen" opened the rounds without it). Read it again.
                await screen.refresh_agenda()
            return
        result: SignupResult = message.result
        was_waiting = any(o.session_id == result.session_id and o.mine == "waitlisted"
                          for state in visit.states.values() for o in state.options)
        screen._load()
        text, css = outcome_message(screen.app.ctx.programme, result, visit.lang)
        if result.status is SignupStatus.UNCHANGED:
            visit.give_up = result.session_id  # stay on this round: choosing it again gives it up
        elif result.status is SignupStatus.WAITLISTED and was_waiting:
            visit.give_up = result.session_id  # their waitlist place, chosen again: offer to leave it
            text = W.ALREADY_WAITING(visit.lang, n=result.waitlist_position)
        if result.status is SignupStatus.CONFIRMED:
            if visit.index + 1 < len(screen.rounds):
                visit.index += 1
                await screen._show_day((text, css))
            else:
                await screen._show_agenda()
        else:
            visit.queued.clear()  # a refusal or the waitlist needs their attention: drop typed-ahead keys
            await screen._show_day((text, css))
        if visit.queued and screen.stage is Stage.DAY:
            self.number(visit.queued.pop(0))

    def failed(self, message: WriteFailed) -> None:
        """A failed write is shown as failed (never as done), and the cards work again."""
        if not self._mine(message):
            return
        screen = self.screen
        visit = screen.visit
        visit.busy, visit.queued = False, []
        if screen.stage is Stage.DAY:
            # Never the error's own text (kiosk/ui/writes.py): it may carry names, and this screen
            # faces the public (issue 10).
            screen.say(W.not_saved(message.error, visit.lang), "-error")  # "choosing is paused" when the server is gone
