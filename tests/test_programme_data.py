"""The shipped programme (data/programme.toml) against its source, the seed programme."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from kiosk.domain.loader import load_programme
from kiosk.domain.programme import Kind, Programme
from tests.support.event import PROGRAMME_PATH as PROGRAMME_FILE
from tests.support.event import SHARED

SEEDS = SHARED / "seeds"

# The ids other parts of the app (and stored choices) refer to: they must not change.
STABLE_IDS = [
    "inloop",
    "opening",
    "plenair-migratie",
    "koffie-1",
    "r1-elke-regio-telt",
    "r1-slim-met-stroom",
    "r1-gemeentelijke-financien",
    "r1-migratie-en-werk",
    "r1-woningvoorraad",
    "lunch-theater",
    "lunch-stadshart",
    "lunch-monet",
    "lunch-houtbouw",
    "lunch-vaartocht",
    "gesprek-ambassadeur",
    "r2-veiligheid",
    "r2-circulair-bouwen",
    "r2-wonen-en-werken",
    "r2-vergunninghouders",
    "r2-inclusieve-zorg",
    "r2-taal-en-beeldvorming",
    "koffie-2",
    "pijler-sociaal",
    "pijler-fysiek",
    "pijler-economie",
    "afsluiting",
]
STABLE_ROUND_IDS = ["ronde-1", "lunch", "gesprek-ambassadeur", "ronde-2", "pijlers"]

# How each cell of the seed's grid starts, and the session(s) it is, in grid order.
# A cell that is a round's name is a header; the cells after it belong to that round.
GRID_CELLS = [
    ("Inloop", "inloop"),
    ("Opening Welkom door", "opening"),
    ("Plenair - Migratie", "plenair-migratie"),
    ("Tijd voor koffie / thee / verplaatsen", "koffie-1"),
    ("Elke Regio Telt!", "r1-elke-regio-telt"),
    ("Slim met Stroom", "r1-slim-met-stroom"),
    ("Gemeentelijke financiën", "r1-gemeentelijke-financien"),
    ("Migratie en Werk", "r1-migratie-en-werk"),
    ("Verdelen van de schaarse woningvoorraad", "r1-woningvoorraad"),
    ("Lunch Tijdens de lunch", "lunch-theater"),
    ("13.00 - 14.00 uur In gesprek met Oleksandr Karasevych", "gesprek-ambassadeur"),
    ("Themagroep Veiligheid", "r2-veiligheid"),
    ("Conceptueel en Circulair bouwen", "r2-circulair-bouwen"),
    ("Ruimte voor Wonen en Werken", "r2-wonen-en-werken"),
    ("Actualiteit Vergunninghouders en Asiel", "r2-vergunninghouders"),
    ("Inclusieve zorg, WMO en Maatschappelijke Opvang", "r2-inclusieve-zorg"),
    ("Tijd voor koffie / thee / verplaatsen", "koffie-2"),
    ("Pijler Sociaal", "pijler-sociaal"),
    ("Pijler Fysiek", "pijler-fysiek"),
    ("Pijler Economie en Werk", "pijler-economie"),
    ("Afsluiting met hapje en drankje", "afsluiting"),
]


def _programme() -> Programme:
    return load_programme(PROGRAMME_FILE)


def _seed_text() -> str:
    """The seed the programme names as its source; skips the test when it is not at hand."""
    if not SEEDS.is_dir():
        pytest.skip(f"seed folder {SEEDS} is absent")
    seed = SEEDS / _programme().event.source
    if not seed.is_file():
        pytest.skip(f"seed file {seed} is absent")
    return seed.read_text(encoding="utf-8")


def _hhmm(text: str) -> dt.time:
    return dt.time.fromisoformat(text.replace(".", ":"))


def _normalise(text: str) -> str:
    return " ".join(text.split())


def _grid_rows(seed: str) -> list[tuple[dt.time, dt.time | None, list[str]]]:
    """The grid: (start, end or None, non-empty cells) per time row, continuation lines merged in."""
    rows: list[tuple[dt.time, dt.time | None, list[str]]] = []
    for line in seed.splitlines():
        if line.strip().startswith("Toelichting"):
            break
        match = re.match(r"^(\d\d\.\d\d)(?: - (\d\d\.\d\d))?\t(.*)$", line)
        if match:
            start, end, rest = match.groups()
            cells = [cell.strip() for cell in rest.split("\t") if cell.strip()]
            rows.append((_hhmm(start), _hhmm(end) if end else None, cells))
        elif line.startswith("\t") and line.strip() and rows:
            rows[-1][2].extend(cell.strip() for cell in line.split("\t") if cell.strip())
    return rows


# (1) ------------------------------------------------------------------------------------------


def test_shipped_programme_loads() -> None:
    programme = _programme()
    assert programme.event.name == "G40 Bestuurlijke Netwerkdag"
    assert programme.event.city == "Zaandam"
    assert programme.event.timezone == "Europe/Amsterdam"
    assert programme.event.source == "000_a321518e6e486348.txt"
    assert len(programme.sessions) == len(STABLE_IDS)
    assert programme.rooms == []
    for rnd in programme.rounds:
        assert rnd.choice and rnd.optional and rnd.closes_minutes_before == 0


# (2) ------------------------------------------------------------------------------------------


def test_every_grid_item_is_present_with_the_seed_times() -> None:
    seed = _seed_text()
    programme = _programme()
    rows = _grid_rows(seed)
    assert rows, "no grid lines found in the seed"
    round_by_name = {r.name: r.id for r in programme.rounds}
    expected = list(GRID_CELLS)
    seen: list[str] = []
    for row_start, row_end, cells in rows:
        current_round = None
        for cell in cells:
            if cell in round_by_name:
                current_round = round_by_name[cell]
                continue
            assert expected, f"grid cell {cell!r} is not in the programme"
            prefix, session_id = expected.pop(0)
            assert cell.startswith(prefix), f"grid cell {cell!r}: expected {prefix!r} ({session_id})"
            session = programme.session(session_id)
            assert session is not None, session_id
            assert session.in_grid
            # A time in the cell itself wins over the row's time ("(14.00 - 15.30 uur)").
            own = re.search(r"(\d\d\.\d\d) - (\d\d\.\d\d) uur", cell)
            start, end = (_hhmm(own[1]), _hhmm(own[2])) if own else (row_start, row_end)
            assert (session.start, session.end) == (start, end), f"{session_id}: {session.time_range()}"
            if current_round is not None:
                assert session.round == current_round, session_id
            seen.append(session_id)
            # The lunch cell lists the activities: "(start 12.45 uur, ...) 1. Stadswandeling ...".
            later = re.search(r"start (\d\d\.\d\d) uur", cell)
            if later:
                items = re.findall(r"\d\. (.+?)\s*(?=\d\. |$)", cell)
                assert len(items) == 4, items
                for item in items:
                    activity = next((s for s in programme.sessions if s.title == item), None)
                    assert activity is not None, f"lunch activity {item!r} is missing"
                    assert (activity.start, activity.end) == (_hhmm(later[1]), row_end), activity.id
                    assert activity.round == "lunch"
                    seen.append(activity.id)
    assert not expected, f"not found in the seed grid: {expected}"
    in_grid = [s.id for s in programme.sessions if s.in_grid]
    assert sorted(seen) == sorted(in_grid)


# (3) ------------------------------------------------------------------------------------------


def test_ids_are_unique_and_stable() -> None:
    programme = _programme()
    ids = [s.id for s in programme.sessions]
    assert len(ids) == len(set(ids))
    assert ids == STABLE_IDS
    assert [r.id for r in programme.rounds] == STABLE_ROUND_IDS


def test_veiligheid_overruns_into_the_coffee_break() -> None:
    programme = _programme()
    veiligheid, koffie = programme.session("r2-veiligheid"), programme.session("koffie-2")
    assert veiligheid.time_range() == "14:00-15:30"
    assert koffie.time_range() == "15:00-15:30"
    assert veiligheid.overlaps(koffie)
    assert "Meer informatie volgt" in veiligheid.notes


def test_lunch_activities_start_at_1245() -> None:
    programme = _programme()
    activities = [s for s in programme.round_sessions("lunch") if s.kind is Kind.ACTIVITY]
    assert [s.id for s in activities] == ["lunch-stadshart", "lunch-monet", "lunch-houtbouw", "lunch-vaartocht"]
    for session in activities:
        assert session.time_range() == "12:45-14:00"
        assert session.signup
        assert any("lunchpakket" in note for note in session.notes)
    assert programme.session("lunch-theater").time_range() == "12:30-14:00"
    talk = programme.session("gesprek-ambassadeur")
    assert talk.time_range() == "13:00-14:00" and talk.round == "gesprek-ambassadeur"
    assert all(talk.overlaps(s) for s in activities)


def test_only_the_vaartocht_has_a_capacity() -> None:
    programme = _programme()
    for session in programme.sessions:
        expected = 15 if session.id == "lunch-vaartocht" else None
        assert session.capacity == expected, session.id
        assert programme.capacity(session) == expected, session.id


def test_closing_has_no_end() -> None:
    closing = _programme().session("afsluiting")
    assert closing.kind is Kind.CLOSING
    assert closing.start == dt.time(16, 30)
    assert closing.end is None


def test_taal_en_beeldvorming_is_round_2_but_not_in_the_grid() -> None:
    programme = _programme()
    session = programme.session("r2-taal-en-beeldvorming")
    assert not session.in_grid
    assert session.round == "ronde-2"
    assert session.time_range() == "14:00-15:00"
    assert session.notes
    assert [s.id for s in programme.sessions if not s.in_grid] == ["r2-taal-en-beeldvorming"]


def test_tentative_items() -> None:
    programme = _programme()
    assert programme.session("r2-inclusieve-zorg").tentative
    assert programme.session("r1-gemeentelijke-financien").tentative
    assert not programme.session("r1-slim-met-stroom").tentative


def test_signup_on_every_session_in_a_round() -> None:
    for session in _programme().sessions:
        assert session.signup == (session.round is not None), session.id


def test_no_html_in_the_texts() -> None:
    for session in _programme().sessions:
        for text in (session.title, session.subtitle, session.description, *session.notes):
            assert "<" not in text and ">" not in text, session.id


def test_descriptions_come_from_the_seed() -> None:
    seed = _normalise(_seed_text())
    for session in _programme().sessions:
        for paragraph in session.description.split("\n\n"):
            if paragraph.strip():
                assert _normalise(paragraph) in seed, f"{session.id}: {paragraph[:60]!r}..."


def test_titles_speakers_and_notes_come_from_the_seed() -> None:
    seed = _normalise(_seed_text())
    lower = seed.lower()
    words = set(re.findall(r"\w+", lower))
    for session in _programme().sessions:
        for text in (session.title, session.subtitle):
            assert _normalise(text) in seed, f"{session.id}: {text!r}"
        assert session.short_title.lower() in lower, f"{session.id}: {session.short_title!r}"
        for speaker in session.speakers:
            assert speaker.name in seed, f"{session.id}: {speaker.name!r}"
            assert speaker.role in {"speaker", "host", "moderator", "guest"}
            assert set(re.findall(r"\w+", speaker.about.lower())) <= words, f"{session.id}: {speaker.about!r}"
        if session.in_grid:  # the one item outside the grid carries an editorial note saying so
            for note in session.notes:
                assert _normalise(note) in seed, f"{session.id}: {note!r}"


def test_descriptions_keep_the_typographic_quotes() -> None:
    programme = _programme()
    assert programme.session("plenair-migratie").description.startswith("“In dit plenaire deel")
    assert "‘Slim met Stroom’" in programme.session("r1-slim-met-stroom").description


# (4) ------------------------------------------------------------------------------------------


def test_placeholders_report_the_missing_date() -> None:
    programme = _programme()
    assert programme.event.date is None
    placeholders = programme.placeholders()
    assert any(line.startswith("event.date") for line in placeholders)
    assert any("plenair-migratie" in line for line in placeholders)
