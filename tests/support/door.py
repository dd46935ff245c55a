"""Door helpers: how many are inside a list, what the door's answer box says, a scan typed and answered."""

from __future__ import annotations

from textual.widgets import Static

from kiosk.store.stats import presence_counts
from tests.support.pilot import written


def inside(db, list_: str) -> int:
    """How many are inside a list now, from the derived state."""
    return presence_counts(db, {list_}).get(list_, (0, 0))[0]


def door_answer(app) -> tuple[str, str]:
    """The answer box: its text and its light (green/amber/red)."""
    box = app.screen.query_one("#door-result")
    light = next((c.removeprefix("light-") for c in box.classes if c.startswith("light-")), "")
    text = str(app.screen.query_one("#door-name", Static).render()) + "\n" + str(
        app.screen.query_one("#door-message", Static).render())
    return text, light


async def door_scan_keys(app, pilot, code: str) -> None:
    """Type a code and Enter at the door, and wait for its answer."""
    await pilot.press(*code, "enter")
    await written(app)
    await pilot.pause()


def door_text(app) -> str:
    """The door's session line, count and answer, as they read."""
    return "\n".join(str(app.screen.query_one(f"#door-{part}", Static).render())
                     for part in ("session", "count", "name", "message"))


async def door_scan_at(app, pilot, code: str, seconds: int) -> None:
    """Type a code and Enter at the door, `seconds` after 12:40 on the event day (past the scanner's bounce
    window each time), and let the write finish."""
    import datetime as dt

    from kiosk.clock import Clock
    from tests.support.event import at
    from tests.support.pilot import settle

    app.ctx.clock = Clock(at("12:40") + dt.timedelta(seconds=seconds))
    await pilot.press(*code, "enter")
    await settle(app, pilot)
