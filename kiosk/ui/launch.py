"""Builds the app from settings and runs it; `build_app` is also what the UI tests start."""

from __future__ import annotations

from kiosk.cli.common import Env, fail
from kiosk.clock import Clock
from kiosk.config import Settings
from kiosk.interop.demo import demo_rng, demo_roster
from kiosk.store.db import StoreFault, check_integrity, explain
from kiosk.store.attendees import upsert_attendees
from kiosk.store.scans import stamp

DEMO_SIZE = 200


def build_app(
    settings: Settings,
    *,
    role: str = "programme",
    session_id: str | None = None,
    public: bool = False,
    clock: Clock | None = None,
):
    """The app for these settings, with the store migrated and in step with the programme."""
    from kiosk.ui.app import KioskApp
    from kiosk.ui.context import UiContext

    env = Env(settings)
    programme = env.programme()
    env.db()
    clock = clock or settings.clock(programme.event.date, programme.event.timezone)
    ctx = UiContext(settings, programme, clock, role=role, door_session=session_id, public=public)
    return KioskApp(ctx)


def launch(env: Env, *, role: str, session_id: str | None, public: bool) -> None:
    """Start the app in `role`; a new, empty database first gets the demo roster."""
    try:
        # A damaged file is said before the first person is scanned, not in the middle of the queue.
        check_integrity(env.db())
        _seed_demo_if_empty(env)
    except StoreFault as error:
        fail(f"{explain(error)} ({env.settings.db_path})")
    build_app(env.settings, role=role, session_id=session_id, public=public).run()


def _seed_demo_if_empty(env: Env) -> None:
    """On a new, empty database, add the demo roster so there are people to check in."""
    db = env.db()
    if db.execute("SELECT COUNT(*) FROM attendees").fetchone()[0] == 0:
        upsert_attendees(db, demo_roster(DEMO_SIZE), stamp(env.now()), source="demo", rng=demo_rng())
