"""The import page in a real browser: a file with errors is refused with every problem listed by row and
column, in Vietnamese, and nothing is written; a good file is checked, confirmed, summarised and listed in
the history.

The demo database is shared by the whole browser folder. The file imported here carries a source name of
its own and incidents in August 2025 only, and every other test compares the pages with the services at the
time it runs, on the same database: importing here cannot make another test fail, in any order.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import text

from antt.services.database import Database, open_database
from tests.incident_files import incident, write_csv
from tests.web.browser.conftest import BrowserLog, DemoCity


@pytest.fixture(scope="module")
def demo_db(demo_city: DemoCity) -> Iterator[Database]:
    database = open_database(demo_city.settings)
    yield database
    database.dispose()


def incidents_of_source(database: Database, source: str) -> int:
    with database.engine.connect() as conn:
        return int(
            conn.execute(text("SELECT count(*) FROM incidents WHERE source = :s"), {"s": source}).scalar_one()
        )


def upload(page: Page, path: Path, source: str = "") -> None:
    page.get_by_label("Tệp (.xlsx hoặc .csv)").set_input_files(str(path))
    if source:
        page.get_by_label("Hệ thống nguồn (không bắt buộc)").fill(source)
    page.get_by_role("button", name="Kiểm tra tệp").click()


def history_files(page: Page) -> list[str]:
    table = page.locator("#history-table")
    return table.locator("tbody tr td:nth-child(4)").all_inner_texts() if table.count() else []


def test_a_file_with_errors_is_refused_with_each_row_and_column_in_vietnamese(
    page: Page, demo_server: str, demo_db: Database, browser_log: BrowserLog, tmp_path: Path
) -> None:
    browser_log.expect_console_error(r"status of 422")  # the refused upload answers 422, on purpose
    source = f"browser-bad-{uuid.uuid4().hex[:8]}"
    name = f"{source}.csv"
    rows = [
        incident(1, source_id="BAD-1", occurred_at="05/08/2025 14:30", reported_at=""),  # a good row
        incident(2, source_id="BAD-2", occurred_at="05/08/2025 14:30", reported_at="", unit_code="99999"),
        incident(3, source_id="BAD-3", occurred_at="31/02/2025 10:00", reported_at=""),
        incident(4, source_id="BAD-4", occurred_at="05/08/2025 14:30", reported_at="", article="999"),
    ]
    path = write_csv(tmp_path / name, rows)
    page.goto(f"{demo_server}/imports")
    upload(page, path, source)

    report = page.locator("section.report.rejected")
    expect(report).to_be_visible()
    expect(report.locator("h2")).to_contain_text(f"Tệp {name} không được nhập")
    expect(report.locator("h2")).to_contain_text("3 lỗi")
    headers = page.locator("#issues-table thead th").all_inner_texts()
    assert headers == ["Dòng", "Cột", "Giá trị", "Lỗi", "Quy tắc", "Mức độ"]
    cells = page.locator("#issues-table tbody tr").evaluate_all(
        "rows => rows.map(r => Array.from(r.cells, c => c.innerText.trim()))"
    )
    # the header is row 1: the file's data rows 2-4 are rows 3, 4 and 5
    assert sorted((c[0], c[1], c[2]) for c in cells) == [
        ("3", "unit_code", "99999"),
        ("4", "occurred_at", "31/02/2025 10:00"),
        ("5", "article", "999"),
    ]
    by_row = {c[0]: c for c in cells}
    assert "Mã đơn vị không có trong danh mục" in by_row["3"][3]
    assert "Không đọc được ngày giờ" in by_row["4"][3]
    assert all(c[5] == "lỗi" for c in cells)  # "error", in Vietnamese
    assert all(c[4] for c in cells)  # each names its rule

    assert name not in history_files(page)
    assert incidents_of_source(demo_db, source) == 0


def test_a_good_file_is_checked_then_imported_and_listed_in_the_history(
    page: Page, demo_server: str, demo_db: Database, tmp_path: Path
) -> None:
    source = f"browser-good-{uuid.uuid4().hex[:8]}"
    name = f"{source}.csv"
    rows = [
        incident(1, source_id="GOOD-1", occurred_at="05/08/2025 14:30", reported_at="05/08/2025 15:00"),
        incident(2, source_id="GOOD-2", occurred_at="06/08/2025 09:00", reported_at="", unit_code="11383"),
    ]
    path = write_csv(tmp_path / name, rows)
    page.goto(f"{demo_server}/imports")
    upload(page, path, source)

    checked = page.locator("section.report.accepted")
    expect(checked.locator("h2")).to_have_text(f"Tệp {name} đạt yêu cầu kiểm tra")
    expect(checked.get_by_test_id("rows")).to_have_text("2")
    assert incidents_of_source(demo_db, source) == 0, "the check is a dry run: nothing written yet"
    assert name not in history_files(page)

    page.get_by_role("button", name="Xác nhận nhập dữ liệu").click()
    done = page.locator("section.report.accepted[role=status]")
    expect(done.locator("h2")).to_have_text(f"Đã nhập tệp {name}")
    expect(done).to_contain_text("2 dòng: 2 mới, 0 thay đổi, 0 không đổi.")
    newest = page.locator("#history-table tbody tr").first.locator("td").all_inner_texts()
    assert newest[2:4] == ["Vụ việc (tệp xuất hồ sơ)", name]  # the batch kind in words (issue 18)
    kind = page.locator("#history-table tbody tr").first.locator("td").nth(2)
    assert kind.get_attribute("data-kind") == "incidents"
    assert newest[5:8] == ["2", "2", "0"]  # rows, new, changed
    assert incidents_of_source(demo_db, source) == 2

    page.goto(f"{demo_server}/imports")  # the history is the database's, not the last answer's
    assert history_files(page)[0] == name
