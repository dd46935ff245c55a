"""KeyBurst: a code (fast digits, or any text with a letter) versus a person's single digit."""

from __future__ import annotations

from kiosk.ui.key_burst import BURST_SECONDS, TYPING_SECONDS, KeyBurst, is_code_character


def typed(burst: KeyBurst, text: str, start: float, gap: float) -> float:
    """Feed `text` one key every `gap` seconds from `start`; returns the time of the last key."""
    for i, ch in enumerate(text):
        burst.key(ch, start + i * gap)
    return start + (len(text) - 1) * gap


def test_a_scanner_burst_and_its_enter_give_the_code():
    burst = KeyBurst()
    last = typed(burst, "HYHE2D", 10.0, 0.003)
    assert burst.settled(last + 0.2) is None  # waits for its Enter
    assert burst.enter(last + 0.004) == "HYHE2D" and not burst.pending


def test_a_slow_scanner_or_a_typed_code_is_still_a_code_once_it_has_a_letter():
    burst = KeyBurst()
    last = typed(burst, "T4UZ3G", 10.0, 0.3)  # a person typing the code off the badge
    assert burst.enter(last + 1.0) == "T4UZ3G"
    last = typed(burst, "74UZ3G", 20.0, 0.06)  # a slow Bluetooth scanner, starting with a digit
    assert burst.settled(20.0 + BURST_SECONDS * 0.5) is None
    assert burst.enter(last + 0.01) == "74UZ3G"


def test_a_code_without_its_enter_is_dropped_never_acted_on():
    burst = KeyBurst()
    last = typed(burst, "CPYTZT", 10.0, 0.003)
    assert burst.settled(last + TYPING_SECONDS * 1.1) is None and not burst.pending
    assert burst.enter(last + TYPING_SECONDS * 1.2) is None


def test_a_person_pressing_one_digit_gets_it_back_once_no_burst_follows():
    burst = KeyBurst()
    burst.key("3", 10.0)
    assert burst.settled(10.0 + BURST_SECONDS / 2) is None
    assert burst.settled(10.0 + BURST_SECONDS * 1.1) == "3" and not burst.pending
    assert burst.enter(10.5) is None  # and a later Enter is theirs


def test_a_digit_then_enter_is_that_digit_once():
    burst = KeyBurst()
    burst.key("2", 10.0)
    assert burst.enter(10.02) is None  # not a code ...
    assert burst.single() == "2" and not burst.pending  # ... the screen takes the digit instead


def test_digits_a_person_presses_slowly_are_each_their_own_and_a_lone_letter_chooses_nothing():
    burst = KeyBurst()
    burst.key("2", 10.0)
    assert burst.settled(10.2) == "2"
    burst.key("5", 10.5)
    assert burst.settled(10.7) == "5"
    burst.key("q", 11.0)
    assert burst.settled(11.2) is None and burst.settled(11.0 + TYPING_SECONDS * 1.1) is None


def test_codes_may_hold_the_punctuation_imports_allow():
    assert all(is_code_character(c) for c in "AB-12X.7/_")
    assert not any(is_code_character(c) for c in " #*+")
