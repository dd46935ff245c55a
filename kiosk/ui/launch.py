"""Builds the app from settings and runs it; `build_app` is also what the UI tests start."""

from __future__ import annotations

import gc
import sys
import threading
from pathlib import Path

from kiosk.clock import Clock
from kiosk.config import Settings, shown
from kiosk.env import Env, fail
from kiosk.store.db import FaultKind, StoreError, StoreFault, check_integrity, connect, explain, is_url
from kiosk.store.db import shown as shown_db
from kiosk.ui.offline_start import NO_SESSION, may_start_offline, offline_app

DEMO_SIZE = 200
# How long a thread may hold the interpreter while another waits for it (Python's default: 5 ms).
# The UI thread is seldom idle right after a frame (the desk's side panel, the self-service day's
# cards, the footer's keys), and Textual's writer thread, which puts each frame on the terminal,
# waited up to the whole default for its turn; so did the write queue's thread with a scan's
# commit (bench/scan_profile.py). Switching this often costs microseconds.
SWITCH_SECONDS = 0.001


class IntegrityCheck:
    """`PRAGMA quick_check` of the file on a thread of its own, once the first screen shows.

    The check reads every page (about 0.4 s at 100,000 attendees), which made the kiosk start
    five times slower than a bare Textual app; run beside the start-up it still slowed it by a
    fifth (two cores). The app starts it after its first paint and waits for `error()` on a worker:
    a damaged file then blocks every screen, well before anyone can have been scanned.
    """

    def __init__(self, db_path: Path | str) -> None:
        self._error: StoreError | None = None
        self._thread = threading.Thread(target=self._run, args=(db_path,), name="quick-check", daemon=True)
        self._started = threading.Lock()

    def start(self) -> None:
        """Start the check (once; later calls do nothing)."""
        with self._started:
            if self._thread.ident is None:
                self._thread.start()

    def _run(self, db_path: Path | str) -> None:
        if is_url(db_path):
            # A server checks its own pages; a server away at this moment is not a damaged file,
            # and must not block every role for the rest of the day (the screens say it per write).
            return
        try:
            db = connect(db_path, create=False)
            try:
                check_integrity(db)
            finally:
                db.close()
        except StoreFault as error:
            self._error = explain(error)

    def error(self) -> StoreError | None:
        """Wait for the check (starting it if need be); None when the file is sound, else what is wrong."""
        self.start()
        self._thread.join()
        return self._error


def build_app(
    settings: Settings,
    *,
    role: str = "programme",
    session_id: str | None = None,
    public: bool = False,
    clock: Clock | None = None,
    integrity: IntegrityCheck | None = None,
    env: Env | None = None,
):
    """The app for these settings, with the store migrated and in step with the programme.

    `env`: the command line's, when it has already opened the store; the programme may then still
    be unvalidated (see kiosk.domain.source), which the app does right after its first screen.
    """
    from kiosk.ui.app import KioskApp
    from kiosk.ui.context import UiContext

    env = env or Env(settings)
    env.db()
    event = env.event()
    clock = clock or env.clock()  # a running KIOSK_NOW: the rehearsal clock this database shares
    ctx = UiContext(settings, env.deferred(), event, clock, role=role, door_session=session_id, public=public)
    return KioskApp(ctx, integrity=integrity)


def refuse_public_screen_with_weak_pin(settings: Settings, role: str, public: bool) -> None:
    """Exit 2 before a screen for the public starts with a PIN anyone could guess (none, 0000, under 4)."""
    if (role == "selfservice" or (role == "dashboard" and public)) and settings.pin_is_weak:
        flags = "--role selfservice" if role == "selfservice" else "--role dashboard --public"
        fail(f"A screen for the public needs its own staff PIN of at least 4 characters, not 0000: set "
             f"KIOSK_STAFF_PIN (for example KIOSK_STAFF_PIN=4821 kiosk {flags}); anyone could guess the default.")


def launch(env: Env, *, role: str, session_id: str | None, public: bool) -> None:
    """Start the app in `role`; a new, empty database first gets the demo roster.

    A damaged file is said before the first person is scanned: on a terminal by a screen that
    blocks the app as soon as the background check finds it, without one as a sentence (exit 2).
    """
    refuse_public_screen_with_weak_pin(env.settings, role, public)
    # Start-up makes hundreds of thousands of objects that live as long as the app (classes,
    # styles, widgets): collecting them over and over while they are made only costs time.
    gc.disable()
    app = None
    try:
        db = env.db(defer_programme=True, raise_faults=may_start_offline(env.settings, role))
        integrity = IntegrityCheck(env.settings.db_path)
        if session_id and not db.execute("SELECT 1 FROM sessions WHERE id = ?", (session_id,)).fetchone():
            # A typo would otherwise land in the chooser without a word, at a door in a hurry.
            gc.enable()
            fail(NO_SESSION.format(session=repr(session_id)))
        _seed_demo_if_empty(env, db)
        if role == "selfservice" or not (sys.stdin.isatty() and sys.stdout.isatty()):
            # Wait for the check and say it in words: without a terminal there is no screen to
            # block; and a locked kiosk must never be left for a shell, not even to say this.
            if (error := integrity.error()) is not None:
                raise error
    except StoreFault as error:
        gc.enable()
        # A desk or door whose server is away: up from its own copy (ui/offline_start.py).
        app = offline_app(env, role, error, session_id)
        if app is None:
            fail(f"{explain(error)} ({shown_db(env.settings.db_path)})")
    if app is None:
        app = build_app(env.settings, role=role, session_id=session_id, public=public, integrity=integrity, env=env)
    sys.setswitchinterval(SWITCH_SECONDS)
    app.run()
    if (error := app.damaged) is not None:
        fail(f"{error} ({shown_db(env.settings.db_path)})")


def _seed_demo_if_empty(env: Env, db) -> None:
    """On a new, empty database, add the demo roster so there are people to check in."""
    try:
        if db.execute("SELECT EXISTS (SELECT 1 FROM attendees)").fetchone()[0]:
            return
    except StoreError as error:
        if error.kind is FaultKind.DENIED:
            return  # PostgreSQL's public login reads no attendees (kiosk.store.pg_roles), nor may it add any
        raise
    from kiosk.interop.demo import demo_rng, demo_roster
    from kiosk.store.attendees import upsert_attendees
    from kiosk.store.scans import stamp

    upsert_attendees(db, demo_roster(DEMO_SIZE), stamp(env.now()), source="demo", rng=demo_rng())
    # Said on stderr, which stays on the terminal after the app: where the day's data now lives.
    print(f"kiosk: new database {shown(env.settings.db_path)} with {DEMO_SIZE} fictional demo attendees "
          "(--db or KIOSK_DB for another file)", file=sys.stderr)
