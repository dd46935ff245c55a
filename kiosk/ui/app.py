"""The Textual app: wires the role screens together as modes, and little else.

Staff roles switch between modes with F-keys. The self-service role is a locked kiosk: no
quit, no palette, no selection, no F-keys; leaving it asks for the staff PIN (PinPrompt), which
is kept only as a salted hash (kiosk.domain.pin).
"""

from __future__ import annotations

import gc
import os
import threading
import time

from textual import events
from textual.app import App
from textual.binding import Binding
from textual.screen import Screen

from kiosk.config import DEFAULT_STAFF_PIN
from kiosk.domain.pin import REDACTED, StaffPin
from kiosk.i18n import Text
from kiosk.store.db import StoreError
from kiosk.ui.context import UiContext
from kiosk.ui.stylesheets import SHARED, add_styles
from kiosk.ui.textual_internals import CrashReportWithoutLocals
from kiosk.ui.widgets.kiosk_look import bilingual, in_language

ROLES = ("programme", "desk", "selfservice", "door", "dashboard")
# Said to the staff member who hands a terminal to the public with the well-known PIN (F6); never
# inside the PIN prompt, where any passer-by would read that 0000 opens it.
DEFAULT_PIN_WARNING = Text(
    "Let op: deze kiosk gebruikt de standaard-PIN. Stel KIOSK_STAFF_PIN in en start opnieuw.",
    "Warning: this kiosk uses the default PIN. Set KIOSK_STAFF_PIN and start it again.",
)
# App actions that stay allowed while locked: moving the focus does no harm.
LOCKED_ALLOWED = frozenset({"focus_next", "focus_previous", "bell"})


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


def _offline_refusal(ctx: UiContext, role: str) -> str | None:
    """Why a desk that is offline does not open `role`'s screen (kiosk/ui/offline_desk.py), or None."""
    from kiosk.ui.offline_desk import offline_refusal  # a desk on PostgreSQL only: loaded with its switch

    return offline_refusal(ctx, role)


class KioskApp(CrashReportWithoutLocals, App[None]):
    """One process of the kiosk, started in one role; staff can switch roles by F-key.

    An unhandled exception's traceback shows no local variables, which can hold attendees' names
    and codes (issue 10; kiosk.ui.textual_internals.CrashReportWithoutLocals).
    """

    TITLE = "Netwerkdag kiosk"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [
        *bilingual("f2", "switch_role('programme')", "Programma", "Programme"),
        *bilingual("f3", "switch_role('desk')", "Balie", "Desk"),
        *bilingual("f4", "switch_role('door')", "Deur", "Door"),
        *bilingual("f5", "switch_role('dashboard')", "Dashboard", "Dashboard"),
        *bilingual("f6", "switch_role('selfservice')", "Zelfservice", "Self-service"),
        Binding("ctrl+q", "quit", "Stop", priority=True),
    ]

    def __init__(self, ctx: UiContext, integrity=None) -> None:
        """`integrity`: the start-up file check running on its thread (launch.IntegrityCheck), if any."""
        # The starting role is Textual's default mode, its screen made by get_default_screen; the
        # other roles are modes made on first use. Switching to the role's mode from a blank default
        # screen in on_mount re-parsed the whole stylesheet twice (and a third time later, its
        # cache lost) before the first screen showed: about 30 ms of a desk's start-up.
        self.DEFAULT_MODE = ctx.role
        # Each mode builds its screen on first use, so a desk never imports the dashboard's code.
        self.MODES = {role: (lambda role=role: self._role_screen(role)) for role in ROLES if role != ctx.role}
        super().__init__()
        # styles.tcss, a section at a time (kiosk.ui.stylesheets): the shared one and the first
        # screen's now, another role's when its screen is first made.
        add_styles(self.stylesheet, SHARED)
        add_styles(self.stylesheet, ctx.role)
        self.ctx = ctx
        self._first_role = ctx.role
        # Hash the PIN and drop the clear text: the settings and the environment lose it now, the
        # hashing thread's arguments when it has run; from then on only the salted hash exists.
        self.pin_is_default: bool = not ctx.settings.staff_pin or ctx.settings.staff_pin == REDACTED
        clear = DEFAULT_STAFF_PIN if self.pin_is_default else ctx.settings.staff_pin
        # scrypt takes ~35 ms of CPU on purpose. It runs on a thread (it releases the GIL) started
        # right after the first paint (`_started`): begun here, it took the second core from the
        # terminal drawing the first screen and slowed that screen by about as much. `staff_pin`
        # starts it if asked sooner, and waits for it, so no PIN is ever checked before it is ready.
        self._staff_pin: StaffPin | None = None
        self._pin_hashed = threading.Thread(
            target=self._hash_pin, args=(clear or DEFAULT_STAFF_PIN, ctx.clock.now), name="staff-pin", daemon=True)
        self._pin_started = threading.Lock()
        if not self.pin_is_default:
            ctx.settings.staff_pin = REDACTED
        os.environ.pop("KIOSK_STAFF_PIN", None)  # child processes must not inherit it either
        del clear
        # Monotonic time of the last key or click anywhere: the self-service idle reset reads it.
        self.last_input: float = time.monotonic()
        self._locked = False
        # The screens the public can touch: the self-service kiosk and the counts-only dashboard.
        self.locked = ctx.role == "selfservice" or (ctx.role == "dashboard" and ctx.public)
        self.integrity = integrity
        # The start left validating the programme and syncing the store to the app (launch's
        # defer_programme). Decided now: a first screen that validates the file itself (the
        # programme's) makes `ready` true before the sync has run.
        self._sync_due = not ctx.deferred.ready
        # What the start-up check found wrong with the file; set, the app only lets staff stop it.
        self.damaged: StoreError | None = None

    def on_mount(self) -> None:
        # The first screen exists now: its role becomes a mode like the others, for the F-keys.
        self.add_mode(self._first_role, lambda: self._role_screen(self._first_role))
        self.call_after_refresh(self._started)

    def _started(self) -> None:
        """The first screen is up: hash the PIN, check the file, validate the programme if the start
        deferred it, and collect garbage again (paused by launch)."""
        self._start_pin_hash()
        if self._sync_due:
            self.run_worker(self._validate_programme, thread=True, exit_on_error=False, name="programme")
        if self.integrity is not None:
            self.integrity.start()
            self.run_worker(self._await_integrity, thread=True, exit_on_error=False, name="integrity")
        if not gc.isenabled():
            # What start-up made lives as long as the app: keep it out of every later collection.
            gc.freeze()
            gc.enable()

    def _validate_programme(self) -> None:
        """On a thread: validate the programme file the first screen was painted without, and
        bring the store in step with it (it already is, unless someone edited the sessions table).

        The same bytes passed before, so this fails only after a change of the kiosk's own rules;
        then the app stops with the problems listed, as a start on that file would have. A server
        away is waited for without a word beyond the screens' own (kiosk/ui/start_sync.py).
        """
        from kiosk.ui.start_sync import sync_at_start

        sync_at_start(self)

    def checked_file(self) -> StoreError | None:
        """Wait for the start-up file check (call from a worker thread); what is wrong, or None.

        Every write waits for it, so a badge scanned in the first moments after a start is never
        written into a damaged file (the check takes about 0.4 s at 100,000 attendees, once).
        """
        return self.integrity.error() if self.integrity is not None else None

    def _await_integrity(self) -> None:
        """On a thread: wait for the file check; a damaged file blocks the app with its own screen."""
        error = self.integrity.error()
        if error is not None:
            self.call_from_thread(self._show_damaged, error)

    def _show_damaged(self, error: StoreError) -> None:
        from kiosk.ui.fault import fault_message
        from kiosk.ui.screens.damaged import DamagedScreen

        self.damaged = error
        self.push_screen(DamagedScreen(fault_message(error, self.ctx.lang), self.ctx.lang))

    def _role_screen(self, role: str) -> Screen:
        """A new screen of `role`, its section of styles.tcss given to the stylesheet first."""
        add_styles(self.stylesheet, role)
        return _screen(role)()

    def get_default_screen(self) -> Screen:
        """The starting role's screen (the default mode's; see __init__)."""
        return _screen(self._first_role)()

    def _start_pin_hash(self) -> None:
        with self._pin_started:
            if self._pin_hashed.ident is None:
                self._pin_hashed.start()

    def _hash_pin(self, clear: str, now) -> None:
        self._staff_pin = StaffPin(clear, is_default=self.pin_is_default, now=now)

    @property
    def staff_pin(self) -> StaffPin:
        """The staff PIN as a salted hash (waits for the hashing made in __init__ and started after the
        first paint, starting it if that has not come yet)."""
        self._start_pin_hash()
        self._pin_hashed.join()
        assert self._staff_pin is not None
        return self._staff_pin

    @property
    def locked(self) -> bool:
        """True while the kiosk is locked: only staff with the PIN may leave or switch role."""
        return self._locked

    @locked.setter
    def locked(self, value: bool) -> None:
        self._locked = value
        # A locked kiosk allows no text selection (nothing to copy off someone's screen).
        self.ALLOW_SELECT = not value
        self.refresh_bindings()

    async def on_event(self, event: events.Event) -> None:
        """Note the time of every key press and click, then handle the event as usual."""
        if isinstance(event, (events.Key, events.MouseDown)) and not event.is_forwarded:
            self.last_input = time.monotonic()
            # The self-service screen tells a scanner's burst from a person's key before any
            # binding or focused widget sees it (kiosk/ui/key_burst.py).
            take_key = getattr(self.screen, "take_key", None)
            if isinstance(event, events.Key) and take_key is not None and take_key(event):
                return
        await super().on_event(event)

    def action_switch_role(self, role: str, lang: str = "") -> None:
        """Go to another role's screen (staff only: refused while the kiosk is locked)."""
        if self.locked:
            return
        # A desk offline: that screen needs its server (the role it started in has its screen already).
        if self.ctx.offline is not None and role != self._first_role and (
                refused := _offline_refusal(self.ctx, role)) is not None:
            self.notify(refused, severity="warning", timeout=8)
            return
        self.ctx.role = role
        if role == "selfservice" or (role == "dashboard" and self.ctx.public):
            # Handing the terminal to the public locks it again (the public dashboard too: it
            # looks the same locked or not, so it must never be left unlocked).
            self.locked = True
            if self.pin_is_default:
                self.notify(DEFAULT_PIN_WARNING(self.ctx.lang), severity="warning", timeout=8)
        self.switch_mode(role)

    def unlock(self, choice: str) -> None:
        """After a correct staff PIN: leave the kiosk ('quit') or switch to a staff role."""
        self.locked = False
        if choice == "quit":
            self.exit()
        elif choice == "dashboard" and self.ctx.public:
            self.locked = True  # the counts-only dashboard was chosen: it stays the public one
        elif choice in ROLES and choice != "selfservice":
            self.action_switch_role(choice)

    async def action_quit(self) -> None:
        """Quit, unless this is the locked kiosk (which leaves through the staff PIN)."""
        if self.damaged is not None:
            self.exit(return_code=2)
        elif not self.locked:
            self.exit()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """While locked, refuse (and hide) every app action but moving the focus.

        This also covers actions in markup links (`[@click=app.quit]`) and Textual's own keys
        (Ctrl+C's hint, the palette, screenshots, theme changes, suspending the process).
        """
        if self.locked and action not in LOCKED_ALLOWED:
            return False
        if hasattr(self, "ctx") and not in_language(parameters, self.ctx.lang):
            return False  # the other language's twin of a key (kiosk_look.bilingual)
        if self.damaged is not None and action != "quit":
            return False  # a damaged file: no switching roles, only stopping
        return True
