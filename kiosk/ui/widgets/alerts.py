"""The dashboard's alerts: badge codes guessed, rooms over capacity, full sessions with a waitlist, early door scans."""

from __future__ import annotations

from textual.containers import Vertical
from textual.content import Content

from kiosk.domain.views import Alert
from kiosk.i18n import Text
from kiosk.ui.widgets.lines import line_widgets

WORDS = {
    "over": Text("TE VOL: {title}: {count} binnen, {capacity} plaatsen",
                 "OVER CAPACITY: {title}: {count} inside, {capacity} seats"),
    "full_waitlist": Text("Vol met wachtlijst: {title}: {count} wachtenden",
                          "Full with a waitlist: {title}: {count} waiting"),
    "early": Text("Deurscans vóór de start: {title} (begint {starts_at}): {count} gescand",
                  "Door scans before the start: {title} (starts {starts_at}): {count} scanned"),
    # Shown for the minute after too (kiosk.store.code_guard.ALERT_MINUTES): "paused" would not always hold.
    "guessing": Text("Badgecodes worden geraden bij de publieke kiosks: {count} onbekende codes in een minuut,"
                     " de grens (vanaf {title})",
                     "Badge codes are being guessed at the public kiosks: {count} unknown codes in a minute,"
                     " the limit (from {title})"),
}
NO_ALERTS = Text("Geen meldingen", "No alerts")


def alert_text(alert: Alert, lang: str) -> str:
    """One alert in words."""
    return WORDS[alert.kind](lang, title=alert.title, count=alert.count, capacity=alert.capacity,
                             starts_at=alert.starts_at)


class AlertsList(Vertical):
    """One line per alert, each with the class alert-<kind>; a quiet line when all is well."""

    def show(self, alerts: list[Alert], lang: str) -> None:
        """Replace the alerts shown."""
        lines = [(alert_text(a, lang), f"alert-{a.kind}") for a in alerts] or [(NO_ALERTS(lang), "alert-none")]
        for row, (text, kind) in zip(line_widgets(self, len(lines), "alert-row"), lines):
            row.update(Content(text))
            for other in ("alert-guessing", "alert-over", "alert-full_waitlist", "alert-early", "alert-none"):
                row.set_class(other == kind, other)
        self.set_class(bool(alerts), "has-alerts")
