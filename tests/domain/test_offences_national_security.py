"""Crimes against national security (Penal Code Chapter XIII, arts. 108–122) form their own reporting group,
which only roles with :data:`Action.VIEW_NATIONAL_SECURITY` (leader, analyst) may see."""

from __future__ import annotations

import pytest

from antt.domain.access import Action, Actor, Grant, Role
from antt.domain.group_access import (
    GROUP_PRIVILEGES,
    NATIONAL_SECURITY,
    group_scope,
    may_see_group,
    required_privilege,
    visible_groups,
)
from antt.domain.reference import offence_table

SCHEME = "2025-07"
LE_CHAN, AN_LAO = (SCHEME, "11383"), (SCHEME, "11629")


@pytest.fixture(scope="module")
def table():
    return offence_table()


def test_chapter_thirteen_and_nothing_else_is_the_national_security_group(table) -> None:
    group = table.group(NATIONAL_SECURITY)
    assert (group.name_vi, group.name_en) == ("Tội phạm xâm phạm an ninh quốc gia", "National-security crime")
    members = {o.article for o in table.offences if o.reporting_group == NATIONAL_SECURITY}
    assert members == {str(a) for a in range(108, 123)}
    assert all(table.get(a).chapter == "XIII" for a in members)
    assert table.get("421").reporting_group == "other"  # Chapter XXVI (war crimes) stays "other"
    # it is listed before "other", which stays last
    assert table.group_codes[-2:] == [NATIONAL_SECURITY, "other"]


def test_every_restricted_group_exists_and_only_national_security_is_restricted(table) -> None:
    assert set(GROUP_PRIVILEGES) == {NATIONAL_SECURITY} and set(GROUP_PRIVILEGES) <= set(table.group_codes)
    assert required_privilege(NATIONAL_SECURITY) is Action.VIEW_NATIONAL_SECURITY
    assert all(required_privilege(g) is None for g in table.group_codes if g != NATIONAL_SECURITY)


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        (Role.LEADER, True),
        (Role.ANALYST, True),
        (Role.COMMUNE_OFFICER, False),
        (Role.ADMINISTRATOR, False),
        (Role.AUDITOR, False),
    ],
)
def test_only_leaders_and_analysts_see_the_group(table, role: Role, sees: bool) -> None:
    actor = Actor.for_user("u", [Grant.city(role)])
    assert may_see_group(actor, NATIONAL_SECURITY) is sees
    visible = visible_groups(actor, table.group_codes)
    assert (NATIONAL_SECURITY in visible) is sees
    assert [g for g in table.group_codes if g != NATIONAL_SECURITY] == [
        g for g in visible if g != NATIONAL_SECURITY
    ]
    assert group_scope(actor, NATIONAL_SECURITY) == (actor.units if sees else frozenset())


def test_nobody_without_grants_sees_it_and_the_system_does() -> None:
    assert not may_see_group(Actor.for_user("nobody", []), NATIONAL_SECURITY)
    assert may_see_group(Actor.system("cli"), NATIONAL_SECURITY)
    assert group_scope(Actor.system("cli"), NATIONAL_SECURITY) is None


def test_the_group_is_visible_only_in_the_communes_where_a_grant_carries_the_privilege() -> None:
    # commune officer in Lê Chân, leader in An Lão: national security only in An Lão
    actor = Actor.for_user("u", [Grant.on(Role.COMMUNE_OFFICER, LE_CHAN), Grant.on(Role.LEADER, AN_LAO)])
    assert actor.units == frozenset({LE_CHAN, AN_LAO})
    assert group_scope(actor, NATIONAL_SECURITY) == frozenset({AN_LAO})
    assert group_scope(actor, "drugs") == frozenset({LE_CHAN, AN_LAO})
    assert may_see_group(actor, NATIONAL_SECURITY, AN_LAO) and not may_see_group(
        actor, NATIONAL_SECURITY, LE_CHAN
    )
    assert visible_groups(actor, [NATIONAL_SECURITY, "drugs"], LE_CHAN) == ["drugs"]
    # a city-wide officer with a leader grant on one commune: the privilege stops at that commune
    wide = Actor.for_user("w", [Grant.city(Role.COMMUNE_OFFICER), Grant.on(Role.LEADER, AN_LAO)])
    assert wide.units is None and group_scope(wide, NATIONAL_SECURITY) == frozenset({AN_LAO})
