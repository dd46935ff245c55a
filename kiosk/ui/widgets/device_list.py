"""The dashboard's devices: each desk and door on PostgreSQL, when it was last heard from, what it still holds.

"desk-2: 12 waiting, last seen 40 s ago". Read from the `devices` table (kiosk.store.devices) every
few seconds on a thread of its own, so a server that is gone never holds the screen up; hidden
while no device has reported (a SQLite day, where every screen is on one host).
"""

from __future__ import annotations

from typing import Any

from textual import work
from textual.widgets import Static

from kiosk.i18n import Text
from kiosk.store.db import StoreFault, connect
from kiosk.store.devices import DeviceSeen, devices_seen
from kiosk.ui.widgets.plain import clean

WORDS = {
    "heading": Text("Apparaten", "Devices"),
    "line": Text("{device}: {waiting} wachten, {ago} s geleden gezien", "{device}: {waiting} waiting, last seen {ago} s ago"),
    "line_one": Text("{device}: 1 wacht, {ago} s geleden gezien", "{device}: 1 waiting, last seen {ago} s ago"),
    "offline": Text(" · offline", " · offline"),
}
READ_SECONDS = 2.0


def device_line(seen: DeviceSeen, ago: int, lang: str) -> str:
    """One device as the dashboard says it."""
    words = WORDS["line_one"] if seen.waiting == 1 else WORDS["line"]
    line = words(lang, device=clean(seen.device, 40), waiting=seen.waiting, ago=ago)
    return line + (WORDS["offline"](lang) if seen.offline_since else "")


class DeviceList(Static):
    """The devices' heartbeats, one line each, under a heading; nothing while none reported."""

    def __init__(self, lang: str, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self.lang = lang
        self._db: Any = None  # the readers' own connection, kept between reads (one read at a time)

    def on_mount(self) -> None:
        self.display = False
        self.read()
        self.set_interval(READ_SECONDS, self.read)

    def on_unmount(self) -> None:
        if self._db is not None:
            self._db.close()

    @work(thread=True, exclusive=True, exit_on_error=False, group="device-list")
    def read(self) -> None:
        """Read the devices on a thread (its own connection), then show them."""
        ctx = self.app.ctx  # type: ignore[attr-defined]
        try:
            if self._db is None:
                self._db = connect(ctx.settings.db_path, screen=True)  # a frozen server: a few seconds
            seen = devices_seen(self._db)
        except StoreFault:
            return  # the server is gone: the last lines stay, their "last seen" no longer moves
        now = ctx.clock.now()
        self.app.call_from_thread(self._show, [(d, d.seconds_ago(now)) for d in seen])

    def _show(self, rows: list[tuple[DeviceSeen, int]]) -> None:
        self.display = bool(rows)
        text = "\n".join([WORDS["heading"](self.lang), *(device_line(d, ago, self.lang) for d, ago in rows)])
        if str(self.content) != text:
            self.update(text)
