"""Store-level benchmarks: check-in against a bare INSERT, search, eight desks, the last seat."""

from __future__ import annotations

import random
import subprocess
import sys
import time
from pathlib import Path

from bench.measure import Result, summary, timings
from kiosk.clock import Clock
from kiosk.store import connect
from kiosk.store.attendees import search
from kiosk.store.scans import record_scan

ROOT = Path(__file__).resolve().parent.parent


def checkin_vs_floor(path: Path, runs: int = 300) -> list[Result]:
    """The desk's check-in call against a bare single-row INSERT + COMMIT on the same file."""
    db = connect(path)
    db.execute("CREATE TABLE IF NOT EXISTS bench_floor (id INTEGER PRIMARY KEY, v TEXT)")
    floor = timings(lambda: (db.execute("BEGIN IMMEDIATE"), db.execute("INSERT INTO bench_floor (v) VALUES ('x')"),
                             db.execute("COMMIT")), runs)
    rng = random.Random(1)
    total = db.execute("SELECT MAX(id) FROM attendees").fetchone()[0]
    clock = Clock.fixed("2026-11-29T10:00")
    codes = iter(f"B{rng.randint(0, total - 1):07d}" for _ in range(runs + 10))
    checkin = timings(lambda: record_scan(db, next(codes), now=clock.now(), device="bench"), runs)
    f_med, f_p95, _ = summary(floor)
    med, p95, worst = summary(checkin)
    ratio = med / f_med
    return [
        Result("checkin.floor_insert_commit", round(f_med, 3), "ms", "floor", True, f_med, f_p95, max(floor) * 1000),
        Result("checkin.median_vs_floor", round(ratio, 2), "x floor", "<= 3", ratio <= 3, med, p95, worst),
        Result("checkin.p95", round(p95, 3), "ms", "<= 5", p95 <= 5, med, p95, worst),
    ]


def search_as_you_type(path: Path, runs: int = 200) -> list[Result]:
    """Name search p95 for 1-, 2-, 3-letter prefixes, full names and accent-free queries."""
    db = connect(path)
    names = [r[0] for r in db.execute("SELECT name FROM attendees ORDER BY random() LIMIT 200")]
    rng = random.Random(2)
    kinds = {
        "1_letter": lambda: rng.choice("abcdeghjklmnoprstvwz"),
        "2_letters": lambda: rng.choice(names)[:2],
        "3_letters": lambda: rng.choice(names)[:3],
        "full_name": lambda: rng.choice(names),
        "accent_free": lambda: rng.choice(["celik", "soren", "odegaard", "lukasz", "yilmaz", "zoe", "nguyen", "dvorak"]),
    }
    results = []
    for kind, query in kinds.items():
        samples = timings(lambda query=query: search(db, query(), limit=20), runs)
        med, p95, worst = summary(samples)
        results.append(Result(f"search.{kind}.p95", round(p95, 3), "ms", "<= 5", p95 <= 5, med, p95, worst))
    # Closed at once, not whenever it is collected: the last connection's close removes the master
    # file's -wal, and a -wal beside it makes ensure_built take the file for one written to and build it again.
    db.close()
    return results


DESK = """
import sys, time, random
from kiosk.clock import Clock
from kiosk.store import connect
from kiosk.store.scans import record_scan
db = connect(sys.argv[1]); n = int(sys.argv[2]); rng = random.Random(int(sys.argv[3])); total = int(sys.argv[4])
clock = Clock(); worst = 0.0; start = time.perf_counter()
for _ in range(n):
    t = time.perf_counter()
    record_scan(db, f"B{rng.randint(0, total - 1):07d}", now=clock.now(), device="desk" + sys.argv[3])
    worst = max(worst, time.perf_counter() - t)
print(worst, time.perf_counter() - start)
"""


def eight_desks(path: Path, per_desk: int = 150) -> list[Result]:
    """Eight desk processes scanning flat out: total check-ins per second and the worst one."""
    total = connect(path).execute("SELECT MAX(id) FROM attendees").fetchone()[0]
    start = time.perf_counter()
    procs = [
        subprocess.Popen([sys.executable, "-c", DESK, str(path), str(per_desk), str(d), str(total)],
                         cwd=ROOT, stdout=subprocess.PIPE, text=True)
        for d in range(8)
    ]
    outs = [p.communicate()[0].split() for p in procs]
    elapsed = time.perf_counter() - start
    worst = max(float(o[0]) for o in outs) * 1000
    rate = 8 * per_desk / elapsed
    return [
        Result("eight_desks.checkins_per_second", round(rate, 1), "1/s", "reported", True),
        Result("eight_desks.worst_checkin", round(worst, 1), "ms", "<= 250", worst <= 250, max=worst),
    ]


RACER = """
import sys
from kiosk.clock import Clock
from kiosk.store import connect
from kiosk.store.signups import signup
db = connect(sys.argv[1])
sys.stdin.readline()  # wait for the starting shot so all 30 press at once
print(signup(db, sys.argv[2], "lunch-vaartocht", now=Clock.fixed("2026-11-29T10:00").now()).status.value, flush=True)
"""


def last_seat(path: Path, racers: int = 30) -> list[Result]:
    """30 processes race for the Vaartocht's last seat: time until all have an answer, one winner."""
    from kiosk.store.signups import signup

    db = connect(path)
    clock = Clock.fixed("2026-11-29T10:00")
    capacity = db.execute("SELECT capacity FROM sessions WHERE id = 'lunch-vaartocht'").fetchone()[0]
    codes = [r[0] for r in db.execute("SELECT code FROM attendees ORDER BY id DESC LIMIT ?", (capacity - 1 + racers,))]
    # A clean start: nobody on the boat, and the racers free of choices that clash with it.
    db.execute("BEGIN IMMEDIATE")
    db.execute("UPDATE signups SET status = 'cancelled' WHERE session_id = 'lunch-vaartocht'")
    db.execute(
        f"UPDATE signups SET status = 'cancelled' WHERE attendee_id IN "
        f"(SELECT id FROM attendees WHERE code IN ({','.join('?' * len(codes))}))",
        codes,
    )
    db.execute("COMMIT")
    for code in codes[: capacity - 1]:
        signup(db, code, "lunch-vaartocht", now=clock.now())
    procs = [
        subprocess.Popen([sys.executable, "-c", RACER, str(path), code], cwd=ROOT,
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        for code in codes[capacity - 1:]
    ]
    time.sleep(3)  # let every racer import and connect before the shot
    start = time.perf_counter()
    for p in procs:
        p.stdin.write("go\n")
        p.stdin.flush()
    answers = [p.communicate()[0].strip() for p in procs]
    elapsed = (time.perf_counter() - start) * 1000
    winners = answers.count("confirmed")
    confirmed = db.execute(
        "SELECT COUNT(*) FROM signups WHERE session_id = 'lunch-vaartocht' AND status = 'confirmed'"
    ).fetchone()[0]
    return [
        Result("last_seat.all_answered", round(elapsed, 1), "ms", "reported", True),
        Result("last_seat.winners", winners, "people", "== 1", winners == 1 and confirmed == capacity),
    ]
