"""App Store Connect customer reviews (JSON:API: `data` with the responses in `included`)."""

from cx.pipeline.importers.spec import Col, Fixed, Format, When

CUSTOMER_REVIEWS = Format(
    key="app_store",
    name="App Store Connect customer reviews",
    source="reviews",
    signature=("type", "attributes.rating", "attributes.createdDate"),
    records=("data", ""),
    companions={"included": ("id", "relationships.response.data.id")},
    companion_types={"included": "customerReviewResponses"},
    columns={
        "review_id": Col("id"),
        "platform": Fixed("App Store"),
        "posted_at": Col("attributes.createdDate"),
        "rating": Col("attributes.rating"),
        "title": Col("attributes.title"),
        "body": Col("attributes.body"),
        "region": Col("attributes.territory"),
        # A reply counts once it is published.
        "replied_at": When(Col("included.attributes.state"), "PUBLISHED", Col("included.attributes.lastModifiedDate")),
    },
    drop=("attributes.reviewerNickname",),
)

FORMATS = (CUSTOMER_REVIEWS,)
