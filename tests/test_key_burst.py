"""KeyBurst: a scanner's burst is a code; a person's single key is handed on; nothing else is acted on."""

from __future__ import annotations

from kiosk.ui.key_burst import BURST_SECONDS, ENTER_SECONDS, KeyBurst


def typed(burst: KeyBurst, text: str, start: float, gap: float) -> float:
    """Feed `text` one key every `gap` seconds from `start`; returns the time of the last key."""
    for i, ch in enumerate(text):
        burst.key(ch, start + i * gap)
    return start + (len(text) - 1) * gap


def test_a_scanner_burst_and_its_enter_give_the_code():
    burst = KeyBurst()
    last = typed(burst, "HYHE2D", 10.0, 0.003)
    assert burst.settled(last + 0.01) is None  # keys may still follow
    assert burst.enter(last + 0.004) == "HYHE2D" and not burst.pending


def test_a_late_enter_still_ends_the_scan_but_not_after_the_window():
    burst = KeyBurst()
    last = typed(burst, "CPYTZT", 10.0, 0.003)
    assert burst.settled(last + BURST_SECONDS * 2) is None and burst.pending  # waits for its Enter
    assert burst.enter(last + ENTER_SECONDS * 0.9) == "CPYTZT"
    last = typed(burst, "CPYTZT", 20.0, 0.003)
    assert burst.settled(last + ENTER_SECONDS * 1.1) is None and not burst.pending  # dropped, never acted on
    assert burst.enter(last + ENTER_SECONDS * 1.2) is None


def test_a_person_pressing_one_key_gets_it_back_once_no_burst_follows():
    burst = KeyBurst()
    burst.key("3", 10.0)
    assert burst.settled(10.0 + BURST_SECONDS / 2) is None
    assert burst.settled(10.0 + BURST_SECONDS * 1.1) == "3" and not burst.pending
    assert burst.enter(10.5) is None  # and their Enter is theirs: it chooses the focused card


def test_keys_a_person_types_slowly_are_each_their_own():
    burst = KeyBurst()
    burst.key("2", 10.0)
    assert burst.settled(10.1) == "2"
    burst.key("5", 10.3)
    assert burst.settled(10.4) == "5"
