"""Shared fixtures: a real database per test (SQLite by default, PostgreSQL when
``ANTT_TEST_DATABASE_URL`` names one), settings, and a full-scope actor.

The schema and reference data are built once per run (a template); each test gets a fresh copy (SQLite:
a copied file; PostgreSQL: data tables emptied), so tests never see each other's rows.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from antt.domain.access import Actor
from antt.services.database import open_database, upgrade
from antt.settings import Settings, load_settings
from antt.storage.engine import Database

TEST_KEY = "test-pseudonym-key-0123456789abcdef-not-for-production"


def _worker_url(url: str) -> str:
    """Under pytest-xdist each worker gets a PostgreSQL database of its own (``<name>_gw0``, …), created on
    first use, so workers never empty each other's tables; a single process uses ``url`` as given."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not url or not worker:
        return url
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    from antt.storage.engine import normalise_url

    base = make_url(normalise_url(url))
    name = f"{base.database}_{worker}"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first() is None:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


PG_URL = _worker_url(os.environ.get("ANTT_TEST_DATABASE_URL", ""))
DATA_TABLES = [
    "alerts",
    "incident_changes",
    "incident_persons",
    "persons",
    "incidents",
    "indicator_values",
    "import_batches",
    "audit_log",
    "audit_boundary",
    "audit_verified",
    "audit_throttle",
    "target_versions",
    "sessions",
    "grants",
    "users",
    "legacy_lock_schedule",
    "drug_decisions",
    "drug_surveys",
    "group_snapshots",
    "survey_campaigns",
    "survey_forms",
    "survey_attachments",
    "report_draft_versions",
    "report_drafts",
]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On PostgreSQL run only what touches a database: tests using the test database's fixtures and the
    modules that make databases of their own (they import ``PG_URL``). The rest (pure domain and analytics)
    ran already on the SQLite pass and would only be repeated."""
    for item in items:  # a browser test starts chromium and a server: never part of the fast subset
        if item.get_closest_marker("browser") is not None:
            item.add_marker(pytest.mark.slow)
    if not PG_URL:
        return
    kept: list[pytest.Item] = []
    dropped: list[pytest.Item] = []
    for item in items:
        module = getattr(item, "module", None)
        uses_database = "database_url_template" in getattr(item, "fixturenames", ())
        (kept if uses_database or hasattr(module, "PG_URL") else dropped).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


def pytest_report_header() -> str:
    return f"ANTT test database: {'PostgreSQL ' + PG_URL if PG_URL else 'SQLite (temporary files)'}"


@pytest.fixture(scope="session")
def database_url_template(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = PG_URL or f"sqlite:///{tmp_path_factory.mktemp('template') / 'template.db'}"
    settings = load_settings(database_url=url, pseudonym_key=TEST_KEY)
    db = open_database(settings)
    if PG_URL:
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    upgrade(db)
    db.dispose()
    return url


def truncate_data_tables(url: str) -> None:
    db = open_database(load_settings(database_url=url, pseudonym_key=TEST_KEY))
    with db.engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {', '.join(DATA_TABLES)} RESTART IDENTITY CASCADE"))
    db.dispose()


@pytest.fixture
def database_url(database_url_template: str, tmp_path: Path) -> str:
    if PG_URL:
        truncate_data_tables(PG_URL)
        return PG_URL
    source = Path(database_url_template.removeprefix("sqlite:///"))
    target = tmp_path / "antt.db"
    shutil.copyfile(source, target)
    return f"sqlite:///{target}"


@pytest.fixture
def settings(database_url: str) -> Settings:
    return load_settings(database_url=database_url, pseudonym_key=TEST_KEY)


@pytest.fixture
def database(settings: Settings) -> Iterator[Database]:
    db = open_database(settings)
    yield db
    db.dispose()


@pytest.fixture
def actor() -> Actor:
    return Actor.system("test-analyst")


@pytest.fixture
def cli_env(database_url: str) -> dict[str, str]:
    """Environment for running the ``antt`` command in a subprocess against the test database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANTT_")}
    env.update({"ANTT_DATABASE_URL": database_url, "ANTT_PSEUDONYM_KEY": TEST_KEY, "COLUMNS": "200"})
    return env


@pytest.fixture
def is_postgres() -> bool:
    return bool(PG_URL)


DEMO_END = date(2026, 10, 31)


def _run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder shared by every worker of this run (pytest-xdist gives each worker its own base folder
    under one parent), or this process's base folder."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def _pg_admin():
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    from antt.storage.engine import normalise_url

    base = make_url(normalise_url(os.environ["ANTT_TEST_DATABASE_URL"]))
    return base, create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")


def _build_demo(url: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    from antt.demo.build import generate
    from antt.demo.build import load as load_demo

    settings = load_settings(database_url=url, pseudonym_key=TEST_KEY, demo=True)
    db = open_database(settings)
    try:
        load_demo(db, settings, generate(tmp_path_factory.mktemp("city"), end=DEMO_END))
    finally:
        db.dispose()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory, database_url_template: str) -> str:
    """The demo city (to 31/10/2026) built once per run, whichever worker asks first (the others wait
    on a lock): a SQLite file, or a PostgreSQL database ``<test database>_demo``. Building it took ≈ 40 s,
    once for each of the ~16 modules that use it, on each engine."""
    import fcntl

    folder = _run_folder(tmp_path_factory)
    done = folder / "demo-template.done"
    with open(folder / "demo-template.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if PG_URL:
            base, admin = _pg_admin()
            name = f"{base.database}_demo"
            url = base.set(database=name).render_as_string(hide_password=False)
            if not done.exists():
                with admin.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                    conn.execute(text(f'CREATE DATABASE "{name}"'))
                admin.dispose()
                db = open_database(load_settings(database_url=url, pseudonym_key=TEST_KEY))
                upgrade(db)
                db.dispose()
        else:
            url = f"sqlite:///{folder / 'demo-template.db'}"
            if not done.exists():
                shutil.copyfile(database_url_template.removeprefix("sqlite:///"), folder / "demo-template.db")
        if not done.exists():
            _build_demo(url, tmp_path_factory)
            done.touch()
    return url


@pytest.fixture(scope="module")
def demo_database(tmp_path_factory, demo_template):
    """The demo city loaded into a database of this test module's own: a copy of the run's template (a
    SQLite file copied, or ``CREATE DATABASE … TEMPLATE`` on PostgreSQL), so a module may change it."""
    if PG_URL:
        base, admin = _pg_admin()
        name = f"{make_url_database(PG_URL)}_demo"
        template = make_url_database(demo_template)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
        url = base.set(database=name).render_as_string(hide_password=False)
    else:
        target = tmp_path_factory.mktemp("compstat") / "demo.db"
        shutil.copyfile(demo_template.removeprefix("sqlite:///"), target)
        url = f"sqlite:///{target}"
    db = open_database(load_settings(database_url=url, pseudonym_key=TEST_KEY, demo=True))
    yield db
    db.dispose()
    if PG_URL:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def make_url_database(url: str) -> str:
    from sqlalchemy.engine import make_url

    from antt.storage.engine import normalise_url

    return str(make_url(normalise_url(url)).database)
