"""Settings: the thresholds in config/cx.toml, with the documented defaults when absent."""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import asdict, dataclass, field, fields
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = ROOT / "config" / "cx.toml"


class ConfigError(ValueError):
    """The configuration file is unreadable or holds an impossible value."""


@dataclass(frozen=True)
class Settings:
    timezone: str = "UTC"
    max_rejected_pct: float = 10.0
    earliest_date: date = date(2000, 1, 1)
    future_tolerance_days: int = 1
    stale_after_days: int = 7
    failure_types: tuple[str, ...] = ("incident", "problem", "complaint")
    unresolved_days: int = 14
    loyalty_window_days: int = 180
    recovered_csat_min: int = 4
    promise_on_time_hours: float = 4.0
    lookback_days: int = 365
    min_signals: int = 2
    demanding_csat_max: int = 3
    long_comment_chars: int = 200
    many_comments: int = 3
    many_tickets: int = 3
    targets: dict[str, float] = field(default_factory=dict)
    # Where a ticket or a customer opens in the company's own tools ([links]); like targets,
    # read by the dashboard as it draws, never stored in the warehouse.
    links: dict[str, str] = field(default_factory=dict)
    # Who may sign in, and as what ([access]): role -> exact emails and "@domain" entries, all
    # lower-case. Read by the dashboard on every run, never stored in the warehouse.
    access: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def as_row(self) -> dict:
        """The thresholds as the one-row `settings` table of the warehouse stores them."""
        row = asdict(self)
        row.pop("targets")
        row.pop("links")
        row.pop("access")
        row["failure_types"] = list(self.failure_types)
        return row


# Section in the TOML file -> the keys it may hold.
_SECTIONS = {
    "time": ("timezone",),
    "validation": ("max_rejected_pct", "earliest_date", "future_tolerance_days", "stale_after_days"),
    "recovery": ("failure_types", "unresolved_days", "loyalty_window_days", "recovered_csat_min"),
    "promises": ("promise_on_time_hours",),
    "high_expectation": (
        "lookback_days", "min_signals", "demanding_csat_max", "long_comment_chars",
        "many_comments", "many_tickets",
    ),
}


def config_path(explicit: str | os.PathLike | None = None) -> Path:
    if explicit:
        return Path(explicit)
    return Path(os.environ.get("CX_CONFIG") or DEFAULT_CONFIG)


def load_settings(path: str | os.PathLike | None = None) -> Settings:
    """Read the TOML file (a missing default file means all defaults)."""
    p = config_path(path)
    if not p.exists():
        if path or os.environ.get("CX_CONFIG"):
            raise ConfigError(f"configuration file {p} does not exist")
        return Settings()
    try:
        doc = tomllib.loads(p.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{p}: {exc}") from exc
    values: dict = {}
    types = {f.name: f.type for f in fields(Settings)}
    for section, keys in _SECTIONS.items():
        for key, value in doc.get(section, {}).items():
            if key not in keys:
                raise ConfigError(f"{p}: unknown setting [{section}] {key}")
            values[key] = value
    if "failure_types" in values:
        values["failure_types"] = tuple(str(t).strip().lower() for t in values["failure_types"])
    if isinstance(values.get("earliest_date"), str):
        values["earliest_date"] = date.fromisoformat(values["earliest_date"])
    values["targets"] = {str(k): float(v) for k, v in doc.get("targets", {}).items()}
    values["links"] = _links(doc.get("links", {}), p)
    values["access"] = _access(doc.get("access", {}), p)
    for key, value in values.items():
        if types[key] in ("int", "float") and not isinstance(value, (int, float)):
            raise ConfigError(f"{p}: {key} must be a number, not {value!r}")
    settings = Settings(**values)
    _validate(settings, p)
    return settings


# [links] key -> the placeholder its URL template must hold.
LINKS = {"ticket_url": "{ticket_id}", "customer_url": "{customer_id}"}


def _links(section, p: Path) -> dict[str, str]:
    if not isinstance(section, dict):
        raise ConfigError(f"{p}: [links] must be a table of URL templates")
    links = {}
    for key, value in section.items():
        if key not in LINKS:
            raise ConfigError(f"{p}: unknown setting [links] {key} (known: {', '.join(LINKS)})")
        if not isinstance(value, str) or not value.startswith(("https://", "http://")) or LINKS[key] not in value:
            raise ConfigError(
                f"{p}: [links] {key} must be an http(s) URL holding {LINKS[key]}, "
                f"e.g. \"https://acme.zendesk.com/agent/tickets/{{ticket_id}}\", not {value!r}"
            )
        links[key] = value
    return links


def link(template: str | None, **ids) -> str | None:
    """A [links] template filled with the ids (URL-quoted), or None without a template or an id."""
    from urllib.parse import quote

    if not template or any(v is None or v != v for v in ids.values()):
        return None
    return template.format(**{k: quote(str(v), safe="") for k, v in ids.items()})


# [access] roles, from the one who sees least to the one who sees most (dashboard/access.py
# says what each may see).
ROLES = ("executive", "cx_lead", "analyst")


def _access(section, p: Path) -> dict[str, tuple[str, ...]]:
    if not isinstance(section, dict):
        raise ConfigError(f"{p}: [access] must be a table of roles, e.g. analyst = [\"ana@acme.com\"]")
    access: dict[str, tuple[str, ...]] = {}
    listed: dict[str, str] = {}  # entry -> the role that lists it
    for role, entries in section.items():
        if role not in ROLES:
            raise ConfigError(f"{p}: unknown role [access] {role} (known: {', '.join(ROLES)})")
        if not isinstance(entries, list):
            raise ConfigError(f"{p}: [access] {role} must be a list of emails or \"@domain\" entries, "
                              f"e.g. {role} = [\"ana@acme.com\", \"@acme.com\"], not {entries!r}")
        kept = []
        for entry in entries:
            if not isinstance(entry, str) or not _ACCESS_ENTRY.fullmatch(entry.strip()):
                raise ConfigError(f"{p}: [access] {role}: {entry!r} is neither an email (ana@acme.com) "
                                  "nor a domain (@acme.com)")
            entry = entry.strip().lower()
            # Two roles for one entry would make the role depend on the order of the file.
            if entry in listed and listed[entry] != role:
                raise ConfigError(f"{p}: [access] {entry} is listed under both {listed[entry]} and {role}")
            listed[entry] = role
            kept.append(entry)
        access[role] = tuple(kept)
    return access


# An email (something@domain) or a whole domain (@domain); no spaces, one @, no wildcards.
_ACCESS_ENTRY = re.compile(r"[^@\s*]*@[^@\s*]+")


def role_for(email: str | None, access: dict[str, tuple[str, ...]]) -> str | None:
    """The role [access] gives this email: an exact entry wins over its domain's; None when
    neither is listed."""
    if not email or "@" not in email:
        return None
    email = email.strip().lower()
    domain = "@" + email.rsplit("@", 1)[1]
    by_entry = {entry: role for role, entries in access.items() for entry in entries}
    return by_entry.get(email) or by_entry.get(domain)


def _validate(s: Settings, p: Path) -> None:
    try:
        ZoneInfo(s.timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(f"{p}: unknown time zone {s.timezone!r}") from exc
    if not 0 <= s.max_rejected_pct <= 100:
        raise ConfigError(f"{p}: max_rejected_pct must be between 0 and 100")
    for name in ("unresolved_days", "loyalty_window_days", "lookback_days", "min_signals"):
        if getattr(s, name) < 1:
            raise ConfigError(f"{p}: {name} must be at least 1")
    if not s.failure_types:
        raise ConfigError(f"{p}: failure_types must name at least one ticket type")
