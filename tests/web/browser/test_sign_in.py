"""Sign-in through a real provider in a real browser (issue 6): the demo's e-ID provider vouches for the
personas; a commune officer sees only their commune, signs out, and their old session cookie opens nothing;
a person the provider knows but ANTT does not is refused; the leader sees the whole city.

Every step goes through the pages as a person would: ANTT's /login, the button "Đăng nhập bằng VNeID", the
persona's button on the provider's page, and back (``conftest.sign_in``).
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from antt.demo.identity_provider import STRANGER
from antt.domain.access import Actor
from antt.domain.units import Level
from antt.services.units import list_units
from tests.web.browser.conftest import BrowserLog, expect_signed_in, sign_in

SESSION_COOKIE = "__Host-antt_session"
OFFICER = "demo-cax_lechan"  # commune officer of Phường Lê Chân
OWN_COMMUNE = "11383"
OTHER_COMMUNE = "11629"  # Xã An Lão: another officer's commune
LEADER = "demo-lanhdao"


def unit_options(page: Page) -> list[str]:
    """The communes the CompStat unit filter offers (not its "whole city" choice)."""
    values = page.locator("select[name=unit] option").evaluate_all("os => os.map(o => o.value)")
    return [v for v in values if v]


def table_units(page: Page) -> list[str]:
    rows = page.locator("#units-table tbody tr[data-unit]")
    return [str(code) for code in rows.evaluate_all("rs => rs.map(r => r.dataset.unit)")]


def on_login_page(page: Page, base: str) -> None:
    expect(page).to_have_url(re.compile(rf"^{re.escape(base)}/login(\?|$)"))
    expect(page.get_by_role("button", name="Đăng nhập bằng VNeID")).to_be_visible()


def test_a_commune_officer_sees_only_their_commune_signs_out_and_the_old_cookie_opens_nothing(
    anonymous_page: Page, demo_server: str, browser_log: BrowserLog
) -> None:
    page, base = anonymous_page, demo_server
    browser_log.expect_console_error(r"status of 404")  # the other commune's pages, asked on purpose
    sign_in(page, base, OFFICER)
    expect_signed_in(page)
    expect(page.get_by_test_id("user")).to_have_text("Vương Minh Nghiệm")

    page.goto(f"{base}/compstat")
    expect(page.locator("#units-table")).to_be_visible()
    assert table_units(page) == [OWN_COMMUNE]
    assert unit_options(page) == [OWN_COMMUNE]
    assert page.goto(f"{base}/compstat?unit={OWN_COMMUNE}").status == 200  # type: ignore[union-attr]
    assert page.goto(f"{base}/compstat?unit={OTHER_COMMUNE}").status == 404  # type: ignore[union-attr]
    assert page.goto(f"{base}/units/{OTHER_COMMUNE}").status == 404  # type: ignore[union-attr]
    assert page.goto(f"{base}/units/{OWN_COMMUNE}").status == 200  # type: ignore[union-attr]

    old = [c for c in page.context.cookies(base) if c["name"] == SESSION_COOKIE]
    assert len(old) == 1 and old[0]["secure"] and old[0]["httpOnly"] and old[0]["sameSite"] == "Lax"
    page.locator("form.signout").get_by_role("button").click()
    on_login_page(page, base)
    assert not [c for c in page.context.cookies(base) if c["name"] == SESSION_COOKIE]

    kept = old[0]  # put back as the browser had it, as someone who kept a copy would
    page.context.add_cookies(
        [
            {
                "name": kept["name"],
                "value": kept["value"],
                "domain": kept["domain"],
                "path": kept["path"],
                "secure": True,
                "httpOnly": True,
                "sameSite": "Lax",
            }
        ]
    )
    assert [c["value"] for c in page.context.cookies(base) if c["name"] == SESSION_COOKIE] == [
        old[0]["value"]
    ]
    for path in ("/", "/compstat", f"/units/{OWN_COMMUNE}"):
        page.goto(f"{base}{path}")
        on_login_page(page, base)
        expect(page.locator("form.signout")).to_have_count(0)


def test_a_person_the_provider_vouches_for_but_antt_does_not_know_gets_no_access(
    anonymous_page: Page, demo_server: str, browser_log: BrowserLog
) -> None:
    page, base = anonymous_page, demo_server
    browser_log.expect_console_error(r"status of 401")  # the refusal is the callback's answer
    sign_in(page, base, STRANGER.oidc_sub)
    expect(page.get_by_test_id("signin-error")).to_contain_text(
        "Không có quyền truy cập cho đến khi quản trị viên cấp quyền"
    )
    expect(page.locator("form.signout")).to_have_count(0)
    assert not [c for c in page.context.cookies(base) if c["name"] == SESSION_COOKIE]
    page.goto(f"{base}/compstat")
    on_login_page(page, base)


def test_the_leader_sees_the_whole_city(anonymous_page: Page, demo_server: str) -> None:
    page, base = anonymous_page, demo_server
    sign_in(page, base, LEADER)
    expect_signed_in(page)
    page.goto(f"{base}/compstat")
    expect(page.locator("#units-table")).to_be_visible()
    communes = {u.code for u in list_units(Actor.system("browser-test"), level=Level.COMMUNE)}
    assert set(unit_options(page)) == communes
    assert {OWN_COMMUNE, OTHER_COMMUNE} <= set(table_units(page))
    assert page.goto(f"{base}/compstat?unit={OTHER_COMMUNE}").status == 200  # type: ignore[union-attr]
