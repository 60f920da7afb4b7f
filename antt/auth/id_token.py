"""ID-token validation (OpenID Connect Core 1.0 §3.1.3.7) with joserfc.

The signature is checked first, with a key from the provider's JWKS and an algorithm from an allow-list
(``none`` and the HMAC algorithms are never accepted: an HS256 token "signed" with the provider's public
key is the classic forgery). Only then are the claims read: ``iss`` equal to the issuer, ``aud``
containing the client id (and ``azp`` equal to it when there are several audiences), ``exp``/``iat``/``nbf``
against an injectable clock with a small leeway, and ``nonce`` equal to the one this sign-in sent.
"""

from __future__ import annotations

import math
import secrets
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from typing import Any

from joserfc import jws, jwt
from joserfc.errors import (
    BadSignatureError,
    ClaimError,
    ExpiredTokenError,
    InvalidPayloadError,
    JoseError,
)
from joserfc.jwk import Key
from joserfc.jws import JWSRegistry

from antt.auth.failures import sign_in_failed

#: accepted unless configured otherwise: RSA PKCS#1, ECDSA P-256 and RSA-PSS, all with SHA-256
DEFAULT_ALGORITHMS = ("RS256", "ES256", "PS256")
#: what JWS can do that an ID token must never be accepted with
_SUPPORTED = frozenset(JWSRegistry.algorithms)


def forbidden_algorithm(alg: str) -> bool:
    """``none``, the symmetric (HS*) algorithms, and anything joserfc cannot verify."""
    return alg == "none" or alg.upper().startswith("HS") or alg not in _SUPPORTED


#: (kid, alg) -> the provider's key for it; raises SignInFailed("unknown_key") when there is none
KeyLookup = Callable[[str | None, str], Key]


@dataclass(frozen=True, slots=True)
class IdTokenRules:
    """What a valid ID token of this client at this provider looks like."""

    issuer: str
    client_id: str
    algorithms: tuple[str, ...] = DEFAULT_ALGORITHMS
    leeway_seconds: int = 60


def pick_key(keys: Iterable[Key], kid: str | None, alg: str) -> Key | None:
    """The key among ``keys`` that can verify ``alg`` and has id ``kid``.

    Without a ``kid`` the key must be the only one that fits (OIDC Core §10.1: with several keys a
    ``kid`` is required).
    """
    model = JWSRegistry(algorithms=[alg]).get_alg(alg)
    fitting = []
    for key in keys:
        try:
            model.check_key(key)
        except JoseError:
            continue
        fitting.append(key)
    if kid is not None:
        return next((key for key in fitting if key.kid == kid), None)
    return fitting[0] if len(fitting) == 1 else None


def _header(token: str, algorithms: Collection[str]) -> tuple[str, str | None]:
    try:
        obj = jws.extract_compact(token.encode("ascii"))
    except (JoseError, ValueError) as exc:
        raise sign_in_failed("malformed_token", f"not a compact JWS: {exc}") from exc
    header = obj.headers()
    alg = header.get("alg")
    if not isinstance(alg, str) or alg not in algorithms or forbidden_algorithm(alg):
        raise sign_in_failed("alg_not_allowed", f"alg {alg!r} is not in {sorted(algorithms)}")
    if "crit" in header or "b64" in header:
        raise sign_in_failed("malformed_token", "critical or unencoded-payload header parameters")
    kid = header.get("kid")
    if kid is not None and not isinstance(kid, str):
        raise sign_in_failed("malformed_token", "kid is not a string")
    return alg, kid


def _verified_claims(token: str, key: Key, alg: str) -> dict[str, Any]:
    registry = JWSRegistry(algorithms=[alg], strict_check_header=False)
    try:
        return jwt.decode(token, key, registry=registry).claims
    except BadSignatureError as exc:
        raise sign_in_failed("bad_signature", "signature does not verify") from exc
    except InvalidPayloadError as exc:
        raise sign_in_failed("malformed_token", "payload is not a JSON object") from exc
    except (JoseError, ValueError) as exc:
        raise sign_in_failed("bad_signature", f"cannot verify: {exc}") from exc


def _check_audience(claims: dict[str, Any], client_id: str) -> None:
    aud = claims.get("aud")
    audiences = [aud] if isinstance(aud, str) else aud
    if not isinstance(audiences, list) or not all(isinstance(a, str) for a in audiences):
        raise sign_in_failed("wrong_audience", "aud is missing or not a string or list of strings")
    if client_id not in audiences:
        raise sign_in_failed("wrong_audience", f"aud {audiences} does not contain this client")
    azp = claims.get("azp")
    if len(audiences) > 1 and azp is None:
        raise sign_in_failed("wrong_audience", "several audiences and no azp")
    if azp is not None and azp != client_id:
        raise sign_in_failed("wrong_audience", f"azp {azp!r} is another client")


def _is_numeric_date(value: object) -> bool:
    return not isinstance(value, bool) and (
        isinstance(value, int) or (isinstance(value, float) and math.isfinite(value))
    )


def _check_times(claims: dict[str, Any], now: int, leeway: int) -> None:
    for name in ("exp", "iat", "nbf"):
        if name in claims and not _is_numeric_date(claims[name]):
            raise sign_in_failed("malformed_token", f"{name} is not a NumericDate")
    for name in ("exp", "iat"):
        if name not in claims:
            raise sign_in_failed("malformed_token", f"no {name} claim")
    times: dict[str, Any] = {name: claims[name] for name in ("exp", "iat", "nbf") if name in claims}
    try:
        jwt.JWTClaimsRegistry(now=now, leeway=leeway).validate(times)
    except ExpiredTokenError as exc:
        raise sign_in_failed("expired", f"exp {claims['exp']} is before {now} - {leeway}s") from exc
    except ClaimError as exc:  # the types are checked above: a time claim fails only by its value
        reason = {"iat": "issued_in_future", "nbf": "not_yet_valid"}.get(exc.claim, "malformed_token")
        raise sign_in_failed(
            reason, f"{exc.claim} {claims.get(exc.claim)} is after {now} + {leeway}s"
        ) from exc


def validate_id_token(
    token: str, *, rules: IdTokenRules, nonce: str, keys: KeyLookup, now: int
) -> dict[str, Any]:
    """The claims of ``token`` once every check has passed; :class:`SignInFailed` otherwise."""
    alg, kid = _header(token, rules.algorithms)
    claims = _verified_claims(token, keys(kid, alg), alg)
    if claims.get("iss") != rules.issuer:
        raise sign_in_failed("wrong_issuer", f"iss {claims.get('iss')!r} is not {rules.issuer!r}")
    _check_audience(claims, rules.client_id)
    _check_times(claims, now, rules.leeway_seconds)
    received = claims.get("nonce")
    if not isinstance(received, str) or not secrets.compare_digest(received.encode(), nonce.encode()):
        raise sign_in_failed("nonce_mismatch", "nonce missing" if received is None else "nonce differs")
    return claims
