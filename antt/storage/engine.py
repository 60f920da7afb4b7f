"""Engine and session factory for SQLite (embedded default) and PostgreSQL.

SQLite runs in WAL mode with foreign keys on and ``synchronous=FULL`` by default (every acknowledged
commit survives power loss; ``NORMAL`` may lose the last commits on an OS crash but never corrupts —
configurable through ``ANTT_SQLITE_SYNCHRONOUS``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from antt.errors import AnttError, DiskFull
from antt.settings import Settings


def normalise_url(url: str) -> str:
    """``postgresql://`` → ``postgresql+psycopg://`` (psycopg 3 is the driver we ship)."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def make_engine(settings: Settings, **kwargs: Any) -> Engine:
    url = normalise_url(settings.database_url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)
        synchronous = settings.sqlite_synchronous

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            # Let SQLAlchemy, not pysqlite, decide when transactions begin (so BEGIN is explicit).
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA synchronous={synchronous}")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.execute("PRAGMA temp_store=MEMORY")  # import staging tables
            cursor.execute("PRAGMA cache_size=-65536")  # 64 MiB page cache: bulk index updates stay in memory
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn: Any) -> None:
            write = conn.get_execution_options().get("antt_write", False)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

        return engine
    # No server-side prepared statements: after five executions psycopg would prepare, and PostgreSQL's
    # generic plan then checks each row against CompStat's list of communes one by one (3–5× slower).
    return create_engine(url, pool_pre_ping=True, connect_args={"prepare_threshold": None}, **kwargs)


class Database:
    """One engine and its session factory; ``transaction()`` is all-or-nothing."""

    def __init__(self, settings: Settings, **engine_kwargs: Any) -> None:
        self.settings = settings
        self.engine = make_engine(settings, **engine_kwargs)
        info = {"antt_settings": settings}  # the audit chain key comes from them (antt.storage.audit)
        self._readers = sessionmaker(self.engine, expire_on_commit=False, info=info)
        self._writers = sessionmaker(
            self.engine.execution_options(antt_write=True), expire_on_commit=False, info=info
        )

    @contextmanager
    def transaction(self, *, write: bool = True) -> Iterator[Session]:
        """A session in one transaction: committed when the block ends, rolled back on any exception.

        ``write=True`` takes SQLite's write lock at BEGIN, so a long import never fails half-way with
        "database is locked" when another writer appears.
        """
        with (self._writers if write else self._readers)() as session:
            try:
                yield session
                session.commit()
            except BaseException as exc:
                session.rollback()
                if not isinstance(exc, AnttError) and DiskFull.caused(exc):
                    raise DiskFull() from exc  # one clear message; the rollback above undid everything
                raise

    def dispose(self) -> None:
        self.engine.dispose()
