"""The self-service kiosk's badge scan, name first: the greeting is painted a frame before the day.

Opening a person's day removes the welcome, mounts a dozen widgets (the round's option cards, the
buttons) and lays the screen out anew: at 100,000 attendees that took several times as long as a
bare app takes to show a name (`make bench`, scan_moment.selfservice). What the person looks for
first is that the kiosk knows them: so the welcome greets them by name, in its title's place (one
line, no new layout), in the frame right after the badge was read; their day replaces the welcome
a moment later (DAY_AFTER_SECONDS).

Keys work in between as on the day screen (a digit chooses from the person's rounds, which are
read already; an Enter is the badge's tail): whatever replaces the welcome first (a choice's
answer, another badge, Stop) wins, and the day is then not mounted over it. The welcome's code
field keeps the focus meanwhile (moving it rebuilds the footer, in the greeting's frame), so the
screen's guard hands a digit to the choosing itself (`greeting_on`, selfservice_guard.take_key).
A choice whose answer is still being written when the day comes is answered on that day (the day
shows no pending choice of its own: the same day as if the digit had come a moment later).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from kiosk.ui.paint import paint_now
from kiosk.ui.screens.selfservice_visit import Stage
from kiosk.ui.widgets.plain import clean
from kiosk.ui.widgets.welcome import Welcome

if TYPE_CHECKING:
    from kiosk.ui.screens.selfservice import SelfServiceScreen

# How long after the greeting's frame the day follows. Not at once: building the day holds the
# interpreter for tens of milliseconds, and Textual's writer thread, which hands the frame to the
# terminal, then waited for it (the greeting showed ~17 ms later on a loaded machine). A timer
# lets the event loop sleep first, and the writer write.
DAY_AFTER_SECONDS = 0.03


async def open_day(screen: SelfServiceScreen, message: tuple[str, str]) -> None:
    """Greet the person on the welcome now, and show their day (the visit's round) after the next frame."""
    visit = screen.visit
    assert visit.person is not None
    welcome = next(iter(screen.query(Welcome).results(Welcome)), None)
    if welcome is None:  # not opened from the welcome: the day at once
        await screen._show_day(message)
        return
    # The day's keys work from now on (check_action reads the stage), but the footer shows them
    # with the day: its keys rebuilt right after the greeting's frame held the interpreter while
    # Textual's writer thread was to put that frame on the terminal. Set without its watcher (which
    # refreshes the bindings); the day's mount does that (SelfServiceScreen._show).
    screen.set_reactive(type(screen).stage, Stage.DAY)
    visit.round_shown_at = time.monotonic()  # an Enter right now is the badge's tail (selfservice_guard)
    welcome.greet(clean(visit.person.name))
    paint_now(welcome)  # in the next frame, not one later (kiosk/ui/paint.py)
    # Counted from the greeting's frame: the timer starts once that frame has been made.
    screen.call_after_refresh(screen.set_timer, DAY_AFTER_SECONDS, lambda: _day_after_greeting(screen, welcome, message),
                              name="day-after-greeting")


async def _day_after_greeting(screen: SelfServiceScreen, welcome: Welcome, message: tuple[str, str]) -> None:
    """The day in the welcome's place, unless something has replaced the welcome (or the visit) already."""
    if welcome.is_attached and screen.stage is Stage.DAY:
        await screen._show_day(message)


def greeting_on(screen: SelfServiceScreen) -> bool:
    """True while the welcome greets the person whose day is opening (their keys are the day's already)."""
    return screen.stage is Stage.DAY and bool(screen.query(Welcome))
