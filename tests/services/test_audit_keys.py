"""One configured secret, one key per purpose: the pseudonym key stays the secret itself (stored pseudonyms
keep linking people), the others are derived with HKDF-SHA-256 and differ from it and from each other."""

from __future__ import annotations

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from antt.domain.people import pseudonymise
from antt.settings import AUDIT_CHAIN_KEY, AUDIT_CHECKPOINT_KEY, SESSION_COOKIE_KEY, load_settings
from tests.conftest import TEST_KEY


def test_each_purpose_has_its_own_key_and_the_pseudonym_key_is_unchanged() -> None:
    settings = load_settings(pseudonym_key=TEST_KEY)
    keys = {
        purpose: settings.derived_key(purpose)
        for purpose in (AUDIT_CHAIN_KEY, AUDIT_CHECKPOINT_KEY, SESSION_COOKIE_KEY)
    }
    assert settings.key_bytes() == TEST_KEY.encode()
    # the pseudonym of a fixed id under the test key, as stored before keys were derived: must not change
    assert pseudonymise("001234567890", settings.key_bytes()) == "p1_77e030a39ccb0fd8fdea1543631c4208"
    assert len(set(keys.values()) | {settings.key_bytes()}) == 4
    assert all(len(key) == 32 for key in keys.values())


def test_the_derivation_is_rfc_5869_hkdf() -> None:
    settings = load_settings(pseudonym_key=TEST_KEY)
    reference = HKDF(hashes.SHA256(), 32, b"antt key derivation v1", AUDIT_CHAIN_KEY.encode())
    assert settings.derived_key(AUDIT_CHAIN_KEY) == reference.derive(TEST_KEY.encode())
