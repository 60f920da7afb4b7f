"""The synthetic demo city: reproducible, importable without a single error, calibrated, with its truth."""

from __future__ import annotations

import json
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from antt.demo.build import generate, load
from antt.storage.tables import IncidentPerson, IncidentRow

END = date(2026, 10, 31)  # a fixed end: the files must not depend on the day the tests run


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    return generate(tmp_path_factory.mktemp("city"), end=END)


@pytest.fixture(scope="module")
def truth(city):
    return json.loads(city.ground_truth.read_text(encoding="utf-8"))


@pytest.fixture
def loaded(city, database, settings):
    from antt.services.imports import ImportSummary

    demo_settings = settings.model_copy(update={"demo": True})
    return [
        s for s in load(database, demo_settings, city) if isinstance(s, ImportSummary)
    ]  # the incident files


def test_the_same_seed_gives_byte_identical_files(city, tmp_path) -> None:
    again = generate(tmp_path / "again", end=END)
    first = json.loads(city.manifest.read_text(encoding="utf-8"))["files"]
    second = json.loads(again.manifest.read_text(encoding="utf-8"))["files"]
    assert first == second and len(first) >= 8


def test_another_seed_gives_another_city(city, tmp_path) -> None:
    other = generate(tmp_path / "other", seed=7, end=date(2021, 3, 31))
    assert {f.name for f in other.incident_files} == {"incidents-2021.csv"}
    assert other.incident_files[0].read_bytes() != city.incident_files[0].read_bytes()


def test_files_are_in_the_real_formats_and_labelled_synthetic(city, truth) -> None:
    names = [p.name for p in city.incident_files]
    assert names == [f"incidents-{y}.csv" for y in range(2021, 2025)] + [
        "incidents-2025.xlsx",
        "incidents-2026.xlsx",
    ]
    assert city.incident_files[1].read_bytes().startswith(b"\xef\xbb\xbfsource_id,")  # Excel's CSV UTF-8
    assert (
        city.incident_files[0].read_text(encoding="utf-8-sig").startswith("Mã vụ việc,")
    )  # Vietnamese headers
    sheet = load_workbook(city.incident_files[-1], read_only=True).worksheets[0]
    header, first = list(sheet.iter_rows(min_row=1, max_row=2, values_only=True))
    assert header[0] == "Mã vụ việc" and hasattr(first[1], "year")  # a real date cell
    assert truth["label"] == "Dữ liệu mô phỏng"
    assert json.loads(city.manifest.read_text(encoding="utf-8"))["label"] == "Dữ liệu mô phỏng"


def test_every_file_imports_with_zero_errors_and_every_point_in_its_unit(loaded, database, truth) -> None:
    assert sum(s.rows_total for s in loaded) == sum(truth["incidents"].values())
    for s in loaded:
        assert s.new == s.rows_total
        assert "coords.mismatch" not in s.warnings_by_rule and "coords.nearest" not in s.warnings_by_rule
        assert set(s.assignments) <= {"code", "match", "point", "approximate"}


def test_social_order_crime_and_clearance_are_at_the_published_scale(loaded, database) -> None:
    """REFERENCE §8: 603 social-order cases in H1 2025 (≈ 1,200 a year), clearance 74–85 %, very serious and
    especially serious 93–97 %; earlier years are higher because the city declines toward its targets."""
    with database.transaction(write=False) as s:
        rows = s.execute(
            select(
                IncidentRow.occurred_on, IncidentRow.status, IncidentRow.severity_max, IncidentRow.severity
            ).where(IncidentRow.reporting_group == "social_order")
        ).all()
    per_year = Counter(r.occurred_on.year for r in rows)
    assert 1100 <= per_year[2024] <= 1350 and 1100 <= per_year[2025] <= 1300, per_year
    h1_2025 = sum(1 for r in rows if date(2025, 1, 1) <= r.occurred_on <= date(2025, 6, 30))
    assert 540 <= h1_2025 <= 670, h1_2025  # published: 603
    assert per_year[2021] > per_year[2023] > per_year[2025]
    for year in range(2021, 2026):
        cases = [r for r in rows if r.occurred_on.year == year]
        rate = sum(r.status == "cleared" for r in cases) / len(cases)
        assert 0.74 <= rate <= 0.85, (year, rate)
    grave = [
        r for r in rows if r.severity in ("very_serious", "especially_serious") and r.occurred_on.year < 2026
    ]
    rate = sum(r.status == "cleared" for r in grave) / len(grave)
    assert 0.93 <= rate <= 0.97, rate


def test_the_planted_communes_rise_against_the_city_trend(loaded, database, truth) -> None:
    from antt.services.imports import commune_locator

    with database.transaction(write=False) as s:
        rows = s.execute(
            select(IncidentRow.lon, IncidentRow.lat, IncidentRow.occurred_on).where(
                IncidentRow.reporting_group == "social_order", IncidentRow.lat.is_not(None)
            )
        ).all()
    located = commune_locator().locate([r.lon for r in rows], [r.lat for r in rows]).codes

    def count(codes: set[str] | None, year: int) -> int:  # January–October, present in every year
        return sum(
            1
            for r, code in zip(rows, located, strict=True)
            if (codes is None or code in codes) and r.occurred_on.year == year and r.occurred_on.month <= 10
        )

    rising = set(truth["rising_communes"]["codes"])
    assert count(None, 2026) < count(None, 2024)
    assert count(rising, 2026) > 1.3 * count(rising, 2024)
    for code in rising:
        assert count({code}, 2026) > count({code}, 2024), code


def test_planted_groups_share_suspects_across_their_cases(loaded, database, truth) -> None:
    groups = truth["planted_groups"]
    assert len(groups) == 5
    with database.transaction(write=False) as s:
        for group in groups:
            assert len(group["members"]) >= 5 and len(group["cases"]) >= 10
            ids = s.scalars(select(IncidentRow.id).where(IncidentRow.source_id.in_(group["cases"]))).all()
            shared = s.execute(
                select(IncidentPerson.person_id, func.count())
                .where(IncidentPerson.incident_id.in_(ids))
                .group_by(IncidentPerson.person_id)
                .having(func.count() >= 3)
            ).all()
            assert len(shared) >= 3, group["id"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
@pytest.mark.sqlite_only
def test_the_demo_command_comes_up_and_answers_http(tmp_path) -> None:
    port = _free_port()
    env = {"PATH": str(Path(sys.executable).parent), "HOME": str(tmp_path), "LANG": "C.UTF-8"}
    antt = str(Path(sys.executable).parent / "antt")
    proc = subprocess.Popen(
        [
            antt,
            "demo",
            "--port",
            str(port),
            "--database",
            str(tmp_path / "demo.db"),
            "--data",
            str(tmp_path / "data"),
        ],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        body = None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as r:
                    body = json.loads(r.read())
                    break
            except OSError:
                time.sleep(0.5)
        assert body is not None, proc.stdout.read() if proc.poll() is not None else "no answer"
        assert body == {"status": "ok"}  # a stranger learns nothing more of the data
        with sqlite3.connect(tmp_path / "demo.db") as db:
            assert db.execute("SELECT count(*) FROM incidents").fetchone()[0] > 10000
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as r:
            assert "Dữ liệu mô phỏng" in r.read().decode("utf-8")
    finally:
        proc.terminate()
        out = proc.communicate(timeout=30)[0]
    assert "lanhdao" in out  # the demo sign-in identities are printed
