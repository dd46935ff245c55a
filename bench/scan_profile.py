"""Where the scan moment's milliseconds go: the kiosk run with timing marks, one phase at a time.

`python -m bench.scan_profile [ROLE ...] [--runs N]` starts each role's kiosk under
bench/scan_marks.py on a copy of the built event, scans N people as `make bench` does (Enter
written into the pty, the frame with the name read back), and prints for each phase of the scan
moment its median over the scans: from the Enter byte to the app's input thread, to the key
event, the handler, the hop to the worker thread, the store call, the hop back, updating the
widgets, the wait for the frame, the frame itself (arranging the layout, rendering the widgets
that changed, turning them into terminal output, the write) and the way back to the terminal.
Then the widgets rendered in that frame, and what the screen does after the answer (the side
panel's counters and list, the day's cards) with the frames that paint it.

`floor` (not in the default list) runs the desk's floor (bench/bare_app.py) under the same marks:
its Enter, key event and frame, for the same phases beside the desk's.

Not part of `make bench` (the marks cost a little time themselves): the README's breakdown is
made with it. Figures on this shared 2-core machine move with its load, printed with them.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from bench.scan_bench import ROLES, _floor, _kiosk, copy_synced, people, scan

ROOT = Path(__file__).resolve().parent.parent
# What the floor shows when it is ready for a scan (bench/bare_app.py's placeholder).
BARE_READY = "Scan a badge"


@dataclass
class Mark:
    """One line of the marks log."""

    label: str
    start: float
    end: float
    detail: str

    @property
    def ms(self) -> float:
        """Its duration in milliseconds."""
        return (self.end - self.start) * 1000

    @property
    def cpu(self) -> float:
        """The CPU time its thread spent in it, in milliseconds (0 when not marked)."""
        found = re.search(r"cpu=([0-9.]+)", self.detail)
        return float(found.group(1)) if found else 0.0

    @property
    def name(self) -> str:
        """Its detail without the CPU time."""
        return re.sub(r"\s*cpu=[0-9.]+", "", self.detail)


def read_marks(log: Path) -> list[Mark]:
    """The marks in the log, by start time."""
    marks = []
    for line in log.read_text(encoding="utf-8").splitlines():
        label, start, end, detail = (line.split("\t") + [""])[:4]
        marks.append(Mark(label, float(start), float(end), detail))
    return sorted(marks, key=lambda m: m.start)


# Each role's path through the marks: points (label, "start" | "end"), each the first such mark
# edge at or after the point before it, and the phase that ends at that point.
# The path starts at the Enter byte written and ends at the start of the frame that painted the
# answer; the frame's own phases follow (FRAME_PHASES).
PATHS: dict[str, list[tuple[str, tuple[str, str]]]] = {
    "desk": [
        ("pty to the app's input thread", ("read_enter", "start")),
        ("input thread to the key event", ("key_enter", "start")),
        ("key event to the desk's handler", ("desk.submitted", "start")),
        ("handler: code look-up, queue the scan", ("desk.queue", "end")),
        ("hop to the worker thread", ("store.record_scan", "start")),
        ("store: record_scan, BEGIN IMMEDIATE..COMMIT", ("store.record_scan", "end")),
        ("hop back to the UI thread", ("desk.show_result", "start")),
        ("answer widgets updated", ("desk.show_result", "end")),
        ("wait for the frame", ("frame", "start")),
    ],
    "door": [
        ("pty to the app's input thread", ("read_enter", "start")),
        ("input thread to the key event", ("key_enter", "start")),
        ("key event to the queued scan", ("door.queue", "end")),
        ("hop to the worker thread", ("store.door_scan", "start")),
        ("store: door_scan, BEGIN IMMEDIATE..COMMIT", ("store.door_scan", "end")),
        ("hop back to the UI thread", ("door.scanned", "start")),
        ("answer and count updated", ("door.scanned", "end")),
        ("wait for the frame", ("frame", "start")),
    ],
    # The desk's floor (bench/bare_app.py: look-up, BEGIN IMMEDIATE, INSERT, COMMIT and the name, all
    # in its Enter's handler), for the same phases beside the kiosk's.
    "floor": [
        ("pty to the app's input thread", ("read_enter", "start")),
        ("input thread to the key event", ("key_enter", "start")),
        ("key event to the frame: look-up, commit, the name shown", ("frame", "start")),
    ],
    "selfservice": [
        ("pty to the app's input thread", ("read_enter", "start")),
        ("input thread to the key event", ("key_enter", "start")),
        ("key event to the screen's handler", ("self.open", "start")),
        ("store: find_by_code", ("store.find_by_code", "end")),
        ("store: day_of (the person's rounds)", ("store.day_of", "end")),
        ("greeting mounted (welcome removed)", ("self.open", "end")),
        ("wait for the frame", ("frame", "start")),
    ],
}
FRAME_PHASES = [
    ("frame: layout (arrange)", "arrange"),
    ("frame: render the changed widgets", "compose_update"),
    ("frame: to terminal output", "display"),
    ("frame: the rest of the frame", "rest"),
    ("frame: written (to flush)", "flush"),
    ("flushed to the benchmark reading it", "arrival"),
]
# What the screen does after the answer's frame, by mark label, and how far after to look.
AFTER = {"desk": ["counters.read_and_show", "counters.show", "footer.recompose"],
         "door": [], "floor": [], "selfservice": ["self.show_day", "self.mount"]}
AFTER_SECONDS = 0.25


def _first(marks: list[Mark], label: str, edge: str, after: float) -> Mark | None:
    """The first mark with `label` whose start (or end) is at or after `after`."""
    return next((m for m in marks if m.label == label and (m.end if edge == "end" else m.start) >= after - 1e-6),
                None)


def phases(role: str, marks: list[Mark], enter: float, shown: float) -> dict[str, float] | None:
    """One scan's phases in ms (None when a mark is missing: the scan is left out)."""
    window = [m for m in marks if enter - 0.001 <= m.start <= shown + AFTER_SECONDS]
    out: dict[str, float] = {}
    when = enter  # the point reached
    for name, (label, edge) in PATHS[role]:
        # A call that began before the point reached and is still running counts too: the writer
        # thread starts the store call while the handler that queued it is still returning.
        mark = _first(window, label, "end", when) if edge == "start" else _first(window, label, edge, when)
        if mark is None:
            return None
        point = mark.end if edge == "end" else mark.start
        out[name] = max(point - when, 0.0) * 1000
        when = point
    # The frame that carried the name: the last one flushed before it was read back.
    flushed = [m for m in window if m.label == "flushed" and m.start <= shown]
    frame = next((m for m in reversed(window) if m.label == "frame" and m.start <= (flushed[-1].start if flushed
                                                                                 else shown)), None)
    if frame is None or not flushed:
        return None
    # Up to the last hand-over of output before the flush that carried the name (a frame may hand
    # over twice: after the layout, then the widgets refreshed meanwhile); what the frame does after
    # that runs beside the writer thread, not before the name.
    display_end = max((m.end for m in window if m.label == "display" and frame.start <= m.end <= flushed[-1].start),
                      default=frame.start)
    inside = [m for m in window if frame.start <= m.start and m.end <= display_end]
    layouts = [m for m in window if m.label == "layout" and frame.start <= m.start <= display_end]
    nested = [m for m in inside if m.label in ("compose_update", "display")
              and any(lay.start <= m.start <= lay.end for lay in layouts)]
    compose = sum(m.ms for m in inside if m.label == "compose_update")
    display = sum(m.ms for m in inside if m.label == "display")
    arrange = sum((min(lay.end, display_end) - lay.start) * 1000 for lay in layouts) - sum(m.ms for m in nested)
    out["frame: layout (arrange)"] = max(arrange, 0.0)
    out["frame: render the changed widgets"] = compose
    out["frame: to terminal output"] = display
    out["frame: the rest of the frame"] = max((display_end - frame.start) * 1000 - arrange - compose - display, 0.0)
    out["frame: written (to flush)"] = (flushed[-1].start - display_end) * 1000
    out["flushed to the benchmark reading it"] = (shown - flushed[-1].start) * 1000
    out["total (Enter to the name's frame)"] = (shown - enter) * 1000
    out["frame: CPU time of the UI thread (until handed over)"] = sum(m.cpu for m in window if m.label == "frame"
                                                                       and m.start == frame.start)
    out["store call: CPU time"] = next((m.cpu for m in window if m.label.startswith("store.")), 0.0)
    for m in inside:
        if m.label == "render":
            out[f"render {m.name}"] = out.get(f"render {m.name}", 0.0) + m.cpu
    out["frames between Enter and the answer"] = sum(1 for m in window if m.label == "frame"
                                                     and enter <= m.start < frame.start)
    for m in window:
        if m.start > frame.end:
            if m.label in AFTER[role]:
                out[f"after: {m.label}"] = out.get(f"after: {m.label}", 0.0) + m.ms
            elif m.label == "render" and m.start <= shown + AFTER_SECONDS:
                out[f"after: render {m.name}"] = out.get(f"after: render {m.name}", 0.0) + m.cpu
            elif m.label == "frame":
                out["after: frames (count)"] = out.get("after: frames (count)", 0) + 1
                out["after: frame time"] = out.get("after: frame time", 0.0) + m.ms
    return out


def profile(role_name: str, master: Path, runs: int, warmup: int = 3,
            keep: Path | None = None) -> list[dict[str, float]]:
    """Scan `runs` people on the role's kiosk under the marks; each scan's phases (the log copied to `keep`)."""
    floor = role_name == "floor"
    role = ROLES["desk" if floor else role_name]
    with tempfile.TemporaryDirectory(dir=master.parent) as folder:
        db = copy_synced(master, Path(folder) / "profile.db")
        log = Path(folder) / "marks.log"
        import sqlite3

        with sqlite3.connect(db) as conn:
            chosen = people(conn, role.name, warmup + runs)
        marked = [sys.executable, "-m", "bench.scan_marks", str(log), "--"]
        term = _floor(db, role, marked) if floor else _kiosk(db, role, marked)
        try:
            term.wait_for(BARE_READY if floor else role.ready, timeout=60)
            term.quiet(0.3, timeout=30)
            times = [scan(term, code, name) if floor else scan(term, code, role.shown(name), role.back, role.ready)
                     for code, name in chosen]
        finally:
            term.stop()
        marks = read_marks(log)
        if keep is not None:
            keep.write_bytes(log.read_bytes())
    found = [phases(role_name, marks, enter, shown) for enter, shown in times[warmup:]]
    return [f for f in found if f is not None]


def report(role_name: str, scans: list[dict[str, float]]) -> str:
    """The median of each phase (and how many scans had it), in the order of the path."""
    if not scans:
        return f"{role_name}: no complete scan"
    keys: dict[str, list[float]] = defaultdict(list)
    for one in scans:
        for key, value in one.items():
            keys[key].append(value)
    order = [name for name, _ in PATHS[role_name]] + [name for name, _ in FRAME_PHASES]
    lines = [f"{role_name}: {len(scans)} scans, load average {os.getloadavg()[0]:.2f}"]
    for key in order + ["total (Enter to the name's frame)", "frames between Enter and the answer",
                        "frame: CPU time of the UI thread (until handed over)", "store call: CPU time"]:
        if key in keys:
            lines.append(f"  {key:<48} {statistics.median(keys[key]):8.2f}")
    renders = sorted((k for k in keys if k.startswith("render ")), key=lambda k: -statistics.median(keys[k]))
    lines.append("  widgets rendered in the answer's frame (median CPU ms where rendered, in how many scans):")
    lines += [f"    {k[7:]:<46} {statistics.median(keys[k]):8.2f}  {len(keys[k])}/{len(scans)}" for k in renders[:12]]
    after = sorted((k for k in keys if k.startswith("after: ")), key=lambda k: -statistics.median(keys[k]))
    lines.append(f"  after the answer's frame (within {AFTER_SECONDS * 1000:.0f} ms; renders in CPU ms):")
    lines += [f"    {k[7:]:<46} {statistics.median(keys[k]):8.2f}  {len(keys[k])}/{len(scans)}" for k in after[:12]]
    return "\n".join(lines)


def main() -> None:
    """Profile the roles asked for (all by default) and print the breakdowns."""
    from bench.build import ensure_built

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    # Checked below, not by `choices`: argparse (3.11) checks an empty `*` list against it as one value.
    # "floor": the desk's floor under the same marks (not in the default list).
    parser.add_argument("roles", nargs="*", metavar="{" + ",".join([*ROLES, "floor"]) + "}")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--keep", type=Path, metavar="DIR", help="keep each role's marks log there (ROLE.log)")
    args = parser.parse_args()
    for role in args.roles:
        if role not in PATHS:
            parser.error(f"no role {role!r} (choose from {', '.join(PATHS)})")
    master = ensure_built(ROOT / "bench" / "bench.db")
    for role in args.roles or list(ROLES):
        keep = args.keep / f"{role}.log" if args.keep else None
        print(report(role, profile(role, master, args.runs, keep=keep)), flush=True)


if __name__ == "__main__":
    main()
