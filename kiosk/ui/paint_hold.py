"""Hold the repaints from a scanner's Enter until its answer is there, so the answer is the first frame.

A scan's answer comes back from the write queue's worker thread after COMMIT (the storage rule:
never shown before it). Without a hold, Textual paints what the Enter itself changed (the emptied
input) at once, and the answer at the next frame after the commit: Textual spaces its frames a
frame period apart (17 ms at 60 a second), so the answer came at least that much later than the
Enter's own frame, and the first frame's rendering ran on the UI thread while the worker needed the
interpreter for the store call. Held, the emptied input and the answer go out in one frame, as a
bare app that commits on its UI thread shows them (bench/bare_app.py).

The hold ends when the answer (or the failure) is shown, and after HOLD_SECONDS whatever happens:
a write waiting for a busy database then shows the emptied input (and the door's "Saving…") as
before, and the answer when it comes. While held nothing is painted, keys are still read and
handled in order.

The hold is Textual's public `App.batch_update()`, entered at the Enter and left at the answer
(an ExitStack holds it open across the wait for the worker, which a `with` block cannot span).
Python's cyclic garbage collector is held too, and runs again once the answer's frame is out
(`after_the_frame`).
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Callable
from contextlib import ExitStack

from textual.dom import DOMNode
from textual.message_pump import MessagePump
from textual.screen import Screen

from kiosk.ui.paint import paint_now

# The longest the screen is held still after an Enter: a commit takes a few milliseconds; one
# that waits for the write lock (eight busy desks: ~125 ms at worst) shows the input emptied first.
HOLD_SECONDS = 0.1
# How long the UI thread leaves the interpreter to Textual's writer thread after the answer's frame
# before other work (the collector, the desk's side panel): the writer needs it a few times to put
# the frame on the terminal, and waited up to a switch interval (1 ms) each time the UI thread ran
# Python instead (2 to 3 ms between the frame and its flush under load, bench/scan_profile.py).
AFTER_FRAME_SECONDS = 0.005


def after_the_frame(node: DOMNode, callback: Callable[[], object]) -> None:
    """Run `callback` AFTER_FRAME_SECONDS after the next frame, once that frame is on its way to the terminal."""
    node.call_after_refresh(soon, node, AFTER_FRAME_SECONDS, callback)


def soon(node: MessagePump, seconds: float, callback: Callable[[], object]) -> asyncio.TimerHandle:
    """Hand `callback` to `node` (as a message, so its errors are the app's, as a Timer's are) in `seconds`.

    Textual's `set_timer` starts an asyncio task for each timer, 0.1 to 0.2 ms of CPU to start and
    again to stop; the desk started two for each scan, one between the Enter and its store call.
    The event loop's own timer costs a few microseconds; `cancel()` it to stop it.
    """
    return asyncio.get_running_loop().call_later(seconds, node.call_later, callback)


class PaintHold:
    """One screen's hold: start at a scan's Enter, release when its answer is shown; at most HOLD_SECONDS.

    Repaints are held app-wide (Textual batches per app), so a dialog opened meanwhile waits too.
    """

    def __init__(self, screen: Screen, seconds: float | None = None,
                 on_expire: Callable[[], object] | None = None, answer: str | None = None) -> None:
        """`seconds`: the longest hold (HOLD_SECONDS, read when a hold starts, when not given).

        `on_expire`: called when a hold ends without its answer, before the screen is painted (the
        door says "Saving…" then, and only then: said at every Enter, it changed the answer's
        lines and laid the screen out for a word nobody saw).
        `answer`: the id of the container the answer is shown in; only its widgets are handed over
        at the release (walking the whole screen, its footer's keys and side panel, took longer).
        """
        self._screen = screen
        self._seconds = seconds
        self._on_expire = on_expire
        self._answer = answer
        self._timer: asyncio.TimerHandle | None = None
        self._batch = ExitStack()
        self._collector = False  # whether this hold paused Python's garbage collector

    @property
    def held(self) -> bool:
        """True while repaints are held."""
        return self._timer is not None

    def start(self) -> None:
        """Hold repaints (a second start while held changes nothing: the first answer releases)."""
        if self._timer is not None:
            return
        app = self._screen.app
        self._batch.enter_context(app.batch_update())
        # No collection of Python's garbage in the middle of the answer (a young generation's takes
        # a few tenths of a millisecond and came several times a scan, an older one's 2 to 7 ms):
        # it waits until the answer's frame is made (`_collect_again`).
        if gc.isenabled():
            gc.disable()
            self._collector = True
        # The app's timer, not the screen's: it fires whichever screen is current by then.
        longest = HOLD_SECONDS if self._seconds is None else self._seconds
        timer = self._timer = soon(app, longest, lambda: self._expired(timer))

    def _expired(self, timer: asyncio.TimerHandle) -> None:
        """The answer did not come in time: say so (`on_expire`), and paint what there is.

        Handed over as a message: one that comes after its hold was released (and maybe another
        started) changes nothing.
        """
        if timer is not self._timer:
            return
        if self._on_expire is not None:
            self._on_expire()
        self.release()

    def release(self) -> None:
        """Hand over what changed below the screen (`paint_now`) and paint again at the next frame.

        Called where the answer has just been shown; when nothing is held it is `paint_now` alone.
        """
        screen = self._screen
        paint_now(screen.query_one(f"#{self._answer}") if self._answer else screen)
        timer, self._timer = self._timer, None
        if timer is None:
            return
        timer.cancel()
        self._batch.close()
        app = screen.app
        if self._collector:
            self._collector = False
            after_the_frame(app, gc.enable)  # once the frame with the answer is out
        # The screen resumes its frames when it next goes idle: nudge it, in case nothing else does.
        app.screen.check_idle()
