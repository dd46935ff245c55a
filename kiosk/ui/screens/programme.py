"""The programme screen: the day as a schedule grid, with the selected item in a detail pane.

A programme of several days gets a tab per day (a one-day programme shows no tabs); the tab of
the clock's day opens first and `n` returns to it. Search looks through every day: each tab shows
how many items match, and when the open day has none, the first day that has some opens.
The pane sits beside the grid on wide terminals and below it on narrow ones (< NARROW columns).
Sign-up and door counts come from the store; another process's write is noticed by polling
`PRAGMA data_version` or, on PostgreSQL, a notification (kiosk/ui/watching.py) and only then are the counts read again.
"""

from __future__ import annotations

import datetime as dt

from textual import on
from textual.app import ComposeResult
from textual.containers import Container, Vertical
from textual.events import Resize
from textual.screen import Screen
from textual.widgets import Footer, TabbedContent, TabPane

from kiosk.domain.grid import build_rows, day_index, is_today, now_row_on
from kiosk.domain.views import EMPTY, Occupancy
from kiosk.store.db import StoreFault
from kiosk.store.occupancy import occupancy
from kiosk.store.watch import Watcher
from kiosk.ui.watching import watch
from kiosk.ui.widgets import programme_words as words
from kiosk.ui.widgets.event_header import EventHeader
from kiosk.ui.widgets.grid_search import GridSearch
from kiosk.ui.widgets.kiosk_look import bilingual, in_language
from kiosk.ui.widgets.programme_words import KEYS
from kiosk.ui.widgets.schedule_grid import ScheduleGrid
from kiosk.ui.widgets.session_detail import SessionDetail

NARROW = 120
POLL_SECONDS = 0.3
# The now/next markers follow the clock within a second; marking only touches rows that change.
NOW_SECONDS = 1.0


class ProgrammeScreen(Screen[None]):
    """Schedule grid (a tab per day) plus detail pane; follows the clock and other processes' writes."""


    # Each key twice, described in Dutch and in English; check_action shows the screen's language.
    BINDINGS = [
        *bilingual("tab", "toggle_pane", *KEYS["detail"]),
        # Priority: the search line has the keyboard before the letters typed right behind the `/` are
        # handed out (they went to the grid, and the search began without them); refused on the line itself.
        *bilingual("slash", "search", *KEYS["search"], key_display="/", priority=True),
        *bilingual("n", "now", *KEYS["now"]),
        # One Footer entry for both keys; shown only when the programme has several days.
        *bilingual("right_square_bracket", "day(1)", *KEYS["day"], key_display="[ ]"),
        *bilingual("left_square_bracket", "day(-1)", *KEYS["day"], show=False),
        *bilingual("escape", "clear_search", *KEYS["clear"]),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.numbers: dict[str, Occupancy] = {}
        self._watcher: Watcher | None = None
        self.days: list[dt.date | None] = []

    @property
    def ctx(self):
        """The app's context (settings, programme, clock, store)."""
        return self.app.ctx

    @property
    def several_days(self) -> bool:
        """True when the programme spans more than one day (and so shows tabs)."""
        return len(self.days) > 1

    def compose(self) -> ComposeResult:
        ctx = self.ctx
        programme, lang = ctx.programme, ctx.lang
        self.days = programme.days()
        yield EventHeader(ctx.event.name, words.TITLE(lang), ctx.clock)
        with Container(id="programme-body"):
            with Vertical(id="programme-main"):
                if self.several_days:
                    today = day_index(self.days, self._today())
                    with TabbedContent(id="programme-days", initial=f"day-{today}"):
                        for index, day in enumerate(self.days):
                            with TabPane(self._tab_label(index), id=f"day-{index}"):
                                rows = build_rows(programme, programme.day_sessions(day))
                                yield ScheduleGrid(programme, rows, lang, id=f"programme-grid-{index}")
                else:
                    yield ScheduleGrid(programme, build_rows(programme), lang, id="programme-grid")
                yield GridSearch(lang, id="programme-search")
            yield SessionDetail(programme, lang, id="programme-detail")
        yield Footer()

    @property
    def grids(self) -> list[ScheduleGrid]:
        """One grid per day, in day order."""
        return list(self.query(ScheduleGrid))

    @property
    def day_shown(self) -> int:
        """The index of the day whose grid is shown."""
        if not self.several_days:
            return 0
        active = self.query_one(TabbedContent).active
        return int(active.removeprefix("day-")) if active else 0

    @property
    def grid(self) -> ScheduleGrid:
        """The schedule grid that is shown (the open tab's)."""
        return self.grids[self.day_shown]

    @property
    def detail(self) -> SessionDetail:
        """The detail pane."""
        return self.query_one(SessionDetail)

    def on_mount(self) -> None:
        self.query_one(GridSearch).display = False
        self._watcher = watch(self, self._poll)
        self._reload_numbers()
        self.grid.focus()
        self.action_now()
        if self.several_days:
            # The tabs settle their layout a frame later, which scrolls the grid off the row: jump again.
            self.call_after_refresh(self.action_now)
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
        try:
            self.numbers = occupancy(self.ctx.db())
        except StoreFault:
            # The server is away (a desk scanning on offline: F2): the programme shows, its counts
            # come back with the server (the watcher reports its return as a change).
            return
        for grid in self.grids:
            grid.set_occupancy(self.numbers)
        if self.detail.session is not None:
            self.detail.set_occupancy(self.numbers.get(self.detail.session.id, EMPTY))

    def _today(self) -> dt.date:
        """The conference day the clock is on: at 00:30 in the night after day 1, still day 1."""
        return self.ctx.programme.day_clock.day_of(self.ctx.clock.now())

    def _mark_now(self) -> None:
        """Mark running and next on the grid of the clock's day; other days show no marker."""
        now, today = self.ctx.clock.now(), self._today()
        for day, grid in zip(self.days, self.grids):
            grid.set_now(now.time() if is_today(day, today) else None)

    def _tab_label(self, index: int, count: int | None = None) -> str:
        """`di 15 dec`, with the number of matches while searching (`di 15 dec · 3`)."""
        label = words.day_label(self.days[index], self.ctx.lang)
        return label if count is None else f"{label} · {count}"

    def _show_day(self, index: int) -> None:
        """Open the tab of a day (a no-op for a one-day programme)."""
        if self.several_days:
            self.query_one(TabbedContent).active = f"day-{index}"

    @on(TabbedContent.TabActivated)
    def _day_opened(self, event: TabbedContent.TabActivated) -> None:
        grid = self.grid
        if not self.query_one(GridSearch).has_focus:  # never take the keyboard from someone typing
            grid.focus()
        grid.select(*grid.position, scroll=False)  # the pane follows the day that is shown

    @on(ScheduleGrid.SelectionChanged)
    def _show_selected(self, event: ScheduleGrid.SelectionChanged) -> None:
        if event.grid is not self.grid:
            return  # a search moved the selection on a day that is not shown
        session = self.ctx.programme.session(event.session_id)
        if session is not None:
            self.detail.show(session, self.numbers.get(session.id, EMPTY))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Footer: "clear search" while there is one, "day" with several days, "search" off the search line.

        Each key only in the interface's language (the other's twin of a `bilingual` key is hidden).
        """
        if not in_language(parameters, self.ctx.lang):
            return False
        if action == "clear_search":
            search = self.query(GridSearch)
            return bool(search) and (search.first().display or bool(search.first().value))
        if action == "day":
            return self.several_days
        if action == "search":
            return self.focused is not self.query_one(GridSearch)  # `/` types a slash there
        return True

    def action_toggle_pane(self, lang: str = "") -> None:
        """Tab: from the grid to the detail pane and back."""
        if self.grid.has_focus:
            self.detail.focus()
        else:
            self.grid.focus()

    def action_search(self, lang: str = "") -> None:
        """Open the search line."""
        self.query_one(GridSearch).open()
        self.refresh_bindings()

    def action_now(self, lang: str = "") -> None:
        """Open today's tab, mark what is running and next, and jump to it."""
        now = self.ctx.clock.now()
        index = day_index(self.days, self._today()) if self.several_days else 0
        self._show_day(index)
        self._mark_now()
        grid = self.grids[index]
        grid.jump_to_row(now_row_on(grid.rows, self.days[index], now))

    def action_day(self, step: int, lang: str = "") -> None:
        """`]` and `[`: the next or the previous day."""
        if self.several_days:
            self._show_day((self.day_shown + step) % len(self.days))

    def action_clear_search(self, lang: str = "") -> None:
        """Esc on the grid: show everything again."""
        search = self.query_one(GridSearch)
        search.action_clear_search()

    @on(GridSearch.Changed)
    def _filter(self, event: GridSearch.Changed) -> None:
        self._apply_filter(event.value)

    def _apply_filter(self, query: str) -> None:
        """Filter every day; with several days, count per tab and open a day that has matches."""
        counts = [grid.set_filter(query) for grid in self.grids]
        if not self.several_days:
            return
        tabs = self.query_one(TabbedContent)
        searching = bool(query.strip())
        for index, count in enumerate(counts):
            tabs.get_tab(f"day-{index}").label = self._tab_label(index, count if searching else None)
        shown = self.day_shown
        if searching and counts[shown] == 0 and any(counts):
            self._show_day(next(i for i, count in enumerate(counts) if count))

    @on(GridSearch.Closed)
    def _search_closed(self, event: GridSearch.Closed) -> None:
        if event.cleared:
            self._apply_filter("")
        self.grid.focus()
        self.refresh_bindings()
