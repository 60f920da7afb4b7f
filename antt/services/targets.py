"""Target status: is each target met, on track, at risk or off track — and how likely is it to be met?

Count targets (``incidents.<group>.count``) and clearance-rate targets are projected to the end of their
period with the count model of :mod:`antt.analytics.projection`, fitted on the reporting months (15th →
14th) of up to five years before the as-of date; the probability of meeting the target comes from its
predictive distribution. Targets on imported indicators (e-ID, drug-free communes, GRDP, PCI, PAR) are
stated from their latest value; a cumulative target before its deadline is extrapolated along the trend
of its last values (no probability: too few points for a model). Status thresholds: on track when the
probability is at least 70 %, at risk from 30 %, off track below; decided outcomes are met / off track.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from antt.domain.access import Actor
from antt.domain.periods import parse_period, today_local
from antt.domain.reference import read_data_file, unit_catalog
from antt.domain.targets import Evaluation, Target, parse_targets
from antt.domain.units import Level
from antt.errors import InvalidInput, NotFound
from antt.services.target_incidents import count_target, rate_target
from antt.services.target_indicators import indicator_target
from antt.storage.engine import Database

__all__ = [
    "Evaluation",
    "TargetSet",
    "evaluation_document",
    "load_targets",
    "target_group",
    "target_status",
    "targets_status",
]


@dataclass(frozen=True)
class TargetSet:
    version: int
    sha256: str
    source: str
    targets: list[Target]


def load_targets(path: Path | None = None) -> TargetSet:
    """The target set: ``path``, else the packaged ``antt/data/targets.yaml``."""
    text = path.read_text(encoding="utf-8") if path else read_data_file("targets.yaml")
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InvalidInput(f"Tệp chỉ tiêu không đọc được: {exc}", f"Unreadable targets file: {exc}") from exc
    version, targets = parse_targets(document)
    return TargetSet(
        version, hashlib.sha256(text.encode()).hexdigest(), str(path or "antt/data/targets.yaml"), targets
    )


def targets_status(
    database: Database,
    actor: Actor,
    *,
    as_of: date | None = None,
    unit_code: str | None = None,
    targets: TargetSet | None = None,
) -> list[Evaluation]:
    """Evaluate every target for the city (or, for incident-based targets, one commune)."""
    day = as_of or today_local()
    units = _scope(actor, unit_code)
    result = []
    for target in (targets or load_targets()).targets:
        if unit_code is not None and not target.indicator.startswith(("incidents.", "clearance_rate")):
            continue  # indicator targets are set for the city
        result.append(_evaluate(database, target, day, units))
    return result


def target_status(
    database: Database,
    actor: Actor,
    target_id: str,
    *,
    as_of: date | None = None,
    unit_code: str | None = None,
    targets: TargetSet | None = None,
) -> Evaluation:
    """One target's evaluation (the target detail page); an unknown id is ``NotFound``."""
    units = _scope(actor, unit_code)
    for target in (targets or load_targets()).targets:
        if target.id == target_id:
            return _evaluate(database, target, as_of or today_local(), units)
    raise NotFound(f"Không có chỉ tiêu {target_id!r}.", f"No target {target_id!r}.")


def target_group(target: Target) -> str | None:
    """The reporting group an incident-count target counts (``incidents.<group>.count``), else ``None``."""
    parts = target.indicator.split(".")
    return parts[1] if len(parts) == 3 and parts[0] == "incidents" and parts[2] == "count" else None


def _scope(actor: Actor, unit_code: str | None) -> list[str] | None:
    catalog = unit_catalog()
    communes = [
        u
        for u in catalog.in_scheme(catalog.current.code, Level.COMMUNE)
        if actor.units is None or u.key in actor.units
    ]
    if unit_code is None:
        return None if actor.units is None else [u.code for u in communes]
    if unit_code not in {u.code for u in communes}:
        raise NotFound(f"Không có xã/phường mã {unit_code}.", f"No commune with code {unit_code}.")
    return [unit_code]


def _evaluate(database: Database, target: Target, as_of: date, units: list[str] | None) -> Evaluation:
    period = parse_period(target.period) if target.period else None
    if target.indicator.startswith("incidents.") and target.indicator.endswith(".count") and period:
        group = target.indicator.split(".")[1]
        return count_target(database, target, period, as_of, units, group)
    if target.indicator in ("clearance_rate", "clearance_rate_very_serious") and period:
        return rate_target(database, target, period, as_of, units, grave=target.indicator.endswith("serious"))
    return indicator_target(database, target, period, as_of)


def evaluation_document(e: Evaluation) -> dict[str, Any]:
    def r(x: float | None, n: int = 2) -> float | None:
        return None if x is None else round(x, n)

    return {
        "id": e.target.id,
        "name_vi": e.target.name_vi,
        "name_en": e.target.name_en,
        "group": e.target.group,
        "indicator": e.target.indicator,
        "rule": e.target.rule.describe_vi(),
        "period": e.target.period,
        "status": e.status.value,
        "as_of": e.as_of.isoformat(),
        "actual": r(e.actual),
        "required": r(e.required),
        "baseline": r(e.baseline),
        "expected": r(e.expected),
        "interval": None if e.interval is None else [r(e.interval[0]), r(e.interval[1])],
        "probability": r(e.probability, 3),
        "observed": r(e.observed),
        "expected_remainder": r(e.expected_remainder),
        "model": e.model,
        "source": e.target.source,
        "source_url": e.target.source_url,
        "confidence": e.target.confidence,
        "series": [[label, r(v)] for label, v in e.series],
    }
