"""The vocabulary of the indicator import: the known indicators and every rule's message in both languages.

One place for the wording, so the CLI, the web import page and the tests say the same thing; the rules
shared with the incident import are taken from :mod:`antt.importers.rules` unchanged.
"""

from __future__ import annotations

from typing import NamedTuple

from antt.errors import Issue, Severity
from antt.importers.rules import RULES as INCIDENT_RULES
from antt.importers.rules import issue_from

__all__ = [
    "KIND_NAMES",
    "KIND_RANGES",
    "KNOWN_INDICATORS",
    "KNOWN_LIST",
    "PERIOD_EXAMPLES",
    "RULES",
    "VALUE_RANGES",
    "IndicatorInfo",
    "make_issue",
]


class IndicatorInfo(NamedTuple):
    name_vi: str
    name_en: str
    unit_of_measure: str
    kind: str  # "count" | "amount" (money, whole đồng) | "percent" | "rank" | "score" | "flag"


KNOWN_INDICATORS: dict[str, IndicatorInfo] = {
    # e-ID (VNeID) accounts, cumulative as of the end of the period (REFERENCE §5.3)
    "eid_accounts_assigned": IndicatorInfo(
        "Chỉ tiêu tài khoản định danh điện tử được giao",
        "e-ID accounts assigned (target)",
        "tài khoản",
        "count",
    ),
    "eid_accounts_collected": IndicatorInfo(
        "Hồ sơ tài khoản định danh điện tử đã thu nhận",
        "e-ID account applications collected",
        "tài khoản",
        "count",
    ),
    "eid_accounts_activated": IndicatorInfo(
        "Tài khoản định danh điện tử đã kích hoạt", "e-ID accounts activated", "tài khoản", "count"
    ),
    # drug control (QĐ 28/2025/QĐ-TTg criteria, REFERENCE §1.2)
    "drug_users_managed": IndicatorInfo(
        "Người sử dụng trái phép chất ma túy, người nghiện có hồ sơ quản lý",
        "Illegal drug users and addicts under management",
        "người",
        "count",
    ),
    "drug_use_places": IndicatorInfo(
        "Địa điểm tổ chức, chứa chấp sử dụng trái phép chất ma túy",
        "Places organising or harbouring illegal drug use",
        "địa điểm",
        "count",
    ),
    "drug_offenders_arrested": IndicatorInfo(
        "Đối tượng phạm tội về ma túy bị bắt giữ", "Drug offenders arrested", "đối tượng", "count"
    ),
    "narcotic_plants_destroyed": IndicatorInfo(
        "Cây có chứa chất ma túy bị phát hiện, triệt phá",
        "Narcotic plants found and destroyed",
        "cây",
        "count",
    ),
    "on_key_route": IndicatorInfo(
        "Nằm trên tuyến trọng điểm về ma túy", "On a key drug-trafficking route", "", "flag"
    ),
    # traffic safety: the period's accidents and their victims (counts within the period, not cumulative)
    "traffic_accidents": IndicatorInfo("Số vụ tai nạn giao thông", "Traffic accidents", "vụ", "count"),
    "traffic_deaths": IndicatorInfo(
        "Số người chết do tai nạn giao thông", "People killed in traffic accidents", "người", "count"
    ),
    "traffic_injuries": IndicatorInfo(
        "Số người bị thương do tai nạn giao thông", "People injured in traffic accidents", "người", "count"
    ),
    # social evils handled administratively (tệ nạn xã hội, xử lý vi phạm hành chính): counts within the
    # period; the criminal cases of the same kinds are incidents (Penal Code arts. 321, 322, 327–329, 256a)
    "prostitution_admin_cases": IndicatorInfo(
        "Số vụ vi phạm hành chính về mại dâm bị xử lý",
        "Prostitution: administrative violation cases handled",
        "vụ",
        "count",
    ),
    "prostitution_admin_persons": IndicatorInfo(
        "Số người vi phạm hành chính về mại dâm bị xử lý",
        "Prostitution: persons handled administratively",
        "người",
        "count",
    ),
    "gambling_admin_cases": IndicatorInfo(
        "Số vụ đánh bạc bị xử lý vi phạm hành chính",
        "Gambling: administrative violation cases handled",
        "vụ",
        "count",
    ),
    "gambling_admin_persons": IndicatorInfo(
        "Số người đánh bạc bị xử lý vi phạm hành chính",
        "Gambling: persons handled administratively",
        "người",
        "count",
    ),
    "drug_use_admin_cases": IndicatorInfo(
        "Số vụ sử dụng trái phép chất ma túy bị xử lý vi phạm hành chính",
        "Illegal drug use: administrative violation cases handled",
        "vụ",
        "count",
    ),
    "drug_use_admin_persons": IndicatorInfo(
        "Số người sử dụng trái phép chất ma túy bị xử lý vi phạm hành chính",
        "Illegal drug use: persons handled administratively",
        "người",
        "count",
    ),
    # fires and explosions (cháy, nổ): counts within the period; damage as estimated, in đồng
    "fire_cases": IndicatorInfo("Số vụ cháy, nổ", "Fires and explosions", "vụ", "count"),
    "fire_deaths": IndicatorInfo(
        "Số người chết do cháy, nổ", "People killed in fires and explosions", "người", "count"
    ),
    "fire_injuries": IndicatorInfo(
        "Số người bị thương do cháy, nổ", "People injured in fires and explosions", "người", "count"
    ),
    "fire_damage_vnd": IndicatorInfo(
        "Thiệt hại về tài sản do cháy, nổ (ước tính)",
        "Property damage from fires and explosions (estimated)",
        "đồng",
        "amount",
    ),
    # Project 06 as measured since Decree 69/2024/NĐ-CP (REFERENCE §5.1): level-2 e-ID accounts and chip
    # ID cards cumulative at the period's end; online public-service dossiers within the period
    "eid_level2_collected": IndicatorInfo(
        "Hồ sơ tài khoản định danh điện tử mức 2 đã thu nhận",
        "Level-2 e-ID account applications collected",
        "tài khoản",
        "count",
    ),
    "eid_level2_activated": IndicatorInfo(
        "Tài khoản định danh điện tử mức 2 đã kích hoạt",
        "Level-2 e-ID accounts activated",
        "tài khoản",
        "count",
    ),
    "chip_id_cards_issued": IndicatorInfo(
        "Thẻ căn cước (căn cước công dân gắn chíp) đã cấp",
        "Chip ID cards issued",
        "thẻ",
        "count",
    ),
    "online_public_services": IndicatorInfo(
        "Hồ sơ dịch vụ công trực tuyến đã tiếp nhận",
        "Online public-service applications received",
        "hồ sơ",
        "count",
    ),
    # population and socio-economic (REFERENCE §8)
    "population": IndicatorInfo("Dân số", "Population", "người", "count"),
    "grdp_growth_pct": IndicatorInfo("Tốc độ tăng trưởng GRDP", "GRDP growth", "%", "percent"),
    "grdp_plan_pct": IndicatorInfo("Kế hoạch tăng trưởng GRDP", "GRDP growth plan", "%", "percent"),
    "pci_score": IndicatorInfo("Điểm PCI", "PCI score", "điểm", "score"),
    "pci_rank": IndicatorInfo("Xếp hạng PCI", "PCI rank", "hạng", "rank"),
    "par_index_pct": IndicatorInfo("Chỉ số cải cách hành chính (PAR Index)", "PAR Index", "%", "percent"),
    "par_rank": IndicatorInfo("Xếp hạng PAR Index", "PAR Index rank", "hạng", "rank"),
}

# Allowed ranges (inclusive) where the kind's default does not fit: growth rates can be negative.
VALUE_RANGES: dict[str, tuple[float, float]] = {
    "grdp_growth_pct": (-100.0, 1000.0),
    "grdp_plan_pct": (-100.0, 1000.0),
    "pci_score": (0.0, 100.0),
}
KIND_RANGES: dict[str, tuple[float, float]] = {"percent": (0.0, 1000.0)}
KIND_NAMES: dict[str, tuple[str, str]] = {
    "count": ("số đếm", "count"),
    "amount": ("số tiền (đồng)", "amount of money (đồng)"),
    "rank": ("thứ hạng", "rank"),
    "percent": ("tỷ lệ phần trăm", "percentage"),
    "score": ("điểm số", "score"),
    "flag": ("có/không", "yes/no flag"),
}

KNOWN_LIST = ", ".join(KNOWN_INDICATORS)
PERIOD_EXAMPLES = "year:2024, month:2024-03, quarter:2026-Q2, report-month:2026-04"

_BASE_RULES = (
    "value.required",
    "text.too_long",
    "text.formula_like",
    "unit.unknown",
    "unit.old_code",
    "unit.district_after_reorganisation",
    "bool.format",
)
RULES: dict[str, tuple[str, str]] = {k: INCIDENT_RULES[k] for k in _BASE_RULES} | {
    "header.missing": ("Thiếu cột bắt buộc {columns}.", "Required column {columns} is missing."),
    "header.period_and_year": (
        "Chỉ dùng một trong hai cột 'Kỳ' (period) hoặc 'Năm' (year).",
        "Use either the 'period' column or the 'year' column, not both.",
    ),
    "header.mixed_layout": (
        "Tệp có cả cột 'Chỉ số'/'Giá trị' lẫn cột mang tên chỉ số ({columns}); hãy dùng một trong hai cách.",
        "The file has both 'indicator'/'value' columns and columns named after indicators ({columns}); "
        "use one layout or the other.",
    ),
    "indicator.unknown": (
        "Chỉ số không xác định. Các chỉ số được nhận: {known}.",
        "Unknown indicator. Known indicators: {known}.",
    ),
    "period.format": (
        "Không đọc được kỳ ({detail_vi}); ví dụ hợp lệ: {examples}.",
        "Unreadable period ({detail_en}); valid examples: {examples}.",
    ),
    "period.relative": (
        "Tệp nhập phải ghi kỳ cụ thể, không dùng current/today/previous; ví dụ: {examples}.",
        "An import file must name a fixed period, not current/today/previous; e.g. {examples}.",
    ),
    "year.format": ("Năm phải là số có 4 chữ số, ví dụ 2024.", "The year must be 4 digits, e.g. 2024."),
    "period.future": (
        "Kỳ chưa bắt đầu: bắt đầu ngày {start}, sau hôm nay ({today}).",
        "The period has not started: it starts on {start}, after today ({today}).",
    ),
    "value.format": (
        "Không phải số; phần thập phân dùng dấu phẩy hoặc dấu chấm, ví dụ 12,5 hoặc 12.5.",
        "Not a number; use a comma or a dot as the decimal mark, e.g. 12,5 or 12.5.",
    ),
    "value.not_whole": (
        "Chỉ số {indicator} là {kind_vi}, phải là số nguyên.",
        "Indicator {indicator} is a {kind_en} and must be a whole number.",
    ),
    "value.negative": (
        "Chỉ số {indicator} không được là số âm.",
        "Indicator {indicator} must not be negative.",
    ),
    "value.rank": (
        "Thứ hạng ({indicator}) phải là số nguyên từ 1 trở lên.",
        "A rank ({indicator}) must be a whole number of 1 or more.",
    ),
    "value.range": (
        "Giá trị của {indicator} phải từ {low} đến {high}.",
        "The value of {indicator} must be between {low} and {high}.",
    ),
    "value.flag": (
        "Chỉ số {indicator} dạng có/không: dùng 1 (có) hoặc 0 (không).",
        "Indicator {indicator} is yes/no: use 1 (yes) or 0 (no).",
    ),
    "unit_of_measure.mismatch": (
        "Đơn vị tính khác với đơn vị của chỉ số {indicator} (“{expected}”).",
        "The unit of measure differs from that of indicator {indicator} (“{expected}”).",
    ),
    "key.duplicate": (
        "Trùng chỉ số, đơn vị và kỳ với dòng {first}.",
        "Same indicator, unit and period as row {first}.",
    ),
    "unit_scheme.unknown": (
        "Hệ đơn vị hành chính không xác định; dùng: {known}.",
        "Unknown unit scheme; use: {known}.",
    ),
    "unit_scheme.ended": (
        "Kỳ bắt đầu sau ngày hệ đơn vị {scheme} hết hiệu lực ({valid_to}); dùng mã đơn vị của hệ mới.",
        "The period starts after unit scheme {scheme} ended ({valid_to}); use a code of the newer scheme.",
    ),
    "unit.unknown_in_scheme": (
        "Mã đơn vị không có trong hệ đơn vị hành chính {scheme}.",
        "Unit code not in unit scheme {scheme}.",
    ),
    "unit.out_of_scope": (
        "Đơn vị ngoài phạm vi được giao cho người nhập.",
        "The unit is outside the importing user's scope.",
    ),
    "unit.scheme_fallback": (
        "{count} giá trị có kỳ kết thúc trước 01/01/2025 được đối chiếu với danh mục đơn vị hành chính ngày "
        "01/01/2025 (danh mục 2020–2024 chưa có trong ANTT).",
        "{count} values of periods ending before 1 Jan 2025 were checked against the 1 Jan 2025 unit list "
        "(the 2020–2024 list is not in ANTT yet).",
    ),
    "unit.scheme_declared": (
        "{count} giá trị có kỳ kết thúc trước ngày hệ {scheme} có hiệu lực được ghi theo mã của hệ {scheme} "
        "như tệp khai báo (số liệu đã quy đổi sang đơn vị mới).",
        "{count} values of periods ending before scheme {scheme} came into force are stored under scheme "
        "{scheme} codes, as the import declares (figures re-aggregated to the new units).",
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
    """:func:`antt.importers.rules.make_issue` over this module's :data:`RULES`."""
    return issue_from(
        RULES, rule, file=file, row=row, column=column, value=value, severity=severity, **params
    )
