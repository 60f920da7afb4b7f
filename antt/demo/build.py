"""Generate the synthetic Hải Phòng ("Dữ liệu mô phỏng") as files, and load them through the importer.

``generate`` writes, deterministically for a seed: one incident file per year (csv for 2021–2024 as an
analyst's Excel saves it, xlsx with Vietnamese headers from 2025), the non-incident reference data
(population, indicators, targets, personas), ``ground_truth.json`` (what was planted, for tests and for
checking analytics) and ``manifest.json`` (every file with its SHA-256). ``load`` imports the incident
files with the same service an analyst's ``antt import incidents`` uses — no back door into the tables.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from antt.demo import files
from antt.demo.drug_decisions import FILE as DRUG_STATUS_FILE
from antt.demo.drug_decisions import write_drug_decisions
from antt.demo.incidents import (
    BRANCHING,
    CommuneGeometry,
    RowMaker,
    background_events,
    near_repeats,
    plant_gangs,
    rising_wave,
)
from antt.demo.indicators import CITY_FILE, generate_indicators, reference_ground_truth, write_indicator_set
from antt.demo.model import (
    GROUP_RATES,
    PERSISTENT_HOTSPOTS,
    RISING_COMMUNES,
    RISING_FROM,
    RISING_PER_YEAR,
    RISING_WAVE_PER_WEEK,
    RISING_WAVE_WEEKS,
    TREND_PER_YEAR,
    build_model,
)
from antt.demo.personas import write_personas
from antt.demo.population import SCHEME as COMMUNE_SCHEME
from antt.demo.population import commune_population, write_population
from antt.demo.targets import write_targets
from antt.demo.users import create_demo_users
from antt.domain.access import Actor
from antt.domain.people import pseudonymise
from antt.domain.reference import commune_boundaries, offence_table, unit_catalog
from antt.domain.units import Level
from antt.services.database import Database
from antt.services.drug_status import import_drug_status
from antt.services.imports import ImportSummary, import_incidents
from antt.services.indicators import IndicatorImportSummary, import_indicators
from antt.settings import DEMO_PSEUDONYM_KEY, Settings

LABEL = "Dữ liệu mô phỏng"
DEFAULT_SEED = 20240521  # the day of the source article's working session, as a number
DEFAULT_START = date(2021, 1, 1)
SOURCE = "demo"
FIRST_XLSX_YEAR = 2025


@dataclass(frozen=True)
class DemoFiles:
    out_dir: Path
    incident_files: list[Path]
    other_files: list[Path]
    manifest: Path
    ground_truth: Path


def default_end() -> date:
    """Yesterday: nothing generated may lie in the future of the moment it is imported."""
    return date.today() - timedelta(days=1)


def generate(
    out_dir: Path,
    *,
    seed: int = DEFAULT_SEED,
    start: date = DEFAULT_START,
    end: date | None = None,
    scale: float = 1.0,
) -> DemoFiles:
    end = end or default_end()
    if end < start:
        raise ValueError("end before start")
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    catalog = unit_catalog()
    codes = [u.code for u in catalog.in_scheme("2025-07", Level.COMMUNE)]
    codes.sort()
    population = commune_population(np.random.default_rng(seed + 1))
    model = build_model(codes, population, start, end, scale)
    geometry = CommuneGeometry(commune_boundaries(), codes, np.random.default_rng(seed + 2))

    events = background_events(model, geometry, rng)
    events += near_repeats(events, geometry, end, rng)
    gangs, gang_events = plant_gangs(model, geometry, np.random.default_rng(seed + 3))
    events += gang_events
    events.sort(key=lambda e: (e.day, e.commune, e.group, e.lon, e.lat))

    maker = RowMaker(model, catalog, offence_table(), rng, end, {g.gang_id: g for g in gangs})
    by_year: dict[int, list[dict[str, object]]] = {}
    gang_cases: dict[int, list[str]] = {g.gang_id: [] for g in gangs}
    sequence: dict[int, int] = {}
    # the rising communes' wave is drawn and written by generators of its own, after the rest of the
    # year's incidents: every other incident keeps its number and its details with or without it
    wave = sorted(rising_wave(model, geometry, np.random.default_rng(seed + 5)), key=lambda e: e.day)
    wave_maker = RowMaker(model, catalog, offence_table(), np.random.default_rng(seed + 6), end, {})
    for event, make in [(e, maker) for e in events] + [(e, wave_maker) for e in wave]:
        sequence[event.day.year] = sequence.get(event.day.year, 0) + 1
        source_id = f"HP-{event.day.year}-{sequence[event.day.year]:06d}"
        by_year.setdefault(event.day.year, []).append(make.row(event, source_id))
        if event.gang is not None:
            gang_cases[event.gang].append(source_id)

    incident_files = []
    for year, rows in sorted(by_year.items()):
        if year >= FIRST_XLSX_YEAR:
            incident_files.append(files.write_xlsx(out_dir / f"incidents-{year}.xlsx", rows))
        else:
            incident_files.append(
                files.write_csv(out_dir / f"incidents-{year}.csv", rows, vietnamese_headers=year % 2 == 1)
            )
    write_population(out_dir / "population.csv", population, start.year, end.year)
    indicators = generate_indicators(np.random.default_rng(seed + 4), population, start, end)
    other_files = [out_dir / "population.csv", *write_indicator_set(out_dir, indicators)]
    decisions = write_drug_decisions(out_dir / DRUG_STATUS_FILE, indicators.drug_classes, end)
    other_files += [decisions] if decisions else []
    write_targets(out_dir / "targets.yaml")
    write_personas(out_dir / "personas.yaml")
    other_files += [out_dir / "targets.yaml", out_dir / "personas.yaml"]

    truth = {
        "label": LABEL,
        "seed": seed,
        "period": {"from": start.isoformat(), "to": end.isoformat()},
        "scale": scale,
        "model": {
            "group_rates_per_year_2021": GROUP_RATES,
            "trend_per_year": TREND_PER_YEAR,
            "near_repeat_branching": BRANCHING,
        },
        "rising_communes": {
            "codes": list(RISING_COMMUNES),
            "from": RISING_FROM.isoformat(),
            "growth_per_year": RISING_PER_YEAR,
            "wave": {
                "group": "social_order",
                "extra_per_week": RISING_WAVE_PER_WEEK * scale,
                "weeks": RISING_WAVE_WEEKS,
                "incidents": len(wave),
            },
        },
        "persistent_hotspots": {
            "multipliers": PERSISTENT_HOTSPOTS,
            "points": [
                {"unit_code": h.unit_code, "lon": h.lon, "lat": h.lat, "share": h.share, "sigma_m": h.sigma_m}
                for spots in geometry.hotspots
                for h in spots
            ],
        },
        "expected_by_year": {
            g: {str(y): round(v, 1) for y, v in model.expected_by_year(g).items()} for g in GROUP_RATES
        },
        "triggered_incidents": sum(1 for e in events if e.triggered),
        "planted_groups": [
            {
                "id": g.gang_id,
                "unit_code": codes[g.commune],
                "start": g.start.isoformat(),
                "members": [
                    {
                        "joined": joined.isoformat(),
                        "pseudonym": pseudonymise(pid, DEMO_PSEUDONYM_KEY.encode()),
                    }
                    for joined, pid in g.members
                ],
                "cases": gang_cases[g.gang_id],
            }
            for g in gangs
        ],
        "incidents": {str(y): len(rows) for y, rows in sorted(by_year.items())},
    }
    truth.update(reference_ground_truth(indicators))
    ground_truth = out_dir / "ground_truth.json"
    ground_truth.write_text(
        json.dumps(truth, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )
    manifest = out_dir / "manifest.json"
    listed = [*incident_files, *other_files, ground_truth]
    manifest.write_text(
        json.dumps(
            {
                "label": LABEL,
                "seed": seed,
                "scale": scale,
                "from": start.isoformat(),
                "to": end.isoformat(),
                "files": [
                    {"name": p.name, "sha256": files.sha256(p), "bytes": p.stat().st_size} for p in listed
                ],
            },
            ensure_ascii=False,
            indent=1,
        )
        + "\n",
        encoding="utf-8",
    )
    return DemoFiles(out_dir, incident_files, other_files, manifest, ground_truth)


def load(
    database: Database,
    settings: Settings,
    demo: DemoFiles,
    progress: Callable[[str, int, int | None], None] | None = None,
) -> list[ImportSummary | IndicatorImportSummary]:
    """Import every incident file, oldest first, then the indicator files, through the analyst's services.

    The commune files (population, e-ID, drugs) give every year for the communes of scheme ``2025-07``
    (re-aggregated, see :mod:`antt.demo.indicators`), so they are imported with that scheme declared and
    marked synthetic; the city file's codes follow the period (``31`` before and after 1 July 2025) and
    say themselves which values are synthetic. Last, the personas become users with their grants.
    """
    actor = Actor.system("demo-loader")
    summaries: list[ImportSummary | IndicatorImportSummary] = []
    for path in demo.incident_files:
        report: Callable[[int, int | None], None] | None = None
        if progress is not None:
            report = lambda done, total, name=path.name: progress(name, done, total)  # noqa: E731
        summaries.append(import_incidents(database, settings, actor, path, source=SOURCE, progress=report))
    for path in demo.other_files:
        if path.name != "population.csv" and not path.name.startswith("indicators-"):
            continue
        commune_file = path.name != CITY_FILE
        report = None
        if progress is not None:
            report = lambda done, total, name=path.name: progress(name, done, total)  # noqa: E731
        summaries.append(
            import_indicators(
                database,
                settings,
                actor,
                path,
                source=SOURCE,
                unit_scheme=COMMUNE_SCHEME if commune_file else None,
                synthetic=True if commune_file else None,
                progress=report,
            )
        )
    for path in demo.other_files:  # the synthetic drug-status decisions (antt/demo/drug_decisions.py)
        if path.name == DRUG_STATUS_FILE:
            import_drug_status(database, settings, actor, path)
    create_demo_users(database, settings)  # the personas, with their roles (city-wide or their commune)
    return summaries
