"""Pilot helpers: wait for the desk's writes, read the screen as a person does, send bursts and pastes.

Keys and pastes go in the way a terminal sends them, through the app's driver (`app._driver`,
Textual's own, used only here among the helpers): `pilot.press` waits for each key to be handled,
where a scanner's burst arrives all at once.
"""

from __future__ import annotations

import html
import re

from textual import events

from kiosk.ui.writes import all_written


async def written(app) -> None:
    """Until the app's workers have ended and its write queues have written all they were given."""
    await app.workers.wait_for_complete()
    await all_written(app)
    await app.workers.wait_for_complete()  # one a write's answer started


async def settle(app, pilot) -> None:
    """Let queued writes finish and the screen catch up."""
    for _ in range(50):
        await written(app)
        await pilot.pause()
        if not getattr(getattr(app.screen, "jobs", None), "busy", False):
            break
    await pilot.pause()


def answer(app) -> str:
    """What the desk's answer area says, as plain text."""
    from kiosk.ui.widgets.scan_answer import ScanAnswer

    return app.screen.query_one(ScanAnswer).text


def send(app, event: events.Event) -> None:
    """Hand one event to the app as its terminal driver does (queued now, handled in turn)."""
    app._driver.send_message(event)


def burst(app, keys: list[str]) -> None:
    """Queue these keys at once, as a scanner's burst arrives."""
    for key in keys:
        send(app, events.Key(key, key if len(key) == 1 else None))


def paste(app, text: str) -> None:
    """Paste `text` as a terminal does (one bracketed paste)."""
    send(app, events.Paste(text))


def screen_lines(app) -> list[str]:
    """The terminal's rows as a person reads them (from a screenshot of the whole screen)."""
    svg = app.export_screenshot()
    rows: dict[int, list[tuple[float, str]]] = {}
    for x, line, text in re.findall(r'<text[^>]*\bx="([\d.]+)"[^>]*clip-path="url\(#[^)]*-line-(\d+)\)"[^>]*>([^<]*)</text>',
                                    svg):
        rows.setdefault(int(line), []).append((float(x), html.unescape(text).replace("\xa0", " ")))
    return ["".join(text for _, text in sorted(parts)) for _, parts in sorted(rows.items())]


def screen_text(app) -> str:
    """The whole screen as text, one terminal row a line."""
    return "\n".join(screen_lines(app))


async def until(pilot, condition, what: str, guard: float = 60.0) -> None:
    """Wait until `condition()` holds; after `guard` seconds (longer than any wait of the app's own: only a
    hang reaches it) fail, saying what was waited for and what the screen shows."""
    import time

    deadline = time.monotonic() + guard
    while not condition():
        assert time.monotonic() < deadline, f"waited too long for {what}:\n{screen_text(pilot.app)}"
        await pilot.pause(0.05)
