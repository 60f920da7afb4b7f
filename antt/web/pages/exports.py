"""``/<page>/export.csv`` — each table on screen as a CSV file, with the filters on screen (the page's own
query string): ``/incidents`` (every page of the filtered list), CompStat's commune table, ``/alerts``,
``/units`` and the commune table of ``/drugs``.

Rows come from the same services as the page, with the same scope and disclosure rules (a commune officer's
file holds their commune; a hidden figure is written as on screen); one writer serves every page
(:mod:`antt.web.csv_export`), which also checks the export privilege and audits each export.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from antt.domain.access import Action
from antt.domain.alerts import AlertStatus
from antt.domain.reference import offence_table, unit_catalog
from antt.domain.units import Level
from antt.services.alerts import list_alerts
from antt.services.compstat import scope_of
from antt.services.drug_classes import drug_status_report
from antt.services.exports import EXPORT_ACTION
from antt.services.incidents import export_incidents
from antt.services.status import data_freshness
from antt.web.access import requires
from antt.web.csv_export import Row, csv_response
from antt.web.i18n import _, current_language
from antt.web.pages.alerts import STATUS_CHOICES
from antt.web.pages.common import actor_of, database_of
from antt.web.pages.compstat import Sort, compstat_view
from antt.web.pages.filters import form_date, group_choices, read_filters
from antt.web.pages.incidents import severity_word, status_word
from antt.web.pages.units import units_table
from antt.web.templating import hidden_label

router = APIRouter(include_in_schema=False, dependencies=[requires(EXPORT_ACTION)])


def shown(row: Mapping[str, Any], name: str, digits: int | None = None) -> object:
    """``row[name]`` as the page shows it: the hidden label for a hidden figure, else the value (rounded
    to ``digits``)."""
    if name in row.get("suppressed_fields", ()):
        return hidden_label(row, name)
    value = row.get(name)
    return round(value, digits) if digits is not None and value is not None else value


def _data_up_to(request: Request) -> Any:
    return data_freshness(database_of(request)).data_up_to


@router.get("/incidents/export.csv")
def incidents_csv(
    request: Request,
    period: Annotated[str | None, Query(max_length=64)] = None,
    from_: Annotated[str | None, Query(alias="from", max_length=10)] = None,
    to: Annotated[str | None, Query(max_length=10)] = None,
    group: Annotated[str | None, Query(max_length=24)] = None,
    unit: Annotated[str | None, Query(max_length=8)] = None,
) -> Response:
    filters = read_filters(
        _data_up_to(request),
        period=period,
        from_=form_date(from_, "from"),
        to=form_date(to, "to"),
        compare=None,
        group=group,
        unit=unit,
        measure=None,
    )
    actor = actor_of(request)
    catalog = unit_catalog()
    names = {u.code: u.name for u in catalog.in_scheme(catalog.current.code)}
    groups = dict(group_choices(actor))

    def rows() -> Iterable[Row]:
        found = export_incidents(
            database_of(request), actor, filters.period, unit_code=filters.unit, group=filters.group
        )
        for i in found.lines:
            yield [
                i.source_id,
                i.source,
                i.occurred_at,
                names.get(i.unit_code, i.unit_code),
                i.unit_code,
                i.approximate,
                i.article,
                i.clause,
                groups.get(i.group, i.group),
                severity_word(i.severity),
                status_word(i.status),
                i.cleared_on,
                i.suspects,
                i.drug_related,
                i.organised_group,
            ]

    header = [
        _("Case number"),
        _("Source"),
        _("Occurred"),
        _("Commune"),
        _("Commune code"),
        _("Approximate commune"),
        _("Article"),
        _("Clause"),
        _("Offence group"),
        _("Severity"),
        _("Status"),
        _("Cleared on"),
        _("Suspects"),
        _("Drug-related"),
        _("Organised group"),
    ]
    params = {k: v for k, v in filters.params().items() if k not in ("compare", "measure")}
    return csv_response(
        request, page="incidents", view=Action.VIEW_INCIDENTS, filters=params, header=header, rows=rows
    )


@router.get("/compstat/export.csv")
def compstat_csv(
    request: Request,
    period: Annotated[str | None, Query(max_length=64)] = None,
    from_: Annotated[str | None, Query(alias="from", max_length=10)] = None,
    to: Annotated[str | None, Query(max_length=10)] = None,
    compare: Annotated[str | None, Query(max_length=32)] = None,
    group: Annotated[str | None, Query(max_length=24)] = None,
    unit: Annotated[str | None, Query(max_length=8)] = None,
    sort: Annotated[str | None, Query(max_length=8)] = None,
    direction: Annotated[str | None, Query(alias="dir", max_length=4)] = None,
) -> Response:
    """CompStat's commune table, in the order on screen."""
    filters = read_filters(
        _data_up_to(request),
        period=period,
        from_=form_date(from_, "from"),
        to=form_date(to, "to"),
        compare=compare,
        group=group,
        unit=unit,
        measure=None,
    )
    order = Sort.read(sort, direction)
    clearance = filters.group == "social_order"

    def rows() -> Iterable[Row]:
        view = compstat_view(database_of(request), actor_of(request), filters)
        for r in order.rows(view["by_unit"]["rows"]):
            line = [
                r["unit_name"],
                r["unit_code"],
                r["approximate"],
                shown(r, "current"),
                shown(r, "previous"),
                shown(r, "change"),
                shown(r, "pct_change", 1),
                shown(r, "z", 2),
                shown(r, "rate", 2),
            ]
            yield [*line, shown(r, "clearance_rate", 1)] if clearance else line

    header = [
        _("Commune"),
        _("Commune code"),
        _("Approximate commune"),
        _("Incidents"),
        _("Comparison period"),
        _("Change"),
        _("Change (%%)"),
        "z",
        _("Per 10,000 residents"),
    ]
    if clearance:
        header.append(_("Clearance rate (%%)"))
    params = {k: v for k, v in filters.params().items() if k != "measure"}
    params.update(order.params())
    return csv_response(
        request, page="compstat", view=Action.VIEW_DASHBOARD, filters=params, header=header, rows=rows
    )


@router.get("/alerts/export.csv")
def alerts_csv(request: Request, status: str = "active", unit: str = "", group: str = "") -> Response:
    actor = actor_of(request)
    scope, _communes = scope_of(actor, unit or None)  # NotFound outside the actor's communes
    chosen = scope.code if unit and scope.level is Level.COMMUNE else None
    table = offence_table()
    group = group if group in table.group_codes else ""
    status = status if status in STATUS_CHOICES else "active"
    english = current_language() == "en"
    catalog = unit_catalog()
    names = {u.code: u.name for u in catalog.in_scheme(catalog.current.code, Level.COMMUNE)}
    group_names = {g.code: g.name_en if english else g.name_vi for g in table.groups}
    status_names = {
        AlertStatus.OPEN: _("Open"),
        AlertStatus.ACKNOWLEDGED: _("Acknowledged"),
        AlertStatus.CLOSED: _("Closed"),
    }

    def subject(code: str) -> str:
        return group_names.get(code) or code.replace("article:", "Art. " if english else "Điều ")

    def rows() -> Iterable[Row]:
        found = list_alerts(
            database_of(request),
            actor,
            statuses=STATUS_CHOICES[status],
            unit_code=chosen,
            subject=group or None,
        )
        for a in found:
            yield [
                a.period_start,
                a.period_end,
                names.get(a.unit_code, a.unit_code),
                a.unit_code,
                subject(a.subject),
                a.explanation_en if english else a.explanation_vi,
                status_names.get(a.status, str(a.status)),
                a.action_taken or "",
                a.acknowledged_by or "",
                a.acknowledged_at,
            ]

    header = [
        _("Week from"),
        _("Week to"),
        _("Commune"),
        _("Commune code"),
        _("Offence group"),
        _("What"),
        _("Status"),
        _("Action taken"),
        _("Acknowledged by"),
        _("Acknowledged at"),
    ]
    params = {"status": status, "unit": chosen, "group": group}
    return csv_response(
        request, page="alerts", view=Action.VIEW_DASHBOARD, filters=params, header=header, rows=rows
    )


@router.get("/units/export.csv")
def units_csv(request: Request) -> Response:
    window, table = units_table(request, _data_up_to(request))

    def rows() -> Iterable[Row]:
        for r in table:
            yield [
                r["unit_name"],
                r["unit_code"],
                r["population"],
                shown(r, "current"),
                shown(r, "previous"),
                shown(r, "change"),
                shown(r, "z", 2),
            ]

    header = [
        _("Commune"),
        _("Code"),
        _("Population"),
        _("Incidents"),
        _("Comparison period"),
        _("Change"),
        "z",
    ]
    return csv_response(
        request,
        page="units",
        view=Action.VIEW_DASHBOARD,
        filters={"period": window.key},
        header=header,
        rows=rows,
    )


@router.get("/drugs/export.csv")
def drugs_csv(request: Request, unit: Annotated[str, Query(max_length=8)] = "") -> Response:
    """The commune table of ``/drugs``: official status and decision beside the indicative class."""
    actor = actor_of(request)
    scope, _communes = scope_of(actor, unit or None)  # NotFound outside the actor's communes
    chosen = scope.code if scope.level is Level.COMMUNE else None
    english = current_language() == "en"

    def rows() -> Iterable[Row]:
        report = drug_status_report(database_of(request), actor, unit_code=chosen)
        for c in report.communes:
            official = c.official
            yield [
                c.unit_name,
                c.unit_code,
                (official.status.label_en if english else official.status.label_vi) if official else "",
                official.inherited if official else None,
                official.decision.decision_number if official else "",
                official.decision.decision_date if official else None,
                c.indicative.label_en if english else c.indicative.label_vi,
                c.review,
            ]

    header = [
        _("Commune"),
        _("Code"),
        _("Official status"),
        _("Inherited"),
        _("Decision"),
        _("Decision date"),
        _("Indicative class"),
        _("To review"),
    ]
    return csv_response(
        request, page="drugs", view=Action.VIEW_DASHBOARD, filters={"unit": chosen}, header=header, rows=rows
    )
