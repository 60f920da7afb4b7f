"""Reporting groups that only some roles may see, and the privilege each of them needs.

Crimes against national security (Penal Code Chapter XIII, arts. 108–122) are reported as their own group,
``national_security`` (``antt/data/offences.csv``), and shown only to actors allowed
:data:`~antt.domain.access.Action.VIEW_NATIONAL_SECURITY` (leader and analyst). Every other group needs no
privilege beyond the data scope of :attr:`Actor.units`.

Hiding a group means more than leaving out its row. A total over "all groups" must leave its incidents out
as well, or the total minus the visible rows gives the count back; so must the incident list, the time
series, the map and every export. The rule is per commune: an actor sees a restricted group's incidents only
in the communes where one of their grants carries the privilege (:func:`group_scope`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType

from antt.domain.access import Action, Actor, UnitKey

NATIONAL_SECURITY = "national_security"

GROUP_PRIVILEGES: Mapping[str, Action] = MappingProxyType({NATIONAL_SECURITY: Action.VIEW_NATIONAL_SECURITY})
"""Reporting group → the action an actor needs to see anything of it. Groups not listed need none."""


def required_privilege(group: str) -> Action | None:
    """The action needed to see ``group``; ``None`` for a group every data reader may see."""
    return GROUP_PRIVILEGES.get(group)


def may_see_group(actor: Actor, group: str, unit: UnitKey | None = None) -> bool:
    """Whether ``actor`` may see ``group`` on ``unit`` or, without a unit, on some unit at least."""
    action = required_privilege(group)
    return action is None or actor.can(action, unit)


def visible_groups(actor: Actor, groups: Iterable[str], unit: UnitKey | None = None) -> list[str]:
    """``groups`` (in their order) that ``actor`` may see on ``unit`` (or on some unit)."""
    return [g for g in groups if may_see_group(actor, g, unit)]


def group_scope(actor: Actor, group: str) -> frozenset[UnitKey] | None:
    """The units in which ``actor`` may see the incidents of ``group``: ``None`` = city-wide, empty = none.

    For an unrestricted group this is the actor's data scope (:attr:`Actor.units`); for a restricted one,
    the part of that scope where some grant of the actor also carries the group's privilege.
    """
    action = required_privilege(group)
    if action is None:
        return actor.units
    allowed = actor.units_for(action)
    if actor.units is None:
        return allowed
    if allowed is None:
        return actor.units
    return actor.units & allowed
