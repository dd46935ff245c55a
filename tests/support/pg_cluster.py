"""A throwaway PostgreSQL cluster for the tests: its own folder, 127.0.0.1 only, a free port.

`PgCluster.start_new()` runs initdb in a fresh temporary folder (the data, the unix socket and the
server's log all live in it), starts the server with `pg_ctl` and waits until a password login
works; `create_database(name, template=None)` returns a `postgresql://` URL; `stop()` stops the
server (`pg_ctl stop -m fast`) and removes the folder. `pause()` stops it but keeps the folder, and
`resume()` starts it again on the same port (`restart()`: pg_ctl restart), for the fault tests.
PostgreSQL refuses to run as root, so as root initdb and the server run as the `postgres` system user, which then owns the folder;
otherwise they run as the current user.

Every login needs the password (scram-sha-256, over TCP and the socket alike), so a test can show
a login without it is refused. fsync stays on: the storage rules say a check-in is durable, and
tests that kill writers must see what a real server keeps. Two test runs at once each get their
own folder (mkdtemp) and port (the server retries another when its port was taken meanwhile); a
cluster whose test run was killed is stopped and removed by the next run (`reap_stale`).
"""

from __future__ import annotations

import atexit
import itertools
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import threading
from pathlib import Path

import psycopg
from psycopg import sql

from tests.support.pg_required import cannot_run

USER = "kiosk_test"
PREFIX = "kiosk-pg-"
BINARIES = ("initdb", "pg_ctl", "postgres")
# 30 racing processes and their parents' connections fit; small buffers keep a run's memory low.
SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "max_connections": "200",
    "shared_buffers": "16MB",
    "fsync": "on",
    "synchronous_commit": "on",
    "full_page_writes": "on",
    "logging_collector": "off",
}


def find_bindir() -> Path | None:
    """The folder with initdb, pg_ctl and postgres: Debian's for 15 first, then the newest, then PATH."""
    debian = Path("/usr/lib/postgresql")
    versions = sorted(debian.glob("*/bin"), key=lambda path: -int(path.parent.name) if path.parent.name.isdigit() else 0)
    candidates = [debian / "15" / "bin", *versions]
    on_path = shutil.which("pg_ctl")
    if on_path:
        candidates.append(Path(on_path).parent)
    for folder in candidates:
        if all((folder / name).is_file() for name in BINARIES):
            return folder
    return None


def require_binaries(bindir: Path | None = None, *, required: bool | None = None) -> Path:
    """The server's binaries, or skip (fail under KIOSK_REQUIRE_POSTGRES) saying how to install them."""
    found = bindir if bindir is not None else find_bindir()
    if found is None or not all((found / name).is_file() for name in BINARIES):
        cannot_run(f"the PostgreSQL server binaries ({', '.join(BINARIES)}) are not installed", required=required)
    assert found is not None
    return found


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class PgCluster:
    """One throwaway PostgreSQL server: start with `start_new()`, end with `stop()`."""

    def __init__(self, bindir: Path, folder: Path) -> None:
        self.bindir = bindir
        self.folder = folder
        self.data = folder / "data"
        self.log = folder / "server.log"
        self.user = USER
        self.password = secrets.token_hex(16)
        self.port = 0
        self.owner_pid = os.getpid()
        self._as_postgres = os.geteuid() == 0
        self._names = itertools.count(1)
        self._admin: psycopg.Connection | None = None
        self._lock = threading.Lock()

    @classmethod
    def start_new(cls, bindir: Path | None = None) -> PgCluster:
        """initdb a cluster in a new temporary folder, start it and wait until it takes logins."""
        found = require_binaries(bindir)
        cls.reap_stale(found)
        folder = Path(tempfile.mkdtemp(prefix=PREFIX))
        (folder / "owner.pid").write_text(str(os.getpid()))
        cluster = cls(found, folder)
        atexit.register(cluster.stop)  # a run that ends without the fixture's teardown still stops it
        try:
            cluster._init()
            cluster._start()
        except BaseException:
            cluster.stop()
            raise
        return cluster

    def _command(self, *args: str) -> list[str]:
        if self._as_postgres:
            return ["runuser", "-u", "postgres", "--", *args]
        return list(args)

    def _run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        # cwd: the postgres user may not be allowed into the checkout's folder.
        env = dict(os.environ, LC_ALL="C", LANG="C")
        return subprocess.run(self._command(*args), capture_output=True, text=True, cwd=self.folder, env=env,
                              timeout=timeout, check=False)

    def _init(self) -> None:
        pwfile = self.folder / "password"
        pwfile.write_text(self.password + "\n")
        pwfile.chmod(0o600)
        if self._as_postgres:
            shutil.chown(self.folder, "postgres", "postgres")
            shutil.chown(pwfile, "postgres", "postgres")
            shutil.chown(self.folder / "owner.pid", "postgres", "postgres")
        # --no-sync only skips flushing initdb's own files of this throwaway cluster; the server
        # itself runs with fsync on.
        done = self._run(str(self.bindir / "initdb"), "-D", str(self.data), "-U", self.user, f"--pwfile={pwfile}",
                         "--auth=scram-sha-256", "--encoding=UTF8", "--locale=C", "--no-sync")
        pwfile.unlink()
        if done.returncode != 0:
            raise RuntimeError(f"initdb failed: {done.stderr.strip() or done.stdout.strip()}")

    def _configure(self) -> None:
        settings = dict(SETTINGS, port=str(self.port), unix_socket_directories=f"'{self.folder}'")
        with (self.data / "postgresql.conf").open("a", encoding="utf-8") as conf:
            conf.write("\n# kiosk tests (tests/support/pg_cluster.py)\n")
            conf.writelines(f"{key} = {value}\n" for key, value in settings.items())

    def _start(self) -> None:
        for _attempt in range(5):
            self.port = _free_port()
            self._configure()  # later lines win, so a retry's port replaces the last one's
            self.log.unlink(missing_ok=True)  # so the log read below is this attempt's
            started = self._run(str(self.bindir / "pg_ctl"), "start", "-D", str(self.data), "-l", str(self.log),
                                "-w", "-t", "90")
            if started.returncode == 0:
                self._admin_connection().execute("SELECT 1")
                return
            log = self.log.read_text(errors="replace") if self.log.exists() else ""
            if "could not bind" not in log and "already in use" not in log:
                raise RuntimeError(f"PostgreSQL did not start: {started.stderr.strip()}\n{log[-2000:]}")
        raise RuntimeError(f"PostgreSQL found no free port on 127.0.0.1 after 5 tries:\n{log[-2000:]}")

    def url(self, dbname: str = "postgres", *, password: bool = True) -> str:
        """The URL of database `dbname` on this server, over 127.0.0.1 (without the password if asked)."""
        secret = f":{self.password}" if password else ""
        return f"postgresql://{self.user}{secret}@127.0.0.1:{self.port}/{dbname}"

    def connect(self, dbname: str = "postgres", **options: object) -> psycopg.Connection:
        """A new psycopg connection to `dbname` as the superuser."""
        return psycopg.connect(self.url(dbname), **options)

    def _admin_connection(self) -> psycopg.Connection:
        if self._admin is None or self._admin.closed or self._admin.broken:
            self._admin = self.connect(autocommit=True, connect_timeout=30)
        return self._admin

    def unique_name(self, prefix: str = "test") -> str:
        """A database name not used before on this server (a counter: the server is this run's own)."""
        return f"{prefix}_{next(self._names)}"

    def create_database(self, name: str, template: str | None = None) -> str:
        """CREATE DATABASE `name` (a copy of `template` when given) and return its URL.

        A template must have no open connections while it is copied (PostgreSQL refuses).
        """
        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template is not None:
            statement = sql.SQL("{} TEMPLATE {}").format(statement, sql.Identifier(template))
        with self._lock:
            self._admin_connection().execute(statement)
        return self.url(name)

    def drop_database(self, name: str) -> None:
        """DROP DATABASE `name`, ending any sessions still connected to it."""
        with self._lock:
            self._admin_connection().execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    def server_pid(self) -> int | None:
        """The postmaster's process id while it runs (the first line of postmaster.pid)."""
        try:
            return int((self.data / "postmaster.pid").read_text().split()[0])
        except (OSError, IndexError, ValueError):
            return None

    def pause(self) -> None:
        """Stop the server (fast: sessions are ended) but keep its folder, port and password for `resume()`.

        For tests of a server that goes away: give them a cluster of their own (`start_new()`),
        never the run's shared one.
        """
        if self._admin is not None:
            self._admin.close()
            self._admin = None
        stopped = self._run(str(self.bindir / "pg_ctl"), "stop", "-D", str(self.data), "-m", "fast", "-w", "-t", "60")
        if stopped.returncode != 0:
            raise RuntimeError(f"PostgreSQL did not stop: {stopped.stderr.strip()}")

    def resume(self) -> None:
        """Start a paused server again, on the same port and folder, and wait until it takes logins."""
        started = self._run(str(self.bindir / "pg_ctl"), "start", "-D", str(self.data), "-l", str(self.log),
                            "-w", "-t", "90")
        if started.returncode != 0:
            log = self.log.read_text(errors="replace") if self.log.exists() else ""
            raise RuntimeError(f"PostgreSQL did not start again: {started.stderr.strip()}\n{log[-2000:]}")
        self._admin_connection().execute("SELECT 1")

    def restart(self) -> None:
        """`pg_ctl restart` (fast): every session is ended and the server is back on the same port."""
        if self._admin is not None:
            self._admin.close()
            self._admin = None
        done = self._run(str(self.bindir / "pg_ctl"), "restart", "-D", str(self.data), "-l", str(self.log),
                         "-m", "fast", "-w", "-t", "90")
        if done.returncode != 0:
            raise RuntimeError(f"PostgreSQL did not restart: {done.stderr.strip()}")
        self._admin_connection().execute("SELECT 1")

    def stop(self) -> None:
        """Stop the server (fast: sessions are ended) and remove the folder; a second call does nothing."""
        if os.getpid() != self.owner_pid or not self.folder.exists():
            return  # a forked child's atexit must not stop its parent's server
        if self._admin is not None:
            self._admin.close()
            self._admin = None
        if self.server_pid() is not None:
            stopped = self._run(str(self.bindir / "pg_ctl"), "stop", "-D", str(self.data), "-m", "fast", "-w", "-t", "60")
            if stopped.returncode != 0:
                self._run(str(self.bindir / "pg_ctl"), "stop", "-D", str(self.data), "-m", "immediate", "-w")
        shutil.rmtree(self.folder, ignore_errors=True)

    @classmethod
    def reap_stale(cls, bindir: Path) -> None:
        """Stop and remove clusters left by test runs that were killed (their owner.pid is dead)."""
        for folder in Path(tempfile.gettempdir()).glob(f"{PREFIX}*"):
            try:
                owner = int((folder / "owner.pid").read_text())
            except (OSError, ValueError):
                continue  # being set up right now by another run, or not ours
            if _alive(owner):
                continue
            stale = cls(bindir, folder)
            stale.owner_pid = os.getpid()
            stale.stop()
