"""From the locked kiosk to a staff role: the PIN prompt's choice reaches desk, door and dashboard."""

from __future__ import annotations

import pytest
from textual.widgets import Input, OptionList, Static

from kiosk.ui.screens.pin_prompt import PinPrompt
from kiosk.ui.screens.selfservice import SelfServiceScreen
from tests.support.pilot import written

SIZE = (80, 24)
# The role buttons in the prompt's focus order after the PIN field: Enter on the PIN lands on Desk.
BUTTON_ORDER = ["desk", "programme", "door", "dashboard", "quit"]


async def unlock_into(pilot, role: str, pin: str = "1234") -> None:
    """Open the prompt with the staff key, type the PIN and Enter, Tab to the role's button, Enter."""
    await pilot.press("ctrl+s")
    await pilot.pause()
    assert isinstance(pilot.app.screen, PinPrompt)
    await pilot.press(*pin, "enter")
    await pilot.pause()
    await pilot.press(*["tab"] * BUTTON_ORDER.index(role))
    await pilot.pause()
    assert pilot.app.focused is pilot.app.screen.query_one(f"#pin-{role}")
    await pilot.press("enter")
    await pilot.pause()
    await pilot.pause()


async def test_pin_then_desk_shows_the_desk_with_its_input_focused(make_app, people):
    app = make_app("selfservice")  # locked; the staff PIN is 1234 (conftest)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.locked and isinstance(app.screen, SelfServiceScreen)
        await unlock_into(pilot, "desk")
        assert not app.locked and app.current_mode == "desk" and app.ctx.role == "desk"
        assert type(app.screen).__name__ == "DeskScreen"
        assert app.focused is app.screen.query_one("#desk-input", Input)
        # The desk works: a scan is written and answered.
        await pilot.press(*"ANNA44", "enter")
        await written(app)
        await pilot.pause()
        assert "Anna de Vries" in app.screen.query_one("#desk-answer").text


async def test_pin_then_dashboard_and_back_to_the_kiosk_locks_again(make_app, people):
    app = make_app("selfservice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await unlock_into(pilot, "dashboard")
        assert not app.locked and app.current_mode == "dashboard"
        assert type(app.screen).__name__ == "DashboardScreen"
        await pilot.press("f6")  # hand the terminal back to attendees
        await pilot.pause()
        assert app.locked and isinstance(app.screen, SelfServiceScreen)
        await pilot.press("f3")  # locked: no way to the desk without the PIN
        await pilot.pause()
        assert app.current_mode == "selfservice"
        await unlock_into(pilot, "desk")
        assert app.current_mode == "desk" and app.focused is app.screen.query_one("#desk-input", Input)


async def test_pin_then_door_asks_which_session(make_app, people):
    app = make_app("selfservice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await unlock_into(pilot, "door")
        assert not app.locked and app.current_mode == "door"
        assert type(app.screen).__name__ == "DoorScreen"
        assert app.focused is app.screen.query_one("#door-sessions", OptionList)


@pytest.mark.parametrize("role", ["desk", "dashboard"])
async def test_five_wrong_pins_lock_the_prompt(make_app, people, role):
    app = make_app("selfservice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        for attempt in range(5):
            # Enter checks the PIN at once; a wrong one keeps the focus in the field for the next try.
            await pilot.press(*"9999", "enter")
            await pilot.pause()
            assert app.focused is app.screen.query_one("#pin-input", Input) or attempt == 4
        message = str(app.screen.query_one("#pin-message", Static).render())
        assert "vergrendeld" in message and "60 s" in message
        assert app.screen.query_one("#pin-input", Input).disabled
        assert app.screen.query_one(f"#pin-{role}").disabled
        assert app.locked and app.current_mode == "selfservice"
        await pilot.press(*"1234", "enter")  # the right PIN, in vain: the prompt stays and says why
        await pilot.pause()
        assert isinstance(app.screen, PinPrompt)
        assert "vergrendeld" in str(app.screen.query_one("#pin-message", Static).render())
