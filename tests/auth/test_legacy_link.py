"""Taking a legacy account over through a real e-ID sign-in: the test provider (npm oidc-provider) vouches for
its citizen (personal id 031099001234), ANTT's OIDC client validates the ID token, and the sign-in gives
the new identity exactly the grants of the old account with that personal id."""

from __future__ import annotations

import pytest

from antt.auth.oidc import OidcClient
from antt.domain.access import Role
from antt.errors import SignInFailed
from antt.services.legacy_users import import_legacy_users, legacy_overview
from antt.services.users import sign_in
from tests.auth.conftest import RunningProvider, authorize
from tests.legacy_files import write_legacy_csv
from tests.user_fixtures import OPERATOR, SCHEME, T0, audit_records

pytestmark = pytest.mark.oidc

CITIZEN_ID = "031099001234"  # the provider's "citizen" (tests/auth/provider/provider.js)
LOW_ID = "031199004321"  # its "low-assurance" account


def e_id_identity(provider: RunningProvider, account: str = "citizen"):
    with OidcClient(provider.config()) as client:
        pending = client.begin()
        url = pending.authorization_url + (f"&login_hint={account}" if account != "citizen" else "")
        return client.complete(pending, authorize(url))


def test_a_real_e_id_sign_in_takes_the_old_account_over_with_exactly_its_grants(
    oidc_provider: RunningProvider, database, settings, tmp_path
) -> None:
    rows = [
        ["an.cu", "Nguyễn Văn An", CITIZEN_ID, "công an xã", "11383;11629", "có"],
        ["binh.cu", "Trần Thị Bình", LOW_ID, "lãnh đạo", "toàn thành phố", "có"],
        ["binh.cu2", "Trần Thị Bình", LOW_ID, "analyst", "11311", "có"],
    ]
    import_legacy_users(database, settings, OPERATOR, write_legacy_csv(tmp_path / "cu.csv", rows))

    identity = e_id_identity(oidc_provider)
    assert identity.personal_id == CITIZEN_ID
    _token, actor = sign_in(database, settings, identity, "127.0.0.1", T0)
    assert [(g.role, g.units) for g in actor.grants] == [
        (Role.COMMUNE_OFFICER, frozenset({(SCHEME, "11383"), (SCHEME, "11629")}))
    ]
    [link] = audit_records(database, "user.link_legacy")
    assert link.outcome == "success" and link.details["legacy_login"] == "an.cu"
    [line] = [a for a in legacy_overview(database, OPERATOR).report.accounts if a.linked]
    assert (line.login, line.linked_user_id) == ("an.cu", actor.user_id)

    # the provider's second account has two old accounts: refused for review, no rights
    with pytest.raises(SignInFailed):
        sign_in(database, settings, e_id_identity(oidc_provider, "low-assurance"), "127.0.0.1", T0)
    [review] = legacy_overview(database, OPERATOR).reviews
    assert review.reason == "several_accounts" and review.legacy_logins == ("binh.cu", "binh.cu2")
