"""Sign-in through a real OpenID Connect provider (npm oidc-provider, see conftest.py).

The protocol cases run the real flow: the provider issues the code and the ID token and rejects what it
must (replayed code, missing PKCE, wrong verifier). The token cases sign ID tokens with the provider's own
keys (made by the fixture), so only the one claim or header under test is wrong, and validate them against
the provider's real discovery document and JWKS.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from dataclasses import replace
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest
from joserfc import jwt
from joserfc.jwk import ECKey, Key, RSAKey

from antt.auth.oidc import OidcClient, PendingSignIn
from antt.errors import SignInFailed
from tests.auth.conftest import POST_CLIENT, RunningProvider, authorize

pytestmark = pytest.mark.oidc


def reason_of(call: Any, *args: Any, **kwargs: Any) -> str:
    with pytest.raises(SignInFailed) as caught:
        call(*args, **kwargs)
    return caught.value.reason


def without_params(url: str, *names: str) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k not in names]
    return urlunsplit(parts._replace(query=urlencode(query)))


# --- the real flow ----------------------------------------------------------------------------------------


def test_a_citizen_signs_in_through_the_real_provider(oidc_provider: RunningProvider) -> None:
    with OidcClient(oidc_provider.config(minimum_assurance=("loa-2",))) as client:
        pending = client.begin()
        callback = authorize(pending.authorization_url)
        identity = client.complete(pending, callback)
    assert identity.issuer == oidc_provider.issuer and identity.subject == "citizen"
    assert identity.key == (oidc_provider.issuer, "citizen")
    assert identity.personal_id == "031099001234"
    assert identity.full_name == "Nguyễn Văn An"
    assert identity.assurance_level == "loa-2"
    assert identity.claims["aud"] == "antt" and identity.claims["nonce"] == pending.nonce
    assert "031099001234" not in repr(identity)


def test_the_authorization_request_carries_state_nonce_and_an_s256_challenge(client: OidcClient) -> None:
    pending = client.begin()
    params = dict(parse_qsl(urlsplit(pending.authorization_url).query))
    assert params["response_type"] == "code" and params["client_id"] == "antt"
    assert params["state"] == pending.state and params["nonce"] == pending.nonce
    assert params["scope"] == "openid profile"
    assert params["code_challenge_method"] == "S256"
    digest = hashlib.sha256(pending.code_verifier.encode()).digest()
    assert params["code_challenge"] == base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    assert "acr_values" not in params
    other = client.begin()
    assert {other.state, other.nonce, other.code_verifier}.isdisjoint(
        {pending.state, pending.nonce, pending.code_verifier}
    )


def test_a_client_using_client_secret_post_and_es256_tokens_signs_in(oidc_provider: RunningProvider) -> None:
    config = oidc_provider.config(
        client_id=POST_CLIENT[0], client_secret=POST_CLIENT[1], client_auth_method="client_secret_post"
    )
    with OidcClient(config) as client:
        pending = client.begin()
        identity = client.complete(pending, authorize(pending.authorization_url))
    assert identity.subject == "citizen" and identity.claims["aud"] == POST_CLIENT[0]


def test_it_rejects_an_account_below_the_minimum_assurance(oidc_provider: RunningProvider) -> None:
    with OidcClient(oidc_provider.config(minimum_assurance=("loa-2",))) as client:
        pending = client.begin(login_hint="low-assurance")
        assert "acr_values=loa-2" in pending.authorization_url
        callback = authorize(pending.authorization_url)
        assert reason_of(client.complete, pending, callback) == "insufficient_assurance"


# --- protocol negatives, against the real provider --------------------------------------------------------


def test_it_rejects_a_bad_state(client: OidcClient) -> None:
    pending = client.begin()
    callback = authorize(pending.authorization_url)
    assert reason_of(client.complete, pending, {**callback, "state": "forged"}) == "bad_state"
    other = client.begin()  # a response that belongs to another sign-in
    assert reason_of(client.complete, other, callback) == "bad_state"


def test_it_rejects_a_response_without_state(client: OidcClient) -> None:
    pending = client.begin()
    callback = authorize(pending.authorization_url)
    del callback["state"]
    assert reason_of(client.complete, pending, callback) == "bad_state"


def test_it_rejects_a_replayed_code(client: OidcClient) -> None:
    pending = client.begin()
    callback = authorize(pending.authorization_url)
    client.complete(pending, callback)
    with pytest.raises(SignInFailed) as caught:
        client.complete(pending, callback)
    assert caught.value.reason == "token_error" and "invalid_grant" in (caught.value.detail or "")


def test_it_rejects_an_authorization_request_without_pkce(client: OidcClient) -> None:
    pending = client.begin()
    url = without_params(pending.authorization_url, "code_challenge", "code_challenge_method")
    callback = authorize(url)
    assert "code" not in callback and callback["error"] == "invalid_request"
    assert reason_of(client.complete, pending, callback) == "provider_error"


def test_it_rejects_a_wrong_code_verifier(client: OidcClient) -> None:
    pending = client.begin()
    callback = authorize(pending.authorization_url)
    wrong = replace(pending, code_verifier=client.begin().code_verifier)
    with pytest.raises(SignInFailed) as caught:
        client.complete(wrong, callback)
    assert caught.value.reason == "token_error" and "invalid_grant" in (caught.value.detail or "")


def test_it_rejects_a_code_issued_to_another_client(
    oidc_provider: RunningProvider, client: OidcClient
) -> None:
    config = oidc_provider.config(
        client_id=POST_CLIENT[0], client_secret=POST_CLIENT[1], client_auth_method="client_secret_post"
    )
    with OidcClient(config) as other_client:
        pending = other_client.begin()
        callback = authorize(pending.authorization_url)
    assert reason_of(client.complete, pending, callback) == "token_error"


def test_it_rejects_an_id_token_for_another_sign_in_nonce(client: OidcClient) -> None:
    pending = client.begin()
    callback = authorize(pending.authorization_url)
    wrong = replace(pending, nonce=client.begin().nonce)
    assert reason_of(client.complete, wrong, callback) == "nonce_mismatch"


def test_it_rejects_an_issuer_mismatch_in_discovery(oidc_provider: RunningProvider) -> None:
    # the same provider reached under another name: its discovery document names 127.0.0.1, not localhost
    config = oidc_provider.config(issuer=f"http://localhost:{oidc_provider.port}")
    with OidcClient(config) as client:
        assert reason_of(client.begin) == "issuer_mismatch_discovery"


def test_it_rejects_a_response_from_another_issuer(client: OidcClient) -> None:
    pending = client.begin()
    callback = authorize(pending.authorization_url)
    assert callback["iss"] == client.provider_metadata().issuer
    mixed_up = {**callback, "iss": "https://attacker.example"}
    assert reason_of(client.complete, pending, mixed_up) == "wrong_response_issuer"


def test_it_rejects_a_response_without_the_promised_iss(client: OidcClient) -> None:
    assert client.provider_metadata().iss_parameter_supported
    pending = client.begin()
    callback = authorize(pending.authorization_url)
    del callback["iss"]
    assert reason_of(client.complete, pending, callback) == "missing_response_issuer"


def test_it_rejects_a_sign_in_completed_too_late(oidc_provider: RunningProvider) -> None:
    now = [time.time()]
    with OidcClient(oidc_provider.config(), clock=lambda: now[0]) as client:
        pending = client.begin()
        callback = authorize(pending.authorization_url)
        now[0] += client.config.max_sign_in_seconds + 1
        assert reason_of(client.complete, pending, callback) == "sign_in_expired"


def test_a_pending_sign_in_keeps_its_secrets_out_of_repr(client: OidcClient) -> None:
    pending: PendingSignIn = client.begin()
    assert pending.code_verifier not in repr(pending) and pending.nonce not in repr(pending)


# --- ID-token negatives, signed with the provider's own keys ----------------------------------------------


@pytest.fixture
def rsa_key(oidc_provider: RunningProvider) -> Key:
    return oidc_provider.keys.get_by_kid("rsa-1")


def claims_for(provider: RunningProvider, **changes: Any) -> dict[str, Any]:
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": provider.issuer,
        "sub": "citizen",
        "aud": "antt",
        "iat": now,
        "exp": now + 300,
        "nonce": "the-nonce",
        "name": "Nguyễn Văn An",
    }
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


def sign(claims: dict[str, Any], key: Key, alg: str = "RS256", **header: Any) -> str:
    return jwt.encode({"alg": alg, "kid": key.kid, **header}, claims, key)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def test_a_token_signed_with_the_providers_key_is_accepted(
    client: OidcClient, oidc_provider: RunningProvider, rsa_key: Key
) -> None:
    token = sign(claims_for(oidc_provider), rsa_key)
    assert client.validate_id_token(token, nonce="the-nonce")["sub"] == "citizen"
    ec = oidc_provider.keys.get_by_kid("ec-1")
    assert client.validate_id_token(sign(claims_for(oidc_provider), ec, "ES256"), nonce="the-nonce")


def test_it_rejects_a_token_for_another_audience(
    client: OidcClient, oidc_provider: RunningProvider, rsa_key: Key
) -> None:
    token = sign(claims_for(oidc_provider, aud="another-app"), rsa_key)
    assert reason_of(client.validate_id_token, token, nonce="the-nonce") == "wrong_audience"


def test_it_rejects_several_audiences_without_azp(
    client: OidcClient, oidc_provider: RunningProvider, rsa_key: Key
) -> None:
    token = sign(claims_for(oidc_provider, aud=["antt", "another-app"]), rsa_key)
    assert reason_of(client.validate_id_token, token, nonce="the-nonce") == "wrong_audience"
    with_azp = sign(claims_for(oidc_provider, aud=["antt", "another-app"], azp="antt"), rsa_key)
    assert client.validate_id_token(with_azp, nonce="the-nonce")
    other_azp = sign(claims_for(oidc_provider, aud=["antt", "another-app"], azp="another-app"), rsa_key)
    assert reason_of(client.validate_id_token, other_azp, nonce="the-nonce") == "wrong_audience"


def test_it_rejects_a_token_from_another_issuer(
    client: OidcClient, oidc_provider: RunningProvider, rsa_key: Key
) -> None:
    for iss in ("https://attacker.example", oidc_provider.issuer + "/", None):
        token = sign(claims_for(oidc_provider, iss=iss), rsa_key)
        assert reason_of(client.validate_id_token, token, nonce="the-nonce") == "wrong_issuer", iss


def test_it_rejects_an_expired_token(
    client: OidcClient, oidc_provider: RunningProvider, rsa_key: Key
) -> None:
    now = int(time.time())
    token = sign(claims_for(oidc_provider, iat=now - 3600, exp=now - 600), rsa_key)
    assert reason_of(client.validate_id_token, token, nonce="the-nonce") == "expired"
    within_leeway = sign(claims_for(oidc_provider, iat=now - 600, exp=now - 30), rsa_key)
    assert client.validate_id_token(within_leeway, nonce="the-nonce")


def test_it_rejects_a_token_issued_in_the_future(
    client: OidcClient, oidc_provider: RunningProvider, rsa_key: Key
) -> None:
    now = int(time.time())
    token = sign(claims_for(oidc_provider, iat=now + 600, exp=now + 900), rsa_key)
    assert reason_of(client.validate_id_token, token, nonce="the-nonce") == "issued_in_future"
    not_before = sign(claims_for(oidc_provider, nbf=now + 600), rsa_key)
    assert reason_of(client.validate_id_token, not_before, nonce="the-nonce") == "not_yet_valid"


def test_it_rejects_a_token_without_exp(
    client: OidcClient, oidc_provider: RunningProvider, rsa_key: Key
) -> None:
    token = sign(claims_for(oidc_provider, exp=None), rsa_key)
    assert reason_of(client.validate_id_token, token, nonce="the-nonce") == "malformed_token"
    as_text = sign(claims_for(oidc_provider, exp="tomorrow"), rsa_key)
    assert reason_of(client.validate_id_token, as_text, nonce="the-nonce") == "malformed_token"


def test_it_rejects_a_token_with_a_bad_signature(
    client: OidcClient, oidc_provider: RunningProvider, rsa_key: Key
) -> None:
    impostor = RSAKey.generate_key(2048, {"kid": "rsa-1", "use": "sig", "alg": "RS256"})
    token = sign(claims_for(oidc_provider), impostor)
    assert reason_of(client.validate_id_token, token, nonce="the-nonce") == "bad_signature"
    header, _, signature = sign(claims_for(oidc_provider), rsa_key).split(".")
    tampered_payload = b64(json.dumps(claims_for(oidc_provider, sub="someone-else")).encode())
    tampered = f"{header}.{tampered_payload}.{signature}"
    assert reason_of(client.validate_id_token, tampered, nonce="the-nonce") == "bad_signature"


def test_it_rejects_an_unsigned_token(client: OidcClient, oidc_provider: RunningProvider) -> None:
    header = b64(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    payload = b64(json.dumps(claims_for(oidc_provider)).encode())
    for token in (f"{header}.{payload}.", f"{header}.{payload}.c2lnbmF0dXJl"):
        assert reason_of(client.validate_id_token, token, nonce="the-nonce") == "alg_not_allowed"


def test_it_rejects_an_hs256_token_keyed_with_the_providers_public_key(
    client: OidcClient, oidc_provider: RunningProvider, rsa_key: Key
) -> None:
    header = b64(json.dumps({"alg": "HS256", "kid": "rsa-1"}).encode())
    payload = b64(json.dumps(claims_for(oidc_provider)).encode())
    public_pem = rsa_key.as_pem(private=False)
    signature = b64(hmac.new(public_pem, f"{header}.{payload}".encode(), hashlib.sha256).digest())
    token = f"{header}.{payload}.{signature}"
    assert reason_of(client.validate_id_token, token, nonce="the-nonce") == "alg_not_allowed"


def test_it_rejects_an_algorithm_outside_the_configured_list(
    oidc_provider: RunningProvider, rsa_key: Key
) -> None:
    with OidcClient(oidc_provider.config(algorithms=("ES256",))) as client:
        token = sign(claims_for(oidc_provider), rsa_key)
        assert reason_of(client.validate_id_token, token, nonce="the-nonce") == "alg_not_allowed"


def test_it_rejects_a_token_with_a_wrong_or_missing_nonce(
    client: OidcClient, oidc_provider: RunningProvider, rsa_key: Key
) -> None:
    token = sign(claims_for(oidc_provider, nonce="another-nonce"), rsa_key)
    assert reason_of(client.validate_id_token, token, nonce="the-nonce") == "nonce_mismatch"
    without = sign(claims_for(oidc_provider, nonce=None), rsa_key)
    assert reason_of(client.validate_id_token, without, nonce="the-nonce") == "nonce_mismatch"


def test_it_rejects_a_token_signed_by_a_key_the_provider_does_not_publish(
    client: OidcClient, oidc_provider: RunningProvider
) -> None:
    stranger = ECKey.generate_key("P-256", {"kid": "not-published", "alg": "ES256"})
    token = sign(claims_for(oidc_provider), stranger, "ES256")
    assert reason_of(client.validate_id_token, token, nonce="the-nonce") == "unknown_key"


def test_it_rejects_a_malformed_token(client: OidcClient) -> None:
    for token in ("", "not-a-jwt", "a.b", "a.b.c.d.e", "!!.??.**", "é.b.c"):
        assert reason_of(client.validate_id_token, token, nonce="the-nonce") == "malformed_token", token
