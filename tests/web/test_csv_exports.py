"""``/<page>/export.csv``: each table with the filters on screen — the rows the page lists (every page of
them), a BOM for Excel, headers in the page's language, the file named after its filters, scoped like the
page and audited."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest

from antt.domain.access import Actor
from antt.domain.alerts import AlertCandidate
from antt.domain.periods import custom
from antt.errors import InvalidInput
from antt.services import alerts as alert_service
from antt.services.imports import import_incidents
from antt.services.incidents import export_incidents
from antt.web.app import create_app
from antt.web.i18n import LANGUAGE_COOKIE
from tests.incident_files import incident, write_csv
from tests.user_fixtures import audit_records
from tests.web.pages import table_rows
from tests.web.signed_in import client_as

NOW = datetime(2026, 4, 20, 9, 0)
LE_CHAN, HONG_BANG = "11383", "11311"
MARCH = "from=2026-03-01&to=2026-03-31"
THEFTS = 105  # Hồng Bàng thefts in March: more than one page of the list (100)


def rows() -> list[dict[str, object]]:
    thefts = [
        incident(n, occurred_at=f"{1 + n % 28:02d}/03/2026 10:00", reported_at="", person_ids="")
        for n in range(1, THEFTS + 1)
    ]
    return [
        *thefts,
        incident(
            500,
            unit_code=LE_CHAN,
            occurred_at="10/03/2026 08:15",
            reported_at="",
            status="Đã làm rõ",
            cleared_at="20/03/2026",
            person_ids="",
        ),
        incident(501, unit_code=LE_CHAN, occurred_at="11/03/2026 21:40", reported_at="", person_ids=""),
        incident(502, occurred_at="05/02/2026 09:00", reported_at="", person_ids=""),  # February: not asked
    ]


@pytest.fixture
def app(database, settings, tmp_path):
    import_incidents(database, settings, Actor.system("cli"), write_csv(tmp_path / "i.csv", rows()), now=NOW)
    return create_app(database.settings)


def read(response) -> list[list[str]]:
    assert response.status_code == 200, response.text[:300]
    assert response.headers["content-type"].startswith("text/csv")
    assert response.content.startswith("\ufeff".encode()), "no BOM: Excel would garble Vietnamese"
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_incident_export_holds_every_listed_row_not_one_page(app, database) -> None:
    client = client_as(app, database, "leader")
    page = client.get(f"/incidents?{MARCH}&group=social_order").text
    assert 'href="/incidents/export.csv?group=social_order&amp;from=2026-03-01&amp;to=2026-03-31"' in page
    response = client.get(f"/incidents/export.csv?{MARCH}&group=social_order")
    header, *lines = read(response)
    assert header[:4] == ["Số vụ việc", "Nguồn", "Thời điểm xảy ra", "Xã, phường"]
    assert len(lines) == THEFTS + 2  # every page: the list shows 100 a page
    by_id = {line[0]: dict(zip(header, line, strict=True)) for line in lines}
    assert "HP-00502" not in by_id  # February is outside the filters
    solved = by_id["HP-00500"]
    assert solved["Thời điểm xảy ra"] == "10/03/2026 08:15" and solved["Xã, phường"] == "Phường Lê Chân"
    assert solved["Mã xã, phường"] == LE_CHAN and solved["Điều"] == "173" and solved["Khoản"] == "1"
    assert solved["Tình trạng"] == "Đã làm rõ" and solved["Ngày khám phá"] == "20/03/2026"
    assert by_id["HP-00001"]["Tình trạng"] == "Đang điều tra" and by_id["HP-00001"]["Ngày khám phá"] == ""
    disposition = response.headers["content-disposition"]
    assert disposition == (
        'attachment; filename="antt-incidents-group-social_order-from-2026-03-01-to-2026-03-31.csv"'
    )
    (record,) = audit_records(database, "export.csv")
    assert record.outcome == "ok" and record.target == "page:incidents"
    assert record.details == {
        "filters": {"group": "social_order", "from": "2026-03-01", "to": "2026-03-31"},
        "rows": THEFTS + 2,
    }


def test_the_headers_follow_the_language(app, database) -> None:
    client = client_as(app, database, "leader")
    client.cookies.set(LANGUAGE_COOKIE, "en")
    header, *lines = read(client.get(f"/incidents/export.csv?{MARCH}&unit={LE_CHAN}"))
    assert header[:4] == ["Case number", "Source", "Occurred", "Commune"]
    assert sorted(line[0] for line in lines) == ["HP-00500", "HP-00501"]
    assert {line[header.index("Status")] for line in lines} == {"Solved", "Under investigation"}


def test_a_commune_officer_exports_only_their_commune(app, database) -> None:
    officer = client_as(app, database, "commune_officer", (LE_CHAN,))
    header, *lines = read(officer.get(f"/incidents/export.csv?{MARCH}"))
    assert sorted(line[0] for line in lines) == ["HP-00500", "HP-00501"]
    assert {line[header.index("Mã xã, phường")] for line in lines} == {LE_CHAN}
    assert officer.get(f"/incidents/export.csv?{MARCH}&unit={HONG_BANG}").status_code == 404
    header, *lines = read(officer.get("/compstat/export.csv?period=month:2026-03"))
    assert [line[1] for line in lines] == [LE_CHAN] and lines[0][3] == "2"
    header, *lines = read(officer.get("/units/export.csv"))
    assert [line[1] for line in lines] == [LE_CHAN]
    header, *lines = read(officer.get("/drugs/export.csv"))
    assert [line[1] for line in lines] == [LE_CHAN]
    assert officer.get(f"/drugs/export.csv?unit={HONG_BANG}").status_code == 404


def test_the_compstat_export_is_the_commune_table_on_screen_in_its_order(app, database) -> None:
    client = client_as(app, database, "leader")
    query = "period=month:2026-03&group=social_order&sort=current&dir=desc"
    page = client.get(f"/compstat?{query}").text
    link = (
        "/compstat/export.csv?compare=same-period-last-year&amp;group=social_order&amp;period=month%3A2026-03"
    )
    assert f'href="{link}&amp;sort=current&amp;dir=desc"' in page  # the filters and the order on screen
    screen = table_rows(page, "units-table", "data-unit")
    header, *lines = read(client.get(f"/compstat/export.csv?{query}"))
    assert header == [
        "Xã, phường",
        "Mã xã, phường",
        "Xã, phường gần đúng",
        "Vụ việc",
        "Kỳ so sánh",
        "Tăng/giảm",
        "Tăng/giảm (%)",
        "z",
        "Trên 10.000 dân",
        "Tỷ lệ khám phá (%)",
    ]
    assert lines[0][:8] == ["Phường Hồng Bàng", HONG_BANG, "không", "105", "0", "105", "", "20.49"]
    assert [line[1] for line in lines] == list(screen)  # the same communes in the same order
    assert lines[0][1] == HONG_BANG and lines[0][3] == str(THEFTS)
    assert lines[1][1] == LE_CHAN and lines[1][3] == "2"
    for line in lines:
        assert int(line[3]) == int(screen[line[1]][1].replace(".", ""))
    assert lines[1][-1] == "50" and lines[0][-1] == "0"  # Lê Chân: 1 of 2 solved
    (record,) = audit_records(database, "export.csv")
    assert record.details["filters"]["sort"] == "current" and record.details["rows"] == len(lines)


def test_the_units_export_matches_the_units_table(app, database) -> None:
    client = client_as(app, database, "leader")
    screen = table_rows(client.get("/units").text, "units-list", "data-unit")
    header, *lines = read(client.get("/units/export.csv"))
    assert header[:3] == ["Xã, phường", "Mã", "Dân số"]
    assert [line[1] for line in lines] == list(screen) and len(lines) == 114
    for line in lines:
        assert line[0] == screen[line[1]][0]


def test_the_alerts_export_holds_the_alerts_listed_with_their_filters(app, database) -> None:
    candidates = [
        AlertCandidate(
            kind="rise",
            scheme="2025-07",
            unit_code=code,
            subject="social_order",
            period_start=date(2026, 3, 9),
            period_end=date(2026, 3, 15),
            figures={"observed": 9, "expected": 2.0},
            explanation_vi=f"Tăng bất thường ở {code}",
            explanation_en=f"Unusual rise in {code}",
        )
        for code in (LE_CHAN, HONG_BANG)
    ]
    alert_service.store_alerts(database, Actor.system("warn"), candidates)
    client = client_as(app, database, "leader")
    header, *lines = read(client.get(f"/alerts/export.csv?unit={LE_CHAN}"))
    assert header[:3] == ["Tuần từ ngày", "Đến ngày", "Xã, phường"]
    assert lines == [
        [
            "09/03/2026",
            "15/03/2026",
            "Phường Lê Chân",
            LE_CHAN,
            "Tội phạm về trật tự xã hội",
            f"Tăng bất thường ở {LE_CHAN}",
            "Đang mở",
            "",
            "",
            "",
        ]
    ]
    every = read(client.get("/alerts/export.csv"))[1:]
    assert sorted(line[3] for line in every) == [HONG_BANG, LE_CHAN]
    officer = client_as(app, database, "commune_officer", (LE_CHAN,))
    assert [line[3] for line in read(officer.get("/alerts/export.csv"))[1:]] == [LE_CHAN]
    assert [r.target for r in audit_records(database, "export.csv")] == ["page:alerts"] * 3


def test_a_role_without_the_export_privilege_is_refused(app, database) -> None:
    admin = client_as(app, database, "administrator")  # sees /units, may not take data out
    assert admin.get("/units", follow_redirects=False).status_code == 200
    assert admin.get("/units/export.csv", follow_redirects=False).status_code == 403
    assert "csv-link" not in admin.get("/units").text
    assert not audit_records(database, "export.csv")


def test_an_export_larger_than_the_limit_is_refused_not_cut_short(app, database) -> None:
    window = custom(date(2026, 3, 1), date(2026, 3, 31))
    with pytest.raises(InvalidInput) as refused:
        export_incidents(database, Actor.system("cli"), window, limit=100)
    assert "107" in refused.value.message_en
    assert len(export_incidents(database, Actor.system("cli"), window, limit=107).lines) == 107
