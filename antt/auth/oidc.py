"""Sign-in through an OpenID Connect provider: authorization code flow with PKCE (S256), state and nonce.

The web layer calls two things (it owns the redirects and keeps :class:`PendingSignIn` server-side)::

    client = OidcClient(OidcConfig.from_settings(settings))
    pending = client.begin()                 # keep it in the session, redirect to pending.authorization_url
    ...
    identity = client.complete(pending, request.query_params)   # at the callback; SignInFailed otherwise

``complete`` checks the callback (``state``; the RFC 9207 ``iss`` parameter when the provider sends it or
promises it; an error from the provider), exchanges the code at the token endpoint (client_secret_basic or
client_secret_post, plus the PKCE ``code_verifier``), validates the ID token (:mod:`antt.auth.id_token`)
with the provider's JWKS (cached; fetched again once when a token names an unknown ``kid``), maps its claims
to an :class:`~antt.auth.identity.Identity` and checks the assurance level. The provider's metadata comes
from discovery, whose ``issuer`` must equal the configured issuer exactly. Every failure is one
:class:`antt.errors.SignInFailed` with a reason code (see :mod:`antt.auth.failures`).
"""

from __future__ import annotations

import base64
import re
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote_plus, urlsplit

import httpx
from authlib.common.urls import add_params_to_uri
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from joserfc.errors import JoseError
from joserfc.jwk import Key, KeySet

from antt.auth.failures import sign_in_failed
from antt.auth.id_token import (
    DEFAULT_ALGORITHMS,
    IdTokenRules,
    forbidden_algorithm,
    pick_key,
    validate_id_token,
)
from antt.auth.identity import ClaimMapping, Identity, check_assurance, identity_from_claims
from antt.errors import SettingsError
from antt.settings import Settings

DISCOVERY_PATH = "/.well-known/openid-configuration"
CLIENT_AUTH_METHODS = ("client_secret_basic", "client_secret_post")
_LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


def _words(text: str | None) -> tuple[str, ...]:
    return tuple(w for w in re.split(r"[\s,]+", text or "") if w)


def is_secure_url(url: str) -> bool:
    """HTTPS, or plain HTTP to this machine only (the local provider of the demo and the tests)."""
    parts = urlsplit(url)
    if parts.scheme == "https":
        return bool(parts.hostname)
    return parts.scheme == "http" and parts.hostname in _LOOPBACK_HOSTS


@dataclass(frozen=True, slots=True)
class OidcConfig:
    """This application as a client of one provider. Built from settings by :meth:`from_settings`."""

    issuer: str
    client_id: str
    client_secret: str = field(repr=False)
    redirect_url: str
    scopes: tuple[str, ...] = ("openid", "profile")
    client_auth_method: str = "client_secret_basic"
    algorithms: tuple[str, ...] = DEFAULT_ALGORITHMS
    claims: ClaimMapping = field(default_factory=ClaimMapping)
    #: acr values good enough to sign in, most preferred first; empty: any
    minimum_assurance: tuple[str, ...] = ()
    leeway_seconds: int = 60
    timeout_seconds: float = 5.0
    #: how long a user may take between :meth:`OidcClient.begin` and the callback
    max_sign_in_seconds: int = 600
    #: how long discovery and the JWKS are kept before they are fetched again
    cache_seconds: int = 3600

    def __post_init__(self) -> None:
        problems = []
        if not is_secure_url(self.issuer):
            problems.append(f"issuer {self.issuer!r} must be an https URL (http only on loopback)")
        if not is_secure_url(self.redirect_url):
            problems.append(
                f"redirect URL {self.redirect_url!r} must be an https URL (http only on loopback)"
            )
        if "openid" not in self.scopes:
            problems.append("the scopes must include openid")
        if self.client_auth_method not in CLIENT_AUTH_METHODS:
            problems.append(f"client auth method must be one of {CLIENT_AUTH_METHODS}")
        bad = [alg for alg in self.algorithms if forbidden_algorithm(alg)]
        if bad or not self.algorithms:
            problems.append(f"signature algorithms {bad or '(none)'} are not allowed for ID tokens")
        if problems:
            text = "; ".join(problems)
            raise SettingsError(f"Cấu hình OIDC không hợp lệ: {text}", f"Invalid OIDC settings: {text}")

    @classmethod
    def from_settings(cls, settings: Settings) -> OidcConfig:
        """The client configuration in ``ANTT_OIDC_*``; a :class:`SettingsError` names what is missing."""
        secret = settings.oidc_client_secret.get_secret_value() if settings.oidc_client_secret else None
        required = {
            "ANTT_OIDC_ISSUER": settings.oidc_issuer,
            "ANTT_OIDC_CLIENT_ID": settings.oidc_client_id,
            "ANTT_OIDC_CLIENT_SECRET (_FILE)": secret,
            "ANTT_OIDC_REDIRECT_URL": settings.oidc_redirect_url,
        }
        missing = [name for name, value in required.items() if not value]
        if missing:
            raise SettingsError(
                f"Chưa cấu hình đăng nhập OIDC: thiếu {', '.join(missing)}.",
                f"OIDC sign-in is not configured: {', '.join(missing)} missing.",
            )
        assert settings.oidc_issuer and settings.oidc_client_id and secret and settings.oidc_redirect_url
        return cls(
            issuer=settings.oidc_issuer,
            client_id=settings.oidc_client_id,
            client_secret=secret,
            redirect_url=settings.oidc_redirect_url,
            scopes=_words(settings.oidc_scopes),
            client_auth_method=settings.oidc_client_auth_method,
            algorithms=_words(settings.oidc_algorithms),
            claims=ClaimMapping(
                subject=settings.oidc_claim_subject,
                personal_id=_words(settings.oidc_claim_personal_id),
                full_name=settings.oidc_claim_full_name,
                assurance_level=settings.oidc_claim_assurance,
            ),
            minimum_assurance=_words(settings.oidc_min_assurance),
        )


@dataclass(frozen=True, slots=True)
class ProviderMetadata:
    """What ANTT uses of the provider's discovery document."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    #: RFC 9207: the provider promises ``iss`` in every authorization response
    iss_parameter_supported: bool = False

    @classmethod
    def from_document(cls, document: object, expected_issuer: str) -> ProviderMetadata:
        if not isinstance(document, dict):
            raise sign_in_failed("discovery_failed", "the discovery document is not a JSON object")
        if document.get("issuer") != expected_issuer:
            raise sign_in_failed(
                "issuer_mismatch_discovery",
                f"discovery says issuer {document.get('issuer')!r}, configured {expected_issuer!r}",
            )
        urls = {}
        for name in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
            value = document.get(name)
            if not isinstance(value, str) or not value:
                raise sign_in_failed("discovery_failed", f"the discovery document has no {name}")
            if not is_secure_url(value):
                raise sign_in_failed("insecure_endpoint", f"{name} {value!r} is not https")
            urls[name] = value
        methods = document.get("code_challenge_methods_supported")
        if isinstance(methods, list) and "S256" not in methods:
            raise sign_in_failed("pkce_unsupported", f"code_challenge_methods_supported is {methods}")
        return cls(
            issuer=expected_issuer,
            authorization_endpoint=urls["authorization_endpoint"],
            token_endpoint=urls["token_endpoint"],
            jwks_uri=urls["jwks_uri"],
            iss_parameter_supported=document.get("authorization_response_iss_parameter_supported") is True,
        )


@dataclass(frozen=True, slots=True)
class PendingSignIn:
    """One sign-in between the redirect to the provider and the callback; the app keeps it server-side."""

    authorization_url: str = field(repr=False)
    state: str
    nonce: str = field(repr=False)
    code_verifier: str = field(repr=False)
    started_at: float


@dataclass
class _Cached:
    value: Any
    fetched_at: float


class OidcClient:
    """One provider, one registered client. Safe to share between requests (caches are locked).

    ``http`` and ``clock`` are injectable for tests; by default an :class:`httpx.Client` with short timeouts
    that follows no redirects, and the system clock (seconds since the epoch).
    """

    def __init__(
        self,
        config: OidcConfig,
        *,
        http: httpx.Client | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.config = config
        self._clock = clock
        self._owns_http = http is None
        self._http = http or httpx.Client(
            timeout=httpx.Timeout(config.timeout_seconds, connect=min(3.0, config.timeout_seconds)),
            follow_redirects=False,
            headers={"Accept": "application/json"},
        )
        self._lock = threading.Lock()
        self._metadata: _Cached | None = None
        self._jwks: _Cached | None = None

    def close(self) -> None:
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> OidcClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- the provider's documents -------------------------------------------------------------------------

    def _get_json(self, url: str, reason: str) -> object:
        try:
            response = self._http.get(url)
        except httpx.HTTPError as exc:
            raise sign_in_failed(reason, f"GET {url}: {type(exc).__name__}: {exc}") from exc
        if response.status_code != 200:
            raise sign_in_failed(reason, f"GET {url}: HTTP {response.status_code}")
        try:
            return response.json()
        except ValueError as exc:
            raise sign_in_failed(reason, f"GET {url}: not JSON") from exc

    def _fresh(self, cached: _Cached | None) -> bool:
        return cached is not None and self._clock() - cached.fetched_at < self.config.cache_seconds

    def provider_metadata(self) -> ProviderMetadata:
        """The discovery document (cached), its ``issuer`` checked against the configured issuer."""
        with self._lock:
            if self._metadata is None or not self._fresh(self._metadata):
                url = self.config.issuer.rstrip("/") + DISCOVERY_PATH
                metadata = ProviderMetadata.from_document(
                    self._get_json(url, "discovery_failed"), self.config.issuer
                )
                self._metadata = _Cached(metadata, self._clock())
            value: ProviderMetadata = self._metadata.value
            return value

    def _key_set(self, *, refresh: bool) -> KeySet:
        jwks_uri = self.provider_metadata().jwks_uri
        with self._lock:
            if refresh or self._jwks is None or not self._fresh(self._jwks):
                document = self._get_json(jwks_uri, "jwks_failed")
                if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
                    raise sign_in_failed("jwks_failed", "the JWKS is not a JSON object with keys")
                public = [k for k in document["keys"] if isinstance(k, dict) and k.get("kty") != "oct"]
                try:
                    keys = KeySet.import_key_set({"keys": public})
                except (JoseError, ValueError, TypeError) as exc:
                    raise sign_in_failed("jwks_failed", f"cannot read the JWKS: {exc}") from exc
                self._jwks = _Cached(keys, self._clock())
            value: KeySet = self._jwks.value
            return value

    def signing_key(self, kid: str | None, alg: str) -> Key:
        """The provider's key for ``kid`` and ``alg``; the JWKS is fetched again once if it is not there."""
        key = pick_key(self._key_set(refresh=False), kid, alg)
        if key is None:
            key = pick_key(self._key_set(refresh=True), kid, alg)
        if key is None:
            raise sign_in_failed("unknown_key", f"no {alg} key with kid {kid!r} in the provider's JWKS")
        return key

    # --- the flow -----------------------------------------------------------------------------------------

    def begin(self, *, login_hint: str | None = None) -> PendingSignIn:
        """A new sign-in: fresh ``state``, ``nonce`` and PKCE verifier, and the URL to send the browser to."""
        metadata = self.provider_metadata()
        state = secrets.token_urlsafe(32)
        nonce = secrets.token_urlsafe(32)
        code_verifier = secrets.token_urlsafe(64)  # 86 characters; RFC 7636 wants 43 to 128
        params = [
            ("response_type", "code"),
            ("client_id", self.config.client_id),
            ("redirect_uri", self.config.redirect_url),
            ("scope", " ".join(self.config.scopes)),
            ("state", state),
            ("nonce", nonce),
            ("code_challenge", create_s256_code_challenge(code_verifier)),
            ("code_challenge_method", "S256"),
        ]
        if self.config.minimum_assurance:
            params.append(("acr_values", " ".join(self.config.minimum_assurance)))
        if login_hint:
            params.append(("login_hint", login_hint))
        url: str = add_params_to_uri(metadata.authorization_endpoint, params)
        return PendingSignIn(url, state, nonce, code_verifier, started_at=self._clock())

    def complete(self, pending: PendingSignIn, params: Mapping[str, str]) -> Identity:
        """The identity behind the authorization response ``params`` (the callback's query parameters)."""
        metadata = self.provider_metadata()
        state = params.get("state")
        if not state or not secrets.compare_digest(state.encode(), pending.state.encode()):
            raise sign_in_failed("bad_state", "state missing" if not state else "state differs")
        if self._clock() - pending.started_at > self.config.max_sign_in_seconds:
            raise sign_in_failed("sign_in_expired", f"started {self._clock() - pending.started_at:.0f}s ago")
        iss = params.get("iss")
        if iss is not None and iss != metadata.issuer:
            raise sign_in_failed("wrong_response_issuer", f"iss {iss!r} is not {metadata.issuer!r}")
        if iss is None and metadata.iss_parameter_supported:
            raise sign_in_failed("missing_response_issuer", "the provider promises iss (RFC 9207)")
        if "error" in params:
            description = params.get("error_description", "")
            raise sign_in_failed("provider_error", f"{params['error']}: {description}"[:300])
        code = params.get("code")
        if not code:
            raise sign_in_failed("missing_code", "no code in the authorization response")
        tokens = self.exchange_code(code, pending.code_verifier)
        claims = self.validate_id_token(tokens["id_token"], nonce=pending.nonce)
        identity = identity_from_claims(metadata.issuer, claims, self.config.claims)
        check_assurance(identity, self.config.minimum_assurance)
        return identity

    def exchange_code(self, code: str, code_verifier: str) -> dict[str, Any]:
        """The token response for ``code``; it has a string ``id_token`` (``token_error`` otherwise)."""
        metadata = self.provider_metadata()
        data = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": self.config.redirect_url,
            "code_verifier": code_verifier,
        }
        headers = {"Accept": "application/json"}
        if self.config.client_auth_method == "client_secret_basic":
            # RFC 6749 §2.3.1: id and secret are form-urlencoded before the Basic encoding
            pair = f"{quote_plus(self.config.client_id)}:{quote_plus(self.config.client_secret)}"
            headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode("ascii")
        else:
            data |= {"client_id": self.config.client_id, "client_secret": self.config.client_secret}
        try:
            response = self._http.post(metadata.token_endpoint, data=data, headers=headers)
        except httpx.HTTPError as exc:
            raise sign_in_failed("token_error", f"POST token endpoint: {type(exc).__name__}: {exc}") from exc
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise sign_in_failed("token_error", f"HTTP {response.status_code}, not a JSON object")
        if response.status_code != 200 or "error" in body:
            error = f"{body.get('error', '')}: {body.get('error_description', '')}"
            raise sign_in_failed("token_error", f"HTTP {response.status_code} {error}"[:300])
        if not isinstance(body.get("id_token"), str):
            raise sign_in_failed("token_error", "the token response has no id_token")
        return body

    def validate_id_token(self, id_token: str, *, nonce: str) -> dict[str, Any]:
        """The claims of ``id_token`` from this provider for this client and this ``nonce``."""
        rules = IdTokenRules(
            issuer=self.provider_metadata().issuer,
            client_id=self.config.client_id,
            algorithms=self.config.algorithms,
            leeway_seconds=self.config.leeway_seconds,
        )
        return validate_id_token(
            id_token, rules=rules, nonce=nonce, keys=self.signing_key, now=int(self._clock())
        )
