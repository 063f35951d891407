"""Who is using the dashboard: the signed-in user's email, or 'local' when no sign-in is configured."""

from __future__ import annotations

import streamlit as st

LOCAL = "local"


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
