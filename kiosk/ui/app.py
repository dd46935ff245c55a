"""The Textual app: wires the role screens together as modes, and little else.

Staff roles switch between modes with F-keys. The self-service role is a locked kiosk: no
quit, no palette, no selection; leaving it asks for the staff PIN (see screens/selfservice.py).
"""

from __future__ import annotations

from pathlib import Path

from textual.app import App
from textual.binding import Binding

from kiosk.ui.context import UiContext

ROLES = ("programme", "desk", "selfservice", "door", "dashboard")
STYLES = Path(__file__).resolve().parent.parent.parent / "styles.tcss"


def _screen(role: str):
    """The screen class of a role, imported when first needed (keeps start-up light)."""
    from importlib import import_module

    module_name, class_name = {
        "programme": ("kiosk.ui.screens.programme", "ProgrammeScreen"),
        "desk": ("kiosk.ui.screens.desk", "DeskScreen"),
        "selfservice": ("kiosk.ui.screens.selfservice", "SelfServiceScreen"),
        "door": ("kiosk.ui.screens.door", "DoorScreen"),
        "dashboard": ("kiosk.ui.screens.dashboard", "DashboardScreen"),
    }[role]
    return getattr(import_module(module_name), class_name)


class KioskApp(App[None]):
    """One process of the kiosk, started in one role; staff can switch roles by F-key."""

    CSS_PATH = STYLES
    TITLE = "Netwerkdag kiosk"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [
        Binding("f2", "switch_role('programme')", "Programma/Programme"),
        Binding("f3", "switch_role('desk')", "Balie/Desk"),
        Binding("f4", "switch_role('door')", "Deur/Door"),
        Binding("f5", "switch_role('dashboard')", "Dashboard"),
        Binding("f6", "switch_role('selfservice')", "Zelfservice/Self-service"),
        Binding("ctrl+q", "quit", "Stop", priority=True),
    ]

    # Each mode builds its screen on first use, so a desk never imports the dashboard's code.
    MODES = {role: (lambda role=role: _screen(role)()) for role in ROLES}

    def __init__(self, ctx: UiContext) -> None:
        super().__init__()
        self.ctx = ctx
        if ctx.role == "selfservice":
            # A locked kiosk: what a passer-by could use to leave it is switched off.
            self.ALLOW_SELECT = False

    @property
    def locked(self) -> bool:
        """True while the self-service kiosk is showing: only staff with the PIN may leave."""
        return self.current_mode == "selfservice"

    def on_mount(self) -> None:
        self.switch_mode(self.ctx.role)

    def action_switch_role(self, role: str) -> None:
        """Go to another role's screen (staff only: refused while the kiosk is locked)."""
        if self.locked:
            return
        self.ctx.role = role
        self.switch_mode(role)

    async def action_quit(self) -> None:
        """Quit, unless this is the locked kiosk (which leaves through the staff PIN)."""
        if self.locked:
            return
        self.exit()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Hide and refuse the app's own keys while the kiosk is locked."""
        if self.locked and action in ("switch_role", "quit", "command_palette"):
            return False
        return True
