"""The drug-free city: the official status of each commune, imported from the decisions that set it, and
the share of communes recognised drug-free that the city's targets count.

- :func:`import_drug_status` — the decisions file (``docs/formats/drug-status.md``) under the standards of
  every ANTT import: each row checked, every problem listed in both languages, one transaction (all or
  nothing), idempotent (a decision already recorded with the same contents is "unchanged"; with other
  contents the file is refused), an :class:`ImportBatch` of kind ``drug_status`` and an audit record
  ``import.drug_status``. Official decisions are entered by the city (a city-wide import right): a commune
  officer may not record the recognition of their own commune.
- :func:`decision_book` / :func:`official_share` / :func:`official_share_points` — what the targets read.
- :func:`commune_statuses` — each commune's official status on a day (own or inherited), within the
  actor's scope.
- :func:`road_to_full` — the plan's steps (30 / 45 / 60 / 100 %) against the official share, and the
  communes whose indicative figure and official status disagree (review candidates, alert-shaped).

No city-wide share is computed from indicators: the official share is the only one (issue 15). Indicators
serve per commune only, as review hints (:func:`road_to_full`) and the indicative QĐ 28/2025 classes
(:mod:`antt.services.drug_classes`).
"""

from __future__ import annotations

import math
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from antt.domain.access import Action, Actor, suppress_small
from antt.domain.drug_status import Decision, DecisionBook, DrugStatus, OfficialShare, OfficialStatus
from antt.domain.periods import today_local
from antt.domain.reference import unit_catalog
from antt.errors import Issue, NotFound, PermissionDenied
from antt.importers.drug_status import DrugStatusValidator
from antt.services.import_batches import (
    DryRunDone,
    ImportFile,
    finish_batch,
    import_scope,
    rejection,
    start_batch,
    warnings_by_rule,
    warnings_of,
)
from antt.settings import Settings
from antt.storage import drug_status as store
from antt.storage import drug_survey as surveys
from antt.storage.compstat import measures_by_unit_and_group
from antt.storage.engine import Database
from antt.storage.indicators import indicator_series

KIND = "drug_status"
INDICATIVE_LABEL_VI = "chỉ báo tham khảo"
INDICATIVE_LABEL_EN = "indicative figure"


# --- import ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DrugStatusImportSummary:
    file_name: str
    file_sha256: str
    dry_run: bool
    rows_total: int
    new: int
    unchanged: int
    duplicates: int  # rows repeating an earlier row of the file exactly (skipped)
    by_status: dict[str, int]
    by_year: dict[str, int]
    warnings: list[Issue] = field(default_factory=list)
    batch_id: int | None = None
    seconds: float = 0.0

    @property
    def warnings_by_rule(self) -> dict[str, int]:
        return warnings_by_rule(self.warnings)


def _require_city_import(actor: Actor) -> None:
    if import_scope(actor) is not None:
        raise PermissionDenied(
            "Quyết định công nhận, phân loại địa bàn về ma túy do cấp thành phố nhập; bạn chỉ có quyền nhập "
            "dữ liệu của một số xã, phường.",
            "Drug-status decisions are entered city-wide; you may import data for some communes only.",
        )


def import_drug_status(
    database: Database,
    settings: Settings,
    actor: Actor,
    path: Path,
    *,
    dry_run: bool = False,
    display_name: str | None = None,
    client_address: str = "",
    now: datetime | None = None,
) -> DrugStatusImportSummary:
    """Validate the decisions file ``path`` and, when every row passes, record its new decisions.

    Raises :class:`ImportRejected` listing every problem (the database is then as before). A dry run
    computes the same counts, then rolls back. Needs the import right for the whole city."""
    started = time.perf_counter()
    _require_city_import(actor)
    file = ImportFile.scan(path, display_name)
    today = today_local(now or datetime.now(UTC))
    with file.open(settings) as table:
        validator = DrugStatusValidator(file.name, table.headers, unit_catalog(), today)
        validator.issues[:0] = table.warnings
        records = validator.validate(table.rows)
    try:
        with database.transaction() as session:
            batch = start_batch(session, KIND, "decisions", file, actor)
            stored = store.stored_by_key(session)
            new: list[Decision] = []
            unchanged = 0
            for record in records:
                found = stored.get(record.key)
                if found is None:
                    new.append(record)
                elif found[0].contents() == record.contents():
                    unchanged += 1
                else:
                    validator.conflict(record, found[0], found[1])
            if validator.error_count or validator.rows_seen == 0:
                raise rejection(file.name, validator.issues, validator.rows_seen)
            store.add_decisions(session, new, batch.id)
            summary = DrugStatusImportSummary(
                file_name=file.name,
                file_sha256=file.sha256,
                dry_run=dry_run,
                rows_total=validator.rows_seen,
                new=len(new),
                unchanged=unchanged,
                duplicates=validator.duplicates,
                by_status=dict(sorted(Counter(r.status.value for r in records).items())),
                by_year=dict(sorted(Counter(str(r.year) for r in records).items())),
                warnings=warnings_of(validator.issues),
                batch_id=None if dry_run else batch.id,
                seconds=time.perf_counter() - started,
            )
            if dry_run:
                raise DryRunDone(summary)
            finish_batch(
                session,
                batch,
                actor,
                counts=(summary.rows_total, summary.new, 0, summary.unchanged),
                warnings=sum(summary.warnings_by_rule.values()),
                summary={
                    "by_status": summary.by_status,
                    "by_year": summary.by_year,
                    "duplicates": summary.duplicates,
                    "warnings_by_rule": summary.warnings_by_rule,
                },
                details={
                    "rows": summary.rows_total,
                    "new": summary.new,
                    "unchanged": summary.unchanged,
                    "client": client_address,
                },
            )
    except DryRunDone as done:
        assert isinstance(done.summary, DrugStatusImportSummary)
        return done.summary
    return summary


# --- reading the official status ---------------------------------------------------------------------


def decision_book(database: Database) -> DecisionBook:
    """Every recorded decision, ready for look-ups by unit and day."""
    with database.transaction(write=False) as session:
        decisions = store.all_decisions(session)
    return DecisionBook(unit_catalog(), decisions)


def official_share(database: Database, day: date) -> OfficialShare | None:
    """The recognised share on ``day``; ``None`` when no decision has ever been imported."""
    book = decision_book(database)
    return book.share(day) if book else None


def official_share_points(
    book: DecisionBook, as_of: date, deadline: date | None
) -> list[tuple[str, date, OfficialShare]]:
    """The official share at the end of each year from the first decision to ``as_of``, on the
    ``deadline`` when it has passed, and on ``as_of`` itself: ``(label dd/mm/yyyy, day, share)``."""
    if not book:
        return []
    first = min(d.valid_from for d in book.decisions)
    days = {date(y, 12, 31) for y in range(first.year, as_of.year + 1)} | {as_of}
    if deadline is not None:
        days.add(deadline)
    return [(f"{d:%d/%m/%Y}", d, book.share(d)) for d in sorted(days) if d <= as_of]


@dataclass(frozen=True)
class CommuneStatus:
    unit_code: str
    unit_name: str
    scheme: str
    official: OfficialStatus | None


def commune_statuses(
    database: Database, actor: Actor, *, as_of: date | None = None, unit_code: str | None = None
) -> tuple[OfficialShare, list[CommuneStatus]]:
    """Each commune of the scheme in force on ``as_of`` (default today) with its official status, within
    the actor's scope (a commune officer: their commune), and the city's recognised share that day."""
    if not actor.can(Action.VIEW_DASHBOARD):
        raise PermissionDenied("Bạn không có quyền xem số liệu.", "You are not allowed to view figures.")
    day = as_of or today_local()
    book = decision_book(database)
    communes = book.communes(day)
    if actor.units is not None:
        communes = [c for c in communes if c.key in actor.units]
    if unit_code is not None:
        communes = [c for c in communes if c.code == unit_code]
        if not communes:
            scheme = book.catalog.scheme_on(day).code
            raise NotFound(
                f"Không có xã/phường mã {unit_code} trong danh mục hiệu lực ngày {day:%d/%m/%Y} ({scheme}).",
                f"No commune with code {unit_code} in the units in force on {day:%d/%m/%Y} ({scheme}).",
            )
    rows = [CommuneStatus(c.code, c.name, c.scheme, book.status(c, day)) for c in communes]
    return book.share(day), rows


# --- the road to 100 % -------------------------------------------------------------------------------

INDICATIVE_INDICATORS = ("drug_users_managed", "drug_use_places", "drug_offenders_arrested")
"""The per-commune figures whose activity a review hint reads (:func:`road_to_full`)."""


@dataclass(frozen=True)
class Milestone:
    """One step of the city's plan (a drug-free target in force): the share it asks for by its deadline and
    the official share on the deadline (or today, before it)."""

    target_id: str
    deadline: date
    required_percent: float
    required_communes: int
    share: OfficialShare
    decided: bool  # the deadline has passed: the share is the one on the deadline
    #: recognitions expected by the deadline at the pace of the last 12 months (``None``: decided, or no
    #: pace yet); capped at the communes there are
    projected: int | None = None

    @property
    def missing(self) -> int:
        """Recognitions still needed to reach the step (0 when reached)."""
        return max(0, self.required_communes - self.share.recognised)

    @property
    def on_track(self) -> bool | None:
        """Reached, or reached by the deadline at the present pace; ``None`` when that cannot be said."""
        if self.decided or self.missing == 0:
            return self.missing == 0
        return None if self.projected is None else self.projected >= self.required_communes


@dataclass(frozen=True)
class ReviewCandidate:
    """A commune whose indicative figure and official status disagree — for review, never a decision.

    ``kind``: ``recognised_with_activity`` (recognised drug-free, yet users under management, drug-use
    places or drug arrests recorded in the period) or ``clean_not_recognised`` (none recorded, not
    recognised: nearest to recognition). As an alert: kind ``drug_status.<kind>``, unit ``(scheme, code)``,
    subject the period, figures ``figures`` (small counts already suppressed: ``None`` shows "<5")."""

    kind: str
    unit_code: str
    unit_name: str
    period: str
    figures: dict[str, int | None]
    explanation_vi: str
    explanation_en: str


@dataclass(frozen=True)
class Roadmap:
    as_of: date
    share: OfficialShare
    milestones: list[Milestone]
    candidates: list[ReviewCandidate]
    #: the official share at the end of each year since the first decision (this year: as of today)
    history: list[OfficialShare] = field(default_factory=list)
    #: recognitions a year over the last 12 months in the scheme in force (since it began, when younger;
    #: ``None`` under three months of it)
    pace: float | None = None
    #: the year every commune would be recognised at that pace (``None``: no pace, or none gained)
    full_by: int | None = None
    indicative_label: str = f"{INDICATIVE_LABEL_VI} / {INDICATIVE_LABEL_EN}"


def road_to_full(database: Database, actor: Actor, *, as_of: date | None = None) -> Roadmap:
    """The plan's steps (the drug-free targets in force: 30 / 45 / 60 / 100 %) against the official share,
    and the communes to review within the actor's scope (see :class:`ReviewCandidate`), from the latest
    yearly indicator values up to ``as_of``."""
    from antt.services.targets import effective_targets  # targets evaluate through this module

    if not actor.can(Action.VIEW_DASHBOARD):
        raise PermissionDenied("Bạn không có quyền xem số liệu.", "You are not allowed to view figures.")
    day = as_of or today_local()
    book = decision_book(database)
    today = book.share(day)
    pace = recognition_pace(book, day)
    milestones = []
    for target in effective_targets(database).targets:
        deadline = target.rule.deadline
        if target.indicator != "drug_free_communes_share" or deadline is None or target.rule.value is None:
            continue
        on = min(deadline, day)
        share = book.share(on)
        required = math.ceil(target.rule.value * share.communes / 100 - 1e-9)  # whole communes
        decided = day >= deadline
        projected = None
        if not decided and pace is not None:
            years = (deadline - day).days / DAYS_PER_YEAR
            projected = min(share.communes, math.floor(share.recognised + pace * years + 1e-9))
        milestones.append(
            Milestone(target.id, deadline, target.rule.value, required, share, decided, projected)
        )
    milestones.sort(key=lambda m: m.deadline)
    full_by = None
    if pace and pace > 0:
        full_by = (day + timedelta(days=DAYS_PER_YEAR * (today.communes - today.recognised) / pace)).year
    return Roadmap(
        day,
        today,
        milestones,
        _candidates(database, actor, book, day),
        history=share_by_year(book, day),
        pace=pace,
        full_by=full_by,
    )


DAYS_PER_YEAR = 365.25


def share_by_year(book: DecisionBook, day: date) -> list[OfficialShare]:
    """The official share on 31 December of every year from the first decision's to ``day``'s (that year's
    as of ``day``); in each year's own scheme of communes."""
    if not book.decisions:
        return []
    first = min(d.decision_date for d in book.decisions).year
    return [book.share(min(date(year, 12, 31), day)) for year in range(first, day.year + 1)]


def recognition_pace(book: DecisionBook, day: date) -> float | None:
    """Recognitions gained a year over the 12 months to ``day``, counted in the scheme in force on ``day``
    (from its first day when it is younger than a year: a recognition of a former commune is not one of
    the new scheme's); ``None`` when that span is under three months."""
    start = max(day - timedelta(days=365), book.catalog.scheme_on(day).valid_from)
    if (day - start).days < 91:
        return None
    gained = book.share(day).recognised - book.share(start).recognised
    return gained * DAYS_PER_YEAR / (day - start).days


def _latest_yearly(database: Database, day: date) -> tuple[dict[str, dict[str, float]], dict[str, str]]:
    """Per commune code: the :data:`INDICATIVE_INDICATORS` of its latest yearly period ended by ``day``, and
    that period's key."""
    latest: dict[str, dict[str, float]] = {}
    period_of: dict[str, tuple[date, str]] = {}
    with database.transaction(write=False) as session:
        for indicator in INDICATIVE_INDICATORS:
            for unit, period, _start, end, value in indicator_series(session, indicator):
                if not period.startswith("year:") or end > day:
                    continue
                seen = period_of.get(unit)
                if seen is None or end > seen[0]:
                    period_of[unit] = (end, period)
                    latest[unit] = {}
                if period_of[unit][1] == period:
                    latest[unit][indicator] = latest[unit].get(indicator, 0.0) + value
    return latest, {unit: period for unit, (_end, period) in period_of.items()}


def _candidates(database: Database, actor: Actor, book: DecisionBook, day: date) -> list[ReviewCandidate]:
    latest, periods = _latest_yearly(database, day)
    found: list[ReviewCandidate] = []
    for commune in book.communes(day):
        if actor.units is not None and commune.key not in actor.units:
            continue
        values = latest.get(commune.code)
        if values is None or len(values) < len(INDICATIVE_INDICATORS):
            continue
        period = periods[commune.code]
        official = book.status(commune, day)
        active = any(v > 0 for v in values.values())
        figures = {k: suppress_small(int(v), actor, True, commune.key) for k, v in values.items()}
        shown = ", ".join(f"{k} {'<5' if v is None else v}" for k, v in figures.items())
        if official is not None and official.recognised and active:
            found.append(
                ReviewCandidate(
                    "recognised_with_activity",
                    commune.code,
                    commune.name,
                    period,
                    figures,
                    f"{commune.name} được công nhận không ma túy ({official.decision.decision_number}) nhưng "
                    f"{period} vẫn ghi nhận: {shown}. Đề nghị rà soát ({INDICATIVE_LABEL_VI}).",
                    f"{commune.name} is recognised drug-free ({official.decision.decision_number}) yet "
                    f"{period} records: {shown}. Review suggested ({INDICATIVE_LABEL_EN}).",
                )
            )
        elif not active and (official is None or not official.recognised):
            found.append(
                ReviewCandidate(
                    "clean_not_recognised",
                    commune.code,
                    commune.name,
                    period,
                    figures,
                    f"{commune.name} chưa được công nhận không ma túy; {period} không ghi nhận người sử dụng, "
                    f"tụ điểm hay đối tượng bị bắt ({INDICATIVE_LABEL_VI}): gần đạt công nhận.",
                    f"{commune.name} is not recognised drug-free; {period} records no users, places or "
                    f"arrests ({INDICATIVE_LABEL_EN}): nearest to recognition.",
                )
            )
    return found


# --- nearest to recognition ----------------------------------------------------------------------------

#: the survey's self-assessment (``antt.domain.drug_survey``) as points towards recognition
_SELF_ASSESSMENT_POINTS = {"meets": 2, "near": 1, "far": 0}


@dataclass(frozen=True)
class NearestCommune:
    """A commune not recognised drug-free, ranked by its evidence of being close (decision support,
    labelled indicative; never a proposal). ``points``: the survey's self-assessment (meets 2, near 1),
    2 when the latest yearly figures record no user, place or arrest, 1 when its drug cases fell between the
    last two ended reporting years and 1 when there were none in the last one. Case counts as the reader
    may see them (``None``: 1–4 withheld)."""

    unit_code: str
    unit_name: str
    points: int
    self_assessment: str | None  # meets | near | far, from the survey of this year or the last
    indicators_clean: bool | None  # None: no yearly figures
    cases_last: int | None
    cases_before: int | None
    years: tuple[int, int]  # the two reporting years compared (report-year:Y = 15/12/Y-1 – 14/12/Y)


def last_ended_report_year(day: date) -> int:
    """The last reporting year (15/12 of the year before – 14/12) wholly past on ``day``."""
    return day.year if day > date(day.year, 12, 14) else day.year - 1


def nearest_to_recognition(
    database: Database, actor: Actor, *, as_of: date | None = None, limit: int = 10
) -> list[NearestCommune]:
    """The ``limit`` communes of the actor's scope nearest to recognition (see :class:`NearestCommune`),
    best first; communes with no evidence at all are left out."""
    if not actor.can(Action.VIEW_DASHBOARD):
        raise PermissionDenied("Bạn không có quyền xem số liệu.", "You are not allowed to view figures.")
    day = as_of or today_local()
    book = decision_book(database)
    communes = [c for c in book.communes(day) if actor.units is None or c.key in actor.units]
    latest, _periods = _latest_yearly(database, day)
    last = last_ended_report_year(day)
    windows = {y: (date(y - 1, 12, 15), date(y, 12, 14)) for y in (last, last - 1)}
    codes = [c.code for c in communes]
    assessed: dict[str, str] = {}
    cases: dict[int, dict[str, int]] = {}
    with database.transaction(write=False) as session:
        for year in (day.year - 1, day.year):  # this year's survey wins over last year's
            for row in surveys.of_year(session, year, {c.key for c in communes}):
                value = row.answers.get("self_assessment")
                if row.status != "returned" and isinstance(value, str) and value in _SELF_ASSESSMENT_POINTS:
                    assessed[row.unit_code] = value
        for year, (start, end) in windows.items():
            measures = measures_by_unit_and_group(session, start, end, end, units=codes, groups=["drugs"])
            cases[year] = {unit: values[0] for (unit, _group), values in measures.items()}
    found: list[NearestCommune] = []
    for commune in communes:
        own = book.own(commune.key, day)
        if own is not None and own.status is DrugStatus.DRUG_FREE:
            continue
        values = latest.get(commune.code)
        clean = None if not values or len(values) < len(INDICATIVE_INDICATORS) else not any(values.values())
        now = suppress_small(cases[last].get(commune.code, 0), actor, True, commune.key)
        before = suppress_small(cases[last - 1].get(commune.code, 0), actor, True, commune.key)
        assessment = assessed.get(commune.code)
        points = _SELF_ASSESSMENT_POINTS.get(assessment or "", 0) + (2 if clean else 0)
        # judged on the counts as shown: a withheld count ranks nothing (its order would tell it)
        points += (1 if now is not None and before is not None and now < before else 0) + (
            1 if now == 0 else 0
        )
        if assessment is None and clean is None:
            continue  # neither a survey nor yearly figures: nothing to judge by
        found.append(
            NearestCommune(
                commune.code,
                commune.name,
                points,
                assessment,
                clean,
                now,
                before,
                (last, last - 1),
            )
        )
    found.sort(key=lambda n: (-n.points, n.unit_name))
    return found[:limit]
