"""``/admin/targets`` and the target's source on every screen: the administrator adds a target version with
its document and retires one (POST + CSRF, audited, versions kept); a target without a document says so on
its tile, its page and in ``/api/targets``."""

from __future__ import annotations

import re

import pytest

from antt.domain.access import Actor
from antt.services.imports import import_incidents
from antt.storage.tables import TargetVersionRow
from antt.web.app import create_app
from tests.incident_files import incident, write_csv
from tests.user_fixtures import audit_records
from tests.web.signed_in import client_as

CRIME = "social-order-crime-reduction"
DOCUMENTED = "crime-report-resolution"
PLAN = {
    "target_id": CRIME,
    "max_ratio": "0,93",
    "document_number": "15/KH-UBND",
    "issued": "2026-01-10",
    "issuer": "Ủy ban nhân dân thành phố Hải Phòng",
    "document_title": "Kế hoạch phòng, chống tội phạm năm 2026",
    "wording": "Kéo giảm ít nhất 7% số vụ phạm tội về trật tự xã hội so với năm 2025",
}


@pytest.fixture
def app(settings):
    return create_app(settings)


@pytest.fixture
def admin(app, database):
    with client_as(app, database, "administrator") as c:
        yield c


@pytest.fixture
def leader(app, database):
    with client_as(app, database, "leader") as c:
        yield c


def versions(database) -> list[tuple[str, int, str]]:
    with database.transaction(write=False) as session:
        rows = session.query(TargetVersionRow).order_by(TargetVersionRow.id).all()
        return [(r.target_id, r.version, r.action) for r in rows]


def tile(page: str, target_id: str) -> str:
    found = re.search(rf'<article class="tile[^"]*" data-target="{target_id}">(.*?)</article>', page, re.S)
    assert found, target_id
    return found.group(1)


def test_an_undocumented_target_is_flagged_on_its_tile_its_page_and_in_the_api(leader) -> None:
    targets = {t["id"]: t for t in leader.get("/api/targets").json()["targets"]}
    crime, documented = targets[CRIME], targets[DOCUMENTED]
    assert (crime["source_status"], crime["source_label"], crime["source_label_en"]) == (
        "none",
        "chưa có văn bản",
        "no source document",
    )
    assert crime["document"] is None and crime["origin"] == "default"
    assert targets["pci-rank"]["source_status"] == "inferred"
    assert documented["source_status"] == "document" and documented["document"]["number"] == "96/2019/QH14"

    overview = leader.get("/").text
    assert 'data-source-status="none">Chưa có văn bản<' in tile(overview, CRIME)
    assert 'data-source-status="inferred">Suy ra, chưa có văn bản<' in tile(overview, "pci-rank")
    assert "source-status" not in tile(overview, DOCUMENTED)  # a documented target carries no flag

    page = leader.get(f"/targets/{CRIME}").text
    assert 'data-source-status="none"><strong class="source-status">Chưa có văn bản</strong>' in page
    page = leader.get(f"/targets/{DOCUMENTED}").text
    assert "Nghị quyết số 96/2019/QH14 ngày 27/11/2019 của Quốc hội" in page and "Chưa có văn bản" not in page
    english = leader.get("/api/targets").json()  # the API is language-neutral: both labels, always
    assert {t["source_status"] for t in english["targets"]} == {"document", "inferred", "none"}


def test_the_administrator_sets_a_version_with_its_document_and_every_screen_shows_it(
    admin, leader, database, settings, tmp_path
) -> None:
    # some data, so that the pages keep their evaluations (antt.services.data_cache) until it changes
    import_incidents(
        database, settings, Actor.system("test-analyst"), write_csv(tmp_path / "i.csv", [incident()])
    )
    page = admin.get("/admin/targets")
    assert page.status_code == 200 and f'data-target="{CRIME}" data-source-status="none"' in page.text
    leader.get("/")  # evaluated (and cached) before the change
    done = admin.post("/admin/targets", data={**PLAN, "csrf_token": admin.csrf_token}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/admin/targets?done=set"
    assert versions(database) == [(CRIME, 1, "set")]
    page = admin.get("/admin/targets").text
    assert f'data-target="{CRIME}" data-source-status="document"' in page
    assert "Kế hoạch số 15/KH-UBND ngày 10/01/2026" in page and "do thành phố đặt, phiên bản 1" in page

    crime = next(t for t in leader.get("/api/targets").json()["targets"] if t["id"] == CRIME)
    assert (crime["source_status"], crime["origin"], crime["version"]) == ("document", "city", 1)
    assert crime["rule"] == "không vượt quá 93 % cùng kỳ năm trước"
    assert "source-status" not in tile(leader.get("/").text, CRIME)  # the cached tiles were not reused

    [record] = audit_records(database, "target.set")
    assert record.outcome == "success" and record.actor.startswith("user:") and record.client
    assert record.details["document"]["number"] == "15/KH-UBND"


def test_retire_and_a_second_version_keep_the_history(admin, database) -> None:
    for ratio in ("0,93", "0,9"):
        admin.post("/admin/targets", data={**PLAN, "max_ratio": ratio, "csrf_token": admin.csrf_token})
    gone = admin.post(
        "/admin/targets/retire",
        data={"target_id": CRIME, "reason": "thay thế", "csrf_token": admin.csrf_token},
        follow_redirects=False,
    )
    assert gone.status_code == 303
    assert versions(database) == [(CRIME, 1, "set"), (CRIME, 2, "set"), (CRIME, 3, "retire")]
    page = admin.get("/admin/targets").text
    assert f'data-target="{CRIME}"' not in page and page.count(f"<code>{CRIME}</code>") == 3  # history rows
    assert [r.action for r in audit_records(database) if r.action.startswith("target.")] == [
        "target.set",
        "target.set",
        "target.retire",
    ]
    assert (
        admin.post(
            "/admin/targets/retire", data={"target_id": CRIME, "csrf_token": admin.csrf_token}
        ).status_code
        == 404
    )


def test_a_change_without_the_csrf_token_or_by_a_non_administrator_is_refused(
    admin, leader, database
) -> None:
    assert admin.post("/admin/targets", data=PLAN, follow_redirects=False).status_code == 403
    assert admin.post("/admin/targets/retire", data={"target_id": CRIME}).status_code == 403
    assert leader.get("/admin/targets").status_code == 403
    refused = leader.post("/admin/targets", data={**PLAN, "csrf_token": leader.csrf_token})
    assert refused.status_code == 403
    assert versions(database) == []


def test_a_form_without_a_document_comes_back_with_the_reason_and_nothing_is_stored(admin, database) -> None:
    form = {"target_id": CRIME, "max_ratio": "0,9", "csrf_token": admin.csrf_token}
    page = admin.post("/admin/targets", data=form)
    assert page.status_code == 422 and "văn bản" in page.text and 'value="0,9"' in page.text
    bad_day = admin.post(
        "/admin/targets", data={**PLAN, "issued": "9999-12-31", "csrf_token": admin.csrf_token}
    )
    assert bad_day.status_code == 422
    assert versions(database) == []
    done = admin.post("/admin/targets", data={**form, "no_document": "1"}, follow_redirects=False)
    assert done.status_code == 303 and versions(database) == [(CRIME, 1, "set")]
