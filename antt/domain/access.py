"""Who is acting, and on which units.

The sign-in issue grows this into roles and per-unit grants; until then every caller is a full-scope
actor, and services already take the actor so that scoping has one place to go.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Actor:
    """The person or process a service acts for. ``units`` is ``None`` for city-wide scope."""

    name: str
    units: frozenset[tuple[str, str]] | None = None

    @classmethod
    def system(cls, name: str) -> Actor:
        """A full-scope actor: the CLI run by an operator on the server, or the demo loader."""
        return cls(name=name, units=None)

    @property
    def city_wide(self) -> bool:
        return self.units is None
