"""Fixtures: each test gets its own database file, the shipped programme and a fixed clock.

`make_app` is the one way tests build the app. Helpers that are not fixtures live in
tests/support/ (the event's paths, day and `at`: tests/support/event.py).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from kiosk.clock import Clock
from kiosk.config import Settings
from kiosk.domain.loader import load_programme
from kiosk.domain.source import ProgrammeSource
from kiosk.store import open_store
from kiosk.store.attendees import RosterRow, upsert_attendees
from kiosk.store.sessions import sync_programme
from tests.support.event import EVENT_DAY, PROGRAMME_PATH, ROOT, SHARED, at

# Also importable from here, for test modules that still import them from tests.conftest.
__all__ = ["EVENT_DAY", "PROGRAMME_PATH", "ROOT", "SHARED", "at"]
# The `postgres` marker, and under KIOSK_REQUIRE_POSTGRES a skipped PostgreSQL test fails; `own_server`,
# a PostgreSQL of a test module's own (tests/support/own_server.py).
pytest_plugins = ["tests.support.pg_required", "tests.support.own_server"]


@pytest.fixture(autouse=True)
def _no_cursor_blink(monkeypatch, tmp_path):
    """Keep the screen still between frames, and the environment of the developer out of tests."""
    for key in list(os.environ):
        if key.startswith("KIOSK_"):
            monkeypatch.delenv(key, raising=False)
    # A desk on PostgreSQL keeps its offline copy beside its data: in the test's own folder, never
    # in the checkout's data/ (where one test's copy was found by the next).
    monkeypatch.setenv("KIOSK_OFFLINE_DIR", str(tmp_path / "offline"))
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")


@pytest.fixture
def programme():
    """The shipped G40 programme."""
    return load_programme(PROGRAMME_PATH)


@pytest.fixture
def db_path(tmp_path) -> Path:
    """A fresh database file for this test."""
    return tmp_path / "kiosk.db"


# Fixtures that point the app at `db_path`: a test using one runs on SQLite whatever its module says.
APP_FIXTURES = frozenset({"make_app", "settings"})


def pytest_generate_tests(metafunc):
    """Run a test on both stores when its module says `BOTH_BACKENDS = True` and it uses `target` or `db`.

    Other tests (the screens, the SQLite file's own guarantees) run on SQLite only.
    """
    if "backend" in metafunc.fixturenames:
        # `@pytest.mark.sqlite_only`: a test of the SQLite file itself (PRAGMAs, file modes, WAL).
        # A test that builds the app (`make_app`, `settings`) runs it on `db_path`: SQLite only too.
        both = (getattr(metafunc.module, "BOTH_BACKENDS", False) and not metafunc.definition.get_closest_marker("sqlite_only")
                and not APP_FIXTURES & set(metafunc.fixturenames))
        # Only the two-store tests are parametrised: the others keep their ids (a snapshot's file name).
        if both:
            metafunc.parametrize("backend", ["sqlite", "postgresql"], scope="function")


@pytest.fixture
def backend():
    """Which store a test runs on (parametrised by pytest_generate_tests): sqlite or postgresql."""
    return "sqlite"


@pytest.fixture
def target(backend, db_path, request):
    """Where this test's database is: the SQLite file `db_path`, or a fresh PostgreSQL database's URL."""
    if backend == "postgresql":
        return request.getfixturevalue("pg_url")
    return db_path


@pytest.fixture
def db(target, programme):
    """A migrated database with the programme's sessions in it, synced as a kiosk process syncs it."""
    database = open_store(target)
    sync_programme(database, programme, ProgrammeSource.read(PROGRAMME_PATH).digest)
    yield database
    database.close()


@pytest.fixture(scope="session")
def pg_server():
    """This run's throwaway PostgreSQL on 127.0.0.1 (tests/support/pg_cluster.py), started on first use.

    Skips without the server binaries (fails under KIOSK_REQUIRE_POSTGRES); stopped and its folder
    removed at the end of the run. `pg_server.create_database(name, template=None)` returns a URL.
    """
    from tests.support.pg_cluster import PgCluster  # here: runs without PostgreSQL tests never import psycopg

    cluster = PgCluster.start_new()
    yield cluster
    cluster.stop()


@pytest.fixture
def pg_url(pg_server):
    """A fresh, empty database on the run's PostgreSQL: its `postgresql://user:password@127.0.0.1:PORT/name`."""
    name = pg_server.unique_name()
    yield pg_server.create_database(name)
    pg_server.drop_database(name)


@pytest.fixture
def now():
    """09:30 on the event day."""
    return at("09:30")


@pytest.fixture
def people(db, now):
    """A small roster with the names search must handle; returns {name: code}."""
    rows = [
        RosterRow("Ayşe Çelik", "Gemeente Zaanstad", "Zaanstad", "ayse@example.invalid", "CELIK1"),
        RosterRow("Pieter van 't Hof", "Gemeente Delft", "Delft", "", "HOF222"),
        RosterRow("Søren Ødegaard", "Provincie Noord-Holland", "Haarlem", "", "SOREN3"),
        RosterRow("[@click=app.quit]x[/]", "[b]Bold Org[/b]", "Nowhere", "", "MARKUP"),
        RosterRow("Anna de Vries", "Gemeente Breda", "Breda", "", "ANNA44"),
        RosterRow("Cancelled Person", "Gemeente Ede", "Ede", "", "CANC55", status="cancelled"),
    ]
    upsert_attendees(db, rows, now.isoformat())
    return {row.name: row.code for row in rows}


@pytest.fixture
def settings(db_path) -> Settings:
    """Settings pointing at this test's database, in Dutch, with a frozen clock at 09:30."""
    return Settings(db_path=db_path, programme_path=PROGRAMME_PATH, lang="nl", now=f"{EVENT_DAY}T09:30",
                    now_frozen=True, staff_pin="1234", device="desk-test")


@pytest.fixture
def make_app(settings) -> Callable[..., object]:
    """Build the app as `kiosk --role ROLE` starts it, on this test's database: the one builder.

    `make_app("desk")` is the desk at 11:45 on the event day. `moment`: the frozen clock, `HH:MM`
    on the event day or an ISO moment; None leaves the clock to the settings (KIOSK_NOW's
    rehearsal clock). `clock`: a clock of the test's own instead. `settings`: other settings than this
    test's; further keywords (`lang="en"`, `printer=...`) change fields of them. `session_id`,
    `public`, `integrity` and `env` go to `kiosk.ui.launch.build_app` as they are.
    """
    test_settings = settings

    def make(role: str, moment: str | None = "11:45", *, settings: Settings | None = None, clock: Clock | None = None,
             session_id: str | None = None, public: bool = False, integrity=None, env=None, **changes: object):
        from kiosk.ui.launch import build_app  # here: the store's tests never load Textual

        chosen = settings if settings is not None else test_settings
        if changes:
            chosen = replace(chosen, **changes)
        if clock is None and moment is not None:
            clock = Clock.fixed(moment, event_date=EVENT_DAY)
        return build_app(chosen, role=role, session_id=session_id, public=public, clock=clock,
                         integrity=integrity, env=env)

    return make
