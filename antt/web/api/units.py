"""``GET /api/units/{code}`` (a commune's profile), ``GET /api/units/populations`` (residents per commune,
for rates per 10,000) and ``GET /api/map/communes`` (the communes of the actor's scope as GeoJSON)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from antt.domain.access import Action, Actor
from antt.domain.periods import today_local
from antt.domain.units import Unit
from antt.services.geo import commune_map_json
from antt.services.units import UnitProfile, populations, unit_profile
from antt.web.access import requires

router = APIRouter(prefix="/api", tags=["units"], dependencies=[requires(Action.VIEW_DASHBOARD)])

GEOJSON = "application/geo+json"


class UnitOut(BaseModel):
    scheme: str
    code: str
    name: str
    short_name: str
    kind: str
    level: str


class PopulationOut(BaseModel):
    value: float
    period: str = Field(description="the indicator period the figure is for, e.g. year:2026")


class PredecessorOut(UnitOut):
    transfer: Literal["whole", "part"]


class ProfileOut(BaseModel):
    unit: UnitOut
    parent: UnitOut | None
    area_km2: float | None
    population: PopulationOut | None
    neighbours: list[UnitOut]
    predecessors: list[PredecessorOut]


class PopulationsOut(BaseModel):
    as_of: date
    populations: dict[str, float] = Field(description="residents per commune code (current scheme)")


class CommuneProperties(BaseModel):
    code: str
    name: str
    short_name: str


class Geometry(BaseModel):
    type: Literal["Polygon", "MultiPolygon"]
    coordinates: list[Any]


class Feature(BaseModel):
    type: Literal["Feature"]
    id: str
    properties: CommuneProperties
    geometry: Geometry


class FeatureCollection(BaseModel):
    type: Literal["FeatureCollection"]
    features: list[Feature]


def unit_out(unit: Unit) -> UnitOut:
    return UnitOut(
        scheme=unit.scheme,
        code=unit.code,
        name=unit.name,
        short_name=unit.short_name,
        kind=unit.kind,
        level=unit.level.value,
    )


def profile_out(profile: UnitProfile) -> ProfileOut:
    return ProfileOut(
        unit=unit_out(profile.unit),
        parent=None if profile.parent is None else unit_out(profile.parent),
        area_km2=profile.area_km2,
        population=None
        if profile.population is None
        else PopulationOut(value=profile.population.value, period=profile.population.period),
        neighbours=[unit_out(u) for u in profile.neighbours],
        predecessors=[
            PredecessorOut(**unit_out(c.old).model_dump(), transfer=c.transfer.value)
            for c in profile.predecessors
        ],
    )


class GeoJSONResponse(JSONResponse):
    """Declares ``application/geo+json`` in the OpenAPI schema (the body is prepared bytes)."""

    media_type = GEOJSON


# declared before /units/{code}, which would otherwise take "populations" for a code
@router.get("/units/populations", response_model=PopulationsOut, summary="Residents per commune")
def get_populations(request: Request, as_of: date | None = None) -> PopulationsOut:
    actor: Actor = request.state.actor
    day = as_of or today_local()
    return PopulationsOut(as_of=day, populations=populations(request.app.state.database, actor, day))


@router.get(
    "/units/{code}", response_model=ProfileOut, summary="A commune: parent, area, population, neighbours"
)
def get_unit(
    request: Request,
    code: Annotated[str, Path(max_length=8, description="commune code of the current scheme")],
    as_of: Annotated[date | None, Query(description="population as of this day (default today)")] = None,
) -> ProfileOut:
    actor: Actor = request.state.actor
    return profile_out(unit_profile(request.app.state.database, actor, code, as_of=as_of))


@router.get(
    "/map/communes",
    response_class=GeoJSONResponse,
    summary="The communes in your scope as GeoJSON (simplified, WGS84)",
    responses={200: {"model": FeatureCollection}},
)
def get_commune_map(request: Request) -> Response:
    actor: Actor = request.state.actor
    return Response(
        commune_map_json(actor), media_type=GEOJSON, headers={"Cache-Control": "private, max-age=3600"}
    )
