"""The canonical columns of each source, as the data contract names them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Source:
    name: str
    id_column: str
    required: tuple[str, ...]
    optional: tuple[str, ...]
    mandatory: bool = True  # a data folder without this source blocks the refresh

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional


SOURCES: dict[str, Source] = {
    s.name: s
    for s in (
        Source(
            "customers", "customer_id", ("customer_id",),
            ("region", "product", "tier", "language", "signup_at", "email"),
            mandatory=False,
        ),
        Source(
            "surveys", "response_id", ("response_id", "submitted_at"),
            # customer_id is optional: an anonymous response counts in the survey metrics only.
            ("customer_id", "ticket_id", "nps", "csat", "ces", "comment", "channel", "region", "product", "tier"),
        ),
        Source(
            "reviews", "review_id", ("review_id", "platform", "posted_at", "rating"),
            ("title", "body", "customer_id", "helpful_votes", "replied_at", "language", "product", "region"),
        ),
        Source(
            "tickets", "ticket_id", ("ticket_id", "customer_id", "created_at"),
            (
                "first_response_at", "resolved_at", "type", "priority", "channel", "team", "agent",
                "reopens", "replies", "promised_at", "proactive", "apologized", "compensation",
                "region", "product", "tier",
            ),
        ),
    )
}

# Build order: customers first, because the other sources take segment values from it.
SOURCE_ORDER = ("customers", "surveys", "reviews", "tickets")

# Segment dimensions a metric can be filtered or grouped by (`--where COLUMN=VALUE`).
# Every staged source carries all of them (null where unknown), so one filter fits all.
DIMENSIONS = (
    "region", "product", "tier", "language", "channel", "team", "agent", "type", "priority",
    "platform",
)

# Names the staging and mart layers add to a row. An export's extra column with one of
# these names is kept as extra_<name>, so it can never shadow a computed value.
DERIVED = frozenset(DIMENSIONS) | {
    "submitted_date", "posted_date", "created_date", "email_sha256", "first_response_hours",
    "resolution_hours", "is_resolved", "is_failure", "promise_delta_hours", "promise_kept",
    "post_response_id", "post_csat", "post_nps", "post_submitted_at", "outcome",
    "outcome_reason", "loyalty_from", "loyalty_until", "loyalty_response_id", "loyalty_nps",
    "loyalty_submitted_at", "had_failure", "customer_had_failure", "customer_key",
    "ticket_first_response_hours", "promise_timing", "response_band", "previous_failure_at",
    "is_first_failure",
}
