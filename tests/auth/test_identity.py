"""The claim mapping (VNeID-style claim names) and the minimum assurance check."""

from __future__ import annotations

import pytest

from antt.auth.identity import ClaimMapping, Identity, check_assurance, identity_from_claims
from antt.errors import SignInFailed

ISSUER = "https://id.example.vn"


def reason_of(claims: dict[str, object], mapping: ClaimMapping | None = None) -> str:
    with pytest.raises(SignInFailed) as caught:
        identity_from_claims(ISSUER, claims, mapping or ClaimMapping())
    return caught.value.reason


def test_the_default_mapping_reads_sub_personal_id_name_and_acr() -> None:
    claims = {"sub": "u-1", "personal_id": "031099001234", "name": "Nguyễn Văn An", "acr": "loa-2", "x": 1}
    identity = identity_from_claims(ISSUER, claims, ClaimMapping())
    assert identity == Identity(ISSUER, "u-1", "031099001234", "Nguyễn Văn An", "loa-2")
    assert identity.key == (ISSUER, "u-1") and identity.claims["x"] == 1


def test_the_personal_id_falls_back_to_cccd() -> None:
    identity = identity_from_claims(ISSUER, {"sub": "u-1", "cccd": "031099001234"}, ClaimMapping())
    assert identity.personal_id == "031099001234"


def test_the_first_configured_personal_id_claim_wins() -> None:
    claims = {"sub": "u-1", "personal_id": "031099001234", "cccd": "001088009999"}
    assert identity_from_claims(ISSUER, claims, ClaimMapping()).personal_id == "031099001234"


def test_claim_names_can_be_configured_for_another_broker() -> None:
    mapping = ClaimMapping(
        subject="uid", personal_id=("so_dinh_danh",), full_name="ho_ten", assurance_level="loa"
    )
    claims = {"sub": "ignored", "uid": "vneid-77", "so_dinh_danh": "031199004321", "ho_ten": "Trần Thị Bình"}
    identity = identity_from_claims(ISSUER, {**claims, "loa": "2"}, mapping)
    assert (identity.subject, identity.personal_id, identity.full_name, identity.assurance_level) == (
        "vneid-77",
        "031199004321",
        "Trần Thị Bình",
        "2",
    )


def test_optional_claims_may_be_absent() -> None:
    identity = identity_from_claims(ISSUER, {"sub": "u-1"}, ClaimMapping())
    assert identity.personal_id is None and identity.full_name is None and identity.assurance_level is None


def test_it_rejects_claims_without_a_subject() -> None:
    assert reason_of({"name": "x"}) == "missing_subject"
    assert reason_of({"sub": ""}) == "missing_subject"
    assert reason_of({"sub": 42}) == "missing_subject"


@pytest.mark.parametrize(
    "value", ["03109900123", "0310990012345", "03109900123a", "031 099 001 234", 31099001234]
)
def test_it_rejects_a_personal_id_that_is_not_twelve_digits(value: object) -> None:
    assert reason_of({"sub": "u-1", "personal_id": value}) == "invalid_personal_id"


def test_the_personal_id_stays_out_of_repr() -> None:
    identity = identity_from_claims(ISSUER, {"sub": "u-1", "personal_id": "031099001234"}, ClaimMapping())
    assert "031099001234" not in repr(identity)


def test_without_a_minimum_any_assurance_level_is_accepted() -> None:
    check_assurance(Identity(ISSUER, "u-1", assurance_level=None), ())
    check_assurance(Identity(ISSUER, "u-1", assurance_level="loa-1"), ())


def test_the_minimum_assurance_accepts_only_the_listed_levels() -> None:
    acceptable = ("loa-3", "loa-2")
    check_assurance(Identity(ISSUER, "u-1", assurance_level="loa-2"), acceptable)
    check_assurance(Identity(ISSUER, "u-1", assurance_level="loa-3"), acceptable)
    for level in ("loa-1", "LOA-2", None):
        with pytest.raises(SignInFailed) as caught:
            check_assurance(Identity(ISSUER, "u-1", assurance_level=level), acceptable)
        assert caught.value.reason == "insufficient_assurance"


def test_every_failure_has_a_vietnamese_and_an_english_message() -> None:
    with pytest.raises(SignInFailed) as caught:
        identity_from_claims(ISSUER, {}, ClaimMapping())
    error = caught.value
    assert error.http_status == 401
    assert error.message_vi.startswith("Đăng nhập không thành công.") and "định danh" in error.message_vi
    assert error.message_en.startswith("Sign-in failed.")
