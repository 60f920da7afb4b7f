"""Who signed in: the :class:`Identity` read from validated ID-token claims, and the assurance check.

VNeID-style brokers name their claims differently, so the claim names come from a :class:`ClaimMapping`
(settings ``ANTT_OIDC_CLAIM_*``). An identity is keyed by issuer + subject; the 12-digit personal
identification number (căn cước / CCCD) is optional and is pseudonymised like any other personal
identifier by whoever stores it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from antt.auth.failures import sign_in_failed

_PERSONAL_ID = re.compile(r"[0-9]{12}")


@dataclass(frozen=True, slots=True)
class ClaimMapping:
    """Which claim holds what. ``personal_id`` lists claim names tried in order (first present wins)."""

    subject: str = "sub"
    personal_id: tuple[str, ...] = ("personal_id", "cccd")
    full_name: str = "name"
    assurance_level: str = "acr"


@dataclass(frozen=True, slots=True)
class Identity:
    """A person the identity provider vouches for. ``claims`` are the validated ID-token claims as received.

    The personal id and the raw claims stay out of ``repr`` so they do not end up in logs.
    """

    issuer: str
    subject: str
    personal_id: str | None = field(default=None, repr=False)
    full_name: str | None = None
    assurance_level: str | None = None
    claims: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def key(self) -> tuple[str, str]:
        """What identifies the person across sign-ins: (issuer, subject)."""
        return (self.issuer, self.subject)


def _optional_text(claims: Mapping[str, Any], name: str) -> str | None:
    value = claims.get(name)
    return value if isinstance(value, str) and value.strip() else None


def identity_from_claims(issuer: str, claims: Mapping[str, Any], mapping: ClaimMapping) -> Identity:
    """The identity in validated ``claims``. The subject is required; a personal id must be 12 digits.

    A personal id sent as a JSON number is refused too: it would have lost its leading zero (every
    Hải Phòng number starts with 031).
    """
    subject = claims.get(mapping.subject)
    if not isinstance(subject, str) or not subject:
        raise sign_in_failed("missing_subject", f"claim {mapping.subject!r} is missing or not a string")
    personal_id: str | None = None
    for name in mapping.personal_id:
        value = claims.get(name)
        if value is None:
            continue
        if not isinstance(value, str) or not _PERSONAL_ID.fullmatch(value):
            raise sign_in_failed("invalid_personal_id", f"claim {name!r} is not a 12-digit string")
        personal_id = value
        break
    return Identity(
        issuer=issuer,
        subject=subject,
        personal_id=personal_id,
        full_name=_optional_text(claims, mapping.full_name),
        assurance_level=_optional_text(claims, mapping.assurance_level),
        claims=dict(claims),
    )


def check_assurance(identity: Identity, acceptable: Sequence[str]) -> None:
    """Refuse an identity whose assurance level (``acr``) is not one of ``acceptable``.

    ``acceptable`` lists the levels good enough to sign in, most preferred first (it is also sent to the
    provider as ``acr_values``); empty means any level, or none, is accepted.
    """
    if acceptable and identity.assurance_level not in acceptable:
        raise sign_in_failed(
            "insufficient_assurance",
            f"assurance level {identity.assurance_level!r} is not one of {list(acceptable)}",
        )
