"""Self-service helpers: what the kiosk's screen says, a person's sign-ups, a badge scanned."""

from __future__ import annotations

from textual.widgets import Static

from kiosk.store.attendees import find_by_code


def texts(app) -> str:
    """Everything the Static widgets of the current screen show, as one string."""
    return "\n".join(str(w.render()) for w in app.screen.query(Static))


def active(db, code: str) -> dict[str, str]:
    """session id -> status of a person's active sign-ups."""
    person = find_by_code(db, code)
    return dict(db.execute("SELECT session_id, status FROM signups WHERE attendee_id = ? AND status != 'cancelled'",
                           (person.id,)).fetchall())


async def scan(pilot, code: str) -> None:
    """Type a code and Enter, as the barcode scanner does."""
    await pilot.press(*code, "enter")
    await pilot.pause()
