"""The JSON API behind the dashboard's widgets is described by the app's OpenAPI schema, and what each
endpoint answers on the demo city is what the schema declares.

The body of every 200 answer is validated against the response schema the OpenAPI document declares for
it, by a small JSON Schema validator written here for the keywords FastAPI and pydantic emit (it refuses a
keyword it does not know, so a schema cannot pass by being misunderstood).
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Iterator
from datetime import date, datetime
from importlib.resources import files
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import text

import antt.web.api
from antt.services.database import Database
from antt.settings import load_settings
from antt.web.app import create_app
from tests.conftest import TEST_KEY
from tests.web.signed_in import client_as

# The widgets' endpoints (path as declared) and a request of each that the demo city answers with data.
WIDGET_ENDPOINTS = {
    "/api/compstat": [
        "/api/compstat?period=report-month:2026-10",
        "/api/compstat?period=ytd:2026-10-31&group=drugs&by=group",
    ],
    "/api/compstat/series": ["/api/compstat/series?period=report-month:2026-10&step=week&unit=11383"],
    "/api/compstat/weekday-hour": ["/api/compstat/weekday-hour?period=year:2025&group=social_order"],
    "/api/targets": ["/api/targets?as_of=2026-11-01", "/api/targets?as_of=2026-11-01&unit=11383"],
    "/api/map/communes": ["/api/map/communes"],
    "/api/units/{code}": ["/api/units/11383", "/api/units/11383?as_of=2026-10-31"],
    "/api/units/populations": ["/api/units/populations?as_of=2026-10-31"],
    "/api/indicators/{indicator}": [
        "/api/indicators/population",
        "/api/indicators/eid_accounts_activated?unit=11383",
    ],
    "/api/risk/cells": [
        "/api/risk/cells?unit=11383",
        "/api/risk/cells?unit=11383&group=social_order&horizon=28d",
    ],
}
REQUESTS = [(path, url) for path, urls in WIDGET_ENDPOINTS.items() for url in urls]
ANNOTATIONS = {"title", "description", "default", "examples", "deprecated", "readOnly", "writeOnly"}


@pytest.fixture(scope="module")
def app(demo_database: Database) -> FastAPI:
    url = demo_database.engine.url.render_as_string(hide_password=False)
    return create_app(load_settings(database_url=url, pseudonym_key=TEST_KEY, demo=True))


@pytest.fixture(scope="module")
def client(app: FastAPI, demo_database: Database) -> Iterator[TestClient]:
    with client_as(app, demo_database) as c:
        yield c


@pytest.fixture(scope="module")
def openapi(client: TestClient) -> dict[str, Any]:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    document: dict[str, Any] = response.json()
    return document


# ---------------------------------------------------------------------------------- a JSON Schema subset


class SchemaError(AssertionError):
    pass


def validate(value: Any, schema: dict[str, Any], root: dict[str, Any], where: str = "$") -> None:
    """Check ``value`` against ``schema`` (OpenAPI 3.1 / JSON Schema 2020-12 as FastAPI writes it);
    ``$ref`` is resolved in ``root``. Raises :class:`SchemaError` naming the JSON path."""
    if "$ref" in schema:
        ref = schema["$ref"]
        assert ref.startswith("#/"), ref
        target: Any = root
        for part in ref[2:].split("/"):
            target = target[part]
        validate(value, target, root, where)
    unknown = set(schema) - ANNOTATIONS - set(KEYWORDS) - {"$ref", "format"}
    if unknown:
        raise SchemaError(f"{where}: the validator does not know {sorted(unknown)}")
    for keyword, check in KEYWORDS.items():
        if keyword in schema:
            check(value, schema, root, where)
    fmt = schema.get("format")
    if fmt and isinstance(value, str):
        parse = {"date": date.fromisoformat, "date-time": datetime.fromisoformat}.get(fmt)
        if parse is None:
            raise SchemaError(f"{where}: the validator does not know format {fmt!r}")
        try:
            parse(value.replace("Z", "+00:00"))
        except ValueError:
            raise SchemaError(f"{where}: {value!r} is not a {fmt}") from None


def _is_type(value: Any, kind: str) -> bool:
    return {
        "null": value is None,
        "boolean": isinstance(value, bool),
        "integer": (isinstance(value, int) and not isinstance(value, bool))
        or (isinstance(value, float) and value.is_integer()),
        "number": isinstance(value, int | float) and not isinstance(value, bool),
        "string": isinstance(value, str),
        "array": isinstance(value, list),
        "object": isinstance(value, dict),
    }[kind]


def _type(value: Any, schema: dict[str, Any], root: dict[str, Any], where: str) -> None:
    kinds = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
    if not any(_is_type(value, k) for k in kinds):
        raise SchemaError(f"{where}: {value!r:.80} is not of type {kinds}")


def _any_of(value: Any, schema: dict[str, Any], root: dict[str, Any], where: str) -> None:
    errors = []
    for option in schema["anyOf"]:
        try:
            validate(value, option, root, where)
            return
        except SchemaError as error:
            errors.append(str(error))
    raise SchemaError(f"{where}: matches none of anyOf: {errors}")


def _all_of(value: Any, schema: dict[str, Any], root: dict[str, Any], where: str) -> None:
    for option in schema["allOf"]:
        validate(value, option, root, where)


def _properties(value: Any, schema: dict[str, Any], root: dict[str, Any], where: str) -> None:
    if isinstance(value, dict):
        for name, sub in schema["properties"].items():
            if name in value:
                validate(value[name], sub, root, f"{where}.{name}")


def _required(value: Any, schema: dict[str, Any], root: dict[str, Any], where: str) -> None:
    if isinstance(value, dict):
        missing = [name for name in schema["required"] if name not in value]
        if missing:
            raise SchemaError(f"{where}: missing {missing}")


def _additional(value: Any, schema: dict[str, Any], root: dict[str, Any], where: str) -> None:
    if not isinstance(value, dict):
        return
    extra = {k: v for k, v in value.items() if k not in schema.get("properties", {})}
    rule = schema["additionalProperties"]
    if rule is False and extra:
        raise SchemaError(f"{where}: unexpected {sorted(extra)}")
    if isinstance(rule, dict):
        for name, item in extra.items():
            validate(item, rule, root, f"{where}.{name}")


def _items(value: Any, schema: dict[str, Any], root: dict[str, Any], where: str) -> None:
    if isinstance(value, list):
        skip = len(schema.get("prefixItems", []))
        for i, item in enumerate(value[skip:], start=skip):
            validate(item, schema["items"], root, f"{where}[{i}]")


def _prefix_items(value: Any, schema: dict[str, Any], root: dict[str, Any], where: str) -> None:
    if isinstance(value, list):
        for i, (item, sub) in enumerate(zip(value, schema["prefixItems"], strict=False)):
            validate(item, sub, root, f"{where}[{i}]")


def _enum(value: Any, schema: dict[str, Any], root: dict[str, Any], where: str) -> None:
    if value not in schema["enum"]:
        raise SchemaError(f"{where}: {value!r} not in {schema['enum']}")


def _const(value: Any, schema: dict[str, Any], root: dict[str, Any], where: str) -> None:
    if value != schema["const"]:
        raise SchemaError(f"{where}: {value!r} is not {schema['const']!r}")


def _bounds(value: Any, schema: dict[str, Any], root: dict[str, Any], where: str) -> None:
    if isinstance(value, list | str):
        if len(value) < schema.get("minItems", schema.get("minLength", 0)):
            raise SchemaError(f"{where}: too short")
        if len(value) > schema.get("maxItems", schema.get("maxLength", len(value))):
            raise SchemaError(f"{where}: too long")


KEYWORDS = {
    "type": _type,
    "anyOf": _any_of,
    "allOf": _all_of,
    "properties": _properties,
    "required": _required,
    "additionalProperties": _additional,
    "prefixItems": _prefix_items,
    "items": _items,
    "enum": _enum,
    "const": _const,
    "minItems": _bounds,
    "maxItems": _bounds,
    "minLength": _bounds,
    "maxLength": _bounds,
}


def response_schema(openapi: dict[str, Any], path: str, media_type: str | None = None) -> dict[str, Any]:
    """The schema the document declares for a 200 answer of ``GET path`` (under ``media_type``, or the
    only media type that has one)."""
    content = openapi["paths"][path]["get"]["responses"]["200"]["content"]
    if media_type is not None:
        schema: dict[str, Any] = content.get(media_type, {}).get("schema", {})
        return schema
    declared: list[dict[str, Any]] = [c["schema"] for c in content.values() if c.get("schema")]
    assert len(declared) == 1, f"{path}: {len(declared)} response schemas"
    return declared[0]


# ----------------------------------------------------------------------------------------------- tests


def test_the_validator_refuses_what_the_schema_does_not_allow(openapi: dict[str, Any]) -> None:
    schema = response_schema(openapi, "/api/units/populations")
    validate({"as_of": "2026-10-31", "populations": {"11383": 101000.0}}, schema, openapi)
    for wrong in [
        {"as_of": "2026-10-31"},  # missing populations
        {"as_of": "31/10/2026", "populations": {}},  # not an ISO date
        {"as_of": "2026-10-31", "populations": {"11383": "many"}},  # not a number
        {"as_of": "2026-10-31", "populations": []},  # not an object
    ]:
        with pytest.raises(SchemaError):
            validate(wrong, schema, openapi)
    targets = response_schema(openapi, "/api/targets")
    with pytest.raises(SchemaError):
        validate({"targets": [{"id": "x"}]}, targets, openapi)
    with pytest.raises(SchemaError, match="does not know"):
        validate(1, {"type": "integer", "multipleOf": 2}, openapi)


def test_every_widget_endpoint_is_in_the_schema(openapi: dict[str, Any]) -> None:
    declared = {path for path, ops in openapi["paths"].items() if "get" in ops}
    assert set(WIDGET_ENDPOINTS) <= declared
    for path in WIDGET_ENDPOINTS:
        operation = openapi["paths"][path]["get"]
        assert operation.get("summary"), path
        assert response_schema(openapi, path), path


def test_every_route_of_the_api_package_is_in_the_schema_and_tested_here(openapi: dict[str, Any]) -> None:
    # antt/web/api/ holds one module per resource, each with its APIRouter (prefix included in the paths)
    routes = set()
    for module in pkgutil.iter_modules(antt.web.api.__path__):
        router = importlib.import_module(f"antt.web.api.{module.name}").router
        routes |= {route.path for route in router.routes if isinstance(route, APIRoute)}
    assert routes == {path for path in openapi["paths"] if path.startswith("/api/")}
    assert routes == set(WIDGET_ENDPOINTS), "a new endpoint needs a request in WIDGET_ENDPOINTS"


def test_what_the_page_script_fetches_is_in_the_schema(openapi: dict[str, Any]) -> None:
    script = (files("antt.web") / "static" / "app.js").read_text(encoding="utf-8")
    fetched = set(re.findall(r"""["'](/api/[^"'?]*)""", script))
    assert fetched, "app.js fetches no API any more: update this test"
    assert fetched <= set(openapi["paths"])


@pytest.mark.parametrize(("path", "url"), REQUESTS, ids=[url for _, url in REQUESTS])
def test_the_endpoint_answers_what_its_schema_declares(
    client: TestClient, openapi: dict[str, Any], path: str, url: str
) -> None:
    response = client.get(url)
    assert response.status_code == 200, response.text[:2000]
    body = response.json()
    validate(body, response_schema(openapi, path), openapi)
    assert body, "an empty answer proves little"


def test_the_endpoints_answer_with_data_of_the_demo_city(client: TestClient, demo_database: Database) -> None:
    # the schema checks above are only worth something if the answers are not empty
    compstat = client.get("/api/compstat", params={"period": "report-month:2026-10"}).json()
    assert compstat["totals"]["current"] > 0 and len(compstat["rows"]) == 114
    series = client.get("/api/compstat/series", params={"period": "report-month:2026-10"}).json()
    assert series["total"] == compstat["totals"]["current"]
    grid = client.get("/api/compstat/weekday-hour", params={"period": "report-month:2026-10"}).json()
    assert grid["total"] == compstat["totals"]["current"] and len(grid["counts"]) == 7
    assert len(client.get("/api/map/communes").json()["features"]) == 114
    assert client.get("/api/units/11383").json()["neighbours"]
    assert (
        len(client.get("/api/units/populations", params={"as_of": "2026-10-31"}).json()["populations"]) == 114
    )
    with demo_database.engine.connect() as conn:
        n = conn.execute(
            text("SELECT count(*) FROM indicator_values WHERE indicator = 'population'")
        ).scalar_one()
    assert len(client.get("/api/indicators/population").json()["values"]) == n > 0
    assert len(client.get("/api/targets").json()["targets"]) >= 3


def test_the_commune_map_schema_is_declared_for_the_media_type_it_is_served_as(
    client: TestClient, openapi: dict[str, Any]
) -> None:
    response = client.get("/api/map/communes")
    media_type = response.headers["content-type"].split(";")[0]
    assert media_type == "application/geo+json"
    schema = response_schema(openapi, "/api/map/communes", media_type)
    assert schema, f"no schema declared for {media_type}"
    validate(response.json(), schema, openapi)
