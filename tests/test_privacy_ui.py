"""Privacy in the app: a crash report shows no attendee's name, and a failed sign-up shows no data."""

from __future__ import annotations

import pytest
from rich.console import Console
from textual.widgets import Static

import kiosk.ui.screens.selfservice as selfservice
import kiosk.ui.selfservice_jobs as selfservice_jobs
from kiosk.store.attendees import RosterRow, upsert_attendees
from tests.support.pilot import written

# A name that occurs nowhere else, so finding it anywhere means it leaked.
NAME = "Zoë Qwertyuiop-Marchetti"
CODE = "ZOEQ01"


@pytest.fixture
def zoe(db, now) -> str:
    """One attendee with the distinctive name; returns her code."""
    upsert_attendees(db, [RosterRow(NAME, "Gemeente Nergens", "Nergens", "zoe@example.invalid", CODE)],
                     now.isoformat())
    return CODE


def keep_exit_renderables(app) -> list:
    """Collect what the app prints on the terminal as it exits (Textual clears the list after printing)."""
    kept: list = []
    print_them = app._print_error_renderables

    def keep_then_print() -> None:
        kept.extend(app._exit_renderables)
        print_them()

    app._print_error_renderables = keep_then_print
    return kept


def as_text(renderables: list) -> str:
    """Renderables as the plain text a terminal would show."""
    console = Console(record=True, width=160, color_system=None, force_terminal=False)
    for renderable in renderables:
        console.print(renderable)
    return console.export_text()


async def test_a_crash_report_shows_no_local_variables(make_app, zoe, monkeypatch, capsys):
    def broken_load(screen) -> None:
        person_name = screen.visit.person.name  # a local holding the name, as real code has
        raise LookupError(f"no rounds for attendee {screen.visit.person.id} ({len(person_name)} letters)")

    monkeypatch.setattr(selfservice.SelfServiceScreen, "_load", broken_load)
    app = make_app("selfservice", "09:45")  # locked
    kept = keep_exit_renderables(app)
    with pytest.raises(LookupError):
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await pilot.press(*CODE, "enter")  # the screen's message handler calls _load and raises
            await pilot.pause()
    shown = as_text(kept)
    assert "LookupError" in shown and "no rounds for attendee" in shown and "broken_load" in shown
    assert "Qwertyuiop" not in shown  # the frames and the message stay; the locals panel is gone
    printed = capsys.readouterr()
    assert "LookupError" in printed.err and "Qwertyuiop" not in printed.err + printed.out


async def test_a_failed_sign_up_shows_no_text_of_the_error(make_app, zoe, monkeypatch):
    def broken_signup(*args, **kwargs):
        raise RuntimeError(f"bug while signing up {NAME} <{CODE}>")  # a bug, not a store error

    monkeypatch.setattr(selfservice_jobs, "signup", broken_signup)
    app = make_app("selfservice", "09:45")  # locked
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(*CODE, "enter")
        await pilot.pause()
        assert "Qwertyuiop" in "\n".join(str(w.render()) for w in app.screen.query(Static))  # her day is shown
        await pilot.press("1")
        await pilot.pause(0.15)  # a single key acts once no scanner burst follows it
        await written(app)
        await pilot.pause()
        message = str(app.screen.query_one("#day-message", Static).render())
        assert app.is_running
        assert message.strip() and "bug while signing up" not in message and CODE not in message
        assert "RuntimeError" not in message
