"""The surveys suite: one row per survey response (contract, section 1)."""

from __future__ import annotations

from datetime import datetime

from checks import expect as x
from cx.config import Settings

SOURCE = "surveys"
# customer_id is optional: an anonymous response (a web widget, an anonymous link) counts in
# the survey metrics, not in the per-customer ones.
REQUIRED = ("response_id", "submitted_at")
SCORES = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}

# A score is not set when it has neither a typed value nor unreadable text.
_NO_SCORE = "__malformed is null and " + " and ".join(
    f"_v_{s} is null and __{s}_unreadable is null" for s in SCORES
)


def suite(settings: Settings, earliest: datetime, latest: datetime, now: datetime):
    checks = [
        x.has_rows(SOURCE),
        x.rejected_share(settings.max_rejected_pct),
        x.fresh("submitted_at", now, settings.stale_after_days),
        x.lines_split(),
        *[x.column_exists(c, typed=c == "submitted_at") for c in REQUIRED],
        x.present("response_id"),
        x.unique_in_file("response_id"),
        x.present("submitted_at", typed=True),
        x.readable("submitted_at", "readable timestamps"),
        x.plausible_dates("submitted_at", earliest, latest),
    ]
    for score, (lo, hi) in SCORES.items():
        checks += [x.readable(score, "whole numbers"), x.between(score, lo, hi)]
    checks.append(
        x.no_rows_where(_NO_SCORE, "every response has at least one of nps, csat, ces", "nps", "no_score")
    )
    return x.suite(SOURCE, checks)
