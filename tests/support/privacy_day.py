"""The small day the privacy tests work on (tests/test_privacy*.py), and the command line run on its database.

`privacy_day(db, people)`: arrivals spread over the morning, sign-ups, door scans, an undo and a
name typed into the scan field, on the `people` fixture's roster. `run(target, ...)`: the `kiosk`
command on that database at 17:00 on the event day.
"""

from __future__ import annotations

from click.testing import CliRunner

from kiosk.cli import main
from kiosk.domain.outcomes import Reason
from kiosk.store.scans import record_scan, undo_scan
from kiosk.store.signups import cancel, signup
from tests.support.event import EVENT_DAY, at


def privacy_day(db, people: dict[str, str]) -> dict[str, str]:
    """A small day: arrivals spread over the morning, sign-ups, door scans, an undo, a typed name; `people`."""
    codes = list(people.values())
    for code, hhmm in zip(codes, ["09:05", "09:12", "09:14", "09:31", "09:47"]):
        assert record_scan(db, code, now=at(hhmm), device="desk-1").accepted
    # Someone typed a name into the scan field: refused, but the text is in the log.
    assert record_scan(db, "Pieter van 't Hof", now=at("09:50"), device="desk-2").reason is Reason.UNKNOWN_CODE
    record_scan(db, people["Anna de Vries"], now=at("09:51"), device="desk-2", direction="exit")
    undo_scan(db, now=at("09:52"), device="desk-2")
    for code, session in [
        ("CELIK1", "lunch-vaartocht"), ("HOF222", "lunch-vaartocht"), ("SOREN3", "r1-slim-met-stroom"),
        ("HOF222", "r1-slim-met-stroom"), ("ANNA44", "r2-veiligheid"), ("MARKUP", "r2-veiligheid"),
    ]:
        assert signup(db, code, session, now=at("09:30"), device="kiosk-1").status.value == "confirmed"
    cancel(db, "MARKUP", "r2-veiligheid", now=at("09:40"))
    for code in ("SOREN3", "HOF222"):
        record_scan(db, code, now=at("11:33"), device="door-1", list_="r1-slim-met-stroom")
    record_scan(db, "SOREN3", now=at("11:50"), device="door-1", list_="r1-slim-met-stroom", direction="exit")
    return people


def run(target, *args: str, input: str | None = None):
    """Run the kiosk command line on this database (KIOSK_DB: a URL may hold its password) at 17:00 on the event day."""
    env = {"KIOSK_DB": str(target), "KIOSK_NOW": f"{EVENT_DAY}T17:00", "KIOSK_NOW_FROZEN": "1"}
    return CliRunner().invoke(main, list(args), input=input, env=env, catch_exceptions=False)
