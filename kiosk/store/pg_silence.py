"""A database server gone silent: after one wait of about 3 seconds, the next statements fail at once.

A pulled cable or a dead Wi-Fi answers nothing: each statement (or new connection) waits for the
kiosk's own timeouts (kiosk.store.pg: tcp_user_timeout, connect_timeout) before it fails. The
desk's look-ups run on its UI thread, one per keystroke, so without this every key pressed
during an outage would freeze the screen for another 3 seconds. Once any connection of this
process to a server has timed out, its statements fail at once, saying the server cannot be
reached (nothing was sent, so nothing was saved), for QUIET_SECONDS. Then one statement (the
first to come, from any thread) tries the network again while the others still fail at once:
it finds the server back, which lifts the silence for all, or times out and starts it again.
The LISTEN watcher's own reconnecting (kiosk.store.pg_watch) lifts it as soon as the server
answers, so a screen is back within about a second of the network.

A connection made with `probes=False` (the app's screen thread: kiosk/ui/context.py) is never the
one that tries: each try may wait its whole deadline (kiosk.store.pg_deadline: a frozen server),
and the screen's clock and keys would stop that long every few seconds. The background threads
try instead (the offline switch's round, the LISTEN watcher); only when none has tried for
LAST_RESORT_SECONDS does a screen's statement try itself.

Only timeouts start a silence: a server that refuses (stopped: nothing listens on the port) or a
login that fails answers at once and needs none. Kept per database URL, in this process only.
"""

from __future__ import annotations

import threading
import time

from kiosk.store.db import MESSAGES, FaultKind, StoreError

QUIET_SECONDS = 5.0
# How long the one statement that tries the network again may take before another may try.
PROBE_SECONDS = 4.0
# A connection that does not try (a screen's) tries all the same after this long in silence.
LAST_RESORT_SECONDS = 30.0

_lock = threading.Lock()
_until: dict[str, float] = {}  # url -> monotonic time until which statements fail at once
_probing: dict[str, float] = {}  # url -> when the one trying statement's turn ends


def check(url: str, probe: bool = True) -> None:
    """Raise StoreError (unreachable) when the server at `url` went silent a moment ago; else return.

    When the quiet moment is over, the first caller returns (and tries the network); the others
    keep failing at once until that one has its answer. `probe=False`: the caller does not try
    (a screen's thread) unless the silence has lasted LAST_RESORT_SECONDS past its quiet moment.
    """
    if not _until:
        return  # the common case: nothing silent, one dict look at no lock
    with _lock:
        until = _until.get(url)
        if until is None:
            return
        now = time.monotonic()
        if not probe:
            until += LAST_RESORT_SECONDS
        if now >= until and now >= _probing.get(url, 0.0):
            _probing[url] = now + PROBE_SECONDS
            return
    raise StoreError(MESSAGES[FaultKind.UNREACHABLE], detail="the server did not answer a moment ago (timed out)",
                     kind=FaultKind.UNREACHABLE)


def heard(url: str) -> None:
    """The server at `url` answered: statements go to it again."""
    if not _until:
        return
    with _lock:
        _until.pop(url, None)
        _probing.pop(url, None)


def is_silent(url: str) -> bool:
    """True while the server at `url` counts as silent (a background thread then tries it: kiosk.store.pg_watch)."""
    return url in _until


def timed_out(url: str) -> None:
    """A statement or connection to `url` timed out: fail at once for QUIET_SECONDS."""
    with _lock:
        _until[url] = time.monotonic() + QUIET_SECONDS
        _probing.pop(url, None)


def is_timeout(error: BaseException) -> bool:
    """True for a connection that timed out (the network is silent), not a server's own statement timeout."""
    if getattr(error, "sqlstate", None):
        return False  # the server answered (a statement timeout is 57014, and it did answer)
    text = str(error).lower()
    return "timed out" in text or "timeout expired" in text
