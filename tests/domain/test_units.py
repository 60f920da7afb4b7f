from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from antt.domain.reference import unit_catalog
from antt.domain.text import fold, nfc
from antt.domain.units import Level, Transfer
from antt.errors import NotFound


@pytest.fixture(scope="module")
def catalog():
    return unit_catalog()


def test_the_january_2025_scheme_has_both_provinces_districts_and_communes(catalog) -> None:
    communes = catalog.in_scheme("2025-01", Level.COMMUNE)
    by_province = Counter(catalog.get("2025-01", c.parent_code).parent_code for c in communes)
    assert by_province == {"31": 167, "30": 207}
    districts = catalog.in_scheme("2025-01", Level.DISTRICT)
    assert Counter(d.parent_code for d in districts) == {"31": 15, "30": 12}
    hp_kinds = Counter(c.kind for c in communes if catalog.get("2025-01", c.parent_code).parent_code == "31")
    assert hp_kinds == {"ward": 79, "township": 7, "commune": 81}  # REFERENCE §4.1


def test_the_july_2025_scheme_has_114_communes_of_three_kinds(catalog) -> None:
    communes = catalog.in_scheme("2025-07", Level.COMMUNE)
    assert len(communes) == 114
    assert Counter(c.kind for c in communes) == {"commune": 67, "ward": 45, "special_zone": 2}
    assert all(c.parent_code == "31" for c in communes)
    assert all(c.area_km2 and c.area_km2 > 0 for c in communes)


def test_a_code_means_different_territory_in_each_scheme(catalog) -> None:
    assert catalog.get("2025-01", "10507").name == "Phường Cẩm Thượng"
    assert catalog.get("2025-07", "10507").name == "Phường Thành Đông"


def test_every_name_is_nfc(catalog) -> None:
    assert all(u.name == nfc(u.name) and u.short_name == nfc(u.short_name) for u in catalog)


def test_scheme_in_force_follows_the_reorganisation_dates(catalog) -> None:
    assert catalog.scheme_on(date(2025, 6, 30)).code == "2025-01"
    assert catalog.scheme_on(date(2025, 7, 1)).code == "2025-07"
    assert catalog.scheme_on(date(2023, 5, 1)).code == "2025-01"
    assert catalog.is_fallback(date(2024, 12, 31)) and not catalog.is_fallback(date(2025, 1, 1))


def test_a_wholly_merged_commune_converts_to_one_new_unit(catalog) -> None:
    conversions = catalog.convert(catalog.get("2025-01", "10510"))  # Phường Bình Hàn
    assert [(c.new.code, c.transfer) for c in conversions] == [("10507", Transfer.WHOLE)]


def test_a_split_commune_converts_to_several_new_units_as_part(catalog) -> None:
    split = [link for link in catalog.links if link.transfer is Transfer.PART]
    old_code = Counter(link.old_code for link in split).most_common(1)[0][0]
    conversions = catalog.convert(catalog.get("2025-01", old_code))
    assert len(conversions) >= 2
    assert {c.transfer for c in conversions} == {Transfer.PART}


def test_a_district_converts_through_its_communes(catalog) -> None:
    (bach_long_vi,) = catalog.convert(catalog.get("2025-01", "318"))
    assert (bach_long_vi.new.name, bach_long_vi.transfer) == ("Đặc khu Bạch Long Vĩ", Transfer.WHOLE)
    hong_bang = catalog.convert(catalog.get("2025-01", "303"))
    assert len(hong_bang) >= 2 and all(c.new.scheme == "2025-07" for c in hong_bang)


def test_crosswalk_covers_every_old_commune_and_reaches_every_new_one(catalog) -> None:
    old = {u.code for u in catalog.in_scheme("2025-01", Level.COMMUNE)}
    assert {link.old_code for link in catalog.links} >= old
    assert {link.new_code for link in catalog.links} == {
        u.code for u in catalog.in_scheme("2025-07", Level.COMMUNE)
    }


def test_search_ignores_case_diacritics_and_tone_placement(catalog) -> None:
    (unit,) = catalog.search("2025-07", "phuong thuy nguyen")
    assert unit.code == "11560"
    assert fold("Hoà Bình") == fold("Hòa Bình")


def test_units_sort_in_vietnamese_alphabetical_order(catalog) -> None:
    names = [u.short_name for u in catalog.in_scheme("2025-07", Level.COMMUNE)]
    assert names.index("Dương Kinh") < names.index("Đồ Sơn") < names.index("Gia Lộc")


def test_an_unknown_unit_is_not_found(catalog) -> None:
    with pytest.raises(NotFound):
        catalog.get("2025-07", "99999")


# --- the successor of a split commune's cases without coordinates ----------------------------------------
# (old code, successor that received the whole population, successor that got land only) — REFERENCE:
# "A split commune's cases without coordinates go to the successor that kept the code"
POPULATION_SUCCESSORS = [
    ("11656", "11629", "11446"),  # Thị trấn Trường Sơn → An Lão, not Phù Liễn
    ("11740", "11692", "11455"),  # Phường Tân Thành → Dương Kinh, not Đồ Sơn
    ("11518", "11506", "11488"),  # Xã Quang Trung → Lê Ích Mộc, not Lưu Kiếm
    ("11008", "11020", "11002"),  # Xã Thống Nhất → Yết Kiêu, not Thạch Khôi
    ("11041", "11020", "10999"),  # Xã Lê Lợi → Yết Kiêu, not Gia Lộc
    ("11071", "11065", "11050"),  # Xã Quang Đức → Trường Tân, not Gia Phúc
    ("11251", "11242", "10993"),  # Xã Đoàn Tùng → Nguyễn Lương Bằng, not Thượng Hồng
]


def test_the_crosswalk_carries_the_population_remark_of_the_conversion_table(catalog) -> None:
    marked = [link for link in catalog.links if link.whole_population]
    assert len(marked) == 14
    for link in catalog.links:
        assert link.whole_population == ("toàn bộ dân số" in link.note_vi), link
    assert all(link.transfer is Transfer.PART for link in marked)
    assert len({(link.old_scheme, link.old_code) for link in marked}) == 14  # one successor per commune


@pytest.mark.parametrize(("old_code", "people", "land"), POPULATION_SUCCESSORS)
def test_a_split_communes_cases_without_a_point_go_where_its_population_went(
    catalog, old_code, people, land
) -> None:
    old = catalog.get("2025-01", old_code)
    assert sorted(c.new.code for c in catalog.convert(old)) == sorted([people, land])
    assert catalog.report_unit(old) == (people, True)
    assert catalog.report_unit(old, located=land) == (land, False)  # a point still decides


def test_without_a_population_remark_the_successor_that_kept_the_code_gets_the_cases(catalog) -> None:
    cong_hoa = catalog.get("2025-01", "10570")  # Phường Cộng Hòa → 10549 and 10570, "Nhập một phần"
    assert [c.new.code for c in catalog.convert(cong_hoa)] == ["10549", "10570"]
    assert catalog.report_unit(cong_hoa) == ("10570", True)
    gia_vien = catalog.get("2025-01", "11341")  # no successor kept 11341: the lowest code
    assert catalog.report_unit(gia_vien) == ("11311", True)


def test_where_the_population_successor_also_kept_the_code_nothing_changes(catalog) -> None:
    marked = [link for link in catalog.links if link.whole_population]
    kept = [link for link in marked if link.new_code == link.old_code]
    assert len(kept) == 6
    for link in kept:
        assert catalog.report_unit(catalog.get(link.old_scheme, link.old_code)) == (link.new_code, True)
