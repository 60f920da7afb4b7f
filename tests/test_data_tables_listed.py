"""Every table that holds data (not reference data) is emptied between PostgreSQL tests.

On SQLite each test gets a fresh copy of a template file; on PostgreSQL the worker's database is reused and
``tests/conftest.py`` truncates ``DATA_TABLES``. A table missing from that list keeps an earlier test's rows
(network snapshots once made a later page test depend on the order the tests ran in)."""

from antt.storage.tables import Base
from tests.conftest import DATA_TABLES

# written by the reference sync from the versioned reference data; the same in every test database
REFERENCE_TABLES = {
    "unit_schemes",
    "units",
    "unit_crosswalk",
    "reporting_groups",
    "offences",
    "offence_clauses",
}


def test_every_data_table_is_truncated_between_postgresql_tests() -> None:
    assert set(Base.metadata.tables) - REFERENCE_TABLES == set(DATA_TABLES)
    assert len(DATA_TABLES) == len(set(DATA_TABLES))
