"""Target status: is each target met, on track, at risk or off track — and how likely is it to be met?

Count targets (``incidents.<group>.count``) and clearance-rate targets are projected to the end of their
period with the count model of :mod:`antt.analytics.projection`, fitted on the reporting months (15th →
14th) of up to five years before the as-of date; the probability of meeting the target comes from its
predictive distribution. Targets on imported indicators (e-ID, drug-free communes, GRDP, PCI, PAR) are
stated from their latest value; a cumulative target before its deadline is extrapolated along the trend
of its last values (no probability: too few points for a model). Status thresholds: on track when the
probability is at least 70 %, at risk from 30 %, off track below; decided outcomes are met / off track.

The targets evaluated are the *effective* set (:func:`effective_targets`): the shipped defaults
(``antt/data/targets.yaml``) with the city's stored targets over them — a stored version replaces the
default of the same id or adds a target, a retired one leaves the set (:mod:`antt.services.target_admin`).
Every evaluation document says where its target comes from (``source_status``: document / inferred /
none), so no screen, API answer or report shows an inferred or undocumented figure as the law's.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from antt.domain.access import Actor
from antt.domain.periods import check_supported_day, parse_period, today_local
from antt.domain.reference import read_data_file, unit_catalog
from antt.domain.targets import Evaluation, Target, parse_targets
from antt.domain.units import Level
from antt.errors import InvalidInput, NotFound
from antt.services.compstat import scope_of
from antt.services.disclosure import Disclosure, exclusions
from antt.services.target_incidents import count_target, rate_target
from antt.services.target_indicators import indicator_target
from antt.storage import targets as store
from antt.storage.engine import Database
from antt.storage.exclusions import Exclusion

__all__ = [
    "Evaluation",
    "TargetSet",
    "effective_targets",
    "evaluation_document",
    "load_targets",
    "target_group",
    "target_status",
    "targets_revision",
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
    if path is None:
        packaged = _packaged_targets()
        return replace(packaged, targets=list(packaged.targets))  # the caller's own list
    return _parse_targets(path.read_text(encoding="utf-8"), path)


@lru_cache(maxsize=1)
def _packaged_targets() -> TargetSet:
    """Parsed once per process: the packaged file changes only with a deploy, and parsing it took longer
    than evaluating the targets (60 ms a page view)."""
    return _parse_targets(read_data_file("targets.yaml"), None)


def _parse_targets(text: str, path: Path | None) -> TargetSet:
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InvalidInput(f"Tệp chỉ tiêu không đọc được: {exc}", f"Unreadable targets file: {exc}") from exc
    version, targets = parse_targets(document)
    return TargetSet(
        version, hashlib.sha256(text.encode()).hexdigest(), str(path or "antt/data/targets.yaml"), targets
    )


def effective_targets(database: Database) -> TargetSet:
    """The targets in force: the shipped defaults, each replaced by the newest stored version of its id,
    then the city's own targets in the order they were first set; retired ones left out."""
    defaults = load_targets()
    with database.transaction(write=False) as session:
        stored = store.current_versions(session)
    return merge_targets(defaults, stored)


def merge_targets(defaults: TargetSet, stored: list[store.TargetVersion]) -> TargetSet:
    by_id: dict[str, Target | None] = {t.id: t for t in defaults.targets}
    for version in stored:
        if version.action == store.RETIRE:
            by_id[version.target_id] = None
            continue
        entry = {**version.definition, "origin": "city", "version": version.version}
        (target,) = parse_targets({"targets": [entry]})[1]
        by_id[version.target_id] = replace(target, id=version.target_id)
    digest = hashlib.sha256(defaults.sha256.encode())
    digest.update(json.dumps([(v.target_id, v.version) for v in stored]).encode())
    source = defaults.source + (f" + {len(stored)} mục do thành phố đặt / set by the city" if stored else "")
    return TargetSet(defaults.version, digest.hexdigest(), source, [t for t in by_id.values() if t])


def targets_revision(database: Database) -> int:
    """Changes whenever a stored target changes: part of the key of cached evaluations."""
    with database.transaction(write=False) as session:
        return store.revision(session)


def targets_status(
    database: Database,
    actor: Actor,
    *,
    as_of: date | None = None,
    unit_code: str | None = None,
    targets: TargetSet | None = None,
) -> list[Evaluation]:
    """Evaluate every target for the city, or, for incident-based targets, the communes of ``unit_code``
    or of an actor bound to communes: a target set for the city as a whole (e-ID, drug-free share, GRDP,
    PCI, PAR) is not shown for communes, whose figures it does not measure."""
    check_supported_day(as_of)
    day = as_of or today_local()
    units = _scope(actor, unit_code)
    left_out = _left_out(actor, units)
    return [
        _evaluate(database, target, day, units, left_out)
        for target in (targets or effective_targets(database)).targets
        if (units is None or _per_commune(target)) and _visible(actor, target, units)
    ]


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
    check_supported_day(as_of)
    units = _scope(actor, unit_code)
    for target in (targets or effective_targets(database)).targets:
        if (
            target.id == target_id
            and (units is None or _per_commune(target))
            and _visible(actor, target, units)
        ):
            return _evaluate(database, target, as_of or today_local(), units, _left_out(actor, units))
    raise NotFound(f"Không có chỉ tiêu {target_id!r}.", f"No target {target_id!r}.")


def target_group(target: Target) -> str | None:
    """The reporting group an incident-count target counts (``incidents.<group>.count``), else ``None``."""
    parts = target.indicator.split(".")
    return parts[1] if len(parts) == 3 and parts[0] == "incidents" and parts[2] == "count" else None


def _per_commune(target: Target) -> bool:
    """Whether ``target`` can be evaluated on some communes: those counted from incidents can."""
    return target.indicator.startswith(("incidents.", "clearance_rate"))


def _visible(actor: Actor, target: Target, units: list[str] | None) -> bool:
    """Whether ``actor`` may see a target's figures: a count of a restricted reporting group (national
    security) only when the actor sees the group in every commune it counts (docs/disclosure.md)."""
    group = target_group(target)
    seen = None if group is None else Disclosure(actor).group_units(group)
    return seen is None or (units is not None and seen.issuperset(units))


def _scope(actor: Actor, unit_code: str | None) -> list[str] | None:
    """The commune codes a target is evaluated over: ``None`` for the whole city (no unit, or the city's
    own code, for a city-wide actor), else the communes of the unit within the actor's scope."""
    unit, communes = scope_of(actor, unit_code)
    if unit.level is Level.PROVINCE and actor.units is None:
        return None
    return [c.code for c in communes]


def _left_out(actor: Actor, units: list[str] | None) -> list[Exclusion]:
    """The incidents the actor's target figures leave out, as every other figure does for them
    (docs/disclosure.md): without it a social-order target would count the sexual offences the actor's
    CompStat leaves out, and their difference would give the hidden count back."""
    catalog = unit_catalog()
    codes = (
        units
        if units is not None
        else [c.code for c in catalog.in_scheme(catalog.current.code, Level.COMMUNE)]
    )
    return exclusions(actor, Disclosure(actor).protected(codes))


def _evaluate(
    database: Database, target: Target, as_of: date, units: list[str] | None, left_out: list[Exclusion]
) -> Evaluation:
    period = parse_period(target.period) if target.period else None
    if target.indicator.startswith("incidents.") and target.indicator.endswith(".count") and period:
        group = target.indicator.split(".")[1]
        return count_target(database, target, period, as_of, units, group, left_out)
    if target.indicator in ("clearance_rate", "clearance_rate_very_serious") and period:
        grave = target.indicator.endswith("serious")
        return rate_target(database, target, period, as_of, units, grave, left_out)
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
        "rule_en": e.target.rule.describe_en(),
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
        **source_document(e.target),
        "series": [[label, r(v)] for label, v in e.series],
    }


def source_document(target: Target) -> dict[str, Any]:
    """Where ``target`` comes from, as the API and the pages show it: ``source_status`` (document /
    inferred / none), its label in both languages ("chưa có văn bản / no source document" when there is no
    document), the document, how an inferred figure was read, and whether the city set it (and which
    version)."""
    status = target.source_status
    d = target.document
    return {
        "source_status": status.value,
        "source_label": target.source_label_vi(),
        "source_label_en": target.source_label_en(),
        "document": None
        if d is None
        else {
            "number": d.number,
            "issued": d.issued.isoformat(),
            "issuer": d.issuer,
            "title": d.title,
            "wording": d.wording,
            "url": d.url,
        },
        "basis": target.basis,
        "origin": target.origin,
        "version": target.version,
    }
