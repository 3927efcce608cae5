"""End-to-end fixtures: the app served as a user starts it (`scripts/dev.py serve`,
moto's server + `chalice local` in a subprocess, on free loopback ports), and
Debian's headless Chromium (/usr/bin/chromium) driven by Playwright.

Every test in this folder is marked `e2e` (`pytest -m "not e2e"` leaves them out).
Screenshots go to test-artifacts/screenshots/, the server's output to
test-artifacts/e2e/serve.log.

The app is served without `chalice local`'s autoreload (`serve`'s default; with
`--reload` every file written under the project, this log included, would
restart it and drop the requests in flight).

The in-process moto of tests/conftest.py (its `emulation.apply` at import and the
`aws` fixture's `mock_aws`) sets AWS_* / STAGE / table variables in this process:
the served app gets none of them, only what a user's shell would give it.
"""
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

import pytest

from scripts import emulation

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HERE = os.path.dirname(os.path.abspath(__file__))
HOST = "127.0.0.1"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    # Without these Chromium keeps trying to reach Google, which this machine's closed network refuses.
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]
ARTIFACTS = os.path.join(ROOT, "test-artifacts")
SERVE_LOG = os.path.join(ARTIFACTS, "e2e", "serve.log")
SCREENSHOTS = os.path.join(ARTIFACTS, "screenshots")
START_TIMEOUT = 180  # seconds for `serve` to answer /health (first start may be slow on a busy machine)
BACKGROUND_TIMEOUT = 300  # more seconds for its background work at the start (scripts/local.py count_history)
BACKGROUND_DONE = ("the 2022–2023 program is counted", "the 2022–2023 program could not be counted")
STOP_TIMEOUT = 60  # seconds between SIGTERM and SIGKILL: a stop saves ~80,000 items (5 s quiet, far more on a loaded machine)
DEFAULT_TIMEOUT_MS = 15_000
# A national award list is ~170 Queries (each top-level unit's best and collectives, then the people):
# moto answers each in 30–70 ms on a quiet machine (DynamoDB in ~5–10), several times that under the
# whole suite's load; the page shows its progress meanwhile, which is what the tests look at.
COMPILE_TIMEOUT_MS = 120_000


def pytest_configure(config):
    config.addinivalue_line("markers", "e2e: end-to-end test in headless Chromium against the served app")


def pytest_collection_modifyitems(config, items):
    # This hook sees every item of the session: mark only those under tests/e2e.
    for item in items:
        if str(item.path).startswith(HERE + os.sep):
            item.add_marker(pytest.mark.e2e)


# ---------------------------------------------------------------- the served app

def free_ports(count: int) -> list[int]:
    """`count` distinct loopback ports free right now (the OS picks them)."""
    sockets = []
    try:
        for _ in range(count):
            s = socket.socket()
            s.bind((HOST, 0))
            sockets.append(s)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def user_environment() -> dict:
    """os.environ as a user's shell would have it: without what tests/conftest.py
    (emulation.apply) and moto's mock_aws set in this process."""
    emulated = set(emulation.environment("http://unused", "unused"))
    return {name: value for name, value in os.environ.items()
            if not (name.startswith("AWS_") or name in emulated or name == "PYTEST_CURRENT_TEST")} | {
        "PYTHONUNBUFFERED": "1"}


def log_text() -> str:
    try:
        with open(SERVE_LOG, encoding="utf-8", errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def log_tail(lines: int = 60) -> str:
    try:
        with open(SERVE_LOG, encoding="utf-8", errors="replace") as f:
            return "".join(f.readlines()[-lines:])
    except OSError:
        return "(no log)"


# Straight to the loopback address, whatever http_proxy & co. say.
DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def answers_health(url: str) -> bool:
    try:
        with DIRECT.open(url + "/health", timeout=2) as response:
            return response.status == 200
    except (OSError, ValueError):  # URLError, HTTPError, refused, reset, timeout
        return False


def descendants(pid: int) -> list[int]:
    """Every process below `pid` (Linux /proc), children first."""
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def stop(process: subprocess.Popen) -> None:
    """SIGTERM to the process group (`serve` then stops chalice and moto itself);
    SIGKILL to it and everything below it if it has not ended in STOP_TIMEOUT s."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=STOP_TIMEOUT)
        return
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        pass
    # `chalice local` runs in a session of its own: find it before its parent dies.
    below = descendants(process.pid)
    for kill in [lambda: os.killpg(process.pid, signal.SIGKILL)] + [
            lambda pid=pid: os.kill(pid, signal.SIGKILL) for pid in below]:
        try:
            kill()
        except ProcessLookupError:
            pass
    process.wait()


# The served app's emulator (moto's server), for tests that read the tables behind the app.
SERVED: dict = {}


@pytest.fixture(scope="package")
def served_app():
    """The README's first command on two free ports; yields its base URL, e.g. "http://127.0.0.1:41234".

    Started once for all the tests in tests/e2e (package scope: it stops when they
    are done, not at the end of the whole suite). Its output: test-artifacts/e2e/serve.log."""
    port, moto_port = free_ports(2)
    url = f"http://{HOST}:{port}"
    SERVED["emulator"] = f"http://{HOST}:{moto_port}"
    os.makedirs(os.path.dirname(SERVE_LOG), exist_ok=True)
    # A data directory of its own, new each time: the tests start from the demo and never read or write
    # what a developer's `serve` keeps in .local-data/.
    data_dir = tempfile.mkdtemp(prefix="sangkien-e2e-data-")
    with open(SERVE_LOG, "w", encoding="utf-8") as log:
        process = subprocess.Popen(
            [sys.executable, "scripts/dev.py", "serve", "--port", str(port), "--moto-port", str(moto_port),
             "--data-dir", data_dir],
            # The award-list queue's messages wait 3 s before the local handler takes them (scripts/queue_feeder.py),
            # so a compile's progress page can be seen before the list.
            cwd=ROOT, env=user_environment() | {"LOCAL_QUEUE_DELAY_SECONDS": "3"}, stdin=subprocess.DEVNULL, stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not answers_health(url):
            if process.poll() is not None:
                pytest.fail(f"`scripts/dev.py serve` exited ({process.returncode}) before {url}/health answered; "
                            f"{SERVE_LOG} ends:\n{log_tail()}", pytrace=False)
            if time.monotonic() > deadline:
                pytest.fail(f"{url}/health did not answer 200 within {START_TIMEOUT} s; "
                            f"{SERVE_LOG} ends:\n{log_tail()}", pytrace=False)
            time.sleep(0.25)
        # Then the start's background work: the clusters' leaders made ready and the 2022–2023 program counted
        # (a minute of a busy machine), so that no test's timing depends on it.
        while not any(line in log_text() for line in BACKGROUND_DONE):
            if process.poll() is not None or time.monotonic() > deadline + BACKGROUND_TIMEOUT:
                pytest.fail(f"`serve` did not finish its start's background work; {SERVE_LOG} ends:\n{log_tail()}",
                            pytrace=False)
            time.sleep(1)
        yield url
    finally:
        stop(process)
        shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(scope="package")
def served_emulator(served_app) -> str:
    """The URL of the served app's moto server, e.g. "http://127.0.0.1:41235"."""
    return SERVED["emulator"]


# ---------------------------------------------------------------- the browser

@pytest.fixture(scope="package")
def browser():
    """Debian's Chromium, headless, through Playwright (which never downloads a browser here)."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: `python3 scripts/dev.py test` installs it "
                    "(or: sudo apt-get install -y --no-install-recommends chromium chromium-driver)", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def new_page(browser, served_app):
    """A factory: `new_page(width=360, height=740, locale="vi-VN", javascript=True)` gives a Page
    in a fresh BrowserContext with that viewport and locale (and scripts off when `javascript`
    is False), relative URLs resolved against the served app."""
    contexts = []

    def make(width: int = 360, height: int = 740, locale: str = "vi-VN", javascript: bool = True):
        context = browser.new_context(viewport={"width": width, "height": height}, locale=locale,
                                      base_url=served_app, java_script_enabled=javascript)
        contexts.append(context)
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        context.set_default_navigation_timeout(DEFAULT_TIMEOUT_MS)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


# ---------------------------------------------------------------- helpers

@pytest.fixture(scope="session")
def screenshot_dir() -> str:
    """test-artifacts/screenshots/ (made if missing)."""
    os.makedirs(SCREENSHOTS, exist_ok=True)
    return SCREENSHOTS


# A full-page capture taller than this is cut to it: the national award list on a phone is tens of
# thousands of pixels (hundreds of rows), which Chromium takes more than a test's timeout to paint.
MAX_SCREENSHOT_HEIGHT = 6000


def save_screenshot(page, name: str) -> str:
    """A full-page PNG of `page` at test-artifacts/screenshots/<name>.png (its
    first MAX_SCREENSHOT_HEIGHT pixels); returns its path."""
    os.makedirs(SCREENSHOTS, exist_ok=True)
    path = os.path.join(SCREENSHOTS, f"{name}.png")
    height = page.evaluate("document.documentElement.scrollHeight")
    if height > MAX_SCREENSHOT_HEIGHT:
        width = page.viewport_size["width"]
        page.screenshot(path=path, full_page=True, clip={"x": 0, "y": 0, "width": width, "height": MAX_SCREENSHOT_HEIGHT})
    else:
        page.screenshot(path=path, full_page=True)
    # A full-page capture resizes the viewport and back; Chromium then hit-tests the next click
    # against the stale scroll position (the click lands beside its target) until the page scrolls.
    page.evaluate("window.scrollTo(0, 0)")
    return path


def no_horizontal_scroll(page) -> bool:
    """True when the page is no wider than the viewport (nothing to scroll sideways)."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
