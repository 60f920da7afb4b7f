"""The city's own targets: set with the document that sets them, versioned (history kept), retired,
audited (refusals too), and read by the evaluation as the effective set."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from antt.domain.access import Actor, Grant, Role
from antt.domain.targets import SourceDocument, SourceStatus
from antt.errors import InvalidInput, NotFound, PermissionDenied
from antt.services.audit_log import verify_audit
from antt.services.target_admin import list_targets, retire_target, set_target
from antt.services.targets import effective_targets, load_targets, targets_revision
from tests.user_fixtures import audit_records

ADMIN = Actor.system("cli:test-admin")
PLAN = SourceDocument(
    issuer="Ủy ban nhân dân thành phố Hải Phòng",
    issued=date(2026, 1, 10),
    wording="Kéo giảm ít nhất 7% số vụ phạm tội về trật tự xã hội so với năm 2025",
    number="15/KH-UBND",
    title="Kế hoạch phòng, chống tội phạm năm 2026",
)
CRIME = "social-order-crime-reduction"
NOW = datetime(2026, 12, 1, 2, 0, tzinfo=timezone.utc)


def effective(database) -> dict:
    return {t.id: t for t in effective_targets(database).targets}


def test_the_citys_figure_with_its_document_replaces_the_undocumented_default(database) -> None:
    assert effective(database)[CRIME].source_status is SourceStatus.NONE
    before = targets_revision(database)
    target = set_target(database, ADMIN, CRIME, {"rule": {"max_ratio": 0.93}}, document=PLAN, now=NOW)
    assert (target.origin, target.version, target.rule.max_ratio) == ("city", 1, 0.93)
    now_in_force = effective(database)[CRIME]
    assert now_in_force == target and now_in_force.source_status is SourceStatus.DOCUMENT
    assert now_in_force.source_label_vi() == (
        "Kế hoạch số 15/KH-UBND ngày 10/01/2026 của Ủy ban nhân dân thành phố Hải Phòng"
    )
    assert now_in_force.name_vi == load_targets().targets[0].name_vi  # the rest kept from the default
    assert targets_revision(database) != before  # cached evaluations are keyed by it
    [record] = audit_records(database, "target.set")
    assert (record.actor, record.outcome, record.target) == (ADMIN.name, "success", f"target:{CRIME}")
    assert record.details["version"] == 1 and record.details["replaces"] == "default"
    assert record.details["document"]["number"] == "15/KH-UBND"
    assert record.details["rule"] == "không vượt quá 93 % cùng kỳ năm trước"


def test_every_change_is_a_new_version_and_the_history_stays(database) -> None:
    set_target(database, ADMIN, CRIME, {"rule": {"max_ratio": 0.93}}, document=PLAN, now=NOW)
    amended = SourceDocument(**{**PLAN.__dict__, "number": "27/KH-UBND", "issued": date(2026, 3, 2)})
    second = set_target(database, ADMIN, CRIME, {"rule": {"max_ratio": 0.9}}, document=amended, now=NOW)
    assert second.version == 2 and effective(database)[CRIME].rule.max_ratio == 0.9
    retired = retire_target(database, ADMIN, CRIME, reason="thay bằng chỉ tiêu theo quý", now=NOW)
    assert retired.version == 3 and CRIME not in effective(database)
    history = list_targets(database, ADMIN).history
    assert [(v.version, v.action) for v in history] == [(1, "set"), (2, "set"), (3, "retire")]
    assert [v.definition["document"]["number"] for v in history] == ["15/KH-UBND", "27/KH-UBND", "27/KH-UBND"]
    assert history[2].reason == "thay bằng chỉ tiêu theo quý"
    assert [r.action for r in audit_records(database)] == ["target.set", "target.set", "target.retire"]
    assert verify_audit(database, ADMIN).ok
    with pytest.raises(NotFound):
        retire_target(database, ADMIN, CRIME, now=NOW)  # no longer in force


def test_a_new_city_target_extends_the_set_and_without_a_document_says_so(database) -> None:
    fields = {
        "name_vi": "Triệt phá đường dây ma túy",
        "group": "drugs",
        "indicator": "drug_rings_broken",
        "period": "year:2026",
        "rule": {"kind": "threshold", "op": ">=", "value": 12},
    }
    with pytest.raises(InvalidInput, match="document"):  # a document, or an explicit "none yet"
        set_target(database, ADMIN, "drug-rings", fields, document=None, now=NOW)
    assert audit_records(database) == [] and "drug-rings" not in effective(database)
    target = set_target(database, ADMIN, "drug-rings", fields, document=None, no_document=True, now=NOW)
    assert target.source_status is SourceStatus.NONE and target.source_label_vi() == "chưa có văn bản"
    ids = [t.id for t in effective_targets(database).targets]
    assert ids[-1] == "drug-rings" and len(ids) == len(load_targets().targets) + 1


def test_a_new_version_never_keeps_the_old_document(database) -> None:
    set_target(database, ADMIN, CRIME, {"rule": {"max_ratio": 0.93}}, document=PLAN, now=NOW)
    undocumented = set_target(
        database, ADMIN, CRIME, {"rule": {"max_ratio": 0.5}}, document=None, no_document=True
    )
    assert undocumented.document is None and undocumented.source_status is SourceStatus.NONE


@pytest.mark.parametrize(
    ("target_id", "changes", "document", "problem"),
    [
        ("Bad Id!", {}, PLAN, "Invalid target id"),
        ("brand-new", {"name_vi": "x"}, PLAN, "lacks"),  # a new target needs every field
        (CRIME, {}, SourceDocument(**{**PLAN.__dict__, "number": ""}), "number"),
        (CRIME, {}, SourceDocument(**{**PLAN.__dict__, "issued": date(9999, 12, 31)}), "after today"),
        (CRIME, {}, SourceDocument(**{**PLAN.__dict__, "issued": date(1, 1, 1)}), "date of issue"),
        (CRIME, {"period": "year:20x6"}, PLAN, "period"),
        (CRIME, {"group": "nonsense"}, PLAN, "group"),
        (CRIME, {}, SourceDocument(**{**PLAN.__dict__, "url": "javascript:alert(1)"}), "URL"),
    ],
)
def test_a_bad_target_or_document_is_refused_and_nothing_is_stored(
    database, target_id, changes, document, problem
) -> None:
    with pytest.raises(InvalidInput) as raised:
        set_target(database, ADMIN, target_id, changes, document=document, now=NOW)
    assert problem.lower() in raised.value.message_en.lower()
    assert list_targets(database, ADMIN).history == [] and audit_records(database) == []


def test_only_a_city_wide_administrator_changes_targets_and_a_refusal_is_audited(database) -> None:
    leader = Actor.for_user("user:7", [Grant.city(Role.LEADER)])
    with pytest.raises(PermissionDenied):
        set_target(database, leader, CRIME, {"rule": {"max_ratio": 0.5}}, document=PLAN, now=NOW)
    with pytest.raises(PermissionDenied):
        retire_target(database, leader, CRIME, now=NOW)
    with pytest.raises(PermissionDenied):
        list_targets(database, leader)
    assert [(r.action, r.outcome, r.actor) for r in audit_records(database)] == [
        ("target.set", "denied", "user:7"),
        ("target.retire", "denied", "user:7"),
    ]
    assert effective(database)[CRIME].origin == "default"
    administrator = Actor.for_user("user:8", [Grant.city(Role.ADMINISTRATOR)])
    assert set_target(database, administrator, CRIME, {}, document=PLAN, now=NOW).version == 1
