"""A psycopg error as a StoreError: which fault it was, in the store's one sentence per kind.

Separate from kiosk.store.pg so the words can be tested without a server; psycopg's error classes
are read by name (SQLSTATE classes and libpq's connection messages).
"""

from __future__ import annotations

from kiosk.store.db import MESSAGES, FaultKind, StoreError

# SQLSTATE codes and classes (PostgreSQL's appendix A) that name a fault a desk worker can act on.
_LOGIN = ("28P01", "28000")  # invalid_password, invalid_authorization_specification
_NO_DATABASE = ("3D000",)  # invalid_catalog_name
_BUSY = ("55P03", "57014", "40001", "40P01")  # lock_not_available, query_canceled (timeout), serialization, deadlock
_READONLY = ("25006",)  # read_only_sql_transaction
_DENIED = ("42501",)  # insufficient_privilege: a role without the grant (kiosk.store.pg_roles)
_FULL = ("53100",)  # disk_full
_SERVER_GONE = ("57P01", "57P02", "57P03", "08006", "08003", "08000", "08001", "08004")


# Statements that write nothing themselves: a connection lost under one of them lost no change.
_NOT_WRITING = ("SELECT", "BEGIN", "ROLLBACK", "SHOW")


def explain_pg(error: BaseException, statement: str | None = None, in_transaction: bool = False) -> StoreError:
    """The StoreError for a psycopg error; its detail never holds the password (libpq never prints it).

    `statement` (and whether a transaction was open when it was sent) tells a lost connection
    that may have cost a change (`lost`: a COMMIT, or a write on its own, whose answer never
    came) from one that cannot have: a statement inside a transaction (which the server then
    rolls back), or a read. Those are said as `unreachable`: nothing was saved.
    """
    fault = _explain(error)
    if fault.kind == FaultKind.LOST and statement is not None and not _may_have_committed(statement, in_transaction):
        return StoreError(MESSAGES[FaultKind.UNREACHABLE], detail=fault.detail, kind=FaultKind.UNREACHABLE)
    return fault


def _may_have_committed(statement: str, in_transaction: bool) -> bool:
    first = statement.lstrip().split(None, 1)[0].upper() if statement.strip() else ""
    if first in ("COMMIT", "END"):
        return True
    return not in_transaction and first not in _NOT_WRITING


def _explain(error: BaseException) -> StoreError:
    if isinstance(error, StoreError):
        return error
    sqlstate = getattr(error, "sqlstate", None) or ""
    text = str(error).lower()
    # pg_hba.conf has no line for this login from here (or without TLS): refused, as a wrong password is.
    if sqlstate in _LOGIN or "password authentication failed" in text or "no password supplied" in text \
            or "no pg_hba.conf entry" in text:
        kind = FaultKind.LOGIN
    elif sqlstate in _NO_DATABASE or ("database" in text and "does not exist" in text):
        kind = FaultKind.NO_DATABASE
    elif sqlstate in _BUSY:
        kind = FaultKind.BUSY
    elif sqlstate in _READONLY:
        kind = FaultKind.READONLY
    elif sqlstate in _DENIED:
        kind = FaultKind.DENIED
    elif sqlstate in _FULL:
        kind = FaultKind.FULL
    elif sqlstate in _SERVER_GONE or "server closed the connection" in text or "consuming input failed" in text \
            or "terminating connection" in text or "the connection is lost" in text or "connection is closed" in text:
        # The connection broke under a statement: whatever was in flight was rolled back.
        kind = FaultKind.LOST if sqlstate not in ("08001", "08004") else FaultKind.UNREACHABLE
    elif "connection" in text and ("refused" in text or "timeout" in text or "timed out" in text
                                   or "could not" in text or "no route" in text or "unreachable" in text):
        kind = FaultKind.UNREACHABLE
    elif type(error).__name__ == "OperationalError":
        kind = FaultKind.UNREACHABLE
    else:
        kind = FaultKind.OTHER
    return StoreError(MESSAGES[kind], detail=str(error).strip(), kind=kind)
