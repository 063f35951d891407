"""Whether sign-in is configured, and which addresses the dashboard may listen on.

Sign-in is Streamlit's own (`st.login`, OpenID Connect), configured in the `[auth]` section of
`.streamlit/secrets.toml`. The command line decides before the server starts (it reads the
secrets files itself) and the app decides on every run (from Streamlit's parsed secrets):
both ask `problems()` / `configured()` here, so they never disagree about what counts.

No Streamlit import: `python -m cx --help` stays fast, and the rules are testable alone.
"""

from __future__ import annotations

import ipaddress
import tomllib
from collections.abc import Mapping
from pathlib import Path

DEPLOY_DOC = "docs/deploy.md"
LOCAL_ONLY = f"local only: no sign-in configured; see {DEPLOY_DOC}"
UNSAFE_FLAG = "--unsafe-no-sign-in"
# Set by `python -m cx dashboard --unsafe-no-sign-in` for the server it starts, so that the app
# serves a non-loopback address without sign-in only when someone asked for it by that name.
UNSAFE_ENV = "CX_UNSAFE_NO_SIGN_IN"
LOOPBACK = "127.0.0.1"

# What st.login needs of a provider (streamlit/auth_util.py, validate_auth_credentials).
_SHARED_KEYS = ("redirect_uri", "cookie_secret")
_PROVIDER_KEYS = ("client_id", "client_secret", "server_metadata_url")


def problems(auth: Mapping | None) -> list[str]:
    """What keeps this `[auth]` section from working; [] when it works or there is none.

    A provider is the section itself (keys at its top level: st.login()) or a named table
    inside it ([auth.google]: st.login("google")).
    """
    if not auth:
        return []
    found = [f"[auth] is missing {key}" for key in _SHARED_KEYS if not auth.get(key)]
    if auth.get("redirect_uri") and not str(auth["redirect_uri"]).endswith("/oauth2callback"):
        found.append("[auth] redirect_uri must end with /oauth2callback (e.g. https://cx.acme.com/oauth2callback)")
    named = {k: v for k, v in auth.items() if isinstance(v, Mapping) and k != "client_kwargs"}
    default = {k: auth[k] for k in _PROVIDER_KEYS if k in auth}
    if not named and not default:
        found.append("[auth] names no provider (client_id, client_secret, server_metadata_url, "
                     "at its top level or in [auth.<name>])")
    if default:
        found += [f"[auth] is missing {k}" for k in _PROVIDER_KEYS if not default.get(k)]
    for name, section in named.items():
        if "_" in name:  # Streamlit refuses such a name at st.login
            found.append(f"[auth.{name}]: a provider's name may not contain '_'")
        found += [f"[auth.{name}] is missing {k}" for k in _PROVIDER_KEYS if not section.get(k)]
    return found


def configured(auth: Mapping | None) -> bool:
    """Sign-in is configured: an [auth] section with everything st.login needs."""
    return bool(auth) and not problems(auth)


def providers(auth: Mapping | None) -> list[str | None]:
    """The providers to offer a button for: None for the top-level one (st.login()), else
    the names of the [auth.<name>] tables (st.login(name))."""
    if not auth:
        return []
    named = [k for k, v in auth.items() if isinstance(v, Mapping) and k != "client_kwargs"]
    return ([None] if "client_id" in auth else []) + named


def secrets_files(cwd: Path, app_dir: Path) -> list[Path]:
    """Where Streamlit looks for secrets.toml by default (streamlit/config.py,
    get_config_files): the user's, the working folder's, then the app script's folder's;
    a later file's [auth] replaces an earlier one's."""
    return [Path.home() / ".streamlit" / "secrets.toml", cwd / ".streamlit" / "secrets.toml",
            app_dir / ".streamlit" / "secrets.toml"]


def read_auth(files: list[Path]) -> tuple[dict | None, Path | None]:
    """The [auth] section Streamlit will use, and the file it came from (None, None without)."""
    auth, source = None, None
    for f in dict.fromkeys(files):  # the same file twice (app folder = working folder) counts once
        try:
            doc = tomllib.loads(f.read_text(encoding="utf-8"))
        except FileNotFoundError:
            continue
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise SigninError(f"{f}: {exc}") from exc
        if "auth" in doc:
            auth, source = doc["auth"], f
    return auth, source


class SigninError(ValueError):
    """The sign-in configuration cannot be used."""


def is_loopback(address: str | None) -> bool:
    """Only this machine can connect: a loopback address, `localhost` or a Unix socket.
    Unset (Streamlit's default) and 0.0.0.0 / :: mean every interface."""
    if not address:
        return False
    if address.startswith("unix://") or address == "localhost":
        return True
    try:
        return ipaddress.ip_address(address.strip("[]")).is_loopback
    except ValueError:  # a host name: it may resolve to any interface
        return False


def may_listen(address: str, signin: bool, unsafe: bool) -> tuple[bool, str]:
    """Whether the server may listen on `address`, and the line to print: on loopback always;
    elsewhere with sign-in, or when the unsafe flag said so."""
    if is_loopback(address):
        return True, (f"sign-in configured; listening on {address} only" if signin else LOCAL_ONLY)
    if signin:
        return True, f"sign-in configured; listening on {address}"
    if unsafe:
        return True, (f"UNSAFE: listening on {address} with no sign-in: anyone who reaches this port can read "
                      "every page and upload, remove and refresh data")
    return False, (f"refusing to listen on {address}: no sign-in is configured, so anyone who reaches the port "
                   f"could read and change the data; configure sign-in (see {DEPLOY_DOC}) or pass {UNSAFE_FLAG}")
