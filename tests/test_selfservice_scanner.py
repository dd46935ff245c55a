"""The self-service kiosk and the barcode scanner: the next badge is never taken as choices.

A scanner types a code and Enter; on the round screens digits choose and Enter presses a card.
These tests send keys as a scanner does (all at once) and as a person does (one, then another).
"""

from __future__ import annotations

from tests.support.pilot import burst as queue_keys
from tests.support.pilot import written
from tests.support.selfservice import active, scan, texts


def burst(app, text: str) -> None:
    """A barcode scanner: every character and Enter delivered at once."""
    queue_keys(app, [*text, "enter"])


async def test_the_next_badge_scanned_into_an_open_day_opens_that_day_and_chooses_nothing(make_app, people, db):
    app = make_app("selfservice", "09:45")
    first, second = people["Anna de Vries"], people["Søren Ødegaard"]
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, first)
        assert "Anna de Vries" in texts(app)
        burst(app, second)  # Anna walked away without Esc; the next person scans their badge
        await pilot.pause(0.2)
        await written(app)
        await pilot.pause()
        assert "Søren Ødegaard" in texts(app) and "Anna de Vries" not in texts(app)
        burst(app, "2DPTVQ")  # a code that starts with a digit, unknown: back to the welcome, saying so
        await pilot.pause(0.2)
        await written(app)
        await pilot.pause()
        assert "Deze code kennen we niet" in texts(app)
    assert active(db, first) == {} and active(db, second) == {}


async def test_a_digit_then_enter_chooses_once_not_also_in_the_next_round(make_app, people, db):
    app = make_app("selfservice", "09:45")
    code = people["Anna de Vries"]
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, code)
        await pilot.press("2", "enter")  # at once, as at a cash machine
        await pilot.pause(0.3)
        await written(app)
        await pilot.pause()
        await pilot.press("3")
        await pilot.pause(0.3)  # slower: the digit chose and moved on; now a late Enter
        await pilot.press("enter")
        await written(app)
        await pilot.pause()
    assert active(db, code) == {"r1-slim-met-stroom": "confirmed", "lunch-monet": "confirmed"}
