"""Roles, actions and unit scope: the full role × action matrix, failing closed, unions of scopes, and the
suppression of small sensitive counts."""

from __future__ import annotations

import pytest

from antt.domain.access import (
    ROLE_ACTIONS,
    SUPPRESSED_LABEL,
    SUPPRESSION_K,
    Action,
    Actor,
    Grant,
    Role,
    suppress_small,
)

SCHEME = "2025-07"
LE_CHAN, AN_LAO, HONG_BANG = (SCHEME, "11383"), (SCHEME, "11629"), (SCHEME, "11311")

A = Action
# the decision table, written out once more by hand: what each role may do
EXPECTED: dict[Role, set[Action]] = {
    Role.LEADER: {
        A.VIEW_DASHBOARD,
        A.VIEW_INCIDENTS,
        A.EXPORT_REPORT,
        A.VIEW_SENSITIVE_SMALL_COUNTS,
        A.VIEW_NATIONAL_SECURITY,
        A.VIEW_NETWORKS,
    },
    Role.ANALYST: {
        A.VIEW_DASHBOARD,
        A.VIEW_INCIDENTS,
        A.VIEW_PERSONS,
        A.IMPORT_DATA,
        A.EXPORT_REPORT,
        A.VIEW_SENSITIVE_SMALL_COUNTS,
        A.VIEW_NATIONAL_SECURITY,
        A.VIEW_NETWORKS,
    },
    Role.COMMUNE_OFFICER: {A.VIEW_DASHBOARD, A.VIEW_INCIDENTS, A.IMPORT_DATA, A.EXPORT_REPORT},
    Role.ADMINISTRATOR: {A.VIEW_DASHBOARD, A.MANAGE_TARGETS, A.MANAGE_USERS, A.READ_AUDIT},
    Role.AUDITOR: {A.READ_AUDIT},
}


def test_every_role_has_a_row_in_the_decision_table() -> None:
    assert set(ROLE_ACTIONS) == set(Role) == set(EXPECTED)


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("action", list(Action))
def test_a_city_wide_grant_allows_exactly_the_actions_of_its_role(role: Role, action: Action) -> None:
    actor = Actor.for_user("u", [Grant.city(role)])
    allowed = action in EXPECTED[role]
    assert actor.can(action) is allowed
    assert actor.can(action, LE_CHAN) is allowed
    assert actor.can_city_wide(action) is allowed
    assert actor.units_for(action) == (None if allowed else frozenset())


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("action", list(Action))
def test_a_commune_grant_allows_its_actions_on_that_commune_only(role: Role, action: Action) -> None:
    actor = Actor.for_user("u", [Grant.on(role, LE_CHAN)])
    allowed = action in EXPECTED[role]
    assert actor.can(action, LE_CHAN) is allowed
    assert actor.can(action) is allowed  # somewhere
    assert actor.can(action, AN_LAO) is False
    assert actor.can_city_wide(action) is False
    assert actor.units_for(action) == (frozenset({LE_CHAN}) if allowed else frozenset())


@pytest.mark.parametrize("action", list(Action))
def test_an_actor_without_grants_can_do_nothing(action: Action) -> None:
    nobody = Actor.for_user("unknown", [])
    assert not nobody.can(action)
    assert not nobody.can(action, LE_CHAN)
    assert nobody.units_for(action) == frozenset()
    assert nobody.units == frozenset() and not nobody.city_wide


@pytest.mark.parametrize("action", list(Action))
def test_an_actor_built_the_old_way_is_scoped_but_allowed_nothing(action: Action) -> None:
    officer = Actor("le-chan-officer", frozenset({LE_CHAN}))
    assert officer.units == frozenset({LE_CHAN}) and not officer.city_wide
    assert not officer.can(action, LE_CHAN)
    assert Actor("x").city_wide and not Actor("x").can(action)


@pytest.mark.parametrize("action", list(Action))
def test_the_system_actor_can_do_everything_everywhere(action: Action) -> None:
    system = Actor.system("cli:root")
    assert system.name == "cli:root" and system.units is None and system.city_wide
    assert system.can(action) and system.can(action, AN_LAO) and system.units_for(action) is None


def test_the_data_scope_is_the_union_of_the_grants_scopes() -> None:
    actor = Actor.for_user(
        "u", [Grant.on(Role.COMMUNE_OFFICER, LE_CHAN), Grant.on(Role.LEADER, AN_LAO, HONG_BANG)]
    )
    assert actor.units == frozenset({LE_CHAN, AN_LAO, HONG_BANG})
    assert actor.roles == {Role.COMMUNE_OFFICER, Role.LEADER}
    # each action only where a grant allowing it says
    assert actor.units_for(Action.IMPORT_DATA) == frozenset({LE_CHAN})
    assert actor.units_for(Action.VIEW_SENSITIVE_SMALL_COUNTS) == frozenset({AN_LAO, HONG_BANG})
    assert actor.can(Action.IMPORT_DATA, LE_CHAN) and not actor.can(Action.IMPORT_DATA, AN_LAO)


def test_a_city_wide_data_grant_makes_the_data_scope_city_wide() -> None:
    actor = Actor.for_user("u", [Grant.on(Role.COMMUNE_OFFICER, LE_CHAN), Grant.city(Role.ANALYST)])
    assert actor.units is None and actor.city_wide


def test_an_auditor_grant_does_not_widen_what_data_the_user_sees() -> None:
    actor = Actor.for_user("u", [Grant.city(Role.AUDITOR), Grant.on(Role.COMMUNE_OFFICER, LE_CHAN)])
    assert actor.units == frozenset({LE_CHAN})
    assert actor.can_city_wide(Action.READ_AUDIT)
    assert Actor.for_user("auditor", [Grant.city(Role.AUDITOR)]).units == frozenset()


def test_for_user_keeps_the_user_id_and_the_actor_stays_hashable() -> None:
    actor = Actor.for_user("user:7", [Grant.on(Role.LEADER, LE_CHAN)], user_id=7)
    assert actor.user_id == 7 and not actor.is_system
    assert hash(actor) == hash(Actor.for_user("user:7", [Grant.on(Role.LEADER, LE_CHAN)], user_id=7))


@pytest.mark.parametrize("count", range(1, SUPPRESSION_K))
def test_small_sensitive_counts_are_hidden_from_roles_without_the_privilege(count: int) -> None:
    officer = Actor.for_user("o", [Grant.on(Role.COMMUNE_OFFICER, LE_CHAN)])
    admin = Actor.for_user("a", [Grant.city(Role.ADMINISTRATOR)])
    assert suppress_small(count, officer, sensitive=True) is None
    assert suppress_small(count, admin, sensitive=True) is None
    assert suppress_small(count, Actor.for_user("nobody", []), sensitive=True) is None
    assert SUPPRESSED_LABEL == "<5"


@pytest.mark.parametrize("count", range(1, SUPPRESSION_K))
def test_small_sensitive_counts_are_shown_to_leaders_analysts_and_the_system(count: int) -> None:
    for role in (Role.LEADER, Role.ANALYST):
        assert suppress_small(count, Actor.for_user("u", [Grant.city(role)]), sensitive=True) == count
    assert suppress_small(count, Actor.system("cli"), sensitive=True) == count


def test_the_privilege_is_checked_on_the_unit_when_one_is_given() -> None:
    leader = Actor.for_user("l", [Grant.on(Role.LEADER, LE_CHAN)])
    assert suppress_small(2, leader, sensitive=True, unit=LE_CHAN) == 2
    assert suppress_small(2, leader, sensitive=True, unit=AN_LAO) is None


@pytest.mark.parametrize("count", [0, SUPPRESSION_K, 12])
def test_zero_and_counts_of_k_or_more_are_always_shown(count: int) -> None:
    officer = Actor.for_user("o", [Grant.on(Role.COMMUNE_OFFICER, LE_CHAN)])
    assert suppress_small(count, officer, sensitive=True) == count


def test_counts_that_are_not_sensitive_are_never_suppressed() -> None:
    officer = Actor.for_user("o", [Grant.on(Role.COMMUNE_OFFICER, LE_CHAN)])
    assert suppress_small(1, officer, sensitive=False) == 1
