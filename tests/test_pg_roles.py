"""The PostgreSQL logins of a venue (kiosk/store/pg_roles.py, `kiosk db roles`): what the public's may not do.

A fresh database on the run's PostgreSQL gets the programme and a roster as its owner, then the two
roles and their passwords from `kiosk db roles --password`, as an organiser makes them. As
`kiosk_public` (the self-service kiosk, the public dashboard) reading any attendee or presence
row, e-mail addresses and the scan log is refused in the store's one sentence, so is every
export, and writing anything but sign-ups and badge prints; one person is read only by the code
on their badge (`kiosk_person_by_code`), the next slot's load only as counts. The self-service
visit works all the same, in the store and on the screen. As `kiosk_desk` the desk's work and
the exports work.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlsplit

import psycopg
import pytest
from click.testing import CliRunner

from kiosk.cli import main
from kiosk.config import Settings
from kiosk.domain.outcomes import SignupStatus
from kiosk.domain.source import ProgrammeSource
from kiosk.store import open_store
from kiosk.store.attendees import RosterRow, find_by_code, upsert_attendees
from kiosk.store.badge_prints import AlreadyPrinted, begin_print, finish_print
from kiosk.store.db import MESSAGES, FaultKind, StoreError, connect
from kiosk.store.pg_faults import explain_pg
from kiosk.store.pg_roles import DESK, PUBLIC
from kiosk.store.scans import record_scan
from kiosk.store.sessions import sync_programme
from kiosk.store.signups import cancel, day_of, mark_promotions_told, released_for_promotions, signup
from kiosk.store.stats import LiveStats, expected_load
from kiosk.ui.key_burst import BURST_SECONDS
from tests.support.event import EVENT_DAY, PROGRAMME_PATH, at
from tests.support.pilot import settle
from tests.support.selfservice import scan, texts

pytestmark = pytest.mark.postgres

# Non-ASCII and a space on purpose: libpq's SCRAM hash (SASLprep) must match what the server checks.
PASSWORDS = {DESK: "balie Ø-7 geheim", PUBLIC: "zuil çelik 42"}
BOAT = "lunch-vaartocht"  # 15 seats ("alleen de eerste 15 personen")
ROSTER = [
    RosterRow("Ayşe [b]Çelik[/b]", "Gemeente Zaanstad", "Zaanstad", "ayse@example.invalid", "CELIK1"),
    RosterRow("Søren Ødegaard", "Provincie Noord-Holland", "Haarlem", "soren@example.invalid", "SOREN3"),
    *[RosterRow(f"Deelnemer {n}", "Gemeente Ede", "Ede", f"d{n}@example.invalid", f"BOAT{n:02d}") for n in range(15)],
]


@dataclass
class Venue:
    """The test's database: its owner's URL, and a URL per role (with or without the password)."""

    owner_url: str

    def url(self, role: str, *, password: bool = True) -> str:
        """`postgresql://ROLE[:PASSWORD]@host:port/db` of this database."""
        parts = urlsplit(self.owner_url)
        secret = f":{quote(PASSWORDS[role], safe='')}" if password else ""
        return f"postgresql://{role}{secret}@{parts.hostname}:{parts.port}{parts.path}"


def run(venue: Venue, role: str | None, *args: str, stdin: str | None = None):
    """`kiosk --db URL ARGS` as `role` (None: the owner), the password in PGPASSWORD as an organiser gives it."""
    if role is None:
        parts = urlsplit(venue.owner_url)
        url, password = f"postgresql://{parts.username}@{parts.hostname}:{parts.port}{parts.path}", parts.password
    else:
        url, password = venue.url(role, password=False), PASSWORDS[role]
    return CliRunner().invoke(main, ["--db", url, *args], input=stdin, env={"PGPASSWORD": password or ""})


@pytest.fixture
def venue(pg_url, programme) -> Venue:
    """A fresh database with the programme and the roster (as its owner), then `kiosk db roles --password`."""
    owner = open_store(pg_url)
    sync_programme(owner, programme, ProgrammeSource.read(PROGRAMME_PATH).digest)
    upsert_attendees(owner, ROSTER, at("08:00").isoformat())
    owner.close()
    venue = Venue(pg_url)
    typed = "".join(f"{PASSWORDS[role]}\n{PASSWORDS[role]}\n" for role in (DESK, PUBLIC))
    done = run(venue, None, "db", "roles", "--password", stdin=typed)
    assert done.exit_code == 0, done.output
    assert f"{PUBLIC}: granted" in done.output and "password set" in done.output
    assert not any(secret in done.output for secret in PASSWORDS.values())
    return venue


def refused(db, sql: str) -> StoreError:
    """The StoreError that running `sql` gives (the test fails if it runs)."""
    with pytest.raises(StoreError) as caught:
        db.execute(sql).fetchall()
    return caught.value


def test_the_public_login_lists_nobody_and_reads_no_email_address_and_no_scan_log(venue):
    public = connect(venue.url(PUBLIC))
    error = refused(public, "SELECT name, code FROM attendees")
    # One sentence, the store's own words for it; psycopg's text only in the detail.
    assert error.kind is FaultKind.DENIED and str(error) == MESSAGES[FaultKind.DENIED]
    assert str(error).count(". ") == 1 and "permission denied" in str(error)
    assert "permission denied for table attendees" in error.detail
    for sql in ("SELECT email FROM attendees", "SELECT * FROM attendees", "SELECT COUNT(*) FROM attendees",
                "SELECT name FROM attendees WHERE code = 'SOREN3'", "SELECT code, search_text FROM attendees",
                "SELECT attendee_id, list, inside FROM presence", "SELECT COUNT(*) FROM presence",
                "SELECT raw_code, attendee_id, at FROM scans", "SELECT first_entry_at FROM presence",
                "SELECT * FROM corrections", "SELECT created_at FROM signups"):
        assert refused(public, sql).kind is FaultKind.DENIED, sql
    # One person, by the code on their badge (any case), and nobody for anything else typed there.
    assert public.execute("SELECT name, city FROM kiosk_person_by_code('soren3')").fetchall() == [
        ("Søren Ødegaard", "Haarlem")]
    for wanted in ("", "%", "SOREN%", "' OR ''='", "SOREN3'; SELECT name FROM attendees; --", "[b]CELIK1[/b]"):
        assert public.execute("SELECT * FROM kiosk_person_by_code(?)", (wanted,)).fetchall() == [], wanted
    assert public.execute("SELECT * FROM kiosk_person_by_code(NULL)").fetchall() == []
    assert "email" not in [c.name for c in psycopg.connect(venue.url(PUBLIC)).execute(
        "SELECT * FROM kiosk_person_by_code('CELIK1')").description]
    desk = connect(venue.url(DESK))
    assert desk.execute("SELECT email FROM attendees WHERE code = 'CELIK1'").fetchone() == ("ayse@example.invalid",)


def test_the_public_login_writes_only_signups_and_badge_prints(venue):
    public = connect(venue.url(PUBLIC))
    for sql in ("INSERT INTO scans (nonce, at, device, list, direction, attendee_id, accepted, reason) "
                "VALUES ('n1', '2026-01-01', 'x', 'venue', 'entry', 1, 1, 'ok')",
                "UPDATE attendees SET name = 'x' WHERE code = 'CELIK1'",
                "UPDATE tallies SET value = 99 WHERE key = 'expected'",
                "SELECT kiosk_bump('expected', 99)",  # the counter only the triggers may call
                "DELETE FROM signups",
                "UPDATE sessions SET capacity = 999 WHERE id = 'lunch-vaartocht'",
                "INSERT INTO meta (key, value) VALUES ('event_name', 'x')"):
        assert refused(public, sql).kind is FaultKind.DENIED, sql
    owner = connect(venue.owner_url)
    assert owner.execute("SELECT value FROM tallies WHERE key = 'expected'").fetchone() == (len(ROSTER),)
    assert owner.execute("SELECT COUNT(*) FROM scans").fetchone() == (0,)


def test_every_export_as_the_public_login_is_refused_and_as_the_desk_it_works(venue, tmp_path):
    for export in ("attendees", "scans", "signups", "attendance"):
        out = tmp_path / f"persoonsgegevens-{export}.csv"
        done = run(venue, PUBLIC, "export", export, "-o", str(out))
        assert done.exit_code == 2, (export, done.output)
        assert MESSAGES[FaultKind.DENIED] in done.output, export
        assert "example.invalid" not in done.output, export
        # Nothing but (for the streamed exports) the header line, written before the refusal.
        assert not out.exists() or len(out.read_text(encoding="utf-8-sig").splitlines()) <= 1, export
    done = run(venue, PUBLIC, "export", "person", "CELIK1")
    assert done.exit_code == 2 and MESSAGES[FaultKind.DENIED] in done.output and "ayse@" not in done.output
    out = tmp_path / "persoonsgegevens-desk.csv"
    done = run(venue, DESK, "export", "attendees", "-o", str(out))
    assert done.exit_code == 0, done.output
    assert "ayse@example.invalid" in out.read_text(encoding="utf-8-sig")


def test_a_badge_scanned_at_the_kiosk_as_the_public_login_gives_the_day_and_a_choice(venue):
    public = connect(venue.url(PUBLIC))
    person = find_by_code(public, "celik1", email=False)
    assert person is not None and person.name == "Ayşe [b]Çelik[/b]" and person.email == ""
    rounds = day_of(public, person.id, now=at("09:45"))
    assert "ronde-1" in rounds and all(not option.mine for r in rounds.values() for option in r.options)
    chosen = signup(public, "CELIK1", "r1-slim-met-stroom", now=at("09:45"), device="kiosk-foyer-1")
    assert chosen.status is SignupStatus.CONFIRMED
    moved = signup(public, "CELIK1", "r1-migratie-en-werk", now=at("09:46"), device="kiosk-foyer-1")
    assert moved.status is SignupStatus.CONFIRMED and moved.moved_from == "r1-slim-met-stroom"
    mine = day_of(public, person.id, now=at("09:46"))["ronde-1"]
    assert {o.session_id: o.mine for o in mine.options}["r1-migratie-en-werk"] == "confirmed"
    owner = connect(venue.owner_url)
    rows = owner.execute("SELECT session_id, status, device FROM signups WHERE attendee_id = ? ORDER BY id",
                         (person.id,)).fetchall()
    assert [tuple(r) for r in rows] == [("r1-slim-met-stroom", "cancelled", "kiosk-foyer-1"),
                                       ("r1-migratie-en-werk", "confirmed", "kiosk-foyer-1")]
    # The counts the triggers keep moved with it, though this login may not write them.
    tallies = dict(owner.execute("SELECT key, value FROM tallies WHERE key LIKE 'confirmed:r1-%'").fetchall())
    assert tallies.get("confirmed:r1-slim-met-stroom", 0) == 0 and tallies["confirmed:r1-migratie-en-werk"] == 1


def test_the_boat_full_a_waitlist_and_a_seat_given_up_at_the_kiosk_as_the_public_login(venue):
    public = connect(venue.url(PUBLIC))
    for n in range(15):
        assert signup(public, f"BOAT{n:02d}", BOAT, now=at("10:00"), device="kiosk-1").status is SignupStatus.CONFIRMED
    waiting = signup(public, "SOREN3", BOAT, now=at("10:01"), device="kiosk-2")
    assert waiting.status is SignupStatus.WAITLISTED and waiting.waitlist_position == 1
    given_up = cancel(public, "BOAT03", BOAT, now=at("10:02"), device="kiosk-1")
    soren = find_by_code(public, "SOREN3", email=False)
    assert given_up.promoted == [soren.id]
    boat = next(o for o in day_of(public, soren.id, now=at("10:03"))["lunch"].options if o.session_id == BOAT)
    assert boat.mine == "confirmed" and boat.promoted and boat.confirmed == 15
    assert released_for_promotions(public, soren.id) == {}
    assert mark_promotions_told(public, soren.id, at("10:03")) == 1


def test_print_my_badge_once_as_the_public_login(venue):
    public = connect(venue.url(PUBLIC))
    person = find_by_code(public, "SOREN3", email=False)
    print_id, reprint = begin_print(public, person.id, now=at("10:00"), device="kiosk-1", origin="selfservice",
                                    printer="kiosk-pdf", size="62mm", once=True)
    finish_print(public, print_id, now=at("10:00"), printed=True, job="kiosk-pdf-1")
    with pytest.raises(AlreadyPrinted):
        begin_print(public, person.id, now=at("10:05"), device="kiosk-2", origin="selfservice",
                    printer="kiosk-pdf", size="62mm", once=True)
    owner = connect(venue.owner_url)
    assert owner.execute("SELECT result, job FROM badge_prints WHERE id = ?", (print_id,)).fetchone() == (
        "printed", "kiosk-pdf-1")


def test_the_public_dashboards_figures_read_as_the_public_login(venue):
    desk = connect(venue.url(DESK))
    assert record_scan(desk, "CELIK1", now=at("09:05"), device="desk-1").accepted  # a desk checks in as kiosk_desk
    public = connect(venue.url(PUBLIC))
    stats = LiveStats(recent_limit=0)  # as the public dashboard reads them: no last scans
    stats.full(public)
    assert (stats.arrived, stats.inside_venue, stats.expected) == (1, 1, len(ROSTER))
    assert stats.recent == [] and BOAT in stats.sessions
    assert record_scan(desk, "SOREN3", now=at("09:06"), device="desk-1").accepted
    assert "venue" in stats.refresh(public) and stats.arrived == 2
    assert refused(public, "SELECT s.raw_code, a.name FROM scans s JOIN attendees a ON a.id = s.attendee_id").kind \
        is FaultKind.DENIED
    # The next slot's load ("3 signed up, 2 on site"): counts, read though the login reads no presence row.
    for code in ("CELIK1", "SOREN3", "BOAT00"):
        assert signup(public, code, BOAT, now=at("09:10"), device="kiosk-1").status is SignupStatus.CONFIRMED
    assert expected_load(public, [BOAT, "r1-slim-met-stroom"]) == {BOAT: (3, 2)}
    assert expected_load(desk, [BOAT]) == {BOAT: (3, 2)}


def test_roles_again_changes_nothing_and_a_desk_login_may_not_run_it(venue):
    # What an earlier `kiosk db roles` granted: the public login read names and codes, and presence.
    owner = connect(venue.owner_url)
    owner.execute(f"GRANT SELECT (id, code, name, organisation, city, status, source) ON attendees TO {PUBLIC}")
    owner.execute(f"GRANT SELECT (attendee_id, list, inside) ON presence TO {PUBLIC}")
    assert run(venue, None, "db", "roles").exit_code == 0  # after an upgrade: again, safely
    public = connect(venue.url(PUBLIC))
    for sql in ("SELECT email FROM attendees", "SELECT name, code FROM attendees", "SELECT inside FROM presence"):
        assert refused(public, sql).kind is FaultKind.DENIED, sql
    assert find_by_code(public, "CELIK1", email=False).name == "Ayşe [b]Çelik[/b]"
    done = run(venue, DESK, "db", "roles")
    assert done.exit_code == 2 and "Only the database's owner" in done.output


@pytest.mark.parametrize("role", [["--role", "selfservice"], ["--role", "dashboard", "--public"]])
def test_the_kiosk_command_starts_the_public_screens_as_the_public_login(venue, monkeypatch, role):
    from kiosk.ui.app import KioskApp

    started: list[str] = []
    monkeypatch.setattr(KioskApp, "run", lambda app, *args, **kwargs: started.append(app.ctx.role))
    done = CliRunner().invoke(main, ["--db", venue.url(PUBLIC, password=False), *role], env={
        "PGPASSWORD": PASSWORDS[PUBLIC], "KIOSK_STAFF_PIN": "4821", "KIOSK_NOW": "09:45", "KIOSK_NOW_FROZEN": "1"})
    # Up to the screen: start-up's look for an empty roster (to add the demo one) is no refusal.
    assert done.exit_code == 0 and started == [role[1]], done.output
    assert "demo" not in done.output


def public_settings(venue: Venue) -> Settings:
    """The kiosk's settings as the public login: the URL without its password (that is in PGPASSWORD)."""
    return Settings(db_path=venue.url(PUBLIC, password=False), programme_path=PROGRAMME_PATH, lang="nl",
                    now=f"{EVENT_DAY}T09:45", now_frozen=True, staff_pin="1234", device="kiosk-foyer-1")


async def test_the_self_service_screen_as_the_public_login(venue, make_app, monkeypatch):
    monkeypatch.setenv("PGPASSWORD", PASSWORDS[PUBLIC])
    app = make_app("selfservice", "09:45", settings=public_settings(venue))
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, "SOREN3")
        await settle(app, pilot)
        assert "Søren Ødegaard" in texts(app)
        await pilot.press("2")  # Ronde 1's second card: a person's key acts once no scanner burst follows
        await pilot.pause(BURST_SECONDS * 3)
        await settle(app, pilot)
        assert "Slim met Stroom" in texts(app) and "geen toegang" not in texts(app)
        await pilot.press("f10")
        await settle(app, pilot)
        assert app.screen.query("#agenda") and "geen toegang" not in texts(app)
    owner = connect(venue.owner_url)
    rows = owner.execute("SELECT s.session_id, s.status, s.device FROM signups s JOIN attendees a ON a.id = s.attendee_id"
                         " WHERE a.code = 'SOREN3'").fetchall()
    assert [tuple(r) for r in rows] == [("r1-slim-met-stroom", "confirmed", "kiosk-foyer-1")]


async def test_the_public_dashboard_as_the_public_login(venue, make_app, monkeypatch):
    monkeypatch.setenv("PGPASSWORD", PASSWORDS[PUBLIC])
    app = make_app("dashboard", "11:45", settings=public_settings(venue), public=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        shown = texts(app)
        assert "Dashboard (publiek)" in shown and "geen toegang" not in shown


def test_roles_show_prints_the_sql_without_connecting_and_a_sqlite_file_has_no_logins(tmp_path):
    shown = CliRunner().invoke(main, ["--db", "postgresql://kiosk@10.0.0.2:1/netwerkdag", "db", "roles", "--show"])
    assert shown.exit_code == 0, shown.output  # port 1: nothing listens there, and nothing was asked of it
    lines = shown.output.splitlines()
    assert 'GRANT EXECUTE ON FUNCTION "public".kiosk_person_by_code(text) TO kiosk_desk, kiosk_public;' in lines
    assert 'GRANT EXECUTE ON FUNCTION "public".kiosk_expected_load(text[]) TO kiosk_desk, kiosk_public;' in lines
    assert 'GRANT CONNECT ON DATABASE "netwerkdag" TO kiosk_desk, kiosk_public;' in shown.output
    # Granted to the public login: no table of people (attendees, presence), no e-mail address.
    granted = [line for line in lines if line.startswith("GRANT") and line.endswith(" TO kiosk_public;")]
    assert granted and not [line for line in granted if any(w in line for w in ("attendees", "presence", "email"))]
    done = CliRunner().invoke(main, ["--db", str(tmp_path / "kiosk.db"), "db", "roles"])
    assert done.exit_code == 2 and "is for a PostgreSQL database" in done.output
    assert not (tmp_path / "kiosk.db").exists()


def test_a_login_pg_hba_conf_has_no_line_for_is_said_as_a_refused_login():
    # What libpq says when the server's pg_hba.conf lets no such login in from there (here: without TLS).
    error = psycopg.OperationalError(
        'connection failed: connection to server at "10.0.0.2", port 5432 failed: FATAL:  no pg_hba.conf entry for '
        'host "10.0.0.7", user "kiosk_desk", database "netwerkdag", no encryption')
    fault = explain_pg(error)
    assert fault.kind is FaultKind.LOGIN and str(fault) == MESSAGES[FaultKind.LOGIN]
