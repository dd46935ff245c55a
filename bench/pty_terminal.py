"""A terminal the benchmark holds both ends of: keys written into a pty, the app's output read back.

tmux (bench/terminal.py) is a terminal a person would use, but a benchmark driving it learns what
the screen shows only by asking (`capture-pane`, a process each time, every few milliseconds), and
sends keys through a tmux client process too: both blur a figure of a few milliseconds. Here the
benchmark is the terminal's other end: it writes the Enter byte into the pty itself, at a moment it
notes, and a reader thread timestamps every chunk the app writes, as it arrives. The text of a
frame is found in that stream with the escape sequences taken out.

The app is told it may synchronise its output (it asks with DECRQM for mode 2026, and this
terminal answers "set", as tmux 3.4, kitty, WezTerm and iTerm2 do): Textual then brackets each
frame in `ESC[?2026h ... ESC[?2026l`, so the end of the frame that shows a text is known exactly.
"""

from __future__ import annotations

import fcntl
import os
import re
import select
import struct
import subprocess
import termios
import threading
import time
from dataclasses import dataclass

# The end of a synchronised frame, and the question whether the terminal synchronises.
FRAME_END = b"\x1b[?2026l"
SYNC_QUERY = b"\x1b[?2026$p"
SYNC_ANSWER = b"\x1b[?2026;2$y"  # DECRPM: mode 2026 is known and reset (may be set)
# CSI (ESC [ ... final), OSC (ESC ] ... BEL or ST), and other two-byte escapes.
ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]")


@dataclass
class Chunk:
    """Bytes the app wrote, as one read returned them, with the moment they arrived."""

    at: float
    data: bytes


def visible(data: bytes) -> str:
    """The characters in a piece of output, escape sequences left out."""
    return ESCAPES.sub("", data.decode("utf-8", errors="replace"))


class PtyTerminal:
    """One app on a pty of `cols` x `rows`; `write` sends keys, `wait_for` finds text in its output."""

    def __init__(self, command: list[str], cols: int = 80, rows: int = 24, env: dict[str, str] | None = None,
                 cwd: str | None = None) -> None:
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        full_env = {**os.environ, "TERM": "xterm-256color", "COLORTERM": "truecolor", **(env or {})}
        self.started = time.perf_counter()
        self.process = subprocess.Popen(command, stdin=slave, stdout=slave, stderr=slave, env=full_env, cwd=cwd,
                                        start_new_session=True, close_fds=True)
        os.close(slave)
        self.chunks: list[Chunk] = []
        self._lock = threading.Condition()
        self._closed = False
        self._reader = threading.Thread(target=self._read, name="pty-reader", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        """Take every chunk as it comes (timestamped first), and answer the sync-output question."""
        while True:
            try:
                ready, _, _ = select.select([self.master], [], [], 0.5)
                if not ready:
                    if self.process.poll() is not None:
                        break
                    continue
                data = os.read(self.master, 65536)
            except OSError:
                break
            at = time.perf_counter()
            if not data:
                break
            if SYNC_QUERY in data:
                os.write(self.master, SYNC_ANSWER)
            with self._lock:
                self.chunks.append(Chunk(at, data))
                self._lock.notify_all()
        with self._lock:
            self._closed = True
            self._lock.notify_all()

    @property
    def mark(self) -> int:
        """Where the output stands now: pass it to `wait_for` to look only at what comes after."""
        with self._lock:
            return len(self.chunks)

    def write(self, data: str | bytes) -> float:
        """Write keys into the terminal; returns the moment the last byte was written."""
        raw = data.encode() if isinstance(data, str) else data
        os.write(self.master, raw)
        return time.perf_counter()

    def wait_for(self, needle: str, since: int = 0, timeout: float = 10.0, frame: bool = True) -> float:
        """The moment `needle` had arrived in the output after chunk `since` (raises TimeoutError).

        With `frame`, the moment the frame holding it ended (its ESC[?2026l) instead: that is when
        a terminal shows it. The text is searched with its escape sequences removed.
        """
        deadline = time.perf_counter() + timeout
        raw = b""
        done = 0  # bytes of `raw` in frames already searched
        seen = since
        with self._lock:
            while True:
                while seen < len(self.chunks):
                    chunk = self.chunks[seen]
                    seen += 1
                    raw += chunk.data
                    if not frame:
                        if needle in visible(raw):
                            return chunk.at
                        continue
                    while (end := raw.find(FRAME_END, done)) >= 0:
                        if needle in visible(raw[done:end]):
                            return chunk.at
                        done = end + len(FRAME_END)
                if self._closed:
                    raise TimeoutError(f"{needle!r}: the app ended; its last output:\n{self.tail()}")
                left = deadline - time.perf_counter()
                if left <= 0:
                    raise TimeoutError(f"{needle!r} did not show in {timeout} s; the last output:\n{self.tail()}")
                self._lock.wait(left)

    def quiet(self, seconds: float = 0.15, timeout: float = 10.0) -> None:
        """Wait until the app has written nothing for `seconds` (its screen has settled)."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            with self._lock:
                last = self.chunks[-1].at if self.chunks else self.started
            idle = time.perf_counter() - last
            if idle >= seconds:
                return
            time.sleep(seconds - idle)
        raise TimeoutError(f"the app kept writing for {timeout} s")

    def between_ticks(self, quiet: float = 0.04, period: float = 0.5, room: float = 0.2, timeout: float = 3.0) -> None:
        """Wait until the app has settled and its next periodic write is at least `room` seconds away.

        Apps at rest still write: the cursor blinks every `period` (0.5 s, restarted by each key)
        and the desk's clock is redrawn each second. A key written just after such a write has the
        app to itself for a while, so a measurement does not catch one of them by chance (in the
        floor just as in the kiosk). After `quiet` seconds without output, when the last write is
        so long ago that the next may be near, the next one is let pass first.
        """
        self.quiet(quiet, timeout)
        with self._lock:
            last = self.chunks[-1].at if self.chunks else self.started
            if time.perf_counter() - last <= period - room:
                return
            mark = len(self.chunks)
            deadline = time.perf_counter() + period + 0.1
            while len(self.chunks) == mark and time.perf_counter() < deadline:
                self._lock.wait(deadline - time.perf_counter())
        self.quiet(quiet, timeout)

    def tail(self, chunks: int = 6) -> str:
        """The visible text of the last few chunks (for error messages)."""
        return visible(b"".join(c.data for c in self.chunks[-chunks:]))[-2000:]

    def pid(self) -> int:
        """The app's process id."""
        return self.process.pid

    def stop(self) -> None:
        """End the app (and close the terminal)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._reader.join(timeout=2)
        os.close(self.master)
