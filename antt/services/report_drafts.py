"""Report drafts: the analyst writes the report's narrative on the web, the leader reviews and approves it.

A draft is for one period and one unit (the city, or a commune). Each save is a new version (texts and
the document's options: data date, number, issue date, signature, marks), none is changed or deleted.
Review: the author submits (``submitted``), a leader whose grant covers the draft's unit approves the
version they read (``approved``) or returns it with a note (``returned``); a save after that makes it a
draft again. Every step is audited (``report_draft.create|save|submit|approve|return``); the texts
themselves are not copied into the audit log (they can be classified), only their sizes.

The figures are never stored in a draft: a draft is rendered by :func:`export_draft` with the figures
computed from the data as of the draft's data date (``antt report --draft ID``, the draft page), so the
analyst's text sits beside the figures the services compute, word for word.
"""

from __future__ import annotations

import unicodedata
from dataclasses import asdict, dataclass
from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy.orm import Session

from antt.domain.access import Action, Actor, Role, UnitKey
from antt.domain.periods import Period, parse_period, today_local
from antt.domain.reference import unit_catalog
from antt.errors import Conflict, InvalidInput, NotFound, PermissionDenied, every_problem
from antt.reports.document import Report
from antt.services.report_outline import NARRATIVE_KEYS, NARRATIVES
from antt.services.reports import ReportFormat, ReportOptions, build_report, export_report, report_unit
from antt.storage import report_drafts as store
from antt.storage.audit import append
from antt.storage.engine import Database
from antt.storage.report_drafts import Draft, DraftVersion

TEXT_MAX = 20_000  # characters per part: several pages
NOTE_MAX = 2_000
STATUS_LABELS_VI = {
    "draft": "Dự thảo",
    "submitted": "Chờ lãnh đạo duyệt",
    "approved": "Lãnh đạo đã duyệt",
    "returned": "Lãnh đạo trả lại",
}
STATUS_LABELS_EN = {
    "draft": "Draft",
    "submitted": "Awaiting approval",
    "approved": "Approved",
    "returned": "Returned",
}
DECISIONS = ("submit", "approve", "return")
_ALLOWED_CONTROLS = {"\n", "\r", "\t"}

__all__ = [
    "DECISIONS",
    "NARRATIVES",
    "STATUS_LABELS_EN",
    "STATUS_LABELS_VI",
    "Draft",
    "DraftVersion",
    "DraftView",
    "create_draft",
    "draft_report",
    "export_draft",
    "list_drafts",
    "open_draft",
    "review_draft",
    "save_draft",
]


@dataclass(frozen=True)
class DraftView:
    draft: Draft
    version: DraftVersion  # the one asked for, else the newest
    versions: list[DraftVersion]
    period: Period

    @property
    def as_of(self) -> date:
        return date.fromisoformat(str(self.version.options["as_of"]))

    @property
    def options(self) -> ReportOptions:
        return _options_of(self.version.options)


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def _require_writer(actor: Actor) -> None:
    if not actor.can(Action.EXPORT_REPORT):
        raise PermissionDenied("Tài khoản không được soạn báo cáo.", "You may not write reports.")


#: privileges whose holders see figures others may not (small sensitive counts, national security); an
#: author holding one may quote such a figure in the text, so a version records the ones its authors held
GUARDED = (Action.VIEW_SENSITIVE_SMALL_COUNTS, Action.VIEW_NATIONAL_SECURITY)
WRITTEN_WITH = "written_with"


def _unit_key(draft: Draft) -> UnitKey | None:
    return None if draft.unit_code is None else (draft.scheme, draft.unit_code)


def _holds(actor: Actor, action: Action, unit: UnitKey | None) -> bool:
    return actor.can_city_wide(action) if unit is None else actor.can(action, unit)


def _written_with(actor: Actor, unit: UnitKey | None, previous: DraftVersion | None) -> list[str]:
    """The guarded privileges the draft's authors held so far: the previous version's and this author's."""
    held = {a.value for a in GUARDED if _holds(actor, a, unit)}
    if previous is not None:
        held |= set(_recorded(previous))
    return sorted(held)


def _recorded(version: DraftVersion | None) -> list[str]:
    """What a version records; a version from before the record was kept counts as written with every
    guarded privilege (fail closed)."""
    found = None if version is None else version.options.get(WRITTEN_WITH)
    return [a.value for a in GUARDED] if found is None else [str(a) for a in found]


def _visible(actor: Actor, draft: Draft | None, draft_id: int, newest: DraftVersion | None = None) -> Draft:
    """The draft, if ``actor`` may read it: the city's draft city-wide only, a commune's within the
    actor's communes, and only by a reader holding every guarded privilege its authors held (the text may
    quote a small sensitive count); otherwise it is indistinguishable from one that does not exist."""
    missing = NotFound(f"Không có dự thảo báo cáo số {draft_id}.", f"No report draft {draft_id}.")
    if draft is None or not actor.can(Action.EXPORT_REPORT):
        raise missing
    unit = _unit_key(draft)
    if actor.units is not None and (unit is None or unit not in actor.units):
        raise missing
    if not all(_holds(actor, Action(a), unit) for a in _recorded(newest)):
        raise missing
    return draft


def _readable(session: Session, actor: Actor, draft_id: int, *, for_update: bool = False) -> Draft:
    draft = store.get_draft(session, draft_id, for_update=for_update)
    newest = None if draft is None else store.get_version(session, draft_id, draft.current_version)
    return _visible(actor, draft, draft_id, newest)


def clean_text(key: str, text: str) -> str:
    """The analyst's text in NFC, line ends as ``\\n``; refused when too long or with control characters
    a document cannot hold."""
    label = next((n.label_vi for n in NARRATIVES if n.key == key), key)
    clean = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    if len(clean) > TEXT_MAX:
        raise InvalidInput(
            f"Phần “{label}” dài quá {TEXT_MAX:,} ký tự ({len(clean):,}).".replace(",", "."),
            f"Part {key} is longer than {TEXT_MAX:,} characters ({len(clean):,}).",
        )
    bad = sorted(
        {f"U+{ord(c):04X}" for c in clean if unicodedata.category(c) == "Cc" and c not in _ALLOWED_CONTROLS}
    )
    if bad:
        raise InvalidInput(
            f"Phần “{label}” chứa ký tự điều khiển không hợp lệ: {', '.join(bad)}.",
            f"Part {key} contains control characters a document cannot hold: {', '.join(bad)}.",
        )
    return clean


def _clean_texts(texts: dict[str, str]) -> dict[str, str]:
    unknown = sorted(set(texts) - set(NARRATIVE_KEYS))
    if unknown:
        raise InvalidInput(
            f"Phần không có trong báo cáo: {', '.join(unknown)}.", f"Unknown parts: {', '.join(unknown)}."
        )
    keys = [k for k in NARRATIVE_KEYS if k in texts]
    cleaned = every_problem(*(lambda k=k: clean_text(k, texts[k]) for k in keys))
    return {k: v for k, v in zip(keys, cleaned, strict=True) if v.strip()}


def _options_document(options: ReportOptions, as_of: date, written_with: list[str]) -> dict[str, Any]:
    found = asdict(options)
    found["issued"] = None if options.issued is None else options.issued.isoformat()
    found["as_of"] = as_of.isoformat()
    found[WRITTEN_WITH] = written_with
    return found


def _options_of(document: dict[str, Any]) -> ReportOptions:
    issued = document.get("issued")
    return ReportOptions(
        number=document.get("number"),
        issued=None if not issued else date.fromisoformat(str(issued)),
        authority=str(document.get("authority") or ""),
        signer_title=str(document.get("signer_title") or ""),
        signer=str(document.get("signer") or ""),
        secrecy=document.get("secrecy"),
        urgency=document.get("urgency"),
    )


def create_draft(
    database: Database,
    actor: Actor,
    period: Period,
    *,
    unit_code: str | None = None,
    as_of: date | None = None,
    client: str = "",
) -> Draft:
    """A new draft of ``period``'s report for the city or one commune (an author bound to communes writes
    a commune's), data counted to ``as_of`` (default today); the texts start empty: the report then states
    its computed figures, one sentence each, and marks the parts the analyst must write."""
    _require_writer(actor)
    unit = report_unit(actor, unit_code)
    day = as_of or today_local()
    scheme = unit_catalog().current.code
    with database.transaction() as session:
        draft = store.create_draft(
            session,
            period_key=period.key,
            scheme=scheme,
            unit_code=unit,
            texts={},
            options=_options_document(
                ReportOptions(), day, _written_with(actor, None if unit is None else (scheme, unit), None)
            ),
            by=actor.name,
            at=_now(),
        )
        append(
            session,
            actor=actor.name,
            action="report_draft.create",
            outcome="ok",
            obj=f"report_draft:{draft.id}",
            client=client,
            details={"period": period.key, "unit": unit or "city", "as_of": day.isoformat()},
        )
    return draft


def list_drafts(database: Database, actor: Actor) -> list[Draft]:
    """The drafts ``actor`` may read, newest first."""
    if not actor.can(Action.EXPORT_REPORT):
        return []
    units = None if actor.units is None else frozenset(code for _scheme, code in actor.units)
    readable: list[Draft] = []
    with database.transaction(write=False) as session:
        for draft in store.list_drafts(session, units=units):
            try:
                readable.append(
                    _visible(
                        actor, draft, draft.id, store.get_version(session, draft.id, draft.current_version)
                    )
                )
            except NotFound:
                continue
    return readable


def open_draft(database: Database, actor: Actor, draft_id: int, version: int | None = None) -> DraftView:
    """A draft with one of its versions (default the newest) and the list of all of them."""
    with database.transaction(write=False) as session:
        draft = _readable(session, actor, draft_id)
        every = store.versions(session, draft_id)
    chosen = next((v for v in every if v.version == (version or draft.current_version)), None)
    if chosen is None:
        raise NotFound(
            f"Dự thảo số {draft_id} không có phiên bản {version}.",
            f"Draft {draft_id} has no version {version}.",
        )
    return DraftView(draft, chosen, every, parse_period(draft.period_key))


def save_draft(
    database: Database,
    actor: Actor,
    draft_id: int,
    texts: dict[str, str],
    options: ReportOptions,
    *,
    as_of: date | None = None,
    based_on: int | None = None,
    client: str = "",
) -> Draft:
    """Save a new version of the texts and options. ``based_on`` is the version the author edited: when
    someone saved another since, the save is refused (a conflict) rather than overwriting their text."""
    _require_writer(actor)
    cleaned = _clean_texts(texts)
    with database.transaction() as session:
        draft = _readable(session, actor, draft_id, for_update=True)
        if based_on is not None and based_on != draft.current_version:
            raise Conflict(
                f"Dự thảo đã có phiên bản {draft.current_version} (đồng chí sửa phiên bản {based_on}): mở lại "
                "để xem nội dung mới trước khi lưu.",
                f"The draft has version {draft.current_version} now (you edited {based_on}): reopen it first.",
            )
        previous = store.get_version(session, draft_id, draft.current_version)
        day = as_of or (date.fromisoformat(str(previous.options["as_of"])) if previous else today_local())
        saved = store.append_version(
            session,
            draft_id,
            texts=cleaned,
            options=_options_document(options, day, _written_with(actor, _unit_key(draft), previous)),
            by=actor.name,
            at=_now(),
        )
        append(
            session,
            actor=actor.name,
            action="report_draft.save",
            outcome="ok",
            obj=f"report_draft:{draft_id}",
            client=client,
            details={
                "version": saved.current_version,
                "was": draft.status,
                "characters": {k: len(v) for k, v in cleaned.items()},
            },
        )
    return saved


def may_approve(actor: Actor, draft: Draft) -> bool:
    """A leader whose grant covers the draft's unit (the city's draft: a city-wide grant)."""
    if actor.is_system:
        return True
    unit = None if draft.unit_code is None else (draft.scheme, draft.unit_code)
    return any(
        g.role is Role.LEADER and (g.city_wide or (unit is not None and g.covers(unit))) for g in actor.grants
    )


def review_draft(
    database: Database,
    actor: Actor,
    draft_id: int,
    decision: str,
    *,
    version: int,
    note: str = "",
    client: str = "",
) -> Draft:
    """``submit`` the draft for approval; a leader ``approve``s the ``version`` they read or ``return``s it
    with a note. A leader does not approve a version they saved themselves."""
    if decision not in DECISIONS:
        raise InvalidInput(
            f"Quyết định phải là một trong: {', '.join(DECISIONS)}.", f"decision must be one of {DECISIONS}."
        )
    note = unicodedata.normalize("NFC", note).strip()
    if len(note) > NOTE_MAX:
        raise InvalidInput(
            f"Ý kiến dài quá {NOTE_MAX} ký tự.", f"The note is longer than {NOTE_MAX} characters."
        )
    with database.transaction() as session:
        draft = _readable(session, actor, draft_id, for_update=True)
        if version != draft.current_version:
            raise Conflict(
                f"Dự thảo đã có phiên bản {draft.current_version}; đồng chí đang xem phiên bản {version}.",
                f"The draft has version {draft.current_version}; you are looking at version {version}.",
            )
        current = store.get_version(session, draft_id, version)
        if decision == "submit":
            if draft.status not in ("draft", "returned"):
                raise Conflict(
                    f"Dự thảo đang ở trạng thái “{STATUS_LABELS_VI[draft.status]}”, không trình lại được.",
                    f"The draft is {STATUS_LABELS_EN[draft.status].lower()}; it cannot be submitted again.",
                )
            updated = store.set_review(
                session, draft_id, status="submitted", by=None, at=None, note=note, approved_version=None
            )
        else:
            if not may_approve(actor, draft):
                raise PermissionDenied(
                    "Chỉ lãnh đạo phụ trách đơn vị của báo cáo được duyệt hoặc trả lại dự thảo.",
                    "Only a leader of the report's unit may approve or return a draft.",
                )
            if draft.status != "submitted":
                raise Conflict(
                    "Dự thảo chưa được trình duyệt.", "The draft has not been submitted for approval."
                )
            if current is not None and current.saved_by == actor.name and not actor.is_system:
                raise PermissionDenied(
                    "Người duyệt không duyệt phiên bản do chính mình soạn.",
                    "A leader does not approve a version they saved themselves.",
                )
            approved = decision == "approve"
            updated = store.set_review(
                session,
                draft_id,
                status="approved" if approved else "returned",
                by=actor.name,
                at=_now(),
                note=note,
                approved_version=version if approved else None,
            )
        append(
            session,
            actor=actor.name,
            action=f"report_draft.{decision}",
            outcome="ok",
            obj=f"report_draft:{draft_id}",
            client=client,
            details={"version": version, "note": note} if note else {"version": version},
        )
    return updated


def _draft_label(view: DraftView) -> str:
    d = view.draft
    state = STATUS_LABELS_VI[d.status].lower()
    if d.approved_version == view.version.version and d.reviewed_by:
        state = f"đã duyệt bởi {d.reviewed_by} lúc {d.reviewed_at:%d/%m/%Y %H:%M} (UTC)"
    elif d.status == "approved":
        state = "chưa duyệt phiên bản này"
    return f"dự thảo số {d.id}, phiên bản {view.version.version}, {state}"


def draft_report(
    database: Database,
    actor: Actor,
    draft_id: int,
    version: int | None = None,
    *,
    now: datetime | None = None,
) -> Report:
    """The report of a saved draft (its figures computed as of its data date), not audited: for the page."""
    view = open_draft(database, actor, draft_id, version)
    return build_report(
        database,
        actor,
        view.period,
        unit_code=view.draft.unit_code,
        as_of=view.as_of,
        options=view.options,
        now=now,
        texts=dict(view.version.texts),
        draft=_draft_label(view),
    )


def export_draft(
    database: Database,
    actor: Actor,
    draft_id: int,
    fmt: ReportFormat,
    *,
    version: int | None = None,
    client: str = "",
) -> tuple[DraftView, bytes]:
    """The file of a saved draft, audited as any export (``report.export`` with the draft and version)."""
    view = open_draft(database, actor, draft_id, version)
    content = export_report(
        database,
        actor,
        view.period,
        fmt,
        unit_code=view.draft.unit_code,
        as_of=view.as_of,
        options=view.options,
        client=client,
        texts=dict(view.version.texts),
        draft=_draft_label(view),
        audit_details={
            "draft": draft_id,
            "version": view.version.version,
            "approved": view.draft.approved_version == view.version.version,
        },
    )
    return view, content
