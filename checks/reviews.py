"""The reviews suite: one row per public review (contract, section 1)."""

from __future__ import annotations

from datetime import datetime

from checks import expect as x
from cx.config import Settings

SOURCE = "reviews"
REQUIRED = ("review_id", "platform", "posted_at", "rating")


def suite(settings: Settings, earliest: datetime, latest: datetime, now: datetime):
    checks = [
        x.has_rows(SOURCE),
        x.rejected_share(settings.max_rejected_pct),
        x.fresh("posted_at", now, settings.stale_after_days),
        x.lines_split(),
        *[x.column_exists(c, typed=c in ("posted_at", "rating")) for c in REQUIRED],
        x.present("review_id"),
        x.unique_in_file("review_id"),
        x.present("platform"),
        x.present("posted_at", typed=True),
        x.readable("posted_at", "readable timestamps"),
        x.plausible_dates("posted_at", earliest, latest),
        x.present("rating", typed=True),
        x.readable("rating", "whole numbers"),
        x.between("rating", 1, 5),
        x.readable("helpful_votes", "whole numbers"),
        x.between("helpful_votes", 0),
        x.readable("replied_at", "readable timestamps"),
        x.plausible_dates("replied_at", earliest, latest),
        x.not_before("replied_at", "posted_at"),
    ]
    return x.suite(SOURCE, checks)
