"""Sign-ups in the store: one choice per round, overlaps, closing, the waitlist and promotion, day_of."""

from __future__ import annotations

import pytest

from kiosk.domain.outcomes import SignupStatus
from kiosk.store.attendees import RosterRow, find_by_code, upsert_attendees
from kiosk.store.signups import cancel, day_of, signup
from tests.support.event import at

# Every test using `db` or `target` runs on SQLite and on PostgreSQL (tests/conftest.py).
BOTH_BACKENDS = True

VAARTOCHT = "lunch-vaartocht"


@pytest.fixture
def crowd(db, now) -> list[str]:
    """Twenty attendees, codes CROWD00..CROWD19."""
    rows = [RosterRow(f"Deelnemer {i}", "Gemeente Test", code=f"CROWD{i:02d}") for i in range(20)]
    upsert_attendees(db, rows, now.isoformat())
    return [row.code for row in rows]


def confirmed_in(db, session_id: str) -> list[str]:
    """Codes with a confirmed seat in the session, in sign-up order."""
    return [r[0] for r in db.execute(
        """SELECT a.code FROM signups s JOIN attendees a ON a.id = s.attendee_id
           WHERE s.session_id = ? AND s.status = 'confirmed' ORDER BY s.id""", (session_id,))]


def test_one_choice_per_round_moves_the_seat(db, people, now):
    code = people["Anna de Vries"]
    first = signup(db, code, "r1-slim-met-stroom", now=now)
    second = signup(db, code, "r1-migratie-en-werk", now=now)
    assert first.status is SignupStatus.CONFIRMED
    assert second.status is SignupStatus.CONFIRMED and second.moved_from == "r1-slim-met-stroom"
    person = find_by_code(db, code)
    rounds = day_of(db, person.id, now=now)
    assert rounds["ronde-1"].choice == "r1-migratie-en-werk"
    assert [o.session_id for o in rounds["ronde-1"].options if o.mine] == ["r1-migratie-en-werk"]
    assert signup(db, code, "r1-migratie-en-werk", now=now).status is SignupStatus.UNCHANGED


def test_lunch_walk_overlaps_the_ambassador_talk(db, people, now):
    code = people["Anna de Vries"]
    assert signup(db, code, "lunch-monet", now=now).status is SignupStatus.CONFIRMED
    refused = signup(db, code, "gesprek-ambassadeur", now=now)
    assert refused.status is SignupStatus.REFUSED
    assert refused.reason == "overlap" and refused.conflict_with == "lunch-monet"
    # Lunch in the theatre goes with the talk: moving the lunch choice makes room.
    assert signup(db, code, "lunch-theater", now=now).moved_from == "lunch-monet"
    assert signup(db, code, "gesprek-ambassadeur", now=now).status is SignupStatus.CONFIRMED


def test_taking_a_seat_that_clashes_with_a_waitlist_place_leaves_that_waitlist(db, crowd, now):
    for code in crowd[:15]:
        signup(db, code, VAARTOCHT, now=now)
    waiting = crowd[15]
    signup(db, waiting, "lunch-theater", now=now)
    assert signup(db, waiting, VAARTOCHT, now=now).status is SignupStatus.WAITLISTED  # lunch in the theatre meanwhile
    talk = signup(db, waiting, "gesprek-ambassadeur", now=now)  # 13:00-14:00: overlaps the boat
    assert talk.status is SignupStatus.CONFIRMED and talk.left_waitlists == [VAARTOCHT]
    cancel(db, crowd[0], VAARTOCHT, now=now)  # the seat goes to someone who can take it
    person = find_by_code(db, waiting)
    assert day_of(db, person.id, now=now)["lunch"].waiting == []
    assert waiting not in confirmed_in(db, VAARTOCHT)


def test_veiligheid_runs_through_the_break_but_not_into_the_pillars(db, people, now):
    code = people["Pieter van 't Hof"]
    assert signup(db, code, "r2-veiligheid", now=now).status is SignupStatus.CONFIRMED
    assert signup(db, code, "pijler-sociaal", now=now).status is SignupStatus.CONFIRMED


def test_choosing_closes_when_the_round_starts(db, people):
    code = people["Anna de Vries"]
    refused = signup(db, code, "r1-slim-met-stroom", now=at("11:30"))
    assert refused.status is SignupStatus.REFUSED and refused.reason == "closed"
    rounds = day_of(db, find_by_code(db, code).id, now=at("11:30"))
    assert rounds["ronde-1"].closed and not rounds["lunch"].closed
    assert signup(db, code, "lunch-monet", now=at("12:44")).status is SignupStatus.CONFIRMED


def test_refusals_unknown_and_cancelled(db, people, now):
    assert signup(db, "NOPE99", VAARTOCHT, now=now).reason == "unknown_code"
    assert signup(db, people["Cancelled Person"], VAARTOCHT, now=now).reason == "cancelled"
    assert signup(db, people["Anna de Vries"], "opening", now=now).reason == "no_signup"
    assert cancel(db, people["Anna de Vries"], VAARTOCHT, now=now).reason == "not_signed_up"


def test_full_session_waitlists_in_order_and_promotes_on_cancel(db, crowd, now):
    for code in crowd[:15]:
        assert signup(db, code, VAARTOCHT, now=now).status is SignupStatus.CONFIRMED
    waits = [signup(db, code, VAARTOCHT, now=now) for code in crowd[15:18]]
    assert [w.status for w in waits] == [SignupStatus.WAITLISTED] * 3
    assert [w.waitlist_position for w in waits] == [1, 2, 3]
    assert len(confirmed_in(db, VAARTOCHT)) == 15

    result = cancel(db, crowd[3], VAARTOCHT, now=now)
    first_waiting = find_by_code(db, crowd[15])
    assert result.promoted == [first_waiting.id]
    assert len(confirmed_in(db, VAARTOCHT)) == 15 and crowd[15] in confirmed_in(db, VAARTOCHT)

    # The promoted person sees it at their next scan; the next in line moved up.
    rounds = day_of(db, first_waiting.id, now=now)
    assert rounds["lunch"].choice == VAARTOCHT and rounds["lunch"].promoted.session_id == VAARTOCHT
    second = day_of(db, find_by_code(db, crowd[16]).id, now=now)["lunch"].waiting
    assert [(o.session_id, o.place) for o in second] == [(VAARTOCHT, 1)]


def test_promotion_releases_the_fallback_seat(db, crowd, now):
    for code in crowd[:15]:
        signup(db, code, VAARTOCHT, now=now)
    waiting = crowd[15]
    assert signup(db, waiting, VAARTOCHT, now=now).status is SignupStatus.WAITLISTED
    # While waiting, they take a fallback in the same round; the promotion moves them off it.
    assert signup(db, waiting, "lunch-monet", now=now).status is SignupStatus.CONFIRMED
    cancel(db, crowd[0], VAARTOCHT, now=now)
    rounds = day_of(db, find_by_code(db, waiting).id, now=now)
    assert rounds["lunch"].choice == VAARTOCHT
    assert not [o for o in rounds["lunch"].options if o.session_id == "lunch-monet" and o.mine]


def test_day_of_counts_seats_and_unlimited(db, crowd, now):
    for code in crowd[:14]:
        signup(db, code, VAARTOCHT, now=now)
    rounds = day_of(db, None, now=now)
    assert list(rounds) == ["ronde-1", "lunch", "gesprek-ambassadeur", "ronde-2", "pijlers"]
    boat = next(o for o in rounds["lunch"].options if o.session_id == VAARTOCHT)
    assert (boat.capacity, boat.confirmed, boat.seats_left, boat.full) == (15, 14, 1, False)
    walk = next(o for o in rounds["lunch"].options if o.session_id == "lunch-monet")
    assert walk.capacity is None and walk.seats_left is None and not walk.full
    signup(db, crowd[14], VAARTOCHT, now=now)
    boat = next(o for o in day_of(db, None, now=now)["lunch"].options if o.session_id == VAARTOCHT)
    assert boat.full and boat.seats_left == 0


def test_a_seat_freed_after_choosing_closed_stays_free(db, crowd, now):
    for code in crowd[:15]:
        signup(db, code, VAARTOCHT, now=now)
    waiting = crowd[15]
    signup(db, waiting, "lunch-theater", now=now)  # their reserve
    signup(db, waiting, VAARTOCHT, now=now)
    result = cancel(db, crowd[0], VAARTOCHT, now=at("13:10"))  # tidied up after the boat left
    assert result.promoted == []
    person = find_by_code(db, waiting)
    lunch = day_of(db, person.id, now=at("13:10"))["lunch"]
    assert lunch.choice == "lunch-theater"  # their lunch is not cancelled for a boat that has gone
