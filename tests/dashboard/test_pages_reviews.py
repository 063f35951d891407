"""The reviews page under AppTest, against the CLI and the fixture by hand: V1 (Google, 2 stars,
Persian, replied after 6 h), V2 (App Store, 5, no reply), V3 (Trustpilot, 1, replied after 24 h,
12 helpful votes), V4 (Google, 4, replied after 1 h)."""

from __future__ import annotations

import html
import json

import pytest

from dashboard import fmt
from tests.dashboard import conftest as dash
from tests.dashboard.conftest import assert_no_nan, cli_metrics, run_app

DEFAULT = ("--start", "2026-01-05", "--end", "2026-02-25")


@pytest.fixture(autouse=True)
def _page(monkeypatch):
    monkeypatch.setitem(dash.PAGES, "reviews", "app_pages/reviews.py")


def tiles(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def table(at, column: str):
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_tiles_are_the_cli_numbers(monkeypatch, small_warehouse):
    at = run_app(monkeypatch, small_warehouse, page="reviews")
    cli = cli_metrics(small_warehouse, *DEFAULT)
    shown = tiles(at)
    assert shown["Reviews"] == str(cli["reviews"]) == "4"
    assert shown["Rating"] == fmt.number(cli["review_rating_avg"], 2, " ★") == "3.00 ★"  # (2 + 5 + 1 + 4) / 4
    assert shown["Negative"] == fmt.number(cli["negative_review_pct"], 1, "%") == "50.0%"
    assert shown["Replied"] == fmt.number(cli["review_reply_pct"], 1, "%") == "75.0%"
    assert shown["Time to reply"] == fmt.number(cli["review_reply_hours_median"], 1, " h") == "6.0 h"  # 1, 6, 24
    assert ":red[Target 4.2 ★ · 1.20 ★ below]" in [m.value for m in at.markdown]
    assert any("of 4 reviews: the true share is likely between" in c.value for c in at.caption)
    assert_no_nan(at)


def test_platforms_by_hand(monkeypatch, small_warehouse):
    at = run_app(monkeypatch, small_warehouse, page="reviews")
    platforms = table(at, "platform").set_index("platform")
    assert list(platforms.index) == ["Google", "App Store", "Trustpilot"]
    google = platforms.loc["Google"]
    assert (google["reviews"], google["rating_avg"], google["negative_pct"], google["reply_hours_median"]) == (
        2, 3.0, 50.0, 3.5)
    assert platforms.loc["Trustpilot", "helpful_votes"] == 12
    assert platforms.loc["App Store", "reply_hours_median"] != platforms.loc["App Store", "reply_hours_median"]


def test_latest_negative_reviews_read_in_their_own_direction(monkeypatch, small_warehouse):
    at = run_app(monkeypatch, small_warehouse, page="reviews")
    latest = table(at, "review_id")
    assert latest["review_id"].tolist() == ["V3", "V1"]
    assert latest["reply_hours"].tolist() == [24.0, 6.0]
    cards = "".join(m.value for m in at.markdown if "cx-card" in m.value)
    assert '<div dir="auto" class="cx-text">بد — پشتیبانی ضعیف</div>' in cards
    shown = html.unescape(cards)  # the cards' text is written as HTML entities where Markdown would read it
    assert "2026-01-08 06:30 UTC · Google · ★★☆☆☆ · C2 · replied after 6.0 h · 3 helpful votes" in shown
    assert "2026-02-12 10:00 UTC · Trustpilot · ★☆☆☆☆ · C1 · replied after 24.0 h · 12 helpful votes" in shown
    assert cards.index("Awful") < cards.index("پشتیبانی")  # newest first
    labels = {b.proto.label for b in at.get("download_button")}
    assert {"Download the platforms (CSV)", "Download the trend (CSV)",
            "Download every negative review of these dates (CSV)"} <= labels


def test_trend_per_platform_and_grain_in_the_url(monkeypatch, small_warehouse):
    at = run_app(monkeypatch, small_warehouse, page="reviews", query={"grain": "Week"})
    assert at.button_group(key="grain").value == "week"
    spec = json.loads(next(c for c in at.get("plotly_chart") if c.key == "chart-review-trend").proto.spec)
    ratings = {t["name"]: t["y"] for t in spec["data"] if t.get("yaxis") == "y"}
    # One line per platform; V1 (2) in the week of 5 January, V4 (4) in the week of 23 February,
    # which the dates cut (they end on the data's last day): a faded point off the line.
    assert ratings == {"App Store": [5.0], "Google": [2.0, None], "Trustpilot": [1.0], "Google, partial week": [4.0]}
    partial = next(t for t in spec["data"] if t["name"] == "Google, partial week")
    assert partial["marker"]["opacity"] < 1 and partial["mode"] == "markers"
    assert spec["layout"]["yaxis"]["title"]["text"] == "mean rating (★, 1-5)"
    assert spec["layout"]["yaxis2"]["ticksuffix"] == "%"
    assert [a["text"] for a in spec["layout"]["annotations"]] == ["target 4.2 ★"]


def test_filters_and_empty_states(monkeypatch, small_warehouse):
    at = run_app(monkeypatch, small_warehouse, page="reviews", query={"platform": ["Google"]})
    cli = cli_metrics(small_warehouse, *DEFAULT, "--where", "platform=Google")
    assert tiles(at)["Rating"] == fmt.number(cli["review_rating_avg"], 2, " ★") == "3.00 ★"  # V1 2, V4 4
    assert table(at, "review_id")["review_id"].tolist() == ["V1"]
    at = run_app(monkeypatch, small_warehouse, page="reviews", query={"team": ["Billing"]})
    assert any("No reviews match these dates and filters" in i.value for i in at.info)
    assert not at.metric
    assert_no_nan(at)
    at = run_app(monkeypatch, small_warehouse, page="reviews", query={"dates": ["2026-02-20", "2026-02-25"]})
    assert tiles(at)["Reviews"] == "1" and tiles(at)["Negative"] == "0.0%"  # V4, 4 stars: a true 0
    assert any("No review of 2 stars or less" in i.value for i in at.info)
    assert_no_nan(at)
