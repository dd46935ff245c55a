"""A Footer that rebuilds its keys only when the keys it shows have changed, and can fit its width.

Textual's Footer throws away and rebuilds every key (a widget each, with styles) on every
"bindings may have changed" signal: the focus moving, the terminal gaining focus, a reactive with
bindings. At start-up that happened three times in a row with the same keys, about 15 ms each,
before the desk could show. This one compares what it would show with what it shows and skips
the rebuild when they are the same.

Textual's Footer also simply cuts at the right edge: at 80 columns the Dutch desk lost Stop and
the role keys, whichever happened to come last. Given `drop_first` (keys, least used first), this
footer fits its width instead: all keys in Textual's roomy style when they fit, else the compact
style, and then it leaves out keys in that order until the rest fits.

It uses Footer's public hooks only: Footer's own `bindings_changed` notes that the keys are
ready and asks for a `recompose`, which this footer skips while the keys are the same. Textual
does not export the key widget it builds in the fitting case: that comes through
kiosk.ui.textual_internals.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer

from kiosk.ui.textual_internals import FooterKey

# Cells a key takes besides its key and description: padding (and, compact, the margin) of FooterKey.
ROOMY_EXTRA = 3
COMPACT_EXTRA = 2


def fit_keys(
    keys: Sequence[tuple[str, str, str]], width: int, drop_first: Sequence[str]
) -> tuple[bool, list[str]]:
    """Which of `keys` (key, key as shown, description) fit in `width` cells: (compact, kept keys).

    Roomy when all fit so; else compact, dropping keys in `drop_first` order until the rest fits
    (keys not listed are kept; the footer cuts them at the edge if even those do not fit).
    """
    def needed(kept: Iterable[tuple[str, str, str]], extra: int) -> int:
        return sum(cell_len(shown) + cell_len(description) + extra for _, shown, description in kept)

    if needed(keys, ROOMY_EXTRA) <= width:
        return False, [key for key, _, _ in keys]
    kept = list(keys)
    for key in drop_first:
        if needed(kept, COMPACT_EXTRA) <= width:
            break
        kept = [entry for entry in kept if entry[0] != key]
    return True, [key for key, _, _ in kept]


class SteadyFooter(Footer):
    """The same keys as Footer; rebuilt only when a key, its label or its enabled state changed."""

    def __init__(self, *, drop_first: Sequence[str] = (), **kwargs: object) -> None:
        """`drop_first`: fit the width by leaving out these keys first (least used first)."""
        super().__init__(**kwargs)
        self._shown: tuple | None = None
        self._drop_first = tuple(drop_first)
        # Set at the first "bindings changed" signal: until then the screen's keys are not known.
        self._keys_known = False

    def _shown_bindings(self) -> list[tuple[Binding, bool, str]]:
        """The bindings Footer would show, one per action (as Footer groups them), in its order."""
        seen: dict[str, tuple[Binding, bool, str]] = {}
        for _, binding, enabled, tooltip in self.screen.active_bindings.values():
            if binding.show:
                seen.setdefault(binding.action, (binding, enabled, tooltip))
        return list(seen.values())

    def _fitting(self) -> tuple[bool, list[tuple[Binding, bool, str]]]:
        """Compact or not, and the bindings that fit this footer's width."""
        bindings = self._shown_bindings()
        keys = [(b.key, self.app.get_key_display(b), b.description) for b, _, _ in bindings]
        compact, kept = fit_keys(keys, self.app.size.width, self._drop_first)
        return compact, [entry for entry in bindings if entry[0].key in kept]

    def _keys(self) -> tuple:
        """What the footer would show now: each key with its action, label and state (and the style)."""
        if self._drop_first:
            compact, bindings = self._fitting()
        else:
            compact = self.compact
            bindings = [(b, e, t) for (_, b, e, t) in self.screen.active_bindings.values() if b.show]
        return compact, tuple((b.key, b.action, b.description, e, t) for b, e, t in bindings)

    def compose(self) -> ComposeResult:
        if self._keys_known:
            self._shown = self._keys()
        if not self._drop_first:
            yield from super().compose()
            return
        if not self._keys_known:
            return
        compact, bindings = self._fitting()
        self.set_reactive(Footer.compact, compact)
        self.set_class(compact, "-compact")
        for binding, enabled, tooltip in bindings:
            yield FooterKey(binding.key, self.app.get_key_display(binding), binding.description, binding.action,
                            disabled=not enabled, tooltip=tooltip).data_bind(compact=Footer.compact)

    def bindings_changed(self, screen: Screen) -> None:
        """Rebuild (as Footer does), unless the keys are those shown by the time the rebuild runs."""
        self._keys_known = True
        # Footer's own: marks its keys ready, and (app focused, this screen's footer) asks for a
        # recompose after the next refresh, which `recompose` below skips when nothing changed.
        super().bindings_changed(screen)

    def on_resize(self, event: events.Resize) -> None:
        """A footer that fits its width shows other keys at another width."""
        if self._drop_first and self._keys_known and self.is_attached:
            self.call_after_refresh(self.recompose)

    async def recompose(self) -> None:
        """Rebuild the keys (compose again) only when what the footer would show has changed."""
        if self.is_attached and self._keys_known and self._keys() == self._shown:
            return
        await super().recompose()
