from __future__ import annotations

from datetime import date

import pytest

from antt.domain.offences import Severity, parse_article
from antt.domain.reference import offence_table
from antt.domain.text import nfc


@pytest.fixture(scope="module")
def table():
    return offence_table()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("173", ("173", None)),
        ("173.2", ("173", 2)),
        ("Điều 173 khoản 2", ("173", 2)),
        ("256a", ("256a", None)),
        ("điều 256A", ("256a", None)),
        (" 134 k.1 ", ("134", 1)),
        ("Đ.248", ("248", None)),
        ("abc", None),
        ("173 khoản", None),
        ("", None),
    ],
)
def test_it_reads_every_documented_article_form(text: str, expected) -> None:
    assert parse_article(text) == expected


@pytest.mark.parametrize(
    ("max_penalty", "severity"),
    [
        ("non_custodial", Severity.MINOR),
        ("3", Severity.MINOR),
        ("5", Severity.SERIOUS),
        ("7", Severity.SERIOUS),
        ("10", Severity.VERY_SERIOUS),
        ("15", Severity.VERY_SERIOUS),
        ("20", Severity.ESPECIALLY_SERIOUS),
        ("life", Severity.ESPECIALLY_SERIOUS),
        ("death", Severity.ESPECIALLY_SERIOUS),
    ],
)
def test_severity_follows_article_9_of_the_penal_code(max_penalty: str, severity: Severity) -> None:
    assert Severity.from_max_penalty(max_penalty) is severity


def test_every_article_of_part_two_is_present_once_with_a_known_group(table) -> None:
    articles = [o.article for o in table.offences]
    assert len(articles) == len(set(articles))
    numbers = {int(a.rstrip("a")) for a in articles}
    assert numbers == set(range(108, 426))
    assert {o.reporting_group for o in table.offences} <= set(table.group_codes)
    assert table.group_codes[0] == "social_order" and len(table.group_codes) == 10
    assert all(o.name_vi == nfc(o.name_vi) for o in table.offences)


def test_theft_is_social_order_and_its_clause_decides_severity(table) -> None:
    theft = table.get("173")
    assert theft.name_vi == "Tội trộm cắp tài sản" and theft.reporting_group == "social_order"
    assert theft.severity(1, date(2024, 1, 1)).exact is Severity.MINOR
    assert theft.severity(4, date(2024, 1, 1)).exact is Severity.ESPECIALLY_SERIOUS
    whole = theft.severity(None, date(2024, 1, 1))
    assert (whole.lowest, whole.highest) == (Severity.MINOR, Severity.ESPECIALLY_SERIOUS)


def test_illegal_drug_use_exists_only_from_july_2025(table) -> None:
    use = table.get("256a")
    assert use.reporting_group == "drugs"
    assert not use.in_force_on(date(2025, 6, 30)) and use.in_force_on(date(2025, 7, 1))


def test_the_2025_amendment_replaced_death_by_life_for_eight_articles(table) -> None:
    for article in ("109", "110", "114", "194", "250", "353", "354", "421"):
        offence = table.get(article)
        before = {c.max_penalty for c in offence.clauses if c.in_force_on(date(2025, 6, 30))}
        after = {c.max_penalty for c in offence.clauses if c.in_force_on(date(2025, 7, 1))}
        assert "death" in before and "death" not in after and "life" in after, article
    assert "death" in {c.max_penalty for c in table.get("123").clauses}  # murder keeps it


def test_chapters_map_to_their_default_groups(table) -> None:
    assert table.get("248").reporting_group == "drugs"
    assert table.get("260").reporting_group == "traffic"
    assert table.get("290").reporting_group == "cyber"
    assert table.get("353").reporting_group == "corruption"
    assert table.get("188").reporting_group == "smuggling"
    assert table.get("235").reporting_group == "environment"
    assert table.get("321").reporting_group == "social_order"
