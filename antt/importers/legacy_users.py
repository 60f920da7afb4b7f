"""The accounts of an older system, as an administrator exports them (``docs/formats/legacy-users.md``):
old login, full name, personal id number, role, communes or the whole city, active or not.

Pure validation, like every importer: rows in, :class:`LegacyRecord` and bilingual issues out, nothing
written. The personal id is pseudonymised the moment it is read (keyed HMAC, :mod:`antt.domain.people`);
the clear number is kept in no record and no issue — a malformed one is shown masked, all but its last
three characters hidden.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from antt.domain.access import Role, UnitKey
from antt.domain.people import is_valid_personal_id, pseudonymise
from antt.domain.reference import unit_catalog
from antt.domain.text import fold
from antt.domain.units import Level
from antt.errors import Issue, Severity
from antt.importers.cells import clean_key, flag_of, mask
from antt.importers.columns import Column, match_headers
from antt.importers.issue_log import IssueLog
from antt.importers.rules import RULES as INCIDENT_RULES
from antt.importers.rules import issue_from

LEGACY_COLUMNS: tuple[Column, ...] = (
    Column("old_login", "Tên đăng nhập", required=True),
    Column("full_name", "Họ và tên", required=True),
    Column("personal_id", "Số định danh cá nhân", required=True),
    Column("role", "Vai trò", required=True),
    Column("communes", "Xã/phường", required=True),
    Column("active", "Đang hoạt động", required=True),
)

MAX_LOGIN, MAX_NAME = 100, 200
_LOGIN = re.compile(r"^[A-Za-z0-9._@-]{1,100}$")
_CODES = re.compile(r"[;,\s]+")

ROLE_LABELS: dict[Role, tuple[str, ...]] = {
    Role.LEADER: ("leader", "lãnh đạo"),
    Role.ANALYST: ("analyst", "phân tích", "cán bộ phân tích"),
    Role.COMMUNE_OFFICER: (
        "commune_officer",
        "công an xã",
        "công an phường",
        "công an xã/phường",
        "cán bộ công an xã",
    ),
    Role.ADMINISTRATOR: ("administrator", "quản trị", "quản trị viên"),
    Role.AUDITOR: ("auditor", "thanh tra", "kiểm tra"),
}
_ROLES = {fold(label.replace("_", " ")): role for role, labels in ROLE_LABELS.items() for label in labels}
CITY_WIDE = ("toàn thành phố", "toàn tp", "city", "city-wide", "city wide", "*")
_CITY = {fold(text) for text in CITY_WIDE}

_SHARED = ("text.too_long", "text.formula_like", "person_id.format")
RULES: dict[str, tuple[str, str]] = {k: INCIDENT_RULES[k] for k in _SHARED} | {
    "bool.format": (
        "Dùng có/không, 1/0, hoạt động/khoá.",
        "Use yes/no, 1/0, active/inactive.",
    ),
    "value.required": ("Thiếu giá trị bắt buộc.", "A required value is missing."),
    "login.format": (
        "Tên đăng nhập chỉ gồm chữ không dấu, chữ số và các ký tự . _ - @ (tối đa 100 ký tự).",
        "A login may hold only unaccented letters, digits and . _ - @ (at most 100 characters).",
    ),
    "login.duplicate": (
        "Tên đăng nhập trùng với dòng {first}.",
        "The same login as row {first}.",
    ),
    "personal_id.number_cell": (
        "Ô số định danh có kiểu số nên Excel đã bỏ các số 0 ở đầu; đã khôi phục đủ 12 chữ số. Hãy định "
        "dạng cột là Văn bản (Text).",
        "The personal id cell is a number, so Excel dropped its leading zeros; they were restored to 12 "
        "digits. Format the column as Text.",
    ),
    "personal_id.shared": (
        "Cùng số định danh với tài khoản '{login}' (dòng {first}): khi người này đăng nhập VNeID, quyền "
        "không được tự động chuyển mà chờ quản trị viên xem xét.",
        "The same personal id as the account '{login}' (row {first}): when this person signs in with "
        "VNeID, no rights are carried over; the link waits for an administrator's review.",
    ),
    "personal_id.shared_existing": (
        "Cùng số định danh với tài khoản cũ đã nhập '{login}': khi người này đăng nhập VNeID, quyền không "
        "được tự động chuyển mà chờ quản trị viên xem xét.",
        "The same personal id as the legacy account '{login}' imported before: when this person signs in "
        "with VNeID, no rights are carried over; the link waits for an administrator's review.",
    ),
    "role.unknown": (
        "Vai trò không xác định; dùng: lãnh đạo (leader), phân tích (analyst), công an xã "
        "(commune_officer), quản trị (administrator), thanh tra (auditor).",
        "Unknown role; use: leader (lãnh đạo), analyst (phân tích), commune_officer (công an xã), "
        "administrator (quản trị), auditor (thanh tra).",
    ),
    "communes.unknown": (
        "Mã xã/phường {code} không có trong danh mục đơn vị hiện hành ({scheme}).",
        "Commune code {code} is not in the current list of units ({scheme}).",
    ),
    "communes.city_code": (
        "{code} là mã của cả thành phố: ghi “toàn thành phố” để cấp quyền toàn thành phố.",
        "{code} is the code of the whole city: write “city-wide” (toàn thành phố) for a city-wide grant.",
    ),
    "communes.mixed": (
        "Ghi hoặc “toàn thành phố” hoặc các mã xã/phường, không cả hai.",
        "Give either “city-wide” (toàn thành phố) or commune codes, not both.",
    ),
    "login.linked_changed": (
        "Tài khoản cũ này đã được chuyển sang tài khoản VNeID (người dùng {user}, ngày {day}); tệp nhập "
        "không sửa được nữa — hãy thay đổi quyền của người dùng đó trên trang quản trị.",
        "This legacy account was taken over by an e-ID account (user {user}, on {day}); an import can no "
        "longer change it — change that user's grants on the admin page.",
    ),
}


def make_issue(
    rule: str,
    *,
    file: str,
    row: int | None,
    column: str | None,
    value: object = None,
    severity: Severity = Severity.ERROR,
    **params: object,
) -> Issue:
    """An issue of this import (:data:`RULES`), its messages filled in."""
    return issue_from(
        RULES, rule, file=file, row=row, column=column, value=value, severity=severity, **params
    )


@dataclass(frozen=True)
class LegacyRecord:
    """One valid row: the account as it will be recorded. ``units`` ``None`` is city-wide."""

    row: int
    login: str
    full_name: str
    pseudonym: str
    role: Role
    units: tuple[UnitKey, ...] | None
    active: bool

    def scopes(self) -> list[UnitKey | None]:
        return [None] if self.units is None else list(self.units)


def _text(raw: object) -> str:
    """A cell as text: a whole number that Excel stored as a float loses its ``.0``."""
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return clean_key(str(raw))


class LegacyUserValidator:
    """Checks a legacy-user file's header and rows; ``issues`` holds every problem found (the first of
    each rule, every one counted), ``records`` the rows that passed."""

    def __init__(self, file: str, headers: list[str], pseudonym_key: bytes) -> None:
        self.file = file
        self.key = pseudonym_key
        self.positions, header_issues = match_headers(headers, LEGACY_COLUMNS, file)
        self.issues = IssueLog(header_issues)
        self.records: list[LegacyRecord] = []
        self.rows_seen = 0
        self._logins: dict[str, int] = {}
        self._pseudonyms: dict[str, tuple[int, str]] = {}
        catalog = unit_catalog()
        self.scheme = catalog.current.code
        self._units = {u.code: u for u in catalog.in_scheme(self.scheme)}

    @property
    def error_count(self) -> int:
        return self.issues.error_total

    def _issue(
        self,
        rule: str,
        row: int,
        column: str,
        value: object = None,
        severity: Severity = Severity.ERROR,
        **p: object,
    ) -> None:
        self.issues.append(
            make_issue(rule, file=self.file, row=row, column=column, value=value, severity=severity, **p)
        )

    def validate(self, rows: Iterable[tuple[int, list[object]]]) -> list[LegacyRecord]:
        if any(i.is_error for i in self.issues):  # a missing column: the rows cannot be read
            for _ in rows:
                self.rows_seen += 1
            return []
        for number, cells in rows:
            self.rows_seen += 1
            record = self._row(number, cells)
            if record is not None:
                self.records.append(record)
        return self.records

    def _cell(self, cells: list[object], name: str) -> object:
        index = self.positions.get(name)
        return cells[index] if index is not None and index < len(cells) else None

    def _row(self, row: int, cells: list[object]) -> LegacyRecord | None:
        errors = self.issues.error_total
        login = self._login(row, _text(self._cell(cells, "old_login")))
        name = self._name(row, _text(self._cell(cells, "full_name")))
        pseudonym = self._personal_id(row, self._cell(cells, "personal_id"), login)
        role = self._role(row, _text(self._cell(cells, "role")))
        units = self._communes(row, _text(self._cell(cells, "communes")))
        active = self._active(row, _text(self._cell(cells, "active")))
        if self.issues.error_total > errors or login is None or pseudonym is None or role is None:
            return None
        if active is None or isinstance(units, bool) or name is None:
            return None
        return LegacyRecord(row, login, name, pseudonym, role, units, active)

    def _login(self, row: int, text: str) -> str | None:
        if not text:
            self._issue("value.required", row, "old_login")
            return None
        if not _LOGIN.match(text):
            self._issue("login.format", row, "old_login", text)
            return None
        key = text.casefold()
        first = self._logins.setdefault(key, row)
        if first != row:
            self._issue("login.duplicate", row, "old_login", text, first=first)
            return None
        return text

    def _name(self, row: int, text: str) -> str | None:
        if not text:
            self._issue("value.required", row, "full_name")
            return None
        if len(text) > MAX_NAME:
            self._issue("text.too_long", row, "full_name", text, limit=MAX_NAME)
            return None
        if text[0] in "=+-@":
            self._issue("text.formula_like", row, "full_name", text, Severity.WARNING)
        return text

    def _personal_id(self, row: int, raw: object, login: str | None) -> str | None:
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)
        if isinstance(raw, int) and not isinstance(raw, bool):
            text = str(raw)
            if len(text) < 12:
                text = text.zfill(12)
                self._issue("personal_id.number_cell", row, "personal_id", None, Severity.WARNING)
        else:
            text = "".join(_text(raw).split())
        if not text:
            self._issue("value.required", row, "personal_id")
            return None
        if not is_valid_personal_id(text):
            self._issue("person_id.format", row, "personal_id", mask(text))
            return None
        pseudonym = pseudonymise(text, self.key)
        first = self._pseudonyms.setdefault(pseudonym, (row, login or ""))
        if first[0] != row:
            self._issue(
                "personal_id.shared",
                row,
                "personal_id",
                None,
                Severity.WARNING,
                first=first[0],
                login=first[1],
            )
        return pseudonym

    def _role(self, row: int, text: str) -> Role | None:
        if not text:
            self._issue("value.required", row, "role")
            return None
        role = _ROLES.get(fold(text.replace("_", " ")))
        if role is None:
            self._issue("role.unknown", row, "role", text)
        return role

    def _communes(self, row: int, text: str) -> tuple[UnitKey, ...] | bool | None:
        """The communes' keys, ``None`` for the whole city, ``False`` when the cell is wrong."""
        if not text:
            self._issue("value.required", row, "communes")
            return False
        if fold(text) in _CITY:
            return None
        codes = [c for c in _CODES.split(text) if c]
        if any(fold(c) in _CITY for c in codes) or fold(text).startswith(fold("toàn")):
            self._issue("communes.mixed", row, "communes", text)
            return False
        keys: list[UnitKey] = []
        ok = True
        for code in dict.fromkeys(codes):
            unit = self._units.get(code)
            if unit is not None and unit.level is Level.PROVINCE:
                self._issue("communes.city_code", row, "communes", code, code=code)
                ok = False
            elif unit is None or unit.level is not Level.COMMUNE:
                self._issue("communes.unknown", row, "communes", code, code=code, scheme=self.scheme)
                ok = False
            else:
                keys.append(unit.key)
        return tuple(keys) if ok else False

    def _active(self, row: int, text: str) -> bool | None:
        if not text:
            self._issue("value.required", row, "active")
            return None
        flag = flag_of(text)
        if flag is None:
            flag = _STATUS_WORDS.get(fold(text))
        if flag is None:
            self._issue("bool.format", row, "active", text)
        return flag


_STATUS_WORDS = {
    fold(word): value
    for value, words in {
        True: ("active", "hoạt động", "đang hoạt động", "đang dùng"),
        False: ("inactive", "khoá", "khóa", "đã khoá", "đã khóa", "ngừng", "ngừng hoạt động"),
    }.items()
    for word in words
}
