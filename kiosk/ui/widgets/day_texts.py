"""What the self-service kiosk says about a person's rounds: card notes, outcomes, promotions.

Plain functions (no widgets), so the screen stays about flow and these stay easy to read and test.
"""

from __future__ import annotations

from kiosk.domain.outcomes import SignupResult, SignupStatus
from kiosk.domain.programme import Programme
from kiosk.domain.rules import clashes
from kiosk.domain.views import OptionState, RoundState
from kiosk.i18n import reason_text
from kiosk.store.code_guard import PAUSED
from kiosk.ui.widgets import selfservice_words as W
from kiosk.ui.widgets.option_card import OptionView


def label(programme: Programme, session_id: str, fallback: str = "") -> str:
    """The session's short title from the programme, else the store's title, else its id."""
    session = programme.session(session_id)
    return session.label if session else (fallback or session_id)


def _clash(programme: Programme, a: OptionState, b: OptionState) -> bool:
    """The store's overlap rule, on the calendar moments of both (days and nights read right)."""
    first, second = programme.session(a.session_id), programme.session(b.session_id)
    if first is None or second is None:
        return clashes(a.kind, a.starts_at, a.ends_at, b.kind, b.starts_at, b.ends_at)
    return clashes(a.kind, *programme.span(first), b.kind, *programme.span(second))


def option_views(programme: Programme, states: dict[str, RoundState], round_id: str, lang: str) -> list[OptionView]:
    """The cards of a round with their notes: runs through a break; clashes with a choice made elsewhere."""
    mine = [o for s in states.values() if s.round_id != round_id for o in s.options if o.mine == "confirmed"]
    state = states.get(round_id)
    views = []
    for option in state.options if state else []:
        notes, clash = [], False
        session = programme.session(option.session_id)
        clock = programme.day_clock
        if session and session.end:
            # Themagroep Veiligheid (14.00-15.30) runs on through the 15.00 coffee break: say so.
            for item in programme.day_sessions(programme.day_of(session)):
                if (item.kind == "break" and item.end and item.overlaps(session, clock)
                        and clock.end_offset(session.end) >= clock.end_offset(item.end)):
                    end = session.end.strftime("%H.%M" if lang == "nl" else "%H:%M")
                    notes.append(W.RUNS_THROUGH(lang, end=end))
                    break
        for other in mine:
            if _clash(programme, option, other):
                notes.append(W.OVERLAPS(lang, title=label(programme, other.session_id, other.title)))
                clash = True
        views.append(OptionView(option, label(programme, option.session_id, option.title), notes, clash))
    return views


def promoted_sessions(states: dict[str, RoundState]) -> list[str]:
    """The sessions whose seat came to them from the waitlist and of which they were not told yet."""
    return [o.session_id for s in states.values() if (o := s.promoted)]


def promotion_notice(
    programme: Programme, session_ids: list[str], lang: str, released: dict[str, str] | None = None
) -> tuple[str, str]:
    """The highlighted notice for seats that came to them from the waitlist, and its CSS class.

    `released`: per such seat, the choice it replaced in its round (named, so nobody looks for it).
    """
    released = released or {}
    lines = [W.PROMOTED_INSTEAD(lang, title=label(programme, sid), old=label(programme, released[sid]))
             if sid in released else W.PROMOTED(lang, title=label(programme, sid)) for sid in session_ids]
    return (" ".join(lines), "-notice") if lines else ("", "")


def outcome_message(programme: Programme, result: SignupResult, lang: str) -> tuple[str, str]:
    """The message line for a sign-up's outcome, and its CSS class (-ok, -warn, -error)."""
    title = label(programme, result.session_id)
    if result.status is SignupStatus.CONFIRMED:
        if result.moved_from:
            text = W.MOVED(lang, title=title, old=label(programme, result.moved_from))
        else:
            text = W.CONFIRMED(lang, title=title)
        if result.left_waitlists:
            left = ", ".join(label(programme, sid) for sid in result.left_waitlists)
            return f"{text}. {W.LEFT_WAITLIST(lang, titles=left)}", "-warn"
        return text, "-ok"
    if result.status is SignupStatus.UNCHANGED:
        return W.ALREADY(lang), "-ok"
    if result.status is SignupStatus.CANCELLED:
        return W.GAVE_UP(lang, title=title), "-ok"
    if result.status is SignupStatus.WAITLISTED:
        return W.WAITLISTED(lang, title=title, n=result.waitlist_position), "-warn"
    if result.reason == "overlap" and result.conflict_with:
        other = programme.session(result.conflict_with)
        when = other.time_range() if other else ""
        return W.REFUSED_OVERLAP(lang, title=title, other=label(programme, result.conflict_with), time=when), "-error"
    if result.reason == "closed":
        return W.REFUSED_CLOSED(lang, title=title), "-error"
    if result.reason == PAUSED:  # too many unknown codes at the public kiosks this minute
        return W.ONE_MOMENT(lang), "-warn"
    return W.REFUSED(lang, reason=reason_text(result.reason, lang)), "-error"
