"""``GET /api/targets`` — the status of every target, with its projection and source."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from antt.domain.access import Action
from antt.services.targets import evaluation_document, targets_status
from antt.web.access import requires

router = APIRouter(prefix="/api", tags=["targets"], dependencies=[requires(Action.VIEW_DASHBOARD)])


class DocumentOut(BaseModel):
    """The document that sets a target: number as printed (empty: not verified), date, issuing body."""

    number: str
    issued: date
    issuer: str
    title: str
    wording: str
    url: str


class TargetOut(BaseModel):
    id: str
    name_vi: str
    name_en: str
    group: str
    indicator: str
    rule: str
    period: str
    status: str
    as_of: date
    actual: float | None
    required: float | None
    baseline: float | None
    expected: float | None
    interval: list[float | None] | None
    probability: float | None
    observed: float | None
    expected_remainder: float | None
    model: str
    source: str
    source_url: str
    confidence: str
    source_status: Literal["document", "inferred", "none"]  # only "document" carries a document's weight
    source_label: str  # "chưa có văn bản" / "suy ra, chưa có văn bản" / the document cited
    source_label_en: str  # "no source document" / "inferred, no source document" / the document cited
    document: DocumentOut | None
    basis: str  # inferred: what the figure was read from
    origin: Literal["default", "city"]  # shipped with ANTT, or set by the city's administrator
    version: int  # the city's version of it (0: the shipped default)
    series: list[list[Any]]


class TargetsOut(BaseModel):
    targets: list[TargetOut]


@router.get(
    "/targets", response_model=TargetsOut, summary="Status of every target (met, on track, at risk …)"
)
def get_targets(
    request: Request,
    unit: Annotated[str | None, Query(max_length=8)] = None,
    as_of: date | None = None,
) -> dict[str, object]:
    evaluations = targets_status(request.app.state.database, request.state.actor, as_of=as_of, unit_code=unit)
    return {"targets": [evaluation_document(e) for e in evaluations]}
