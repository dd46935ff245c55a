"""A PostgreSQL of a test module's own, which its tests stop and start, and a fresh database on it per test.

Loaded by tests/conftest.py (`pytest_plugins`), so `own_server` is a fixture in every module: one
cluster a module (`PgCluster.start_new()`; `pause()` stops it, `resume()` starts it again), never
the run's shared `pg_server`, which no test may stop. `own_database(own_server, prefix, people)`
is the body of a module's own `own_url` fixture: a fresh database with its roster, dropped
afterwards with the server running again, whatever the test left it in. `PEOPLE` is the roster the
offline and fault tests scan (names with diacritics and markup), `CANCELLED` one more who may not
come in. psycopg is imported only when a module asks for its server.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

import pytest

from kiosk.store import open_store
from kiosk.store.attendees import RosterRow, upsert_attendees
from tests.support.event import at

if TYPE_CHECKING:
    from tests.support.pg_cluster import PgCluster

PEOPLE = [RosterRow("Ayşe [b]Çelik[/b]", "Gemeente Zaanstad", "Zaanstad", "", "CELIK1"),
          RosterRow("Søren Ødegaard", "Provincie Noord-Holland", "Haarlem", "", "SOREN3"),
          RosterRow("Anna de Vries", "Gemeente Breda", "Breda", "", "ANNA44")]
CANCELLED = RosterRow("Cancelled Person", "Gemeente Ede", "Ede", "", "CANC55", status="cancelled")


@pytest.fixture(scope="module")
def own_server() -> Iterator[PgCluster]:
    """A PostgreSQL of this module's own, which its tests stop and start."""
    from tests.support.pg_cluster import PgCluster  # here: runs without PostgreSQL tests never import psycopg

    cluster = PgCluster.start_new()
    yield cluster
    cluster.stop()


@contextmanager
def own_database(cluster: PgCluster, prefix: str, people: Sequence[RosterRow] = ()) -> Iterator[str]:
    """A fresh database on `cluster` with `people` in it (as of 08:00); the server runs again afterwards."""
    name = cluster.unique_name(prefix)
    url = cluster.create_database(name)
    if people:
        db = open_store(url)
        upsert_attendees(db, list(people), at("08:00").isoformat())
        db.close()
    yield url
    if cluster.server_pid() is None:
        cluster.resume()
    cluster.drop_database(name)
