from __future__ import annotations

from datetime import date

import pytest
import yaml

from antt.domain.reference import read_data_file
from antt.domain.targets import Rule, RuleKind, parse_targets
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
    assert all(t.source and t.confidence in ("H", "M", "L") for t in targets)


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
