"""A pulled network cable between the kiosk and its server, for tests: a TCP relay that can go dark.

`NetworkCable(server_port)` listens on a free 127.0.0.1 port and relays every connection to the
server (`url(server_url)` is the server's URL through it). `pull()` makes it a black hole, as a
cable pulled out of a switch is: nothing is forwarded, and nothing is answered either, not even
at the TCP level. A relay that merely stopped forwarding would not do: its kernel would still
acknowledge the kiosk's packets and keepalive probes, so the kiosk would wait for ever, where a
pulled cable makes its TCP give up (tcp_user_timeout, keepalives). So the relay attaches a socket
filter that drops every packet (classic BPF `ret #0`, SO_ATTACH_FILTER, no privileges needed) to
its listening socket and to each kiosk-facing socket: new connections get no SYN-ACK, data and
probes get no ACK, and no RST is sent. `plug()` takes the filters off and relays again; a
connection whose kiosk end gave up meanwhile is then reset by the kiosk's kernel as soon as
anything reaches it, as on a real network.

`pull_when(pattern)` pulls the cable at the moment a chunk containing `pattern` passes (from the
kiosk, or with `from_server=True` from the server), and swallows that chunk: a statement sent and
lost (the INSERT of a scan), or a reply lost after the server did the work (the COMMIT's answer).
"""

from __future__ import annotations

import ctypes
import re
import select
import socket
import struct
import threading

SO_ATTACH_FILTER = 26
SO_DETACH_FILTER = 27
# One classic BPF instruction, `ret #0`: keep 0 bytes of every packet, so the kernel drops it.
_DROP_ALL = ctypes.create_string_buffer(struct.pack("HBBI", 0x06, 0, 0, 0))
_PROGRAM = struct.pack("HL", 1, ctypes.addressof(_DROP_ALL))  # struct sock_fprog {len; *filter}
CHUNK = 65536


def _deaf(sock: socket.socket, deaf: bool) -> None:
    """Drop every packet that reaches `sock` (or stop doing so)."""
    try:
        if deaf:
            sock.setsockopt(socket.SOL_SOCKET, SO_ATTACH_FILTER, _PROGRAM)
        else:
            sock.setsockopt(socket.SOL_SOCKET, SO_DETACH_FILTER, b"\0" * 4)
    except OSError:
        pass  # closed meanwhile, or no filter to take off


class _Pair:
    """One relayed connection: the kiosk's end, the server's end and the thread that pumps between them."""

    def __init__(self, cable: NetworkCable, kiosk: socket.socket, server: socket.socket) -> None:
        self.cable = cable
        self.kiosk = kiosk
        self.server = server
        self.closed = False
        threading.Thread(target=self._pump, name="cable-pump", daemon=True).start()

    def _pump(self) -> None:
        peers = {self.kiosk: self.server, self.server: self.kiosk}
        try:
            while not self.closed:
                if not self.cable.lit.wait(0.1):
                    continue  # dark: whatever arrived waits in the kernel, as unacknowledged data would
                readable, _, _ = select.select(list(peers), [], [], 0.1)
                for sock in readable:
                    if not self.cable.lit.is_set():
                        break
                    data = sock.recv(CHUNK)
                    if not data:
                        return
                    if self.cable.trips(data, from_server=sock is self.server):
                        continue  # swallowed: the cable was pulled as it passed
                    peers[sock].sendall(data)
        except OSError:
            pass  # reset by the kiosk (it gave up) or by the server: end both, as the network would
        finally:
            self.close()

    def close(self) -> None:
        """Close both ends."""
        self.closed = True
        for sock in (self.kiosk, self.server):
            try:
                sock.close()
            except OSError:
                pass


class NetworkCable:
    """A relay to a server on 127.0.0.1 that a test can unplug and plug in again (see the module)."""

    def __init__(self, server_port: int, server_host: str = "127.0.0.1") -> None:
        self.server = (server_host, server_port)
        self.lit = threading.Event()
        self.lit.set()
        self._lock = threading.Lock()
        self._pairs: list[_Pair] = []
        self._trigger: tuple[bytes, bool] | None = None
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self.port = int(self._listener.getsockname()[1])
        self._open = True
        threading.Thread(target=self._accept, name="cable-accept", daemon=True).start()

    def url(self, server_url: str) -> str:
        """`server_url` (a postgresql:// URL on 127.0.0.1) through this cable instead of straight to the server."""
        return re.sub(r"@127\.0\.0\.1:\d+/", f"@127.0.0.1:{self.port}/", server_url, count=1)

    def _accept(self) -> None:
        while self._open:
            try:
                kiosk, _ = self._listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(self.server, timeout=10)
                server.settimeout(None)
            except OSError:
                kiosk.close()
                continue
            with self._lock:
                if not self.lit.is_set():
                    _deaf(kiosk, True)
                self._pairs.append(_Pair(self, kiosk, server))

    def pull(self) -> None:
        """Unplug: from now on every packet from the kiosk side is dropped and nothing is relayed."""
        with self._lock:
            self.lit.clear()
            _deaf(self._listener, True)
            for pair in self._pairs:
                if not pair.closed:
                    _deaf(pair.kiosk, True)

    def plug(self) -> None:
        """Plug in again: packets pass and data is relayed (to connections still alive at both ends)."""
        with self._lock:
            self._trigger = None
            _deaf(self._listener, False)
            self._pairs = [pair for pair in self._pairs if not pair.closed]
            for pair in self._pairs:
                _deaf(pair.kiosk, False)
            self.lit.set()

    def pull_when(self, pattern: bytes, *, from_server: bool = False) -> None:
        """Pull the cable when a chunk holding `pattern` passes in that direction, and swallow that chunk."""
        with self._lock:
            self._trigger = (pattern, from_server)

    @property
    def pulled(self) -> bool:
        """True while the cable is out (`pull`, or a `pull_when` that tripped)."""
        return not self.lit.is_set()

    def trips(self, data: bytes, *, from_server: bool) -> bool:
        """From a pump: whether `data` trips the armed trigger (which then pulls the cable)."""
        with self._lock:
            trigger = self._trigger
            if trigger is None or trigger[1] != from_server or trigger[0] not in data:
                return False
            self._trigger = None
        self.pull()
        return True

    def close(self) -> None:
        """Stop relaying and close every connection (the server sees them end)."""
        self._open = False
        self._listener.close()
        with self._lock:
            for pair in self._pairs:
                pair.close()
            self._pairs = []
