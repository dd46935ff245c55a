"""The tests' own PostgreSQL (tests/support/pg_cluster.py): separate fresh databases, loopback only,
the password required, fsync on, and nothing left behind once it is stopped.

These run on `pg_server`, the run's one throwaway server; the stop test starts a second small one
beside it. Without the server binaries they skip and say what to install.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import psycopg
import pytest

from tests.support.event import ROOT
from tests.support.pg_cluster import PgCluster, require_binaries
from tests.support.pg_required import INSTALL

pytestmark = pytest.mark.postgres

HARD_NAMES = ["Ayşe Çelik", "Søren Ødegaard", "[b]x[/b]", "Pieter van 't Hof", "é" * 300]


@pytest.fixture
def no_stored_password(monkeypatch, tmp_path):
    """libpq reads PGPASSWORD and ~/.pgpass: neither may hand it the password behind the test's back."""
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "no-pgpass"))


def _has_exited(pid: int) -> bool:
    """Whether process `pid` is gone or has exited and waits to be reaped (a zombie: PID 1 reaps it later)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] == "Z"


def _tables(url: str) -> list[str]:
    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1").fetchall()
    return [row[0] for row in rows]


def test_a_fresh_database_is_empty_and_separate_from_another(pg_server, pg_url):
    other = pg_server.create_database(pg_server.unique_name("other"))
    with psycopg.connect(pg_url) as conn:
        conn.execute("CREATE TABLE attendees (name text PRIMARY KEY)")
        conn.execute("INSERT INTO attendees VALUES ('Ayşe Çelik')")
    assert _tables(pg_url) == ["attendees"]
    assert _tables(other) == []
    assert pg_url.startswith(f"postgresql://{pg_server.user}:{pg_server.password}@127.0.0.1:{pg_server.port}/")


def test_each_test_gets_a_database_of_its_own(pg_url):
    assert _tables(pg_url) == []  # the table the test above made is not here


def test_rows_committed_on_one_connection_are_read_on_another(pg_url):
    with psycopg.connect(pg_url) as writer, psycopg.connect(pg_url) as reader:
        writer.execute("CREATE TABLE attendees (name text PRIMARY KEY)")
        for name in HARD_NAMES:
            writer.execute("INSERT INTO attendees VALUES (%s)", (name,))
        writer.commit()
        names = [row[0] for row in reader.execute("SELECT name FROM attendees ORDER BY name").fetchall()]
    assert names == sorted(HARD_NAMES)


def test_the_server_listens_on_loopback_only_with_its_socket_in_its_own_folder(pg_server, pg_url):
    with psycopg.connect(pg_url) as conn:
        assert conn.execute("SHOW listen_addresses").fetchone() == ("127.0.0.1",)
        assert conn.execute("SELECT host(inet_server_addr())").fetchone() == ("127.0.0.1",)
        assert conn.execute("SHOW unix_socket_directories").fetchone() == (str(pg_server.folder),)
    assert (pg_server.folder / f".s.PGSQL.{pg_server.port}").exists()


def test_the_server_keeps_what_it_commits_and_takes_thirty_processes(pg_url):
    with psycopg.connect(pg_url) as conn:
        settings = {name: conn.execute(f"SHOW {name}").fetchone()[0]
                    for name in ("fsync", "synchronous_commit", "full_page_writes", "max_connections")}
        is_superuser = conn.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").fetchone()
    assert settings == {"fsync": "on", "synchronous_commit": "on", "full_page_writes": "on", "max_connections": "200"}
    assert is_superuser == (True,)


@pytest.mark.usefixtures("no_stored_password")
def test_a_login_without_the_password_or_with_a_wrong_one_is_refused(pg_server, pg_url):
    dbname = pg_url.rsplit("/", 1)[1]
    with pytest.raises(psycopg.OperationalError, match="no password supplied"):
        psycopg.connect(pg_server.url(dbname, password=False), connect_timeout=30)
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(f"postgresql://{pg_server.user}:wrong@127.0.0.1:{pg_server.port}/{dbname}", connect_timeout=30)
    with pytest.raises(psycopg.OperationalError, match="no password supplied"):  # nor over its unix socket
        psycopg.connect(host=str(pg_server.folder), port=pg_server.port, user=pg_server.user, dbname=dbname)


def test_a_database_made_from_a_template_starts_with_its_tables_and_rows(pg_server):
    template = pg_server.unique_name("template")
    with psycopg.connect(pg_server.create_database(template)) as conn:
        conn.execute("CREATE TABLE attendees (name text PRIMARY KEY)")
        conn.execute("INSERT INTO attendees VALUES ('Søren Ødegaard')")
    copy = pg_server.unique_name("copy")
    url = pg_server.create_database(copy, template=template)
    with psycopg.connect(url) as conn:
        conn.execute("INSERT INTO attendees VALUES ('[b]x[/b]')")
        assert conn.execute("SELECT name FROM attendees ORDER BY name").fetchall() == [("Søren Ødegaard",), ("[b]x[/b]",)]
    with psycopg.connect(pg_server.url(template)) as conn:  # the copy's rows stay in the copy
        assert conn.execute("SELECT name FROM attendees").fetchall() == [("Søren Ødegaard",)]
    pg_server.drop_database(copy)
    pg_server.drop_database(template)


def test_a_second_cluster_beside_the_first_is_gone_once_stopped(pg_server, pg_url):
    second = PgCluster.start_new()
    try:
        assert (second.folder, second.port) != (pg_server.folder, pg_server.port)
        url = second.create_database("beside")
        with psycopg.connect(url) as conn:
            assert conn.execute("SELECT current_database()").fetchone() == ("beside",)
        pid = second.server_pid()
        assert pid is not None
    finally:
        second.stop()
    assert not second.folder.exists()
    assert _has_exited(pid)
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(url, connect_timeout=30)
    with psycopg.connect(pg_url) as conn:  # the run's own server is untouched
        assert conn.execute("SELECT 1").fetchone() == (1,)
    second.stop()  # a second stop does nothing


def test_without_the_binaries_the_tests_skip_saying_how_to_install_them(tmp_path):
    with pytest.raises(pytest.skip.Exception, match="apt-get install postgresql"):
        require_binaries(tmp_path, required=False)
    with pytest.raises(pytest.fail.Exception, match="KIOSK_REQUIRE_POSTGRES is set"):
        require_binaries(tmp_path, required=True)
    assert "apt-get install postgresql" in INSTALL


def _pytest(folder, required: bool) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("KIOSK_")}
    env["PYTHONPATH"] = str(ROOT)
    if required:
        env["KIOSK_REQUIRE_POSTGRES"] = "1"
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "tests.support.pg_required", "-p", "no:cacheprovider",
                           str(folder)], capture_output=True, text=True, env=env, cwd=folder, timeout=120, check=False)


def test_in_ci_a_skipped_postgresql_test_fails_the_run(tmp_path):
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    (tmp_path / "test_inner.py").write_text(textwrap.dedent("""
        import pytest

        @pytest.mark.postgres
        def test_marked():
            pytest.skip("no server here")

        @pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
        def test_parametrised(backend):
            pytest.skip("no server here")

        def test_unrelated_skip():
            pytest.skip("not a PostgreSQL test")
    """))
    developer = _pytest(tmp_path, required=False)
    assert developer.returncode == 0, developer.stdout
    assert "4 skipped" in developer.stdout
    ci = _pytest(tmp_path, required=True)
    assert ci.returncode == 1, ci.stdout
    assert "2 failed" in ci.stdout and "2 skipped" in ci.stdout
    assert "FAILED test_inner.py::test_marked" in ci.stdout
    assert "FAILED test_inner.py::test_parametrised[postgresql]" in ci.stdout
    assert "KIOSK_REQUIRE_POSTGRES is set and this PostgreSQL test skipped: no server here" in ci.stdout
