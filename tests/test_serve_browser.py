"""`kiosk serve` in a real browser: Debian's headless Chromium checks a person in, and loads nothing off the host.

Each test starts `kiosk serve` on a free loopback port against its own database file; the tab's
`kiosk --role …` seeds the demo roster, as a first start does. The terminal is a canvas, so the
tests read the screen from screenshots: the answer's colour finds it, tesseract reads its words.
Without chromium, chromedriver, tesseract or selenium these tests skip and say what to install;
.ci/run sets KIOSK_REQUIRE_BROWSER=1, which turns that skip into a failure.
"""

from __future__ import annotations

import socket
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest

from tests.support.browser import (
    focus_terminal,
    green_box,
    kiosk_serve,
    open_terminal,
    read_text,
    requested_urls,
    require_browser,
    row_height,
    screenshot,
    start_chromium,
    wait_for,
)
from tests.support.event import PROGRAMME_PATH

if TYPE_CHECKING:
    from PIL.Image import Image
    from selenium.webdriver.remote.webdriver import WebDriver

# The desk's answer head is $success; the kiosk's "signed up" line is $success at 25%: dimmer.
DESK_GREEN, KIOSK_GREEN = 50, 15
RUN_ENV = {"KIOSK_NOW": "09:30", "KIOSK_STAFF_PIN": "4821"}  # choosing is open; a PIN a kiosk accepts


@pytest.fixture(scope="module")
def browser() -> Iterator[WebDriver]:
    """One headless Chromium for the module's tests (each opens its own page)."""
    require_browser()
    driver = start_chromium()
    try:
        yield driver
    finally:
        driver.quit()


def _query(db_path: Path, sql: str, *args: object) -> list[tuple]:
    """Rows from the file the served tabs write (a connection of the test's own, closed at once)."""
    connection = sqlite3.connect(db_path, timeout=10)
    try:
        return connection.execute(sql, args).fetchall()
    finally:
        connection.close()


def _demo_attendee(db_path: Path) -> tuple[str, str]:
    """A demo attendee whose name is plain letters (what OCR reads without doubt): (code, name)."""
    rows = _query(db_path, "SELECT code, name FROM attendees WHERE name NOT GLOB '*[^A-Za-z ]*' ORDER BY id LIMIT 1")
    assert rows, "the tab did not seed the demo roster"
    return rows[0]


class Screen:
    """What the browser shows, read back from screenshots; keeps the last text read for a failure."""

    def __init__(self, driver: WebDriver) -> None:
        self.driver = driver
        self.last = ""

    def header_says(self, word: str) -> Image | None:
        """The screenshot, once the app's header bar (its top row) reads `word`."""
        image = screenshot(self.driver)
        height = row_height(image)
        if height < 8 or height > 80:  # no bar of one colour at the top yet
            self.last = "(no header bar yet)"
            return None
        self.last = read_text(image, (0, 0, image.width, height), lines=1)
        return image if word in self.last else None

    def rows_say(self, text: str, first: int, last: int) -> tuple[Image, str] | None:
        """The screenshot and what rows `first`..`last` read, once they hold `text`."""
        image = screenshot(self.driver)
        height = row_height(image)
        self.last = read_text(image, (0, first * height, image.width, (last + 1) * height))
        return (image, self.last) if text in self.last else None

    def green(self, excess: int) -> Image | None:
        """The screenshot, once something on it is green (see green_box)."""
        image = screenshot(self.driver)
        self.last = "(nothing green)"
        return image if green_box(image, excess) else None


def _tab_device(served) -> str:
    """The device name the one open tab's process writes: this host and that process (no tty there)."""
    [pid] = wait_for("one tab process", served.tab_pids)
    return f"{socket.gethostname()}-{pid}"


def test_desk_in_chromium_checks_a_demo_attendee_in_and_shows_green(browser, tmp_path):
    from selenium.webdriver.common.keys import Keys

    db_path = tmp_path / "serve.db"
    with kiosk_serve(db_path, PROGRAMME_PATH, "--role", "desk", env=RUN_ENV) as served:
        screen = Screen(browser)
        open_terminal(browser, served.url)
        before = wait_for("the desk's header (Balie)", lambda: screen.header_says("Balie"), seen=lambda: screen.last)
        device = _tab_device(served)
        code, name = _demo_attendee(db_path)
        assert green_box(before, DESK_GREEN) is None  # nothing green before the scan
        assert _query(db_path, "SELECT count(*) FROM scans") == [(0,)]

        focus_terminal(browser).send_keys(code + Keys.ENTER)

        rows = wait_for("the scan in the database", lambda: _query(
            db_path, "SELECT s.raw_code, s.device, s.accepted, s.reason, s.list, s.direction, a.name"
                     " FROM scans s JOIN attendees a ON a.id = s.attendee_id"))
        assert rows == [(code, device, 1, "ok", "venue", "entry", name)]
        image = wait_for("the green answer on screen", lambda: screen.green(DESK_GREEN))
    image.save(tmp_path / "desk-checked-in.png")
    left, top, right, bottom = green_box(image, DESK_GREEN)
    # The green head and the person's name on the line below it.
    answer = read_text(image, (left, top, right, bottom + 2 * row_height(image)))
    assert "WELKOM" in answer
    assert name in answer


def test_locked_kiosk_in_chromium_opens_the_scanned_persons_day_and_signs_them_up(browser, tmp_path):
    from selenium.webdriver.common.keys import Keys

    db_path = tmp_path / "serve.db"
    with kiosk_serve(db_path, PROGRAMME_PATH, "--role", "selfservice", env=RUN_ENV) as served:
        screen = Screen(browser)
        open_terminal(browser, served.url)
        wait_for("the kiosk's header (Zelfservice)", lambda: screen.header_says("Zelfservice"),
                 seen=lambda: screen.last)
        device = _tab_device(served)
        code, name = _demo_attendee(db_path)
        keys = focus_terminal(browser)

        keys.send_keys(code + Keys.ENTER)  # the badge scan

        day, text = wait_for("the person's day", lambda: screen.rows_say(name, 1, 4), seen=lambda: screen.last)
        day.save(tmp_path / "kiosk-day.png")
        assert f"Welkom, {name}" in text and "Ronde 1" in text
        assert green_box(day, KIOSK_GREEN) is None

        keys.send_keys("1")  # the first card of round 1

        rows = wait_for("the sign-up in the database", lambda: _query(
            db_path, "SELECT a.name, s.round, s.status, s.device, x.title FROM signups s"
                     " JOIN attendees a ON a.id = s.attendee_id JOIN sessions x ON x.id = s.session_id"))
        assert [row[:4] for row in rows] == [(name, "ronde-1", "confirmed", device)]
        title = rows[0][4]
        image = wait_for("the green 'signed up' line", lambda: screen.green(KIOSK_GREEN))
    image.save(tmp_path / "kiosk-signed-up.png")
    left, top, right, bottom = green_box(image, KIOSK_GREEN)
    news = read_text(image, (left, top, right, bottom), lines=1)
    assert f"Ingeschreven: {title}" in news


def test_the_page_asks_nothing_of_any_host_but_the_kiosks(browser, tmp_path):
    with kiosk_serve(tmp_path / "serve.db", PROGRAMME_PATH, "--role", "desk", env=RUN_ENV) as served:
        requested_urls(browser)  # drop what earlier pages asked for
        screen = Screen(browser)
        open_terminal(browser, served.url)
        wait_for("the desk's header (Balie)", lambda: screen.header_says("Balie"), seen=lambda: screen.last)
        logged = requested_urls(browser)
        listed = browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
        urls = set(logged) | set(listed) | {served.url}
        outside = sorted(url for url in urls if urlsplit(url).hostname != "127.0.0.1")
        assert outside == [], f"the page asked other hosts: {outside}"
        # The terminal's own font, from the kiosk's host (not a fallback).
        assert browser.execute_script("return [...document.fonts].some(f => f.status === 'loaded'"
                                      " && f.family.replace(/[\"']/g, '') === 'Roboto Mono')")
    port = urlsplit(served.url).port
    assert f"http://127.0.0.1:{port}/static/fonts/RobotoMono-VariableFont_wght.ttf" in logged
    assert f"ws://127.0.0.1:{port}/ws" in {url.split("?")[0] for url in logged}
