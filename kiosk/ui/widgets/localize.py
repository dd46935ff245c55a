"""Footer descriptions of key bindings in the interface language.

BINDINGS are declared once per class with a word key (e.g. "search") as the description;
`localize_bindings` swaps in the phrase from programme_words.KEYS for this instance, so one
class serves both languages and the Footer shows the keys in Dutch or English.
"""

from __future__ import annotations

from dataclasses import replace

from textual.binding import Binding, BindingsMap
from textual.dom import DOMNode

from kiosk.ui.widgets.programme_words import KEYS


def localize_bindings(node: DOMNode, lang: str) -> None:
    """Replace the word keys in `node`'s bindings (and their groups) with phrases in `lang`."""

    def phrase(key: str) -> str:
        return KEYS[key](lang) if key in KEYS else key

    bindings: list[Binding] = []
    groups: dict[int, Binding.Group] = {}
    for _key, binding in node._bindings:  # an instance-level copy per node (Textual 8.2)
        group = binding.group
        if group is not None:
            group = groups.setdefault(id(group), Binding.Group(phrase(group.description), compact=group.compact))
        bindings.append(replace(binding, description=phrase(binding.description), group=group))
    node._bindings = BindingsMap(bindings)
