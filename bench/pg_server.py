"""A throwaway PostgreSQL server for `make bench`, started the way the tests start theirs.

The same approach as tests/support/pg_cluster.py (bench/ does not import the tests): initdb in a
fresh temporary folder (data, unix socket and log inside it), 127.0.0.1 on a free port,
scram-sha-256, and the server run as the `postgres` system user when we are root (PostgreSQL
refuses to run as root). fsync, synchronous_commit and full_page_writes stay on: the storage
rules say a check-in is on disk when it is shown, and a benchmark with fsync off would time a
promise the kiosk does not make. shared_buffers is PostgreSQL's own default (128 MB), as a venue's
server would have it. `PgServer.start()` returns None, with a sentence saying what to install,
when the binaries are missing; `stop()` stops the server and removes the folder.
"""

from __future__ import annotations

import atexit
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import psycopg
from psycopg import sql

PREFIX = "kiosk-bench-pg-"
USER = "kiosk_bench"
BINARIES = ("initdb", "pg_ctl", "postgres")
INSTALL = "sudo apt-get install postgresql"
SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "max_connections": "100",
    "shared_buffers": "128MB",
    "fsync": "on",
    "synchronous_commit": "on",
    "full_page_writes": "on",
    "logging_collector": "off",
    # Loading the event writes a few hundred MB: without this, checkpoints would start mid-load.
    "max_wal_size": "2GB",
}


def find_bindir() -> Path | None:
    """The folder with initdb, pg_ctl and postgres: Debian's for 15 first, then the newest, then PATH."""
    debian = Path("/usr/lib/postgresql")
    versions = sorted(debian.glob("*/bin"), key=lambda path: -int(path.parent.name) if path.parent.name.isdigit() else 0)
    candidates = [debian / "15" / "bin", *versions]
    if on_path := shutil.which("pg_ctl"):
        candidates.append(Path(on_path).parent)
    return next((f for f in candidates if all((f / name).is_file() for name in BINARIES)), None)


def missing() -> str:
    """One line for `make bench` when there is no server to measure on ('' when there is)."""
    if find_bindir() is not None:
        return ""
    return (f"PostgreSQL figures skipped: the server binaries ({', '.join(BINARIES)}) are not installed; "
            f"install them with: {INSTALL}")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PgServer:
    """One throwaway server: `start()` it, `url(name)` its databases, `stop()` it."""

    def __init__(self, bindir: Path, folder: Path) -> None:
        self.bindir = bindir
        self.folder = folder
        self.data = folder / "data"
        self.log = folder / "server.log"
        self.password = secrets.token_hex(16)
        self.port = 0
        self.owner_pid = os.getpid()
        self._as_postgres = os.geteuid() == 0
        self._admin: psycopg.Connection | None = None

    @classmethod
    def start(cls) -> PgServer | None:
        """initdb a cluster in a new temporary folder and start it; None when the binaries are missing."""
        bindir = find_bindir()
        if bindir is None:
            return None
        cls._reap_stale(bindir)
        folder = Path(tempfile.mkdtemp(prefix=PREFIX))
        (folder / "owner.pid").write_text(str(os.getpid()))
        server = cls(bindir, folder)
        atexit.register(server.stop)  # an interrupted run still stops its server
        try:
            server._init()
            server._start()
        except BaseException:
            server.stop()
            raise
        return server

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        command = ["runuser", "-u", "postgres", "--", *args] if self._as_postgres else list(args)
        # cwd: the postgres user may not be allowed into the checkout's folder.
        return subprocess.run(command, capture_output=True, text=True, cwd=self.folder, timeout=180, check=False,
                              env=dict(os.environ, LC_ALL="C", LANG="C"))

    def _init(self) -> None:
        pwfile = self.folder / "password"
        pwfile.write_text(self.password + "\n")
        pwfile.chmod(0o600)
        if self._as_postgres:
            for path in (self.folder, pwfile, self.folder / "owner.pid"):
                shutil.chown(path, "postgres", "postgres")
        # --no-sync skips flushing initdb's own files only; the server runs with fsync on.
        done = self._run(str(self.bindir / "initdb"), "-D", str(self.data), "-U", USER, f"--pwfile={pwfile}",
                         "--auth=scram-sha-256", "--encoding=UTF8", "--locale=C", "--no-sync")
        pwfile.unlink()
        if done.returncode != 0:
            raise RuntimeError(f"initdb failed: {done.stderr.strip() or done.stdout.strip()}")

    def _start(self) -> None:
        log = ""
        for _attempt in range(5):
            self.port = _free_port()
            settings = dict(SETTINGS, port=str(self.port), unix_socket_directories=f"'{self.folder}'")
            with (self.data / "postgresql.conf").open("a", encoding="utf-8") as conf:
                conf.write("\n# make bench (bench/pg_server.py)\n")  # later lines win: a retry's port counts
                conf.writelines(f"{key} = {value}\n" for key, value in settings.items())
            self.log.unlink(missing_ok=True)
            started = self._run(str(self.bindir / "pg_ctl"), "start", "-D", str(self.data), "-l", str(self.log),
                                "-w", "-t", "90")
            if started.returncode == 0:
                self.admin().execute("SELECT 1")
                return
            log = self.log.read_text(errors="replace") if self.log.exists() else ""
            if "could not bind" not in log and "already in use" not in log:
                break
        raise RuntimeError(f"PostgreSQL did not start:\n{log[-2000:]}")

    def url(self, dbname: str = "postgres") -> str:
        """The URL of database `dbname` on this server, over 127.0.0.1."""
        return f"postgresql://{USER}:{self.password}@127.0.0.1:{self.port}/{dbname}"

    def admin(self) -> psycopg.Connection:
        """The server's superuser connection to `postgres` (autocommit), for CREATE and DROP DATABASE."""
        if self._admin is None or self._admin.closed or self._admin.broken:
            self._admin = psycopg.connect(self.url(), autocommit=True, connect_timeout=30)
        return self._admin

    def create_database(self, name: str, template: str | None = None) -> str:
        """A new database `name` (replacing one of that name), a file copy of `template` when given; its URL."""
        self.drop_database(name)
        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template is not None:
            # FILE_COPY: one checkpoint and a copy of the files, not every page written through the WAL.
            statement = sql.SQL("{} TEMPLATE {} STRATEGY = FILE_COPY").format(statement, sql.Identifier(template))
        self.admin().execute(statement)
        return self.url(name)

    def drop_database(self, name: str) -> None:
        """DROP DATABASE `name` if it is there, ending the sessions still connected to it."""
        self.admin().execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    def stop(self) -> None:
        """Stop the server and remove its folder; a second call does nothing."""
        if os.getpid() != self.owner_pid or not self.folder.exists():
            return  # a forked child's atexit must not stop its parent's server
        if self._admin is not None:
            self._admin.close()
            self._admin = None
        if (self.data / "postmaster.pid").exists():
            stopped = self._run(str(self.bindir / "pg_ctl"), "stop", "-D", str(self.data), "-m", "fast", "-w")
            if stopped.returncode != 0:
                self._run(str(self.bindir / "pg_ctl"), "stop", "-D", str(self.data), "-m", "immediate", "-w")
        shutil.rmtree(self.folder, ignore_errors=True)

    @classmethod
    def _reap_stale(cls, bindir: Path) -> None:
        """Stop and remove servers of bench runs that were killed (their owner.pid is no longer running)."""
        for folder in Path(tempfile.gettempdir()).glob(f"{PREFIX}*"):
            try:
                owner = int((folder / "owner.pid").read_text())
            except (OSError, ValueError):
                continue  # being set up right now by another run
            try:
                os.kill(owner, 0)
                continue  # its run is still going
            except ProcessLookupError:
                pass
            except PermissionError:
                continue
            cls(bindir, folder).stop()
