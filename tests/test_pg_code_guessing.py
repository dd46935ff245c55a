"""Badge codes cannot be harvested through the public login (kiosk/store/code_guard.py, schema v13).

On the run's PostgreSQL, with the logins `kiosk db roles --password` makes (tests/test_pg_roles.py's
venue): as `kiosk_public`, MISSES_PER_MINUTE unknown codes in a minute, over its sessions together,
and then a known code answers nothing, nor does a choice; as `kiosk_desk` it answers; once the
minute is over (the test moves the table's rows back a minute rather than waiting one) it answers
again. The kiosk says "Even geduld ...", the organiser's dashboard says codes are being guessed,
`kiosk report` keeps the minutes for after the day. A SQLite file has no public login: no limit.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from click.testing import CliRunner

from kiosk.cli import main
from kiosk.domain.outcomes import SignupStatus
from kiosk.store.attendees import find_by_code
from kiosk.store.code_guard import MISSES_PER_MINUTE, PAUSED, guessing_minutes, guessing_now, lookups_paused
from kiosk.store.db import FaultKind, StoreError, connect
from kiosk.store.pg_roles import DESK, PUBLIC
from kiosk.store.signups import signup
from kiosk.ui.key_burst import BURST_SECONDS
from kiosk.ui.widgets import selfservice_words as W
from tests import test_pg_roles
from tests.support.event import at
from tests.support.pilot import settle
from tests.support.selfservice import scan, texts
from tests.test_pg_roles import PASSWORDS, public_settings, run

pg = pytest.mark.postgres
venue = test_pg_roles.venue  # the fixture: a database with the roster and both logins

# Codes nobody has, as a script would try them (and hostile text, which misses too).
GUESSES = [f"G{n:05d}" for n in range(MISSES_PER_MINUTE - 2)] + ["' OR ''='", "[b]%[/b]"]
GUARD = "Badgecodes worden geraden bij de publieke kiosks"


def guess(db, codes=GUESSES) -> int:
    """Look each code up as the kiosk does; how many found somebody."""
    return sum(find_by_code(db, code, email=False) is not None for code in codes)


def minute_over(owner) -> None:
    """The minute the misses were counted in is over: their rows moved back a minute, as time would."""
    owner.execute("""UPDATE code_misses SET minute = to_char((minute::timestamptz - interval '1 minute')
                     AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI"Z"')""")


@pg
def test_guessed_codes_over_the_limit_answer_nothing_for_a_known_one_but_the_desk_always_finds_it(venue):
    kiosks = [connect(venue.url(PUBLIC)) for _ in range(3)]  # one password, many kiosks: counted together
    owner, desk = connect(venue.owner_url), connect(venue.url(DESK))
    # A person mistypes: under the limit, their next (right) code opens their day.
    assert guess(kiosks[0], GUESSES[:MISSES_PER_MINUTE - 1]) == 0
    assert find_by_code(kiosks[1], "SOREN3", email=False).name == "Søren Ødegaard"
    assert not lookups_paused(kiosks[1])
    assert guess(kiosks[2], GUESSES[MISSES_PER_MINUTE - 1:]) == 0  # the limit's miss, at another kiosk
    for kiosk in kiosks:
        assert find_by_code(kiosk, "SOREN3", email=False) is None, "a known code answered while over the limit"
        assert find_by_code(kiosk, "soren3", email=False) is None
        assert lookups_paused(kiosk)
    assert kiosks[0].execute("SELECT count(*) FROM kiosk_person_by_code('CELIK1')").fetchone() == (0,)
    # A choice of someone already on screen waits too, and says why (not "unknown code").
    refused = signup(kiosks[0], "CELIK1", "lunch-vaartocht", now=at("10:00"), device="kiosk-foyer-1")
    assert refused.status is SignupStatus.REFUSED and refused.reason == PAUSED
    assert owner.execute("SELECT count(*) FROM signups").fetchone() == (0,)
    # The desk's login is never limited, nor the owner's.
    assert find_by_code(desk, "SOREN3", email=False).name == "Søren Ødegaard"
    assert guess(desk, [f"D{n:05d}" for n in range(MISSES_PER_MINUTE * 2)]) == 0
    assert find_by_code(desk, "CELIK1", email=False) is not None and find_by_code(owner, "CELIK1", email=False)
    # What the server counted: the public login's misses only, from this machine's address.
    rows = owner.execute("SELECT client, misses FROM code_misses").fetchall()
    assert [tuple(r) for r in rows] == [("127.0.0.1", MISSES_PER_MINUTE)]
    assert guessing_now(desk).misses == MISSES_PER_MINUTE
    minute_over(owner)
    assert find_by_code(kiosks[0], "SOREN3", email=False).name == "Søren Ødegaard"
    assert not lookups_paused(kiosks[0]) and guessing_now(desk) is not None  # the minute before still counts
    assert signup(kiosks[0], "CELIK1", "lunch-vaartocht", now=at("10:01"), device="k").status is SignupStatus.CONFIRMED
    minute_over(owner)
    assert guessing_now(desk) is None
    day = guessing_minutes(desk)  # kept for after the day
    assert (day.minutes, day.misses, day.clients) == (1, MISSES_PER_MINUTE, ("127.0.0.1",))


@pg
def test_the_public_login_reads_no_misses_and_roles_again_keeps_the_limit(venue):
    public = connect(venue.url(PUBLIC))
    with pytest.raises(StoreError) as caught:
        public.execute("SELECT * FROM code_misses").fetchall()
    assert caught.value.kind is FaultKind.DENIED
    for sql in ("DELETE FROM code_misses", "UPDATE code_misses SET misses = 0"):
        with pytest.raises(StoreError):
            public.execute(sql)
    assert run(venue, None, "db", "roles").exit_code == 0  # again after the upgrade: safely
    public = connect(venue.url(PUBLIC))
    assert guess(public) == 0 and find_by_code(public, "SOREN3", email=False) is None and lookups_paused(public)
    owner = connect(venue.owner_url)
    definer, config = owner.execute("SELECT prosecdef, proconfig FROM pg_proc "
                                    "WHERE oid = 'kiosk_person_by_code(text)'::regprocedure").fetchone()
    assert definer and config == ["search_path=public, pg_temp"]
    shown = CliRunner().invoke(main, ["--db", "postgresql://kiosk@10.0.0.2:1/netwerkdag", "db", "roles", "--show"])
    assert 'GRANT EXECUTE ON FUNCTION "public".kiosk_code_lookups_paused() TO kiosk_desk, kiosk_public;' \
        in shown.output.splitlines()


@pg
def test_logins_of_a_server_at_v12_keep_looking_up_after_the_upgrade_and_are_limited(pg_url):
    from kiosk.store.pg_roles import grant_roles
    from kiosk.store.schema import migrate

    owner = connect(pg_url)
    migrate(owner, 12)
    grant_roles(owner)  # `kiosk db roles` of the version before
    owner.execute(f"ALTER ROLE {PUBLIC} PASSWORD 'zuil'")
    owner.execute("INSERT INTO attendees (code, name, created_at, updated_at) VALUES ('SOREN3', 'Søren', 'x', 'x')")
    migrate(owner, 13)
    url = pg_url.replace(pg_url.split("//", 1)[1].split("@", 1)[0], f"{PUBLIC}:zuil")
    public = connect(url)
    assert find_by_code(public, "SOREN3", email=False).name == "Søren"
    assert guess(public) == 0 and find_by_code(public, "SOREN3", email=False) is None and lookups_paused(public)


@pg
async def test_the_kiosk_says_one_moment_while_codes_are_guessed(venue, make_app, monkeypatch):
    monkeypatch.setenv("PGPASSWORD", PASSWORDS[PUBLIC])
    app = make_app("selfservice", "09:45", settings=public_settings(venue))
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, "ZZZZZ9")  # a person's typo: the usual sentence
        await settle(app, pilot)
        assert W.UNKNOWN_CODE("nl") in texts(app) and W.ONE_MOMENT("nl") not in texts(app)
        await scan(pilot, "SOREN3")
        await settle(app, pilot)
        assert "Søren Ødegaard" in texts(app)
        guess(connect(venue.url(PUBLIC)))  # a script beside it, with the same password
        await pilot.press("2")  # a choice now: it waits too, calmly
        await pilot.pause(BURST_SECONDS * 3)
        await settle(app, pilot)
        assert W.ONE_MOMENT("nl") in texts(app) and "lookups_paused" not in texts(app)
        await pilot.press("escape")
        await settle(app, pilot)
        await scan(pilot, "CELIK1")  # the next person, a known badge
        await settle(app, pilot)
        shown = texts(app)
        assert W.ONE_MOMENT("nl") in shown and "Çelik" not in shown and W.UNKNOWN_CODE("nl") not in shown
    owner = connect(venue.owner_url)
    assert owner.execute("SELECT count(*) FROM signups").fetchone() == (0,)


@pg
@pytest.mark.parametrize("lang", ["nl", "en"])
async def test_the_organisers_dashboard_says_codes_are_being_guessed(venue, make_app, monkeypatch, lang):
    monkeypatch.setenv("PGPASSWORD", PASSWORDS[DESK])
    settings = replace(public_settings(venue), db_path=venue.url(DESK, password=False), lang=lang)
    app = make_app("dashboard", "11:45", settings=settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert "geraden" not in texts(app) and "guessed" not in texts(app)
        guess(connect(venue.url(PUBLIC)))
        app.screen._guessing()  # the 5-second look, now
        await pilot.pause(1.2)  # the next draw
        shown = texts(app)
        expected = GUARD if lang == "nl" else "Badge codes are being guessed at the public kiosks"
        assert expected in shown and f"{MISSES_PER_MINUTE} " in shown and "127.0.0.1" in shown
        minute_over(connect(venue.owner_url))
        minute_over(connect(venue.owner_url))
        app.screen._guessing()
        await pilot.pause(1.2)
        assert expected not in texts(app)


@pg
def test_kiosk_report_keeps_the_guessed_minutes_for_after_the_day(venue):
    assert "guessed" not in run(venue, DESK, "report", "--rows", "venue").output
    guess(connect(venue.url(PUBLIC)))
    done = run(venue, DESK, "report", "--rows", "venue")
    assert done.exit_code == 0, done.output
    assert f"Badge codes guessed at the public kiosks: {MISSES_PER_MINUTE} unknown codes" in done.output
    assert "1 minute at the limit" in done.output and "127.0.0.1" in done.output


def test_a_sqlite_file_has_no_public_login_and_no_limit(db, people):
    codes = [f"G{n:05d}" for n in range(MISSES_PER_MINUTE * 3)]
    assert sum(find_by_code(db, code, email=False) is not None for code in codes) == 0
    assert find_by_code(db, "SOREN3", email=False).name == "Søren Ødegaard"
    assert not lookups_paused(db) and guessing_now(db) is None and guessing_minutes(db) is None
    assert db.execute("SELECT count(*) FROM code_misses").fetchone() == (0,)
