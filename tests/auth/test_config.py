"""The OIDC client configuration from ``ANTT_OIDC_*`` settings, and the unsafe ones it refuses."""

from __future__ import annotations

from pathlib import Path

import pytest

from antt.auth.failures import MESSAGES
from antt.auth.identity import ClaimMapping
from antt.auth.oidc import OidcConfig, is_secure_url
from antt.errors import SettingsError
from antt.settings import load_settings

BASE = {
    "oidc_issuer": "https://id.example.vn",
    "oidc_client_id": "antt",
    "oidc_client_secret": "s3cret",
    "oidc_redirect_url": "https://antt.example.vn/auth/callback",
}


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "ISSUER",
        "CLIENT_ID",
        "CLIENT_SECRET",
        "CLIENT_SECRET_FILE",
        "REDIRECT_URL",
        "MIN_ASSURANCE",
    ):
        monkeypatch.delenv(f"ANTT_OIDC_{name}", raising=False)


def test_the_defaults_request_openid_profile_and_accept_rs256_es256_ps256() -> None:
    config = OidcConfig.from_settings(load_settings(**BASE))
    assert config.scopes == ("openid", "profile")
    assert config.algorithms == ("RS256", "ES256", "PS256")
    assert config.client_auth_method == "client_secret_basic"
    assert config.claims == ClaimMapping()
    assert config.minimum_assurance == ()
    assert "s3cret" not in repr(config)


def test_settings_configure_claims_assurance_and_client_authentication() -> None:
    config = OidcConfig.from_settings(
        load_settings(
            **BASE,
            oidc_scopes="openid profile vneid",
            oidc_client_auth_method="client_secret_post",
            oidc_min_assurance="loa-3, loa-2",
            oidc_claim_subject="uid",
            oidc_claim_personal_id="so_dinh_danh,cccd",
            oidc_claim_full_name="ho_ten",
            oidc_claim_assurance="loa",
        )
    )
    assert config.scopes == ("openid", "profile", "vneid")
    assert config.client_auth_method == "client_secret_post"
    assert config.minimum_assurance == ("loa-3", "loa-2")
    assert config.claims == ClaimMapping("uid", ("so_dinh_danh", "cccd"), "ho_ten", "loa")


def test_environment_variables_and_a_secret_file_configure_the_client(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = tmp_path / "oidc-secret"
    secret.write_text("from-a-file\n")
    monkeypatch.setenv("ANTT_OIDC_ISSUER", "https://id.example.vn")
    monkeypatch.setenv("ANTT_OIDC_CLIENT_ID", "antt")
    monkeypatch.setenv("ANTT_OIDC_CLIENT_SECRET_FILE", str(secret))
    monkeypatch.setenv("ANTT_OIDC_REDIRECT_URL", "https://antt.example.vn/auth/callback")
    monkeypatch.setenv("ANTT_OIDC_MIN_ASSURANCE", "loa-2")
    config = OidcConfig.from_settings(load_settings())
    assert config.client_secret == "from-a-file" and config.minimum_assurance == ("loa-2",)


def test_missing_settings_are_named() -> None:
    with pytest.raises(SettingsError) as caught:
        OidcConfig.from_settings(load_settings(oidc_issuer="https://id.example.vn"))
    for name in ("ANTT_OIDC_CLIENT_ID", "ANTT_OIDC_CLIENT_SECRET", "ANTT_OIDC_REDIRECT_URL"):
        assert name in str(caught.value)
    assert "ANTT_OIDC_ISSUER" not in str(caught.value)


def test_an_unknown_client_auth_method_is_refused() -> None:
    with pytest.raises(SettingsError, match="oidc_client_auth_method"):
        load_settings(**BASE, oidc_client_auth_method="private_key_jwt")


@pytest.mark.parametrize("algorithms", ["none", "HS256", "RS256 HS512", "RS256 XYZ1", ""])
def test_unsafe_or_unknown_signature_algorithms_are_refused(algorithms: str) -> None:
    with pytest.raises(SettingsError, match="algorithms"):
        OidcConfig.from_settings(load_settings(**BASE, oidc_algorithms=algorithms))


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("oidc_issuer", "http://id.example.vn"),
        ("oidc_redirect_url", "http://antt.example.vn/auth/callback"),
        ("oidc_scopes", "profile"),
    ],
)
def test_an_insecure_or_non_oidc_configuration_is_refused(field: str, value: str) -> None:
    with pytest.raises(SettingsError):
        OidcConfig.from_settings(load_settings(**{**BASE, field: value}))


def test_plain_http_is_allowed_only_to_this_machine() -> None:
    assert is_secure_url("https://id.example.vn/x")
    assert is_secure_url("http://127.0.0.1:8080") and is_secure_url("http://localhost/cb")
    assert is_secure_url("http://[::1]:9000/")
    assert not is_secure_url("http://id.example.vn") and not is_secure_url("http://127.0.0.1.example.vn")
    assert not is_secure_url("https://") and not is_secure_url("ftp://id.example.vn")


def test_every_reason_code_has_both_messages() -> None:
    for reason, (vi, en) in MESSAGES.items():
        assert vi and en and vi != en, reason
