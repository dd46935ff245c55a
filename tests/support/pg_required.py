"""When the PostgreSQL tests may skip, and the pytest hook that turns their skips into failures in CI.

A test is a PostgreSQL test when it is marked `postgres`, uses the `pg_server` or `pg_url` fixture,
or is parametrised with the value "postgresql" (the later `db[postgresql]`). Without the server
binaries those tests skip and say what to install; with KIOSK_REQUIRE_POSTGRES=1 (set by .ci/run)
`cannot_run` fails instead, and the hook below fails any PostgreSQL test that skipped for another
reason (a skip mark, an importorskip), so CI cannot pass without having run them.

Loaded at start-up by tests/conftest.py (`pytest_plugins`); it does not import psycopg, so runs
without PostgreSQL tests do not pay for it.
"""

from __future__ import annotations

import os

import pytest

INSTALL = "install the server with: sudo apt-get install postgresql"
# Read once at import (start-up): the autouse fixture in conftest.py clears KIOSK_* for each test.
REQUIRE_POSTGRES = os.environ.get("KIOSK_REQUIRE_POSTGRES", "") not in ("", "0")
POSTGRES_FIXTURES = frozenset({"pg_server", "pg_url"})


def cannot_run(message: str, *, required: bool | None = None) -> None:
    """Skip with `message` and the install command, or fail when KIOSK_REQUIRE_POSTGRES is set."""
    if REQUIRE_POSTGRES if required is None else required:
        pytest.fail(f"KIOSK_REQUIRE_POSTGRES is set and the PostgreSQL tests cannot run: {message}", pytrace=False)
    pytest.skip(f"{message}; {INSTALL}")


def is_postgres_item(item: pytest.Item) -> bool:
    """Whether `item` is a PostgreSQL test: marked, using its fixtures, or parametrised for it."""
    if item.get_closest_marker("postgres") is not None:
        return True
    if POSTGRES_FIXTURES & set(getattr(item, "fixturenames", ())):
        return True
    callspec = getattr(item, "callspec", None)
    if callspec is None:
        return False
    # Only strings compared: a parameter may be any object, with any idea of ==.
    values = [value for value in callspec.params.values() if isinstance(value, str)]
    return "postgresql" in values or "postgresql" in callspec.id.split("-")


def pytest_configure(config: pytest.Config) -> None:
    """Register the `postgres` marker."""
    config.addinivalue_line("markers", "postgres: a test that needs the throwaway PostgreSQL server")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    """Under KIOSK_REQUIRE_POSTGRES, a PostgreSQL test that skipped is reported as failed."""
    outcome = yield
    report = outcome.get_result()
    if not (REQUIRE_POSTGRES and report.skipped and not hasattr(report, "wasxfail") and is_postgres_item(item)):
        return
    reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
    reason = reason.removeprefix("Skipped: ")
    report.outcome = "failed"
    report.longrepr = f"KIOSK_REQUIRE_POSTGRES is set and this PostgreSQL test skipped: {reason}"
