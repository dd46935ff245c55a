"""Timing marks inside a running app, for the scan moment's profile (bench/scan_profile.py).

Run as `python -m bench.scan_marks LOG -- kiosk ARG...` or `python -m bench.scan_marks LOG -- bare ARG...`:
the app runs as usual, with a few of Textual's and the kiosk's functions wrapped so that each call
appends a line `label start end detail` (perf_counter seconds, the clock the benchmark reads too:
CLOCK_MONOTONIC, one for all processes) to LOG. One `os.write` a mark, a few microseconds.

What is marked: the Enter read from the terminal (the driver's input thread) and handed to the
app; the screen's frames (Textual's update timer), the layout, each widget's render, the write of
the frame; and on the desk, the door and the self-service kiosk the handlers of a scan, the store
call on its worker thread, and the message back. Handlers registered with `@on` cannot be wrapped
from outside (Textual keeps the function), so the functions they call are.
"""

from __future__ import annotations

import functools
import gc
import inspect
import os
import sys
import threading
import time
from collections.abc import Callable

_log_fd: int | None = None


def mark(label: str, start: float, end: float | None = None, detail: str = "") -> None:
    """Append one mark to the log (a no-op when none is open)."""
    if _log_fd is None:
        return
    end = start if end is None else end
    line = f"{label}\t{start:.6f}\t{end:.6f}\t{detail}\n"
    os.write(_log_fd, line.encode("utf-8", errors="replace"))


def wrap(owner: object, name: str, label: str, detail: Callable[..., str] | None = None) -> None:
    """Mark each call of `owner.name` (sync or async) with its start and end (if it has one).

    A name the code no longer has is passed over: the profile then lacks that mark, and says so
    by its absence, rather than the app failing to start.
    """
    original = getattr(owner, name, None)
    if original is None:
        return

    if inspect.iscoroutinefunction(original):
        @functools.wraps(original)
        async def marked_async(*args, **kwargs):
            start = time.perf_counter()
            try:
                return await original(*args, **kwargs)
            finally:
                mark(label, start, time.perf_counter(), detail(*args, **kwargs) if detail else "")
        setattr(owner, name, marked_async)
    else:
        @functools.wraps(original)
        def marked(*args, **kwargs):
            start, cpu = time.perf_counter(), time.thread_time()
            try:
                return original(*args, **kwargs)
            finally:
                # A synchronous call runs on one thread: its CPU time too, which the machine's
                # load does not stretch (the wall time it took does).
                said = detail(*args, **kwargs) if detail else ""
                mark(label, start, time.perf_counter(), f"{said} cpu={(time.thread_time() - cpu) * 1000:.3f}")
        setattr(owner, name, marked)


def wrap_named(module: str, owner: str | None, name: str, label: str, detail: Callable[..., str] | None = None) -> None:
    """`wrap` the function `name` of `module` (of its class path `owner`, dotted, when given); skipped
    when this tree has no such thing (a profile of an older commit)."""
    from importlib import import_module

    try:
        target: object = import_module(module)
        for part in (owner.split(".") if owner else []):
            target = getattr(target, part)
    except (ImportError, AttributeError):
        return
    wrap(target, name, label, detail)


def _widget_name(widget: object, *args: object, **kwargs: object) -> str:
    ident = getattr(widget, "id", None)
    return f"{type(widget).__name__}#{ident}" if ident else type(widget).__name__


def _textual() -> None:
    """Textual's own steps: the key read and dispatched, frames, layout, renders, the write."""
    from textual import events
    from textual._compositor import Compositor
    from textual.app import App
    from textual.drivers import _writer_thread
    from textual.screen import Screen
    from textual.widget import Widget

    read = os.read

    def marked_read(fd: int, size: int) -> bytes:
        data = read(fd, size)
        if fd == 0 and b"\r" in data:
            mark("read_enter", time.perf_counter(), detail=threading.current_thread().name)
        return data

    os.read = marked_read  # the driver's input thread binds os.read when it starts

    on_event = App.on_event

    async def marked_on_event(self, event):
        if isinstance(event, events.Key) and event.key == "enter":
            mark("key_enter", time.perf_counter())
        return await on_event(self, event)

    App.on_event = marked_on_event
    wrap(Screen, "_on_timer_update", "frame")
    wrap(Screen, "_refresh_layout", "layout")
    wrap(Compositor, "render_update", "compose_update")
    wrap(Widget, "render_lines", "render", _widget_name)
    wrap(App, "_display", "display")

    def dirty(compositor, widgets) -> str:
        """The widgets handed to the frame and the screen area it renders (every widget overlapping it renders)."""
        from textual.geometry import Region

        regions = list(compositor._dirty_regions)
        crop = Region.from_union(regions) if regions else None
        area = f"{crop.x},{crop.y} {crop.width}x{crop.height}" if crop else "-"
        return f"crop={area} widgets=" + ",".join(sorted(_widget_name(w) for w in widgets))

    wrap(Compositor, "update_widgets", "dirty", dirty)

    partial = Compositor.render_partial_update

    def marked_partial(self):
        # The area the frame renders (every widget overlapping it renders), taken before it is cleared.
        from textual.geometry import Region

        regions = list(self._dirty_regions)
        crop = Region.from_union(regions) if regions else None
        mark("crop", time.perf_counter(), detail=f"{crop.x},{crop.y} {crop.width}x{crop.height} in {len(regions)}"
             if crop else "-")
        return partial(self)

    Compositor.render_partial_update = marked_partial

    refresh = Widget.refresh

    def marked_refresh(self, *regions, **kwargs):
        # Only the refreshes that ask for a layout of the screen (the costly kind), with who asked.
        if kwargs.get("layout") or kwargs.get("recompose"):
            mark("relayout", time.perf_counter(), detail=_widget_name(self))
        return refresh(self, *regions, **kwargs)

    Widget.refresh = marked_refresh

    class MarkedFile:
        """The terminal's output file, marking when each frame has been handed to the kernel."""

        def __init__(self, file) -> None:
            self._file = file

        def write(self, text: str) -> int:
            return self._file.write(text)

        def flush(self) -> None:
            self._file.flush()
            mark("flushed", time.perf_counter())

        def fileno(self) -> int:
            return self._file.fileno()

    init = _writer_thread.WriterThread.__init__

    def marked_init(self, file) -> None:
        init(self, MarkedFile(file))

    _writer_thread.WriterThread.__init__ = marked_init

    started: dict[int, float] = {}

    def collected(phase: str, info: dict) -> None:
        """Python's cyclic garbage collector: each collection, with its generation."""
        if phase == "start":
            started[info["generation"]] = time.perf_counter()
        elif info["generation"] in started:
            mark("gc", started.pop(info["generation"]), time.perf_counter(), f"gen{info['generation']}")

    gc.callbacks.append(collected)


def _kiosk() -> None:
    """The kiosk's steps of a scan at the desk, the door and the self-service kiosk.

    Wrapped by name where the kiosk has them: a name moved away is left out (see `wrap`).
    """

    for module, owner, name, label in (
        ("kiosk.ui.widgets.scan_input", "ScanInput", "on_key", "input.key"),
        ("kiosk.ui.widgets.scan_input", "ScanInput", "action_submit", "input.submit"),
        ("kiosk.ui.screens.desk", "DeskScreen", "_submitted", "desk.submitted"),
        ("kiosk.ui.screens.desk", "DeskScreen", "queue", "desk.queue"),
        ("kiosk.ui.desk_jobs", "ScanJob", "run", "desk.job_run"),
        ("kiosk.ui.desk_jobs", None, "record_scan", "store.record_scan"),
        ("kiosk.ui.writes", "WriteDone", "__init__", "write.done_posted"),
        ("kiosk.ui.screens.desk", "DeskScreen", "show_result", "desk.show_result"),
        ("kiosk.ui.widgets.scan_answer", "ScanAnswer", "show_result", "answer.show_result"),
        ("kiosk.ui.screens.desk", "DeskScreen", "show_search", "desk.show_search"),
        ("kiosk.ui.screens.desk", None, "paint_now", "paint_now"),
        ("kiosk.ui.paint_hold", None, "paint_now", "paint_now"),
        ("kiosk.ui.paint_hold", "PaintHold", "start", "hold.start"),
        ("kiosk.ui.paint_hold", "PaintHold", "release", "hold.release"),
        ("kiosk.ui.writes", "WriteQueue", "put", "write.put"),
        ("kiosk.ui.screens.desk", "DeskScreen", "refresh_counters", "desk.refresh_counters"),
        ("kiosk.ui.widgets.desk_counters", "DeskCounters", "refresh_counts", "counters.read_and_show"),
        ("kiosk.ui.widgets.desk_counters", "DeskCounters", "show", "counters.show"),
        ("kiosk.ui.widgets.steady_footer", "SteadyFooter", "recompose", "footer.recompose"),
        ("kiosk.ui.screens.door", "DoorScreen", "_submitted", "door.submitted"),
        ("kiosk.ui.screens.door", "DoorScreen", "_queue", "door.queue"),
        ("kiosk.ui.screens.door", "DoorScanJob", "run", "door.job_run"),
        ("kiosk.ui.screens.door", None, "door_scan", "store.door_scan"),
        ("kiosk.ui.screens.door", "DoorScreen", "on_door_screen_scanned", "door.scanned"),
        ("kiosk.ui.screens.door", "DoorScreen", "on_write_done", "door.scanned"),
        ("kiosk.ui.screens.door", "DoorScreen", "_show_result", "door.show_result"),
        ("kiosk.ui.screens.door", "DoorScreen", "_show_count", "door.show_count"),
        ("kiosk.ui.widgets.welcome", "Welcome.CodeSubmitted", "__init__", "self.code_posted"),
        ("kiosk.ui.screens.selfservice", "SelfServiceScreen", "_open", "self.open"),
        ("kiosk.ui.screens.selfservice", None, "find_by_code", "store.find_by_code"),
        ("kiosk.ui.screens.selfservice", None, "day_of", "store.day_of"),
        ("kiosk.ui.screens.selfservice", "SelfServiceScreen", "_show_day", "self.show_day"),
        ("kiosk.ui.screens.selfservice", "SelfServiceScreen", "_show", "self.mount"),
    ):
        wrap_named(module, owner, name, label)
    try:
        from kiosk.ui.widgets.scan_answer import ScanAnswer
    except ImportError:
        return
    # The answer's repaints: all of it (no regions) or the rows that changed; its rows and look made.
    wrap(ScanAnswer, "refresh", "answer.refresh",
         lambda widget, *regions, **kwargs: f"rows={sum(r.height for r in regions)}" if regions else "all")
    wrap(ScanAnswer, "_make_rows", "answer.make_rows")
    wrap(ScanAnswer, "_the_look", "answer.look")


def main(argv: list[str]) -> None:
    """`LOG -- kiosk ARG...` or `LOG -- bare ARG...`: open the log, wrap, run the app."""
    global _log_fd
    log, separator, which, *args = argv
    if separator != "--" or which not in ("kiosk", "bare"):
        raise SystemExit("usage: python -m bench.scan_marks LOG -- kiosk|bare ARG...")
    _log_fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    _textual()
    if which == "bare":
        from bench.bare_app import BareApp

        db = args[args.index("--db") + 1] if "--db" in args else None
        BareApp(db, commit="--no-commit" not in args).run()
        return
    _kiosk()
    from kiosk.cli import main as kiosk_main

    kiosk_main(args, prog_name="kiosk")


if __name__ == "__main__":
    main(sys.argv[1:])
