"""Public reviews, for CX leads: the rating by platform and over time, the share of negative
reviews, whether and how fast they get a reply, how many readers they reach, and the latest
negative reviews with their text."""

import streamlit as st

from cx import stats
from dashboard import analyses, components, data, fmt, frame, readings
from dashboard import analysis_charts as charts

LATEST = 50  # negative reviews listed (the CSV download has all of the window's)

page = analyses.open_page("Reviews", caption="What customers say in public: ratings by platform, negative "
                                             "reviews, and whether they got a reply.")
ctx, flt, p, targets, now = page.ctx, page.filters, page.params, page.targets, page.now
reviews = int(now.get("reviews") or 0)
if not reviews:
    frame.empty("No reviews match these dates and filters. Widen the dates or clear a filter in the sidebar (a team "
                "or channel filter leaves out every review: reviews have neither).")
    st.stop()

# ---------------------------------------------------------------- tiles
rating = now.get("review_rating_avg")
target, met = analyses.target_text(rating, targets.get("review_rating_avg"), " ★", decimals=2, delta_unit=" ★")
negative = readings.Share(now.get("negative_review_pct"), reviews)
replied = readings.Share(now.get("review_reply_pct"), reviews)
small = reviews < readings.MIN_N
# The rating tile carries the change and the target: wide enough for "vs same period last year".
cols = st.columns([1, 2, 1, 1, 1])
analyses.tile(cols[0], "Reviews", fmt.count(reviews), "posted in these dates",
              help="Public reviews posted in the window.")
change = analyses.compared(ctx, "review_rating_avg", now)
analyses.tile(cols[1], "Rating", fmt.number(rating, 2, " ★"),
              f"mean of {fmt.count(reviews, 'reviews' if reviews != 1 else 'review')}"
              + (": a small sample, read with care" if small else ""),
              help="Mean star rating (1-5).", target=target, target_met=met, small=small, change=change)
analyses.tile(cols[2], "Negative", fmt.number(negative.pct, 1, "%"), readings.share_note(negative, "reviews"),
              help="Reviews of 2 stars or less.", small=small)
analyses.tile(cols[3], "Replied", fmt.number(replied.pct, 1, "%"), readings.share_note(replied, "reviews"),
              help="Reviews the business replied to publicly.", small=small)
analyses.tile(cols[4], "Time to reply", fmt.number(now.get("review_reply_hours_median"), 1, " h"),
              "median, over the replied reviews" if now.get("review_reply_hours_median") is not None
              else "no review was replied to",
              help="Median hours from posting to the public reply.")

# ---------------------------------------------------------------- platforms
st.subheader("By platform")
platforms = data.run_query("metrics/review_platforms", **p)
frame.table(platforms, column_config=analyses.PLATFORM_COLUMNS)
frame.download(platforms, "review-platforms", "the platforms", key="dl-review-platforms")
left, right = st.columns(2)
with left:
    st.markdown("**Negative reviews**, by platform")
    st.plotly_chart(charts.share_bars(
        list(platforms["platform"]), platforms["negative_pct"], platforms["reviews"], name="Negative",
        noun="reviews", axis_title="negative reviews (% with 2 ★ or less)", colors=charts.BAD, height=300,
    ), width="stretch", config=charts.CONFIG, key="chart-review-negative")
with right:
    st.markdown("**Reach**: helpful votes, by platform")
    st.plotly_chart(charts.reach(platforms), width="stretch", config=charts.CONFIG, key="chart-review-reach")
st.caption("Whiskers: 95% ranges. Helpful votes count the readers who found a review helpful: a negative review "
           "with many votes reaches many prospective customers.")

# ---------------------------------------------------------------- trend
st.subheader("Rating over time")
grain = analyses.grain_control()
span = stats.span_at_least(flt.start, flt.end, 365, ctx.first_day)
trend = data.run_query("metrics/review_trend", **(p | {"start": span[0]}), grain=grain)
if trend.empty:
    frame.empty("No reviews in the trend's dates.")
else:
    st.plotly_chart(charts.review_trend(trend, grain, targets.get("review_rating_avg"),
                                        (flt.start, flt.end) if span[0] < flt.start else None),
                    width="stretch", config=charts.CONFIG, key="chart-review-trend")
    st.caption(f"{fmt.window(*span)}: at least the year up to the selected end, for context (the selected dates "
               "are shaded when the chart reaches further back). Top: mean rating per "
               "platform (the dashed line is the target); bottom: the share of negative reviews. A faded point is a "
               f"{grain} the dates cut, off the line: its few days are not a trend. Hover for how many "
               "reviews each point rests on: a platform with a handful of reviews a " + grain + " moves a lot.")
    frame.download(trend, f"review-trend-{grain}", "the trend", key="dl-review-trend")

# ---------------------------------------------------------------- negative reviews
st.subheader("Latest negative reviews")
latest = data.run_query("metrics/negative_reviews", **p, limit=LATEST)
if latest.empty:
    frame.empty("No review of 2 stars or less in these dates and filters.")
else:
    cards = [
        (r.posted_at, f"{r.platform} · {analyses.stars(r.rating)}",
         r.customer_id if isinstance(r.customer_id, str) else "anonymous",
         analyses.reply_status(r.reply_hours) + analyses.votes(r.helpful_votes),
         " — ".join(t for t in (r.title, r.body) if isinstance(t, str)) or "(no text)")
        for r in latest.itertuples(index=False)
    ]
    which = (f"The newest {len(latest):,} reviews of 2 stars or less" if len(latest) >= LATEST
             else f"The {len(latest):,} review{'s' if len(latest) != 1 else ''} of 2 stars or less of these dates")
    st.caption(f"{which}, newest first. Text reads in its own direction (Persian right to left).")
    components.comment_cards(cards)
    frame.table(latest, column_config=analyses.NEGATIVE_COLUMNS)
    st.download_button(
        "Download every negative review of these dates (CSV)",
        lambda: data.full_csv("metrics/negative_reviews", **p, limit=None), file_name="negative-reviews.csv",
        mime="text/csv", key="dl-negative-reviews", icon=":material/download:", on_click="ignore",
    )
