"""PostgreSQL's check-in and name search, made faster (issue 17): still the same counts, rights and people.

The check-in's presence counts come from schema v10's trigger (kiosk/store/pg_schema.py) and one
upsert per scan (kiosk/store/presence.py): after a morning of check-ins, exits, door scans and
undos they are what a recount gives. v10 replaces a trigger function that `kiosk db roles` had
made run as its owner: it still does. A ranked search ranks only the index's first matches
(kiosk/store/attendees.py, RANKED_MATCHES): the person whose name starts with the typed word comes
before a colleague whose organisation has it, and typing on finds the one not among the first.
"""

from __future__ import annotations

import datetime as dt
import random

import pytest

from kiosk.store import connect
from kiosk.store.attendees import RANKED_MATCHES, RosterRow, search, upsert_attendees
from kiosk.store.door import door_scan
from kiosk.store.pg_roles import grant_roles
from kiosk.store.presence import rebuild_presence
from kiosk.store.scans import record_scan, undo_scan
from kiosk.store.schema import migrate
from kiosk.store.tallies import recount_tallies
from tests.support.event import at

pytestmark = pytest.mark.postgres

ROOMS = ("r1-slim-met-stroom", "r1-woningvoorraad")


@pytest.fixture
def backend():
    """These tests are PostgreSQL's: `db` is a fresh database on the run's server (tests/conftest.py)."""
    return "postgresql"


def _counts(db) -> tuple[list[tuple], dict[str, int]]:
    presence = [tuple(r) for r in db.execute("SELECT * FROM presence ORDER BY attendee_id, list").fetchall()]
    return presence, {k: v for k, v in db.execute("SELECT key, value FROM tallies").fetchall() if v}


def test_a_morning_of_scans_leaves_the_counts_a_recount_gives(db):
    upsert_attendees(db, [RosterRow(f"Deelnemer {n}", f"Gemeente {n % 3}", f"Stad {n % 4}", "", f"PERS{n:02d}")
                          for n in range(10)], at("08:00").isoformat())
    rng, moment = random.Random(17), at("09:00")
    for _ in range(200):
        moment += dt.timedelta(seconds=rng.choice([2, 40, 300]))
        code, device, way = f"PERS{rng.randrange(10):02d}", rng.choice(["desk-1", "door-a"]), rng.choice(["entry", "exit"])
        if (pick := rng.random()) < 0.5:
            record_scan(db, code, now=moment, device=device, direction=way)
        elif pick < 0.8:
            door_scan(db, code, rng.choice(ROOMS), now=moment, device=device, direction=way)
        else:
            undo_scan(db, now=moment, device=device)
    kept = _counts(db)
    assert kept[1]["arrived:venue"] > 0 and any(key.startswith("arrived_city:") for key in kept[1])
    db.execute("BEGIN")
    rebuild_presence(db)
    recount_tallies(db)
    recounted = _counts(db)
    db.execute("ROLLBACK")
    assert kept == recounted


def test_the_upgrade_to_v10_keeps_the_counting_trigger_running_as_its_owner(pg_url):
    db = connect(pg_url)  # a server made at v9, its logins granted, then upgraded
    migrate(db, 9)
    grant_roles(db)
    migrate(db, 10)
    definer, config = db.execute(
        "SELECT prosecdef, proconfig FROM pg_proc WHERE oid = 'kiosk_tally_presence()'::regprocedure").fetchone()
    assert definer and config == ["search_path=public, pg_temp"]
    assert db.execute("SELECT version FROM schema_version").fetchone()[0] == 10
    db.close()


def test_a_name_that_starts_with_the_word_comes_before_an_organisation_that_has_it(db):
    upsert_attendees(db, [
        RosterRow("Kees Smit", "Jansen BV", "Ede", "", "SMIT01"),  # a short row: ts_rank alone put it first
        RosterRow("Jan van der Berg-Hoogendoorn", "Gemeente Westland", "Naaldwijk", "", "BERG01"),
    ], at("08:00").isoformat())
    assert [hit.person.name for hit in search(db, "jan")] == ["Jan van der Berg-Hoogendoorn", "Kees Smit"]


def test_a_broad_prefix_ranks_the_first_matches_and_typing_on_finds_the_rest(db):
    colleagues = [RosterRow(f"Medewerker {n}", "Janssen Groep", "Ede", "", f"JG{n:04d}")
                  for n in range(RANKED_MATCHES + 50)]
    upsert_attendees(db, [*colleagues, RosterRow("Jan Zwart", "Gemeente Ede", "Ede", "", "ZWART1")],
                     at("08:00").isoformat())
    assert len(search(db, "jan")) == 20
    assert [hit.person.name for hit in search(db, "jan zw")] == ["Jan Zwart"]
