"""Who is using the dashboard, and what their role lets them see.

With sign-in configured (`[auth]` in .streamlit/secrets.toml; cx/signin.py says when it
counts), the role comes from `[access]` in config/cx.toml matched against the email the
identity provider put in its token. Streamlit keeps that token's claims server-side in a
signed cookie, so nothing the browser sends can change the role. Without sign-in the server
listens on loopback only and its one local user has every role.

Pages ask `access.allows(access.DRILL_DOWN)`; the entry point (dashboard/app.py) lists only
the pages a role may see and answers "not allowed" at the address of the others.
"""

from __future__ import annotations

import hmac
import os
import sys
from collections.abc import Mapping

import streamlit as st

from cx import signin
from cx.config import ConfigError, load_settings, role_for

LOCAL = "local"

# What a role may see. The analysis pages are every page but Data.
ANALYSIS_PAGES = "analysis pages"
DRILL_DOWN = "drill-downs"  # a segment's tickets, responses and reviews
CUSTOMER_HISTORY = "customer histories"  # one customer's profile and every ticket, response and review
FOLLOW_UPS = "follow-up list"  # the customers to contact, their owner and status
DATA_PAGE = "the Data page"  # refreshes, uploads, removals, rejected rows, the audit trail

CAPABILITIES: dict[str, frozenset[str]] = {
    "executive": frozenset({ANALYSIS_PAGES}),
    "cx_lead": frozenset({ANALYSIS_PAGES, DRILL_DOWN, CUSTOMER_HISTORY, FOLLOW_UPS}),
    "analyst": frozenset({ANALYSIS_PAGES, DRILL_DOWN, CUSTOMER_HISTORY, FOLLOW_UPS, DATA_PAGE}),
}
ROLE_NAMES = {"executive": "executive", "cx_lead": "CX lead", "analyst": "analyst"}
# The server's own warm-up visits (dashboard/warmup.py) compute the analysis pages' default
# views; they never open the Data page.
WARMUP_ROLE = "cx_lead"
NOT_LISTED = "not allowed: ask an analyst to add you"


def who() -> str:
    """The identity the audit trail and the follow-up list record for this session.

    The email comes from the identity provider's token, which Streamlit keeps server-side in
    a signed cookie; without sign-in configured the server listens on loopback only and every
    reader is the one local user.
    """
    try:
        user = st.user
        if user.get("is_logged_in"):
            return str(user.get("email") or user.get("sub") or "unknown")
    except Exception:  # noqa: BLE001 - outside a running app (tests, the CLI) there is no session user
        pass
    return LOCAL


def auth_section() -> Mapping | None:
    """The [auth] section of the secrets Streamlit has read (the one st.login uses)."""
    try:
        if not st.secrets.load_if_toml_exists():
            return None
        section = st.secrets.get("auth")
    except Exception:  # noqa: BLE001 - an unreadable secrets file: Streamlit logs it; st.login cannot work either
        return None
    return section.to_dict() if hasattr(section, "to_dict") else section


def signin_configured() -> bool:
    return signin.configured(auth_section())


def permits(role: str | None, capability: str) -> bool:
    """The rule itself: may `role` (None: nobody) see `capability`."""
    return role is not None and capability in CAPABILITIES.get(role, frozenset())


def verified_email() -> str | None:
    """The signed-in user's email as the identity provider gave it, unless the provider says
    it is not verified (an address anyone could have typed into their account)."""
    user = st.user
    if not user.get("is_logged_in"):
        return None
    verified = user.get("email_verified")
    if verified is False or str(verified).lower() == "false":
        return None
    email = user.get("email")
    return str(email).strip().lower() if email else None


def role() -> str | None:
    """This session's role: every role without sign-in, else what [access] gives the
    verified email (None: not signed in, or on no list)."""
    if not signin_configured():
        return "analyst"
    if _is_warmup_visit():
        return WARMUP_ROLE
    email = verified_email()
    if email is None:
        return None
    try:
        access = load_settings().access
    except ConfigError as exc:  # nobody gets in on a list that cannot be read
        _log(f"access list unreadable, nobody allowed: {exc}")
        return None
    return role_for(email, access)


def allows(capability: str) -> bool:
    """May this session see `capability` (one of the constants above)."""
    return permits(role(), capability)


def _is_warmup_visit() -> bool:
    from dashboard import warmup

    sent = st.context.headers.get(warmup.HEADER)
    return bool(sent) and hmac.compare_digest(sent, warmup.TOKEN)


# ---------------------------------------------------------------- the screens before the pages


def refused_address() -> str | None:
    """Why this server must not show data: it listens beyond this machine with no sign-in
    (a plain `streamlit run --server.address 0.0.0.0`), unless started with
    --unsafe-no-sign-in. None when it may."""
    from streamlit import config

    if config.get_option("global.appTest"):  # AppTest serves no address
        return None
    address = config.get_option("server.address")
    if signin.is_loopback(address) or signin_configured() or os.environ.get(signin.UNSAFE_ENV) == "1":
        return None
    return (f"This server listens on {address or 'every address'} and no sign-in is configured, so it shows "
            f"nothing. Start it with `python -m cx dashboard` (this machine only), or configure sign-in: see "
            f"{signin.DEPLOY_DOC}.")


def gate():
    """The screen this session sees instead of the pages, or None when it sees the pages:
    the refusal above, the sign-in screen, or "not allowed" for someone on no list."""
    refused = refused_address()
    if refused:
        return lambda: st.error(refused)
    if not signin_configured() or _is_warmup_visit():
        return None
    if not st.user.get("is_logged_in"):
        return signin_screen
    if role() is None:
        _log_once(f"sign-in refused: {who()} is on no [access] list"
                  + (" (email not verified)" if verified_email() is None else ""))
        return not_listed_screen
    _log_once(f"signed in: {who()} as {role()}")
    return None


def signin_screen() -> None:
    st.title("CX analytics")
    st.markdown("Sign in with your company account to see the dashboard.")
    for provider in signin.providers(auth_section()):
        label = "Sign in" if provider is None else f"Sign in with {provider.capitalize()}"
        if st.button(label, type="primary", icon=":material/login:", key=f"signin-{provider or 'default'}"):
            st.login() if provider is None else st.login(provider)


def not_listed_screen() -> None:
    st.title("CX analytics")
    st.error(NOT_LISTED)
    email = st.user.get("email")
    st.markdown(f"You are signed in as `{email}`." if email else "Your account has no email address.")
    sign_out_button(st)


def refusal(capability: str) -> str:
    """What a reader sees in place of something their role does not include."""
    return (f"not allowed: the {ROLE_NAMES.get(role() or '', 'current')} role does not include {capability}; "
            "ask an analyst if you need it.")


def not_allowed(title: str, capability: str):
    """The page at the address of one this role may not see."""
    def page() -> None:
        st.title(title)
        st.error(refusal(capability))
    page.__name__ = f"not_allowed_{title.lower().replace(' ', '_')}"
    return page


def sidebar() -> None:
    """Who is signed in, as what, and the way out (nothing without sign-in)."""
    if not signin_configured() or not st.user.get("is_logged_in"):
        return
    with st.sidebar:
        st.caption(f"Signed in as {who()} ({ROLE_NAMES.get(role() or '', 'no role')})")
        sign_out_button(st)


def sign_out_button(where) -> None:
    if where.button("Sign out", icon=":material/logout:", key="signout"):
        _log(f"signed out: {who()}")
        st.logout()


def _log_once(text: str) -> None:
    """One line per session and identity on the server's stderr (docs/deploy.md, what is logged)."""
    key = "_cx_access_logged"
    if st.session_state.get(key) != text:
        st.session_state[key] = text
        _log(text)


def _log(text: str) -> None:
    print(f"[cx.dashboard] {text}", file=sys.stderr, flush=True)
