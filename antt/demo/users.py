"""The demo personas as ANTT users with their grants — Dữ liệu mô phỏng.

Each persona of :mod:`antt.demo.personas` becomes a user keyed by the demo identity provider's issuer and
the persona's ``oidc_sub``, and gets its role: city-wide for the leader, analyst, administrator and
auditor, on their own commune for the commune officers. Done through the administrator's services (so
it is audited like any grant); running it again changes nothing.
"""

from __future__ import annotations

from antt.demo.personas import PERSONAS
from antt.domain.access import Actor
from antt.services.database import Database
from antt.services.users import GrantChange, grant, provision_user
from antt.settings import Settings

#: the local demo identity provider's issuer, unless ANTT_OIDC_ISSUER says otherwise
DEMO_ISSUER = "http://127.0.0.1:8001"


def demo_issuer(settings: Settings) -> str:
    return settings.oidc_issuer or DEMO_ISSUER


def create_demo_users(database: Database, settings: Settings, issuer: str | None = None) -> list[GrantChange]:
    """Create (or keep) a user per persona and grant its role; return what each grant did."""
    issuer = issuer or demo_issuer(settings)
    actor = Actor.system("demo-loader")
    changes = []
    for p in PERSONAS:
        user = provision_user(
            database,
            settings,
            actor,
            issuer,
            p.oidc_sub,
            full_name=p.full_name,
            personal_id=p.personal_id,
        )
        units = () if p.city_wide else p.units
        changes.append(grant(database, actor, user.id, p.role, units, city_wide=p.city_wide))
    return changes
