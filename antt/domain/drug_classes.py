"""The *indicative* drug class of a commune under QĐ 28/2025/QĐ-TTg — decision support, never a decision.

The classes (key areas of class I, II, III) are **decided** each year by the competent authority and are
imported as decisions (:mod:`antt.domain.drug_status`). What this module computes from ANTT's yearly
figures is labelled *chỉ báo tham khảo / indicative* and is shown beside the official status, never in its
place.

The criteria are versioned rule data (``antt/data/drug_criteria.json``): a rule set has a ``valid_from``
date, and a change of the rules (the drug law 120/2025/QH15 from 1/7/2026 may change who counts as a user
under management) is a new rule set, not an edit. A threshold the retrieved texts do not give is ``null``
— *chưa cấu hình / not configured* — and is never guessed.

Evaluation is three-valued: a criterion is met (``True``), not met (``False``) or unknown (``None``: not
configured, or a figure missing). A class needing ``n`` criteria is certain when ``n`` are met, excluded
when even every unknown criterion could not bring it to ``n``, and open otherwise — then the indicative
class is ``undetermined`` rather than a guess. Readings (documented in ``antt/data/README.md``):

* shares are of the commune's residents (``population``), in percent, compared exactly (no rounding);
* a band "from x to below y" is met at x or above: class I is checked first, so a commune above the band
  of class II on one criterion meets class II's level there;
* plants (d): zero plants found means no area was found either (not met); a count under the plant
  threshold leaves the area alternative open (ANTT records no area), so the criterion is unknown;
* route (đ): on a key route and at least two of a–d met at class II level or above (class III
  thresholds are not configured: fewer leaves it unknown); not on a route: not met.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

from antt.errors import NotFound

# The indicator behind each measure (antt import indicators; REFERENCE §1.2).
MEASURE_INDICATORS: dict[str, str] = {
    "users": "drug_users_managed",
    "places": "drug_use_places",
    "arrested": "drug_offenders_arrested",
    "plants": "narcotic_plants_destroyed",
    "route": "on_key_route",
}
NOT_CONFIGURED_VI = "chưa cấu hình"
NOT_CONFIGURED_EN = "not configured"

# the indicative class: decided classes, and what the figures cannot settle
CLASS_1 = "class_1"
CLASS_2 = "class_2"
BELOW_CLASS_2 = "below_class_2"  # neither class I nor II; class III criteria are not configured
UNDETERMINED = "undetermined"  # an unknown criterion could change the class
NO_DATA = "no_data"  # no figure of the year
NO_RULES = "not_configured"  # no rule set in force for the year

CLASS_LABELS: dict[str, tuple[str, str]] = {
    CLASS_1: ("loại I", "class I"),
    CLASS_2: ("loại II", "class II"),
    BELOW_CLASS_2: ("dưới loại II", "below class II"),
    UNDETERMINED: ("chưa xác định được", "undetermined"),
    NO_DATA: ("không có số liệu", "no data"),
    NO_RULES: ("chưa cấu hình tiêu chí", "no criteria configured"),
}


@dataclass(frozen=True)
class Figures:
    """One unit's figures of a year: counts (``None`` when not reported) and residents."""

    users: int | None = None
    places: int | None = None
    arrested: int | None = None
    plants: int | None = None
    route: int | None = None  # 1 on a key route, 0 not
    population: float | None = None

    @property
    def empty(self) -> bool:
        return all(v is None for v in (self.users, self.places, self.arrested, self.plants, self.route))

    @property
    def active(self) -> bool:
        """Any user under management, drug-use place, drug arrest or narcotic plant recorded."""
        return any((v or 0) > 0 for v in (self.users, self.places, self.arrested, self.plants))

    def count(self, measure: str) -> int | None:
        value: int | None = getattr(self, measure)
        return value


@dataclass(frozen=True)
class Criterion:
    cls: str  # class_1, class_2, class_3, drug_free, province
    letter: str  # a, b, c, d, đ; * for a class whose criteria were not retrieved
    measure: str  # users_share, places, arrested_share, plants, route, unknown
    threshold: float | None  # None: not configured
    wording_vi: str
    wording_en: str
    confidence: str
    area_m2: float | None = None  # plants: the area alternative (ANTT records no area)

    @property
    def id(self) -> str:
        letter = {"đ": "dd", "*": "all"}.get(self.letter, self.letter)
        return f"{self.cls}.{letter}"

    @property
    def configured(self) -> bool:
        return self.threshold is not None and self.measure != "unknown"


@dataclass(frozen=True)
class ClassRule:
    cls: str
    at_least: int | None
    criteria: tuple[Criterion, ...]


@dataclass(frozen=True)
class RuleSet:
    id: str
    document: str
    valid_from: date
    valid_to: date | None
    classes: tuple[ClassRule, ...]
    province: tuple[Criterion, ...]

    def in_force_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def rule(self, cls: str) -> ClassRule | None:
        return next((r for r in self.classes if r.cls == cls), None)


@dataclass(frozen=True)
class CriterionResult:
    criterion: Criterion
    value: float | None  # percent of residents for a share, a count, the route flag
    met: bool | None  # None: not configured or a figure missing

    def document(self) -> dict[str, Any]:
        """The exact JSON of ``antt drugs status``: ``{"id", "value", "threshold", "met"}``."""
        return {
            "id": self.criterion.id,
            "value": self.value,
            "threshold": self.criterion.threshold,
            "met": self.met,
        }


@dataclass(frozen=True)
class Indicative:
    """A commune's indicative class for a year, criterion by criterion."""

    cls: str
    year: int
    rule_set: str | None
    criteria: tuple[CriterionResult, ...]

    @property
    def label_vi(self) -> str:
        return CLASS_LABELS[self.cls][0]

    @property
    def label_en(self) -> str:
        return CLASS_LABELS[self.cls][1]

    def document(self) -> dict[str, Any]:
        return {"class": self.cls, "criteria": [c.document() for c in self.criteria]}


# --- rule data -----------------------------------------------------------------------------------------


def _criterion(cls: str, raw: dict[str, Any]) -> Criterion:
    threshold = raw.get("threshold")
    area = raw.get("area_m2")
    return Criterion(
        cls=cls,
        letter=str(raw["letter"]),
        measure=str(raw["measure"]),
        threshold=None if threshold is None else float(threshold),
        wording_vi=str(raw["vi"]),
        wording_en=str(raw["en"]),
        confidence=str(raw.get("confidence", "")),
        area_m2=None if area is None else float(area),
    )


def parse_rule_sets(text: str) -> tuple[RuleSet, ...]:
    """The rule sets of a ``drug_criteria.json`` document, oldest first."""
    document = json.loads(text)
    sets = []
    for raw in document["rule_sets"]:
        classes = tuple(
            ClassRule(
                str(c["class"]),
                None if c.get("at_least") is None else int(c["at_least"]),
                tuple(_criterion(str(c["class"]), k) for k in c["criteria"]),
            )
            for c in raw["classes"]
        )
        province = tuple(_criterion("province", k) for k in raw.get("province", {}).get("criteria", ()))
        sets.append(
            RuleSet(
                id=str(raw["id"]),
                document=str(raw["document"]),
                valid_from=date.fromisoformat(raw["valid_from"]),
                valid_to=None if raw.get("valid_to") is None else date.fromisoformat(raw["valid_to"]),
                classes=classes,
                province=province,
            )
        )
    return tuple(sorted(sets, key=lambda s: s.valid_from))


@lru_cache(maxsize=1)
def rule_sets() -> tuple[RuleSet, ...]:
    """The shipped rule sets (``antt/data/drug_criteria.json``), read once."""
    from antt.domain.reference import read_data_file

    return parse_rule_sets(read_data_file("drug_criteria.json"))


def rule_set_on(day: date, sets: tuple[RuleSet, ...] | None = None) -> RuleSet | None:
    """The rule set in force on ``day`` (the latest to take effect), or ``None``."""
    found = [s for s in (rule_sets() if sets is None else sets) if s.in_force_on(day)]
    return found[-1] if found else None


def rule_set_by_id(rule_id: str) -> RuleSet:
    for s in rule_sets():
        if s.id == rule_id:
            return s
    raise NotFound(f"Không có bộ tiêu chí {rule_id}.", f"No rule set {rule_id}.")


# --- evaluation ----------------------------------------------------------------------------------------


def _share(
    count: int | None, population: float | None, threshold: float | None
) -> tuple[float | None, bool | None]:
    if count is None or population is None or population <= 0:
        return None, None
    value = round(100.0 * count / population, 4)
    if threshold is None:
        return value, None
    # exact: count / population ≥ threshold %  ⇔  100 · count ≥ threshold · population
    return value, Decimal(100 * count) >= Decimal(str(threshold)) * Decimal(str(population))


def _plants(count: int | None, c: Criterion) -> bool | None:
    if count is None:
        return None
    if c.threshold is not None and count >= c.threshold:
        return True
    if count == 0:
        return False  # nothing found: no area found either
    return None if c.area_m2 is not None or c.threshold is None else False


def evaluate(c: Criterion, figures: Figures) -> CriterionResult:
    """One criterion other than the route one (see :func:`classify`)."""
    if c.measure in ("users_share", "arrested_share"):
        value, met = _share(figures.count(c.measure.removesuffix("_share")), figures.population, c.threshold)
        return CriterionResult(c, value, met)
    if c.measure == "places":
        count = figures.places
        if count is None:
            return CriterionResult(c, None, None)
        return CriterionResult(c, float(count), None if c.threshold is None else count >= c.threshold)
    if c.measure == "plants":
        count = figures.plants
        return CriterionResult(c, None if count is None else float(count), _plants(count, c))
    return CriterionResult(c, None, None)  # "unknown": not configured


def _route(c: Criterion, figures: Figures, levels: dict[str, list[bool | None]]) -> CriterionResult:
    flag = figures.route
    if flag is None:
        return CriterionResult(c, None, None)
    if not flag:
        return CriterionResult(c, 0.0, False)
    at_level = sum(1 for results in levels.values() if any(r is True for r in results))
    return CriterionResult(c, 1.0, True if at_level >= 2 else None)


def _verdict(results: list[CriterionResult], at_least: int) -> bool | None:
    met = sum(1 for r in results if r.met is True)
    unknown = sum(1 for r in results if r.met is None)
    if met >= at_least:
        return True
    return None if met + unknown >= at_least else False


def classify(figures: Figures, year: int, rules: RuleSet | None = None) -> Indicative:
    """The indicative class of one commune-year under the rule set in force on 31 December of ``year``
    (or ``rules``), with every criterion's value, threshold and outcome."""
    rules = rules or rule_set_on(date(year, 12, 31))
    if rules is None:
        return Indicative(NO_RULES, year, None, ())
    plain: dict[str, list[CriterionResult]] = {}
    levels: dict[str, list[bool | None]] = {}
    for rule in rules.classes:
        plain[rule.cls] = [evaluate(c, figures) for c in rule.criteria if c.measure != "route"]
        if rule.cls in (CLASS_1, CLASS_2):
            for r in plain[rule.cls]:
                levels.setdefault(r.criterion.measure, []).append(r.met)
    results: list[CriterionResult] = []
    verdicts: dict[str, bool | None] = {}
    for rule in rules.classes:
        found = [
            _route(c, figures, levels)
            if c.measure == "route"
            else next(r for r in plain[rule.cls] if r.criterion is c)
            for c in rule.criteria
        ]
        results.extend(found)
        if rule.at_least is not None and rule.cls in (CLASS_1, CLASS_2):
            verdicts[rule.cls] = _verdict(found, rule.at_least)
    if figures.empty:
        cls = NO_DATA
    elif verdicts.get(CLASS_1) is True:
        cls = CLASS_1
    elif verdicts.get(CLASS_1) is None:
        cls = UNDETERMINED
    elif verdicts.get(CLASS_2) is True:
        cls = CLASS_2
    elif verdicts.get(CLASS_2) is None:
        cls = UNDETERMINED
    else:
        cls = BELOW_CLASS_2
    return Indicative(cls, year, rules.id, tuple(results))


def province_criteria(figures: Figures, rules: RuleSet) -> list[CriterionResult]:
    """The province-level criteria on the city's totals (how many are needed is not configured)."""
    return [evaluate(c, figures) for c in rules.province]


def differs(indicative: str, official: str | None) -> bool:
    """Whether the indicative class and the decided status disagree enough to be reviewed: the figures
    meet class I or II and the decision says otherwise, or the decision says class I or II and the figures
    meet neither. ``official`` is a :class:`~antt.domain.drug_status.DrugStatus` value or ``None``."""
    if indicative in (CLASS_1, CLASS_2):
        return official != indicative
    if indicative == BELOW_CLASS_2:
        return official in (CLASS_1, CLASS_2)
    return False
