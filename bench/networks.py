"""Benchmark: co-offending groups against planted ones, and at 1,000,000 incidents.

Three parts, each printing its figures beside the naive baselines of the same run:

1. **The demo city** (``antt demo generate``; its ``ground_truth.json`` names the planted groups and their
   cases). The incident files are read as they are (person ids pseudonymised with the demo key, exactly
   as the importer does), and groups are found over the whole period.
2. **A second synthetic city** built here with a different generator: ``--groups`` groups of 5–15
   members active for one to three years, a background population whose co-offending is mostly
   one-time (a giant component of one-time ties), prolific offenders with dozens of one-time partners,
   outsiders who offend once with each of two groups, and a few bridges who offend repeatedly with two.
3. **Scale**: the second generator at ``--big`` incidents (default 1,000,000, about 1,500,000 person
   links); ``find_groups`` over the whole period timed, peak RSS measured.

Recovery (a planted group is found when a reported group's incidents overlap it with Jaccard ≥ 0.5),
precision among reported groups of ≥ 5 members, planted groups merged, and the lag between a planted
group crossing the alert threshold and its first alert (weekly tracking, 365-day windows) — see
``antt.analytics.network_backtest``. Baselines: connected components of all co-offending ties, and
connected components of pairs with ≥ 2 incidents together.

    .venv/bin/python bench/networks.py [--demo-dir DIR] [--seed 1] [--big 1000000] [--no-big]
    .venv/bin/python bench/networks.py --service 1000000   # `networks groups` before/after the stored history

Aims (issue 14): recall ≥ 90 %, precision ≥ 80 %, no merges, every planted group alerted within 4 weeks
of crossing; 1,000,000 incidents in ≤ 10 s with peak RSS ≤ 1 GB.
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import subprocess
import sys
import tempfile
import time
import unicodedata
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from antt.analytics.network_backtest import Planted, lead_times, score_recovery, weekly_ends  # noqa: E402
from antt.analytics.network_growth import (  # noqa: E402
    GrowthRules,
    Registry,
    TrackingRules,
    grid_ends,
    growth_alerts,
    track_groups,
)
from antt.analytics.networks import (  # noqa: E402
    CoOffending,
    IncidentFacts,
    connected_components_baseline,
    find_groups,
)
from antt.domain.people import pseudonymise  # noqa: E402
from antt.settings import DEMO_PSEUDONYM_KEY  # noqa: E402

ID, WHEN, UNIT, PERSONS, DRUGS, GANG = (
    "source_id",
    "occurred_at",
    "unit_code",
    "person_ids",
    "drug_related",
    "organised_group",
)


def _header(name: object) -> str:
    """A column's name in English (the demo writes some files with the Vietnamese headers)."""
    from antt.importers.columns import INCIDENT_COLUMNS

    text = unicodedata.normalize("NFC", str(name)).strip()
    for column in INCIDENT_COLUMNS:
        if text in (column.name, unicodedata.normalize("NFC", column.header_vi)):
            return column.name
    return text


def _rows(path: Path) -> list[dict[str, str]]:
    if path.suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as fh:
            return [{_header(k): v for k, v in row.items()} for row in csv.DictReader(fh)]
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True)
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = [_header(h) for h in next(rows)]
    return [{h: "" if v is None else str(v) for h, v in zip(header, row, strict=False)} for row in rows]


def load_demo(folder: Path) -> tuple[CoOffending, list[Planted]]:
    key = DEMO_PSEUDONYM_KEY.encode()
    incidents: list[IncidentFacts] = []
    links: list[tuple[str, str]] = []
    for path in sorted(folder.glob("incidents-*.*")):
        for row in _rows(path):
            when = row[WHEN]
            day = (
                datetime.strptime(when[:10], "%d/%m/%Y").date()
                if "/" in when[:10]
                else date.fromisoformat(when[:10])
            )
            incidents.append(
                IncidentFacts(
                    row[ID],
                    day,
                    row[UNIT],
                    -1,
                    organised=row.get(GANG, "") != "",
                    drugs=row.get(DRUGS, "") != "",
                )
            )
            for pid in filter(None, (p.strip() for p in row[PERSONS].split(";"))):
                links.append((row[ID], pseudonymise(pid, key)))
    data = CoOffending.build(incidents, links)
    truth = json.loads((folder / "ground_truth.json").read_text(encoding="utf-8"))
    index = {str(s): i for i, s in enumerate(data.source_ids)}
    person = {str(p): i for i, p in enumerate(data.persons)}
    planted = [
        Planted(
            f"demo {g['id']}",
            frozenset(index[c] for c in g["cases"]),
            frozenset(person[m["pseudonym"]] for m in g["members"] if m["pseudonym"] in person),
        )
        for g in truth["planted_groups"]
    ]
    return data, planted


def synthetic(
    seed: int, groups: int, background: int, *, start: date = date(2021, 1, 1), days: int = 5 * 365
) -> tuple[CoOffending, list[Planted]]:
    """The second generator (see the module docstring), vectorised so that a million incidents is quick.

    Background incidents: 55 % one person, 38 % two, 7 % three or four, persons drawn from a population
    with a heavy-tailed (Zipf-like) activity so a few are prolific; co-offenders are drawn independently,
    so their ties are one-time and form a giant component.
    """
    rng = np.random.default_rng(seed)
    population = max(1000, background // 2)
    activity = 1.0 / np.arange(1, population + 1) ** 0.9
    activity /= activity.sum()
    size = rng.choice([1, 2, 3, 4], size=background, p=[0.55, 0.38, 0.05, 0.02])
    n_links = int(size.sum())
    link_inc = np.repeat(np.arange(background), size)
    link_per = rng.choice(population, size=n_links, p=activity)
    inc_day = rng.integers(0, days, size=background)
    inc_commune = rng.integers(0, 114, size=background)
    extra_inc: list[int] = []
    extra_per: list[int] = []
    extra_day: list[int] = []
    extra_commune: list[int] = []
    next_person = population
    planted_inc: list[list[int]] = []
    planted_mem: list[list[int]] = []

    def add(day: int, persons: list[int], commune: int) -> int:
        i = background + len(extra_day)
        extra_day.append(day)
        extra_commune.append(commune)
        for p in persons:
            extra_inc.append(i)
            extra_per.append(p)
        return i

    for _ in range(groups):
        n = int(rng.integers(5, 16))
        members = list(range(next_person, next_person + n))
        next_person += n
        begin = int(rng.integers(0, days - 400))
        length = int(rng.integers(365, 3 * 365))
        home = int(rng.integers(0, 114))
        joined = [begin] * 3 + sorted(int(begin + rng.integers(0, length)) for _ in range(n - 3))
        cases: list[int] = []
        day = begin
        while day < min(days, begin + length):
            day += int(rng.exponential(30 * 3 / max(3, sum(j <= day for j in joined))))
            active = [m for m, j in zip(members, joined, strict=True) if j <= day]
            k = min(len(active), 2 + int(rng.poisson(0.7)))
            chosen = [int(x) for x in rng.choice(active, size=k, replace=False)]
            commune = home if rng.random() < 0.8 else int(rng.integers(0, 114))
            if day < days:
                cases.append(add(day, chosen, commune))
            if rng.random() < 0.1:  # a member offends with an outsider now and then
                add(day + 1, [int(rng.choice(active)), int(rng.integers(0, population))], commune)
        planted_inc.append(cases)
        planted_mem.append(members)
    # outsiders who offend once with each of two groups; bridges who offend twice with each of two
    for b in range(groups):
        g1, g2 = rng.choice(groups, size=2, replace=False)
        x = next_person
        next_person += 1
        times = 2 if b % 4 == 0 else 1
        for g in (g1, g2):
            for _ in range(times):
                day = int(extra_day[planted_inc[g][len(planted_inc[g]) // 2] - background])
                add(day + int(rng.integers(1, 20)), [x, int(rng.choice(planted_mem[g]))], 0)
    # prolific offenders with dozens of one-time partners
    for _ in range(max(10, groups)):
        boss = next_person
        next_person += 1
        for _ in range(int(rng.integers(20, 41))):
            add(
                int(rng.integers(0, days)),
                [boss, int(rng.integers(0, population))],
                int(rng.integers(0, 114)),
            )
    total = background + len(extra_day)
    day_all = np.concatenate([inc_day, np.array(extra_day, dtype=np.int64)]) + start.toordinal()
    commune_all = np.concatenate([inc_commune, np.array(extra_commune, dtype=np.int64)])
    li = np.concatenate([link_inc, np.array(extra_inc, dtype=np.int64)])
    lp = np.concatenate([link_per, np.array(extra_per, dtype=np.int64)])
    key = np.unique(li * np.int64(next_person) + lp)
    data = CoOffending(
        source_ids=np.array([f"S{i}" for i in range(total)], dtype=object),
        day=day_all.astype(np.int64),
        commune=np.array([f"{10000 + c}" for c in commune_all], dtype=object),
        gravity=rng.integers(0, 4, size=total).astype(np.int64),
        weapons=rng.random(total) < 0.02,
        organised=rng.random(total) < 0.01,
        drugs=rng.random(total) < 0.1,
        link_incident=(key // next_person).astype(np.int64),
        link_person=(key % next_person).astype(np.int64),
        persons=np.array([f"p1_{k:032x}" for k in range(next_person)], dtype=object),
    )
    planted = [
        Planted(f"synthetic {k + 1}", frozenset(cases), frozenset(members))
        for k, (cases, members) in enumerate(zip(planted_inc, planted_mem, strict=True))
    ]
    return data, planted


def evaluate(label: str, data: CoOffending, planted: list[Planted], seed: int) -> None:
    n_links = len(data.link_incident)
    print(
        f"\n== {label}: {data.incident_count:,} incidents, {n_links:,} person links, {len(planted)} planted =="
    )
    t0 = time.perf_counter()
    ours = find_groups(data, seed=seed)
    elapsed = time.perf_counter() - t0
    rows = [
        score_recovery("leiden on repeated ties (ANTT)", planted, [(g.members, g.incidents) for g in ours])
    ]
    rows.append(score_recovery("components of all ties", planted, connected_components_baseline(data)))
    rows.append(
        score_recovery(
            "components of pairs ≥ 2 incidents",
            planted,
            connected_components_baseline(data, min_tie_incidents=2),
        )
    )
    print(f"{'method':38} {'recall':>8} {'precision(≥5)':>14} {'reported≥5':>11} {'merged':>7}")
    for r in rows:
        print(f"{r.method:38} {r.recall:8.1%} {r.precision:14.1%} {r.reported:11d} {r.merged_pairs:7d}")
    print(f"find_groups over the whole period: {elapsed:.2f} s, {len(ours)} groups")
    rules = GrowthRules()
    t0 = time.perf_counter()
    steps = track_groups(data, weekly_ends(data), seed=seed)
    alerts = growth_alerts(data, steps, rules)
    elapsed = time.perf_counter() - t0
    leads = lead_times(data, planted, steps, alerts, rules)
    lags = [lt.lag_days for lt in leads if lt.lag_days is not None]
    never = [lt.name for lt in leads if lt.crossed is not None and lt.alerted is None]
    within = sum(1 for lag in lags if lag <= 28)
    print(
        f"tracking weekly ({len(steps)} steps) + alerts: {elapsed:.1f} s, {len(alerts)} alerts;"
        f" planted groups crossing the threshold: {sum(lt.crossed is not None for lt in leads)},"
        f" alerted within 4 weeks: {within}, never alerted: {len(never)}"
    )
    if lags:
        print(f"lag alert − crossing (days): median {int(np.median(lags))}, max {max(lags)}, min {min(lags)}")
    kinds: dict[str, int] = {}
    for a in alerts:
        kinds[a.kind] = kinds.get(a.kind, 0) + 1
    print("alerts by kind:", dict(sorted(kinds.items())))


def big(n: int, seed: int) -> None:
    data, planted = synthetic(seed, groups=200, background=n)
    print(f"\n== scale: {data.incident_count:,} incidents, {len(data.link_incident):,} person links ==")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t0 = time.perf_counter()
    groups = find_groups(data, seed=seed)
    elapsed = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    recovery = score_recovery("ANTT", planted, [(g.members, g.incidents) for g in groups])
    print(
        f"find_groups: {elapsed:.2f} s (aim ≤ 10 s), peak RSS {peak:.0f} MB (before: {before:.0f} MB; aim ≤ 1024),"
        f" {len(groups)} groups, recall {recovery.recall:.1%}, precision {recovery.precision:.1%}"
    )
    t0 = time.perf_counter()
    components = connected_components_baseline(data)
    print(
        f"baseline connected components: {time.perf_counter() - t0:.2f} s,"
        f" largest {max(len(m) for m, _ in components):,} persons"
    )


def service(n: int, seed: int) -> None:
    """What ``antt networks groups`` computes (the database read aside) at ``n`` incidents: before — the
    weekly tracking redone from the first incident on every call — and after — tracking read back from
    the stored history (``group_snapshots``: the registry restored from pseudonyms) with the one week
    since the last call tracked, then the period's groups found and given their ids."""
    data, _ = synthetic(seed, groups=200, background=n)
    first, last = date.fromordinal(int(data.day.min())), date.fromordinal(int(data.day.max()))
    start = last - timedelta(days=364)
    ends = grid_ends(first, last)
    print(f"\n== `networks groups` at {data.incident_count:,} incidents, {len(ends)} weekly steps ==")
    t0 = time.perf_counter()
    registry = Registry()
    track_groups(data, ends, registry=registry, seed=seed)
    groups = find_groups(data, start, last, seed=seed)
    before_ids = registry.copy().assign(data, groups, TrackingRules().match_overlap)
    before = time.perf_counter() - t0
    print(f"before (tracking from the first incident on every call): {before:.1f} s")
    # the stored history up to the week before: what the previous call left
    stored = Registry()
    track_groups(data, ends[:-1], registry=stored, seed=seed)
    names = {g: [str(data.persons[m]) for m in ms] for g, ms in stored.members.items()}
    ever = {g: [str(data.persons[m]) for m in ms] for g, ms in stored.ever().items()}
    t0 = time.perf_counter()
    restored = Registry.restore(data, names, ever)
    track_groups(data, ends[-1:], registry=restored, seed=seed)
    groups = find_groups(data, start, last, seed=seed)
    after_ids = restored.assign(data, groups, TrackingRules().match_overlap)
    after = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"after (stored history read back, one new week tracked): {after:.1f} s — {before / after:.0f}× faster;"
        f" same ids: {before_ids == after_ids}; {len(groups)} groups; peak RSS {peak:.0f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--demo-dir", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--big", type=int, default=1_000_000)
    parser.add_argument("--no-big", action="store_true")
    parser.add_argument(
        "--service", type=int, default=0, help="only time `networks groups` before/after at N incidents"
    )
    args = parser.parse_args()
    if args.service:
        service(args.service, args.seed)
        return
    folder = args.demo_dir
    if folder is None:
        folder = Path(tempfile.mkdtemp(prefix="antt-networks-"))
        subprocess.run(
            [str(Path(sys.executable).parent / "antt"), "demo", "generate", "--out", str(folder)],
            check=True,
            capture_output=True,
        )
    if not (folder / "ground_truth.json").exists() and (folder / "antt-demo-data").exists():
        folder = folder / "antt-demo-data"
    data, planted = load_demo(folder)
    evaluate("demo city", data, planted, args.seed)
    data, planted = synthetic(args.seed, groups=60, background=60_000)
    evaluate("second synthetic city", data, planted, args.seed)
    if not args.no_big:
        big(args.big, args.seed)


if __name__ == "__main__":
    main()
