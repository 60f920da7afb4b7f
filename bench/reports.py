"""Benchmark: the monthly report of the demo city as docx and pdf, and a 100,000-row xlsx export.

Each step runs in a fresh Python process (so its peak RSS is its own and imports are counted, as a user
running ``antt report`` pays them); it renders twice and prints the first (cold) and second (warm) time.

* docx, pdf — ``build_report`` for ``report-month:2026-10`` of the demo city (as of 31/10/2026, the 9
  reporting groups, 114 communes, annex tables), then the renderer.
* xlsx — the xlsx renderer on the report plus a commune × day × group annex of 100,000 rows (codes,
  names, dates, counts). The rows are generated here (deterministic, seeded): the renderer's cost does
  not depend on where the numbers come from; the service has no per-day query yet.

    .venv/bin/python bench/reports.py [--keep DIR] [--pages DIR]

``--pages DIR`` also writes the first pages of the PDF and of the Word file as LibreOffice lays it out
(PNG, 50 dpi; needs pdftoppm and soffice) — the samples in ``docs/report-samples/`` were made so.

Aims (from the issue): docx ≤ 5 s, pdf ≤ 15 s, xlsx ≤ 10 s and ≤ 500 MB peak RSS.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

KEY = "bench-pseudonym-key-0123456789abcdef-not-for-production"
AIMS = {"docx": 5.0, "pdf": 15.0, "xlsx": 10.0}
ROWS = 100_000


def ensure_demo(folder: Path) -> str:
    db = folder / "demo.db"
    url = f"sqlite:///{db}"
    if not db.exists():
        from antt.demo.build import generate, load
        from antt.services.database import open_database, upgrade
        from antt.settings import load_settings

        settings = load_settings(database_url=url, pseudonym_key=KEY, demo=True)
        database = open_database(settings)
        upgrade(database)
        load(database, settings, generate(folder / "city", end=date(2026, 10, 31)))
        database.dispose()
    return url


def big_annex(rows: int):  # type: ignore[no-untyped-def]
    import random

    from antt.domain.reference import offence_table, unit_catalog
    from antt.domain.units import Level
    from antt.reports.document import Column, Kind, Table

    rng = random.Random(7)
    catalog = unit_catalog()
    communes = catalog.in_scheme(catalog.current.code, Level.COMMUNE)
    groups = offence_table().groups
    body = []
    day = date(2024, 1, 1)
    while len(body) < rows:
        for u in communes:
            for g in groups[:3]:
                body.append(
                    [len(body) + 1, day.strftime("%d/%m/%Y"), u.code, u.name, g.name_vi, rng.randint(0, 4)]
                )
                if len(body) == rows:
                    break
            if len(body) == rows:
                break
        day += timedelta(days=1)
    return Table(
        "PL6 Theo ngày",
        "Phụ lục 6. Số vụ theo ngày, xã, phường và nhóm tội phạm",
        [
            Column("STT", Kind.COUNT),
            Column("Ngày"),
            Column("Mã"),
            Column("Xã, phường, đặc khu", width=28),
            Column("Nhóm tội phạm", width=36),
            Column("Số vụ", Kind.COUNT),
        ],
        body,
    )


def step(fmt: str, url: str, out: Path) -> dict[str, object]:
    """Run in the child: build and render twice; time each; report peak RSS."""
    from antt.domain.access import Actor
    from antt.domain.periods import parse_period
    from antt.services.database import open_database
    from antt.services.reports import ReportFormat, build_report, render
    from antt.settings import load_settings

    database = open_database(load_settings(database_url=url, pseudonym_key=KEY, demo=True))
    times = []
    pages = None
    for _ in range(2):
        start = time.perf_counter()
        report = build_report(
            database, Actor.system("bench"), parse_period("report-month:2026-10"), as_of=date(2026, 10, 31)
        )
        if fmt == "xlsx":
            from antt.reports.xlsx import render_xlsx

            content = render_xlsx(report, [*report.annexes, big_annex(ROWS)])
        else:
            content = render(report, ReportFormat(fmt))
        times.append(time.perf_counter() - start)
    out.write_bytes(content)
    if fmt == "pdf":
        from pypdf import PdfReader

        pages = len(PdfReader(out).pages)
    database.dispose()
    return {
        "format": fmt,
        "cold_s": round(times[0], 2),
        "warm_s": round(times[1], 2),
        "bytes": len(content),
        "pages": pages,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--keep", type=Path, help="keep and reuse the demo database and outputs here")
    parser.add_argument("--pages", type=Path, help="write PNGs of the first pages of the pdf and docx here")
    parser.add_argument("--step", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        print(json.dumps(step(args.step, args.url, Path(args.keep) / f"bench-report.{args.step}")))
        return
    folder = args.keep or Path(tempfile.mkdtemp(prefix="antt-bench-reports-"))
    folder.mkdir(parents=True, exist_ok=True)
    url = ensure_demo(folder)
    print(f"demo city: {url}; outputs in {folder}")
    print(f"{'format':6} {'cold s':>7} {'warm s':>7} {'aim s':>6} {'peak MB':>8} {'size':>10} pages  ok")
    for fmt in ("docx", "pdf", "xlsx"):
        proc = subprocess.run(
            [sys.executable, __file__, "--step", fmt, "--url", url, "--keep", str(folder)],
            capture_output=True,
            text=True,
            check=True,
        )
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        ok = r["cold_s"] <= AIMS[fmt] and (fmt != "xlsx" or r["peak_rss_mb"] <= 500)
        print(
            f"{fmt:6} {r['cold_s']:7.2f} {r['warm_s']:7.2f} {AIMS[fmt]:6.1f} {r['peak_rss_mb']:8.1f} "
            f"{r['bytes']:10,} {r['pages'] or '':5}  {'yes' if ok else 'NO'}"
        )
    if args.pages:
        sample_pages(folder, args.pages)


def sample_pages(folder: Path, pages: Path) -> None:
    """Pages 1–4 of the PDF renderer's file and of the Word file converted by LibreOffice, as PNG."""
    pages.mkdir(parents=True, exist_ok=True)
    profile = f"-env:UserInstallation=file://{folder / 'lo-profile'}"
    docx = folder / "bench-report.docx"
    subprocess.run(
        ["soffice", profile, "--headless", "--convert-to", "pdf", "--outdir", str(folder / "lo"), str(docx)],
        check=True,
        capture_output=True,
    )
    for source, name in ((folder / "bench-report.pdf", "pdf"), (folder / "lo" / "bench-report.pdf", "docx")):
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                "50",
                "-png",
                "-f",
                "1",
                "-l",
                "4",
                str(source),
                str(pages / f"city-report-{name}"),
            ],
            check=True,
        )
    print(f"sample pages: {', '.join(sorted(p.name for p in pages.glob('city-report-*.png')))} in {pages}")


if __name__ == "__main__":
    main()
