"""`kiosk serve`: textual-serve answers a browser on a loopback port, runs the app, then stops cleanly."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.support.event import PROGRAMME_PATH

pytest.importorskip("textual_serve")


def _free_port() -> int:
    """A port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def _screen_text(port: int) -> str:
    """What the app draws when a browser connects: the terminal output sent over the websocket."""
    import aiohttp  # textual-serve's own dependency

    received = b""
    async with aiohttp.ClientSession() as session:
        async with session.ws_connect(f"http://127.0.0.1:{port}/ws") as ws:
            await ws.send_str(json.dumps(["resize", {"width": 100, "height": 30}]))
            deadline = time.monotonic() + 20
            while b"Netwerkdag" not in received and time.monotonic() < deadline:
                try:
                    message = await asyncio.wait_for(ws.receive(), timeout=5)
                except TimeoutError:
                    continue
                if message.type not in (aiohttp.WSMsgType.BINARY, aiohttp.WSMsgType.TEXT):
                    break
                received += message.data if isinstance(message.data, bytes) else message.data.encode()
            await ws.send_str(json.dumps(["quit"]))
    return received.decode("utf-8", "replace")


def test_serve_answers_with_the_app_page_on_loopback(tmp_path):
    port = _free_port()
    command = [sys.executable, "-m", "kiosk", "--db", str(tmp_path / "serve.db"), "--programme", str(PROGRAMME_PATH),
               "serve", "--role", "dashboard", "--port", str(port)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.monotonic() + 20
        body, status, policy = "", None, ""
        while time.monotonic() < deadline and status is None:
            if process.poll() is not None:
                pytest.fail(f"kiosk serve stopped: {process.stderr.read().decode(errors='replace')}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                    status, body = response.status, response.read().decode("utf-8", "replace")
                    policy = response.headers.get("Content-Security-Policy", "")
            except OSError:
                time.sleep(0.2)
        assert status == 200
        assert "<html" in body.lower() and "kiosk" in body.lower()
        # Self-contained: the terminal font from this host, not Google's; the browser told to fetch nowhere else.
        assert "googleapis" not in body and "gstatic" not in body
        assert 'url("/static/fonts/RobotoMono-VariableFont_wght.ttf")' in body
        assert policy.startswith(f"default-src 'self' http://127.0.0.1:{port};")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/static/fonts/RobotoMono-VariableFont_wght.ttf") as font:
            assert font.read(4) == b"\x00\x01\x00\x00"  # a TrueType file
        assert "G40 Bestuurlijke Netwerkdag" in asyncio.run(_screen_text(port))
        with pytest.raises(OSError):  # loopback only: not on the machine's other addresses
            other = socket.gethostbyname(socket.gethostname())
            if other.startswith("127."):
                raise OSError("no other address to try")
            socket.create_connection((other, port), timeout=1).close()
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)
    assert process.returncode is not None
