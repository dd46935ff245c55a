"""The tests' throwaway PostgreSQL cluster: bench/pg_server.py's server with the tests' settings and controls.

`PgCluster.start_new()` runs initdb in a fresh temporary folder (the data, the unix socket and the
server's log all live in it), starts the server with `pg_ctl` and waits until a password login
works, the way `make bench` starts its own (one copy of that start-up, in bench/pg_server.py: the
tests import the benchmarks already, and the benchmarks need not import pytest);
`create_database(name, template=None)` returns a `postgresql://` URL; `stop()` stops the server
(`pg_ctl stop -m fast`) and removes the folder. What is the tests' own: the binaries missing
skip the test (fail under KIOSK_REQUIRE_POSTGRES) saying what to install; `pause()` stops the
server but keeps the folder, and `resume()` starts it again on the same port (`restart()`:
pg_ctl restart), for the fault tests; `freeze()` stops its processes where they are (SIGSTOP: a
server that hangs, whose kernel still takes connections) and `thaw()` lets them go on;
`unique_name()` names this run's databases.

Every login needs the password (scram-sha-256, over TCP and the socket alike), so a test can show
a login without it is refused. Two test runs at once each get their own folder (mkdtemp) and port;
a cluster whose test run was killed is stopped and removed by the next run (`reap_stale`).
"""

from __future__ import annotations

import itertools
import os
import signal
from pathlib import Path
from typing import ClassVar

import psycopg

from bench.pg_server import BINARIES, PgServer, find_bindir, has_binaries
from tests.support.pg_required import cannot_run


def require_binaries(bindir: Path | None = None, *, required: bool | None = None) -> Path:
    """The server's binaries, or skip (fail under KIOSK_REQUIRE_POSTGRES) saying how to install them."""
    found = bindir if bindir is not None else find_bindir()
    if found is None or not has_binaries(found):
        cannot_run(f"the PostgreSQL server binaries ({', '.join(BINARIES)}) are not installed", required=required)
    assert found is not None
    return found


class PgCluster(PgServer):
    """One throwaway PostgreSQL server for tests: start with `start_new()`, end with `stop()`."""

    PREFIX: ClassVar[str] = "kiosk-pg-"
    USER: ClassVar[str] = "kiosk_test"
    # 30 racing processes and their parents' connections fit; small buffers keep a run's memory low;
    # PostgreSQL's own max_wal_size (the bench's 2GB is for loading its 100,000-person event).
    SETTINGS: ClassVar[dict[str, str]] = {
        **PgServer.SETTINGS, "max_connections": "200", "shared_buffers": "16MB", "max_wal_size": "1GB"}
    WHOSE: ClassVar[str] = "kiosk tests (tests/support/pg_cluster.py)"

    def __init__(self, bindir: Path, folder: Path) -> None:
        super().__init__(bindir, folder)
        self._names = itertools.count(1)

    @classmethod
    def start_new(cls, bindir: Path | None = None) -> PgCluster:
        """initdb a cluster in a new temporary folder, start it and wait until it takes logins."""
        return cls.launch(require_binaries(bindir))

    def connect(self, dbname: str = "postgres", **options: object) -> psycopg.Connection:
        """A new psycopg connection to `dbname` as the superuser."""
        return psycopg.connect(self.url(dbname), **options)

    def unique_name(self, prefix: str = "test") -> str:
        """A database name not used before on this server (a counter: the server is this run's own)."""
        return f"{prefix}_{next(self._names)}"

    def pause(self) -> None:
        """Stop the server (fast: sessions are ended) but keep its folder, port and password for `resume()`.

        For tests of a server that goes away: give them a cluster of their own (`start_new()`),
        never the run's shared one.
        """
        self.close_admin()
        stopped = self.pg_ctl("stop", "-m", "fast", "-t", "60")
        if stopped.returncode != 0:
            raise RuntimeError(f"PostgreSQL did not stop: {stopped.stderr.strip()}")

    def resume(self) -> None:
        """Start a paused server again, on the same port and folder, and wait until it takes logins."""
        started = self.pg_ctl("start", "-l", str(self.log), "-t", "90")
        if started.returncode != 0:
            log = self.log.read_text(errors="replace") if self.log.exists() else ""
            raise RuntimeError(f"PostgreSQL did not start again: {started.stderr.strip()}\n{log[-2000:]}")
        self.admin().execute("SELECT 1")

    def freeze(self) -> None:
        """Stop the postmaster, then every process of it, where they are (SIGSTOP), as a hung server machine.

        Its kernel still accepts connections and acknowledges what is sent; nothing answers until `thaw()`.
        """
        postmaster = self._postmaster()
        os.kill(postmaster, signal.SIGSTOP)  # first: it forks no new backend meanwhile
        self._signal_children(postmaster, signal.SIGSTOP)

    def thaw(self) -> None:
        """Let a frozen server go on (SIGCONT), its children first: what was sent meanwhile is answered now."""
        postmaster = self._postmaster()
        self._signal_children(postmaster, signal.SIGCONT)
        os.kill(postmaster, signal.SIGCONT)

    def _postmaster(self) -> int:
        postmaster = self.server_pid()
        if postmaster is None:
            raise RuntimeError("PostgreSQL is not running: nothing to freeze or thaw")
        return postmaster

    @staticmethod
    def _signal_children(postmaster: int, sig: signal.Signals) -> None:
        for pid in Path(f"/proc/{postmaster}/task/{postmaster}/children").read_text().split():
            try:
                os.kill(int(pid), sig)
            except ProcessLookupError:
                pass  # a backend that ended meanwhile

    def restart(self) -> None:
        """`pg_ctl restart` (fast): every session is ended and the server is back on the same port."""
        self.close_admin()
        done = self.pg_ctl("restart", "-l", str(self.log), "-m", "fast", "-t", "90")
        if done.returncode != 0:
            raise RuntimeError(f"PostgreSQL did not restart: {done.stderr.strip()}")
        self.admin().execute("SELECT 1")
