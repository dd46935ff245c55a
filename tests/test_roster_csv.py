"""Roster CSV import: every dialect registration systems and Excel write, every bad row, all or nothing."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from kiosk.cli import main
from kiosk.interop.roster_csv import RosterFileError, parse_roster
from kiosk.interop.roster_export import to_csv
from kiosk.store import open_store
from kiosk.store.attendees import attendee_records, import_roster, list_attendees
from tests.support.cli_db import db_args
from tests.support.event import PROGRAMME_PATH

# The roster goes in and out of a SQLite file and of PostgreSQL alike (tests/conftest.py).
BOTH_BACKENDS = True

ENGLISH = "name,organisation,city,email,code\nAnna de Vries,Gemeente Breda,Breda,anna@example.org,ANNA01\n"


def problems_of(data: bytes | str, filename: str = "attendees.csv") -> list[str]:
    """The problem lines a bad roster gives."""
    with pytest.raises(RosterFileError) as error:
        parse_roster(data, filename)
    return error.value.problems


def run(target, *args: str, input: str | None = None):
    """Run the `kiosk` command on this test's database (a URL's password in PGPASSWORD); stdout and stderr apart."""
    flag, env = db_args(target)
    return CliRunner().invoke(main, [*flag, "--programme", str(PROGRAMME_PATH), *args], env=env, input=input)


def stored_records(target) -> list[dict]:
    """Every attendee as `kiosk export attendees` has them, read on a connection of its own."""
    db = open_store(target)
    try:
        return attendee_records(db)
    finally:
        db.close()


def write(tmp_path, text: str | bytes, name: str = "attendees.csv"):
    """Write a roster file and return its path as a string."""
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return str(path)


# --- dialects -------------------------------------------------------------------------------


def test_comma_english_headers():
    roster = parse_roster(ENGLISH)
    assert roster.delimiter == ","
    row = roster.rows[0]
    assert (row.name, row.organisation, row.city, row.email, row.code) == (
        "Anna de Vries", "Gemeente Breda", "Breda", "anna@example.org", "ANNA01")
    assert roster.lines[0].line == 2


def test_semicolon_dutch_headers_with_bom_and_crlf():
    data = "\ufeffNaam;Organisatie;Gemeente;E-mail;Code\r\nJoëlle Bakker;Gemeente Zaanstad;Zaanstad;j@example.org;jb-7\r\n"
    roster = parse_roster(data.encode("utf-8"))
    assert roster.delimiter == ";"
    row = roster.rows[0]
    assert (row.name, row.city, row.code) == ("Joëlle Bakker", "Zaanstad", "JB-7")
    assert "\ufeff" not in row.name and "\r" not in row.code


def test_quoted_fields_with_the_delimiter_and_quotes_inside():
    data = 'naam;organisatie;stad\r\n"Bos; Kees";"Gemeente ""Het Hof""; Delft";Delft\r\n'
    row = parse_roster(data).rows[0]
    assert row.name == "Bos; Kees"
    assert row.organisation == 'Gemeente "Het Hof"; Delft'


def test_comma_inside_quotes_does_not_fool_the_sniffer():
    data = '"Naam, volledig";Organisatie\nPiet;"Regio, Noord"\n'
    with pytest.raises(RosterFileError):
        # "Naam, volledig" is not a known header: the sniffer must still pick the semicolon.
        parse_roster(data)
    roster = parse_roster('Naam;"Organisatie, team"\nPiet;"Regio, Noord"\n')
    assert roster.delimiter == ";" and roster.rows[0].name == "Piet"


def test_excel_sep_line_and_tab_and_windows_1252():
    assert parse_roster("sep=;\nnaam;stad\nAnna;Ede\n").rows[0].city == "Ede"
    assert parse_roster("Name\tCity\nAnna\tEde\n").rows[0].city == "Ede"
    roster = parse_roster("naam;stad\nRenée;Zoë-stad\n".encode("cp1252"))
    assert roster.encoding == "cp1252" and roster.rows[0].name == "Renée"


def test_headers_ignore_case_spaces_and_unknown_columns():
    data = " E-MAIL ;  NAAM ; Woonplaats;Telefoon;Dieetwens\nx@example.org;Anna;Ede;0612345678;vega\n"
    roster = parse_roster(data)
    assert roster.rows[0].name == "Anna" and roster.rows[0].city == "Ede"
    assert roster.ignored_columns == ["Telefoon", "Dieetwens"]


@pytest.mark.parametrize(
    ("header", "line", "name"),
    [
        ("voornaam;tussenvoegsel;achternaam", "Pieter;van 't;Hof", "Pieter van 't Hof"),
        ("Voornaam;Achternaam", "Søren;Ødegaard", "Søren Ødegaard"),
        ("First name,Last name", "Anna,Jansen", "Anna Jansen"),
        ("voornaam;tussenvoegsel;achternaam", "Anna;;Jansen", "Anna Jansen"),
    ],
)
def test_split_name_columns(header, line, name):
    assert parse_roster(f"{header}\n{line}\n").rows[0].name == name


def test_ticket_header_and_status_column():
    roster = parse_roster("Name;Ticket;Status\nAnna;t 1;geannuleerd\nBram;T2;\n")
    assert [(r.code, r.status) for r in roster.rows] == [("T1", "cancelled"), ("T2", "registered")]


def test_blank_lines_and_rows_of_bare_delimiters_are_skipped():
    roster = parse_roster("naam;stad\n\nAnna;Ede\n;\n;;\nBram;Oss\n")
    assert [(item.line, item.row.name) for item in roster.lines] == [(3, "Anna"), (6, "Bram")]


def test_a_line_break_inside_a_quoted_cell_keeps_line_numbers_right():
    roster = parse_roster('naam;organisatie\nAnna;"Gemeente\nEde"\nBram;Oss\n')
    assert roster.rows[0].organisation == "Gemeente Ede"
    assert [item.line for item in roster.lines] == [2, 4]


# --- bad rows: every one listed, with its line -----------------------------------------------


def test_every_bad_row_is_listed_with_its_line():
    data = (
        "name;email;code\n"
        ";a@example.org;A1\n"  # 2: empty name
        "Bob;not-an-address;B1\n"  # 3: bad e-mail
        "Carl;;A1\n"  # 4: code used twice
        "Dirk;;bad code!\n"  # 5: bad code characters
        "Eve;;E1\n"
    )
    assert problems_of(data) == [
        "attendees.csv: line 2: name is empty",
        "attendees.csv: line 3: e-mail 'not-an-address' is not an e-mail address",
        "attendees.csv: line 4: code A1 is used on line 2 too",
        "attendees.csv: line 5: code 'bad code!' may hold only letters, digits and - _ . /",
    ]


def test_duplicate_codes_differ_only_in_case_and_spaces():
    assert problems_of("naam;code\nAnna;ab 12\nBram;AB12\n") == ["attendees.csv: line 3: code AB12 is used on line 2 too"]


def test_same_person_twice_without_a_code():
    problems = problems_of("naam;organisatie\nAnna;Ede\nanna;EDE\n")
    assert problems == ["attendees.csv: line 3: the same person as line 2 (same name, organisation and e-mail, "
                        "and no code to tell them apart)"]


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("Eve\x00", "name contains a NUL character; the file may be damaged"),
        ("\x1b[31mRed", "name contains the control character U+001B; remove it"),
        ("Anna\u202eevE", "name contains a text-direction control (U+202E) that can disguise it; remove it"),
        ("[@click=app.quit]x[/]", "name '[@click=app.quit]x[/]' looks like markup; remove the brackets"),
        ("<script>alert(1)</script>", "name '<script>alert(1)</script>' looks like markup; remove the brackets"),
        ("=HYPERLINK(\"x\")", "name '=HYPERLINK(\"x\")' starts with '=', a spreadsheet formula; remove it"),
        ("x" * 10_000, "name is 10000 characters long (at most 200)"),
    ],
)
def test_hostile_cells_are_refused_with_a_sentence(cell, message):
    data = 'naam;stad\n"' + cell.replace('"', '""') + '";Ede\n'
    assert problems_of(data) == [f"attendees.csv: line 2: {message}"]


def test_harmless_unusual_text_is_kept():
    names = ["محمد العلي", "Zoë 🎉 Bakker", "O'Brien [BZK]", "Anna <> Bram"]
    roster = parse_roster("naam\n" + "\n".join(names) + "\n")
    assert roster.rows and [r.name for r in roster.rows] == names


def test_an_unclosed_quote_is_named():
    data = 'naam;stad\n"Anna;Ede\nBram;Oss\nCees;Ede\nDirk;Oss\n'
    [problem] = problems_of(data)
    assert problem.startswith("attendees.csv: line 2: name runs over") and "quote left open" in problem


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", "attendees.csv: the file is empty"),
        (b"\xef\xbb\xbf\r\n", "attendees.csv: the file is empty"),
        (b"naam;stad\r\n", "attendees.csv: there are no attendees below the header"),
        (b"PK\x03\x04rest", "attendees.csv: this is a spreadsheet, not CSV; save it as CSV (UTF-8) first"),
        (b"telefoon;stad\n06;Ede\n", "attendees.csv: line 1: no name column: expected naam/name, or voornaam and "
                                     "achternaam (found 'telefoon', 'stad')"),
        (b"naam;name\nA;B\n", "attendees.csv: line 1: the columns 'naam' and 'name' both give the name; keep one"),
    ],
)
def test_file_level_problems(data, problem):
    assert problems_of(data) == [problem]


# --- the store: all or nothing, re-import, update -------------------------------------------


def test_bad_file_leaves_the_database_unchanged(tmp_path, target):
    good = write(tmp_path, ENGLISH, "good.csv")
    assert run(target, "import", "attendees", good).exit_code == 0
    before = stored_records(target)
    bad = write(tmp_path, ENGLISH.replace("Anna de Vries", "Anna Changed") + "Bram,,,,\n,,,,X9\n", "bad.csv")
    result = run(target, "import", "attendees", bad)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "bad.csv: line 4: name is empty" in result.stderr
    assert "Nothing was imported" in result.stderr and "Traceback" not in result.stderr
    assert stored_records(target) == before


def test_reimport_changes_nothing_and_a_changed_row_updates(tmp_path, target):
    text = "Naam;Organisatie;Gemeente;E-mail;Code\r\nAnna;Gemeente Ede;Ede;a@example.org;A1\r\n" \
           "Bram;Gemeente Oss;Oss;;\r\nCees;Regio;Delft;c@example.org;\r\n"
    path = write(tmp_path, text)
    first = run(target, "import", "attendees", path)
    assert first.exit_code == 0, first.stderr
    assert "3 added, 0 updated, 0 unchanged" in first.stdout
    records = stored_records(target)
    again = run(target, "import", "attendees", path)
    assert "0 added, 0 updated, 3 unchanged" in again.stdout
    assert stored_records(target) == records
    # Generated codes are kept; a changed organisation updates that one attendee only.
    write(tmp_path, text.replace("Regio;Delft", "Regio Zaanstreek;Zaanstad"))
    changed = run(target, "import", "attendees", path)
    assert "0 added, 1 updated, 2 unchanged" in changed.stdout
    after = {r["name"]: r for r in stored_records(target)}
    assert after["Cees"]["city"] == "Zaanstad"
    assert {r["name"]: r["code"] for r in records} == {name: r["code"] for name, r in after.items()}


def test_generated_codes_are_short_unique_and_unambiguous(db, now):
    rows = parse_roster("naam\n" + "\n".join(f"Persoon {i}" for i in range(500)) + "\n").rows
    assert import_roster(db, rows, now.isoformat()).added == 500
    codes = [p.code for p in list_attendees(db)]
    assert len(set(codes)) == 500
    assert all(len(c) == 6 and not set(c) & set("01ILO") for c in codes)


def test_check_only_writes_nothing(tmp_path, target):
    result = run(target, "import", "attendees", "--check", write(tmp_path, ENGLISH))
    assert result.exit_code == 0 and "1 added" in result.stdout and "nothing was written" in result.stdout
    assert stored_records(target) == []


def test_two_rows_landing_on_one_attendee_is_an_error(tmp_path, target):
    run(target, "import", "attendees", write(tmp_path, ENGLISH))
    clash = "name,email,code\nAnna de Vries,anna@example.org,ANNA01\nAnna de V.,anna@example.org,\n"
    result = run(target, "import", "attendees", write(tmp_path, clash, "clash.csv"))
    assert result.exit_code == 2
    assert "clash.csv: line 3: is the same attendee (ANNA01) as line 2" in result.stderr


def test_export_round_trips_through_import(tmp_path, target):
    text = 'naam;organisatie;stad;email;code\n"Bos; Kees";"=Gemeente";Ede;k@example.org;K1\nRenée;Oss;Oss;;K2\n'
    bad = run(target, "import", "attendees", write(tmp_path, text))
    assert bad.exit_code == 2  # the formula-like organisation is refused
    text = text.replace('"=Gemeente"', '"Gemeente, Ede"')
    assert run(target, "import", "attendees", write(tmp_path, text)).exit_code == 0
    for flags in ([], ["--excel-nl"]):
        out = tmp_path / "personal-out.csv"
        result = run(target, "export", "attendees", "--format", "csv", *flags, "--output", str(out))
        assert result.exit_code == 0, result.stderr
        data = out.read_bytes()
        assert data.startswith(b"\xef\xbb\xbfcode;name") if flags else data.startswith(b"code,name")
        assert b"\r\n" in data
        again = run(target, "import", "attendees", str(out))
        assert "0 added, 0 updated, 2 unchanged" in again.stdout, again.stderr


def test_export_json_has_the_promised_fields(tmp_path, target):
    run(target, "import", "attendees", write(tmp_path, ENGLISH))
    result = run(target, "export", "attendees", "--format", "json")
    [record] = json.loads(result.stdout)
    assert {k: record[k] for k in ("code", "name", "organisation", "city", "email", "status")} == {
        "code": "ANNA01", "name": "Anna de Vries", "organisation": "Gemeente Breda", "city": "Breda",
        "email": "anna@example.org", "status": "registered"}
    assert record["arrived_at"] is None and record["inside"] is False


def test_csv_export_defuses_formulas():
    text = to_csv([{"code": "A", "name": "=1+1", "organisation": "-2", "city": "@x", "email": "", "status": "registered"}])
    assert "'=1+1" in text and "'-2" in text and "'@x" in text


def test_a_generated_code_never_takes_a_code_a_later_row_brings(db, now):
    import random

    from kiosk.domain.codes import new_code
    from kiosk.store.attendees import RosterRow

    taken = new_code(random.Random(1))  # the first code this rng will generate
    rows = [RosterRow("Anna"), RosterRow("Bram", code=taken)]
    assert import_roster(db, rows, now.isoformat(), rng=random.Random(1)).added == 2
    codes = {p.name: p.code for p in list_attendees(db)}
    assert codes["Bram"] == taken and codes["Anna"] != taken


def test_two_rows_bringing_one_new_code_are_a_conflict_not_a_database_error(db, now):
    from kiosk.store.attendees import RosterConflict, RosterRow

    with pytest.raises(RosterConflict) as caught:
        import_roster(db, [RosterRow("Anna", code="NEW111"), RosterRow("Bram", code="new111")], now.isoformat())
    assert caught.value.problems == [(1, "has the same code as row 1", 0)]
    assert list_attendees(db) == []


def test_stdin_import(target):
    result = run(target, "import", "attendees", "-", input="naam;stad\nAnna;Ede\n")
    assert result.exit_code == 0 and "stdin: 1 added" in result.stdout
