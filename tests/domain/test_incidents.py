"""The incident record's content hash: stored hashes depend on its exact definition."""

from __future__ import annotations

import hashlib
from datetime import date, datetime

from hypothesis import given
from hypothesis import strategies as st

from antt.domain.incidents import IncidentRecord, IncidentStatus, LocationFlag

text = st.text(max_size=30)
optional_text = st.none() | text
moments = st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31))
days = st.dates(min_value=date(1, 1, 1))
counts = st.none() | st.integers(min_value=0, max_value=10**15)
coordinates = st.none() | st.floats(allow_nan=False, allow_infinity=False)

records = st.builds(
    IncidentRecord,
    source_id=text,
    occurred_at=moments,
    occurred_on=days,
    reported_at=st.none() | moments,
    unit_scheme=text,
    unit_code=text,
    lat=coordinates,
    lon=coordinates,
    location_flag=st.sampled_from(LocationFlag),
    article=text,
    clause=st.none() | st.integers(min_value=0, max_value=99),
    reporting_group=text,
    severity=optional_text,
    severity_min=optional_text,
    severity_max=optional_text,
    status=st.sampled_from(IncidentStatus),
    cleared_on=st.none() | days,
    suspects=counts,
    victims=counts,
    drug_related=st.booleans(),
    organised_group=st.booleans(),
    damage_vnd=counts,
    note=optional_text,
    report_unit_code=text,
    report_approx=st.booleans(),
    persons=st.lists(text, max_size=3).map(tuple),
)


@given(records)
def test_the_content_hash_digests_every_field_as_text(record: IncidentRecord) -> None:
    # the definition stored hashes were made with: every field's str(), empty for None, joined by U+001F
    text = "\x1f".join(["" if v is None else str(v) for v in record])
    assert record.content_hash() == hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def test_the_content_hash_of_a_known_record_is_stable() -> None:
    record = IncidentRecord(
        "HP-00001",
        datetime(2026, 3, 5, 7, 30),
        date(2026, 3, 5),
        None,
        "2025-07",
        "11311",
        20.8616,
        106.6745,
        LocationFlag.MATCH,
        "173",
        1,
        "property",
        "less_serious",
        "less_serious",
        "less_serious",
        IncidentStatus.CLEARED,
        date(2026, 3, 9),
        1,
        None,
        False,
        True,
        1500000,
        None,
        "11311",
        False,
        ("p1_0123",),
    )
    assert record.content_hash() == "664d6bbb7c4cc936b9cc32cdd877d70c"
