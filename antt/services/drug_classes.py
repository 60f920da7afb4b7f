"""Each commune's official drug status beside its *indicative* QĐ 28/2025 class (``antt drugs status``,
the ``/drugs`` page), and the alerts for the communes to review.

- :func:`drug_status_report` — per commune of the scheme in force on the day: the decision in force (own
  or inherited, never replaced), the indicative class of a year computed from the yearly indicators
  (``drug_users_managed``, ``drug_use_places``, ``drug_offenders_arrested``, ``narcotic_plants_destroyed``,
  ``on_key_route``, over ``population``) criterion by criterion, and whether the two disagree; the
  province-level criteria on the city's totals; the official recognised share.
- :func:`status_document` — the exact JSON contract of issue 15.
- :func:`drug_alert_candidates` / :func:`store_drug_alerts` — ``drug_free.with_activity``
  (recognised drug-free, yet users, places, arrests or plants recorded in the year) and ``drug_class``
  (the figures meet class I or II and no decision says so), stored through the shared alert store as
  sensitive (small counts withheld from roles without the privilege).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from antt.domain.access import Action, Actor
from antt.domain.alerts import AlertCandidate, AlertKind
from antt.domain.drug_classes import (
    CLASS_1,
    CLASS_2,
    MEASURE_INDICATORS,
    CriterionResult,
    Figures,
    Indicative,
    RuleSet,
    classify,
    differs,
    province_criteria,
    rule_set_on,
)
from antt.domain.drug_status import DrugStatus, OfficialShare, OfficialStatus
from antt.domain.periods import today_local
from antt.domain.units import Unit
from antt.errors import InvalidInput, NotFound, PermissionDenied
from antt.services.alerts import store_alerts
from antt.services.disclosure import Disclosure
from antt.services.drug_status import INDICATIVE_LABEL_EN, INDICATIVE_LABEL_VI, decision_book
from antt.storage.engine import Database
from antt.storage.indicators import indicator_series

POPULATION = "population"
MIN_YEAR = 1800
RECOGNISED_WITH_ACTIVITY = "drug_free.with_activity"  # alerts.kind holds 24 characters


@dataclass(frozen=True)
class CommuneDrugStatus:
    unit_code: str
    unit_name: str
    scheme: str
    official: OfficialStatus | None
    indicative: Indicative
    figures: Figures  # as the reader may see them: small sensitive counts withheld (None)
    review: bool  # the indicative class and the decided status disagree (see drug_classes.differs)
    withheld: bool  # some small counts are withheld from this reader


@dataclass(frozen=True)
class DrugStatusReport:
    as_of: date
    year: int
    scheme: str
    share: OfficialShare  # the city's official recognised share on ``as_of``
    rule_set: RuleSet | None
    communes: list[CommuneDrugStatus]
    province: list[CriterionResult]  # on the city's totals (empty for a unit-bound reader)
    indicative_label: str = f"{INDICATIVE_LABEL_VI} / {INDICATIVE_LABEL_EN}"


def default_year(day: date) -> int:
    """The last year that has ended by ``day``: the year whose figures are classified by default."""
    return day.year if (day.month, day.day) == (12, 31) else day.year - 1


def checked_year(year: int | None, day: date) -> int:
    if year is None:
        return default_year(day)
    if not MIN_YEAR <= year <= day.year:
        raise InvalidInput(
            f"Năm {year} không hợp lệ: cần từ {MIN_YEAR} đến năm của ngày tính ({day.year}).",
            f"Invalid year {year}: expected {MIN_YEAR} to the year of the as-of day ({day.year}).",
        )
    return year


def _figures(database: Database, communes: list[Unit], year: int) -> tuple[dict[str, Figures], Figures]:
    """Each commune's figures of ``year`` (period ``year:YYYY``), and the city's totals over them."""
    keys = [c.key for c in communes]
    period = f"year:{year}"
    values: dict[str, dict[str, float]] = {}
    population: dict[str, tuple[date, float]] = {}
    with database.transaction(write=False) as session:
        for measure, indicator in MEASURE_INDICATORS.items():
            for code, p, _start, _end, value in indicator_series(session, indicator, unit_keys=keys):
                if p == period:
                    values.setdefault(code, {})[measure] = values.get(code, {}).get(measure, 0.0) + value
        year_end = date(year, 12, 31)
        for code, _p, start, end, value in indicator_series(session, POPULATION, unit_keys=keys):
            if start <= year_end and (code not in population or end >= population[code][0]):
                population[code] = (end, value)

    def whole(v: float | None) -> int | None:
        return None if v is None else round(v)

    found = {
        c.code: Figures(
            users=whole(values.get(c.code, {}).get("users")),
            places=whole(values.get(c.code, {}).get("places")),
            arrested=whole(values.get(c.code, {}).get("arrested")),
            plants=whole(values.get(c.code, {}).get("plants")),
            route=whole(values.get(c.code, {}).get("route")),
            population=population[c.code][1] if c.code in population else None,
        )
        for c in communes
    }

    def total(measure: str) -> int | None:
        known = [getattr(f, measure) for f in found.values() if getattr(f, measure) is not None]
        return sum(known) if known else None

    pops = [f.population for f in found.values() if f.population is not None]
    city = Figures(
        users=total("users"),
        places=total("places"),
        arrested=total("arrested"),
        plants=total("plants"),
        population=sum(pops) if pops and len(pops) == len(found) else None,
    )
    return found, city


def _withheld(figures: Figures, indicative: Indicative) -> tuple[Figures, Indicative]:
    """Small sensitive counts (1–4) and the shares that would give them back, hidden (``None``)."""

    def small(v: int | None) -> bool:
        return v is not None and 0 < v < 5

    hidden = {m for m in ("users", "places", "arrested", "plants") if small(getattr(figures, m))}
    shown = replace(figures, **{m: None for m in hidden})
    criteria = tuple(
        replace(r, value=None) if r.criterion.measure.removesuffix("_share") in hidden else r
        for r in indicative.criteria
    )
    return shown, replace(indicative, criteria=criteria)


def drug_status_report(
    database: Database,
    actor: Actor,
    *,
    year: int | None = None,
    as_of: date | None = None,
    unit_code: str | None = None,
) -> DrugStatusReport:
    """The official status of each commune in the actor's scope on ``as_of`` (default today), beside its
    indicative class for ``year`` (default: the last year ended by ``as_of``).

    A code that is no commune of the scheme in force is an input error; a commune outside the actor's
    scope is not found."""
    if not actor.can(Action.VIEW_DASHBOARD):
        raise PermissionDenied("Bạn không có quyền xem số liệu.", "You are not allowed to view figures.")
    day = as_of or today_local()
    year = checked_year(year, day)
    book = decision_book(database)
    scheme = book.catalog.scheme_on(day).code
    every = book.communes(day)
    communes = every if actor.units is None else [c for c in every if c.key in actor.units]
    if unit_code is not None:
        if not any(c.code == unit_code for c in every):
            raise InvalidInput(
                f"Không có xã/phường mã {unit_code!r} trong danh mục hiệu lực ngày {day:%d/%m/%Y} ({scheme}).",
                f"No commune with code {unit_code!r} in the units in force on {day:%d/%m/%Y} ({scheme}).",
            )
        communes = [c for c in communes if c.code == unit_code]
        if not communes:
            raise NotFound(f"Không có xã/phường mã {unit_code}.", f"No commune with code {unit_code}.")
    rules = rule_set_on(date(year, 12, 31))
    figures, city = _figures(database, communes, year)
    disclosure = Disclosure(actor)
    rows = []
    for c in communes:
        official = book.status(c, day)
        indicative = classify(figures[c.code], year, rules)
        review = differs(indicative.cls, None if official is None else official.status.value)
        shown, shown_indicative = figures[c.code], indicative
        withheld = not disclosure.sees(c.code)
        if withheld:
            shown, shown_indicative = _withheld(shown, indicative)
        rows.append(
            CommuneDrugStatus(c.code, c.name, c.scheme, official, shown_indicative, shown, review, withheld)
        )
    # the city's totals less the communes shown would give back the small counts withheld above: only a
    # reader who sees every commune's figures gets the province-level criteria
    province = [] if rules is None or not disclosure.sees_everything else province_criteria(city, rules)
    return DrugStatusReport(day, year, scheme, book.share(day), rules, rows, province)


def status_document(report: DrugStatusReport) -> dict[str, Any]:
    """``{"communes": [{"unit_code", "unit_name", "official": {…} | null, "indicative": {"class",
    "criteria": [{"id", "value", "threshold", "met"}]}}], "drug_free_share": x}`` — the exact contract
    (issue 15). ``drug_free_share`` is the official recognised share of the city in percent."""
    return {
        "communes": [
            {
                "unit_code": c.unit_code,
                "unit_name": c.unit_name,
                "official": None
                if c.official is None
                else {
                    "status": c.official.status.value,
                    "decision_number": c.official.decision.decision_number,
                    "decision_date": c.official.decision.decision_date.isoformat(),
                    "inherited": c.official.inherited,
                },
                "indicative": c.indicative.document(),
            }
            for c in report.communes
        ],
        "drug_free_share": round(report.share.percent, 2),
    }


# --- alerts --------------------------------------------------------------------------------------------


def _counts(f: Figures) -> dict[str, object]:
    return {"users": f.users, "places": f.places, "arrested": f.arrested, "plants": f.plants}


def _said(f: Figures) -> str:
    return ", ".join(f"{k} {v}" for k, v in _counts(f).items() if v)


def drug_alert_candidates(report: DrugStatusReport) -> list[AlertCandidate]:
    """The communes of ``report`` to review, as alerts (sensitive: drug figures)."""
    start, end = date(report.year, 1, 1), date(report.year, 12, 31)
    found: list[AlertCandidate] = []
    for c in report.communes:
        official = c.official
        if official is not None and official.recognised and c.figures.active:
            found.append(
                AlertCandidate(
                    kind=RECOGNISED_WITH_ACTIVITY,
                    scheme=c.scheme,
                    unit_code=c.unit_code,
                    subject=DrugStatus.DRUG_FREE.value,
                    period_start=start,
                    period_end=end,
                    figures={**_counts(c.figures), "decision_number": official.decision.decision_number},
                    explanation_vi=(
                        f"{c.unit_name} được công nhận không ma túy ({official.decision.decision_number}) "
                        f"nhưng năm {report.year} vẫn ghi nhận: {_said(c.figures)}. Đề nghị rà soát."
                    ),
                    explanation_en=(
                        f"{c.unit_name} is recognised drug-free ({official.decision.decision_number}) yet "
                        f"{report.year} records: {_said(c.figures)}. Review suggested."
                    ),
                    sensitive=True,
                )
            )
        cls = c.indicative.cls
        if cls in (CLASS_1, CLASS_2) and c.review:
            met = [r.criterion.id for r in c.indicative.criteria if r.met and r.criterion.cls == cls]
            decided = "—" if official is None else official.status.value
            found.append(
                AlertCandidate(
                    kind=AlertKind.DRUG_CLASS.value,
                    scheme=c.scheme,
                    unit_code=c.unit_code,
                    subject=cls,
                    period_start=start,
                    period_end=end,
                    figures={**_counts(c.figures), "criteria_met": met, "official": decided},
                    explanation_vi=(
                        f"Số liệu năm {report.year} của {c.unit_name} đáp ứng tiêu chí {', '.join(met)} "
                        f"({c.indicative.label_vi}, {INDICATIVE_LABEL_VI}); quyết định hiện hành: {decided}. "
                        "Đề nghị rà soát."
                    ),
                    explanation_en=(
                        f"{c.unit_name}'s {report.year} figures meet criteria {', '.join(met)} "
                        f"({c.indicative.label_en}, {INDICATIVE_LABEL_EN}); decision in force: {decided}. "
                        "Review suggested."
                    ),
                    sensitive=True,
                )
            )
    return found


def store_drug_alerts(
    database: Database, actor: Actor, *, year: int | None = None, as_of: date | None = None
) -> tuple[list[int], list[int]]:
    """Compute the review alerts of ``year`` over the whole city and store them (new, updated ids)."""
    if not actor.is_system and not actor.can_city_wide(Action.IMPORT_DATA):
        raise PermissionDenied("Không có quyền tạo cảnh báo.", "Not allowed to create alerts.")
    report = drug_status_report(database, Actor.system(actor.name), year=year, as_of=as_of)
    return store_alerts(database, actor, drug_alert_candidates(report))
