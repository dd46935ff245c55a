"""A door offline says what it says online about a person's sign-up (kiosk.store.offline_door.copy_signup).

The door's copy holds its session's sign-ups, refreshed from the server's changes like the rest of
the copy (kiosk.store.offline_copy: new ones by id, cancelled or promoted ones by their time of
change). The same people are scanned at the door online (kiosk.store.door.door_scan, on the
server) and offline (from the copy, answer_door_offline): the door's words for each, in both
languages, are the same (kiosk/ui/widgets/door_answer.py decides them from the answer). A copy made
before the copy kept sign-ups still answers, and claims nothing about them until it is refreshed.
"""

from __future__ import annotations

import sqlite3

from kiosk.domain.roster import RosterRow
from kiosk.store.attendees import upsert_attendees
from kiosk.store.door import door_scan
from kiosk.store.offline_copy import LOCAL_SCHEMA, LOCAL_V2, open_local, refresh
from kiosk.store.offline_door import answer_door_offline
from kiosk.store.offline_files import local_path
from kiosk.store.signups import cancel, signup
from kiosk.ui.widgets.door_answer import describe
from tests.support.event import at

BOTH_BACKENDS = True
ROOM = "lunch-vaartocht"  # 15 seats, chosen at the kiosk
OPEN_ROOM = "lunch-theater"  # the theatre lunch: no seat limit, chosen at the kiosk too
GUESTS = [RosterRow(f"Gast {n:02d}", "Gemeente Ede", "Ede", "", f"GAST{n:02d}") for n in range(14)]


def _fill_the_boat(db, people) -> None:
    """Ayşe and 14 guests take the 15 seats; Søren and then Pieter are on the waitlist (places 1 and 2)."""
    upsert_attendees(db, GUESTS, at("08:00").isoformat())
    signup(db, people["Ayşe Çelik"], ROOM, now=at("09:00"))
    for guest in GUESTS:
        signup(db, guest.code, ROOM, now=at("09:01"))
    assert signup(db, people["Søren Ødegaard"], ROOM, now=at("09:02")).status.value == "waitlisted"
    signup(db, people["Pieter van 't Hof"], ROOM, now=at("09:03"))
    signup(db, people["Anna de Vries"], ROOM, now=at("09:04"))
    cancel(db, people["Anna de Vries"], ROOM, now=at("09:05"))  # gave her waitlist place up: not signed up


def _copy(db, tmp_path, room=ROOM):
    local = open_local(local_path(tmp_path, "door-1", "server-a"), "server-a")
    refresh(db, local, ("venue", room), source="server-a")
    return local


def _words(result, lang):
    answer = describe(result, lang, lambda session_id: session_id)
    return answer.light, answer.lines


def test_the_door_offline_says_what_it_says_online_of_each_sign_up(db, people, tmp_path):
    _fill_the_boat(db, people)
    local = _copy(db, tmp_path)
    shown = {}
    for n, name in enumerate(["Ayşe Çelik", "Søren Ødegaard", "Pieter van 't Hof", "Anna de Vries",
                              "[@click=app.quit]x[/]"]):
        moment = at("12:40").replace(second=n * 5)
        online = door_scan(db, people[name], ROOM, now=moment, device="door-2")
        offline = answer_door_offline(local, people[name], ROOM, now=moment, device="door-1", nonce=f"s{n}")
        for lang in ("nl", "en"):
            assert _words(offline, lang) == _words(online, lang), (name, lang)
        shown[name] = _words(offline, "en")
    assert shown["Ayşe Çelik"] == ("green", ["In · Welcome", "Also checked in at the venue",
                                             "✔ Signed up for this session"])
    assert shown["Søren Ødegaard"] == ("amber", ["! ON THE WAITLIST (place 1): no seat", "In · Welcome",
                                                 "Also checked in at the venue"])
    assert shown["Pieter van 't Hof"][1][0] == "! ON THE WAITLIST (place 2): no seat"
    assert shown["Anna de Vries"] == ("amber", ["! NOT SIGNED UP for this session", "In · Welcome",
                                                "Also checked in at the venue"])  # her cancelled place is no place
    assert shown["[@click=app.quit]x[/]"][1][0] == "! NOT SIGNED UP for this session"


def test_the_copy_follows_sign_ups_cancelled_and_promoted_since_its_last_look(db, people, tmp_path):
    _fill_the_boat(db, people)
    local = _copy(db, tmp_path)
    assert refresh(db, local, ("venue", ROOM), source="server-a").signups == 0  # nothing new: nothing read again
    cancel(db, people["Ayşe Çelik"], ROOM, now=at("10:00"))  # her seat goes to Søren, first on the waitlist
    signup(db, people["Anna de Vries"], ROOM, now=at("10:01"))  # on the waitlist again, behind Pieter
    assert refresh(db, local, ("venue", ROOM), source="server-a").signups == 3
    for n, name in enumerate(["Ayşe Çelik", "Søren Ødegaard", "Pieter van 't Hof", "Anna de Vries"]):
        moment = at("12:40").replace(second=n * 5)
        online = door_scan(db, people[name], ROOM, now=moment, device="door-2")
        offline = answer_door_offline(local, people[name], ROOM, now=moment, device="door-1", nonce=f"p{n}")
        assert (offline.signup_session, offline.signup_status, offline.waitlist_place) == (
            online.signup_session, online.signup_status, online.waitlist_place), name
        assert _words(offline, "nl") == _words(online, "nl"), name
    assert _words(answer_door_offline(local, people["Søren Ødegaard"], ROOM, now=at("12:50"), device="door-1",
                                      direction="exit", nonce="x1"), "en") == ("green", ["Left the room"])


def test_a_room_without_a_seat_limit_warns_of_no_one_offline_as_online(db, people, tmp_path):
    local = _copy(db, tmp_path, OPEN_ROOM)
    online = door_scan(db, people["Anna de Vries"], OPEN_ROOM, now=at("12:40"), device="door-2")
    offline = answer_door_offline(local, people["Anna de Vries"], OPEN_ROOM, now=at("12:40"), device="door-1")
    assert _words(offline, "en") == _words(online, "en")
    assert not any(line.startswith("!") for line in _words(offline, "en")[1])


def test_a_copy_made_before_sign_ups_were_kept_answers_and_claims_none_until_refreshed(db, people, tmp_path):
    _fill_the_boat(db, people)
    path = local_path(tmp_path, "door-1", "server-a")
    old = sqlite3.connect(path)  # the file as the version before this one left it on the device
    for statement in [*LOCAL_SCHEMA.split(";"), *LOCAL_V2]:
        if statement.strip():
            old.execute(statement)
    anna = db.execute("SELECT id, code, name, organisation, city, status, updated_at FROM attendees WHERE code = ?",
                      (people["Anna de Vries"],)).fetchone()
    old.execute("INSERT INTO copy_attendees (id, code, name, organisation, city, status, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)", tuple(anna))
    old.executemany("INSERT INTO copy_state (key, value) VALUES (?, ?)",
                    [("source", "server-a"), ("lists", f"venue {ROOM}"), (f"capacity:{ROOM}", "15")])
    old.execute("PRAGMA user_version = 2")
    old.commit()
    old.close()
    local = open_local(path, "server-a")
    before = answer_door_offline(local, people["Anna de Vries"], ROOM, now=at("12:40"), device="door-1", nonce="o1")
    assert (before.person.name, before.inside, before.capacity) == ("Anna de Vries", 1, 15)
    assert _words(before, "en")[1][-1] != "! NOT SIGNED UP for this session"  # not known yet: no warning
    assert not before.signup_session
    refresh(db, local, ("venue", ROOM), source="server-a")
    after = answer_door_offline(local, people["Søren Ødegaard"], ROOM, now=at("12:41"), device="door-1", nonce="o2")
    assert _words(after, "en")[1][0] == "! ON THE WAITLIST (place 1): no seat"
