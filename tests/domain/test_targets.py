from __future__ import annotations

from datetime import date

import pytest
import yaml

from antt.domain.reference import read_data_file
from antt.domain.targets import Rule, RuleKind, SourceStatus, parse_targets, target_entry
from antt.errors import InvalidInput


def test_the_default_target_set_is_haiphongs_with_sources() -> None:
    version, targets = parse_targets(yaml.safe_load(read_data_file("targets.yaml")))
    by_id = {t.id: t for t in targets}
    assert version >= 1 and len(targets) == 12
    assert by_id["clearance-rate"].rule == Rule(RuleKind.THRESHOLD, ">", 75.0)
    assert by_id["clearance-rate-very-serious"].rule.value == 90.0
    drug_free = by_id["drug-free-communes-2025"].rule
    assert (drug_free.kind, drug_free.value, drug_free.deadline) == (
        RuleKind.CUMULATIVE_BY_DEADLINE,
        30.0,
        date(2025, 12, 31),
    )
    assert by_id["pci-rank"].rule.kind is RuleKind.RANK


def test_every_default_target_says_where_it_comes_from_and_none_claims_a_document_it_lacks() -> None:
    _, targets = parse_targets(yaml.safe_load(read_data_file("targets.yaml")))
    by_status = {s: {t.id for t in targets if t.source_status is s} for s in SourceStatus}
    for t in targets:
        if t.source_status is SourceStatus.DOCUMENT:  # a document sets this figure
            d = t.document
            assert d and d.issuer and d.issued and d.wording and d.url.startswith("http"), t.id
            assert t.confidence in ("H", "M", "L"), t.id
        elif t.source_status is SourceStatus.INFERRED:  # labelled, and says what it was read from
            assert t.basis and t.source_label_vi() == "suy ra, chưa có văn bản", t.id
        else:
            assert t.source_label_vi() == "chưa có văn bản" and not t.document and not t.source, t.id
    # REFERENCE §0: no document sets "≥ 5 % a year"; QĐ 623/QĐ-TTg set 3–5 % by 2020 and expired in 2025
    assert by_status[SourceStatus.NONE] == {"social-order-crime-reduction"}
    assert not any("623" in (t.document.number if t.document else "") + t.source for t in targets)
    # inferred figures: PCI top 3 ("suy ra"), e-ID "100 % of the assigned number" (QĐ 06 has no such figure),
    # the clearance thresholds read from reports
    assert {"pci-rank", "eid-activation", "clearance-rate", "clearance-rate-very-serious"} <= by_status[
        SourceStatus.INFERRED
    ]
    documented = {t.id: t for t in targets if t.id in by_status[SourceStatus.DOCUMENT]}
    assert documented["crime-report-resolution"].source_label_vi() == (
        "Nghị quyết số 96/2019/QH14 ngày 27/11/2019 của Quốc hội"
    )
    assert "chưa xác minh số hiệu" in documented["drug-free-communes-2025"].source_label_vi()


def test_a_target_entry_reads_back_as_the_same_target() -> None:
    _, targets = parse_targets(yaml.safe_load(read_data_file("targets.yaml")))
    for t in targets:
        (again,) = parse_targets({"targets": [target_entry(t)]})[1]
        assert again == t, t.id


@pytest.mark.parametrize(
    ("extra", "problem"),
    [
        ({"source_status": "document"}, "without a document"),  # claims a document it does not name
        ({"source_status": "inferred"}, "basis"),  # inferred, but not from what
        ({"source_status": "official"}, "official"),
        ({"document": {"issuer": "Quốc hội", "issued": "2019-11-27", "wording": ""}}, "wording"),
    ],
)
def test_a_source_claim_without_its_evidence_is_rejected(extra, problem) -> None:
    entry = {
        "id": "x",
        "name_vi": "a",
        "group": "drugs",
        "indicator": "i",
        "rule": {"kind": "threshold", "op": ">", "value": 1},
        **extra,
    }
    with pytest.raises(InvalidInput, match=problem):
        parse_targets({"targets": [entry]})


@pytest.mark.parametrize(
    ("rule", "actual", "baseline", "met"),
    [
        (Rule(RuleKind.RELATIVE_TO_BASELINE, max_ratio=0.95), 95, 100, True),
        (Rule(RuleKind.RELATIVE_TO_BASELINE, max_ratio=0.95), 96, 100, False),
        (Rule(RuleKind.THRESHOLD, ">", 75), 75.0, None, False),
        (Rule(RuleKind.THRESHOLD, ">", 75), 75.1, None, True),
        (Rule(RuleKind.RANK, "<=", 3), 3, None, True),
        (Rule(RuleKind.RANK, "<=", 3), 4, None, False),
        (Rule(RuleKind.CUMULATIVE_BY_DEADLINE, ">=", 30, deadline=date(2025, 12, 31)), 30.0, None, True),
    ],
)
def test_rules_decide_as_written(rule: Rule, actual: float, baseline: float | None, met: bool) -> None:
    assert rule.satisfied(actual, baseline) is met


def test_a_bad_targets_file_is_rejected_clearly() -> None:
    with pytest.raises(InvalidInput):
        parse_targets({"targets": [{"id": "x", "rule": {"kind": "nonsense"}}]})
    entry = {
        "id": "x",
        "name_vi": "a",
        "group": "drugs",
        "indicator": "i",
        "source": "s",
        "rule": {"kind": "threshold", "op": ">", "value": 1},
    }
    with pytest.raises(InvalidInput, match="Duplicate"):
        parse_targets({"targets": [entry, entry]})


@pytest.mark.parametrize(
    ("rule", "text"),
    [
        (
            Rule(RuleKind.THRESHOLD, op=">=", value=12.35),
            "≥ 12,35",
        ),  # the plan's 12,35 %, not rounded to 12,3
        (Rule(RuleKind.THRESHOLD, op=">", value=75), "> 75"),
        (Rule(RuleKind.RANK, op="<=", value=3), "≤ 3"),
        (Rule(RuleKind.RELATIVE_TO_BASELINE, max_ratio=0.95), "không vượt quá 95 % cùng kỳ năm trước"),
        (Rule(RuleKind.THRESHOLD, op=">=", value=1175.5), "≥ 1.175,5"),
    ],
)
def test_a_rule_reads_the_vietnamese_way_at_the_documents_precision(rule, text) -> None:
    assert rule.describe_vi() == text
