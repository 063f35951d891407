"""The tickets suite: one row per support ticket (contract, section 1)."""

from __future__ import annotations

from datetime import datetime

from checks import expect as x
from cx.config import Settings

SOURCE = "tickets"
REQUIRED = ("ticket_id", "customer_id", "created_at")
TIMESTAMPS = ("created_at", "first_response_at", "resolved_at")
# Zendesk's own set; anything else (e.g. "medium") is reported, and the row is kept.
PRIORITIES = ["low", "normal", "high", "urgent"]


def suite(settings: Settings, earliest: datetime, latest: datetime, now: datetime):
    checks = [
        x.has_rows(SOURCE),
        x.rejected_share(settings.max_rejected_pct),
        x.fresh("created_at", now, settings.stale_after_days),
        x.lines_split(),
        *[x.column_exists(c, typed=c == "created_at") for c in REQUIRED],
        x.present("ticket_id"),
        x.unique_in_file("ticket_id"),
        x.present("customer_id"),
        x.present("created_at", typed=True),
    ]
    for col in (*TIMESTAMPS, "promised_at"):
        checks.append(x.readable(col, "readable timestamps"))
    for col in TIMESTAMPS:
        checks.append(x.plausible_dates(col, earliest, latest))
    checks += [
        # A promise may lie in the future (up to ten years); the row checks allow the same.
        x.plausible_dates("promised_at", earliest, latest.replace(year=latest.year + 10)),
        x.not_before("first_response_at", "created_at"),
        x.not_before("resolved_at", "created_at"),
        x.not_before("resolved_at", "first_response_at"),
        x.not_before("promised_at", "created_at"),
        x.readable("reopens", "whole numbers"),
        x.between("reopens", 0),
        x.readable("replies", "whole numbers"),
        x.between("replies", 0),
        x.readable("compensation", "numbers"),
        x.between("compensation", 0),
        x.readable("proactive", "yes/no"),
        x.readable("apologized", "yes/no"),
        x.accepted_values("priority", PRIORITIES, physical="__priority"),
    ]
    return x.suite(SOURCE, checks)
