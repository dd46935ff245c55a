"""The dashboard's line for a server that cannot be reached: one sentence, until the figures come back.

The dashboard reads its figures on the UI thread (kiosk/ui/screens/dashboard.py); when the
database server stops or the network drops, a read fails, and instead of the app ending with a
traceback the figures already on screen stay and this line says, in the screen's language, that
the server cannot be reached and since when they are: "The database server cannot be reached;
the figures below are from 11:42 and update by themselves once it is back." The next read that
works hides it again (`back`).
"""

from __future__ import annotations

import datetime as dt

from textual.widgets import Static

from kiosk.i18n import Text

WORDS = {
    "away": Text("De databaseserver is niet bereikbaar; de cijfers hieronder zijn van {time} en worden vanzelf "
                 "weer bijgewerkt zodra hij terug is.",
                 "The database server cannot be reached; the figures below are from {time} and update by "
                 "themselves once it is back."),
    # Nothing was read yet (the dashboard opened while the server was away).
    "away_unread": Text("De databaseserver is niet bereikbaar; de cijfers verschijnen vanzelf zodra hij terug is.",
                        "The database server cannot be reached; the figures appear by themselves once it is back."),
}


def away_text(lang: str, since: dt.datetime | None) -> str:
    """The sentence for a server away since the figures of `since` (None: none were read yet)."""
    if since is None:
        return WORDS["away_unread"](lang)
    return WORDS["away"](lang, time=since.strftime("%H:%M:%S"))


class ServerAway(Static):
    """Hidden while the server answers; one sentence over the figures while it does not."""

    DEFAULT_CSS = """
    ServerAway { display: none; height: auto; width: 100%; padding: 0 1; text-style: bold;
                 background: $error; color: $text; }
    ServerAway.-away { display: block; }
    """

    def __init__(self, lang: str, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self.lang = lang  # the screen's language (the dashboard words its sentence with it)

    @property
    def is_away(self) -> bool:
        """True while the line is up."""
        return self.has_class("-away")

    def away(self, said: str) -> None:
        """Show `said` (`away_text`, or another fault in words) until `back`."""
        if str(self.content) != said:
            self.update(said)
        self.add_class("-away")

    def back(self) -> None:
        """A read worked again: hide the line."""
        if self.is_away:
            self.remove_class("-away")
            self.update("")

    @property
    def text(self) -> str:
        """What the line says ('' when hidden)."""
        return str(self.content) if self.is_away else ""
