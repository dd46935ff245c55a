"""Pilot helpers shared by the desk's screen tests."""

from __future__ import annotations


async def settle(app, pilot) -> None:
    """Let queued writes finish and the screen catch up."""
    for _ in range(50):
        await app.workers.wait_for_complete()
        await pilot.pause()
        if not getattr(getattr(app.screen, "jobs", None), "busy", False):
            break
    await pilot.pause()
