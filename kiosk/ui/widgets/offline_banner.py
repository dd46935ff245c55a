"""The desk's and door's offline banner: "OFFLINE: scans are kept on this desk, 7 waiting", in the screen's language.

Hidden while the desk is online. Mounted with the desk, it starts the desk's offline switch
(kiosk/ui/offline_desk.py) and stops it when the desk leaves; four times a second it looks at the
switch (two numbers in memory, no database) and says what it sees: offline and how many scans
wait, and once they are all uploaded, for a few seconds, that the desk is online again.
"""

from __future__ import annotations

from textual.widgets import Static

from kiosk.i18n import Text
from kiosk.ui.offline_desk import start_switch, stop_switch

WORDS = {
    "offline": Text("OFFLINE: scans worden op deze balie bewaard, {count} wachten",
                    "OFFLINE: scans are kept on this desk, {count} waiting"),
    "offline_one": Text("OFFLINE: scans worden op deze balie bewaard, 1 wacht",
                        "OFFLINE: scans are kept on this desk, 1 waiting"),
    "door_offline": Text("OFFLINE: scans worden bij deze deur bewaard, {count} wachten",
                         "OFFLINE: scans are kept at this door, {count} waiting"),
    "door_offline_one": Text("OFFLINE: scans worden bij deze deur bewaard, 1 wacht",
                             "OFFLINE: scans are kept at this door, 1 waiting"),
    "back": Text("Weer online: alle scans staan op de server", "Online again: every scan is on the server"),
}
LOOK_SECONDS = 0.25
# How long "online again" stays before the banner hides.
BACK_SECONDS = 5.0


def banner_text(offline: bool, waiting: int, lang: str, where: str = "desk") -> str:
    """What the banner says for this state ('' while online); `where`: over a desk or a door."""
    if not offline:
        return ""
    prefix = "door_" if where == "door" else ""
    return WORDS[f"{prefix}offline_one"](lang) if waiting == 1 else WORDS[f"{prefix}offline"](lang, count=waiting)


class OfflineBanner(Static):
    """One line over the desk while it answers from its local copy; nothing on SQLite or while online."""

    DEFAULT_CSS = """
    OfflineBanner { display: none; height: 1; width: 100%; padding: 0 1; text-style: bold;
                    background: $error; color: $text; }
    OfflineBanner.-offline, OfflineBanner.-back { display: block; }
    OfflineBanner.-back { background: $success; }
    """

    def __init__(self, lang: str, *, where: str = "desk", id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self.lang = lang
        self.where = where
        self._was_offline = False
        self._back_left = 0.0

    def on_mount(self) -> None:
        if start_switch(self.app.ctx) is not None:  # type: ignore[attr-defined]
            self.set_interval(LOOK_SECONDS, self._look)

    def on_unmount(self) -> None:
        stop_switch(self.app.ctx)  # type: ignore[attr-defined]

    def _look(self) -> None:
        switch = self.app.ctx.offline  # type: ignore[attr-defined]
        if switch is None:
            return
        offline, waiting = switch.offline, switch.waiting
        if offline:
            text = banner_text(True, waiting, self.lang, self.where)
            self._was_offline, self._back_left = True, BACK_SECONDS
        elif self._was_offline and self._back_left > 0:
            text = WORDS["back"](self.lang)
            self._back_left -= LOOK_SECONDS
        else:
            text, self._was_offline = "", False
        self.set_class(offline, "-offline")
        self.set_class(not offline and bool(text), "-back")
        if str(self.content) != text:
            self.update(text)

    @property
    def text(self) -> str:
        """What the banner says now ('' when hidden)."""
        return str(self.content)
