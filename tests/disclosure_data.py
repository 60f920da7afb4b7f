"""A small hand-counted city for the tests of small-count suppression (tests/services/test_disclosure.py,
tests/web/test_suppression.py), imported through the real importers.

October 2026 against October 2025 (``month:2026-10``, the same period last year):

============  =====================================  =====================
commune       October 2026                           October 2025
============  =====================================  =====================
Lê Chân       3 drug offences (one very serious,     2 drug offences,
(11383)       cleared), 2 sexual offences (art.      4 thefts
              141), 6 thefts
Hồng Bàng     6 drug offences, 2 thefts              none
(11311)
============  =====================================  =====================

The reporting quarter 2026-Q3 (``report-quarter:2026-Q3``, 15/06–14/09/2026, drug offences only; none a
year before), by reporting month (15th → 14th):

============  =============  =============  =============  =======
commune       07/2026        08/2026        09/2026        quarter
============  =============  =============  =============  =======
Lê Chân       5              0              5              10
Hồng Bàng     6              7              2              15
============  =============  =============  =============  =======

In the reporting month 10/2026 (15/09–14/10/2026): Lê Chân 3 drug offences (2 a year before) and 2 sexual
offences, Hồng Bàng 5 drug offences (its sixth is on 15/10).

Every incident has one suspect. Indicators (year:2025): drug users under management 3 in Lê Chân and 12
in Hồng Bàng, 0 in Lê Chân for 2024; drug offenders arrested 4 in Lê Chân; narcotic plants destroyed 2 in
Lê Chân (not sensitive).
"""

from __future__ import annotations

import csv
from datetime import datetime, timezone
from pathlib import Path

from antt.domain.access import Actor, Grant, Role
from antt.domain.periods import parse_period
from antt.services.imports import import_incidents
from antt.services.indicators import import_indicators
from tests.incident_files import incident, write_csv

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=timezone.utc)
SCHEME = "2025-07"
LE_CHAN, HONG_BANG = "11383", "11311"
OCTOBER = parse_period("month:2026-10")
REPORT_OCTOBER = parse_period("report-month:2026-10")
Q3 = parse_period("report-quarter:2026-Q3")

OFFICER = Actor.for_user("le-chan-officer", [Grant.on(Role.COMMUNE_OFFICER, (SCHEME, LE_CHAN))])
HONG_BANG_OFFICER = Actor.for_user("hong-bang-officer", [Grant.on(Role.COMMUNE_OFFICER, (SCHEME, HONG_BANG))])
LEADER = Actor.for_user("leader", [Grant.city(Role.LEADER)])
LE_CHAN_ANALYST = Actor.for_user("le-chan-analyst", [Grant.on(Role.ANALYST, (SCHEME, LE_CHAN))])
# the privilege in Hồng Bàng only: a figure of both communes together is not shown to them
MIXED = Actor.for_user(
    "mixed",
    [Grant.on(Role.LEADER, (SCHEME, HONG_BANG)), Grant.on(Role.COMMUNE_OFFICER, (SCHEME, LE_CHAN))],
)


def _rows() -> list[dict[str, str]]:
    n = iter(range(1, 100))

    def at(day: str, unit: str, article: str, **extra: str) -> dict[str, str]:
        return incident(
            next(n), occurred_at=f"{day} 10:00", reported_at="", unit_code=unit, article=article, **extra
        )

    rows = [at(f"0{d}/10/2026", LE_CHAN, "249.1") for d in (3, 4)]
    rows.append(at("05/10/2026", LE_CHAN, "251.2", status="Đã làm rõ", cleared_at="06/10/2026"))
    rows += [at(f"0{d}/10/2025", LE_CHAN, "249.1") for d in (6, 7)]
    rows += [at(f"1{d}/10/2026", LE_CHAN, "141.1") for d in (1, 2)]
    rows += [at(f"2{d}/10/2026", LE_CHAN, "173.1") for d in range(6)]
    rows += [at(f"2{d}/10/2025", LE_CHAN, "173.1") for d in range(4)]
    rows += [at(f"1{d}/10/2026", HONG_BANG, "249.1") for d in range(6)]
    rows += [at(f"2{d}/10/2026", HONG_BANG, "173.1") for d in range(2)]
    # report-quarter 2026-Q3: 15/06–14/07, 15/07–14/08, 15/08–14/09
    rows += [at(f"0{d}/07/2026", LE_CHAN, "249.1") for d in range(1, 6)]
    rows += [at(f"0{d}/09/2026", LE_CHAN, "249.1") for d in range(1, 6)]
    rows += [at(f"0{d}/07/2026", HONG_BANG, "249.1") for d in range(1, 7)]
    rows += [at(f"0{d}/08/2026", HONG_BANG, "249.1") for d in range(1, 8)]
    rows += [at(f"0{d}/09/2026", HONG_BANG, "249.1") for d in range(1, 3)]
    return rows


def load_city(database, settings, tmp_path: Path) -> None:
    """Import the incidents and indicators above (as the server's operator)."""
    operator = Actor.system("test-loader")
    import_incidents(database, settings, operator, write_csv(tmp_path / "incidents.csv", _rows()), now=NOW)
    path = tmp_path / "indicators.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["indicator", "unit_code", "period", "value"])
        writer.writerows(
            [
                ["drug_users_managed", LE_CHAN, "year:2025", "3"],
                ["drug_users_managed", HONG_BANG, "year:2025", "12"],
                ["drug_users_managed", LE_CHAN, "year:2024", "0"],
                ["drug_offenders_arrested", LE_CHAN, "year:2025", "4"],
                ["narcotic_plants_destroyed", LE_CHAN, "year:2025", "2"],
            ]
        )
    import_indicators(database, settings, operator, path, unit_scheme=SCHEME, now=NOW)
