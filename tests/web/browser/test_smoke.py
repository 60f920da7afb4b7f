"""The harness itself: the demo city is served, the page loads in chromium, nothing leaves loopback."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.web.browser.conftest import BrowserLog, is_loopback


def test_the_home_page_loads_with_the_demo_banner(page: Page, demo_server: str) -> None:
    page.goto(f"{demo_server}/")
    expect(page).to_have_title(re.compile("ANTT"))
    expect(page.get_by_text("Dữ liệu mô phỏng").first).to_be_visible()


def test_the_network_guard_records_every_request_and_all_are_loopback(
    page: Page, demo_server: str, browser_log: BrowserLog
) -> None:
    page.goto(f"{demo_server}/")
    page.wait_for_load_state("networkidle")
    assert f"{demo_server}/" in browser_log.requests
    assert browser_log.requests and not browser_log.off_loopback()


def test_the_network_guard_tells_loopback_from_the_internet() -> None:
    assert is_loopback("http://127.0.0.1:8000/static/vendor/htmx-2.0.11.min.js")
    assert is_loopback("http://localhost/") and is_loopback("data:image/png;base64,AAAA")
    assert is_loopback("blob:http://127.0.0.1:8000/0f9c") and is_loopback("about:blank")
    assert not is_loopback("https://cdn.jsdelivr.net/npm/echarts") and not is_loopback("http://10.0.0.1/")
    assert not is_loopback("http://127.0.0.1.example.com/")


def test_the_network_guard_sees_a_request_to_the_internet(page: Page, browser_log: BrowserLog) -> None:
    browser_log.expect_console_error(r"ERR_NAME_NOT_RESOLVED")  # names off loopback do not resolve here
    page.set_content('<img src="https://cdn.example.org/x.png" alt="">')
    page.wait_for_load_state("networkidle")
    assert browser_log.off_loopback() == ["https://cdn.example.org/x.png"]
    browser_log.requests.clear()  # seen: the teardown check would fail this test otherwise
