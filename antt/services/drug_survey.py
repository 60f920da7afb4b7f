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

import hashlib
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any

from antt.domain.access import Action, Actor, suppress_small
from antt.domain.drug_survey import (
    ATTACHMENT_TYPES,
    BUILTIN_FORM,
    FORM_VERSION,
    Form,
    SurveyStatus,
    attachment_extension,
    checked_answers,
    checked_files,
    deadline_of,
)
from antt.domain.periods import today_local
from antt.domain.reference import unit_catalog
from antt.domain.text import sort_key
from antt.domain.units import Level, Unit
from antt.errors import Conflict, InvalidInput, Issue, NotFound, PermissionDenied
from antt.services.survey_forms import find_form
from antt.storage import audit
from antt.storage import drug_survey as store
from antt.storage.engine import Database
from antt.storage.tables import DrugSurveyRow, SurveyAttachmentRow

MIN_YEAR = 2000
MAX_COMMENT = 2000


@dataclass(frozen=True)
class Attachment:
    """A file sent with a survey, as listed (its bytes are read by :func:`attachment_content`)."""

    question_id: str
    file_name: str
    size: int
    sha256: str
    uploaded_by: str
    uploaded_at: datetime


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
    attachments: dict[str, Attachment] = field(default_factory=dict)  # by question id


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


def _attachment(row: SurveyAttachmentRow) -> Attachment:
    return Attachment(row.question_id, row.file_name, row.size, row.sha256, row.uploaded_by, row.uploaded_at)


def _record(
    row: DrugSurveyRow, unit: Unit, files: dict[str, SurveyAttachmentRow] | None = None
) -> SurveyRecord:
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
        attachments={q: _attachment(a) for q, a in (files or {}).items()},
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
        if row is None:
            return None
        record = _record(row, unit, store.attachments(session, row.id))
    return _disclosed(record, actor, unit, find_form(database, record.form_version))


def _disclosed(record: SurveyRecord, actor: Actor, unit: Unit, form: Form) -> SurveyRecord:
    """The record as ``actor`` may read it: a sensitive count from 1 to 4 hidden (docs/disclosure.md, "the
    drug-control survey") unless the reader holds the small-count privilege on the commune or is one of the
    commune's own officers who fill the form in (its source: they typed the figures and must correct them)."""
    if actor.can(Action.VIEW_SENSITIVE_SMALL_COUNTS, unit.key) or may_enter(actor, unit.code):
        return record
    answers, hidden = dict(record.answers), set()
    questions = form.questions
    for qid, value in record.answers.items():
        question = questions.get(qid)
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
    form: Form = BUILTIN_FORM  # the form the record was given on, else the year's

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
    form = form_of_year(database, wanted)
    if record is not None and (final or not may_enter(actor, unit.code)):
        form = find_form(database, record.form_version)  # read as it was given
    return SurveyView(
        unit.code,
        unit.name,
        wanted,
        record,
        survey_deadline(database, wanted),
        today,
        may_enter=not final and may_enter(actor, unit.code),
        may_review=record is not None and record.status is SurveyStatus.SUBMITTED and may_review(actor),
        form=form,
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
    files: dict[str, tuple[str, bytes]] | None = None,
) -> SurveyRecord:
    """Record the commune's answers and the files of its attachment questions (``files``: question id →
    (file name, bytes); a question without a new file keeps the one sent before). Checked: every problem
    at once, nothing saved on any. Only for a commune the actor may enter data for: a commune officer,
    their own. An approved survey is final."""
    unit = entering_commune(actor, unit_code)
    wanted = survey_year(year, today_local(now or datetime.now(UTC)))
    form = form_of_year(database, wanted)
    issues: list[Issue] = []
    checked: dict[str, object] = {}
    try:
        checked = checked_answers(answers, form)
    except InvalidInput as invalid:
        issues.extend(invalid.issues)
    sent = files or {}
    issues.extend(checked_files(form, sent))
    issues.extend(missing_attachments(database, form, wanted, unit, set(sent)))
    if issues:
        raise InvalidInput(
            f"Phiếu khảo sát có {len(issues)} lỗi; chưa lưu.",
            f"The survey form has {len(issues)} problem(s); nothing was saved.",
            issues,
        )
    return save_answers(
        database,
        actor,
        unit,
        wanted,
        checked,
        client=client,
        now=now,
        via={"via": "web"},
        form=form,
        files=sent,
    )


def missing_attachments(database: Database, form: Form, year: int, unit: Unit, sent: set[str]) -> list[Issue]:
    """An issue for each required attachment question with neither a file in ``sent`` nor one stored."""
    wanted = [q for q in form.order if q.kind == "attachment" and q.required and q.id not in sent]
    if not wanted:
        return []
    with database.transaction(write=False) as session:
        row = store.get(session, year, unit.key)
        stored = set(store.attachments(session, row.id)) if row is not None else set()
    return [
        Issue(
            "survey.attachment.required",
            f"Chưa đính kèm tệp: {q.label_vi} (gửi tệp trên trang phiếu khảo sát).",
            f"No file attached: {q.label_en} (send the file on the survey's web page).",
            column=q.id,
        )
        for q in wanted
        if q.id not in stored
    ]


def entry_form(database: Database, actor: Actor, unit_code: str, year: int | None = None) -> Form:
    """The form the actor fills for the commune's survey of ``year`` (default this year): scoped like
    :func:`submit_survey` (not found outside the actor's scope, refused without the right to enter data)."""
    entering_commune(actor, unit_code)
    return form_of_year(database, survey_year(year, today_local()))


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
    form: Form = BUILTIN_FORM,
    files: dict[str, tuple[str, bytes]] | None = None,
) -> SurveyRecord:
    """Store answers already checked on ``form`` (web form or Excel template alike), with the files
    already checked, and audit it; ``via`` says how they came (``{"via": "web"}``, ``{"via": "xlsx",
    "file": …, "sha256": …}``)."""
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
            session, year, unit.key, form.code, checked, SurveyStatus.SUBMITTED.value, actor.name, at
        )
        sent_files = []
        for qid, (name, content) in sorted((files or {}).items()):
            digest = hashlib.sha256(content).hexdigest()
            store.save_attachment(
                session,
                SurveyAttachmentRow(
                    survey_id=row.id,
                    question_id=qid,
                    file_name=name,
                    content_type=ATTACHMENT_TYPES[attachment_extension(name)],
                    size=len(content),
                    sha256=digest,
                    content=content,
                    uploaded_by=actor.name,
                    uploaded_at=at,
                ),
            )
            sent_files.append({"question": qid, "file": name, "size": len(content), "sha256": digest})
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
                "form": form.code,
                "resubmitted": found is not None,
                **({"attachments": sent_files} if sent_files else {}),
                **via,
            },
            at=at,
        )
        return _record(row, unit, store.attachments(session, row.id))


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
        files = store.attachments(session, row.id)
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
        return _record(row, unit, files)


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


def form_of_year(database: Database, year: int) -> Form:
    """The form ``year``'s surveys are given on: its campaign's, else the built-in form."""
    found = campaign_of(database, year)
    return find_form(database, found.form_version) if found is not None else BUILTIN_FORM


def attachment_content(
    database: Database,
    actor: Actor,
    unit_code: str,
    year: int,
    question_id: str,
    *,
    client: str = "",
    now: datetime | None = None,
) -> tuple[Attachment, str, bytes]:
    """The file a commune sent for ``question_id`` of its ``year`` survey: ``(attachment, content type,
    bytes)``. For a reader of the commune (scope as :func:`get_survey`); every opening audited
    (``drug_survey.attachment``): the files are the commune's documents, names included."""
    if not actor.can(Action.VIEW_DASHBOARD):
        raise PermissionDenied("Bạn không có quyền xem số liệu.", "You are not allowed to view figures.")
    unit = _commune(actor, unit_code)
    with database.transaction() as session:
        row = store.get(session, year, unit.key)
        found = store.attachments(session, row.id).get(question_id) if row is not None else None
        if found is None:
            raise NotFound("Không có tệp đính kèm này.", "No such attachment.")
        audit.append(
            session,
            actor=actor.name,
            action="drug_survey.attachment",
            outcome="success",
            obj=f"drug_survey:{year}:{unit.code}",
            client=client,
            details={"question": question_id, "file": found.file_name, "sha256": found.sha256},
            at=_now(now),
        )
        return _attachment(found), found.content_type, bytes(found.content)


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
    form_code: str | None = None,
    client: str = "",
    now: datetime | None = None,
) -> Campaign:
    """Create (or change) ``year``'s campaign: a name, a deadline, the communes it is assigned to (none
    given: every commune of the current scheme) and its form (none given: the form it had, else the
    built-in one; a form cannot change once surveys were given on another). Only the city's reviewers (an
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
    before = campaign_of(database, year) if good_year else None
    form = form_code.strip() if form_code and form_code.strip() else None
    form = form or (before.form_version if before is not None else BUILTIN_FORM.code)
    try:
        find_form(database, form)
    except NotFound as missing:
        problems.append((missing.message_vi, missing.message_en))
    if problems:
        raise InvalidInput("; ".join(vi for vi, _ in problems), "; ".join(en for _, en in problems))
    at = _now(now)
    with database.transaction() as session:
        given = store.surveys_on_form(session, year, form)
        if given:
            raise Conflict(
                f"Đã có {given} phiếu khảo sát năm {year} theo mẫu khác; không đổi mẫu của đợt được.",
                f"{given} survey(s) of {year} were given on another form; the campaign's form cannot change.",
            )
        store.save_campaign(
            session,
            year,
            name=title,
            form_version=form,
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
                "form": form,
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
