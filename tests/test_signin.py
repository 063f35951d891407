"""Who may sign in as what ([access] in config/cx.toml), when sign-in counts as configured, and
where `python -m cx dashboard` may listen."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest

from cx import signin
from cx.cli import dashboard_listen
from cx.cli import main as cli_main
from cx.config import ConfigError, load_settings, role_for

AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "a-long-random-string-for-the-cookie",
    "client_id": "cx-dashboard",
    "client_secret": "not-a-real-secret",
    "server_metadata_url": "https://login.acme.com/.well-known/openid-configuration",
}


def write_config(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "cx.toml"
    p.write_text(text, encoding="utf-8")
    return p


# ---------------------------------------------------------------- [access] and the role rules


def test_access_is_read_lower_case_and_the_most_specific_entry_wins(tmp_path):
    access = load_settings(write_config(tmp_path, """
[access]
analyst = ["Ana@Acme.com"]
cx_lead = ["@acme.com", "lee@partner.org"]
executive = ["ceo@acme.com"]
""")).access
    assert access == {"analyst": ("ana@acme.com",), "cx_lead": ("@acme.com", "lee@partner.org"),
                      "executive": ("ceo@acme.com",)}
    # An exact email wins over its domain, whichever role sees more.
    assert role_for("ceo@acme.com", access) == "executive"
    assert role_for("ana@acme.com", access) == "analyst"
    assert role_for(" ANA@ACME.COM ", access) == "analyst"
    assert role_for("someone@acme.com", access) == "cx_lead"
    assert role_for("lee@partner.org", access) == "cx_lead"
    # A domain entry is that domain only: not a subdomain, not a look-alike.
    assert role_for("x@eu.acme.com", access) is None
    assert role_for("x@acme.com.evil.org", access) is None
    assert role_for("other@partner.org", access) is None
    assert role_for(None, access) is None and role_for("no-at-sign", access) is None


def test_no_access_section_lists_nobody(tmp_path):
    assert load_settings(write_config(tmp_path, "[time]\ntimezone = 'UTC'\n")).access == {}
    assert role_for("ana@acme.com", {}) is None


@pytest.mark.parametrize(("text", "message"), [
    ("[access]\nadmin = ['a@b.com']", "unknown role [access] admin (known: executive, cx_lead, analyst)"),
    ("[access]\nanalyst = 'a@b.com'", "[access] analyst must be a list of emails"),
    ("[access]\nanalyst = ['acme.com']", "'acme.com' is neither an email"),
    ("[access]\nanalyst = ['*@acme.com']", "'*@acme.com' is neither an email"),
    ("[access]\nanalyst = ['a b@acme.com']", "'a b@acme.com' is neither an email"),
    ("[access]\nanalyst = ['ana@']", "'ana@' is neither an email"),
    ("[access]\nanalyst = [3]", "3 is neither an email"),
    ("[access]\nanalyst = ['ana@acme.com']\nexecutive = ['ANA@acme.com']",
     "ana@acme.com is listed under both analyst and executive"),
    ("access = 3", "[access] must be a table of roles"),
])
def test_a_bad_access_list_is_a_clear_error(tmp_path, text, message):
    with pytest.raises(ConfigError) as err:
        load_settings(write_config(tmp_path, text))
    assert message in str(err.value)


def test_the_capabilities_of_each_role():
    from dashboard import access

    pages, drill, history, follow, data = (access.ANALYSIS_PAGES, access.DRILL_DOWN, access.CUSTOMER_HISTORY,
                                           access.FOLLOW_UPS, access.DATA_PAGE)
    seen = {r: {c for c in (pages, drill, history, follow, data) if access.permits(r, c)}
            for r in ("executive", "cx_lead", "analyst", None, "admin")}
    assert seen == {"executive": {pages}, "cx_lead": {pages, drill, history, follow},
                    "analyst": {pages, drill, history, follow, data}, None: set(), "admin": set()}


# ---------------------------------------------------------------- sign-in configured or not


def test_sign_in_counts_as_configured_only_when_complete():
    assert signin.configured(AUTH) and signin.problems(AUTH) == []
    assert not signin.configured(None) and not signin.configured({}) and signin.problems(None) == []
    assert signin.providers(AUTH) == [None]
    named = {"redirect_uri": AUTH["redirect_uri"], "cookie_secret": "x" * 32,
             "google": {k: AUTH[k] for k in ("client_id", "client_secret", "server_metadata_url")},
             "okta": {k: AUTH[k] for k in ("client_id", "client_secret", "server_metadata_url")}}
    assert signin.configured(named) and signin.providers(named) == ["google", "okta"]

    no_secret = {k: v for k, v in AUTH.items() if k != "cookie_secret"}
    assert signin.problems(no_secret) == ["[auth] is missing cookie_secret"] and not signin.configured(no_secret)
    assert signin.problems({**AUTH, "redirect_uri": "http://localhost:8501/"}) == [
        "[auth] redirect_uri must end with /oauth2callback (e.g. https://cx.acme.com/oauth2callback)"]
    assert signin.problems({"redirect_uri": AUTH["redirect_uri"], "cookie_secret": "x"})[0].startswith(
        "[auth] names no provider")
    assert signin.problems({**named, "okta": {"client_id": "x"}}) == [
        "[auth.okta] is missing client_secret", "[auth.okta] is missing server_metadata_url"]
    assert "[auth.my_idp]: a provider's name may not contain '_'" in signin.problems({**named, "my_idp": named["okta"]})


def test_the_secrets_streamlit_reads_later_files_win(tmp_path):
    first, second = tmp_path / "a.toml", tmp_path / "b.toml"
    first.write_text('[auth]\nredirect_uri = "x"\n')
    second.write_text('other = 1\n')
    assert signin.read_auth([first, second, tmp_path / "missing.toml"]) == ({"redirect_uri": "x"}, first)
    second.write_text('[auth]\ncookie_secret = "y"\n')
    assert signin.read_auth([first, second]) == ({"cookie_secret": "y"}, second)
    assert signin.read_auth([tmp_path / "missing.toml"]) == (None, None)
    second.write_text("[auth\n")
    with pytest.raises(signin.SigninError):
        signin.read_auth([second])


@pytest.mark.parametrize(("address", "local"), [
    ("127.0.0.1", True), ("127.0.1.1", True), ("::1", True), ("[::1]", True), ("localhost", True),
    ("unix:///run/cx.sock", True), ("0.0.0.0", False), ("::", False), ("192.0.2.2", False),
    ("cx.acme.com", False), ("", False), (None, False),
])
def test_which_addresses_are_this_machine_only(address, local):
    assert signin.is_loopback(address) is local


def test_where_the_server_may_listen():
    assert signin.may_listen("127.0.0.1", signin=False, unsafe=False) == (True, signin.LOCAL_ONLY)
    assert signin.LOCAL_ONLY == "local only: no sign-in configured; see docs/deploy.md"
    assert signin.may_listen("0.0.0.0", signin=True, unsafe=False) == (True, "sign-in configured; listening on 0.0.0.0")
    ok, line = signin.may_listen("0.0.0.0", signin=False, unsafe=False)
    assert not ok and "--unsafe-no-sign-in" in line and "docs/deploy.md" in line
    ok, line = signin.may_listen("0.0.0.0", signin=False, unsafe=True)
    assert ok and line.startswith("UNSAFE: listening on 0.0.0.0 with no sign-in")


# ---------------------------------------------------------------- the command line's decision


@pytest.fixture
def site(tmp_path, monkeypatch) -> Path:
    """A folder to start the server from, with no secrets anywhere Streamlit would look
    (the user's home included), and the default configuration."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("CX_CONFIG", raising=False)
    (tmp_path / "site" / ".streamlit").mkdir(parents=True)
    return tmp_path / "site"


def secrets(site: Path, auth: dict) -> None:
    lines = ["[auth]"] + [f'{k} = "{v}"' for k, v in auth.items()]
    (site / ".streamlit" / "secrets.toml").write_text("\n".join(lines) + "\n")


def test_without_sign_in_the_dashboard_is_local_only(site):
    assert dashboard_listen(None, unsafe=False, cwd=site) == ("127.0.0.1", signin.LOCAL_ONLY)
    assert dashboard_listen("::1", unsafe=False, cwd=site) == ("::1", signin.LOCAL_ONLY)
    address, line = dashboard_listen("0.0.0.0", unsafe=True, cwd=site)
    assert address == "0.0.0.0" and line.startswith("UNSAFE")


def test_with_sign_in_it_may_listen_on_every_address(site, monkeypatch):
    secrets(site, AUTH)
    address, line = dashboard_listen("0.0.0.0", unsafe=False, cwd=site)
    # The default configuration lists nobody: said on start, since nobody could get in.
    assert address == "0.0.0.0" and line.startswith("sign-in configured; listening on 0.0.0.0")
    assert "[access] in the configuration lists nobody yet" in line
    cfg = site / "cx.toml"
    cfg.write_text('[access]\nanalyst = ["ana@acme.com"]\n')
    monkeypatch.setenv("CX_CONFIG", str(cfg))
    assert dashboard_listen(None, unsafe=False, cwd=site) == ("127.0.0.1", "sign-in configured; listening on "
                                                                            "127.0.0.1 only")


def run_cli(*args: str) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = cli_main(list(args))
    return code, err.getvalue()


def test_another_address_without_sign_in_is_refused_in_one_line(site, monkeypatch):
    monkeypatch.chdir(site)
    code, err = run_cli("dashboard", "--address", "0.0.0.0")
    assert code == 2
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("error: refusing to listen on 0.0.0.0: no sign-in is configured")


def test_half_a_sign_in_configuration_is_refused_rather_than_ignored(site, monkeypatch):
    monkeypatch.chdir(site)
    secrets(site, {k: v for k, v in AUTH.items() if k not in ("client_secret", "cookie_secret")})
    code, err = run_cli("dashboard")
    assert code == 2 and err.count("\n") == 1
    assert "sign-in is configured in part in" in err and "missing cookie_secret" in err and "client_secret" in err
    (site / ".streamlit" / "secrets.toml").write_text("[auth\n")
    code, err = run_cli("dashboard")
    assert code == 2 and err.startswith("error: the sign-in configuration cannot be read:")


def test_a_broken_access_list_stops_the_start(site, monkeypatch):
    monkeypatch.chdir(site)
    secrets(site, AUTH)
    cfg = site / "cx.toml"
    cfg.write_text('[access]\nboss = ["ceo@acme.com"]\n')
    monkeypatch.setenv("CX_CONFIG", str(cfg))
    code, err = run_cli("dashboard", "--address", "0.0.0.0")
    assert code == 2 and "unknown role [access] boss" in err and err.count("\n") == 1
