"""The scan moment: from the scanner's Enter to the frame that shows the person's name.

For the desk (check-in at the venue), the door (a scan into a session) and the self-service
kiosk (a badge opens the person's day), each against its floor: a bare Textual app
(bench/bare_app.py) that does the same work on Enter in the cheapest way (look the code up;
`BEGIN IMMEDIATE`, one INSERT, `COMMIT`, WAL, `synchronous=FULL`; show the name), on its own copy
of the same 100,000-person file. The self-service kiosk writes nothing when a badge opens a day,
so its floor leaves the write out too: a floor that did more than the kiosk would flatter it.

Each app runs on a pty the benchmark holds (bench/pty_terminal.py): the code is typed, the app
left to settle, and the clock starts when the Enter byte is written; it stops when the frame that
holds the person's name has arrived in the app's output. The kiosk and its floor run side by
side and take turns scan by scan (floor first on even runs, kiosk first on odd ones), so a busy
moment on this shared machine falls on both. Every person is scanned once, and the people of one
run have names that differ, so the name found is this scan's answer, not an older line.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.measure import Result, p95, summary
from bench.pty_terminal import PtyTerminal

ROOT = Path(__file__).resolve().parent.parent
KIOSK = [str(Path(sys.executable).parent / "kiosk")]
BARE = [sys.executable, "-m", "bench.bare_app"]
# The door's session: a choice of round 1 with sign-ups in the built event, running at 11:35.
DOOR_SESSION = "r1-slim-met-stroom"
PIN = "4821"


@dataclass(frozen=True)
class Role:
    """How one role is started, scanned and brought back to rest, and its target."""

    name: str
    args: tuple[str, ...]
    now: str
    ready: str  # on screen when the app is ready for a scan
    commits: bool  # whether the role writes on a scan (its floor does the same)
    target: float  # p95 at most this many times its floor's
    # Text the answer shows for a name (the self-service greets: "Welcome, {name}").
    shown: Callable[[str], str] = lambda name: name
    # Keys that bring the screen back to where the next badge is scanned, and what shows then.
    back: str = ""


ROLES = {
    "desk": Role("desk", ("--role", "desk", "--device", "bench-desk"), "2026-11-29T10:00",
                 "Scan a badge or type a name", True, 1.5),
    "door": Role("door", ("--role", "door", "--session", DOOR_SESSION, "--device", "bench-door"), "2026-11-29T11:35",
                 "Scan a badge or type a code", True, 2.0),
    "selfservice": Role("selfservice", ("--role", "selfservice", "--device", "bench-kiosk"), "2026-11-29T10:00",
                        "Scan your badge or type your code", False, 2.0,
                        shown=lambda name: f"Welcome, {name}", back="\x1b"),
}


def people(db: sqlite3.Connection, role: str, count: int, skip: set[str] = frozenset()) -> list[tuple[str, str]]:
    """(code, name) of `count` people who get a plain answer in `role`, no two of the same name.

    Desk: not arrived yet (a green first arrival); door: signed up for the door's session and not
    inside it; self-service: anyone. Names in `skip` (already used in this run) are left out.
    """
    if role == "desk":
        sql = """SELECT code, name FROM attendees WHERE status = 'registered' AND id NOT IN
                 (SELECT attendee_id FROM presence WHERE list = 'venue' AND entries > 0) ORDER BY id DESC"""
        rows = db.execute(sql)
    elif role == "door":
        sql = """SELECT a.code, a.name FROM attendees a JOIN signups s ON s.attendee_id = a.id
                 WHERE s.session_id = ? AND s.status = 'confirmed' AND a.status = 'registered'
                 AND a.id NOT IN (SELECT attendee_id FROM presence WHERE list = ? AND inside = 1) ORDER BY a.id"""
        rows = db.execute(sql, (DOOR_SESSION, DOOR_SESSION))
    else:
        rows = db.execute("SELECT code, name FROM attendees WHERE status = 'registered' ORDER BY id")
    chosen: list[tuple[str, str]] = []
    names = set(skip)
    for code, name in rows:
        if name not in names:
            names.add(name)
            chosen.append((code, name))
            if len(chosen) == count:
                break
    return chosen


def _kiosk(db: Path, role: Role, wrapper: list[str] | None = None) -> PtyTerminal:
    env = {"KIOSK_LANG": "en", "KIOSK_NOW": role.now, "KIOSK_NOW_FROZEN": "1", "KIOSK_STAFF_PIN": PIN}
    command = (wrapper + ["kiosk"] if wrapper else KIOSK) + ["--db", str(db), *role.args]
    return PtyTerminal(command, env=env, cwd=str(ROOT))


def _floor(db: Path, role: Role, wrapper: list[str] | None = None) -> PtyTerminal:
    extra = [] if role.commits else ["--no-commit"]
    command = (wrapper + ["bare"] if wrapper else BARE) + ["--db", str(db), *extra]
    return PtyTerminal(command, cwd=str(ROOT))


def scan(term: PtyTerminal, code: str, needle: str, back: str = "", ready: str = "") -> tuple[float, float]:
    """Type `code`, let the app settle, press Enter: (when the Enter byte was written, when `needle`'s frame came).

    The app is idle at the Enter, as a desk is when the next person steps up: what the last scan
    left to do (the side panel, the day's cards) has been painted (a quarter second without
    output), the typed code has been echoed and searched for, and no cursor blink is due. With
    `back`, those keys are sent afterwards and `ready` waited for: the screen is where the next
    badge is scanned again (outside the measured time).
    """
    term.quiet(0.25)
    mark = term.mark
    term.write(code)
    term.wait_for(code, since=mark, timeout=10)
    term.between_ticks(quiet=0.1)
    mark = term.mark
    start = term.write("\r")
    shown = term.wait_for(needle, since=mark, timeout=10)
    if back:
        mark = term.mark
        term.quiet(0.05)
        term.write(back)
        term.wait_for(ready, since=mark, timeout=10)
    return start, shown


@dataclass
class Pair:
    """A kiosk and its floor, started and ready."""

    kiosk: PtyTerminal
    floor: PtyTerminal

    def stop(self) -> None:
        """End both apps."""
        self.kiosk.stop()
        self.floor.stop()


def start_pair(kiosk_db: Path, floor_db: Path, role: Role, wrapper: list[str] | None = None) -> Pair:
    """Start the role's kiosk and its floor side by side and wait until both can take a scan."""
    pair = Pair(_kiosk(kiosk_db, role, wrapper), _floor(floor_db, role, wrapper))
    try:
        pair.kiosk.wait_for(role.ready, timeout=60)
        pair.floor.wait_for("Scan a badge", timeout=60)
        # Let start-up's work after the first frame end (the file check, the deferred programme).
        pair.kiosk.quiet(0.3, timeout=30)
    except BaseException:
        pair.stop()
        raise
    return pair


def measure_role(kiosk_db: Path, floor_db: Path, role: Role, runs: int, warmup: int = 3,
                 wrapper: list[str] | None = None) -> tuple[list[float], list[float]]:
    """`runs` scans on the role's kiosk and as many on its floor, taking turns: (kiosk, floor) seconds."""
    with sqlite3.connect(kiosk_db) as db:
        chosen = people(db, role.name, warmup + runs)
    if len(chosen) < warmup + runs:
        raise RuntimeError(f"only {len(chosen)} people with distinct names for the {role.name}")
    pair = start_pair(kiosk_db, floor_db, role, wrapper)
    kiosk, floor = [], []
    try:
        for i, (code, name) in enumerate(chosen):
            needle = role.shown(name)
            turns = [("floor", pair.floor, floor, name, "", ""), ("kiosk", pair.kiosk, kiosk, needle, role.back, role.ready)]
            for which, term, samples, text, back, ready in (turns if i % 2 == 0 else turns[::-1]):
                try:
                    start, shown = scan(term, code, text, back, ready)
                except TimeoutError as error:
                    raise TimeoutError(f"{role.name} {which}, scan {i}: {error}") from None
                if i >= warmup:
                    samples.append(shown - start)
    finally:
        pair.stop()
    return kiosk, floor


def copy_synced(master: Path, copy: Path) -> Path:
    """A copy of the built event, on the disk before it is used (never beside a stale -wal).

    Flushed at once: on ext4 the first COMMIT's fsync would otherwise wait for the whole 300 MB
    copy to be written out, and the scans measured first would time the copy, not the scan.
    """
    for suffix in ("", "-wal", "-shm"):
        Path(f"{copy}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(master, copy)
    with open(copy, "rb+") as file:
        os.fsync(file.fileno())
    return copy


def fresh_copies(master: Path, folder: Path) -> tuple[Path, Path]:
    """Two copies of the built event: one for the kiosk, one for the floor."""
    return copy_synced(master, folder / "scan-kiosk.db"), copy_synced(master, folder / "scan-floor.db")


# Scans a role measures on each side: its p95 is then the fourth slowest, not the second of 30, so
# one scan descheduled by the shared machine does not decide the figure.
SCANS = 60


def scan_moment(master: Path, runs: int = SCANS, roles: tuple[str, ...] = tuple(ROLES), warmup: int = 3,
                folder: Path | None = None) -> list[Result]:
    """The scan moment of each role against its floor, with the machine's load before and after.

    The copies go in a folder of this run's own beside the built event (same disk), unless `folder`
    is given: two runs at once shared bench/scan-kiosk.db, and one's copy replaced the file under
    the other's kiosk (its scans then never showed).
    """
    own = None if folder is not None else Path(tempfile.mkdtemp(prefix="scan-moment-", dir=master.parent))
    kiosk_db, floor_db = fresh_copies(master, folder or own)
    load_before = os.getloadavg()
    results = []
    try:
        for name in roles:
            role = ROLES[name]
            kiosk, floor = measure_role(kiosk_db, floor_db, role, runs, warmup)
            f_med, f_p95, f_max = summary(floor)
            k_med, k_p95, k_max = summary(kiosk)
            ratio = p95(kiosk) / p95(floor)
            results.append(Result(f"scan_moment.{name}.floor_p95", round(f_p95, 1), "ms", "floor", True,
                                  f_med, f_p95, f_max))
            results.append(Result(f"scan_moment.{name}.p95_vs_floor", round(ratio, 2), "x floor",
                                  f"<= {role.target:g}", ratio <= role.target, k_med, k_p95, k_max))
            results.append(Result(f"scan_moment.{name}.median_vs_floor", round(k_med / f_med, 2), "x floor", "info",
                                  True, k_med))
    finally:
        for copy in (kiosk_db, floor_db):
            for suffix in ("", "-wal", "-shm"):
                Path(f"{copy}{suffix}").unlink(missing_ok=True)
        if own is not None:
            shutil.rmtree(own, ignore_errors=True)
    load_after = os.getloadavg()
    # The machine is shared: what else ran is part of the figures (1, 5 and 15-minute load averages).
    for when, load in (("before", load_before), ("after", load_after)):
        results.append(Result(f"scan_moment.load_average_{when}", round(load[0], 2), "load", "reported", True,
                              load[0], load[1], load[2]))
    return results


if __name__ == "__main__":
    # `python -m bench.scan_bench [ROLE ...]`: only the scan moment, on the built event (bench/bench.db).
    from bench.build import ensure_built

    chosen = tuple(sys.argv[1:]) or tuple(ROLES)
    started = time.perf_counter()
    for r in scan_moment(ensure_built(ROOT / "bench" / "bench.db"), roles=chosen):
        cells = " ".join(f"{v:8.2f}" if isinstance(v, float) else f"{'':>8}" for v in (r.median, r.p95, r.max))
        print(f"{r.name:<40} {r.value:>8} {r.unit:<8} {cells}  {r.target:<8} {'yes' if r.met else 'NO'}")
    print(f"{time.perf_counter() - started:.0f} s", file=sys.stderr)
