"""Co-offending groups through the service, on the test database: privilege, scope, audit, no clear ids,
stored alerts."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from antt.domain.access import Action, Actor, Grant, Role
from antt.errors import PermissionDenied
from antt.services.alerts import list_alerts
from antt.services.imports import import_incidents
from antt.services.networks import co_offending_groups, network_alerts
from tests.incident_files import incident, write_csv
from tests.user_fixtures import audit_records

NOW = datetime(2026, 4, 20, 9, 0)
SCHEME = "2025-07"
HONG_BANG, LE_CHAN = "11311", "11383"


def pid(k: int) -> str:
    return f"0310950{k:05d}"


def gang_rows() -> list[dict[str, object]]:
    """A trio (ids 1–3) offending together in Hồng Bàng, once in Lê Chân, plus one-off pairs."""
    rows = []
    days = ["05/01/2026", "20/01/2026", "04/02/2026", "19/02/2026", "06/03/2026", "21/03/2026"]
    trio = [(1, 2), (2, 3), (1, 3), (1, 2, 3), (1, 2), (2, 3)]
    for n, (day, members) in enumerate(zip(days, trio, strict=True), start=1):
        rows.append(
            incident(
                n,
                occurred_at=f"{day} 22:00",
                reported_at=f"{day} 23:00",
                unit_code=LE_CHAN if n == 6 else HONG_BANG,
                suspects=str(len(members)),
                person_ids=";".join(pid(m) for m in members),
                status="Đã làm rõ",
                cleared_at="25/03/2026",
            )
        )
    for n in range(7, 12):  # one-off pairs
        rows.append(
            incident(
                n, person_ids=f"{pid(100 + n)};{pid(200 + n)}", suspects="2", occurred_at="10/02/2026 10:00"
            )
        )
    return rows


@pytest.fixture
def loaded(database, settings, actor, tmp_path):
    path = write_csv(tmp_path / "gang.csv", gang_rows())
    import_incidents(database, settings, actor, path, now=NOW)
    return database


def analyst(*units: str) -> Actor:
    grant = Grant.on(Role.ANALYST, *((SCHEME, u) for u in units)) if units else Grant.city(Role.ANALYST)
    return Actor.for_user("phantich", [grant])


def test_an_analyst_sees_the_trio_with_its_incidents_and_communes(loaded) -> None:
    (card,) = co_offending_groups(loaded, analyst(), start=date(2026, 1, 1), end=date(2026, 4, 1))
    assert card.members == 3
    assert [i.source_id for i in card.incidents] == [f"HP-{n:05d}" for n in range(1, 7)]
    assert card.communes == (HONG_BANG, LE_CHAN)
    assert card.first == date(2026, 1, 5) and card.last == date(2026, 3, 21)
    assert card.member_labels[0] == f"Đối tượng 1 · nhóm {card.id}"
    assert set(card.as_json()) == {"id", "members", "incidents", "communes", "first", "last", "score"}


def test_the_output_and_the_audit_hold_no_clear_id_nor_pseudonym(loaded) -> None:
    cards = co_offending_groups(loaded, analyst(), start=date(2026, 1, 1), end=date(2026, 4, 1))
    text = json.dumps([c.as_json() for c in cards]) + repr(cards)
    records = audit_records(loaded, "networks.groups")
    text += json.dumps([r.details for r in records]) + "".join(r.target for r in records)
    for k in [1, 2, 3, *range(107, 112), *range(207, 212)]:
        assert pid(k) not in text
    assert "p1_" not in text


def test_every_view_is_audited(loaded) -> None:
    co_offending_groups(loaded, analyst(), start=date(2026, 1, 1), end=date(2026, 4, 1))
    (record,) = audit_records(loaded, "networks.groups")
    assert record.outcome == "ok" and record.actor == "phantich" and record.details["groups"] == 1
    assert record.target == "period:2026-01-01..2026-04-01"


@pytest.mark.parametrize("role", [Role.COMMUNE_OFFICER, Role.ADMINISTRATOR, Role.AUDITOR])
def test_roles_without_the_privilege_are_refused_and_the_refusal_is_audited(loaded, role) -> None:
    actor = Actor.for_user("someone", [Grant.city(role)])
    assert not actor.can(Action.VIEW_NETWORKS)
    with pytest.raises(PermissionDenied):
        co_offending_groups(loaded, actor, end=date(2026, 4, 1))
    with pytest.raises(PermissionDenied):
        network_alerts(loaded, actor, as_of=date(2026, 4, 1))
    assert [r.outcome for r in audit_records(loaded, "networks.groups")] == ["denied"]


def test_a_scoped_actor_sees_only_the_incidents_of_its_communes(loaded) -> None:
    (card,) = co_offending_groups(loaded, analyst(LE_CHAN), start=date(2026, 1, 1), end=date(2026, 4, 1))
    assert [i.source_id for i in card.incidents] == ["HP-00006"]
    assert card.communes == (LE_CHAN,) and card.members == 2  # those named in that incident
    assert co_offending_groups(loaded, analyst("11629"), start=date(2026, 1, 1), end=date(2026, 4, 1)) == []


def test_the_group_keeps_its_id_whatever_the_period_asked(loaded) -> None:
    (a,) = co_offending_groups(loaded, analyst(), start=date(2026, 1, 1), end=date(2026, 2, 28))
    (b,) = co_offending_groups(loaded, analyst(), start=date(2026, 1, 1), end=date(2026, 4, 1))
    assert a.id == b.id


def test_a_period_without_co_offending_is_empty(loaded) -> None:
    assert co_offending_groups(loaded, analyst(), start=date(2025, 1, 1), end=date(2025, 6, 30)) == []


def test_growth_alerts_are_raised_and_stored_as_alerts(loaded) -> None:
    found = network_alerts(loaded, Actor.system("cli"), as_of=date(2026, 4, 1), days=120)
    kinds = {a.kind for a in found}
    assert "incidents" in kinds and "new_commune" in kinds
    spread = next(a for a in found if a.kind == "new_commune")
    assert spread.commune == LE_CHAN and spread.figures["new_communes"] == [LE_CHAN]
    stored = list_alerts(loaded, analyst(), kinds=["group_growth"])
    assert {a.subject for a in stored} >= {f"{spread.group_id}/new_commune"}
    assert audit_records(loaded, "networks.alerts")[-1].details["alerts"] == len(found)


def _stored(database) -> list[tuple[date, str, int]]:
    from sqlalchemy import select

    from antt.storage.tables import GroupSnapshotRow

    with database.transaction(write=False) as session:
        return [
            tuple(r)
            for r in session.execute(
                select(GroupSnapshotRow.step_end, GroupSnapshotRow.group_id, GroupSnapshotRow.id).order_by(
                    GroupSnapshotRow.id
                )
            )
        ]


def test_tracking_is_stored_once_and_read_back_with_the_same_ids(loaded) -> None:
    (first,) = co_offending_groups(loaded, analyst(), start=date(2026, 1, 1), end=date(2026, 4, 1))
    stored = _stored(loaded)
    assert stored and {g for _, g, _ in stored if g} == {first.id}
    (again,) = co_offending_groups(loaded, analyst(), start=date(2026, 1, 1), end=date(2026, 4, 1))
    assert again == first and _stored(loaded) == stored  # read back, nothing tracked again
    alerts = network_alerts(loaded, analyst(), as_of=date(2026, 4, 1), days=120, store_alerts=False)
    assert {a.group_id for a in alerts} == {first.id} and _stored(loaded) == stored


def test_a_new_import_tracks_again_only_from_its_earliest_incident(loaded, settings, tmp_path) -> None:
    co_offending_groups(loaded, analyst(), start=date(2026, 1, 1), end=date(2026, 6, 30))
    before = _stored(loaded)
    late = [
        incident(
            40,
            occurred_at="02/05/2026 21:00",
            reported_at="02/05/2026 22:00",
            unit_code=HONG_BANG,
            suspects="3",
            person_ids=";".join(pid(m) for m in (1, 2, 4)),
        ),
        incident(
            41,
            occurred_at="09/05/2026 21:00",
            reported_at="09/05/2026 22:00",
            unit_code=HONG_BANG,
            suspects="2",
            person_ids=";".join(pid(m) for m in (3, 4)),
        ),
    ]
    import_incidents(
        loaded,
        settings,
        Actor.system("cli"),
        write_csv(tmp_path / "late.csv", late),
        now=datetime(2026, 5, 20, 9, 0),
    )
    (card,) = co_offending_groups(loaded, analyst(), start=date(2026, 1, 1), end=date(2026, 6, 30))
    after = _stored(loaded)
    kept = [r for r in before if r[0] < date(2026, 5, 2)]
    assert [r for r in after if r[0] < date(2026, 5, 2)] == kept  # the weeks before stay, the same rows
    assert card.members == 4 and "HP-00040" in [i.source_id for i in card.incidents]
    assert {g for _, g, _ in after if g} == {card.id}  # the recruit joined the same group


def test_an_import_stores_the_growth_alerts_of_its_last_four_weeks_by_itself(
    database, settings, actor, tmp_path
) -> None:
    """No one has to run ``antt networks alerts``: the committed import checks the groups (issue 14 §3)."""
    path = write_csv(tmp_path / "gang.csv", gang_rows())
    import_incidents(database, settings, actor, path, now=datetime(2026, 3, 26, 9, 0))
    stored = list_alerts(database, analyst(), kinds=["group_growth"])
    assert any(a.subject.endswith("/new_commune") for a in stored)  # the spread into Lê Chân on 21/03
    (check,) = [r for r in audit_records(database, "networks.alerts") if r.actor == "import"]
    assert check.details["alerts"] >= 1
