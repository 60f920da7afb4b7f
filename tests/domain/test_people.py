from __future__ import annotations

from antt.domain.people import is_valid_personal_id, pseudonymise
from antt.domain.text import fold, sort_key

KEY = b"k" * 32


def test_a_pseudonym_is_stable_for_one_key_and_differs_across_keys() -> None:
    assert pseudonymise("031095000123", KEY) == pseudonymise("031095000123", KEY)
    assert pseudonymise("031095000123", KEY) != pseudonymise("031095000124", KEY)
    assert pseudonymise("031095000123", KEY) != pseudonymise("031095000123", b"x" * 32)


def test_a_pseudonym_does_not_contain_the_identifier() -> None:
    pseudonym = pseudonymise("031095000123", KEY)
    assert "031095000123" not in pseudonym and len(pseudonym) == 35


def test_personal_ids_need_twelve_digits_and_a_province_code() -> None:
    assert is_valid_personal_id("031095000123")
    assert not is_valid_personal_id("03109500012")  # 11 digits
    assert not is_valid_personal_id("999095000123")  # no province 999
    assert not is_valid_personal_id("03109500012a")
    assert not is_valid_personal_id("０３１０９５０００１２３")  # full-width digits


def test_fold_and_sort_key_follow_vietnamese_rules() -> None:
    assert fold("  Đồ  SƠN ") == "do son"
    names = ["Ô Môn", "Ơ", "Ân", "Ăn", "An", "Đa", "Dz"]
    assert sorted(names, key=sort_key) == ["An", "Ăn", "Ân", "Dz", "Đa", "Ô Môn", "Ơ"]
