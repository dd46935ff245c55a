"""Power loss: a check-in is answered only after its write-ahead log reached the disk.

The kiosk cannot cut the power under itself, but what `synchronous=FULL` buys can be watched: in
WAL mode SQLite then syncs the -wal file at every COMMIT, so a scan the desk calls done survives a
power cut or a pulled USB stick (on a disk that honours fsync). With `synchronous=NORMAL` it
syncs only at checkpoints, and the last answered scans could vanish with the power. The test
traces a real `kiosk checkin` with strace and checks the order of the system calls: the last
write to the -wal file, then its sync, then the "ok" the person sees.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest

from kiosk.store import connect

STRACE = shutil.which("strace")
CALL = re.compile(r"^\d+\s+(\w+)\((.*)\)\s+=\s+(-?\d+)")


def test_every_connection_is_wal_with_synchronous_full(db_path, db):
    """The settings the guarantee rests on, on a connection as every process opens it."""
    conn = connect(db_path)
    assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert conn.execute("PRAGMA synchronous").fetchone() == (2,)  # 2 = FULL


def _calls(trace: str):
    """(name, arguments, result) of each traced call, in the order they happened."""
    for line in trace.splitlines():
        if match := CALL.match(line):
            yield match.group(1), match.group(2), int(match.group(3))


@pytest.mark.skipif(STRACE is None, reason="watching the system calls needs strace (Debian: strace)")
def test_a_check_in_is_answered_only_after_its_log_is_synced_to_disk(db_path, db, people, tmp_path):
    trace_file = tmp_path / "checkin.trace"
    wal = f"{db_path}-wal"
    proc = subprocess.run(
        [STRACE, "-f", "-qq", "-s", "60", "-e", "trace=openat,close,pwrite64,write,fsync,fdatasync",
         "-o", str(trace_file), sys.executable, "-m", "kiosk", "--db", str(db_path), "checkin", people["Anna de Vries"]],
        capture_output=True, text=True, timeout=60, env={"KIOSK_NOW": "09:30", "PATH": "/usr/bin:/bin"},
    )
    assert proc.returncode == 0 and proc.stdout.startswith("ok: Anna de Vries"), proc.stderr
    wal_fds: set[int] = set()
    last_wal_write = synced_after = answered = None
    for i, (name, args, result) in enumerate(_calls(trace_file.read_text())):
        fd = int(args.split(",", 1)[0]) if args[:1].isdigit() else None
        if name == "openat" and f'"{wal}"' in args and result >= 0:
            wal_fds.add(result)
        elif name == "close" and fd in wal_fds:
            wal_fds.discard(fd)
        elif name == "pwrite64" and fd in wal_fds:
            last_wal_write, synced_after = i, None
        elif name in ("fsync", "fdatasync") and fd in wal_fds and last_wal_write is not None:
            synced_after = synced_after or i
        elif name == "write" and fd == 1 and '"ok: ' in args:
            answered = i
            break
    assert answered is not None, "the trace has no answer on stdout"
    assert last_wal_write is not None, "the check-in wrote nothing to the -wal file before answering"
    assert synced_after is not None and last_wal_write < synced_after < answered, (
        "the answer came before the -wal file's last write was synced to disk"
    )
    with connect(db_path) as check:
        assert check.execute("SELECT count(*) FROM scans WHERE raw_code = ?", (people["Anna de Vries"],)).fetchone() == (1,)
