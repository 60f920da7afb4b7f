"""The report download (11–12 s for a PDF) shows a busy state while the file is made and restores the form
when the file arrives; the file is the one the server made (issue 18 point 6)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect


@pytest.mark.browser
def test_the_report_download_shows_it_is_busy_then_delivers_the_file(page: Page, demo_server: str) -> None:
    page.goto(f"{demo_server}/reports")
    form = page.locator("form.report-form")
    page.locator("input[name=format][value=pdf]").check()
    with page.expect_download(timeout=120_000) as download:
        form.locator("button[type=submit]").click()
        expect(form).to_have_attribute("aria-busy", "true")
        expect(form.locator(".busy-note")).to_have_text("Đang tạo báo cáo…")
        expect(form.locator("button[type=submit]")).to_be_disabled()
    file = download.value
    assert file.suggested_filename.endswith(".pdf")
    with open(file.path(), "rb") as fh:
        assert fh.read(5) == b"%PDF-"
    expect(form).to_have_attribute("aria-busy", "false")
    expect(form.locator(".busy-note")).to_be_hidden()
    expect(form.locator("button[type=submit]")).to_be_enabled()
    assert page.url.endswith("/reports")  # the page stayed: no navigation to a blank download
