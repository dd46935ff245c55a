"""The desk's one input: takes scanner bursts and typed names, and hands each Enter over whole.

A USB scanner types a code and Enter within milliseconds, often in one read from the terminal,
and the next badge can follow before the screen has answered the last one. Two things in Textual
would merge or cut such bursts: Enter is a *binding*, run only when the key has bubbled back up to
the App, behind the characters of the next code already queued there; and clearing the field when
the screen gets around to `Input.Submitted` would wipe characters typed since. This input handles
Enter itself, in its own key queue in step with the characters, takes its value and clears itself
in that same step, and posts `ScanSubmitted` with the exact text of that one burst. The other
keys the Input binds (Backspace, Delete, arrows, Home, End, ...) had the same problem: four
Backspaces and "ba" sent in one burst to "her" gave "h" (the letters went in first, then the four
deletions ran), so this input runs those bindings itself too, in order with the letters.

A screen that answers every keystroke (the desk) may pass `on_text` and `on_submit`: the input then
hands its changes and submissions over itself, in its own queue and order, instead of letting
the messages bubble up through each container to the screen. Each of those hops is a turn of the
event loop, and the screen's repaint for the typed letter went out in between, so the matching
names came one frame (17 ms) or two later than the letter.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.cells import cell_len
from textual import events
from textual.binding import Binding
from textual.geometry import Region
from textual.message import Message
from textual.strip import Strip
from textual.widgets import Input
from textual.widgets.input import Selection

from kiosk.ui.textual_internals import cursor_shown

# The Input's own key bindings (key -> action), run by ScanInput in step with the typed letters.
OWN_KEYS: dict[str, str] = {
    key.strip(): binding.action
    for binding in Input.BINDINGS
    if isinstance(binding, Binding)
    for key in binding.key.split(",")
}


class ScanInput(Input):
    """An Input whose Enter posts `ScanSubmitted(text)` and empties the field at once."""

    class ScanSubmitted(Message):
        """One code or search text, as it was when Enter was pressed."""

        def __init__(self, scan_input: ScanInput, value: str) -> None:
            super().__init__()
            self.scan_input = scan_input
            self.value = value

        @property
        def control(self) -> ScanInput:
            """The input that sent this."""
            return self.scan_input

    def __init__(
        self,
        *args: object,
        on_text: Callable[[str], None] | None = None,
        on_submit: Callable[[ScanInput.ScanSubmitted], None] | None = None,
        on_move: Callable[[int], None] | None = None,
        **kwargs: object,
    ) -> None:
        # Never select the text on focus: the next key of a code (or of a burst that brought
        # the focus here) would replace what was already typed.
        kwargs.setdefault("select_on_focus", False)
        super().__init__(*args, **kwargs)
        self._on_text = on_text
        self._on_submit = on_submit
        # Up/Down pick among search results: run in order with Enter, or "down, enter" typed
        # quickly would check in the person highlighted *before* the arrow.
        self._on_move = on_move
        # The empty field's row (placeholder and cursor) and what it was drawn for (see `render_line`).
        self._empty_row: tuple[tuple[str, int, bool, bool], Strip] | None = None

    @property
    def content_width(self) -> int:
        """The width the field scrolls over: fixed (room for `max_length` wide characters), not the text's.

        Input sets its virtual size from the text's width at every change, and a new virtual size
        lays the whole screen out anew: every letter typed, and the emptied field after each scan,
        cost the desk a layout of all its widgets, most of the CPU of the frame with the answer
        (bench/scan_profile.py). Wide enough for any text the field takes, scrolling still follows
        the cursor.
        """
        if not self.max_length:
            return super().content_width
        return max(2 * self.max_length, cell_len(self.placeholder)) + 1

    def _on_input_changed(self, event: Input.Changed) -> None:
        """With `on_text`: hand over the text, unless newer keys already changed it (a scanner burst)."""
        if self._on_text is None or event.input is not self:
            return
        event.stop()
        if event.value == self.value:
            self._on_text(event.value)

    def _on_scan_input_scan_submitted(self, event: ScanInput.ScanSubmitted) -> None:
        """With `on_submit`: hand over the submission, in order with the changes around it."""
        if self._on_submit is None or event.control is not self:
            return
        event.stop()
        self._on_submit(event)

    async def on_key(self, event: events.Key) -> None:
        """Enter submits right here, in order with the characters around it (see the module doc).

        Runs before Input's own key handler, which `prevent_default()` keeps out; a key this does
        not take goes on to Input's handler (letters typed; the cursor's blink restarted).
        """
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            await self.action_submit()
            return
        if self._on_move is not None and event.key in ("up", "down"):
            event.stop()
            event.prevent_default()
            self._on_move(1 if event.key == "down" else -1)
            return
        action = None if event.is_printable else OWN_KEYS.get(event.key)
        if action is not None:
            # Backspace and the like: now, before the letters queued behind them (see the module doc).
            # Input's handler still runs after this one: for a key that is not a letter it only
            # restarts the cursor's blink, as typing does.
            event.stop()
            await self.run_action(action)

    async def action_submit(self) -> None:
        """Hand the text over and clear the field before the next key is read."""
        value = self.value
        submitted = self.ScanSubmitted(self, value)
        if self._on_submit is not None:
            # Handed over right here, in this key's turn: a message to itself first was one more
            # turn of the event loop before the scan was queued (the desk's scan moment). Changes
            # still queued for letters typed before it are overtaken by the cleared field, and
            # passed over as such (`_on_input_changed`), as they were behind the message.
            self._clear_for_the_next()
            self._on_submit(submitted)
            return
        # Post first, then clear: the screen sees the search text's last change before the
        # submission, and the clearing's change after it.
        self.post_message(submitted)
        self.value = ""

    def _clear_for_the_next(self) -> None:
        """Empty the field for the next code, repainting its text row only, with no `Changed` for it.

        `self.value = ""` runs Input's watchers of the value and of the cursor (the virtual size,
        validation, a `Changed` message handled a turn later, the scroll to the cursor) and repaints
        all three rows of the field: 0.5 ms of CPU on the desk between the Enter and its store call,
        and the emptied field's render beside the writer thread (bench/scan_profile.py). The submitting
        screen shows what the emptied field means itself (the desk: `show_search` after the scan is
        queued), so none of that is needed here; the field's border rows do not change. Validators,
        a suggester or a width that follows the text take Input's own way.
        """
        if self.validators or self.suggester is not None or self.styles.auto_dimensions:
            self.value = ""
            return
        self.set_reactive(Input.value, "")
        self.set_reactive(Input.selection, Selection.cursor(0))
        self.app.clear_selection()
        if self.scroll_offset.x:
            self.scroll_to_region(Region(0, 0, width=1, height=1), force=True, animate=False)
        self.app.cursor_position = self.cursor_screen_offset
        self.refresh(Region(0, 0, self.content_size.width, 1))

    def render_line(self, y: int) -> Strip:
        """Input's row; the empty field's (placeholder and cursor) drawn once and kept until its look changes.

        Input draws the placeholder with Rich and reads its component styles anew after every
        refresh: 0.5 to 1 ms of CPU at each scan, as the desk empties the field at every Enter.
        What the empty row shows depends only on the placeholder, the width, the focus, the cursor's
        blink and the styles (a change of those calls `notify_style_update`).
        """
        if y != 0 or self.value:
            return super().render_line(y)
        key = (self.placeholder, self.scrollable_content_region.width, self.has_focus, cursor_shown(self))
        kept = self._empty_row
        if kept is not None and kept[0] == key:
            return kept[1]
        row = super().render_line(y)
        self._empty_row = (key, row)
        return row

    def notify_style_update(self) -> None:
        """Other colours or another state's look: the empty row is drawn again."""
        super().notify_style_update()
        self._empty_row = None

    def on_paste(self, event: events.Paste) -> None:
        """A paste with line breaks (some scanners in keyboard-wedge mode) is one submission per line.

        A paste of one line is Input's to insert (its handler runs after this one); otherwise
        `prevent_default()` keeps Input's handler from inserting the first line a second time.
        """
        lines = event.text.splitlines()
        if len(lines) <= 1 and not event.text.endswith(("\n", "\r")):
            return
        event.stop()
        event.prevent_default()
        first, *rest = lines or [""]
        self.insert_text_at_cursor(first)
        complete = [self.value, *rest] if event.text.endswith(("\n", "\r")) else [self.value, *rest[:-1]]
        for line in complete:
            if line.strip():
                self.post_message(self.ScanSubmitted(self, line))
        self.value = "" if event.text.endswith(("\n", "\r")) else (rest[-1] if rest else "")
