"""A writer process for the concurrency and crash tests: random check-ins, exits, sign-ups, cancels.

Usage: python -m tests.support.storm DB WORKER OPS SEED CODES_FILE
Prints one `ACK ...` line per operation only after its transaction committed, so the parent
knows exactly what was acknowledged even when this process is killed mid-way.
"""

from __future__ import annotations

import json
import random
import sys
import uuid

from kiosk.clock import Clock
from kiosk.store import StoreError, connect
from kiosk.store.scans import record_scan
from kiosk.store.signups import cancel, signup

SESSIONS = ["lunch-vaartocht", "lunch-monet", "r1-slim-met-stroom", "r1-migratie-en-werk", "gesprek-ambassadeur"]


def main() -> None:
    """Run OPS random operations as worker WORKER and acknowledge each on stdout."""
    db_path, worker, ops, seed, codes_file = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
    codes = json.loads(open(codes_file).read())
    # Sign-ups use this worker's own people (so it knows their final state); scans use everyone.
    mine = codes[worker::8]
    rng = random.Random(seed)
    db = connect(db_path)
    clock = Clock.fixed("09:00")
    for _ in range(ops):
        kind = rng.choice(["in", "in", "out", "signup", "signup", "cancel"])
        try:
            if kind in ("in", "out"):
                nonce = uuid.uuid4().hex
                result = record_scan(db, rng.choice(codes), now=clock.now(), device=f"w{worker}",
                                     direction="entry" if kind == "in" else "exit", nonce=nonce)
                print(f"ACK scan {nonce} {result.reason.value}", flush=True)
            else:
                code, session = rng.choice(mine), rng.choice(SESSIONS)
                call = signup if kind == "signup" else cancel
                result = call(db, code, session, now=clock.now(), device=f"w{worker}")
                print(f"ACK {kind} {code} {session} {result.status.value} {result.moved_from or '-'}", flush=True)
        except StoreError as error:
            # A refusal a person would see; the test counts these and requires none.
            print(f"ERR {kind} {error}", flush=True)


if __name__ == "__main__":
    main()
