"""office-tui serve (README "In a browser"): a real server on a loopback port, asked over
HTTP (it answers; another host name is refused) and used from a real browser — Debian's
chromium, headless, driven by Playwright — where a committee member signs in and sees
their own score sheets and nobody else's."""

from __future__ import annotations

import os
import re
import signal
import socket
import sqlite3
import subprocess
import time
import urllib.error
import urllib.request
from contextlib import closing
from pathlib import Path

import pytest

from office_tui.cli.serve import allowed_hosts, host_name
from test_cli import ENTRY, REPO, run_cli

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _free_port() -> int:
    with closing(socket.socket()) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str, **headers: str) -> tuple[int, str]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


@pytest.fixture
def server(demo_url, tmp_path):
    """`office-tui serve --host 127.0.0.1 --port P` on a copy of the demo office (whose
    admin is the account running the tests); stopped, with its sessions, afterwards."""
    port = _free_port()
    log = (tmp_path / "serve.log").open("w")
    process = subprocess.Popen([*ENTRY, "serve", "--host", "127.0.0.1", "--port", str(port), "--db", demo_url],
                               cwd=REPO, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                               env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with closing(socket.create_connection(("127.0.0.1", port), timeout=1)):
                break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                log.close()
                pytest.fail(f"the server did not start: {(tmp_path / 'serve.log').read_text()}")
            time.sleep(0.2)
    try:
        yield base
    finally:
        os.killpg(process.pid, signal.SIGTERM)  # the server and the sessions it started
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


def test_the_server_answers_and_refuses_another_host_name(server):
    port = server.rsplit(":", 1)[1]
    status, page = _get(f"{server}/")
    assert status == 200
    assert "textual-terminal" in page and f"ws://127.0.0.1:{port}/ws" in page
    assert _get(f"{server}/", Host=f"localhost:{port}")[0] == 200  # the loopback's own name
    for other in (f"evil.example:{port}", "evil.example", f"192.0.2.1:{port}", "127.0.0.1.evil.example"):
        status, body = _get(f"{server}/", Host=other)
        assert status == 421, other
        assert "textual" not in body
    assert _get(f"{server}/static/js/textual.js", Host=f"evil.example:{port}")[0] == 421
    status, _ = _get(f"{server}/", Origin="https://evil.example")  # another site's page
    assert status == 403


def test_host_names_a_server_answers_to():
    assert allowed_hosts("office.example.org", None) == {"office.example.org"}
    assert allowed_hosts("10.0.0.5", "https://office.example.org/") == {"10.0.0.5", "office.example.org"}
    assert allowed_hosts("127.0.0.1", None) == {"127.0.0.1", "localhost", "::1"}
    assert host_name("[::1]:8000") == "::1" and host_name("Office.Example.org.:443") == "office.example.org"


def test_only_an_admin_starts_a_server(engine, db_url, demo_url):
    """An account linked to nobody, then a staff member's: refused before listening."""
    unlinked = run_cli("--db", db_url, "serve", "--port", str(_free_port()))
    assert unlinked.returncode == 1 and "未對應" in unlinked.stderr
    path = demo_url.removeprefix("sqlite:///")
    with closing(sqlite3.connect(path)) as connection, connection:
        connection.execute("UPDATE user SET role = 'staff' WHERE username = 'admin'")
    staff = run_cli("--db", demo_url, "serve", "--port", str(_free_port()))
    assert staff.returncode == 1 and "只有管理員" in staff.stderr


def _chromium_missing() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} is not installed (apt-get install chromium; .ci/run installs it)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -e '.[test]')"
    return None


def _sheets_of(demo_url: str, member: str) -> tuple[set[str], set[str]]:
    """(the application numbers of ``member``'s sheets, every other application number)."""
    with closing(sqlite3.connect(demo_url.removeprefix("sqlite:///"))) as connection:
        mine = {row[0] for row in connection.execute(
            "SELECT a.application_no FROM assignment s JOIN application a ON a.id = s.application_id "
            "JOIN reviewer r ON r.id = s.reviewer_id WHERE r.reviewer_no = ?", (member,))}
        every = {row[0] for row in connection.execute("SELECT application_no FROM application")}
    return mine, every - mine


@pytest.mark.skipif(_chromium_missing() is not None, reason=str(_chromium_missing()))
def test_a_member_signs_in_in_a_browser_and_sees_only_their_sheets(server, demo_url, tmp_path):
    from playwright.sync_api import sync_playwright

    mine, others = _sheets_of(demo_url, "R01")
    assert mine and others
    received: list[bytes] = []  # what the server sent this browser's terminal

    def shown() -> str:
        return b"".join(received).decode("utf-8", "replace")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.on("websocket", lambda socket: socket.on(
                "framereceived", lambda data: received.append(data if isinstance(data, bytes) else data.encode())))
            page.goto(f"{server}/")
            page.wait_for_function("document.body.classList.contains('-first-byte')", timeout=30_000)
            _wait(page, lambda: "登入" in shown() and "帳號" in shown(), "the sign-in screen")
            page.focus(".xterm-helper-textarea")
            before = len(received)
            page.keyboard.type("r01", delay=20)
            _wait(page, lambda: "r01" in _text(received[before:]), "the user name typed into its field")
            page.keyboard.press("Enter")
            _settled(page, received)  # the focus is in the password field (keys typed ahead would not be)
            page.keyboard.type("demo-office", delay=20)
            page.keyboard.press("Enter")
            _wait(page, lambda: all(number in shown() for number in mine), "the member's score sheets")
            page.screenshot(path=str(tmp_path / "member-in-the-browser.png"))
        finally:
            browser.close()
    seen = set(re.findall(r"C\d{3}-\d-\d{4}", shown()))
    assert seen == mine  # every sheet of the member's, and no other application
    assert not seen & others


def _text(frames: list[bytes]) -> str:
    """The terminal output in ``frames`` without its escape sequences."""
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", b"".join(frames).decode("utf-8", "replace"))


def _settled(page, received: list[bytes], quiet_ms: int = 400, seconds: float = 15) -> None:
    """Wait until the app has drawn what it was going to (no output for ``quiet_ms``)."""
    deadline = time.monotonic() + seconds
    count = -1
    while count != len(received) and time.monotonic() < deadline:
        count = len(received)
        page.wait_for_timeout(quiet_ms)


def _wait(page, condition, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"the browser did not show {what} in {seconds:.0f} s")
        page.wait_for_timeout(100)
