"""The demo personas are users with their grants, and each signs in with the scope of its role."""

from __future__ import annotations

import pytest

from antt.auth.identity import Identity
from antt.demo.personas import PERSONAS
from antt.demo.users import DEMO_ISSUER, create_demo_users
from antt.domain.access import Action, Role
from antt.services.users import list_users, sign_in
from tests.user_fixtures import OPERATOR, SCHEME, T0


def persona_sign_in(database, settings, username: str):
    p = next(p for p in PERSONAS if p.username == username)
    return sign_in(database, settings, Identity(DEMO_ISSUER, p.oidc_sub, p.personal_id, p.full_name), "", T0)


@pytest.mark.parametrize(
    ("username", "role", "units"),
    [
        ("lanhdao", Role.LEADER, None),
        ("phantich", Role.ANALYST, None),
        ("cax_lechan", Role.COMMUNE_OFFICER, frozenset({(SCHEME, "11383")})),
        ("cax_anlao", Role.COMMUNE_OFFICER, frozenset({(SCHEME, "11629")})),
        ("quantri", Role.ADMINISTRATOR, None),
        ("kiemtra", Role.AUDITOR, frozenset()),  # the audit log only: no data scope
    ],
)
def test_each_persona_signs_in_with_its_role_and_units(database, settings, username, role, units) -> None:
    create_demo_users(database, settings)
    _, actor = persona_sign_in(database, settings, username)
    assert actor.roles == {role} and actor.units == units
    if role is Role.AUDITOR:
        assert actor.can_city_wide(Action.READ_AUDIT) and not actor.can(Action.VIEW_DASHBOARD)


def test_creating_the_demo_users_twice_changes_nothing(database, settings) -> None:
    first = create_demo_users(database, settings)
    second = create_demo_users(database, settings)
    assert all(c.added for c in first) and not any(c.added for c in second)
    assert len(list_users(database, OPERATOR)) == len(PERSONAS)
