"""Schema migrations (Alembic, scripts inside the package) and the reference-data sync.

``antt db upgrade`` = migrate to the newest revision, then make the reference tables (schemes, units,
crosswalk, reporting groups, offences) equal to the files in ``antt/data/``.
"""

from __future__ import annotations

from functools import lru_cache

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from antt.storage.engine import Database


def alembic_config(engine: Engine | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", "antt.storage:migrations")
    if engine is not None:
        config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return config


def upgrade(database: Database, revision: str = "head") -> None:
    config = alembic_config(database.engine)
    config.attributes["antt_settings"] = database.settings  # 0003 signs the audit chain's legacy boundary
    with database.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def downgrade(database: Database, revision: str) -> None:
    config = alembic_config(database.engine)
    with database.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def current_revision(database: Database) -> str | None:
    with database.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


@lru_cache(maxsize=1)
def head_revision() -> str | None:
    """The newest migration shipped with this code (read once: the scripts don't change while running)."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()
