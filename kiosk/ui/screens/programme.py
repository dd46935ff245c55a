"""The programme screen: the day as a schedule grid, with the selected item in a detail pane.

The pane sits beside the grid on wide terminals and below it on narrow ones (< NARROW columns).
Sign-up and door counts come from the store; another process's write is noticed by polling
`PRAGMA data_version` (ChangeWatcher) and only then are the counts read again.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Vertical
from textual.events import Resize
from textual.screen import Screen
from textual.widgets import Footer

from kiosk.domain.grid import build_rows
from kiosk.store.occupancy import EMPTY, Occupancy, occupancy
from kiosk.store.watch import ChangeWatcher
from kiosk.ui.widgets import programme_words as words
from kiosk.ui.widgets.event_header import EventHeader
from kiosk.ui.widgets.grid_search import GridSearch
from kiosk.ui.widgets.localize import localize_bindings
from kiosk.ui.widgets.schedule_grid import ScheduleGrid
from kiosk.ui.widgets.session_detail import SessionDetail

NARROW = 120
POLL_SECONDS = 0.3
NOW_SECONDS = 20


class ProgrammeScreen(Screen[None]):
    """Schedule grid plus detail pane; follows the clock and other processes' writes."""

    BINDINGS = [
        Binding("tab", "toggle_pane", "detail"),
        Binding("slash", "search", "search", key_display="/"),
        Binding("n", "now", "now"),
        Binding("escape", "clear_search", "clear"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.numbers: dict[str, Occupancy] = {}
        self._watcher: ChangeWatcher | None = None

    @property
    def ctx(self):
        """The app's context (settings, programme, clock, store)."""
        return self.app.ctx

    def compose(self) -> ComposeResult:
        ctx = self.ctx
        localize_bindings(self, ctx.lang)
        yield EventHeader(ctx.programme.event.name, words.TITLE(ctx.lang), ctx.clock)
        with Container(id="programme-body"):
            with Vertical(id="programme-main"):
                yield ScheduleGrid(ctx.programme, build_rows(ctx.programme), ctx.lang, id="programme-grid")
                yield GridSearch(ctx.lang, id="programme-search")
            yield SessionDetail(ctx.programme, ctx.lang, id="programme-detail")
        yield Footer()

    @property
    def grid(self) -> ScheduleGrid:
        """The schedule grid."""
        return self.query_one(ScheduleGrid)

    @property
    def detail(self) -> SessionDetail:
        """The detail pane."""
        return self.query_one(SessionDetail)

    def on_mount(self) -> None:
        self.query_one(GridSearch).display = False
        self._watcher = ChangeWatcher(self.ctx.settings.db_path)
        self._reload_numbers()
        self.grid.focus()
        self.action_now()
        self.set_interval(POLL_SECONDS, self._poll)
        self.set_interval(NOW_SECONDS, self._mark_now)

    def on_unmount(self) -> None:
        if self._watcher is not None:
            self._watcher.close()

    def on_resize(self, event: Resize) -> None:
        # Narrow terminals put the pane under the grid; CSS does the rest of the re-layout.
        self.set_class(event.size.width < NARROW, "-narrow")

    def _poll(self) -> None:
        """Cheap check of `data_version`; re-read the counts only when another connection wrote."""
        if self._watcher is not None and self._watcher.changed():
            self._reload_numbers()

    def _reload_numbers(self) -> None:
        self.numbers = occupancy(self.ctx.db())
        self.grid.set_occupancy(self.numbers)
        if self.detail.session is not None:
            self.detail.set_occupancy(self.numbers.get(self.detail.session.id, EMPTY))

    def _mark_now(self) -> int:
        return self.grid.set_now(self.ctx.clock.now().time())

    @on(ScheduleGrid.SelectionChanged)
    def _show_selected(self, event: ScheduleGrid.SelectionChanged) -> None:
        session = self.ctx.programme.session(event.session_id)
        if session is not None:
            self.detail.show(session, self.numbers.get(session.id, EMPTY))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Show "clear search" in the Footer only while there is a search to clear."""
        if action == "clear_search":
            search = self.query(GridSearch)
            return bool(search) and (search.first().display or bool(search.first().value))
        return True

    def action_toggle_pane(self) -> None:
        """Tab: from the grid to the detail pane and back."""
        if self.grid.has_focus:
            self.detail.focus()
        else:
            self.grid.focus()

    def action_search(self) -> None:
        """Open the search line."""
        self.query_one(GridSearch).open()
        self.refresh_bindings()

    def action_now(self) -> None:
        """Mark what is running and next, and jump to it."""
        self.grid.jump_to_row(self._mark_now())

    def action_clear_search(self) -> None:
        """Esc on the grid: show everything again."""
        search = self.query_one(GridSearch)
        search.action_clear_search()

    @on(GridSearch.Changed)
    def _filter(self, event: GridSearch.Changed) -> None:
        self.grid.set_filter(event.value)

    @on(GridSearch.Closed)
    def _search_closed(self, event: GridSearch.Closed) -> None:
        if event.cleared:
            self.grid.set_filter("")
        self.grid.focus()
        self.refresh_bindings()
