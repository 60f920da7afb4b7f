"""The demo's target set (``targets.yaml``): Hải Phòng's real targets as REFERENCE records them.

The *targets* are real (each names its source document, the URL REFERENCE cites and REFERENCE's
confidence tag); the file sits beside synthetic data and carries the top-level label "Dữ liệu mô phỏng"
like every demo file. The format is provisional until the targets issue defines the domain model.

Format (YAML, UTF-8)::

    label: Dữ liệu mô phỏng
    version: 1
    source_document: domain/REFERENCE.md (§1.5, §2, §5, §8)
    targets:
      - id: clearance-rate                 # slug, unique
        name_vi: …                         # Vietnamese name shown in the UI
        name_en: …
        group: crime_reduction_and_clearance | drugs | eid_project06 | socio_economic
        indicator: clearance_rate          # indicator key (incidents.* are derived from incidents)
        unit_scope: city                   # the unit the target is set for (31 = Hải Phòng)
        rule:                              # one of
          {kind: relative_to_baseline, baseline: same_period_last_year, max_ratio: 0.95}
          {kind: threshold, op: '>' | '>=' | '<' | '<=', value: 75}
          {kind: cumulative_by_deadline, op: '>=', value: 30, deadline: 2025-12-31}
          {kind: rank, op: '<=', value: 3}
        period: report-year:2026 | year:2025
        source: document number and title
        source_url: the URL REFERENCE cites
        confidence: H | M | L              # REFERENCE's tag
        note: …

Values of percentage indicators are in percent (75 means 75 %); a rank is 1 for the best province.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import yaml

LABEL = "Dữ liệu mô phỏng"

_NQ96 = "NQ 96/2019/QH14 (27/11/2019) về công tác phòng, chống tội phạm và vi phạm pháp luật"
_NQ96_URL = "https://lite.baomoi.com/ti-le-dieu-tra-kham-pha-toi-pham-ve-trat-tu-xa-hoi-dat-cao-hon-8-48-chi-tieu-quoc-hoi-giao-c50821326.epi"
_DRUG_FREE = (
    "Nghị quyết Thành ủy Hải Phòng 09/10/2025 'Xây dựng Hải Phòng trở thành thành phố không ma túy' "
    "(thay NQ 18-NQ/TU ngày 26/02/2025 và Đề án 05/ĐA-UBND ngày 11/6/2025)"
)
_DRUG_FREE_URL = "https://www.vietnam.vn/en/nhieu-giai-phap-xay-dung-hai-phong-la-thanh-pho-khong-ma-tuy"


def _drug_free(share: int, deadline: date, note: str) -> dict[str, Any]:
    return {
        "id": f"drug-free-communes-{deadline.year}",
        "name_vi": f"Tỷ lệ xã, phường, đặc khu không ma túy đạt {share}% (đến {deadline:%d/%m/%Y})",
        "name_en": f"Drug-free communes: {share}% of the 114 by {deadline.isoformat()}",
        "group": "drugs",
        "indicator": "drug_free_communes_share",
        "unit_scope": "city",
        "rule": {"kind": "cumulative_by_deadline", "op": ">=", "value": share, "deadline": deadline},
        "period": f"year:{deadline.year}",
        "source": _DRUG_FREE,
        "source_url": _DRUG_FREE_URL,
        "confidence": "H",
        "note": note,
    }


TARGETS: tuple[dict[str, Any], ...] = (
    {
        "id": "social-order-crime-reduction",
        "name_vi": "Kéo giảm tội phạm về trật tự xã hội so với cùng kỳ (giảm ít nhất 5%/năm)",
        "name_en": "Reduce social-order crime by at least 5 % on the same period last year",
        "group": "crime_reduction_and_clearance",
        "indicator": "incidents.social_order.count",
        "unit_scope": "city",
        "rule": {"kind": "relative_to_baseline", "baseline": "same_period_last_year", "max_ratio": 0.95},
        "period": "report-year:2026",
        "source": (
            "QĐ 623/QĐ-TTg (14/4/2016) Chiến lược quốc gia phòng, chống tội phạm 2016–2025; "
            "chỉ đạo của Bộ Công an giảm 3–5%/năm"
        ),
        "source_url": (
            "https://vienkiemsat.haiduong.gov.vn/tuyen-truyen-phap-luat/thu-tuong-chinh-phu-phe-duyet-chien-luoc-"
            "quoc-gia-phong-chong-toi-pham-giai-doan-2016-2025-va-dinh-huong-den-nam-2030-1091.html"
        ),
        "confidence": "M",
        "note": (
            "Bộ trưởng yêu cầu Hải Phòng 'hoàn thành chỉ tiêu kéo giảm tội phạm' (bài báo gốc, 5/2024). "
            "Con số của thành phố chưa tìm thấy; 5%/năm chọn trong khoảng 3–5%/năm của Bộ Công an "
            "(REFERENCE §2, nguồn [M] chưa lưu URL)."
        ),
    },
    {
        "id": "clearance-rate",
        "name_vi": "Tỷ lệ điều tra, khám phá án về trật tự xã hội trên 75%",
        "name_en": "Clearance rate of social-order crime above 75 %",
        "group": "crime_reduction_and_clearance",
        "indicator": "clearance_rate",
        "unit_scope": "city",
        "rule": {"kind": "threshold", "op": ">", "value": 75},
        "period": "report-year:2026",
        "source": _NQ96,
        "source_url": _NQ96_URL,
        "confidence": "M",
        "note": (
            "Ngưỡng 75% suy ra từ báo cáo: năm 2024 đạt 83,48%, 'cao hơn 8,48% chỉ tiêu Quốc hội giao' "
            "(REFERENCE §2, §9 câu hỏi 3)."
        ),
    },
    {
        "id": "clearance-rate-very-serious",
        "name_vi": "Tỷ lệ điều tra, khám phá án rất nghiêm trọng, đặc biệt nghiêm trọng trên 90%",
        "name_en": "Clearance rate of very serious and especially serious crime above 90 %",
        "group": "crime_reduction_and_clearance",
        "indicator": "clearance_rate_very_serious",
        "unit_scope": "city",
        "rule": {"kind": "threshold", "op": ">", "value": 90},
        "period": "report-year:2026",
        "source": _NQ96,
        "source_url": "http://tinbong247.org/ti-le-kham-pha-an-cao-hon-chi-tieu-quoc-hoi-giao-1599639.html",
        "confidence": "M",
        "note": (
            "Ngưỡng 90% suy ra từ báo cáo (90,63% 'vượt chỉ tiêu'); Hải Phòng 6 tháng đầu năm 2025 đạt "
            "93,75% (75/80) (REFERENCE §2, §8)."
        ),
    },
    {
        "id": "crime-report-resolution",
        "name_vi": "Giải quyết trên 90% tin báo, tố giác về tội phạm và kiến nghị khởi tố",
        "name_en": "Resolve more than 90 % of crime reports and denunciations",
        "group": "crime_reduction_and_clearance",
        "indicator": "crime_reports_resolution_rate",
        "unit_scope": "city",
        "rule": {"kind": "threshold", "op": ">", "value": 90},
        "period": "report-year:2026",
        "source": _NQ96,
        "source_url": "https://baothaibinh.com.vn/tin-tuc/16/92471/nghi-quyet-ve-cong-tac-phong-chong-toi-pham-va-vi-pham-phap-luat",
        "confidence": "H",
        "note": "Tiếp nhận 100% và giải quyết trên 90% tin báo, tố giác (REFERENCE §2).",
    },
    _drug_free(
        30,
        date(2025, 12, 31),
        "30% của 114 đơn vị (≈ 34 đơn vị) không ma túy đến hết năm 2025 (REFERENCE §1.5, §8).",
    ),
    _drug_free(45, date(2027, 12, 31), "Thêm 15% đến năm 2027 (REFERENCE §1.5)."),
    _drug_free(60, date(2030, 12, 31), "Thêm 15% giai đoạn 2028–2030, khoảng 60% (REFERENCE §1.5)."),
    _drug_free(100, date(2035, 12, 31), "40% còn lại trong giai đoạn 2031–2035 (REFERENCE §1.5)."),
    {
        "id": "eid-activation",
        "name_vi": "Kích hoạt tài khoản định danh điện tử đạt 100% chỉ tiêu giao",
        "name_en": "Activate e-ID (VNeID) accounts: 100 % of the assigned number",
        "group": "eid_project06",
        "indicator": "eid_activation_rate",
        "unit_scope": "city",
        "rule": {"kind": "threshold", "op": ">=", "value": 100},
        "period": "report-year:2026",
        "source": (
            "QĐ 06/QĐ-TTg (06/01/2022) Đề án phát triển ứng dụng dữ liệu về dân cư, định danh và xác thực "
            "điện tử phục vụ chuyển đổi số quốc gia giai đoạn 2022–2025, tầm nhìn 2030"
        ),
        "source_url": "https://vneconomy.vn/hai-phong-quyet-tam-hoan-thanh-kich-hoat-tai-khoan-dinh-danh-dien-tu-truoc-5-7.htm",
        "confidence": "H",
        "note": (
            "Tỷ lệ = tài khoản đã kích hoạt / chỉ tiêu giao. Hải Phòng (cũ) đạt 38,49% ngày 13/6/2023 và mọi "
            "quận, huyện vượt 100% ngày 29/6/2023 (REFERENCE §5.3); chỉ tiêu cũng đánh giá cho từng xã, "
            "phường, đặc khu."
        ),
    },
    {
        "id": "grdp-growth-2025",
        "name_vi": "Tăng trưởng GRDP năm 2025 đạt kế hoạch 12,35%",
        "name_en": "GRDP growth in 2025 at the planned 12.35 %",
        "group": "socio_economic",
        "indicator": "grdp_growth_pct",
        "unit_scope": "city",
        "rule": {"kind": "threshold", "op": ">=", "value": 12.35},
        "period": "year:2025",
        "source": "Kế hoạch phát triển kinh tế – xã hội năm 2025 của thành phố Hải Phòng (chỉ tiêu GRDP 12,35%)",
        "source_url": "https://mekongasean.vn/grdp-cua-hai-phong-dung-thu-hai-ca-nuoc-50490.html",
        "confidence": "H",
        "note": "Thực hiện 11,81%, thứ 2 cả nước (REFERENCE §8).",
    },
    {
        "id": "pci-rank",
        "name_vi": "Chỉ số năng lực cạnh tranh cấp tỉnh (PCI) trong nhóm 3 địa phương dẫn đầu",
        "name_en": "Provincial Competitiveness Index (PCI) in the national top 3",
        "group": "socio_economic",
        "indicator": "pci_rank",
        "unit_scope": "city",
        "rule": {"kind": "rank", "op": "<=", "value": 3},
        "period": "year:2025",
        "source": "Bài báo gốc (5/2024): PCI và PAR Index của Hải Phòng thuộc nhóm 3 dẫn đầu cả nước",
        "source_url": "https://phapluatplus.baophapluat.vn/hai-phong-lan-dau-dung-ngoi-vi-quan-quan-bang-xep-hang-pci-214685.html",
        "confidence": "M",
        "note": "Chỉ tiêu suy ra; PCI 2022 hạng 3, PCI 2024 hạng 1 với 74,84 điểm (REFERENCE §8).",
    },
    {
        "id": "par-rank",
        "name_vi": "Chỉ số cải cách hành chính (PAR Index) trong nhóm 3 địa phương dẫn đầu",
        "name_en": "Public Administration Reform Index (PAR Index) in the national top 3",
        "group": "socio_economic",
        "indicator": "par_rank",
        "unit_scope": "city",
        "rule": {"kind": "rank", "op": "<=", "value": 3},
        "period": "year:2026",
        "source": "Mục tiêu của thành phố: PAR Index trong nhóm 3 dẫn đầu năm 2026",
        "source_url": "https://hoinhapthoidai.vn/tp-hai-phong",
        "confidence": "H",
        "note": "PAR Index 2023: 91,81%, hạng 2; 2024: 96,17%, hạng 1 (REFERENCE §8).",
    },
)


def targets_document() -> dict[str, Any]:
    return {
        "label": LABEL,
        "version": 1,
        "source_document": "domain/REFERENCE.md (§1.5, §2, §5, §8)",
        "targets": [dict(t) for t in TARGETS],
    }


def write_targets(path: Path) -> None:
    """Write ``targets.yaml`` (format in the module docstring)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump(targets_document(), sort_keys=False, allow_unicode=True, width=110)
    path.write_text(text, encoding="utf-8", newline="\n")
