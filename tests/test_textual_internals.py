"""Textual's private names: each one kiosk/ui/textual_internals.py uses still exists, and no other module uses any.

When an upgrade of Textual removes or renames a private name, the test for that name fails and
says which; the tree test fails, naming the file and line, when a screen or widget reaches into
Textual past kiosk/ui/textual_internals.py.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from pathlib import Path

import pytest
import textual
from textual.app import App
from textual.widget import Widget
from textual.widgets import Footer

from kiosk.ui import textual_internals
from kiosk.ui.app import KioskApp
from tests.support.event import ROOT
from tests.support.private_names import Module, is_private, private_uses

UI = ROOT / "kiosk" / "ui"
INTERNALS = UI / "textual_internals.py"


def parameters(function: Callable[..., object]) -> list[str]:
    """The names of a function's parameters, `self` included."""
    return list(inspect.signature(function).parameters)


def check_refresh() -> None:
    method = getattr(Widget, "_check_refresh", None)
    assert callable(method), "Widget._check_refresh is gone"
    assert parameters(method) == ["self"], f"Widget._check_refresh takes {parameters(method)} now"


def fatal_error() -> None:
    method = getattr(App, "_fatal_error", None)
    assert callable(method), "App._fatal_error is gone"
    assert parameters(method) == ["self"], f"App._fatal_error takes {parameters(method)} now"
    # The override only helps while Textual calls it for an unhandled exception.
    assert "self._fatal_error()" in inspect.getsource(App._handle_exception), \
        "App._handle_exception no longer calls App._fatal_error"


def footer_key() -> None:
    footer = importlib.import_module("textual.widgets._footer")
    key = getattr(footer, "FooterKey", None)
    assert isinstance(key, type) and issubclass(key, Widget), "textual.widgets._footer.FooterKey is gone"
    assert parameters(key.__init__)[:7] == ["self", "key", "key_display", "description", "action", "disabled",
                                            "tooltip"], f"FooterKey takes {parameters(key.__init__)} now"
    # It must be what Footer shows each key with, or a footer that builds its own looks different.
    assert "FooterKey(" in inspect.getsource(Footer.compose), "Footer no longer shows its keys as FooterKey"


def cursor_visible() -> None:
    from textual.reactive import Reactive
    from textual.widgets import Input

    assert isinstance(vars(Input).get("_cursor_visible"), Reactive), "Input._cursor_visible is no reactive now"
    # It must be what Input draws the empty field's cursor by, or the kept row shows a stale cursor.
    assert "self._cursor_visible" in inspect.getsource(Input.render_line), \
        "Input.render_line no longer reads Input._cursor_visible"


# The private name as textual_internals touches it -> (Textual's full name, the check of its shape).
USED: dict[str, tuple[str, Callable[[], None]]] = {
    "_check_refresh": ("textual.widget.Widget._check_refresh", check_refresh),
    "_fatal_error": ("textual.app.App._fatal_error", fatal_error),
    "textual.widgets._footer": ("textual.widgets._footer.FooterKey", footer_key),
    "_cursor_visible": ("textual.widgets.Input._cursor_visible", cursor_visible),
}


@pytest.mark.parametrize("name", [full for full, _ in USED.values()])
def test_each_private_name_the_kiosk_uses_still_has_its_shape(name: str) -> None:
    check = next(check for full, check in USED.values() if full == name)
    try:
        check()
    except AssertionError as error:
        reason = str(error).splitlines()[0]
        pytest.fail(f"Textual {textual.__version__}: {name} changed ({reason}); "
                    f"kiosk/ui/textual_internals.py relies on it", pytrace=False)


def test_the_crash_report_override_is_the_one_textual_calls() -> None:
    assert KioskApp._fatal_error is textual_internals.CrashReportWithoutLocals._fatal_error
    assert textual_internals.FooterKey is importlib.import_module("textual.widgets._footer").FooterKey


def internals_uses() -> set[str]:
    """The private Textual names textual_internals.py touches (and the private methods it overrides)."""
    names = {use.name for use in private_uses([module_of(INTERNALS)])}
    for cls in vars(textual_internals).values():
        if isinstance(cls, type) and cls.__module__ == textual_internals.__name__:
            names |= {name for name in vars(cls) if is_private(name)}
    return names


def test_every_private_name_in_textual_internals_is_checked_above() -> None:
    assert internals_uses() == set(USED)


def module_of(path: Path) -> Module:
    """A file of kiosk/ui, imported."""
    name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
    return Module(str(path.relative_to(ROOT)), path.read_text(encoding="utf-8"), vars(importlib.import_module(name)))


def test_no_other_module_of_kiosk_ui_touches_a_private_textual_name() -> None:
    modules = [module_of(path) for path in sorted(UI.rglob("*.py")) if path != INTERNALS]
    uses = private_uses(modules)
    assert not uses, "only kiosk/ui/textual_internals.py may use Textual's private names:\n" + "\n".join(
        map(str, uses))


SNIPPET = '''\
from textual.widgets import Input, Static
from textual.widgets._footer import FooterKey


class Field(Input):
    def __init__(self) -> None:
        super().__init__()
        self._typed = ""

    async def _on_key(self, event) -> None:
        self._restart_blink()
        await super()._on_key(event)

    def _count(self) -> int:
        return len(self._typed)


class Plain:
    def __init__(self) -> None:
        self._bindings = []


def paint(widget, cell, app) -> None:
    widget._check_refresh()
    cell._count()
    getattr(app, "_driver")
'''


def test_the_check_finds_textuals_private_names_and_not_our_own() -> None:
    namespace: dict[str, object] = {"__name__": "snippet"}
    exec(compile(SNIPPET, "snippet.py", "exec"), namespace)
    found = [(use.line, use.name) for use in private_uses([Module("snippet.py", SNIPPET, namespace)])]
    assert found == [
        (2, "textual.widgets._footer"),
        (10, "_on_key"),  # Input's own handler, overridden
        (11, "_restart_blink"),
        (12, "_on_key"),  # super()._on_key
        (24, "_check_refresh"),
        (26, "_driver"),
    ]  # not self._typed, _count, cell._count(), nor a plain class's self._bindings
