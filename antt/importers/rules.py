"""Every row-level rule of the incident import, with its message in Vietnamese and English.

One place for the wording, so the CLI, the web import page and the tests say the same thing.
"""

from __future__ import annotations

from antt.errors import Issue, Severity

RULES: dict[str, tuple[str, str]] = {
    "value.required": ("Thiếu giá trị bắt buộc.", "A required value is missing."),
    "text.too_long": ("Quá dài (tối đa {limit} ký tự).", "Too long (at most {limit} characters)."),
    "text.formula_like": (
        "Bắt đầu bằng ký tự công thức; được lưu dưới dạng văn bản, không bao giờ được tính.",
        "Starts with a formula character; stored as text and never evaluated.",
    ),
    "source_id.duplicate": (
        "Mã vụ việc trùng với dòng {first}.",
        "Duplicate source id; first seen on row {first}.",
    ),
    "date.format": (
        "Không đọc được ngày giờ; dùng dd/mm/yyyy, dd/mm/yyyy HH:MM hoặc ISO 8601 (ngày trước tháng).",
        "Unreadable date; use dd/mm/yyyy, dd/mm/yyyy HH:MM or ISO 8601 (day before month).",
    ),
    "date.excel_serial": (
        "Số {value} được hiểu là ngày kiểu Excel: {date}.",
        "Number {value} read as an Excel serial date: {date}.",
    ),
    "date.future": ("Ngày ở tương lai.", "The date is in the future."),
    "date.too_early": ("Ngày trước 01/01/2000.", "The date is before 01/01/2000."),
    "reported_at.before_occurred": (
        "Thời gian tiếp nhận trước thời gian xảy ra.",
        "Reported before it occurred.",
    ),
    "cleared_at.required": (
        "Vụ việc 'Đã làm rõ' phải có ngày làm rõ.",
        "A cleared case needs its clearance date.",
    ),
    "cleared_at.before_occurred": ("Ngày làm rõ trước ngày xảy ra.", "Cleared before it occurred."),
    "cleared_at.not_cleared": (
        "Có ngày làm rõ nhưng tình trạng không phải 'Đã làm rõ'; ngày này được bỏ qua.",
        "A clearance date is given but the status is not 'cleared'; the date is ignored.",
    ),
    "unit.missing": ("Cần mã đơn vị hành chính hoặc tọa độ.", "A unit code or coordinates are required."),
    "unit.out_of_scope": (
        "Vụ việc thuộc đơn vị {unit}, ngoài phạm vi được giao cho người nhập.",
        "The incident belongs to unit {unit}, outside the importing user's scope.",
    ),
    "source_id.out_of_scope": (
        "Mã vụ việc đã được dùng cho một vụ việc ngoài phạm vi được giao cho người nhập; không được ghi đè.",
        "This source id is already used by an incident outside the importing user's scope; it may not be "
        "overwritten.",
    ),
    "unit.unknown": (
        "Mã đơn vị không có trong danh mục đơn vị hành chính hiệu lực ngày {day} (hệ {scheme}).",
        "Unit code not in the list of units in force on {day} (scheme {scheme}).",
    ),
    "unit.old_code": (
        "Mã đơn vị cũ, đã hết hiệu lực từ 01/7/2025; đơn vị mới: {targets}.",
        "An old unit code, no longer valid from 1 July 2025; new unit(s): {targets}.",
    ),
    "unit.district_after_reorganisation": (
        "Mã cấp huyện chỉ được dùng trước 01/7/2025; cần mã cấp xã.",
        "District codes are accepted only before 1 July 2025; use the commune code.",
    ),
    "coords.invalid": (
        "Tọa độ không hợp lệ (cần vĩ độ và kinh độ dạng số thập phân, WGS84).",
        "Invalid coordinates (decimal latitude and longitude, WGS84, are required).",
    ),
    "coords.crs": ("Hệ tọa độ không được hỗ trợ.", "Unsupported coordinate reference system."),
    "coords.outside": (
        "Tọa độ nằm ngoài địa bàn thành phố (cách đơn vị gần nhất hơn {limit} m).",
        "Coordinates are outside the city (more than {limit} m from the nearest unit).",
    ),
    "coords.nearest": (
        "Tọa độ nằm ngoài ranh giới, gán cho đơn vị gần nhất {code} (cách {distance} m).",
        "Coordinates are outside every boundary; assigned to the nearest unit {code} ({distance} m away).",
    ),
    "coords.mismatch": (
        "Tọa độ thuộc đơn vị {located}, khác mã đơn vị đã ghi; giữ mã đã ghi.",
        "Coordinates fall in unit {located}, not the given unit code; the given code is kept.",
    ),
    "article.format": (
        "Không đọc được điều luật; ví dụ hợp lệ: 173, 173.2, Điều 173 khoản 2, 256a.",
        "Unreadable article; valid examples: 173, 173.2, Điều 173 khoản 2, 256a.",
    ),
    "article.unknown": (
        "Không có điều luật này trong Bộ luật Hình sự.",
        "No such article in the Penal Code.",
    ),
    "article.not_an_offence": (
        "Điều này không quy định một tội danh ({name}).",
        "This article does not define an offence ({name}).",
    ),
    "article.not_in_force": (
        "Điều luật chưa có hoặc đã hết hiệu lực vào ngày xảy ra (hiệu lực {valid}).",
        "The article was not in force on the date it occurred (in force {valid}).",
    ),
    "clause.unknown": (
        "Điều {article} không có khoản {clause} trong bảng khung hình phạt; mức độ lấy theo cả điều.",
        "Article {article} has no clause {clause} in the penalty table; severity taken from the whole article.",
    ),
    "status.unknown": (
        "Tình trạng không hợp lệ; dùng: Đang điều tra, Đã làm rõ, Tạm đình chỉ, Đình chỉ, Chuyển cơ quan khác.",
        "Unknown status; use: under_investigation, cleared, suspended, closed, transferred.",
    ),
    "number.format": ("Không phải số nguyên.", "Not a whole number."),
    "number.negative": ("Không được là số âm.", "Must not be negative."),
    "bool.format": ("Dùng có/không, 1/0 hoặc x/để trống.", "Use yes/no, 1/0 or x/empty."),
    "person_id.format": (
        "Số định danh cá nhân phải gồm 12 chữ số với mã tỉnh nơi đăng ký khai sinh hợp lệ.",
        "A personal id number must be 12 digits starting with a valid province-of-birth code.",
    ),
    "person_ids.more_than_suspects": (
        "Số định danh ({count}) nhiều hơn số đối tượng ({suspects}).",
        "More personal ids ({count}) than suspects ({suspects}).",
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
    """The issue of ``rule`` (one of :data:`RULES`) with its messages filled in."""
    return issue_from(
        RULES, rule, file=file, row=row, column=column, value=value, severity=severity, **params
    )


def issue_from(
    rules: dict[str, tuple[str, str]],
    rule: str,
    *,
    file: str,
    row: int | None,
    column: str | None,
    value: object = None,
    severity: Severity = Severity.ERROR,
    **params: object,
) -> Issue:
    """An issue from any table of rules (incidents, indicators …); a long value is shortened for display."""
    vi, en = rules[rule]
    shown = None if value is None else str(value)
    if shown is not None and len(shown) > 120:
        shown = shown[:117] + "..."
    return Issue(
        rule=rule,
        message_vi=vi.format(value=shown, **params),
        message_en=en.format(value=shown, **params),
        severity=severity,
        file=file,
        row=row,
        column=column,
        value=shown,
    )
