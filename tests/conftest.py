"""Fixtures: each test gets its own database file, the shipped programme and a fixed clock."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from kiosk.clock import Clock
from kiosk.config import Settings
from kiosk.domain.loader import load_programme
from kiosk.domain.source import ProgrammeSource
from kiosk.store import open_store
from kiosk.store.attendees import RosterRow, upsert_attendees
from kiosk.store.sessions import sync_programme

ROOT = Path(__file__).resolve().parent.parent
PROGRAMME_PATH = ROOT / "data" / "programme.toml"
SHARED = ROOT.parent / "shared"
EVENT_DAY = dt.date(2026, 11, 29)


@pytest.fixture(autouse=True)
def _no_cursor_blink(monkeypatch):
    """Keep the screen still between frames, and the environment of the developer out of tests."""
    for key in list(os.environ):
        if key.startswith("KIOSK_"):
            monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")


@pytest.fixture
def programme():
    """The shipped G40 programme."""
    return load_programme(PROGRAMME_PATH)


@pytest.fixture
def db_path(tmp_path) -> Path:
    """A fresh database file for this test."""
    return tmp_path / "kiosk.db"


@pytest.fixture
def db(db_path, programme):
    """A migrated database with the programme's sessions in it, synced as a kiosk process syncs it."""
    database = open_store(db_path)
    sync_programme(database, programme, ProgrammeSource.read(PROGRAMME_PATH).digest)
    yield database
    database.close()


def at(hhmm: str) -> dt.datetime:
    """A moment on the test's event day."""
    return Clock.fixed(hhmm, event_date=EVENT_DAY).now()


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
