"""Frame helpers: every frame the app hands its terminal, the layouts between them, a store call held at a gate.

The scan-moment tests (tests/test_scan_moment.py) read the frames in order as a person watching
the screen would: `Frames` records what `App._display` is given, turned into the text and escape
codes a terminal would receive; `Layouts` notes each time a screen is laid out; `Gate` stands in
for the store call a worker thread makes, so the test decides when the commit returns.
"""

from __future__ import annotations

import re
import threading
import time

from rich.color import ColorSystem
from rich.style import Style
from textual.color import Color

ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]")


class Frames:
    """Every frame the app displays: (moment, raw terminal output, visible text)."""

    def __init__(self, app) -> None:
        self.frames: list[tuple[float, str, str]] = []
        display = app._display

        def recorded(screen, renderable) -> None:
            if renderable is not None and hasattr(renderable, "render_segments") and not app._batch_count:
                raw = renderable.render_segments(app.console)
                self.frames.append((time.monotonic(), raw, ESCAPES.sub("", raw)))
            display(screen, renderable)

        app._display = recorded

    def mark(self) -> int:
        """How many frames so far (to look only at the ones after)."""
        return len(self.frames)

    def after(self, mark: int) -> list[tuple[float, str, str]]:
        """The frames since `mark`."""
        return self.frames[mark:]

    def first_with(self, text: str, mark: int = 0) -> int:
        """The index (among all frames) of the first frame after `mark` whose text has `text` (-1: none)."""
        return next((i for i, (_, _, shown) in enumerate(self.frames) if i >= mark and text in shown), -1)

    def showed(self, mark: int, *texts: str) -> bool:
        """Whether any frame since `mark` showed any of `texts`."""
        return any(text in shown for _, _, shown in self.after(mark) for text in texts)


class Layouts:
    """The moments a screen was laid out (Screen._refresh_layout), from the moment this is made."""

    def __init__(self, monkeypatch) -> None:
        from textual.screen import Screen

        self.moments: list[float] = []
        relayout = Screen._refresh_layout

        def counted(screen, *args, **kwargs):
            self.moments.append(time.monotonic())
            return relayout(screen, *args, **kwargs)

        monkeypatch.setattr(Screen, "_refresh_layout", counted)

    def mark(self) -> int:
        """How many layouts so far."""
        return len(self.moments)

    def between(self, mark: int, moment: float) -> list[float]:
        """The layouts since `mark` up to `moment`."""
        return [at for at in self.moments[mark:] if at <= moment]


async def enter_code(pilot, frames: Frames, code: str) -> int:
    """Type `code`, let it show, press Enter: the frame mark taken just before the Enter."""
    await pilot.press(*code)
    await pilot.pause()
    start = frames.mark()
    await pilot.press("enter")
    return start


async def scan_watched(app, pilot, frames: Frames, layouts: Layouts, code: str, name: str) -> tuple[int, list[float]]:
    """Type `code`, let the screen settle, press Enter: the first frame showing `name` and the layouts before it."""
    from tests.support.pilot import settle

    await pilot.press(*code)
    await settle(app, pilot)
    before, start = layouts.mark(), frames.mark()
    await pilot.press("enter")
    await settle(app, pilot)
    shown = frames.first_with(name, start)
    return shown, layouts.between(before, frames.frames[shown][0]) if shown >= 0 else []


def colour_code(app, variable: str, background: bool = True) -> re.Pattern[str]:
    """An SGR sequence setting the theme's `variable` as background (or foreground), in 16 colours or 24-bit."""
    return colour_pattern(Color.parse(app.theme_variables[variable]).rich_color, background)


def colour_pattern(rich_colour, background: bool = True) -> re.Pattern[str]:
    """An SGR sequence setting `rich_colour` as background (or foreground), in 16 colours or 24-bit.

    The test console has 16 colours, a terminal 24-bit: both are accepted, as Rich keeps a style's
    codes from the first colour system it was rendered in, and Textual shares styles between apps (a
    screenshot's 24-bit console earlier in a run leaves them 24-bit in this app's frames). A new
    Style for each system, for the same reason.
    """
    def code(system: ColorSystem) -> str:
        style = Style(bgcolor=rich_colour) if background else Style(color=rich_colour)
        return re.match(r"\x1b\[([0-9;]+)m", style.render("x", color_system=system)).group(1)

    codes = [code(system) for system in (ColorSystem.STANDARD, ColorSystem.TRUECOLOR)]
    either = "|".join(re.escape(code) for code in codes)
    return re.compile(rf"\x1b\[(?:[0-9;]*;)?(?:{either})(?:;[0-9;]*)?m")


class Gate:
    """Stands in for a store call on the worker thread: waits until the test opens it, then calls through."""

    def __init__(self, call) -> None:
        self.call = call
        self.open = threading.Event()
        self.returned: float | None = None

    def __call__(self, *args, **kwargs):
        self.open.wait(10)
        try:
            return self.call(*args, **kwargs)
        finally:
            self.returned = time.monotonic()


def held_at_gate(monkeypatch, module, name: str) -> Gate:
    """Put a Gate in place of `module.name` (the store call a screen's worker makes) and return it."""
    held = Gate(getattr(module, name))
    monkeypatch.setattr(module, name, held)
    return held


async def wait_until(pilot, condition, seconds: float = 5.0) -> None:
    """Pause until `condition()` holds (fails after `seconds`)."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await pilot.pause(0.01)
