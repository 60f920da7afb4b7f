"""Who is acting, with which roles, on which units — and what each role may do.

An :class:`Actor` is the person or process a service acts for. A signed-in user's actor is built from
their grants (:meth:`Actor.for_user`): each :class:`Grant` gives one :class:`Role` on a set of units
(``(scheme, code)`` keys) or city-wide. :meth:`Actor.can` decides whether an action is allowed, on a
unit or anywhere; it fails closed: an actor without grants can do nothing. :meth:`Actor.system` is the
operator on the server (the CLI, the demo loader): it can do everything.

``Actor.units`` is the data scope every query is filtered by: ``None`` for city-wide, otherwise the set
of unit keys (possibly empty: nothing). For a user it is the union of the scopes of the grants whose role
may view data (:data:`Action.VIEW_DASHBOARD`); an auditor's or an administrator-only grant does not widen
what data the user sees.

Small counts of sensitive categories (drug users, sexual offences) are shown as "<5" to roles without
:data:`Action.VIEW_SENSITIVE_SMALL_COUNTS` (:func:`suppress_small`); the whole disclosure policy, which
also stops the arithmetic that would give them back, is :mod:`antt.services.disclosure`
(docs/disclosure.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

UnitKey = tuple[str, str]
"""A unit as ``(scheme, code)``."""


class Role(StrEnum):
    LEADER = "leader"  # lãnh đạo: every target, drill-down, the map
    ANALYST = "analyst"  # cán bộ phân tích (Phòng Tham mưu): imports, CompStat, reports
    COMMUNE_OFFICER = "commune_officer"  # công an xã/phường: their own commune
    ADMINISTRATOR = "administrator"  # quản trị: users, roles, targets; reads the audit log
    AUDITOR = "auditor"  # thanh tra: the audit log only


#: each role as pages name it (Vietnamese, English): never the code (issue 18)
ROLE_LABELS: Mapping[Role, tuple[str, str]] = {
    Role.LEADER: ("Lãnh đạo", "Leader"),
    Role.ANALYST: ("Cán bộ phân tích", "Analyst"),
    Role.COMMUNE_OFFICER: ("Công an xã, phường", "Commune police officer"),
    Role.ADMINISTRATOR: ("Quản trị viên", "Administrator"),
    Role.AUDITOR: ("Thanh tra", "Auditor"),
}

#: a user account's status as pages name it (Vietnamese, English)
ACCOUNT_STATUS_LABELS: Mapping[str, tuple[str, str]] = {
    "active": ("Đang hoạt động", "Active"),
    "disabled": ("Đã vô hiệu hóa", "Disabled"),
}


class Action(StrEnum):
    VIEW_DASHBOARD = "view_dashboard"  # aggregates: tiles, CompStat, targets, maps
    VIEW_INCIDENTS = "view_incidents"  # the incident list and one incident
    VIEW_PERSONS = "view_persons"  # person-level (pseudonymous) data: links between cases
    IMPORT_DATA = "import_data"  # case exports, indicator values, the commune drug survey
    EXPORT_REPORT = "export_report"  # report files (docx/xlsx/pdf) and data exports
    MANAGE_TARGETS = "manage_targets"  # targets and rule sets
    MANAGE_USERS = "manage_users"  # users, grants, locking and disabling accounts
    READ_AUDIT = "read_audit"  # the audit log: read, verify, export
    VIEW_SENSITIVE_SMALL_COUNTS = "view_sensitive_small_counts"  # see 1–4 drug users / sexual offences
    VIEW_NATIONAL_SECURITY = "view_national_security"  # crimes against national security (BLHS ch. XIII)
    VIEW_NETWORKS = "view_networks"  # co-offending groups: pseudonymous members, their incidents (issue 14)


_DATA_READER = frozenset({Action.VIEW_DASHBOARD, Action.VIEW_INCIDENTS, Action.EXPORT_REPORT})

#: what each role may do (on the units of its grant)
ROLE_ACTIONS: Mapping[Role, frozenset[Action]] = {
    Role.LEADER: _DATA_READER
    | {Action.VIEW_SENSITIVE_SMALL_COUNTS, Action.VIEW_NATIONAL_SECURITY, Action.VIEW_NETWORKS},
    Role.ANALYST: _DATA_READER
    | {
        Action.VIEW_PERSONS,
        Action.IMPORT_DATA,
        Action.VIEW_SENSITIVE_SMALL_COUNTS,
        Action.VIEW_NATIONAL_SECURITY,
        Action.VIEW_NETWORKS,
    },
    Role.COMMUNE_OFFICER: _DATA_READER | {Action.IMPORT_DATA},
    Role.ADMINISTRATOR: frozenset(
        {Action.VIEW_DASHBOARD, Action.MANAGE_TARGETS, Action.MANAGE_USERS, Action.READ_AUDIT}
    ),
    Role.AUDITOR: frozenset({Action.READ_AUDIT}),
}

#: the action whose grants make up :attr:`Actor.units`, the scope of data queries
DATA_SCOPE_ACTION = Action.VIEW_DASHBOARD

SUPPRESSION_K = 5
"""Counts of sensitive categories from 1 to ``SUPPRESSION_K - 1`` are hidden from roles without the
privilege (shown as :data:`SUPPRESSED_LABEL`)."""
SUPPRESSED_LABEL = f"<{SUPPRESSION_K}"
WITHHELD_LABEL = "x"
"""How a sensitive figure hidden whatever its value is written (the statistical offices' "x",
confidential): one of its parts is a small count, or its window is not a release period
(docs/disclosure.md)."""


@dataclass(frozen=True, slots=True)
class Grant:
    """One role on a set of units (``units``), or city-wide (``units is None``)."""

    role: Role
    units: frozenset[UnitKey] | None = None

    @property
    def city_wide(self) -> bool:
        return self.units is None

    def covers(self, unit: UnitKey) -> bool:
        return self.units is None or unit in self.units

    @classmethod
    def city(cls, role: Role) -> Grant:
        return cls(role, None)

    @classmethod
    def on(cls, role: Role, *units: UnitKey) -> Grant:
        return cls(role, frozenset(units))


def _union(scopes: Iterable[frozenset[UnitKey] | None]) -> frozenset[UnitKey] | None:
    """The union of unit scopes; ``None`` (city-wide) when any of them is; empty when there are none."""
    union: set[UnitKey] = set()
    for scope in scopes:
        if scope is None:
            return None
        union |= scope
    return frozenset(union)


@dataclass(frozen=True, slots=True)
class Actor:
    """The person or process a service acts for. ``units`` is ``None`` for city-wide scope.

    ``grants`` are the user's roles on units; ``is_system`` marks the operator on the server, who may do
    everything. An actor built directly as ``Actor(name, units)`` has no grants: it is scoped by
    ``units`` in queries but :meth:`can` allows it nothing.
    """

    name: str
    units: frozenset[UnitKey] | None = None
    grants: tuple[Grant, ...] = ()
    is_system: bool = False
    user_id: int | None = None

    @classmethod
    def system(cls, name: str) -> Actor:
        """A full-scope actor: the CLI run by an operator on the server, or the demo loader."""
        return cls(name=name, units=None, is_system=True)

    @classmethod
    def for_user(cls, name: str, grants: Iterable[Grant], user_id: int | None = None) -> Actor:
        """The actor of a signed-in user with ``grants``; without grants it sees and may do nothing."""
        grants = tuple(grants)
        scope = _union(g.units for g in grants if DATA_SCOPE_ACTION in ROLE_ACTIONS[g.role])
        return cls(name=name, units=scope, grants=grants, user_id=user_id)

    @property
    def city_wide(self) -> bool:
        return self.units is None

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(g.role for g in self.grants)

    def can(self, action: Action, unit: UnitKey | None = None) -> bool:
        """Whether this actor may do ``action`` on ``unit`` (``(scheme, code)``), or, without a unit, on
        some unit at least. Fails closed: no grant allowing the action, no permission."""
        if self.is_system:
            return True
        return any(action in ROLE_ACTIONS[g.role] and (unit is None or g.covers(unit)) for g in self.grants)

    def can_city_wide(self, action: Action) -> bool:
        """Whether this actor may do ``action`` on every unit (a city-wide grant allowing it)."""
        return self.units_for(action) is None

    def units_for(self, action: Action) -> frozenset[UnitKey] | None:
        """The units on which this actor may do ``action``: ``None`` = city-wide, empty = none."""
        if self.is_system:
            return None
        return _union(g.units for g in self.grants if action in ROLE_ACTIONS[g.role])


def role_actions(role: Role) -> frozenset[Action]:
    return ROLE_ACTIONS[role]


def suppress_small(count: int, actor: Actor, sensitive: bool, unit: UnitKey | None = None) -> int | None:
    """``count``, or ``None`` (show "<5") when it is a count of a sensitive category between 1 and
    ``SUPPRESSION_K - 1`` and the actor may not see small sensitive counts (on ``unit``, when given).

    Zero is shown: it says nobody, which identifies no one. Pages, the API and exports apply this rule
    through :mod:`antt.services.disclosure`, which also hides what would give the count back and, for a
    figure of several communes, asks for the privilege on every one of them (``unit=None`` here: any).
    """
    if not sensitive or count <= 0 or count >= SUPPRESSION_K:
        return count
    if actor.can(Action.VIEW_SENSITIVE_SMALL_COUNTS, unit):
        return count
    return None
