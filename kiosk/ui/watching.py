"""The one way a screen or widget watches the database for other machines' writes.

`watch(node, poll)` gives the watcher of the app's database (kiosk.store.watch): on SQLite the
node's own timer calls `poll`, which asks `changed()`; on PostgreSQL the listening thread also
calls `poll` on the app's thread the moment a notification arrives, so another desk's check-in is
on this screen within milliseconds instead of at the next tick.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.dom import DOMNode

from kiosk.store.watch import Watcher, watch_changes


def watch(node: DOMNode, poll: Callable[[], object]) -> Watcher:
    """A watcher of the app's database whose notifications run `poll` on the app's thread."""
    app = node.app

    def heard() -> None:
        app.call_from_thread(poll)

    return watch_changes(app.ctx.settings.db_path, heard)  # type: ignore[attr-defined]
