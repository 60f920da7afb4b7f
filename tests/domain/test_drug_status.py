"""Official drug status: which decision is in force, inheritance through the crosswalk, the recognised share."""

from __future__ import annotations

from datetime import date

import pytest

from antt.domain.drug_status import Decision, DecisionBook, DrugStatus, parse_status
from antt.domain.reference import unit_catalog

NEW, OLD = "2025-07", "2025-01"


def decision(
    unit: tuple[str, str],
    status: DrugStatus,
    on: date,
    *,
    year: int | None = None,
    number: str = "1/QĐ-UBND",
    valid_from: date | None = None,
    valid_to: date | None = None,
) -> Decision:
    return Decision(
        unit, year or on.year, status, number, on, "UBND thành phố Hải Phòng", valid_from or on, valid_to
    )


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("drug_free", DrugStatus.DRUG_FREE),
        ("Không ma túy", DrugStatus.DRUG_FREE),
        ("khong ma tuy", DrugStatus.DRUG_FREE),
        ("loại I", DrugStatus.CLASS_1),
        ("LOẠI II", DrugStatus.CLASS_2),
        ("class_3", DrugStatus.CLASS_3),
        ("loại III", DrugStatus.CLASS_3),
        ("chưa phân loại", DrugStatus.NONE),
        ("none", DrugStatus.NONE),
    ],
)
def test_it_reads_every_status_in_both_languages(text: str, status: DrugStatus) -> None:
    assert parse_status(text) is status


@pytest.mark.parametrize("text", ["loại IV", "class_4", "sạch ma túy", ""])
def test_it_reads_no_status_that_does_not_exist(text: str) -> None:
    assert parse_status(text) is None


def test_the_decision_that_took_effect_last_states_the_status_and_history_stays() -> None:
    unit = (NEW, "11383")
    classified = decision(unit, DrugStatus.CLASS_3, date(2025, 9, 1), number="10/QĐ")
    recognised = decision(unit, DrugStatus.DRUG_FREE, date(2025, 12, 20), number="99/QĐ")
    next_year = decision(unit, DrugStatus.CLASS_3, date(2026, 3, 1), year=2026, number="5/QĐ")
    book = DecisionBook(unit_catalog(), [next_year, recognised, classified])
    assert book.own(unit, date(2025, 8, 31)) is None
    assert book.own(unit, date(2025, 12, 19)) == classified
    assert book.own(unit, date(2025, 12, 20)) == recognised
    assert book.own(unit, date(2026, 3, 1)) == next_year
    assert book.history(unit) == [classified, recognised, next_year]


def test_a_decision_ends_on_its_valid_to_day() -> None:
    unit = (NEW, "11383")
    d = decision(unit, DrugStatus.DRUG_FREE, date(2025, 12, 1), valid_to=date(2026, 12, 31))
    book = DecisionBook(unit_catalog(), [d])
    assert book.own(unit, date(2026, 12, 31)) == d
    assert book.own(unit, date(2027, 1, 1)) is None


def test_a_decision_on_a_former_commune_is_inherited_by_its_successor_and_never_counted() -> None:
    # old Phường Cẩm Thượng (2025-01, 10507) went whole into the new Phường Thành Đông (2025-07, 10507):
    # the same code, a different territory
    old = decision((OLD, "10507"), DrugStatus.DRUG_FREE, date(2025, 6, 1))
    book = DecisionBook(unit_catalog(), [old])
    shown = book.status((NEW, "10507"), date(2025, 12, 31))
    assert shown is not None and shown.inherited and shown.status is DrugStatus.DRUG_FREE
    assert not shown.recognised
    assert shown.sources == (((OLD, "10507"), old),)
    assert book.own((NEW, "10507"), date(2025, 12, 31)) is None
    assert book.share(date(2025, 12, 31)).recognised == 0
    # before 1 July 2025 the old commune itself was recognised, among the 2025-01 communes
    before = book.share(date(2025, 6, 30))
    assert (before.scheme, before.recognised) == (OLD, 1)


def test_a_merged_commune_shows_its_most_severe_inherited_status() -> None:
    free = decision((OLD, "10507"), DrugStatus.DRUG_FREE, date(2025, 6, 1))
    class_2 = decision((OLD, "10510"), DrugStatus.CLASS_2, date(2025, 3, 1))
    shown = DecisionBook(unit_catalog(), [free, class_2]).status((NEW, "10507"), date(2025, 8, 1))
    assert shown is not None and shown.inherited and shown.status is DrugStatus.CLASS_2
    assert {s[0] for s in shown.sources} == {(OLD, "10507"), (OLD, "10510")}


def test_an_own_decision_replaces_the_inherited_one() -> None:
    old = decision((OLD, "10507"), DrugStatus.CLASS_1, date(2025, 6, 1))
    own = decision((NEW, "10507"), DrugStatus.DRUG_FREE, date(2025, 11, 1))
    book = DecisionBook(unit_catalog(), [old, own])
    shown = book.status((NEW, "10507"), date(2025, 12, 31))
    assert shown is not None and not shown.inherited and shown.recognised
    assert book.share(date(2025, 12, 31)).recognised == 1


def test_the_share_counts_recognitions_over_every_commune_of_the_scheme_in_force() -> None:
    codes = ["11383", "10525", "10507"]
    decisions = [decision((NEW, c), DrugStatus.DRUG_FREE, date(2025, 12, 1)) for c in codes]
    decisions.append(decision((NEW, "11311"), DrugStatus.CLASS_3, date(2025, 12, 1)))
    share = DecisionBook(unit_catalog(), decisions).share(date(2025, 12, 31))
    assert (share.recognised, share.communes, share.scheme) == (3, 114, NEW)
    assert share.percent == pytest.approx(300 / 114)
    assert DecisionBook(unit_catalog(), decisions).share(date(2025, 11, 30)).recognised == 0
