"""Luật 86/2025/QH15 (sửa đổi, bổ sung một số điều của Bộ luật Hình sự; passed 25/6/2025, in force
1/7/2025): every article it touched, and clause maxima before and after 1/7/2025.

Expected values are copied by hand from the texts, not from our CSV files:
- after: Luật 86/2025/QH15 as published in Công báo số 955 + 956 ngày 22/7/2025, Điều 1 (text stored at
  github.com/ldphuong-vn/vn-cyber-compliance, sources/van-ban-goc/toan-van/
  luat-86-2025-qh15-sua-doi-bo-luat-hinh-su.txt; official page
  https://congbao.chinhphu.vn/van-ban/luat-so-86-2025-qh15-45528/57612.htm);
- before: BLHS 100/2015/QH13 as amended by Luật 12/2017/QH14 (Pháp điển, Đề mục Hình sự, mirrored at
  github.com/diepxuan/diepxuan.github.io van-ban/hinh-su/hinh-su.md @ 0232145).
See antt/data/OFFENCES-SOURCES.md.
"""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from itertools import pairwise

import pytest

from antt.domain.offences import Severity
from antt.domain.reference import offence_table, read_data_file

BEFORE, IN_FORCE = date(2025, 6, 30), date(2025, 7, 1)

# Điều 1 of the law, khoản 1–29: the Part II articles it amended or added (BLHS arts. 40, 49, 62 and 63 of
# the general part are the other four of the 39 articles, and are not offences).
AMENDED_PART_TWO = {
    "109", "110", "114",  # k5–7: khoản 1, death → life
    "192", "193", "194", "195",  # k8–11
    "235", "236", "237", "238", "239",  # k12: whole articles
    "240",  # k13
    "241", "242",  # k14: whole articles
    "243", "244",  # k15–16
    "245", "246",  # k17: whole articles
    "248", "249", "250", "251", "252",  # k18: whole articles
    "255",  # k19
    "256a",  # k20: new article
    "317",  # k21
    "353", "354", "355", "356", "357", "358", "359",  # k22–28
    "421",  # k29
}  # fmt: skip
GENERAL_PART = {"40", "49", "62", "63"}


@pytest.fixture(scope="module")
def table():
    return offence_table()


def maximum(table, article: str, clause: int, on: date) -> str | None:
    version = table.get(article).clause_on(clause, on)
    return version.max_penalty if version else None


def test_the_law_touched_39_articles_35_of_them_offences() -> None:
    assert len(AMENDED_PART_TWO) + len(GENERAL_PART) == 39


@pytest.mark.parametrize(
    ("article", "clause", "before", "after"),
    [
        # 248 k4 (2017): "tù 20 năm, tù chung thân hoặc tử hình"; 2025 k4: "tù 20 năm hoặc tù chung thân",
        # the death penalty moves to a new k5 ("tù chung thân hoặc tử hình", from 30 kg / 3 kg / 9 kg / 22 l)
        ("248", 4, "death", "life"),
        ("248", 5, None, "death"),
        ("248", 1, "7", "7"),  # 2017: 02–07 năm; 2025: 03–07 năm
        # 251: the same re-arrangement as 248
        ("251", 4, "death", "life"),
        ("251", 5, None, "death"),
        ("251", 3, "20", "20"),  # 15–20 năm in both
        # 250 k4: "tù 20 năm, tù chung thân hoặc tử hình" → "tù 20 năm hoặc tù chung thân"
        ("250", 4, "death", "life"),
        ("250", 1, "7", "7"),
        # 235 k1: "phạt tù từ 03 tháng đến 02 năm" → "phạt tù từ 02 năm đến 03 năm"
        ("235", 1, "2", "3"),
        ("235", 3, "7", "7"),  # 03–07 năm → 05–07 năm
        # 236 k1: "phạt tù từ 03 tháng đến 02 năm" → "phạt tù từ 02 năm đến 03 năm"
        ("236", 1, "2", "3"),
        ("236", 3, "10", "10"),
        ("237", 2, "7", "7"),  # 02–07 năm in both
        ("241", 3, "7", "7"),  # 03–07 năm in both
        ("249", 4, "life", "life"),  # "15 năm đến 20 năm hoặc tù chung thân" in both
        ("252", 1, "5", "5"),  # 01–05 năm in both
        ("255", 1, "7", "7"),  # 02–07 năm → 03–07 năm
        ("317", 2, "7", "7"),  # 03–07 năm in both
        ("192", 1, "5", "5"),  # 01–05 năm in both (fines raised)
        # 109, 110, 114, 421 k1: "... tù chung thân hoặc tử hình" → "tù từ 12 năm đến 20 năm hoặc tù chung thân"
        ("109", 1, "death", "life"),
        ("110", 1, "death", "life"),
        ("114", 1, "death", "life"),
        ("421", 1, "death", "life"),
        # 194, 353, 354 k4: "tù 20 năm, tù chung thân hoặc tử hình" → "tù 20 năm hoặc tù chung thân"
        ("194", 4, "death", "life"),
        ("353", 4, "death", "life"),
        ("354", 4, "death", "life"),
        # 256a (new): k1 "phạt tù từ 02 năm đến 03 năm"; k2 "Tái phạm ... phạt tù từ 03 năm đến 05 năm"
        ("256a", 1, None, "3"),
        ("256a", 2, None, "5"),
        # untouched by the law: murder keeps its brackets
        ("123", 1, "death", "death"),
    ],
)
def test_clause_maxima_follow_the_law_before_and_after_1_july_2025(
    table, article: str, clause: int, before: str | None, after: str | None
) -> None:
    assert maximum(table, article, clause, BEFORE) == before
    assert maximum(table, article, clause, IN_FORCE) == after
    assert maximum(table, article, clause, date(2026, 5, 1)) == after


def test_severity_of_an_amended_clause_depends_on_the_day(table) -> None:
    drugs_production = table.get("248")
    # clause 5 does not exist before 1/7/2025: its severity is then the article's whole range
    assert drugs_production.severity(5, BEFORE).lowest is Severity.SERIOUS
    assert drugs_production.severity(5, IN_FORCE).exact is Severity.ESPECIALLY_SERIOUS
    assert table.get("235").severity(1, BEFORE).exact is Severity.MINOR  # 2 years
    assert table.get("235").severity(1, IN_FORCE).exact is Severity.MINOR  # 3 years: still ≤ 3


def test_ten_articles_keep_the_death_penalty_after_18_before(table) -> None:
    def with_death(on: date) -> set[str]:
        return {
            o.article
            for o in table.offences
            if any(c.max_penalty == "death" for c in o.clauses if c.in_force_on(on))
        }

    after = {"108", "112", "113", "123", "142", "248", "251", "299", "422", "423"}
    abolished = {"109", "110", "114", "194", "250", "353", "354", "421"}
    assert with_death(IN_FORCE) == after
    assert with_death(BEFORE) == after | abolished


def test_only_the_amended_articles_change_on_1_july_2025(table) -> None:
    changed = {
        o.article
        for o in table.offences
        for c in o.clauses
        if c.valid_from == IN_FORCE or c.valid_to == BEFORE
    }
    assert changed <= AMENDED_PART_TWO
    # every amended article with a re-enacted principal penalty has its versions; those whose amendment only
    # touched fines or legal persons (193, 355–359) keep one version of each clause
    assert AMENDED_PART_TWO - changed == {"193", "355", "356", "357", "358", "359"}


def test_each_amended_article_says_so_in_its_note() -> None:
    rows = csv.DictReader(io.StringIO(read_data_file("offences.csv")))
    notes = {r["article"]: r["note"] for r in rows}
    assert {a for a, note in notes.items() if "86/2025/QH15" in note} == AMENDED_PART_TWO


def test_versions_of_a_clause_never_overlap_and_leave_no_gap(table) -> None:
    for offence in table.offences:
        by_clause: dict[int, list] = {}
        for c in offence.clauses:
            by_clause.setdefault(c.clause, []).append(c)
        for clause, versions in by_clause.items():
            versions.sort(key=lambda c: c.valid_from or date.min)
            for earlier, later in pairwise(versions):
                assert earlier.valid_to is not None, (offence.article, clause)
                assert later.valid_from == earlier.valid_to + timedelta(days=1), (offence.article, clause)
