"""The customers suite (an optional source): one row per customer (contract, section 1)."""

from __future__ import annotations

from datetime import datetime

from checks import expect as x
from cx.config import Settings

SOURCE = "customers"
REQUIRED = ("customer_id",)


def suite(settings: Settings, earliest: datetime, latest: datetime, now: datetime):
    return x.suite(SOURCE, [
        x.rejected_share(settings.max_rejected_pct),
        x.lines_split(),
        x.column_exists("customer_id"),
        x.present("customer_id"),
        x.unique_in_file("customer_id"),
        x.readable("signup_at", "readable timestamps"),
        x.plausible_dates("signup_at", earliest, latest),
    ])
