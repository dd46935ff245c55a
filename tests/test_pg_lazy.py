"""A SQLite desk never loads psycopg: PostgreSQL's driver costs start-up time only where a URL is given."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from tests.support.event import ROOT

SQLITE_DAY = textwrap.dedent(
    """
    import sys
    import kiosk.cli, kiosk.ui.app, kiosk.ui.screens.desk, kiosk.ui.screens.door
    import kiosk.ui.screens.dashboard, kiosk.ui.screens.selfservice
    from kiosk.store import open_store
    from kiosk.store.scans import record_scan
    from kiosk.store.watch import watch_changes
    from tests.support.event import at
    db = open_store(sys.argv[1])
    watcher = watch_changes(sys.argv[1])
    record_scan(db, "NOBODY1", now=at("09:00"), device="desk-1")
    assert watcher.changed()
    print(sorted(name for name in sys.modules if name.split(".")[0] == "psycopg"))
    """
)


def test_a_sqlite_day_does_not_import_psycopg(tmp_path):
    done = subprocess.run([sys.executable, "-c", SQLITE_DAY, str(tmp_path / "day.db")], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_a_url_does(tmp_path):
    # The other side of the same rule: the URL is what loads the driver (no server needed to see it).
    code = ("import sys; from kiosk.store import connect\n"
            "try:\n    connect('postgresql://nobody@127.0.0.1:1/none?connect_timeout=2')\n"
            "except Exception as error:\n    print(type(error).__name__, getattr(error, 'kind', ''))\n"
            "print('psycopg' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["StoreError", "unreachable", "True"], done.stderr
