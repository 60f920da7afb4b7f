"""The browser harness: the demo city served by ``antt serve`` on loopback, driven by Playwright in Debian's
``chromium`` (``executable_path``; Playwright never downloads a browser here).

Every page needs a signed-in session, and sign-in goes through a real OpenID Connect provider: the demo's
(``antt.demo.identity_provider``, on a free loopback port), whose users are the demo personas. The ``page``
fixture is signed in as the analyst (city-wide) through the real flow (:func:`sign_in`: ANTT's /login, the
button "Đăng nhập bằng VNeID", the persona's button on the provider's page, back to ANTT); ``anonymous_page``
is the same page not signed in, for tests that sign in as someone else or not at all.

Every test under this folder is marked ``browser`` (run once, on SQLite). The ``page`` fixtures record every
request and fail the test at teardown if one went to a host other than loopback, or if the page logged a
console error or threw; they also save a full-page screenshot to ``test-artifacts/screenshots/<test>.png``.
A test that provokes an error on purpose says so with ``browser_log.expect_console_error(pattern)``.

The provider, the demo city and the server are built once per worker (``session`` scope: under pytest-xdist a
worker may run other folders' modules between two browser modules, and a ``package`` fixture was built again
each time, ≈ 15–25 s). The browser itself is ``package``-scoped: stopped when the folder's last test ends —
Playwright's sync API leaves its event loop set as running on the main thread, so a browser kept for the
whole session would break every later test that calls ``asyncio.run``.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect, sync_playwright

from antt.demo.identity_provider import DemoProvider, run_demo_provider
from antt.settings import Settings, load_settings

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Debian's launcher means to add this when /dev/shm is small, but its test can misfire; a container's
    # 64 MB /dev/shm otherwise crashes the renderer.
    "--disable-dev-shm-usage",
    # Names other than loopback do not resolve: a stray request fails at once instead of waiting on the
    # network (it is still recorded, and the test still fails for it).
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
]
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
LOCAL_SCHEMES = {"data", "blob", "about"}
HERE = Path(__file__).parent
REPO = HERE.parents[2]
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
ANTT = str(Path(sys.executable).parent / "antt")
SERVER_START_SECONDS = 60
ANALYST = "demo-phantich"  # the persona the ``page`` fixture signs in as: analyst, city-wide
SIGN_IN_BUTTON = "Đăng nhập bằng VNeID"
# oidc-provider-mock 0.3 signs ID tokens through Authlib's older hook, which Authlib still honours
PROVIDER_WARNING = r"ignore:get_jwt_config\(self, grant\) is deprecated:DeprecationWarning"
_server_logs: list[Path] = []  # the running server's log, quoted when a page test fails


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Hooks in a conftest see every collected item: mark only those in this folder.
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.filterwarnings(PROVIDER_WARNING))


@dataclass(frozen=True)
class DemoCity:
    settings: Settings  # the demo database, for tests that compare a page with a service's figures
    end: date  # the last day of generated data
    data_dir: Path  # the generated files (ground truth, personas, …)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def server_port() -> int:
    """The loopback port ``antt serve`` will listen on (the provider must know ANTT's callback first)."""
    return _free_port()


@pytest.fixture(scope="session")
def demo_provider(server_port: int) -> Iterator[DemoProvider]:
    """The demo's e-ID provider on a free loopback port, with ANTT registered as its client."""
    with run_demo_provider(
        load_settings(demo=True), app_url=f"http://127.0.0.1:{server_port}", port=0
    ) as provider:
        yield provider


@pytest.fixture(scope="session")
def demo_city(tmp_path_factory: pytest.TempPathFactory, demo_provider: DemoProvider) -> DemoCity:
    """The demo city as ``antt demo`` builds it (scale 1, fixed seed, data to yesterday), built once per run;
    its users (the personas) are keyed by the test provider's issuer."""
    from antt.demo.build import DEFAULT_SEED, default_end, generate, load
    from antt.services.database import open_database, upgrade

    root = tmp_path_factory.mktemp("browser-demo")
    settings = load_settings(
        database_url=f"sqlite:///{root / 'antt-demo.db'}",
        demo=True,
        oidc_issuer=demo_provider.issuer,
        oidc_client_id=demo_provider.client_id,
        oidc_client_secret=demo_provider.client_secret,
        oidc_redirect_url=demo_provider.redirect_url,
    )
    end = default_end()
    files = generate(root / "data", seed=DEFAULT_SEED, end=end, scale=1.0)
    db = open_database(settings)
    try:
        upgrade(db)
        load(db, settings, files)
    finally:
        db.dispose()
    return DemoCity(settings=settings, end=end, data_dir=root / "data")


def _log_tail(path: Path, lines: int = 40) -> str:
    text = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
    return "\n".join(text.splitlines()[-lines:])


@pytest.fixture(scope="session")
def demo_server(
    demo_city: DemoCity,
    demo_provider: DemoProvider,
    server_port: int,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[str]:
    """``antt serve`` on the demo database, signing in through the demo provider, on a free loopback port;
    yields the base URL (no trailing /)."""
    port = server_port
    base = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANTT_")}
    env.update({"ANTT_DATABASE_URL": demo_city.settings.database_url, "ANTT_DEMO": "1", "COLUMNS": "200"})
    env.update(demo_provider.environment())
    log_path = tmp_path_factory.mktemp("browser-server") / "server.log"
    _server_logs.append(log_path)
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [ANTT, "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while True:
            if proc.poll() is not None:
                pytest.fail(f"antt serve exited with {proc.returncode}:\n{_log_tail(log_path)}")
            try:
                with urllib.request.urlopen(f"{base}/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(
                    f"antt serve did not answer /health in {SERVER_START_SECONDS} s:\n{_log_tail(log_path)}"
                )
            time.sleep(0.1)
        yield base
    finally:
        _server_logs.remove(log_path)
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    """Debian's chromium, headless, through Playwright (one per run)."""
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests drive Debian's chromium, never a downloaded browser. "
            "Install it with `apt-get install chromium` (scripts/setup.sh does when ANTT_EXTRAS has the test "
            "extra), or deselect these tests with -m 'not browser'.",
            pytrace=False,
        )
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()


@dataclass
class BrowserLog:
    """What one test's page did: every request URL, console errors, uncaught page errors."""

    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    expected_console_errors: list[re.Pattern[str]] = field(default_factory=list)

    def expect_console_error(self, pattern: str) -> None:
        """Allow console errors matching ``pattern`` (e.g. the 422 of an upload that is meant to fail)."""
        self.expected_console_errors.append(re.compile(pattern))

    def off_loopback(self) -> list[str]:
        return [url for url in self.requests if not is_loopback(url)]

    def unexpected_console_errors(self) -> list[str]:
        return [
            text
            for text in self.console_errors
            if not any(p.search(text) for p in self.expected_console_errors)
        ]


def is_loopback(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in LOCAL_SCHEMES or (parts.hostname or "") in LOOPBACK_HOSTS


@pytest.fixture
def browser_log() -> BrowserLog:
    return BrowserLog()


def sign_in(page: Page, base_url: str, persona_sub: str) -> None:
    """Sign in through the real flow: ANTT's /login, "Đăng nhập bằng VNeID", the persona's button on the
    provider's page; returns once the browser is back on ANTT (signed in, or told why not)."""
    page.goto(f"{base_url}/login")
    page.get_by_role("button", name=SIGN_IN_BUTTON).click()
    page.locator(f"button[name=sub][value='{persona_sub}']").click()  # the provider's one-click user
    page.wait_for_url(re.compile(rf"^{re.escape(base_url)}/"))


def expect_signed_in(page: Page) -> None:
    expect(page.locator("form.signout")).to_be_visible()


@pytest.fixture
def page(anonymous_page: Page, demo_server: str) -> Page:
    """A fresh page signed in as the analyst (city-wide), back on ``about:blank`` as a new page is;
    checked and photographed at teardown."""
    sign_in(anonymous_page, demo_server, ANALYST)
    expect_signed_in(anonymous_page)
    anonymous_page.goto("about:blank")
    return anonymous_page


@pytest.fixture
def anonymous_page(
    browser: Browser, browser_log: BrowserLog, request: pytest.FixtureRequest
) -> Iterator[Page]:
    """A fresh context (vi-VN, Asia/Ho_Chi_Minh, 1366×900) and page, not signed in; checked and photographed
    at teardown."""
    context = browser.new_context(
        locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", viewport={"width": 1366, "height": 900}
    )
    context.set_default_timeout(15_000)
    context.on("request", lambda req: browser_log.requests.append(req.url))
    page = context.new_page()
    page.on("websocket", lambda ws: browser_log.requests.append(ws.url))

    def on_console(msg: ConsoleMessage) -> None:
        if msg.type == "error":
            browser_log.console_errors.append(f"{msg.text} ({msg.location.get('url', '')})")

    page.on("console", on_console)
    page.on(
        "pageerror", lambda exc: browser_log.page_errors.append(exc.stack or str(exc))
    )  # where it was thrown
    try:
        yield page
    finally:
        try:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            name = re.sub(r"[^\w.\-\[\]]+", "_", request.node.name)
            page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
        finally:
            context.close()
    off = browser_log.off_loopback()
    assert not off, f"requests left loopback: {off}"
    assert not browser_log.page_errors, f"uncaught errors in the page: {browser_log.page_errors}"
    unexpected = browser_log.unexpected_console_errors()
    if unexpected:
        server = "".join(f"\n--- {path.name} (end) ---\n{_log_tail(path)}" for path in _server_logs)
        pytest.fail(f"console errors: {unexpected}{server}", pytrace=False)
