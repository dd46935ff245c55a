"""Key to screen, start-up and memory in a real terminal (tmux), against a bare Textual app.

Both apps run in the same terminal size, driven the same way (send-keys, capture-pane polled
every few milliseconds), so the polling cost is in the floor too and the ratio is fair.
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from bench.measure import Result, p95, summary
from bench.terminal import Terminal
from kiosk.store import connect
from kiosk.store.attendees import search

ROOT = Path(__file__).resolve().parent.parent
KIOSK = [str(Path(sys.executable).parent / "kiosk")]
BARE = [sys.executable, "-m", "bench.bare_app"]
READY = "Scan a badge or type a name"


def _desk(db: Path, name: str) -> Terminal:
    return Terminal(name, KIOSK + ["--db", str(db), "--role", "desk", "--device", "bench-desk"],
                    env={"KIOSK_LANG": "en", "KIOSK_NOW": "2026-11-29T10:00"})


def _bare(name: str) -> Terminal:
    return Terminal(name, BARE)


def _python_pid(term: Terminal) -> int:
    """The app's own process: the pane's process or its first Python descendant."""
    pid = term.pid()
    for _ in range(5):
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        if b"python" in cmdline or b"kiosk" in cmdline:
            return pid
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        if not children:
            break
        pid = int(children[0])
    return pid


def startup(db: Path, runs: int = 7) -> list[Result]:
    """`kiosk --role desk` to the input ready, against the bare app, interleaved.

    The measured case is a desk (re)started on the programme file it last ran with, the usual
    one. After an edit of the programme file the desk validates it before the first screen; that
    start is measured too and reported for information.
    """
    desk, bare, changed = [], [], []
    store = connect(db)

    def forget_digest() -> None:
        store.execute("DELETE FROM meta WHERE key = 'programme_digest'")

    for _run in range(runs):
        for samples, before in ((bare, None), (desk, None), (changed, forget_digest)):
            if before:
                before()
            term = _bare("bench-bare") if samples is bare else _desk(db, "bench-desk")
            start = term.started
            term.wait_for(READY, timeout=30)
            samples.append(time.perf_counter() - start)
            term.stop()
    store.close()
    d_med, d_p95, d_max = summary(desk)
    b_med, _, _ = summary(bare)
    c_med, c_p95, c_max = summary(changed)
    ratio = d_med / b_med
    return [
        Result("startup.bare_app", round(b_med, 1), "ms", "floor", True, b_med),
        Result("startup.desk_vs_bare", round(ratio, 2), "x floor", "<= 1.5", ratio <= 1.5, d_med, d_p95, d_max),
        Result("startup.desk_after_programme_edit_vs_bare", round(c_med / b_med, 2), "x floor", "info", True,
               c_med, c_p95, c_max),
    ]


def _not_arrived(db, count: int) -> list[str]:
    """Codes of people who have not arrived yet, so each scan is a green first arrival."""
    rows = db.execute(
        "SELECT code FROM attendees WHERE id NOT IN (SELECT attendee_id FROM presence WHERE list = 'venue') LIMIT ?",
        (count,),
    ).fetchall()
    return [r[0] for r in rows]


def _in_turns(i: int, samples: tuple[list[float], list[float]], bare: Callable[[], float],
              desk: Callable[[], float]) -> None:
    """One sample of each (the bare app's into samples[0], the desk's into [1]), the bare app first on even `i`."""
    turns = [(samples[0], bare), (samples[1], desk)]
    for into, measure in turns if i % 2 == 0 else turns[::-1]:
        into.append(measure())


def key_to_screen(db_path: Path, runs: int = 30) -> list[Result]:
    """A scanned code + Enter to the green answer, and a search keystroke to the updated list.

    The bare app and the desk run side by side and take turns sample by sample (the bare app first
    on even samples), as the scan moment's do: measured one after the other, all the bare app's
    first, a change in the shared machine's load between the two halves moved the ratio by half.
    """
    db = connect(db_path)
    people = _not_arrived(db, runs)
    expected = db.execute("SELECT value FROM tallies WHERE key = 'expected'").fetchone()[0]
    arrived = db.execute("SELECT value FROM tallies WHERE key = 'arrived:venue'").fetchone()[0]
    bare, desk = _bare("bench-bare"), _desk(db_path, "bench-desk")
    bare.wait_for(READY, timeout=30)
    desk.wait_for(READY, timeout=30)
    # Keys sent in the very first moments after start can be swallowed while the terminal
    # answers Textual's start-up queries; let that settle (for both apps) before measuring.
    time.sleep(1.0)

    def bare_scan(code: str) -> float:
        start = time.perf_counter()
        bare.type(code)
        bare.keys("Enter")
        bare.wait_for(f"OK {code}")
        return time.perf_counter() - start

    def desk_scan(code: str, number: int) -> float:
        # The green answer says "arrived N / expected" with this arrival's own number.
        start = time.perf_counter()
        desk.type(code)
        desk.keys("Enter")
        desk.wait_for(f"{number} / {expected}")
        return time.perf_counter() - start

    scans: tuple[list[float], list[float]] = ([], [])
    for i, code in enumerate(people):
        arrived += 1
        _in_turns(i, scans, partial(bare_scan, code), partial(desk_scan, code, arrived))

    def bare_key(letter: str) -> float:
        start = time.perf_counter()
        bare.type(letter)
        bare.wait_for(f"ECHO {letter}")
        elapsed = time.perf_counter() - start
        bare.keys("Enter")
        bare.wait_for(f"OK {letter}")
        return elapsed

    def desk_key(prefix: str, letter: str, target: str) -> float:
        # Backspaces, not Escape: an Escape followed at once by letters reads as Alt+letter.
        desk.keys(*["BSpace"] * 4)
        desk.wait_for("Scan a badge or type a name", timeout=15)
        desk.type(prefix)
        desk.wait_for(f"▊  {prefix} ", timeout=5)
        time.sleep(0.3)
        start = time.perf_counter()
        desk.type(letter)
        desk.wait_for(target)
        return time.perf_counter() - start

    keys: tuple[list[float], list[float]] = ([], [])
    rng = random.Random(3)
    letters = "abdeghjklmnoprstvw"
    for _ in range(runs * 200):
        if len(keys[1]) == runs:
            break
        prefix = rng.choice(letters) + rng.choice("aeiou")
        before = {h.person.name for h in search(db, prefix, limit=20)}
        letter = rng.choice("nrstl")
        after = [h.person.name for h in search(db, prefix + letter, limit=20)]
        # Among the first rows only: 20 results do not all fit on a 24-line screen.
        target = next((n for n in after[:8] if n not in before and len(n) > 12), None)
        if target is None:
            continue
        _in_turns(len(keys[1]), keys, partial(bare_key, letter), partial(desk_key, prefix, letter, target))
    bare.stop()
    if len(keys[1]) < runs:
        raise RuntimeError("too few names whose search list changes with one more letter")
    pid = _python_pid(desk)
    peak_kb = int(next(line for line in Path(f"/proc/{pid}/status").read_text().splitlines()
                       if line.startswith("VmHWM")).split()[1])
    desk.stop()
    results = []
    for name, (floor, samples) in (("scan_to_green", scans), ("search_keystroke", keys)):
        ratio = p95(samples) / p95(floor)
        med, q95, worst = summary(samples)
        results.append(Result(f"key_to_screen.{name}.bare_p95", round(p95(floor) * 1000, 1), "ms", "floor", True,
                              *summary(floor)))
        results.append(Result(f"key_to_screen.{name}.p95_vs_bare", round(ratio, 2), "x floor", "<= 2",
                              ratio <= 2, med, q95, worst))
    peak_mb = peak_kb / 1024
    results.append(Result("desk.peak_memory", round(peak_mb, 1), "MB", "<= 150", peak_mb <= 150))
    return results

