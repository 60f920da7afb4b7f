"""Administrative-document rules of Decree 30/2020/NĐ-CP (Appendix I) and Vietnamese number formats.

* Place and date (ô số 4): "Hải Phòng, ngày 05 tháng 02 năm 2026" — the day is zero-padded below 10 and the
  month is zero-padded only for January and February ("tháng 3" … "tháng 12").
* Number and symbol (ô số 3): "Số: 07/BC-CATP" — numbers below 10 zero-padded; a blank number is left for the
  clerk ("Số:      /BC-CATP").
* Numbers: thousands with "." and decimals with "," ("1.234", "12,5%").
"""

from __future__ import annotations

from datetime import date

NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
SECRECY_MARKS = ("MẬT", "TỐI MẬT", "TUYỆT MẬT")
URGENCY_MARKS = ("KHẨN", "THƯỢNG KHẨN", "HỎA TỐC")
#: the marks in English, for the English pages (the document itself is printed with the Vietnamese mark)
MARK_LABELS_EN = {
    "MẬT": "Confidential",
    "TỐI MẬT": "Secret",
    "TUYỆT MẬT": "Top secret",
    "KHẨN": "Urgent",
    "THƯỢNG KHẨN": "Very urgent",
    "HỎA TỐC": "Immediate",
}


def official_date(day: date) -> str:
    """``ngày 05 tháng 02 năm 2026`` / ``ngày 15 tháng 3 năm 2026`` (Decree 30's zero-padding rule)."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def place_and_date(place: str, day: date) -> str:
    """``Hải Phòng, ngày 05 tháng 3 năm 2026``."""
    return f"{place}, {official_date(day)}"


def document_number(symbol: str, number: int | None = None) -> str:
    """``Số: 07/BC-CATP``; without a number, the blank the clerk fills in: ``Số:      /BC-CATP``."""
    if number is not None and number < 1:
        raise ValueError("a document number starts at 1")
    shown = f"{number:02d}" if number is not None else "      "
    return f"Số: {shown}/{symbol}"


def format_count(value: int) -> str:
    """``1.234.567`` (Vietnamese grouping)."""
    sign = "-" if value < 0 else ""
    return sign + f"{abs(value):,}".replace(",", ".")


def format_decimal(value: float, digits: int = 1) -> str:
    """``12,5`` / ``1.234,5``."""
    text = f"{abs(value):,.{digits}f}".replace(",", "\0").replace(".", ",").replace("\0", ".")
    return ("-" if value < 0 and float(text.replace(".", "").replace(",", ".")) != 0 else "") + text


def format_percent(value: float, digits: int = 1) -> str:
    """``12,5%``."""
    return format_decimal(value, digits) + "%"


def format_signed(value: int) -> str:
    """A change in counts with its sign: ``+12``, ``-3``, ``0``."""
    return ("+" if value > 0 else "") + format_count(value)
