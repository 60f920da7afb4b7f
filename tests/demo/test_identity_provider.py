"""The demo's e-ID provider speaks OpenID Connect that ANTT's own client accepts (discovery, RS256 ID tokens
with the persona's claims, nonce, audience), enforces PKCE S256 and ANTT's registration, and runs only in
the demo."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest

from antt.auth.oidc import OidcClient, OidcConfig, PendingSignIn
from antt.demo.identity_provider import STRANGER, DemoProvider, run_demo_provider
from antt.demo.personas import PERSONAS, Persona
from antt.errors import SettingsError, SignInFailed
from antt.settings import load_settings

# oidc-provider-mock 0.3 signs ID tokens through Authlib's older hook, which Authlib still honours
pytestmark = pytest.mark.filterwarnings(
    r"ignore:get_jwt_config\(self, grant\) is deprecated:DeprecationWarning"
)


@pytest.fixture(scope="module")
def provider() -> Iterator[DemoProvider]:
    with run_demo_provider(load_settings(demo=True), app_url="http://127.0.0.1:8000", port=0) as running:
        yield running


@pytest.fixture
def client(provider: DemoProvider) -> Iterator[OidcClient]:
    config = OidcConfig(
        issuer=provider.issuer,
        client_id=provider.client_id,
        client_secret=provider.client_secret,
        redirect_url=provider.redirect_url,
    )
    with OidcClient(config) as oidc:
        yield oidc


def authorise(pending: PendingSignIn, sub: str) -> dict[str, str]:
    """What the persona's button on the provider's page does: the callback's query parameters."""
    response = httpx.post(pending.authorization_url, data={"sub": sub})
    assert response.status_code == 302, response.text
    location = response.headers["location"]
    assert location.startswith("http://127.0.0.1:8000/auth/callback?")
    return dict(parse_qsl(urlsplit(location).query))


def test_it_runs_only_in_the_demo() -> None:
    with pytest.raises(SettingsError), run_demo_provider(load_settings(demo=False), port=0):
        pass


def test_its_settings_are_what_antt_reads(provider: DemoProvider) -> None:
    environment = provider.environment()
    assert set(environment) == {
        "ANTT_OIDC_ISSUER",
        "ANTT_OIDC_CLIENT_ID",
        "ANTT_OIDC_CLIENT_SECRET",
        "ANTT_OIDC_REDIRECT_URL",
    }
    with pytest.MonkeyPatch.context() as env:
        for name, value in environment.items():
            env.setenv(name, value)
        config = OidcConfig.from_settings(load_settings(demo=True))
    assert config.issuer == provider.issuer and config.redirect_url == "http://127.0.0.1:8000/auth/callback"
    assert provider.client_secret not in repr(provider)


@pytest.mark.parametrize("p", PERSONAS, ids=lambda p: p.username)
def test_antt_accepts_each_persona_from_discovery_to_identity(client: OidcClient, p: Persona) -> None:
    metadata = client.provider_metadata()
    assert metadata.issuer == client.config.issuer
    pending = client.begin()
    identity = client.complete(pending, authorise(pending, p.oidc_sub))
    assert identity.key == (client.config.issuer, p.oidc_sub)
    assert (identity.full_name, identity.personal_id, identity.assurance_level) == (
        p.full_name,
        p.personal_id,
        "LoA2",
    )
    assert identity.claims["nonce"] == pending.nonce and identity.claims["aud"] == [client.config.client_id]


def test_the_stranger_is_vouched_for_but_is_no_persona(client: OidcClient) -> None:
    assert STRANGER.oidc_sub not in {p.oidc_sub for p in PERSONAS}
    pending = client.begin()
    identity = client.complete(pending, authorise(pending, STRANGER.oidc_sub))
    assert identity.subject == STRANGER.oidc_sub and identity.personal_id == STRANGER.personal_id


def test_a_code_needs_its_own_verifier_and_is_used_once(client: OidcClient) -> None:
    pending = client.begin()
    code = authorise(pending, "demo-phantich")["code"]
    with pytest.raises(SignInFailed) as wrong:
        client.exchange_code(code, "x" * 64)
    assert wrong.value.reason == "token_error"
    with pytest.raises(SignInFailed):  # refused once: the code is spent
        client.exchange_code(code, pending.code_verifier)
    pending = client.begin()
    code = authorise(pending, "demo-phantich")["code"]
    assert "id_token" in client.exchange_code(code, pending.code_verifier)
    with pytest.raises(SignInFailed):
        client.exchange_code(code, pending.code_verifier)


def test_an_authorization_request_without_pkce_s256_or_from_another_client_is_refused(
    client: OidcClient,
) -> None:
    url = client.begin().authorization_url
    plain = httpx.get(url.replace("code_challenge_method=S256", "code_challenge_method=plain"))
    assert plain.status_code == 400 and plain.json()["error"] == "invalid_request"
    assert httpx.get(url.replace("code_challenge=", "code_challenge_x=")).status_code == 400
    assert httpx.get(url.replace(client.config.client_id, "someone-else")).status_code == 400
    elsewhere = url.replace("127.0.0.1%3A8000", "127.0.0.1%3A9999")
    assert elsewhere != url and httpx.get(elsewhere).status_code == 400
