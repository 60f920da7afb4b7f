"""Incident rows are stored exactly as SQLAlchemy itself would bind their values, in every dialect."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect

from antt.domain.incidents import IncidentRecord, IncidentStatus, LocationFlag
from antt.storage.incidents import INCIDENTS, RECORD_COLUMNS, RowEncoder

DIALECTS = [sqlite.dialect(), postgresql.psycopg.dialect()]
moments = st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31))
days = st.dates(min_value=date(1, 1, 1))
counts = st.none() | st.integers(min_value=0, max_value=10**15)

records = st.builds(
    IncidentRecord,
    source_id=st.text(max_size=10),
    occurred_at=moments,
    occurred_on=days,
    reported_at=st.none() | moments,
    unit_scheme=st.just("2025-07"),
    unit_code=st.just("11311"),
    lat=st.none() | st.floats(-90, 90),
    lon=st.none() | st.floats(-180, 180),
    location_flag=st.sampled_from(LocationFlag),
    article=st.just("173"),
    clause=st.none() | st.integers(1, 9),
    reporting_group=st.just("property"),
    severity=st.none() | st.just("serious"),
    severity_min=st.none() | st.just("less_serious"),
    severity_max=st.none() | st.just("serious"),
    status=st.sampled_from(IncidentStatus),
    cleared_on=st.none() | days,
    suspects=counts,
    victims=counts,
    drug_related=st.booleans(),
    organised_group=st.booleans(),
    damage_vnd=counts,
    note=st.none() | st.text(max_size=10),
    report_unit_code=st.just("11311"),
    report_approx=st.booleans(),
)


def bound_by_sqlalchemy(record: IncidentRecord, dialect: Dialect) -> list[Any]:
    values: list[Any] = []
    for name in RECORD_COLUMNS:
        value = getattr(record, name)
        value = value.value if isinstance(value, (IncidentStatus, LocationFlag)) else value
        process = INCIDENTS.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        values.append(process(value) if process is not None and value is not None else value)
    return values


@given(st.lists(records, min_size=1, max_size=5))
def test_encoded_values_are_what_sqlalchemy_binds(batch: list[IncidentRecord]) -> None:
    for dialect in DIALECTS:
        encoder = RowEncoder(dialect)
        for record in batch:  # several records per encoder: remembered encodings must not leak between values
            assert encoder.encode(record) == bound_by_sqlalchemy(record, dialect)
