"""``/incidents/{id}`` on a small imported city: the incident's facts and never a person's data; pseudonyms
only for roles allowed person-level reads, audited; out of scope and withheld categories are 404 like an id
that does not exist."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from sqlalchemy import select

from antt.domain.access import Actor
from antt.services.imports import import_incidents
from antt.storage.tables import IncidentRow, Person
from antt.web.app import create_app
from antt.web.i18n import LANGUAGE_COOKIE
from tests.incident_files import HONG_BANG, incident, write_csv
from tests.user_fixtures import audit_records
from tests.web.pages import by_testid
from tests.web.signed_in import client_as

NOW = datetime(2026, 4, 20, 9, 0)
LE_CHAN, HONG_BANG_CODE = "11383", "11311"
THEFT = "HP-00001"  # Hồng Bàng, two persons, a place
CLEARED = "HP-00002"  # Lê Chân, solved
DRUGS = "HP-00003"  # Lê Chân, a drug offence: withheld from roles without the sensitive-counts privilege
RAPE = "HP-00004"  # Lê Chân, a sexual offence: likewise
PERSONS = ("031095000123", "031096000456")


def rows() -> list[dict[str, object]]:
    return [
        incident(
            1,
            lat=str(HONG_BANG[0]),
            lon=str(HONG_BANG[1]),
            person_ids=";".join(PERSONS),
            suspects="2",
            victims="3",
        ),
        incident(
            2,
            unit_code=LE_CHAN,
            occurred_at="10/03/2026 08:15",
            reported_at="10/03/2026 09:00",
            status="Đã làm rõ",
            cleared_at="20/03/2026",
            person_ids="",
        ),
        incident(3, unit_code=LE_CHAN, article="249.1", person_ids="", drug_related="có", damage_vnd=""),
        incident(4, unit_code=LE_CHAN, article="141.1", person_ids="", damage_vnd=""),
    ]


@pytest.fixture
def app(database, settings, tmp_path):
    import_incidents(database, settings, Actor.system("cli"), write_csv(tmp_path / "i.csv", rows()), now=NOW)
    return create_app(database.settings)


def ids(database) -> dict[str, int]:
    with database.transaction(write=False) as session:
        return {r.source_id: r.id for r in session.scalars(select(IncidentRow))}


def pseudonyms(database) -> list[str]:
    with database.transaction(write=False) as session:
        return sorted(session.scalars(select(Person.pseudonym)))


def test_a_leader_sees_the_facts_and_no_person_data(app, database) -> None:
    client = client_as(app, database, "leader")
    page = client.get(f"/incidents/{ids(database)[THEFT]}")
    assert page.status_code == 200
    assert by_testid(page.text, "occurred") == "05/03/2026 14:30"  # stored UTC, shown in Hải Phòng time
    assert "Phường Hồng Bàng" in by_testid(page.text, "commune")
    assert by_testid(page.text, "offence") == "Điều 173 khoản 1 — Tội trộm cắp tài sản"
    assert by_testid(page.text, "status") == "Đang điều tra"
    assert by_testid(page.text, "place").startswith("20.862, 106.67")
    assert by_testid(page.text, "cleared") == "—"
    assert 'id="incident-persons"' not in page.text
    for clear in PERSONS:
        assert clear not in page.text
    assert "p1_" not in page.text and not any(p in page.text for p in pseudonyms(database))
    assert not audit_records(database, "incidents.persons")


def test_a_solved_incident_shows_its_clearance_and_status_label_in_both_languages(app, database) -> None:
    client = client_as(app, database, "leader")
    url = f"/incidents/{ids(database)[CLEARED]}"
    page = client.get(url).text
    assert by_testid(page, "status") == "Đã làm rõ" and by_testid(page, "cleared") == "20/03/2026"
    assert "Phường Lê Chân" in by_testid(page, "commune")
    client.cookies.set(LANGUAGE_COOKIE, "en")
    english = client.get(url).text
    assert by_testid(english, "status") == "Solved" and "cleared" not in by_testid(english, "status")


def test_the_analyst_sees_the_pseudonyms_and_the_read_is_audited(app, database) -> None:
    client = client_as(app, database, "analyst")
    incident_id = ids(database)[THEFT]
    page = client.get(f"/incidents/{incident_id}", headers={"X-Forwarded-For": "ignored"})
    assert page.status_code == 200
    shown = sorted(p for p in pseudonyms(database) if f'data-testid="pseudonym">{p}<' in page.text)
    assert len(shown) == 2 and all(p.startswith("p1_") for p in shown)
    for clear in PERSONS:
        assert clear not in page.text
    (record,) = audit_records(database, "incidents.persons")
    assert record.outcome == "ok" and record.target == f"incident:{incident_id}"
    assert record.details == {"source_id": THEFT, "persons": 2}
    assert not any(p in str(record.details) for p in shown)  # the audit holds no pseudonym


def test_an_incident_naming_nobody_says_so_to_the_analyst(app, database) -> None:
    client = client_as(app, database, "analyst")
    page = client.get(f"/incidents/{ids(database)[CLEARED]}").text
    assert "Vụ việc này không ghi nhận đối tượng nào." in page


def test_the_list_links_each_row_to_its_page(app, database) -> None:
    client = client_as(app, database, "leader")
    page = client.get("/incidents?from=2026-03-01&to=2026-03-31").text
    for incident_id in ids(database).values():
        assert f'href="/incidents/{incident_id}"' in page


def test_out_of_scope_is_404_like_an_id_that_does_not_exist(app, database) -> None:
    officer = client_as(app, database, "commune_officer", (LE_CHAN,))
    known = ids(database)
    assert officer.get(f"/incidents/{known[CLEARED]}").status_code == 200  # their own commune
    other = officer.get(f"/incidents/{known[THEFT]}")
    missing = officer.get("/incidents/987654")
    assert other.status_code == 404 and missing.status_code == 404
    asked = re.compile(r"(số |incident |/incidents/)\d+")  # the answer repeats the id asked, nothing else
    assert asked.sub(r"\1{id}", other.text) == asked.sub(r"\1{id}", missing.text)
    assert "Hồng Bàng" not in other.text


@pytest.mark.parametrize("case", [DRUGS, RAPE])
def test_a_sensitive_incident_is_404_where_the_role_lacks_the_privilege(app, database, case) -> None:
    officer = client_as(app, database, "commune_officer", (LE_CHAN,))
    leader = client_as(app, database, "leader", (LE_CHAN,))
    incident_id = ids(database)[case]
    assert officer.get(f"/incidents/{incident_id}").status_code == 404
    assert leader.get(f"/incidents/{incident_id}").status_code == 200


def test_roles_without_incident_access_are_refused(app, database) -> None:
    admin = client_as(app, database, "administrator")
    assert admin.get(f"/incidents/{ids(database)[THEFT]}", follow_redirects=False).status_code == 403
