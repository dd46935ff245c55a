"""A desk process for the offline storm tests: scans through kiosk.store.offline_switch, online or not.

Usage: python -m tests.support.offline_storm URL DEVICE OPS SEED CODES_FILE FOLDER [SHARED_CODE]

Prints `ACK <nonce> <reason> online|offline` for each scan once the switch returned it (committed
on the server, or on disk in the local queue), `WAITING <n>` now and then, and `DONE` once its
queue is uploaded. With SHARED_CODE, the first scan it makes offline is of that person: every
desk offline at once lets the same person in, and all but one of those become double entries.
OPS 0: only upload what a killed predecessor left (and say DONE).
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sys
import time
import uuid
from pathlib import Path

from kiosk.store import StoreError, connect
from kiosk.store.offline_files import local_path
from kiosk.store.offline_switch import OfflineSwitch

# Between scans: a desk scans a badge every few tenths of a second, so the storm spans the server's stop.
PACE_SECONDS = 0.03


def main() -> None:
    """Run OPS scans as DEVICE and acknowledge each on stdout; then wait for the upload."""
    url, device, ops, seed, codes_file, folder = sys.argv[1:7]
    shared = sys.argv[7] if len(sys.argv) > 7 else None
    codes = [c for c in json.loads(Path(codes_file).read_text()) if c != shared]
    rng = random.Random(int(seed))
    switch = OfflineSwitch(url, local_path(Path(folder), device), device, tick_seconds=0.2)
    print(f"WAITING {switch.waiting}", flush=True)  # what a killed predecessor left
    db = None
    while db is None:  # a desk started while the server is down waits for it to answer once
        try:
            db = connect(url)
        except StoreError:
            time.sleep(0.2)
    switch.tick()  # the first copy, before the first scan
    switch.start()
    shared_done = shared is None
    for _ in range(int(ops)):
        if not shared_done and switch.offline:
            code, direction, shared_done = shared, "entry", True
        else:
            roll = rng.random()
            code = "UNKNOWN" + str(rng.randrange(5)) if roll < 0.05 else rng.choice(codes)
            direction = "exit" if roll > 0.85 else "entry"
        nonce = uuid.uuid4().hex
        now = dt.datetime.now(dt.UTC).astimezone()
        try:
            result = switch.scan(db, code, now=now, direction=direction, nonce=nonce)
        except StoreError as error:
            print(f"ERR {error.kind} {error}", flush=True)
            continue
        state = "offline" if result.scan_id < 0 else "online"
        print(f"ACK {nonce} {result.reason.value} {state} {code}", flush=True)
        time.sleep(PACE_SECONDS)
    deadline = time.monotonic() + 240
    while switch.waiting and time.monotonic() < deadline:
        time.sleep(0.1)
    print(f"WAITING {switch.waiting}", flush=True)
    switch.close()
    print("DONE", flush=True)


if __name__ == "__main__":
    main()
