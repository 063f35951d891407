"""The app under AppTest with sign-in configured: what each role sees, and what someone not
signed in or on no list sees (nothing). Without sign-in every other page test sees everything."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.dashboard.conftest import APP, shown_text

AUTH = {"auth": {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "a-long-random-string-for-the-cookie",
    "client_id": "cx-dashboard",
    "client_secret": "not-a-real-secret",
    "server_metadata_url": "http://localhost:8502/.well-known/openid-configuration",
}}
ACCESS = """
[access]
analyst = ["ana@acme.com"]
cx_lead = ["@acme.com"]
executive = ["ceo@acme.com"]
"""


@pytest.fixture
def app(monkeypatch, small_warehouse, tmp_path):
    """A function that runs the app as `user` (None: not signed in) at `url_path`."""
    cfg = tmp_path / "cx.toml"
    cfg.write_text(ACCESS, encoding="utf-8")
    monkeypatch.setenv("CX_WAREHOUSE", str(small_warehouse))
    monkeypatch.setenv("CX_CONFIG", str(cfg))

    def run(user: dict | None, url_path: str = "", query: dict | None = None) -> AppTest:
        at = AppTest.from_file(str(APP), default_timeout=90)
        at.secrets = AUTH
        at.user = {"is_logged_in": False} if user is None else {"is_logged_in": True, **user}
        for key, value in (query or {}).items():
            at.query_params[key] = value
        at.run()
        if url_path:
            # The page registered at this address, as a browser opening /<url_path> asks for it
            # (switch_page only knows pages backed by a file; a refused page is not one).
            at._page_hash = next(h for h, info in at._registered_pages.items() if info["url_pathname"] == url_path)
            at.run()
        assert not at.exception, [e.message for e in at.exception]
        return at

    return run


def page_urls(at: AppTest) -> dict[str, bool]:
    """url_path -> whether it runs a page file (False: a screen in its place)."""
    return {info["url_pathname"]: bool(info.get("script_path")) for info in at._registered_pages.values()}


def test_not_signed_in_sees_only_the_sign_in_button_at_every_address(app):
    for url_path in ("", "data", "segments", "high_expectation"):
        at = app(None, url_path)
        assert [b.label for b in at.button] == ["Sign in"]
        assert [t.value for t in at.title] == ["CX analytics"]
        assert not at.metric and not at.dataframe and not at.sidebar.date_input and not at.selectbox
        assert "Sign in with your company account" in shown_text(at)
    # Every address is the sign-in screen, none a page.
    assert not any(page_urls(at).values())


def test_signed_in_but_on_no_list_sees_not_allowed_and_nothing_else(app):
    for user in ({"email": "someone@gmail.com", "email_verified": True},
                 # The provider says the address is not verified: anyone may have typed it.
                 {"email": "ana@acme.com", "email_verified": False},
                 {"email": "ana@acme.com", "email_verified": "false"},
                 {"sub": "12345"}):
        at = app(user, "data")
        assert [e.value for e in at.error] == ["not allowed: ask an analyst to add you"], user
        assert not at.metric and not at.dataframe and not at.sidebar.date_input
        assert [b.label for b in at.button] == ["Sign out"]


def test_an_executive_sees_the_analysis_pages_but_not_the_data_page(app):
    at = app({"email": "CEO@acme.com", "email_verified": True})
    assert at.title[0].value == "Overview" and at.metric  # the overview's tiles
    assert any(c.value == "Signed in as CEO@acme.com (executive)" for c in at.sidebar.caption)
    assert [b.label for b in at.sidebar.button] == ["Sign out"]
    urls = page_urls(at)
    assert urls["data"] is False  # its address answers, with "not allowed" instead of the page
    assert all(urls[p] for p in ("", "overview", "segments", "recovery", "promises", "high_expectation", "reviews"))

    at = app({"email": "ceo@acme.com"}, "data")
    assert [e.value for e in at.error] == [
        "not allowed: the executive role does not include the Data page; ask an analyst if you need it."]
    assert not at.dataframe and [b.label for b in at.sidebar.button] == ["Sign out"]
    assert "Refresh the warehouse" not in " ".join(b.label for b in at.button)


def test_an_executive_gets_no_drill_down_a_cx_lead_does(app):
    query = {"dim": "region", "seg": "EU", "customer": "C001"}
    lead = app({"email": "lee@acme.com", "email_verified": True}, "segments", query)
    assert any(s.label == "Drill down into" for s in lead.selectbox)
    assert lead.tabs and [t.label for t in lead.tabs][:4] == ["Responses", "Tickets", "Reviews", "Customer"]

    exe = app({"email": "ceo@acme.com", "email_verified": True}, "segments", query)
    assert exe.dataframe  # the segments table is an analysis, shown
    assert not any(s.label == "Drill down into" for s in exe.selectbox)
    assert not exe.tabs
    assert "what changed, and its tickets" not in shown_text(exe)  # no jump link to a drill-down
    assert "Select a row to open its drill-down" not in shown_text(exe)  # nor a promise of one
    assert "Select a row to open its drill-down" in shown_text(lead)


def test_an_executive_gets_no_customer_history_nor_follow_up_list_a_cx_lead_does(app):
    query = {"risk_customer": "C001"}
    lead = app({"email": "lee@acme.com", "email_verified": True}, "high_expectation", query)
    assert any(s.label == "Customer history" for s in lead.selectbox)
    assert "Who to contact" in [h.value for h in lead.subheader]
    lead = app({"email": "lee@acme.com", "email_verified": True}, "recovery")
    assert "Who to contact" in [h.value for h in lead.subheader]

    # The picker is not drawn, so the address's customer opens nothing; the list is not drawn.
    exe = app({"email": "ceo@acme.com", "email_verified": True}, "high_expectation", query)
    assert not any(s.label == "Customer history" for s in exe.selectbox)
    assert "Who to contact" not in [h.value for h in exe.subheader]
    assert "Customers to call today" in [h.value for h in exe.subheader]  # the analysis stays
    exe = app({"email": "ceo@acme.com", "email_verified": True}, "recovery")
    assert "Who to contact" not in [h.value for h in exe.subheader]


def test_a_customer_history_refuses_an_executive_wherever_it_is_opened():
    from dashboard import access

    assert access.refusal(access.CUSTOMER_HISTORY).startswith("not allowed: the ")
    assert not access.permits("executive", access.CUSTOMER_HISTORY)
    assert access.permits("cx_lead", access.CUSTOMER_HISTORY)


def test_an_analyst_sees_the_data_page_and_its_refresh(app):
    at = app({"email": "ana@acme.com", "email_verified": True}, "data")
    assert at.title[0].value == "Data"
    assert any(b.label == "Refresh the warehouse from the working folder" for b in at.button)
    assert page_urls(at)["data"] is True
