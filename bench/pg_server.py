"""A throwaway PostgreSQL server, for `make bench` and (through tests/support/pg_cluster.py) the tests.

initdb in a fresh temporary folder (data, unix socket and log inside it), 127.0.0.1 on a free
port (another one tried when the port was taken meanwhile), scram-sha-256 for every login, and
the server run as the `postgres` system user when we are root (PostgreSQL refuses to run as root;
that user then owns the folder). fsync, synchronous_commit and full_page_writes stay on: the
storage rules say a check-in is on disk when it is shown, and a benchmark with fsync off would
time a promise the kiosk does not make (the tests that kill writers must see what a real server
keeps). shared_buffers is PostgreSQL's own default (128 MB), as a venue's server would have it.
`PgServer.start()` returns None, with `missing()` saying what to install, when the binaries are
missing; `stop()` stops the server and removes the folder; a server whose run was killed is
stopped and removed by the next run (`reap_stale`).

The one copy of this start-up lives here, not in tests/support: the tests import the benchmarks
already (tests/test_bench*_smoke.py), while `make bench` importing the test suite would bring in
pytest and tie a measuring tool to the tests' layout. tests/support/pg_cluster.py subclasses
`PgServer` with the tests' settings, their skip (or failure in CI) without the binaries, and the
pause, resume and restart of the fault tests.
"""

from __future__ import annotations

import atexit
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import ClassVar, Self

import psycopg
from psycopg import sql

BINARIES = ("initdb", "pg_ctl", "postgres")
INSTALL = "sudo apt-get install postgresql"


def find_bindir() -> Path | None:
    """The folder with initdb, pg_ctl and postgres: Debian's for 15 first, then the newest, then PATH."""
    debian = Path("/usr/lib/postgresql")
    versions = sorted(debian.glob("*/bin"), key=lambda path: -int(path.parent.name) if path.parent.name.isdigit() else 0)
    candidates = [debian / "15" / "bin", *versions]
    if on_path := shutil.which("pg_ctl"):
        candidates.append(Path(on_path).parent)
    return next((f for f in candidates if has_binaries(f)), None)


def has_binaries(folder: Path) -> bool:
    """Whether `folder` holds initdb, pg_ctl and postgres."""
    return all((folder / name).is_file() for name in BINARIES)


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


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: running
    return True


class PgServer:
    """One throwaway server: `start()` it, `url(name)` its databases, `stop()` it."""

    PREFIX: ClassVar[str] = "kiosk-bench-pg-"
    USER: ClassVar[str] = "kiosk_bench"
    SETTINGS: ClassVar[dict[str, str]] = {
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
    WHOSE: ClassVar[str] = "make bench (bench/pg_server.py)"  # the heading of its lines in postgresql.conf

    def __init__(self, bindir: Path, folder: Path) -> None:
        self.bindir = bindir
        self.folder = folder
        self.data = folder / "data"
        self.log = folder / "server.log"
        self.user = self.USER
        self.password = secrets.token_hex(16)
        self.port = 0
        self.owner_pid = os.getpid()
        self._as_postgres = os.geteuid() == 0
        self._admin: psycopg.Connection | None = None
        self._lock = threading.Lock()  # the admin connection is shared by the threads of a test run

    @classmethod
    def start(cls) -> Self | None:
        """initdb a cluster in a new temporary folder and start it; None when the binaries are missing."""
        bindir = find_bindir()
        return None if bindir is None else cls.launch(bindir)

    @classmethod
    def launch(cls, bindir: Path) -> Self:
        """initdb a cluster with the binaries in `bindir`, start it and wait until it takes logins."""
        cls.reap_stale(bindir)
        folder = Path(tempfile.mkdtemp(prefix=cls.PREFIX))
        (folder / "owner.pid").write_text(str(os.getpid()))
        server = cls(bindir, folder)
        atexit.register(server.stop)  # a run that is interrupted, or ends without its teardown, still stops it
        try:
            server._init()
            server._start()
        except BaseException:
            server.stop()
            raise
        return server

    def _run(self, *args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
        command = ["runuser", "-u", "postgres", "--", *args] if self._as_postgres else list(args)
        # cwd: the postgres user may not be allowed into the checkout's folder.
        return subprocess.run(command, capture_output=True, text=True, cwd=self.folder, timeout=timeout, check=False,
                              env=dict(os.environ, LC_ALL="C", LANG="C"))

    def pg_ctl(self, action: str, *args: str) -> subprocess.CompletedProcess[str]:
        """Run `pg_ctl ACTION` on this server's data folder (waiting for it), as the server's user."""
        return self._run(str(self.bindir / "pg_ctl"), action, "-D", str(self.data), *args, "-w")

    def _init(self) -> None:
        pwfile = self.folder / "password"
        pwfile.write_text(self.password + "\n")
        pwfile.chmod(0o600)
        if self._as_postgres:
            for path in (self.folder, pwfile, self.folder / "owner.pid"):
                shutil.chown(path, "postgres", "postgres")
        # --no-sync skips flushing initdb's own files only; the server runs with fsync on.
        done = self._run(str(self.bindir / "initdb"), "-D", str(self.data), "-U", self.user, f"--pwfile={pwfile}",
                         "--auth=scram-sha-256", "--encoding=UTF8", "--locale=C", "--no-sync")
        pwfile.unlink()
        if done.returncode != 0:
            raise RuntimeError(f"initdb failed: {done.stderr.strip() or done.stdout.strip()}")

    def _start(self) -> None:
        log = ""
        for _attempt in range(5):
            self.port = _free_port()
            settings = dict(self.SETTINGS, port=str(self.port), unix_socket_directories=f"'{self.folder}'")
            with (self.data / "postgresql.conf").open("a", encoding="utf-8") as conf:
                conf.write(f"\n# {self.WHOSE}\n")  # later lines win, so a retry's port replaces the last one's
                conf.writelines(f"{key} = {value}\n" for key, value in settings.items())
            self.log.unlink(missing_ok=True)  # so the log read below is this attempt's
            started = self.pg_ctl("start", "-l", str(self.log), "-t", "90")
            if started.returncode == 0:
                self.admin().execute("SELECT 1")
                return
            log = self.log.read_text(errors="replace") if self.log.exists() else ""
            if "could not bind" not in log and "already in use" not in log:
                raise RuntimeError(f"PostgreSQL did not start: {started.stderr.strip()}\n{log[-2000:]}")
        raise RuntimeError(f"PostgreSQL found no free port on 127.0.0.1 after 5 tries:\n{log[-2000:]}")

    def url(self, dbname: str = "postgres", *, password: bool = True) -> str:
        """The URL of database `dbname` on this server, over 127.0.0.1 (without the password if asked)."""
        secret = f":{self.password}" if password else ""
        return f"postgresql://{self.user}{secret}@127.0.0.1:{self.port}/{dbname}"

    def admin(self) -> psycopg.Connection:
        """The server's superuser connection to `postgres` (autocommit), for CREATE and DROP DATABASE."""
        if self._admin is None or self._admin.closed or self._admin.broken:
            self._admin = psycopg.connect(self.url(), autocommit=True, connect_timeout=30)
        return self._admin

    def close_admin(self) -> None:
        """Close the superuser connection (before the server stops); `admin()` opens a new one."""
        if self._admin is not None:
            self._admin.close()
            self._admin = None

    def create_database(self, name: str, template: str | None = None) -> str:
        """CREATE DATABASE `name` (a copy of `template` when given) and return its URL.

        A template must have no open connections while it is copied (PostgreSQL refuses).
        """
        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template is not None:
            # FILE_COPY: one checkpoint and a copy of the files, not every page written through the WAL.
            statement = sql.SQL("{} TEMPLATE {} STRATEGY = FILE_COPY").format(statement, sql.Identifier(template))
        with self._lock:
            self.admin().execute(statement)
        return self.url(name)

    def drop_database(self, name: str) -> None:
        """DROP DATABASE `name` if it is there, ending the sessions still connected to it."""
        with self._lock:
            self.admin().execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    def server_pid(self) -> int | None:
        """The postmaster's process id while it runs (the first line of postmaster.pid)."""
        try:
            return int((self.data / "postmaster.pid").read_text().split()[0])
        except (OSError, IndexError, ValueError):
            return None

    def stop(self) -> None:
        """Stop the server (fast: sessions are ended) and remove its folder; a second call does nothing."""
        if os.getpid() != self.owner_pid or not self.folder.exists():
            return  # a forked child's atexit must not stop its parent's server
        self.close_admin()
        if self.server_pid() is not None:
            if self.pg_ctl("stop", "-m", "fast", "-t", "60").returncode != 0:
                self.pg_ctl("stop", "-m", "immediate")
        shutil.rmtree(self.folder, ignore_errors=True)

    @classmethod
    def reap_stale(cls, bindir: Path) -> None:
        """Stop and remove servers of runs that were killed (their owner.pid is no longer running)."""
        for folder in Path(tempfile.gettempdir()).glob(f"{cls.PREFIX}*"):
            try:
                owner = int((folder / "owner.pid").read_text())
            except (OSError, ValueError):
                continue  # being set up right now by another run, or not ours
            if not _alive(owner):
                cls(bindir, folder).stop()
