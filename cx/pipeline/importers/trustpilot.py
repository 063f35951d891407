"""Trustpilot's business review export (CSV, times in UTC)."""

from cx.pipeline.importers.spec import Col, First, Fixed, Format, InZone

REVIEWS = Format(
    key="trustpilot",
    name="Trustpilot review export",
    source="reviews",
    signature=("Review Id", "Review Created (UTC)", "Review Stars"),
    columns={
        "review_id": Col("Review Id"),
        "platform": Fixed("Trustpilot"),
        "posted_at": InZone(Col("Review Created (UTC)"), "UTC"),
        "rating": Col("Review Stars"),
        "title": Col("Review Title"),
        "body": Col("Review Content"),
        "language": Col("Review Language"),
        "customer_id": Col("Reference Id"),
        "replied_at": InZone(First((Col("Company Reply Date (UTC)"), Col("Business Reply Date (UTC)"))), "UTC"),
    },
    drop=("Review Username",),
)

FORMATS = (REVIEWS,)
