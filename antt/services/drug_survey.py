"""The commune drug-control survey campaign (issue 15): each commune's police fill in the year's form for
their own commune; the city approves it or returns it with a comment; leaders follow progress by commune
and by former district ("13 of 15 districts done, An Lão and Thủy Nguyên pending") and, past the year's
deadline (:func:`survey_deadline`), the communes overdue. The Excel template's round trip is
:mod:`antt.services.drug_survey_files`; both paths store through :func:`save_answers`.

Scope is enforced here, not in the page: a commune outside the actor's data scope is not found, one inside
it without the right to enter data is refused. Every submission and review is audited
(``drug_survey.submit``, ``drug_survey.review``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any

from antt.domain.access import Action, Actor, suppress_small
from antt.domain.drug_survey import FORM_VERSION, QUESTIONS, SurveyStatus, checked_answers, deadline_of
from antt.domain.periods import today_local
from antt.domain.reference import unit_catalog
from antt.domain.text import sort_key
from antt.domain.units import Level, Unit
from antt.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from antt.storage import audit
from antt.storage import drug_survey as store
from antt.storage.engine import Database
from antt.storage.tables import DrugSurveyRow

MIN_YEAR = 2000
MAX_COMMENT = 2000


@dataclass(frozen=True)
class SurveyRecord:
    year: int
    unit_code: str
    unit_name: str
    status: SurveyStatus
    answers: dict[str, Any]
    submitted_by: str
    submitted_at: datetime
    reviewed_by: str | None
    review_comment: str
    form_version: str = FORM_VERSION
    reviewed_at: datetime | None = None
    suppressed: frozenset[str] = frozenset()  # answers hidden from this reader (shown "<5"; None in answers)


@dataclass(frozen=True)
class CommuneProgress:
    unit_code: str
    unit_name: str
    status: SurveyStatus | None  # None: not submitted

    @property
    def done(self) -> bool:
        return self.status is not None and self.status.done


@dataclass(frozen=True)
class DistrictProgress:
    """A former district (scheme 2025-01) of a former province: done when every current commune formed
    (wholly or partly) from it has its survey in. A district without communes (Bạch Long Vĩ, now a special
    zone) counts its successor."""

    code: str
    name: str
    communes: int
    done: int
    province_code: str = ""
    province_name: str = ""

    @property
    def complete(self) -> bool:
        return self.done == self.communes


@dataclass(frozen=True)
class ProvinceProgress:
    """The former districts of one former province done, so "13 of 15 districts of Hải Phòng" (the
    article's count, before Hải Dương joined) can still be answered."""

    code: str
    name: str
    districts: int
    done: int


@dataclass(frozen=True)
class SurveyProgress:
    year: int
    communes: list[CommuneProgress]
    districts: list[DistrictProgress]  # empty for a reader bound to some communes
    deadline: date
    today: date
    campaign: str | None = None  # the campaign's name, when an analyst set one up for the year

    @property
    def past_deadline(self) -> bool:
        return self.today > self.deadline

    @property
    def overdue(self) -> list[CommuneProgress]:
        """Past the deadline, the communes whose survey is not in (none, or returned and not sent again)."""
        return [c for c in self.communes if not c.done] if self.past_deadline else []

    @property
    def done(self) -> int:
        return sum(1 for c in self.communes if c.done)

    @property
    def districts_done(self) -> int:
        return sum(1 for d in self.districts if d.complete)

    @property
    def provinces(self) -> list[ProvinceProgress]:
        """Per former province, in the order of its code: how many of its former districts are done."""
        grouped: dict[str, list[DistrictProgress]] = {}
        for d in self.districts:
            grouped.setdefault(d.province_code, []).append(d)
        return [
            ProvinceProgress(
                code, members[0].province_name, len(members), sum(1 for d in members if d.complete)
            )
            for code, members in sorted(grouped.items())
        ]


def _now(now: datetime | None) -> datetime:
    return (now or datetime.now(UTC)).astimezone(UTC).replace(tzinfo=None)


def survey_year(year: int | None, today: date) -> int:
    if year is None:
        return today.year
    if not MIN_YEAR <= year <= today.year:
        raise InvalidInput(
            f"Năm khảo sát {year} không hợp lệ (từ {MIN_YEAR} đến {today.year}).",
            f"Invalid survey year {year} (from {MIN_YEAR} to {today.year}).",
        )
    return year


def _commune(actor: Actor, unit_code: str) -> Unit:
    """The current commune ``unit_code`` within the actor's scope (else not found)."""
    catalog = unit_catalog()
    unit = catalog.find(catalog.current.code, unit_code)
    if (
        unit is None
        or unit.level is not Level.COMMUNE
        or (actor.units is not None and unit.key not in actor.units)
    ):
        raise NotFound(f"Không có xã/phường mã {unit_code}.", f"No commune with code {unit_code}.")
    return unit


def _record(row: DrugSurveyRow, unit: Unit) -> SurveyRecord:
    return SurveyRecord(
        row.year,
        row.unit_code,
        unit.name,
        SurveyStatus(row.status),
        dict(row.answers or {}),
        row.submitted_by,
        row.submitted_at,
        row.reviewed_by,
        row.review_comment,
        row.form_version,
        row.reviewed_at,
    )


def get_survey(
    database: Database, actor: Actor, unit_code: str, year: int | None = None
) -> SurveyRecord | None:
    """The commune's survey of ``year`` (default this year), or ``None`` when not submitted."""
    if not actor.can(Action.VIEW_DASHBOARD):
        raise PermissionDenied("Bạn không có quyền xem số liệu.", "You are not allowed to view figures.")
    unit = _commune(actor, unit_code)
    wanted = survey_year(year, today_local())
    with database.transaction(write=False) as session:
        row = store.get(session, wanted, unit.key)
        return None if row is None else _disclosed(_record(row, unit), actor, unit)


def _disclosed(record: SurveyRecord, actor: Actor, unit: Unit) -> SurveyRecord:
    """The record as ``actor`` may read it: a sensitive count from 1 to 4 hidden (docs/disclosure.md, "the
    drug-control survey") unless the reader holds the small-count privilege on the commune or is one of the
    commune's own officers who fill the form in (its source: they typed the figures and must correct them)."""
    if actor.can(Action.VIEW_SENSITIVE_SMALL_COUNTS, unit.key) or may_enter(actor, unit.code):
        return record
    answers, hidden = dict(record.answers), set()
    for qid, value in record.answers.items():
        question = QUESTIONS.get(qid)
        counted = question is not None and question.sensitive and type(value) is int
        if counted and suppress_small(value, actor, sensitive=True, unit=unit.key) is None:
            answers[qid] = None
            hidden.add(qid)
    return replace(record, answers=answers, suppressed=frozenset(hidden)) if hidden else record


@dataclass(frozen=True)
class SurveyView:
    """What the survey page of one commune shows: its record (if any) and what the reader may do."""

    unit_code: str
    unit_name: str
    year: int
    record: SurveyRecord | None
    deadline: date
    today: date
    may_enter: bool  # fill in or upload (not once approved)
    may_review: bool  # approve or return a submitted survey

    @property
    def overdue(self) -> bool:
        done = self.record is not None and self.record.status.done
        return self.today > self.deadline and not done


def survey_view(
    database: Database, actor: Actor, unit_code: str, year: int | None = None, *, now: datetime | None = None
) -> SurveyView:
    """The commune's survey of ``year`` (default this year) for its page; scoped like :func:`get_survey`."""
    today = today_local(now or datetime.now(UTC))
    wanted = survey_year(year, today)
    record = get_survey(database, actor, unit_code, wanted)
    unit = _commune(actor, unit_code)
    final = record is not None and record.status is SurveyStatus.APPROVED
    return SurveyView(
        unit.code,
        unit.name,
        wanted,
        record,
        survey_deadline(database, wanted),
        today,
        may_enter=not final and may_enter(actor, unit.code),
        may_review=record is not None and record.status is SurveyStatus.SUBMITTED and may_review(actor),
    )


def submit_survey(
    database: Database,
    actor: Actor,
    unit_code: str,
    answers: dict[str, object],
    *,
    year: int | None = None,
    client: str = "",
    now: datetime | None = None,
) -> SurveyRecord:
    """Record the commune's answers (checked: every problem at once, nothing saved on any). Only for a
    commune the actor may enter data for: a commune officer, their own. An approved survey is final."""
    unit = entering_commune(actor, unit_code)
    wanted = survey_year(year, today_local(now or datetime.now(UTC)))
    checked = checked_answers(answers)
    return save_answers(database, actor, unit, wanted, checked, client=client, now=now, via={"via": "web"})


def entering_commune(actor: Actor, unit_code: str) -> Unit:
    """The commune ``unit_code`` for entering its survey: not found outside the actor's scope, refused
    without the right to enter data on it."""
    unit = _commune(actor, unit_code)
    if not actor.can(Action.IMPORT_DATA, unit.key):
        raise PermissionDenied(
            "Bạn không có quyền nhập phiếu khảo sát của xã/phường này.",
            "You may not enter this commune's survey.",
        )
    return unit


def save_answers(
    database: Database,
    actor: Actor,
    unit: Unit,
    year: int,
    checked: dict[str, object],
    *,
    client: str = "",
    now: datetime | None = None,
    via: dict[str, object],
) -> SurveyRecord:
    """Store answers already checked (web form or Excel template alike) and audit it; ``via`` says how
    they came (``{"via": "web"}``, ``{"via": "xlsx", "file": …, "sha256": …}``)."""
    at = _now(now)
    with database.transaction() as session:
        assigned = store.campaign(session, year)
        if assigned is not None and assigned.units is not None and unit.code not in assigned.units:
            raise InvalidInput(
                f"{unit.name} không thuộc đợt khảo sát năm {year} ({assigned.name}).",
                f"{unit.name} is not assigned to the {year} survey campaign ({assigned.name}).",
            )
        found = store.get(session, year, unit.key, lock=True)
        if found is not None and found.status == SurveyStatus.APPROVED.value:
            raise Conflict(
                f"Phiếu khảo sát năm {year} của {unit.name} đã được duyệt, không sửa được.",
                f"{unit.name}'s {year} survey is approved and can no longer be changed.",
            )
        row = store.save(
            session, year, unit.key, FORM_VERSION, checked, SurveyStatus.SUBMITTED.value, actor.name, at
        )
        audit.append(
            session,
            actor=actor.name,
            action="drug_survey.submit",
            outcome="success",
            obj=f"drug_survey:{year}:{unit.code}",
            client=client,
            details={
                "year": year,
                "unit": unit.code,
                "form": FORM_VERSION,
                "resubmitted": found is not None,
                **via,
            },
            at=at,
        )
        return _record(row, unit)


def may_enter(actor: Actor, unit_code: str) -> bool:
    """Whether ``actor`` may enter the survey of ``unit_code`` (an unknown or out-of-scope one: no)."""
    try:
        entering_commune(actor, unit_code)
    except (NotFound, PermissionDenied):
        return False
    return True


def may_review(actor: Actor) -> bool:
    """Whether ``actor`` reviews surveys: the city's right to enter data everywhere (an analyst)."""
    return actor.can_city_wide(Action.IMPORT_DATA)


def review_survey(
    database: Database,
    actor: Actor,
    unit_code: str,
    year: int,
    *,
    approve: bool,
    comment: str = "",
    client: str = "",
    now: datetime | None = None,
) -> SurveyRecord:
    """Approve the commune's submitted survey, or return it with a comment; for the city (a city-wide right
    to enter data), never by the commune itself. A commune outside the actor's scope is not found."""
    unit = _commune(actor, unit_code)
    if not may_review(actor):
        raise PermissionDenied("Chỉ cấp thành phố duyệt phiếu khảo sát.", "Only the city reviews surveys.")
    text = comment.strip()
    if not approve and not text:
        raise InvalidInput("Trả lại phiếu cần ghi lý do.", "Returning a survey needs a comment.")
    if len(text) > MAX_COMMENT:
        raise InvalidInput(
            f"Ý kiến dài quá {MAX_COMMENT} ký tự.", f"The comment is longer than {MAX_COMMENT}."
        )
    at = _now(now)
    with database.transaction() as session:
        row = store.get(session, year, unit.key, lock=True)
        if row is None or row.status != SurveyStatus.SUBMITTED.value:
            raise Conflict(
                f"Không có phiếu năm {year} của {unit.name} đang chờ duyệt.",
                f"No survey of {unit.name} for {year} awaits review.",
            )
        row.status = (SurveyStatus.APPROVED if approve else SurveyStatus.RETURNED).value
        row.reviewed_by = actor.name
        row.reviewed_at = at
        row.review_comment = text
        audit.append(
            session,
            actor=actor.name,
            action="drug_survey.review",
            outcome="success",
            obj=f"drug_survey:{year}:{unit.code}",
            client=client,
            details={"status": row.status, "comment": text},
            at=at,
        )
        return _record(row, unit)


def former_districts(communes: list[Unit]) -> dict[str, tuple[Unit, set[str]]]:
    """Each former district (scheme 2025-01) → (the district, the current communes formed from it): from
    its communes' links, or its own link when it had no communes (Bạch Long Vĩ → đặc khu Bạch Long Vĩ)."""
    catalog = unit_catalog()
    codes = {c.key: c.code for c in communes}
    found: dict[str, tuple[Unit, set[str]]] = {}
    for link in catalog.links:
        code = codes.get((link.new_scheme, link.new_code))
        old = catalog.find(link.old_scheme, link.old_code)
        if code is None or old is None:
            continue
        district = old if old.level is Level.DISTRICT else None
        if old.level is Level.COMMUNE and old.parent_code is not None:
            district = catalog.find(old.scheme, old.parent_code)
        if district is None or district.level is not Level.DISTRICT:
            continue
        found.setdefault(district.code, (district, set()))[1].add(code)
    return found


def _province(district: Unit) -> tuple[str, str]:
    """The former province (code, name) of a former district."""
    province = unit_catalog().find(district.scheme, district.parent_code or "")
    return (province.code, province.name) if province is not None else ("", "")


def progress_document(progress: SurveyProgress) -> dict[str, Any]:
    """The progress as JSON (``antt drugs survey-progress --format json``)."""
    return {
        "year": progress.year,
        "campaign": progress.campaign,
        "deadline": progress.deadline.isoformat(),
        "communes_done": progress.done,
        "communes": [
            {
                "unit_code": c.unit_code,
                "unit_name": c.unit_name,
                "status": c.status.value if c.status else None,
            }
            for c in progress.communes
        ],
        "provinces": [
            {"code": p.code, "name": p.name, "districts": p.districts, "districts_done": p.done}
            for p in progress.provinces
        ],
        "districts": [
            {
                "code": d.code,
                "name": d.name,
                "province_code": d.province_code,
                "communes": d.communes,
                "communes_done": d.done,
                "complete": d.complete,
            }
            for d in progress.districts
        ],
        "overdue": [c.unit_code for c in progress.overdue],
    }


def survey_deadline(database: Database, year: int) -> date:
    """The day ``year``'s survey is due: its campaign's deadline, else the setting ``drug_survey_deadline``
    (see the domain module)."""
    found = campaign_of(database, year)
    return found.deadline if found is not None else deadline_of(year, database.settings.drug_survey_deadline)


# --- the campaign: a year's survey as an analyst set it up ---------------------------------------------

MAX_NAME = 200


@dataclass(frozen=True)
class Campaign:
    year: int
    name: str
    form_version: str
    deadline: date
    units: frozenset[str] | None  # the communes assigned (None: every commune)
    created_by: str
    updated_at: datetime


def campaign_of(database: Database, year: int) -> Campaign | None:
    with database.transaction(write=False) as session:
        row = store.campaign(session, year)
    if row is None:
        return None
    units = None if row.units is None else frozenset(row.units)
    return Campaign(row.year, row.name, row.form_version, row.deadline, units, row.created_by, row.updated_at)


def save_campaign(
    database: Database,
    actor: Actor,
    *,
    year: int,
    name: str,
    deadline: date,
    units: list[str] | None = None,
    client: str = "",
    now: datetime | None = None,
) -> Campaign:
    """Create (or change) ``year``'s campaign: a name, a deadline and the communes it is assigned to (none
    given: every commune of the current scheme), on the current form. Only the city's reviewers (an
    analyst); every problem listed at once; audited (``drug_survey.campaign``)."""
    if not may_review(actor):
        raise PermissionDenied(
            "Chỉ cán bộ phân tích cấp thành phố lập đợt khảo sát.",
            "Only the city's analysts set up a campaign.",
        )
    catalog = unit_catalog()
    known = {u.code for u in catalog.in_scheme(catalog.current.code, Level.COMMUNE)}
    problems: list[tuple[str, str]] = []
    title = " ".join(name.split())
    if not title or len(title) > MAX_NAME:
        problems.append(
            (f"Tên đợt khảo sát: 1–{MAX_NAME} ký tự.", f"Campaign name: 1–{MAX_NAME} characters.")
        )
    good_year = MIN_YEAR <= year <= today_local(now or datetime.now(UTC)).year + 1
    if not good_year:
        problems.append((f"Năm không hợp lệ: {year}.", f"Invalid year: {year}."))
    elif not date(year, 1, 1) <= deadline <= date(year + 1, 12, 31):
        problems.append(
            (
                f"Hạn nộp {deadline:%d/%m/%Y} phải trong năm {year} hoặc năm sau.",
                f"The deadline {deadline:%d/%m/%Y} must fall in {year} or the year after.",
            ),
        )
    chosen = sorted({c.strip() for c in units or [] if c.strip()})
    unknown = [c for c in chosen if c not in known]
    if unknown:
        problems.append(
            (
                f"Mã xã, phường không có trong danh mục hiện hành: {', '.join(unknown)}.",
                f"Commune codes not in the current scheme: {', '.join(unknown)}.",
            ),
        )
    if problems:
        raise InvalidInput("; ".join(vi for vi, _ in problems), "; ".join(en for _, en in problems))
    at = _now(now)
    with database.transaction() as session:
        store.save_campaign(
            session,
            year,
            name=title,
            form_version=FORM_VERSION,
            deadline=deadline,
            scheme=catalog.current.code,
            units=chosen or None,
            by=actor.name,
            now=at,
        )
        audit.append(
            session,
            actor=actor.name,
            action="drug_survey.campaign",
            outcome="success",
            obj=f"drug_survey:{year}",
            client=client,
            details={
                "year": year,
                "name": title,
                "deadline": deadline.isoformat(),
                "communes": len(chosen) or None,
            },
            at=at,
        )
    found = campaign_of(database, year)
    assert found is not None
    return found


def survey_progress(
    database: Database, actor: Actor, year: int | None = None, *, now: datetime | None = None
) -> SurveyProgress:
    """Who has sent the year's survey (done: submitted or approved; a returned one is pending again), by
    commune in the actor's scope and, for a city-wide reader, by former district; past the year's deadline,
    who is overdue."""
    if not actor.can(Action.VIEW_DASHBOARD):
        raise PermissionDenied("Bạn không có quyền xem số liệu.", "You are not allowed to view figures.")
    today = today_local(now or datetime.now(UTC))
    wanted = survey_year(year, today)
    catalog = unit_catalog()
    communes = catalog.in_scheme(catalog.current.code, Level.COMMUNE)
    if actor.units is not None:
        communes = [c for c in communes if c.key in actor.units]
    assigned = campaign_of(database, wanted)
    if assigned is not None and assigned.units is not None:
        communes = [c for c in communes if c.code in assigned.units]
    with database.transaction(write=False) as session:
        rows = {r.unit_code: SurveyStatus(r.status) for r in store.of_year(session, wanted, actor.units)}
    progress = [CommuneProgress(c.code, c.name, rows.get(c.code)) for c in communes]
    districts: list[DistrictProgress] = []
    if actor.units is None:
        done = {p.unit_code for p in progress if p.done}
        districts = sorted(
            (
                DistrictProgress(d.code, d.name, len(members), len(members & done), *_province(d))
                for d, members in former_districts(communes).values()
            ),
            key=lambda d: (d.province_code, sort_key(d.name)),
        )
    deadline = assigned.deadline if assigned is not None else survey_deadline(database, wanted)
    return SurveyProgress(
        wanted, progress, districts, deadline, today, assigned.name if assigned is not None else None
    )
