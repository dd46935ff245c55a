"""A real browser for the `kiosk serve` tests: Debian's headless Chromium driven by Selenium.

The terminal in textual-serve's page is drawn on a canvas, so its text is not in the DOM: what a
person sees is read back from screenshots, by colour (Pillow) and by OCR (tesseract). Nothing here
downloads a browser or a driver: Chromium and chromedriver come from Debian's packages.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import pytest

if TYPE_CHECKING:
    from PIL.Image import Image
    from selenium.webdriver.remote.webdriver import WebDriver

# Debian's packages; CHROMIUM / CHROMEDRIVER name others (Ubuntu's chromium-browser, say).
CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = os.environ.get("CHROMEDRIVER") or shutil.which("chromedriver") or "/usr/bin/chromedriver"
INSTALL = "install with: apt-get install chromium chromium-driver tesseract-ocr; pip install -e '.[test]' (selenium)"
# Set by .ci/run: there a browser test that cannot run is a failure, not a skip.
REQUIRE_BROWSER = os.environ.get("KIOSK_REQUIRE_BROWSER", "") not in ("", "0")

T = TypeVar("T")


def missing_tools() -> list[str]:
    """What the browser tests need and this machine lacks."""
    missing = [name for name, path in (("chromium", CHROMIUM), ("chromedriver", CHROMEDRIVER))
               if not os.access(path, os.X_OK)]
    if shutil.which("tesseract") is None:
        missing.append("tesseract")
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("selenium")
    return missing


def require_browser() -> None:
    """Skip (fail under KIOSK_REQUIRE_BROWSER) when a tool is missing, saying how to install it."""
    if missing := missing_tools():
        message = f"needs {', '.join(missing)}: {INSTALL}"
        if REQUIRE_BROWSER:
            pytest.fail(f"KIOSK_REQUIRE_BROWSER is set and the browser tests cannot run: {message}")
        pytest.skip(message)


def start_chromium(width: int = 1200, height: int = 800) -> WebDriver:
    """Headless Chromium that can reach loopback only, logging every request the page makes.

    Requests to any other host go to a proxy on a closed loopback port and fail at once (Chromium
    never sends loopback through a proxy), and no name resolves: so a page that asks the internet
    for something shows it in the log without a packet leaving the machine.
    """
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", f"--window-size={width},{height}",
        "--enable-unsafe-swiftshader",  # textual.js draws with WebGL; without a GPU, software WebGL
        "--proxy-server=http://127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-extensions", "--disable-default-apps", "--no-first-run", "--mute-audio",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    # A driver path given: Selenium Manager (which would fetch a browser and driver) is skipped.
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    driver.set_page_load_timeout(30)
    return driver


def free_port() -> int:
    """A loopback port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(what: str, probe: Callable[[], T | None], timeout: float = 30.0, every: float = 0.2,
             seen: Callable[[], str] | None = None) -> T:
    """Poll `probe` until it gives something (not None/False), else fail saying what never came.

    The timeout is generous for a loaded two-core machine (a tab's process starting beside the
    browser and the OCR); an unloaded run waits a second or two. `seen` says what was there instead.
    """
    deadline = time.monotonic() + timeout
    while True:
        result = probe()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"waited {timeout:.0f} s for {what}" + (f"; the screen read: {seen()!r}" if seen else ""))
        time.sleep(every)


@dataclass
class Served:
    """A running `kiosk serve`: its process and address."""

    process: subprocess.Popen[bytes]
    url: str

    def tab_pids(self) -> list[int]:
        """The `kiosk --role …` processes textual-serve started for the browser tabs (one each)."""
        children: dict[int, list[int]] = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                parent = int(stat.rsplit(")", 1)[1].split()[1])
                children.setdefault(parent, []).append(int(entry.name))
        found, todo = [], list(children.get(self.process.pid, []))
        while todo:
            pid = todo.pop()
            todo += children.get(pid, [])
            try:
                argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"kiosk" in argv and b"--role" in argv and b"serve" not in argv:
                found.append(pid)
        return sorted(found)


@contextmanager
def kiosk_serve(db_path: Path, programme: Path, *args: str, env: dict[str, str] | None = None) -> Iterator[Served]:
    """`kiosk serve ARGS` on a free loopback port until the block ends (then it and its tabs stop)."""
    port = free_port()
    command = [sys.executable, "-m", "kiosk", "--db", str(db_path), "--programme", str(programme),
               "serve", *args, "--port", str(port)]
    environment = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")} | (env or {})
    log = tempfile.TemporaryFile()
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=environment,
                               start_new_session=True)
    url = f"http://127.0.0.1:{port}/"

    def answers() -> bool:
        if process.poll() is not None:
            log.seek(0)
            pytest.fail(f"kiosk serve stopped: {log.read().decode(errors='replace')}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.status == 200
        except OSError:
            return False

    try:
        wait_for("kiosk serve to answer", answers)
        yield Served(process, url)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)
        log.close()


def open_terminal(driver: WebDriver, url: str) -> None:
    """Open the page and wait until the app in it has drawn its first screen."""
    driver.get(url)
    wait_for("the terminal's first screen", lambda: driver.execute_script(
        "return document.body.classList.contains('-first-byte')"))


def focus_terminal(driver: WebDriver) -> Any:
    """Give the terminal the keyboard focus (xterm.js takes keys in its hidden textarea)."""
    driver.execute_script("document.querySelector('.xterm-helper-textarea').focus()")
    active = driver.switch_to.active_element
    assert active.get_attribute("class") == "xterm-helper-textarea"
    return active


def screenshot(driver: WebDriver) -> Image:
    """What the browser shows now."""
    from PIL import Image as PILImage

    return PILImage.open(io.BytesIO(driver.get_screenshot_as_png())).convert("RGB")


def green_box(image: Image, excess: int) -> tuple[int, int, int, int] | None:
    """The box around the pixels whose green exceeds both red and blue by `excess`, if there are many.

    A few stray pixels (antialiased text) do not count: at least a tenth of a terminal row's worth.
    """
    from PIL import ImageChops

    red, green, blue = image.split()
    mask = ImageChops.subtract(green, ImageChops.lighter(red, blue)).point(lambda v: 255 if v >= excess else 0)
    if mask.histogram()[255] < image.width * 2:
        return None
    return mask.getbbox()


def row_height(image: Image) -> int:
    """The height of one terminal row: the app's header bar is one row of one colour at the top."""
    colour = image.getpixel((1, 1))
    height = 1
    while height < image.height and image.getpixel((1, height)) == colour:
        height += 1
    return height


def read_text(image: Image, box: tuple[int, int, int, int] | None = None, *, lines: int = 6) -> str:
    """The text tesseract reads in `box` (all of the image by default), upscaled for small type."""
    crop = image.crop(box) if box else image
    crop = crop.resize((crop.width * 2, crop.height * 2))
    with tempfile.NamedTemporaryFile(suffix=".png") as file:
        crop.save(file.name)
        environment = os.environ | {"OMP_THREAD_LIMIT": "1"}  # one thread: the machine has two cores
        result = subprocess.run(["tesseract", file.name, "-", "--psm", "7" if lines == 1 else "6"],
                                capture_output=True, text=True, timeout=30, env=environment, check=True)
    return " ".join(result.stdout.split())


def requested_urls(driver: WebDriver) -> list[str]:
    """Every URL the page asked for since the last call (Chrome's performance log, CDP Network events)."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
        elif message["method"] == "Network.webSocketCreated":
            urls.append(message["params"]["url"])
    return urls
