"""Google: Business Profile reviews (API list response) and the Play Console reviews report."""

from cx.pipeline.importers.spec import Col, First, Fixed, Format, Map, StableHash

STARS = (("ONE", "1"), ("TWO", "2"), ("THREE", "3"), ("FOUR", "4"), ("FIVE", "5"))

BUSINESS_PROFILE = Format(
    key="google_business",
    name="Google Business Profile reviews",
    source="reviews",
    signature=("reviewId", "starRating", "createTime"),
    records=("reviews", ""),
    columns={
        "review_id": Col("reviewId"),
        "platform": Fixed("Google"),
        "posted_at": Col("createTime"),
        "rating": Map(Col("starRating"), STARS),
        "body": Col("comment"),
        "replied_at": Col("reviewReply.updateTime"),
    },
    drop=("reviewer.displayName", "reviewer.profilePhotoUrl"),
)

PLAY_REVIEWS = Format(
    key="google_play",
    name="Google Play reviews report",
    source="reviews",
    signature=("Package Name", "Review Submit Date and Time", "Star Rating"),
    columns={
        # The report has no review ID; its link where there is one, else the review's own
        # identifying values (the same review gives the same ID in every month's file).
        "review_id": First((
            Col("Review Link"),
            StableHash("gp-", (Col("Package Name"), Col("Review Submit Date and Time"), Col("Review Text"))),
        )),
        "platform": Fixed("Google Play"),
        "posted_at": Col("Review Submit Date and Time"),
        "rating": Col("Star Rating"),
        "title": Col("Review Title"),
        "body": Col("Review Text"),
        "replied_at": Col("Developer Reply Date and Time"),
        "language": Col("Reviewer Language"),
    },
)

# Play Console's monthly ratings overview holds daily averages, not reviews: recognised so
# that the message says what to export instead.
PLAY_RATINGS_OVERVIEW = Format(
    key="google_play_ratings_overview",
    name="Google Play ratings overview",
    source="reviews",
    signature=("package_name", "daily_average_rating", "total_average_rating"),
    columns={},
    refuse="it holds daily average ratings, not reviews. Export the reviews report instead "
    "(Play Console: Download reports > Reviews, reviews_<package>_<YYYYMM>.csv)",
)

FORMATS = (BUSINESS_PROFILE, PLAY_REVIEWS, PLAY_RATINGS_OVERVIEW)
