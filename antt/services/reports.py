"""The periodic security-and-order report ("Báo cáo kết quả công tác bảo đảm an ninh, trật tự").

Built only from the services the dashboard uses — :func:`antt.services.compstat.compstat`,
:func:`antt.services.targets.targets_status` and :func:`antt.services.indicators.indicator_values` — so
every figure equals the one on screen for the same filters, and small counts of sensitive categories are
hidden from an author without the privilege as they are on screen (:mod:`antt.services.disclosure`). The
text states figures and computed statuses; it makes no judgement of its own: the narrative is the
analyst's, from a report draft (:mod:`antt.services.report_drafts`). The parts are put together in
:mod:`antt.services.report_outline` from the phrases and tables of :mod:`antt.services.report_content`;
this module gathers the figures, renders and audits the export. Each export gets a reference written
into the file's properties and into its audit record, so a file found later leads to the record.
"""

from __future__ import annotations

import hashlib
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timezone
from enum import StrEnum

from antt.domain.access import Action, Actor
from antt.domain.alerts import Alert, AlertKind
from antt.domain.periods import VIETNAM_TZ, Period, today_local
from antt.domain.units import Level
from antt.errors import InvalidInput, NotFound, every_problem
from antt.reports.document import Report, Signature, Stamp
from antt.services.alerts import list_alerts
from antt.services.compstat import By, CompstatResult, compstat, scope_of
from antt.services.disclosure import Disclosure
from antt.services.geo import commune_geometries
from antt.services.indicators import indicator_values
from antt.services.report_content import (
    EID_INDICATORS,
    ONLINE_SERVICES,
    PROJECT06_CUMULATIVE,
    EidFigure,
    Figures,
    Project06Figures,
    TrafficFigure,
)
from antt.services.report_outline import compose
from antt.services.social_order import social_order_comparison, window_sums_by_unit
from antt.services.social_order import tiles as tiles  # the traffic figures' check, long defined here
from antt.services.targets import targets_status
from antt.services.units import populations
from antt.storage.audit import append
from antt.storage.engine import Database


class ReportFormat(StrEnum):
    DOCX = "docx"
    PDF = "pdf"
    XLSX = "xlsx"


MEDIA_TYPES = {
    ReportFormat.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ReportFormat.PDF: "application/pdf",
    ReportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class ReportOptions:
    """What the author sets: document number, issue date, signer, marks. Defaults suit a draft: no number
    (the clerk fills it in), dated the data's as-of day, signed for the head of the unit, no marks."""

    number: int | None = None
    issued: date | None = None  # default: the as-of date
    authority: str = ""  # e.g. "KT. GIÁM ĐỐC"; default "GIÁM ĐỐC" (city) or "TRƯỞNG CÔNG AN" (commune)
    signer_title: str = ""  # e.g. "PHÓ GIÁM ĐỐC" when signing on behalf (KT.)
    signer: str = ""  # e.g. "Đại tá Nguyễn Văn A"; default a placeholder for the author
    secrecy: str | None = None
    urgency: str | None = None


SIGNATURE_TEXT_MAX = 80


def report_options(
    *,
    number: int | None = None,
    authority: str = "",
    signer_title: str = "",
    signer: str = "",
    secrecy: str = "",
    urgency: str = "",
) -> ReportOptions:
    """Options from what an author typed in the CLI or the form: text trimmed and in NFC (Vietnamese typed
    on some systems arrives decomposed), the authority and title in capitals as Decree 30 writes them,
    marks checked against the decree's lists; every problem is reported at once. The issue date is parsed
    by the caller, in its own format, beside these (:func:`antt.errors.every_problem`)."""
    texts = every_problem(
        lambda: _signature_text("authority", "Quyền hạn ký", authority),
        lambda: _signature_text("signer_title", "Chức vụ người ký", signer_title),
        lambda: _signature_text("signer", "Người ký", signer),
        lambda: _mark(secrecy, "secrecy"),
        lambda: _mark(urgency, "urgency"),
    )
    return ReportOptions(
        number=number,
        authority=texts[0].upper(),
        signer_title=texts[1].upper(),
        signer=texts[2],
        secrecy=texts[3],
        urgency=texts[4],
    )


def _signature_text(name: str, label_vi: str, value: str) -> str:
    clean = " ".join(unicodedata.normalize("NFC", value).split())
    if len(clean) > SIGNATURE_TEXT_MAX:
        raise InvalidInput(
            f"{label_vi} dài quá {SIGNATURE_TEXT_MAX} ký tự ({len(clean)}).",
            f"{name} is longer than {SIGNATURE_TEXT_MAX} characters ({len(clean)}).",
        )
    return clean


def _mark(value: str, kind: str) -> str | None:
    """A secrecy or urgency mark as typed: capitals, single spaces, the older "HOẢ" read as "HỎA"."""
    mark = " ".join(unicodedata.normalize("NFC", value).upper().split()).replace("HOẢ", "HỎA") or None
    _check_mark(mark, kind)
    return mark


def gather(
    database: Database,
    actor: Actor,
    period: Period,
    *,
    unit_code: str | None = None,
    as_of: date | None = None,
) -> Figures:
    """Every figure the report states, from the CompStat, targets and indicator services."""
    day = as_of or today_local()
    by_group = compstat(database, actor, period, unit_code=unit_code, by=By.GROUP, as_of=day)
    by_unit_group = compstat(database, actor, period, unit_code=unit_code, by=By.UNIT_GROUP, as_of=day)
    evaluations = targets_status(database, actor, as_of=day, unit_code=unit_code)
    scope_code = by_group.scope.code
    traffic = TrafficFigure(
        current=_traffic(database, actor, scope_code, by_group.period, by_group.as_of),
        previous=_traffic(database, actor, scope_code, by_group.compare, by_group.compare_as_of),
    )
    eid_end = min(by_group.period.end, by_group.as_of)  # no figure from after the day data are counted to
    eid_by_unit = {
        name: _latest_by_unit(database, actor, name, unit_code, eid_end) for name in EID_INDICATORS
    }
    scheme = by_group.scope.scheme
    social = social_order_comparison(
        database, actor, by_group.period, unit_code=unit_code, as_of=by_group.as_of
    )
    return Figures(
        by_group,
        by_unit_group,
        evaluations,
        _eid(eid_by_unit["eid_accounts_activated"]),
        Disclosure(actor),
        populations=populations(database, actor, day),
        geometries=commune_geometries(scheme),
        eid_by_unit=eid_by_unit,
        traffic=traffic,
        social=social if social.has_social_evils or social.has_fires else None,
        project06=_project06(database, actor, unit_code, by_group.period, eid_end),
        alerts=period_alerts(database, actor, by_group),
    )


def period_alerts(database: Database, actor: Actor, result: CompstatResult) -> list[Alert]:
    """The early-warning alerts (issue 13) whose week overlaps the report's period up to the day data are
    counted to, in its scope, as the author may see them (disclosure applied by the alert service); oldest
    week first, then commune. Co-offending groups' alerts are person-level and stay off the report."""
    if not actor.can(Action.VIEW_DASHBOARD):  # an author known only by units (the CLI's commune officer)
        return []
    scope = result.scope
    commune = scope.code if scope.level is Level.COMMUNE else None
    end = min(result.period.end, result.as_of)
    found = list_alerts(database, actor, statuses=None, kinds=[AlertKind.RISE.value], unit_code=commune)
    inside = [a for a in found if a.period_start <= end and a.period_end >= result.period.start]
    return sorted(inside, key=lambda a: (a.period_start, a.unit_code, a.subject))


def _latest_by_unit(
    database: Database, actor: Actor, indicator: str, unit_code: str | None, end: date
) -> dict[str, tuple[date, float]]:
    """Per unit code, ``(period end, value)`` of the latest imported period of ``indicator`` ending by
    ``end`` (the e-ID counts are cumulative: the latest figure is the state at that date)."""
    try:
        points = indicator_values(database, actor, indicator, unit_code=unit_code, end=end)
    except NotFound:
        return {}
    latest: dict[str, tuple[date, float]] = {}
    for code, _period, _start, period_end, value in points:  # every period_end is ≤ end
        if code not in latest or period_end > latest[code][0]:
            latest[code] = (period_end, value)
    return latest


TRAFFIC_INDICATORS = ("traffic_accidents", "traffic_deaths", "traffic_injuries")


def _traffic(
    database: Database, actor: Actor, unit_code: str, period: Period, as_of: date
) -> dict[str, float] | None:
    """Each traffic indicator summed over the imported periods of ``unit_code`` inside ``period``, or
    ``None`` when the period has not ended by ``as_of`` (the crimes beside them are counted to that day),
    when the accident figures do not tile the period (a month missing, or months overlapping), or when the
    unit is not the actor's to read. Deaths or injuries that do not tile it are left out, not understated."""
    if period.end > as_of:
        return None
    sums: dict[str, float] = {}
    for name in TRAFFIC_INDICATORS:
        try:
            # the periods of this unit ending inside the window; those starting before it are dropped
            points = indicator_values(
                database, actor, name, unit_code=unit_code, start=period.start, end=period.end
            )
        except NotFound:
            return None
        spans = sorted(
            ((start, end), value) for _code, _p, start, end, value in points if period.start <= start
        )
        if not tiles(period, [span for span, _ in spans]):
            if name == "traffic_accidents":
                return None
            continue
        sums[name] = sum(value for _, value in spans)
    return sums


def _project06(
    database: Database, actor: Actor, unit_code: str | None, period: Period, end: date
) -> Project06Figures | None:
    """Project 06 as measured since Decree 69/2024: each unit's latest level-2 e-ID and chip-card figures
    by ``end`` (cumulative), and the online public-service dossiers of the period per unit and for the
    scope against the same period last year (within the period: summed over months that tile it).
    ``None`` when no level-2 figure is imported (the report then states the older e-ID figures)."""
    latest = {name: _latest_by_unit(database, actor, name, unit_code, end) for name in PROJECT06_CUMULATIVE}
    if not latest["eid_level2_activated"] and not latest["eid_level2_collected"]:
        return None
    online = social_order_comparison(
        database, actor, period, unit_code=unit_code, as_of=end, indicators=(ONLINE_SERVICES,)
    )[ONLINE_SERVICES]
    return Project06Figures(
        latest_by_unit=latest,
        online_by_unit=window_sums_by_unit(database, actor, ONLINE_SERVICES, period, unit_code, as_of=end),
        online=online if online.current is not None else None,
    )


def _eid(activated: dict[str, tuple[date, float]]) -> EidFigure | None:
    """e-ID accounts activated: each unit's latest figure by the report's end, summed (as Phụ lục 5's
    total), with the newest of their dates."""
    if not activated:
        return None
    newest = max(end for end, _ in activated.values())
    return EidFigure(value=sum(v for _, v in activated.values()), period_end=newest, units=len(activated))


def report_unit(actor: Actor, unit_code: str | None) -> str | None:
    """The unit a report is for. An author bound to communes writes for a commune, never for the city:
    with one commune it may be left out; with several, one must be chosen."""
    if unit_code is not None:
        unit, _ = scope_of(actor, unit_code)  # out of scope: not found; the city's own code: the city
        return None if unit.level is Level.PROVINCE else unit_code
    if actor.units is None:
        return None
    _, communes = scope_of(actor, None)
    if len(communes) == 1:
        return communes[0].code
    names = ", ".join(f"{c.name} ({c.code})" for c in communes) or "—"
    raise InvalidInput(
        f"Chọn xã, phường, đặc khu của báo cáo; tài khoản được giao: {names}.",
        f"Choose the commune the report is for; your account covers: {names}.",
    )


def build_report(
    database: Database,
    actor: Actor,
    period: Period,
    *,
    unit_code: str | None = None,
    as_of: date | None = None,
    options: ReportOptions | None = None,
    now: datetime | None = None,
    texts: dict[str, str] | None = None,
    reference: str = "",
    draft: str = "",
) -> Report:
    """The monthly (quarterly, half-year, yearly, any period) report for the city or one commune, with the
    analyst's ``texts`` (narrative key → text, :data:`antt.services.report_outline.NARRATIVES`) and, for
    the file's properties, the export's ``reference`` and the ``draft`` it renders."""
    options = options or ReportOptions()
    unit_code = report_unit(actor, unit_code)
    figures = gather(database, actor, period, unit_code=unit_code, as_of=as_of)
    for mark, allowed in ((options.secrecy, "secrecy"), (options.urgency, "urgency")):
        _check_mark(mark, allowed)
    moment = (now or datetime.now(timezone.utc)).astimezone(VIETNAM_TZ)
    scope = figures.by_group.scope
    stamp = Stamp(
        filters={
            "Kỳ báo cáo": period.label_vi(),
            "So sánh với": f"cùng kỳ năm trước ({figures.by_group.compare.label_vi()})",
            "Đơn vị": f"{scope.name} ({scope.code})",
        },
        data_as_of=figures.by_group.as_of,
        user=actor.name,
        generated_at=moment.replace(tzinfo=None),
        reference=reference,
        draft=draft,
    )
    return compose(
        figures,
        stamp,
        texts=texts,
        number=options.number,
        issued=options.issued or figures.by_group.as_of,
        signature=Signature(options.authority, options.signer_title, options.signer),
        secrecy=options.secrecy,
        urgency=options.urgency,
        city_wide=scope.level is Level.PROVINCE,
    )


def _check_mark(mark: str | None, kind: str) -> None:
    from antt.domain.documents import SECRECY_MARKS, URGENCY_MARKS

    allowed = SECRECY_MARKS if kind == "secrecy" else URGENCY_MARKS
    if mark is not None and mark not in allowed:
        raise InvalidInput(
            f"Dấu {'mật' if kind == 'secrecy' else 'khẩn'} không hợp lệ: {mark!r} (hợp lệ: {', '.join(allowed)}).",
            f"Invalid {kind} mark {mark!r} (accepted: {', '.join(allowed)}).",
        )


def render(report: Report, fmt: ReportFormat) -> bytes:
    """The report in one format (renderers are imported lazily: WeasyPrint and matplotlib load slowly)."""
    if fmt is ReportFormat.DOCX:
        from antt.reports.docx import render_docx

        return render_docx(report)
    if fmt is ReportFormat.PDF:
        from antt.reports.pdf import render_pdf

        return render_pdf(report)
    from antt.reports.xlsx import render_xlsx

    return render_xlsx(report)


def export_report(
    database: Database,
    actor: Actor,
    period: Period,
    fmt: ReportFormat,
    *,
    unit_code: str | None = None,
    as_of: date | None = None,
    options: ReportOptions | None = None,
    client: str = "",
    texts: dict[str, str] | None = None,
    draft: str = "",
    audit_details: dict[str, object] | None = None,
) -> bytes:
    """Build, render and audit one export (action ``report.export``, with its filters, format, reference
    and the file's SHA-256)."""
    reference = new_reference()
    report = build_report(
        database,
        actor,
        period,
        unit_code=unit_code,
        as_of=as_of,
        options=options,
        texts=texts,
        reference=reference,
        draft=draft,
    )
    content = render(report, fmt)
    with database.transaction() as session:
        append(
            session,
            actor=actor.name,
            action="report.export",
            outcome="ok",
            obj=f"report:{period.key}",
            client=client,
            details={
                "format": fmt.value,
                "period": period.key,
                "unit": unit_code or report.stamp.filters["Đơn vị"],
                "as_of": report.stamp.data_as_of.isoformat(),
                "bytes": len(content),
                "sha256": hashlib.sha256(content).hexdigest(),
                "reference": reference,
                **(audit_details or {}),
            },
        )
    return content


def new_reference() -> str:
    """An export's reference, e.g. ``BC-7Q2M-K4XD-9PJT``: random, so it says nothing of the content."""
    alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
    code = "".join(secrets.choice(alphabet) for _ in range(12))
    return f"BC-{code[:4]}-{code[4:8]}-{code[8:]}"
