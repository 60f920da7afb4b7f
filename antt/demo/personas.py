"""The demo's six sign-in personas (``personas.yaml``) — Dữ liệu mô phỏng.

Every person here is **fictional** ("Dữ liệu mô phỏng"): the names are made up and read as such to a
Vietnamese reader (Mẫu "sample", Thử "try", Nghiệm "test", Phỏng "simulate", Quản "manage", Kiểm
"check"). The ``personal_id`` numbers are **fake**: they follow the layout of a 12-digit personal id number
(Circular 59/2021/TT-BCA: 3 digits province of birth registration — 031 Hải Phòng — 1 digit century and
sex, 2 digits year of birth, 6 digits) so that sign-in code can validate them, and their last six digits
use the demo pattern ``99990n``; they are the value a test identity provider returns as ``SoDinhDanh``
(REFERENCE §5.2) and are not used for anything else in the demo (no incident, person or pseudonym).

Format (YAML, UTF-8)::

    label: Dữ liệu mô phỏng
    version: 1
    note: …
    personas:
      - username: lanhdao                 # ascii, unique
        full_name: Đinh Văn Mẫu
        role: leader                      # leader | analyst | commune_officer | administrator | auditor
        units: ['31']                     # unit codes of scheme 2025-07; ['31'] = city-wide
        oidc_sub: demo-lanhdao            # stable OIDC subject
        personal_id: '031072999901'       # fake, see above
        assurance_level: LoA2             # VNeID level-2 account (NĐ 69/2024/NĐ-CP)
        title_vi: Giám đốc Công an thành phố Hải Phòng
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import yaml

from antt.domain.people import is_valid_personal_id
from antt.domain.reference import unit_catalog

LABEL = "Dữ liệu mô phỏng"
SCHEME = "2025-07"
CITY = "31"
ROLES = ("leader", "analyst", "commune_officer", "administrator", "auditor")


@dataclass(frozen=True, slots=True)
class Persona:
    username: str
    full_name: str
    role: str
    units: tuple[str, ...]
    oidc_sub: str
    personal_id: str
    assurance_level: str
    title_vi: str

    @property
    def city_wide(self) -> bool:
        return self.units == (CITY,)


PERSONAS: tuple[Persona, ...] = (
    Persona(
        username="lanhdao",
        full_name="Đinh Văn Mẫu",
        role="leader",
        units=(CITY,),
        oidc_sub="demo-lanhdao",
        personal_id="031072999901",
        assurance_level="LoA2",
        title_vi="Giám đốc Công an thành phố Hải Phòng",
    ),
    Persona(
        username="phantich",
        full_name="Lý Thị Thử",
        role="analyst",
        units=(CITY,),
        oidc_sub="demo-phantich",
        personal_id="031188999902",
        assurance_level="LoA2",
        title_vi="Cán bộ Phòng Tham mưu, Công an thành phố Hải Phòng",
    ),
    Persona(
        username="cax_lechan",
        full_name="Vương Minh Nghiệm",
        role="commune_officer",
        units=("11383",),
        oidc_sub="demo-cax_lechan",
        personal_id="031090999903",
        assurance_level="LoA2",
        title_vi="Cán bộ Công an phường Lê Chân",
    ),
    Persona(
        username="cax_anlao",
        full_name="Tạ Thu Phỏng",
        role="commune_officer",
        units=("11629",),
        oidc_sub="demo-cax_anlao",
        personal_id="031193999904",
        assurance_level="LoA2",
        title_vi="Cán bộ Công an xã An Lão",
    ),
    Persona(
        username="quantri",
        full_name="Mạc Văn Quản",
        role="administrator",
        units=(CITY,),
        oidc_sub="demo-quantri",
        personal_id="031085999905",
        assurance_level="LoA2",
        title_vi="Cán bộ quản trị hệ thống, Phòng Tham mưu, Công an thành phố Hải Phòng",
    ),
    Persona(
        username="kiemtra",
        full_name="Kha Thị Kiểm",
        role="auditor",
        units=(CITY,),
        oidc_sub="demo-kiemtra",
        personal_id="031179999906",
        assurance_level="LoA2",
        title_vi="Cán bộ Thanh tra Công an thành phố Hải Phòng",
    ),
)

NOTE_VI = (
    "Người dùng mô phỏng: họ tên và số định danh cá nhân là giả (6 chữ số cuối theo mẫu 99990n), chỉ dùng "
    "để đăng nhập thử qua nhà cung cấp định danh thử nghiệm; tất cả dùng tài khoản định danh điện tử mức 2 "
    "(LoA2, NĐ 69/2024/NĐ-CP)."
)


def check_personas(personas: tuple[Persona, ...] = PERSONAS) -> None:
    """Raise ``ValueError`` unless every persona is well formed and its units exist in scheme 2025-07."""
    catalog = unit_catalog()
    seen: set[str] = set()
    for p in personas:
        problems = []
        if not p.username.isascii() or p.username in seen:
            problems.append("username must be ascii and unique")
        if p.role not in ROLES:
            problems.append(f"unknown role {p.role!r}")
        if not is_valid_personal_id(p.personal_id) or not p.personal_id.startswith("031"):
            problems.append("personal_id must be 12 digits starting with 031")
        missing = [code for code in p.units if catalog.find(SCHEME, code) is None]
        if missing or not p.units:
            problems.append(f"units not in scheme {SCHEME}: {missing}")
        if problems:
            raise ValueError(f"persona {p.username}: " + "; ".join(problems))
        seen.add(p.username)


def personas_document() -> dict[str, Any]:
    personas = []
    for p in PERSONAS:
        item = asdict(p)
        item["units"] = list(p.units)
        personas.append(item)
    return {"label": LABEL, "version": 1, "note": NOTE_VI, "personas": personas}


class _Dumper(yaml.SafeDumper):
    """Quotes digit strings, so that no YAML reader (1.1 or 1.2) takes an id for a number."""


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    style = "'" if data.isdigit() else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(str, _represent_str)


def write_personas(path: Path) -> None:
    """Write ``personas.yaml`` (format in the module docstring) after :func:`check_personas`."""
    check_personas()
    path.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.dump(personas_document(), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=110)
    path.write_text(text, encoding="utf-8", newline="\n")
