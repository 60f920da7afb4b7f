"""Discovery, JWKS caching and key rotation, and the token endpoint's failures, against a stub provider
on an in-memory transport (the provider's network is the one thing replaced), with a controlled clock."""

from __future__ import annotations

import base64
import json
import time
from collections import Counter
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import Key, OctKey, RSAKey

from antt.auth.oidc import OidcClient, OidcConfig
from antt.errors import SignInFailed

ISSUER = "https://id.example.vn"
REDIRECT = "https://antt.example.vn/auth/callback"


def new_key(kid: str) -> Key:
    return RSAKey.generate_key(2048, {"kid": kid, "use": "sig", "alg": "RS256"})


class StubProvider:
    """Serves discovery, a JWKS that tests can rotate, and a token endpoint that answers what tests say."""

    def __init__(self) -> None:
        self.keys: list[Key] = [new_key("k1")]
        self.discovery: dict[str, Any] = {
            "issuer": ISSUER,
            "authorization_endpoint": f"{ISSUER}/auth",
            "token_endpoint": f"{ISSUER}/token",
            "jwks_uri": f"{ISSUER}/jwks",
            "code_challenge_methods_supported": ["S256"],
        }
        self.extra_jwks: list[dict[str, Any]] = []
        self.token_response: Callable[[httpx.Request], httpx.Response] = lambda _: httpx.Response(500)
        self.requests: Counter[str] = Counter()
        self.token_requests: list[httpx.Request] = []
        self.now = float(int(time.time()))

    def handle(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        self.requests[path] += 1
        if path == "/.well-known/openid-configuration":
            return httpx.Response(200, json=self.discovery)
        if path == "/jwks":
            keys = [k.as_dict(private=False) for k in self.keys] + self.extra_jwks
            return httpx.Response(200, json={"keys": keys})
        if path == "/token":
            self.token_requests.append(request)
            return self.token_response(request)
        return httpx.Response(404)

    def client(self, **changes: Any) -> OidcClient:
        values: dict[str, Any] = {
            "issuer": ISSUER,
            "client_id": "antt",
            "client_secret": "s3cret",
            "redirect_url": REDIRECT,
        }
        values.update(changes)
        http = httpx.Client(transport=httpx.MockTransport(self.handle))
        return OidcClient(OidcConfig(**values), http=http, clock=lambda: self.now)

    def token(self, key: Key | None = None, **changes: Any) -> str:
        key = key or self.keys[0]
        now = int(self.now)
        claims = {"iss": ISSUER, "sub": "u-1", "aud": "antt", "iat": now, "exp": now + 300, "nonce": "n"}
        claims.update(changes)
        return jwt.encode({"alg": "RS256", "kid": key.kid}, claims, key)


@pytest.fixture
def stub() -> StubProvider:
    return StubProvider()


def reason_of(call: Callable[..., object], *args: Any, **kwargs: Any) -> str:
    with pytest.raises(SignInFailed) as caught:
        call(*args, **kwargs)
    return caught.value.reason


# --- discovery --------------------------------------------------------------------------------------------


def test_discovery_is_fetched_once_and_kept_until_the_cache_expires(stub: StubProvider) -> None:
    client = stub.client()
    client.begin()
    client.begin()
    assert stub.requests["/.well-known/openid-configuration"] == 1
    stub.now += client.config.cache_seconds + 1
    client.begin()
    assert stub.requests["/.well-known/openid-configuration"] == 2


def test_the_issuer_in_discovery_must_match_exactly(stub: StubProvider) -> None:
    stub.discovery["issuer"] = ISSUER + "/"
    assert reason_of(stub.client().begin) == "issuer_mismatch_discovery"


@pytest.mark.parametrize("name", ["authorization_endpoint", "token_endpoint", "jwks_uri"])
def test_an_endpoint_without_https_is_refused(stub: StubProvider, name: str) -> None:
    stub.discovery[name] = stub.discovery[name].replace("https://", "http://")
    assert reason_of(stub.client().begin) == "insecure_endpoint"


def test_a_discovery_document_without_an_endpoint_is_refused(stub: StubProvider) -> None:
    del stub.discovery["token_endpoint"]
    assert reason_of(stub.client().begin) == "discovery_failed"


def test_a_provider_without_pkce_s256_is_refused(stub: StubProvider) -> None:
    stub.discovery["code_challenge_methods_supported"] = ["plain"]
    assert reason_of(stub.client().begin) == "pkce_unsupported"


@pytest.mark.parametrize(
    "answer",
    [
        lambda _: httpx.Response(503),
        lambda _: httpx.Response(200, text="<html>maintenance</html>"),
        lambda _: httpx.Response(200, json=["not", "an", "object"]),
    ],
)
def test_a_broken_discovery_answer_is_a_discovery_failure(
    answer: Callable[[httpx.Request], httpx.Response],
) -> None:
    http = httpx.Client(transport=httpx.MockTransport(answer))
    config = OidcConfig(issuer=ISSUER, client_id="antt", client_secret="s", redirect_url=REDIRECT)
    assert reason_of(OidcClient(config, http=http).begin) == "discovery_failed"


def test_an_unreachable_provider_is_a_discovery_failure() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    http = httpx.Client(transport=httpx.MockTransport(refuse))
    config = OidcConfig(issuer=ISSUER, client_id="antt", client_secret="s", redirect_url=REDIRECT)
    assert reason_of(OidcClient(config, http=http).begin) == "discovery_failed"


# --- the JWKS ---------------------------------------------------------------------------------------------


def test_the_jwks_is_fetched_once_and_reused(stub: StubProvider) -> None:
    client = stub.client()
    for _ in range(3):
        client.validate_id_token(stub.token(), nonce="n")
    assert stub.requests["/jwks"] == 1


def test_a_rotated_key_is_found_by_fetching_the_jwks_again_once(stub: StubProvider) -> None:
    client = stub.client()
    client.validate_id_token(stub.token(), nonce="n")
    stub.keys = [new_key("k2"), *stub.keys]
    assert client.validate_id_token(stub.token(stub.keys[0]), nonce="n")["sub"] == "u-1"
    assert stub.requests["/jwks"] == 2


def test_an_unknown_kid_fetches_the_jwks_only_once_more(stub: StubProvider) -> None:
    client = stub.client()
    client.validate_id_token(stub.token(), nonce="n")
    assert reason_of(client.validate_id_token, stub.token(new_key("stranger")), nonce="n") == "unknown_key"
    assert stub.requests["/jwks"] == 2


def test_the_cached_jwks_is_fetched_again_when_it_expires(stub: StubProvider) -> None:
    client = stub.client()
    client.validate_id_token(stub.token(), nonce="n")
    stub.now += client.config.cache_seconds + 1
    client.validate_id_token(stub.token(), nonce="n")
    assert stub.requests["/jwks"] == 2


def test_a_token_without_kid_needs_a_provider_with_a_single_key(stub: StubProvider) -> None:
    client = stub.client()
    key = stub.keys[0]
    claims = {"iss": ISSUER, "sub": "u-1", "aud": "antt", "iat": int(stub.now), "exp": int(stub.now) + 60}
    no_kid = jwt.encode({"alg": "RS256"}, {**claims, "nonce": "n"}, key)
    assert client.validate_id_token(no_kid, nonce="n")["sub"] == "u-1"
    stub.keys.append(new_key("k2"))
    stub.now += client.config.cache_seconds + 1
    no_kid = jwt.encode(
        {"alg": "RS256"}, {**claims, "iat": int(stub.now), "exp": int(stub.now) + 60, "nonce": "n"}, key
    )
    assert reason_of(client.validate_id_token, no_kid, nonce="n") == "unknown_key"


def test_symmetric_keys_in_the_jwks_are_never_used(stub: StubProvider) -> None:
    secret = OctKey.generate_key(256, {"kid": "shared"})
    stub.extra_jwks.append(secret.as_dict(private=True))
    client = stub.client()
    assert client.validate_id_token(stub.token(), nonce="n")  # the RSA key still works
    now = int(stub.now)
    claims = {"iss": ISSUER, "sub": "u-1", "aud": "antt", "iat": now, "exp": now + 60, "nonce": "n"}
    hs = jwt.encode({"alg": "HS256", "kid": "shared"}, claims, secret)
    assert reason_of(client.validate_id_token, hs, nonce="n") == "alg_not_allowed"


def test_a_broken_jwks_is_refused(stub: StubProvider) -> None:
    stub.keys = []
    assert reason_of(stub.client().validate_id_token, stub.token(new_key("k1")), nonce="n") == "jwks_failed"


def test_the_clock_decides_expiry(stub: StubProvider) -> None:
    client = stub.client()
    token = stub.token()
    stub.now += 300 + client.config.leeway_seconds - 1
    assert client.validate_id_token(token, nonce="n")
    stub.now += 2
    assert reason_of(client.validate_id_token, token, nonce="n") == "expired"


# --- the callback and the token endpoint ------------------------------------------------------------------


def test_client_secret_basic_form_encodes_the_credentials(stub: StubProvider) -> None:
    client = stub.client(client_id="antt:web", client_secret="p@ss word/+")
    pending = client.begin()
    token = stub.token(aud="antt:web", nonce=pending.nonce)
    stub.token_response = lambda _: httpx.Response(200, json={"id_token": token, "token_type": "Bearer"})
    identity = client.complete(pending, {"code": "c-1", "state": pending.state})
    assert identity.subject == "u-1"
    request = stub.token_requests[-1]
    assert base64.b64decode(request.headers["authorization"].split()[1]) == b"antt%3Aweb:p%40ss+word%2F%2B"
    body = dict(parse_qsl(request.content.decode()))
    assert body == {
        "grant_type": "authorization_code",
        "code": "c-1",
        "redirect_uri": REDIRECT,
        "code_verifier": pending.code_verifier,
    }


def test_client_secret_post_sends_the_credentials_in_the_body(stub: StubProvider) -> None:
    client = stub.client(client_auth_method="client_secret_post")
    pending = client.begin()
    token = stub.token(nonce=pending.nonce)
    stub.token_response = lambda _: httpx.Response(200, json={"id_token": token, "token_type": "Bearer"})
    client.complete(pending, {"code": "c-1", "state": pending.state})
    request = stub.token_requests[-1]
    assert "authorization" not in request.headers
    body = dict(parse_qsl(request.content.decode()))
    assert body["client_id"] == "antt" and body["client_secret"] == "s3cret"
    assert body["code_verifier"] == pending.code_verifier


@pytest.mark.parametrize(
    "answer",
    [
        lambda _: httpx.Response(
            400, json={"error": "invalid_grant", "error_description": "grant request is invalid"}
        ),
        lambda _: httpx.Response(502, text="<html>bad gateway</html>"),
        lambda _: httpx.Response(200, json={"access_token": "a", "token_type": "Bearer"}),
        lambda _: httpx.Response(200, json={"error": "server_error"}),
    ],
)
def test_a_failed_code_exchange_is_a_token_error(
    stub: StubProvider, answer: Callable[[httpx.Request], httpx.Response]
) -> None:
    stub.token_response = answer
    client = stub.client()
    pending = client.begin()
    assert reason_of(client.complete, pending, {"code": "c-1", "state": pending.state}) == "token_error"


def test_an_unreachable_token_endpoint_is_a_token_error(stub: StubProvider) -> None:
    def timeout(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    stub.token_response = timeout
    client = stub.client()
    pending = client.begin()
    assert reason_of(client.complete, pending, {"code": "c-1", "state": pending.state}) == "token_error"


def test_an_error_from_the_provider_is_reported_without_exchanging(stub: StubProvider) -> None:
    client = stub.client()
    pending = client.begin()
    params = {"error": "access_denied", "error_description": "the user cancelled", "state": pending.state}
    with pytest.raises(SignInFailed) as caught:
        client.complete(pending, params)
    assert caught.value.reason == "provider_error" and "access_denied" in (caught.value.detail or "")
    assert not stub.token_requests


def test_a_response_without_a_code_is_refused(stub: StubProvider) -> None:
    client = stub.client()
    pending = client.begin()
    assert reason_of(client.complete, pending, {"state": pending.state}) == "missing_code"


def test_the_response_iss_is_not_required_when_the_provider_does_not_promise_it(stub: StubProvider) -> None:
    client = stub.client()
    pending = client.begin()
    token = stub.token(nonce=pending.nonce)
    stub.token_response = lambda _: httpx.Response(200, json={"id_token": token, "token_type": "Bearer"})
    assert client.complete(pending, {"code": "c", "state": pending.state}).subject == "u-1"


def test_a_json_error_body_never_leaks_the_token_into_the_detail(stub: StubProvider) -> None:
    stub.token_response = lambda _: httpx.Response(200, json={"id_token": 42, "access_token": "secret-at"})
    client = stub.client()
    pending = client.begin()
    with pytest.raises(SignInFailed) as caught:
        client.complete(pending, {"code": "c-1", "state": pending.state})
    assert "secret-at" not in (caught.value.detail or "") and "secret-at" not in str(caught.value)
    assert json.dumps(caught.value.reason) == '"token_error"'
