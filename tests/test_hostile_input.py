"""Hostile input (issue 7, item 3), property-based: everywhere text enters, nothing breaks.

Markup, ANSI escapes, NUL and other control characters, right-to-left and combining characters,
emoji, 10,000 characters, SQL and FTS5 syntax. The bulk runs at the store and domain level with
many examples; the screens get a few examples each (every example starts an app). What holds:
no crash; what is kept is shown literally (control characters and direction overrides as '�',
see kiosk.ui.widgets.plain.clean: they must not reach the terminal); refused input changes
nothing in the database; a clear message.
"""

from __future__ import annotations

import csv
import io
import json
import tomllib

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from kiosk.cli import main
from kiosk.domain.codes import normalise_code
from kiosk.domain.loader import ProgrammeError, load_programme, parse_programme
from kiosk.domain.text import words
from kiosk.interop.roster_csv import RosterFileError, parse_roster
from kiosk.store.attendees import find_by_code, search
from kiosk.store.scans import create_walk_in, record_scan
from kiosk.ui.widgets.plain import clean
from kiosk.ui.widgets.scan_answer import ScanAnswer
from kiosk.ui.widgets.search_results import SearchResults
from tests.support.event import PROGRAMME_PATH, at
from tests.support.pilot import written

# The tests using `db` or `target` run on SQLite and PostgreSQL (tests/conftest.py); those that build
# the app (make_app) run it on SQLite only.
BOTH_BACKENDS = True

SAMPLES = [
    "[bold]", "[@click=app.quit]x[/]", "[link=https://x]y[/link]", "[/]", "[b]Bold[/b]",
    "\x1b[31m", "\x1b]0;title\x07", "\x1b[2J", "\x00", "\x07\x08\x7f", "\x9b1m", "\r\n", "\t", "\ufeff",
    "\u202eevil", "\u2066x\u2069", "مرحبا بكم", "שלום", "e\u0301\u0301\u0302", "Z\u0351\u0364\u036b",
    "👩‍👩‍👧‍👦", "🎉", "'; DROP TABLE attendees; --", '"', "%", "_", "NEAR(", "*", "^", "AND OR NOT",
    '"a" NEAR("b")', "x OR y*", "Ayşe Çelik", "Søren", "a" * 10_000,
]
piece = st.one_of(st.sampled_from(SAMPLES), st.text(max_size=12))
hostile = st.one_of(st.sampled_from(SAMPLES), st.lists(piece, min_size=1, max_size=5).map("".join), st.text(max_size=200))
MANY = hsettings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
FEW = hsettings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
SIZE = (80, 24)


def snapshot(db) -> dict[str, list[tuple]]:
    """Every row of the tables a refused input must not touch."""
    return {table: sorted(db.execute(f"SELECT * FROM {table}").fetchall(), key=repr)
            for table in ("attendees", "presence", "signups", "sessions", "tallies")}


def shown(name: str) -> str:
    """How a stored name appears on screen: runs of white space made one, control codes as '�'."""
    return clean(" ".join(name.split()), 200)


# ---- the store ---------------------------------------------------------------------------------


@MANY
@given(text=hostile)
def test_search_never_fails_and_writes_nothing(db, people, text):
    # SQLite counts every row its connection changed; on PostgreSQL the tables' rows tell.
    changes = getattr(db, "total_changes", None)
    before = snapshot(db)
    hits = search(db, text, limit=20)
    assert len(hits) <= 20 and all(hit.person.code for hit in hits)
    assert getattr(db, "total_changes", None) == changes and snapshot(db) == before


@MANY
@given(text=hostile)
def test_a_hostile_scan_is_logged_as_refused_and_changes_no_one(db, people, text):
    if normalise_code(text) in {code.upper() for code in people.values()}:
        return
    before = snapshot(db)
    result = record_scan(db, text, now=at("10:00"), device="desk-1")
    assert not result.accepted and result.reason.value == "unknown_code"
    assert snapshot(db) == before
    raw = db.execute("SELECT raw_code FROM scans WHERE id = ?", (result.scan_id,)).fetchone()[0]
    assert raw == text[:200].replace("\x00", "\ufffd")  # a NUL as the replacement character, on both stores


@MANY
@given(name=hostile, organisation=hostile)
def test_a_walk_in_keeps_its_name_exactly_and_is_found(db, people, name, organisation):
    before = snapshot(db)
    try:
        result = create_walk_in(db, name, organisation, now=at("10:00"), device="desk-1")
    except ValueError:
        # Refused, nothing written: no name, or a NUL (which PostgreSQL's text cannot hold).
        assert (not name.split() or "\x00" in name + organisation) and snapshot(db) == before
        return
    stored = find_by_code(db, result.person.code)
    assert stored.name == " ".join(name.split()) and stored.organisation == organisation.strip()
    # Found by name, when the name could have come in through a form or a file (both refuse
    # control and direction characters: FTS5 reads U+2066 and friends as part of a word).
    if words(name) and clean(name, 10**5) == name:
        assert stored.code in {hit.person.code for hit in search(db, name, limit=100_000)}


@pytest.mark.parametrize("name, query", [
    ("Олена Коваленко", "олена"), ("Νίκος Παπαδόπουλος", "νικος"), ("محمد الأمين", "محمد"),
    ("דוד כהן", "כהן"), ("Ƀarbara ƀ0", "ƀ0"),
])
def test_a_name_in_another_script_is_found_by_name(db, name, query):
    person = create_walk_in(db, name, now=at("10:00"), device="desk-1").person
    assert person.code in {hit.person.code for hit in search(db, query)}


# ---- files: CSV cells and the programme ------------------------------------------------------------


def csv_bytes(rows: list[list[str]], delimiter: str = ";") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


@MANY
@given(name=hostile, organisation=hostile, city=hostile, delimiter=st.sampled_from([";", ",", "\t"]))
def test_a_csv_cell_is_refused_with_its_line_or_kept_as_written(name, organisation, city, delimiter):
    data = csv_bytes([["naam", "organisatie", "gemeente", "code"], [name, organisation, city, "HOST01"]], delimiter)
    try:
        roster = parse_roster(data, "hostile.csv")
    except RosterFileError as error:
        assert error.problems and all(p.startswith("hostile.csv: ") for p in error.problems)
        return
    (row,) = roster.rows
    assert row.name == " ".join(name.split()) and row.organisation == " ".join(organisation.split())
    assert row.name == clean(row.name, 200)  # nothing a terminal would act on got through


def toml_string(text: str) -> str:
    """A TOML basic string holding `text` exactly (JSON's escapes, plus DEL, which TOML forbids raw)."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


@MANY
@given(title=hostile, description=hostile)
def test_a_programme_with_hostile_texts_loads_them_as_written_or_says_why(tmp_path_factory, title, description):
    raw = tomllib.loads(PROGRAMME_PATH.read_text(encoding="utf-8"))
    raw["sessions"][0]["title"], raw["sessions"][0]["description"] = title, description
    programme, problems = parse_programme(raw)
    if programme is None:
        assert problems and all(isinstance(p, str) and p for p in problems)
    else:
        # Kept as written, up to white space at the ends (pydantic's idea of it, not Python's: \x1f stays).
        session = programme.sessions[0]
        assert session.title.strip() == title.strip() and session.description.strip() == description.strip()
    # The same through the file: a TOML file that carries them, loaded or refused in sentences.
    text = PROGRAMME_PATH.read_text(encoding="utf-8")
    path = tmp_path_factory.mktemp("prog") / "programme.toml"
    lines = text.splitlines()
    index = next(i for i, line in enumerate(lines) if line.startswith("[[sessions]]"))
    end = next(i for i in range(index + 1, len(lines)) if lines[i].startswith("[["))
    block = [line for line in lines[index:end] if not line.startswith(("title", "description"))]
    block += [f"title = {toml_string(title)}", f"description = {toml_string(description)}"]
    path.write_text("\n".join(lines[:index] + block + lines[end:]) + "\n", encoding="utf-8")
    try:
        loaded = load_programme(path)
    except ProgrammeError as error:
        assert programme is None and all(p.startswith("programme.toml: ") for p in error.problems)
    else:
        assert programme is not None and loaded.sessions[0].title == programme.sessions[0].title


# ---- the command line --------------------------------------------------------------------------------


@hsettings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(code=hostile.filter(lambda t: "\x00" not in t), session=hostile.filter(lambda t: "\x00" not in t))
def test_cli_checkin_and_signup_with_hostile_arguments(target, db, people, code, session):
    if normalise_code(code) in {c.upper() for c in people.values()}:
        return
    before = snapshot(db)
    # `--` ends the options, as a script passing arbitrary text must write it ("-0" is an option otherwise).
    for args in (["checkin", "--", code], ["signup", "--", code, session], ["signup", "--", "ANNA44", session]):
        # The database in KIOSK_DB: `--db` refuses a URL with its password (visible in `ps`).
        result = CliRunner().invoke(main, args, env={"KIOSK_DB": str(target)})
        assert result.exit_code == 1, (args, result.output)  # refused, with its reason; no traceback
        assert "refused" in result.output and "Traceback" not in result.output
    assert snapshot(db) == before


@hsettings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=hostile, organisation=hostile)
def test_cli_import_of_hostile_cells_is_all_or_nothing(tmp_path_factory, target, db, people, name, organisation):
    path = tmp_path_factory.mktemp("csv") / "hostile.csv"
    path.write_bytes(csv_bytes([["naam", "organisatie", "code"], [name, organisation, "HOST02"], ["Gewoon", "", "OK0001"]]))
    before = snapshot(db)
    result = CliRunner().invoke(main, ["import", "attendees", str(path)], env={"KIOSK_DB": str(target)})
    assert "Traceback" not in result.output and result.exit_code in (0, 2), result.output
    if result.exit_code == 2:
        assert "Nothing was imported" in result.stderr and snapshot(db) == before
    else:
        assert find_by_code(db, "HOST02").name == " ".join(name.split())


# ---- the screens (few examples: each starts an app) -----------------------------------------------------


async def submit(app, pilot, selector: str, text: str) -> None:
    """Put `text` in an input as a paste would (control characters included) and press Enter."""
    field = app.screen.query_one(selector)
    field.value = text
    await pilot.press("enter")
    for _ in range(20):
        await written(app)
        await pilot.pause()
        if not getattr(getattr(app.screen, "jobs", None), "busy", False):
            break


@FEW
@given(name=hostile.filter(lambda t: t.split() and "\x00" not in t))  # create_walk_in refuses a NUL
async def test_desk_shows_a_hostile_name_literally_and_markup_does_nothing(make_app, db, people, name):
    person = create_walk_in(db, name, "[b]Org[/b]", now=at("09:00"), device="setup").person
    db.execute("INSERT INTO scans (nonce, at, device, list, direction, raw_code, attendee_id, accepted, reason, annuls)"
               " SELECT nonce || '-undo', at, device, list, direction, raw_code, attendee_id, 1, 'undo', id"
               " FROM scans WHERE attendee_id = ?", (person.id,))
    app = make_app("desk")
    async with app.run_test(size=SIZE) as pilot:
        await submit(app, pilot, "#desk-input", person.code)
        answer = app.screen.query_one(ScanAnswer)
        assert answer.shown.name == shown(name)
        # A click on the name and on the organisation (rows 4 and 5 of the answer at 80x24) does nothing.
        await pilot.click(ScanAnswer, offset=(3, 4))
        await pilot.click(ScanAnswer, offset=(5, 5))
        await pilot.pause()
        assert app.is_running and app.return_code is None
        query = " ".join(words(name)[:3])
        if query and person.code in {hit.person.code for hit in search(db, query, limit=20)}:
            app.screen.query_one("#desk-input").value = query
            await pilot.pause()
            results = app.screen.query_one(SearchResults)
            prompts = [results.get_option_at_index(i).prompt.plain for i in range(results.option_count)]
            assert any(prompt.startswith(f"✔ {shown(name)}  ") for prompt in prompts), prompts


@FEW
@given(text=hostile)
async def test_desk_scan_field_takes_anything_and_keeps_running(make_app, db, people, text):
    before = snapshot(db)
    app = make_app("desk")
    async with app.run_test(size=SIZE) as pilot:
        await submit(app, pilot, "#desk-input", text)
        await pilot.pause()
        assert app.is_running and app.screen.query_one(ScanAnswer).text is not None
    if not any(normalise_code(text[:200]) == c.upper() for c in people.values()) and len(search(db, text)) != 1:
        assert snapshot(db) == before


@FEW
@given(name=hostile)
async def test_walk_in_form_saves_a_name_exactly_or_refuses_it_with_a_message(make_app, db, people, name):
    before = snapshot(db)
    app = make_app("desk")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f7")
        await pilot.pause()
        app.screen.query_one("#walkin-name").value = name
        await pilot.press("ctrl+s")
        await written(app)
        await pilot.pause()
        typed = app.screen.query_one("#walkin-name").value.strip()  # the field holds at most 200
        message = str(app.screen.query_one("#walkin-message").render())
        if typed and ("ingeschreven" in message or "badgecode" in message):
            # Someone's code or name (the roster holds hostile names too): said, nothing written.
            assert snapshot(db) == before
        elif not typed or clean(typed, 200) != typed:
            assert message and snapshot(db) == before  # refused, said, nothing written
        else:
            assert str(app.screen.query_one("#walkin-who").render()) == " ".join(typed.split())
            assert app.is_running


@FEW
@given(name=hostile.filter(lambda t: t.split() and "\x00" not in t), code=hostile)  # a NUL: refused
async def test_selfservice_greets_a_hostile_name_literally_and_takes_any_code(make_app, db, people, name, code):
    person = create_walk_in(db, name, now=at("09:00"), device="setup").person
    app = make_app("selfservice", "09:45")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await submit(app, pilot, "#welcome-code", code)  # anything: unknown, or someone's
        await pilot.press("escape")
        await pilot.pause()
        await submit(app, pilot, "#welcome-code", person.code)
        hello = str(app.screen.query_one("#day-hello").render())
        assert hello == f"Welkom, {clean(' '.join(name.split()))}"
        await pilot.click("#day-hello", offset=(9, 0))
        await pilot.pause()
        assert app.is_running and app.locked


@FEW
@given(text=hostile)
async def test_door_takes_any_code_and_shows_it_harmlessly(make_app, db, people, text):
    before = db.execute("SELECT * FROM attendees ORDER BY id").fetchall()
    app = make_app("door", "12:40", session_id="lunch-vaartocht")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await submit(app, pilot, "#door-input", text)
        name = str(app.screen.query_one("#door-name").render())
        assert "\x1b" not in name and "\x00" not in name and "\u202e" not in name
        await pilot.click("#door-name")
        await pilot.pause()
        assert app.is_running
    assert db.execute("SELECT * FROM attendees ORDER BY id").fetchall() == before
