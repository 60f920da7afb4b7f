"""Crimes against national security (Penal Code Chapter XIII, the reporting group ``national_security``)
added to the hand-counted city of :mod:`tests.disclosure_data`, for tests/services/test_national_security.py
and tests/web/test_national_security.py; imported through the real importer.

============  ======================================  =====================
commune       October 2026                            October 2025
============  ======================================  =====================
Lê Chân       2: art. 117.1 on 05/10 (2 suspects,     1: art. 118.1 on
(11383)       organised group), art. 109.1 on 12/10   08/10/2025
              (cleared 13/10)
Hồng Bàng     1: art. 117.1 on 20/10                  none
(11311)
============  ======================================  =====================

Both of Lê Chân's are in the reporting month 10/2026 (15/09–14/10/2026) as well; Hồng Bàng's is not. With
the city of :mod:`tests.disclosure_data`, in October 2026 Lê Chân has 3 drug offences, 2 sexual offences, 6
thefts and these 2 (13 in all; 1 + 2 drug offences + 4 thefts = 7 a year before), Hồng Bàng 6 drug
offences, 2 thefts and this 1 (9).
"""

from __future__ import annotations

from pathlib import Path

from antt.domain.access import Actor, Grant, Role
from antt.services.imports import import_incidents
from tests.disclosure_data import HONG_BANG, LE_CHAN, NOW, SCHEME, load_city
from tests.incident_files import incident, write_csv

GROUP = "national_security"
ARTICLES = frozenset(str(a) for a in range(108, 123))
ADMINISTRATOR = Actor.for_user("administrator", [Grant.city(Role.ADMINISTRATOR)])
ANALYST = Actor.for_user("analyst", [Grant.city(Role.ANALYST)])
# the national-security privilege in Hồng Bàng only (a leader there, a commune officer in Lê Chân)
MIXED = Actor.for_user(
    "mixed",
    [Grant.on(Role.LEADER, (SCHEME, HONG_BANG)), Grant.on(Role.COMMUNE_OFFICER, (SCHEME, LE_CHAN))],
)


def _rows() -> list[dict[str, str]]:
    def at(n: int, day: str, unit: str, article: str, **extra: str) -> dict[str, str]:
        return incident(
            n,
            source_id=f"ANQG-{n:03d}",
            occurred_at=f"{day} 09:00",
            reported_at="",
            unit_code=unit,
            article=article,
            **extra,
        )

    return [
        at(1, "05/10/2026", LE_CHAN, "117.1", suspects="2", organised_group="có"),
        at(2, "12/10/2026", LE_CHAN, "109.1", status="Đã làm rõ", cleared_at="13/10/2026"),
        at(3, "08/10/2025", LE_CHAN, "118.1"),
        at(4, "20/10/2026", HONG_BANG, "117.1"),
    ]


def load_city_with_national_security(database, settings, tmp_path: Path) -> None:
    """The city of :mod:`tests.disclosure_data` and the national-security incidents above."""
    load_city(database, settings, tmp_path)
    path = write_csv(tmp_path / "national-security.csv", _rows())
    import_incidents(database, settings, Actor.system("test-loader"), path, now=NOW)
