"""What the desk's speed work (issue 8, items 3 and 4) must not cost: order of keys, the file check, the CLI.

- Editing keys and letters that arrive in one burst are applied in the order they were typed
  (four Backspaces and "ba" used to give "h": the deletions ran after the letters).
- The file check runs after the first screen; a damaged file then blocks every screen, and
  stopping says so with status 2.
- The footer is not rebuilt while its keys stay the same, and is when they change.
- `kiosk` imports its subcommands' modules only when a subcommand is asked for.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import time

from textual import events

from kiosk.ui.launch import IntegrityCheck
from kiosk.ui.screens.damaged import DamagedScreen
from kiosk.ui.textual_internals import FooterKey
from kiosk.ui.widgets.steady_footer import SteadyFooter
from tests.support.faults import damage_page
from tests.support.pilot import send, settle, written

SIZE = (80, 24)


def burst(app, *keys: str) -> None:
    """Queue keys all at once, as a fast typist or a terminal under load delivers them."""
    for key in keys:
        if key == "\x7f":
            send(app, events.Key("backspace", key))
        else:  # a letter is its own character; a named key (left, end) has none
            send(app, events.Key(key, key if len(key) == 1 else None))


async def test_backspaces_and_letters_in_one_burst_keep_their_order(make_app, people):
    app = make_app("desk")
    async with app.run_test(size=SIZE) as pilot:
        scan_input = app.screen.query_one("#desk-input")
        for _ in range(5):
            burst(app, *"ann", *"\x7f" * 4, *"ayş")
            await settle(app, pilot)
            assert scan_input.value == "ayş"
            assert app.screen.results_for == "ayş"  # the list is the one for the final text
            burst(app, "left", "left", "\x7f", "X", "end", "e")  # cursor moves keep their place too
            await settle(app, pilot)
            assert scan_input.value == "Xyşe"
            burst(app, *"\x7f" * 6)
            await settle(app, pilot)
            assert scan_input.value == ""


def damaged_copy(db_path, tmp_path):
    """A copy of the database with the attendees table's first page overwritten."""
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    copy = tmp_path / "damaged.db"
    shutil.copy(db_path, copy)
    damage_page(copy, 4)
    return copy


def test_integrity_check_finds_a_damaged_page_and_passes_a_sound_file(db_path, people, tmp_path):
    assert IntegrityCheck(db_path).error() is None
    error = IntegrityCheck(damaged_copy(db_path, tmp_path)).error()
    assert error is not None and error.kind == "damaged"


async def test_a_damaged_file_found_after_start_blocks_the_desk_and_stops_with_status_2(
        make_app, db_path, people, tmp_path):
    # The app runs on the sound file; only the check reads the damaged copy, as if the damage
    # were somewhere start-up did not read.
    app = make_app("desk", integrity=IntegrityCheck(damaged_copy(db_path, tmp_path)))
    async with app.run_test(size=SIZE) as pilot:
        text = ""
        # Wait for the screen and its words (on a loaded machine it is pushed a frame before it is composed).
        for _ in range(250):
            await pilot.pause(0.02)
            if isinstance(app.screen, DamagedScreen):
                text = " ".join(str(w.render()) for w in app.screen.query("Static"))
                if text.strip():
                    break
        assert isinstance(app.screen, DamagedScreen)
        assert "beschadigd" in text and "Ctrl+Q" in text
        await pilot.press(*"ANNA44", "enter", "f2")  # no scanning, no switching roles
        await pilot.pause()
        assert isinstance(app.screen, DamagedScreen) and app.current_mode == "desk"
        assert app.damaged is not None and app.damaged.kind == "damaged"
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_code == 2
    assert sqlite3.connect(db_path).execute("SELECT COUNT(*) FROM scans").fetchone()[0] == 0


class SlowCheck(IntegrityCheck):
    """The start-up check on a large file: it takes a while to find the damage."""

    def _run(self, db_path) -> None:
        time.sleep(0.5)
        super()._run(db_path)


async def test_a_scan_made_before_the_file_check_ends_waits_for_it_and_is_not_written(
        make_app, db_path, people, tmp_path):
    app = make_app("desk", integrity=SlowCheck(damaged_copy(db_path, tmp_path)))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"ANNA44", "enter")  # at once, while the check is still reading
        for _ in range(100):
            await pilot.pause(0.02)
            if isinstance(app.screen, DamagedScreen):
                break
        assert isinstance(app.screen, DamagedScreen)
        await written(app)
    assert sqlite3.connect(db_path).execute("SELECT COUNT(*) FROM scans").fetchone()[0] == 0


async def test_the_footer_is_rebuilt_only_when_its_keys_change(make_app, people):
    app = make_app("desk")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        footer = app.screen.query_one(SteadyFooter)
        keys = list(footer.query(FooterKey))
        assert keys and any("Wissen" in str(k.render()) for k in keys)
        for _ in range(3):
            app.screen.refresh_bindings()
            await pilot.pause()
        assert list(footer.query(FooterKey)) == keys  # the same widgets: nothing rebuilt
        await pilot.press(*"ANNA44", "enter")
        await settle(app, pilot)
        await pilot.press("f9")  # the list of last scans takes focus: Escape now means "back"
        await pilot.pause()
        await pilot.pause()
        assert any("Terug" in str(k.render()) for k in footer.query(FooterKey))


def test_kiosk_imports_subcommand_modules_only_when_asked():
    code = (
        "import sys, kiosk.cli\n"
        "assert 'kiosk.cli.attendees' not in sys.modules and 'kiosk.cli.reports' not in sys.modules\n"
        "from click.testing import CliRunner\n"
        "out = CliRunner().invoke(kiosk.cli.main, ['--help']).output\n"
        "assert 'checkin' in out and 'export' in out, out\n"
        "out = CliRunner().invoke(kiosk.cli.main, ['export', '--help']).output\n"
        "assert 'attendees' in out, out\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
