"""What a start leaves for after the first screen, and that it is still done when needed sooner.

README, "What a desk does before its first screen". The badge and CUPS code (QR, PDF, IPP over
http.client, xml.sax, which loads urllib and email: ~35 ms) and the PostgreSQL desk's offline
switch and copy (~10 ms) were imported with the desk's screen module; they load at the first Ctrl+P
and with the first switch instead (the print and offline tests cover those). The staff PIN is
hashed right after the first paint, or at once when it is asked for before it.
"""

from __future__ import annotations

import os
import subprocess
import sys

from kiosk.domain.pin import PinOutcome
from tests.support.event import PROGRAMME_PATH, ROOT

# Modules the desk needs only after its first screen, or never on SQLite.
LATER = ("kiosk.interop.badge_print", "kiosk.interop.badges", "kiosk.interop.printing", "kiosk.interop.print_words",
         "kiosk.store.offline_switch", "kiosk.store.offline_copy", "kiosk.store.offline_reads", "xml.sax")


def test_the_desk_shows_its_first_screen_without_printing_or_offline_code(settings, db, people):
    # A clean interpreter: the test process has long imported all of them.
    script = (
        "import asyncio, sys; from pathlib import Path\n"
        "from kiosk.cli.common import Env\nfrom kiosk.config import Settings\nfrom kiosk.ui.launch import build_app\n"
        "from tests.support.pilot import screen_text\n"
        f"env = Env(Settings(db_path=Path({str(settings.db_path)!r}), programme_path=Path({str(PROGRAMME_PATH)!r}),"
        " lang='en', printer='kiosk-test-printer'))\n"
        "env.db(defer_programme=True)\n"
        "app = build_app(env.settings, role='desk', env=env)\n"
        "async def main():\n"
        "    async with app.run_test(size=(80, 24)) as pilot:\n"
        "        await pilot.pause()\n"
        "        print('Scan a badge or type a name' in screen_text(app))\n"
        f"        print(' '.join(m for m in {LATER!r} if m in sys.modules) or '-')\n"
        "asyncio.run(main())\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=120,
                         env={**os.environ, "PYTHONPATH": str(ROOT)}, check=True).stdout.splitlines()
    assert out[-2] == "True"  # the desk's own first screen
    assert out[-1] == "-", f"imported before they are needed: {out[-1]}"


def test_the_pin_asked_for_before_the_first_paint_is_hashed_then(make_app):
    app = make_app("selfservice")  # built, never run: no first paint has come
    assert app.staff_pin.check("0000").outcome is not PinOutcome.OK
    assert app.staff_pin.check("1234").outcome is PinOutcome.OK
