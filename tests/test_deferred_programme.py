"""A desk restarted on an unchanged programme paints before validating it; a changed one is checked first.

The store keeps the digest of the programme file it last synced (meta.programme_digest). A start
on that same file takes the event's name, date and zone from the store, shows its first screen,
and validates and syncs the file right after; any other file is validated before anything shows.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace

from textual.widgets import Static

from kiosk.cli.common import Env
from kiosk.ui.widgets.event_header import EventHeader
from kiosk.ui.widgets.scan_answer import ScanAnswer
from tests.support.event import PROGRAMME_PATH, ROOT, at
from tests.support.pilot import settle, written


def deferred_desk(make_app, settings):
    """The desk as `kiosk --role desk` builds it: the store opened with the programme deferred."""
    env = Env(settings)
    env.db(defer_programme=True)
    return make_app("desk", env=env)


async def test_unchanged_file_paints_first_then_validates_and_checks_in(make_app, settings, db, people):
    from kiosk.store.signups import signup

    signup(db, "CELIK1", "r1-slim-met-stroom", now=at("09:00"))
    app = deferred_desk(make_app, settings)
    assert not app.ctx.deferred.ready  # nothing validated before the first screen
    async with app.run_test(size=(80, 24)) as pilot:
        header = str(app.screen.query_one(EventHeader).query_one("#header-event", Static).render())
        assert header == "G40 Bestuurlijke Netwerkdag"  # from the store's facts
        await pilot.press(*"CELIK1", "enter")
        await settle(app, pilot)
        await written(app)
        assert app.ctx.deferred.ready
        shown = app.screen.query_one(ScanAnswer).text
        assert "✔  WELKOM" in shown and "Slim met Stroom" in shown


async def test_a_hand_edited_sessions_table_is_put_right_after_the_first_screen(make_app, settings, db):
    db.execute("UPDATE sessions SET capacity = 99 WHERE id = 'lunch-vaartocht'")
    app = deferred_desk(make_app, settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await written(app)
    assert db.execute("SELECT capacity FROM sessions WHERE id = 'lunch-vaartocht'").fetchone()[0] == 15


def test_a_changed_file_is_validated_before_the_start(settings, db, tmp_path):
    broken = tmp_path / "programme.toml"
    broken.write_text(PROGRAMME_PATH.read_text(encoding="utf-8").replace('start = "09:15"', 'start = "9.99"', 1),
                      encoding="utf-8")
    env = Env(replace(settings, programme_path=broken))
    try:
        env.db(defer_programme=True)
    except SystemExit as stop:
        assert stop.code == 2
    else:
        raise AssertionError("a changed, broken programme must stop the start")


def test_the_quick_start_does_not_import_pydantic(settings, db):
    # Run in a clean interpreter: the test process has long imported pydantic.
    script = (
        "import sys; from pathlib import Path\n"
        "from kiosk.cli.common import Env\nfrom kiosk.config import Settings\n"
        f"env = Env(Settings(db_path=Path({str(settings.db_path)!r}), programme_path=Path({str(PROGRAMME_PATH)!r})))\n"
        "env.db(defer_programme=True)\n"
        "print(env.event().name, 'pydantic' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT,
                         env={**os.environ, "PYTHONPATH": str(ROOT)}, check=True).stdout.split()
    assert out[-1] == "False" and "G40" in " ".join(out[:-1])
