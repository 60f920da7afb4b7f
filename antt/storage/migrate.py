"""Schema migrations (Alembic, scripts inside the package) and the reference-data sync.

``antt db upgrade`` = migrate to the newest revision, then make the reference tables (schemes, units,
crosswalk, reporting groups, offences) equal to the files in ``antt/data/``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

from antt.errors import AnttError
from antt.storage.engine import Database


def alembic_config(engine: Engine | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", "antt.storage:migrations")
    if engine is not None:
        config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return config


def _sqlite_pragma(connection: Connection, statement: str) -> int | None:
    """Run a PRAGMA on the driver connection itself (SQLAlchemy would open a transaction first)."""
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(statement)
        row = cursor.fetchone()
        return None if row is None else int(row[0])
    finally:
        cursor.close()


@contextmanager
def migrating(engine: Engine) -> Iterator[Connection]:
    """One transaction for Alembic; on SQLite with foreign-key enforcement off while it runs.

    Batch mode rebuilds a SQLite table by copying it and dropping the original; with enforcement on, that
    DROP deletes (``ON DELETE CASCADE``) or blanks (``SET NULL``) every row pointing at the table — an
    upgrade that rebuilt ``users`` erased every grant and session. The pragma changes only outside a
    transaction, so it is set before BEGIN and restored after; ``foreign_key_check`` then proves the rebuilt
    tables still hold together before the commit (as SQLite's own ALTER TABLE procedure does).
    """
    with engine.connect() as connection:
        sqlite = engine.dialect.name == "sqlite"
        enforced = sqlite and _sqlite_pragma(connection, "PRAGMA foreign_keys") == 1
        if enforced:
            _sqlite_pragma(connection, "PRAGMA foreign_keys=OFF")
        try:
            with connection.begin():
                yield connection
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall() if sqlite else []
                if broken:
                    found = ", ".join(f"{r[0]} rowid {r[1]} → {r[2]}" for r in broken[:5])
                    raise AnttError(
                        f"Nâng cấp bị huỷ, không thay đổi gì: khoá ngoại bị vi phạm ({found}).",
                        f"The upgrade was undone, nothing changed: foreign keys violated ({found}).",
                    )
        finally:
            if enforced:
                _sqlite_pragma(connection, "PRAGMA foreign_keys=ON")


def upgrade(database: Database, revision: str = "head") -> None:
    config = alembic_config(database.engine)
    config.attributes["antt_settings"] = database.settings  # 0003 signs the audit chain's legacy boundary
    with migrating(database.engine) as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def downgrade(database: Database, revision: str) -> None:
    config = alembic_config(database.engine)
    with migrating(database.engine) as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def current_revision(database: Database) -> str | None:
    with database.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


@lru_cache(maxsize=1)
def head_revision() -> str | None:
    """The newest migration shipped with this code (read once: the scripts don't change while running)."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()
