"""Legacy-user files for the import, linking and privacy tests: synthetic people with made-up 12-digit
personal ids (031 is Hải Phòng's province-of-birth code)."""

from __future__ import annotations

import csv
from pathlib import Path

HEADER_VI = ["Tên đăng nhập", "Họ và tên", "Số định danh cá nhân", "Vai trò", "Xã/phường", "Đang hoạt động"]
HEADER_EN = ["old login", "full name", "personal id", "role", "communes", "active"]

AN_ID, BINH_ID, CUONG_ID, TWIN_ID, LAN_ID = (
    "031085001111",
    "031090002222",
    "001088003333",
    "031095004444",
    "031099005555",
)
GOOD_ROWS = [
    ["nva.lechan", "Nguyễn Văn An", AN_ID, "công an xã", "11383", "có"],
    ["ttb.city", "Trần Thị Bình", BINH_ID, "lãnh đạo", "toàn thành phố", "có"],
    ["lvc.old", "Lê Văn Cường", CUONG_ID, "analyst", "city", "không"],
    ["pmd.one", "Phạm Minh Đức", TWIN_ID, "commune_officer", "11629", "có"],
    ["pmd.two", "Phạm Minh Đức", TWIN_ID, "commune_officer", "11311", "có"],  # one person, two accounts
    ["htl.multi", "Hoàng Thị Lan", LAN_ID, "phân tích", "11383; 11629", "yes"],
]
# made-up malformed ids: 11 digits, and 12 digits with no such province code
SHORT_ID, NO_PROVINCE_ID = "03109000555", "123456789012"
BAD_ROWS = [
    ["nva.lechan", "Nguyễn Văn An", AN_ID, "công an xã", "11383", "có"],
    ["NVA.lechan", "Nguyễn Văn Ân", "031085001112", "leader", "city", "có"],  # duplicate login (any case)
    ["pvd", "Phạm Văn Dũng", SHORT_ID, "leader", "99999", "có"],  # malformed id, unknown commune
    ["hte", "Hoàng Thị Em", NO_PROVINCE_ID, "chief", "11383", "maybe"],  # id, role, active
    ["ok.row", "Đỗ Văn Giang", "031070006666", "leader", "31", "có"],  # the city's code
]
CLEAR_IDS = [
    AN_ID,
    BINH_ID,
    CUONG_ID,
    TWIN_ID,
    LAN_ID,
    SHORT_ID,
    NO_PROVINCE_ID,
    "031085001112",
    "031070006666",
]


def write_legacy_csv(path: Path, rows: list[list[str]], header: list[str] = HEADER_VI) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_legacy_xlsx(path: Path, rows: list[list[object]], header: list[str] = HEADER_EN) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path
