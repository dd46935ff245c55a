"""The floor for terminal measurements: a bare Textual app with one Input and one line of output.

Run as `python -m bench.bare_app`. Enter shows `OK <value>`; each keystroke shows `ECHO <value>`,
standing in for the desk's answer and its updated search list.
"""

from __future__ import annotations

from textual import on
from textual.app import App, ComposeResult
from textual.widgets import Input, Static


class BareApp(App[None]):
    """One Input and one Static, nothing else."""

    def compose(self) -> ComposeResult:
        yield Input(placeholder="Scan a badge or type a name…", id="bare-input")
        yield Static("", id="bare-out", markup=False)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self.query_one("#bare-out", Static).update(f"OK {event.value}")
        event.input.value = ""

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        if event.value:
            self.query_one("#bare-out", Static).update(f"ECHO {event.value}")


if __name__ == "__main__":
    BareApp().run()
