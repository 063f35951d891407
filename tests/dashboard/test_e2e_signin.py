"""End to end with sign-in: the real server, a local mock OpenID Connect provider
(oidc-provider-mock) and headless Chromium. Not signed in: the sign-in screen at every address;
an analyst: the Data page and its refresh; an executive: no Data page, "not allowed" at its
address; signed out: the sign-in screen again."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.conftest import build
from tests.signin_server import ROOT, port_in_range, server

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
USERS = {"ana@acme.com": "analyst", "ceo@acme.com": "executive"}

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def provider():
    """The mock identity provider on http://localhost:PORT, knowing the two users."""
    oidc_provider_mock = pytest.importorskip("oidc_provider_mock")
    import httpx

    mp = pytest.MonkeyPatch()
    mp.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")  # the mock serves plain http on loopback
    with oidc_provider_mock.run_server_in_thread(port=port_in_range()) as idp:
        url = f"http://localhost:{idp.server_port}"
        for email in USERS:
            r = httpx.put(f"{url}/users/{quote(email)}", json={"email": email, "email_verified": True, "name": email})
            assert r.status_code == 204
        yield url
    mp.undo()


@pytest.fixture(scope="module")
def site(tmp_path_factory, sample_warehouse, provider):
    """The server's folder: .streamlit/secrets.toml pointing at the provider, the access list;
    the server started there; its base URL."""
    if not CHROMIUM.exists():
        pytest.skip("no Chromium at /usr/bin/chromium")
    folder = tmp_path_factory.mktemp("site")
    port = port_in_range({int(provider.rsplit(":", 1)[1])})
    (folder / ".streamlit").mkdir()
    (folder / ".streamlit" / "secrets.toml").write_text(f"""
[auth]
redirect_uri = "http://localhost:{port}/oauth2callback"
cookie_secret = "a-long-random-string-for-the-tests-cookie"
client_id = "cx-dashboard"
client_secret = "anything: the mock accepts every client"
server_metadata_url = "{provider}/.well-known/openid-configuration"
""")
    config = folder / "cx.toml"
    # The shipped configuration, its [access] example filled in.
    shipped = (ROOT / "config" / "cx.toml").read_text(encoding="utf-8")
    assert "\n[access]\n" in shipped
    config.write_text(shipped.replace("\n[access]\n", '\n[access]\nanalyst = ["ana@acme.com"]\n'
                                                      'executive = ["ceo@acme.com"]\n'), encoding="utf-8")
    # A warehouse of its own, since the analyst refreshes it, and a working folder with the
    # exports it was built from, so that the Data page's refresh has something to read.
    exports = sample_warehouse.parent / "data"
    target = folder / "warehouse.duckdb"
    assert build(exports, target).published
    shutil.copytree(exports, folder / "uploads")
    log = folder / "streamlit.log"
    with server(["--warehouse", str(target)], folder, log, port, HOME=str(folder), CX_CONFIG=str(config),
                CX_UPLOAD_DIR=str(folder / "uploads")):
        yield f"http://localhost:{port}", log


@pytest.fixture(scope="module")
def browser(site):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield b
        b.close()


def settled(page) -> None:
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=60000)
    page.wait_for_timeout(500)


def main_text(page) -> str:
    return page.locator('[data-testid="stMain"]').inner_text()


def nav_links(page) -> list[str]:
    """The page names the menu lists (a link's text starts with its icon's name)."""
    return [t.strip().split("\n")[-1] for t in page.locator('[data-testid="stSidebarNav"] a').all_inner_texts()]


def sign_in(page, base: str, email: str) -> None:
    """From the sign-in screen through the provider's form, back to the overview."""
    page.goto(base)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/oauth2/authorize**", timeout=30000)
    page.get_by_placeholder("sub").fill(email)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_function("() => [...document.querySelectorAll('h1')].some(h => h.innerText.trim() === 'Overview')",
                           timeout=60000)
    settled(page)


def assert_sign_in_screen(page) -> None:
    settled(page)
    text = main_text(page)
    assert "Sign in with your company account" in text
    assert page.get_by_role("button", name="Sign in").count() == 1
    assert not nav_links(page) and page.locator('[data-testid="stMetric"]').count() == 0
    assert page.locator('[data-testid="stDataFrame"]').count() == 0


def test_not_signed_in_every_address_shows_only_the_sign_in_screen(browser, site):
    base, _ = site
    page = browser.new_context().new_page()
    for path in ("/", "/data", "/segments?dim=region&seg=EU"):
        page.goto(base + path)
        assert_sign_in_screen(page)
    # The button leads to the identity provider.
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/oauth2/authorize**", timeout=30000)
    assert page.get_by_placeholder("sub").count() == 1


def test_an_analyst_refreshes_from_the_data_page_then_signs_out(browser, site):
    base, log = site
    page = browser.new_context().new_page()
    sign_in(page, base, "ana@acme.com")
    assert "Data" in nav_links(page) and "Segments" in nav_links(page)
    assert "Signed in as ana@acme.com (analyst)" in page.locator('[data-testid="stSidebar"]').inner_text()
    page.goto(base + "/data")
    refresh = page.get_by_role("button", name="Refresh the warehouse from the working folder")
    refresh.wait_for(timeout=60000)
    settled(page)
    assert refresh.count() == 1 and refresh.is_enabled()
    refresh.click()
    page.wait_for_function("() => document.body.innerText.includes('Refresh published')", timeout=120000)
    assert "signed in: ana@acme.com as analyst" in log.read_text()

    page.get_by_role("button", name="Sign out").click()
    # The mock provider asks to confirm the end of its session, then sends the reader back.
    page.wait_for_url("**/oauth2/end_session**", timeout=30000)
    page.locator("button").first.click()
    page.wait_for_function("() => document.body.innerText.includes('Sign in with your company account')",
                           timeout=60000)
    for path in ("/", "/data"):
        page.goto(base + path)
        assert_sign_in_screen(page)


def test_an_executive_has_no_data_page_even_by_its_address(browser, site):
    base, _ = site
    page = browser.new_context().new_page()
    sign_in(page, base, "ceo@acme.com")
    links = nav_links(page)
    assert "Data" not in links
    analyses = {"Overview", "Segments", "Service recovery", "Promises", "High-expectation customers", "Reviews"}
    assert analyses <= set(links)
    page.wait_for_selector('[data-testid="stMetric"]', timeout=60000)  # the overview's tiles draw
    page.goto(base + "/data")
    page.wait_for_function("() => document.body.innerText.includes('not allowed: the executive role does not "
                           "include the Data page')", timeout=60000)
    settled(page)
    assert page.get_by_role("button", name="Refresh the warehouse from the working folder").count() == 0
    assert page.locator('[data-testid="stDataFrame"]').count() == 0
    # The segments are there, their drill-down is not.
    page.goto(base + "/segments?dim=region&seg=EU")
    page.wait_for_selector('[data-testid="stDataFrame"]', timeout=60000)
    settled(page)
    assert "Drill down into" not in main_text(page)


def test_someone_on_no_list_is_not_allowed(browser, site, provider):
    import httpx

    base, _ = site
    httpx.put(f"{provider}/users/{quote('eve@other.org')}", json={"email": "eve@other.org", "email_verified": True})
    page = browser.new_context().new_page()
    page.goto(base)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/oauth2/authorize**", timeout=30000)
    page.get_by_placeholder("sub").fill("eve@other.org")
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_function("() => document.body.innerText.includes('not allowed: ask an analyst to add you')",
                           timeout=60000)
    settled(page)
    assert not nav_links(page) and page.locator('[data-testid="stMetric"]').count() == 0
