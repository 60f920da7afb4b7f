"""``GET /api/targets`` — the status of every target, with its projection and source."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from antt.domain.access import Action
from antt.services.targets import evaluation_document, targets_status
from antt.web.access import requires

router = APIRouter(prefix="/api", tags=["targets"], dependencies=[requires(Action.VIEW_DASHBOARD)])


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
