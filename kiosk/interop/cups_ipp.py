"""A job's state read from CUPS over IPP (Get-Job-Attributes), with nothing but the standard library.

`lpstat` tells a job that is still waiting from one that is over, but not how it ended: in CUPS
2.4 a cancelled or aborted job is listed among the completed ones, with the same "Alerts" line.
IPP's `job-state` says it exactly (pending, held, processing, stopped, canceled, aborted,
completed), so a failed print is never reported as printed. Only this one operation is spoken,
on the same server `lp` uses: `CUPS_SERVER`, else `ServerName` in ~/.cups/client.conf or
/etc/cups/client.conf, else the local socket (/run/cups/cups.sock), else localhost:631.
An encrypted or remote server this reader cannot reach makes it return None, and
kiosk.interop.printing falls back on `lpstat`.
"""

from __future__ import annotations

import getpass
import http.client
import os
import socket
import struct
from dataclasses import dataclass
from pathlib import Path

# IPP job-state values (RFC 8011, 5.3.7).
JOB_STATES = {3: "pending", 4: "held", 5: "processing", 6: "stopped", 7: "canceled", 8: "aborted", 9: "completed"}
LOCAL_SOCKETS = ("/run/cups/cups.sock", "/var/run/cups/cups.sock", "/private/var/run/cupsd")
TIMEOUT = 5.0
_GET_JOB_ATTRIBUTES = 0x0009
_TEXT_TAGS = {0x41, 0x42, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4A}


@dataclass(frozen=True)
class IppJob:
    """What CUPS says about one job."""

    state: str  # one of JOB_STATES' values
    reasons: tuple[str, ...]  # job-state-reasons
    message: str  # job-printer-state-message: the printer's last word while printing it


def server() -> str:
    """Where CUPS listens, found as the CUPS client library finds it: a socket path or host[:port]."""
    named = os.environ.get("CUPS_SERVER", "").strip()
    if not named:
        for conf in (Path.home() / ".cups" / "client.conf", Path("/etc/cups/client.conf")):
            try:
                lines = conf.read_text(encoding="utf-8", errors="replace").splitlines()
            except OSError:
                continue
            named = next((line.split(None, 1)[1].strip() for line in lines
                          if line.strip().lower().startswith("servername ") and len(line.split()) > 1), "")
            if named:
                break
    if named:
        return named
    return next((path for path in LOCAL_SOCKETS if Path(path).exists()), "localhost:631")


class _SocketConnection(http.client.HTTPConnection):
    """HTTP over CUPS' local (Unix domain) socket."""

    def __init__(self, path: str) -> None:
        super().__init__("localhost", timeout=TIMEOUT)
        self.socket_path = path

    def connect(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(TIMEOUT)
        sock.connect(self.socket_path)
        self.sock = sock


def _attribute(tag: int, name: str, value: bytes | str) -> bytes:
    data = value.encode("utf-8") if isinstance(value, str) else value
    encoded = name.encode("utf-8")
    return bytes([tag]) + struct.pack(">H", len(encoded)) + encoded + struct.pack(">H", len(data)) + data


def _request(job_id: int) -> bytes:
    """A Get-Job-Attributes request for job `job_id`, asking for its state, reasons and message."""
    body = struct.pack(">BBHI", 2, 0, _GET_JOB_ATTRIBUTES, 1) + b"\x01"
    body += _attribute(0x47, "attributes-charset", "utf-8")
    body += _attribute(0x48, "attributes-natural-language", "en")
    body += _attribute(0x45, "job-uri", f"ipp://localhost/jobs/{job_id}")
    body += _attribute(0x42, "requesting-user-name", _user())
    wanted = ("job-state", "job-state-reasons", "job-printer-state-message")
    body += b"".join(_attribute(0x44, "requested-attributes" if i == 0 else "", name) for i, name in enumerate(wanted))
    return body + b"\x03"


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "kiosk"


def parse(data: bytes) -> tuple[int, dict[str, list[object]]]:
    """An IPP response: its status code and every attribute (name -> values; ints for integers/enums)."""
    if len(data) < 8:
        raise ValueError("short IPP response")
    status = struct.unpack(">H", data[2:4])[0]
    attributes: dict[str, list[object]] = {}
    at, name = 8, ""
    while at < len(data):
        tag = data[at]
        at += 1
        if tag == 0x03:
            break
        if tag < 0x10:  # the start of another attribute group
            continue
        name_length = struct.unpack(">H", data[at:at + 2])[0]
        at += 2
        if name_length:
            name = data[at:at + name_length].decode("utf-8", "replace")
        at += name_length
        value_length = struct.unpack(">H", data[at:at + 2])[0]
        at += 2
        raw = data[at:at + value_length]
        at += value_length
        value: object = raw
        if tag in (0x21, 0x23) and value_length == 4:
            value = struct.unpack(">i", raw)[0]
        elif tag in _TEXT_TAGS:
            value = raw.decode("utf-8", "replace")
        attributes.setdefault(name, []).append(value)
    return status, attributes


def job(job_id: int, where: str | None = None) -> IppJob | None:
    """The state of job `job_id`, or None when CUPS cannot be asked over IPP or has no such job."""
    where = where or server()
    try:
        if where.startswith("/"):
            connection: http.client.HTTPConnection = _SocketConnection(where)
        else:
            host, _, port = where.rpartition(":") if where.count(":") == 1 else (where, "", "")
            connection = http.client.HTTPConnection(host or where, int(port or 631), timeout=TIMEOUT)
        try:
            connection.request("POST", "/", _request(job_id), {"Content-Type": "application/ipp"})
            response = connection.getresponse()
            data = response.read()
        finally:
            connection.close()
        if response.status != 200:
            return None
        status, attributes = parse(data)
    except (OSError, ValueError, http.client.HTTPException, struct.error):
        return None
    state = attributes.get("job-state", [None])[0]
    if status >= 0x0100 or state not in JOB_STATES:
        return None
    reasons = tuple(str(r) for r in attributes.get("job-state-reasons", []))
    message = str(attributes.get("job-printer-state-message", [""])[0])
    return IppJob(JOB_STATES[state], reasons, message)
