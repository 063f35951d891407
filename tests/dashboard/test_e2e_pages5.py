"""End to end, the analysis pages (service recovery, promises, high-expectation customers,
reviews): the real server on the sample warehouse, each page in headless Chromium, with the
same checks as test_e2e_browser.py (no exception, no nan/None, a screenshot in
tests/screenshots/), what each page exists to show, and a link that reproduces a view."""

from __future__ import annotations

import re

import pytest

from tests.dashboard import test_e2e_browser as e2e

pytestmark = pytest.mark.e2e

# The server and the browser of test_e2e_browser.py (a server of its own for this module).
server = e2e.server
browser = e2e.browser
open_page, check, settle = e2e.open_page, e2e.check, e2e.settle

YEAR = "dates=2025-11-01&dates=2026-10-31"  # a year of the sample: enough answers for every reading


def charts(page) -> int:
    return page.locator(".js-plotly-plot").count()


def test_recovery(browser, server):
    page = open_page(browser, f"{server}/recovery?{YEAR}", "Service recovery")
    page.wait_for_selector(".js-plotly-plot")
    text = check(page, "recovery")
    assert "Does a recovery win loyalty back?" in text and "From failure to recovery" in text
    assert "What goes with a recovery" in text and "Recovery rate over time" in text
    # The paradox (or its absence) in words, with its margin.
    assert re.search(r"(as loyal as those with no problem|(more|less) loyal than those who never|"
                     r"Too few answers to tell)", text), text[:2000]
    assert re.search(r"a gap of [+-]?\d+\.\d ± \d+\.\d pts", text)
    gap = page.locator('[data-testid="stMetric"]').nth(3).inner_text()
    assert gap.startswith("Recovered vs no failure") and re.search(r"[+-]?\d+\.\d pts", gap), gap
    assert re.search(r"margin ±\d+\.\d pts", text)  # in the tile's caption, under the value
    assert charts(page) >= 5  # groups, two drivers, funnel, trend (compensation sits in an expander)
    page.close()


def test_promises(browser, server):
    page = open_page(browser, f"{server}/promises?{YEAR}", "Promises and proactive contact")
    page.wait_for_selector(".js-plotly-plot")
    text = check(page, "promises")
    assert "Early, on time or late" in text and "Proactive contact" in text
    assert "Tickets still waiting for a first reply" in text
    kept = page.locator('[data-testid="stMetric"]').first.inner_text()
    assert kept.startswith("Promises kept") and re.search(r"\d+\.\d%", kept), kept
    assert charts(page) >= 5  # timing, CSAT by timing, histogram, two proactive, ageing
    page.close()


def test_high_expectation_customers_to_call(browser, server):
    page = open_page(browser, f"{server}/high_expectation", "High-expectation customers")
    page.wait_for_selector('[data-testid="stDataFrame"]')
    text = check(page, "high-expectation")
    assert "Customers to call today" in text and "Which signals they show" in text
    assert "Download the list (CSV)" in text
    to_call = page.locator('[data-testid="stMetric"]').nth(2).inner_text()
    assert to_call.startswith("To call today") and re.search(r"\n\d+", to_call), to_call
    page.close()


def test_reviews_read_persian_right_to_left(browser, server):
    page = open_page(browser, f"{server}/reviews?{YEAR}", "Reviews")
    page.wait_for_selector(".cx-text")
    text = check(page, "reviews")
    assert "By platform" in text and "Rating over time" in text and "Latest negative reviews" in text
    directions = page.eval_on_selector_all(".cx-text", "els => els.map(e => getComputedStyle(e).direction)")
    assert "rtl" in directions and "ltr" in directions, directions
    page.close()


def test_a_link_reproduces_an_analysis_view(browser, server):
    page = open_page(browser, f"{server}/recovery?region=EU&driver=Compensation&grain=Week", "Service recovery")
    shown = page.locator('[data-testid="stMetric"]').nth(1).inner_text()
    assert "EU" in page.locator('[data-testid="stMultiSelect"]').first.inner_text()
    # The filters travel with the built-in navigation to the next analysis page.
    page.get_by_role("link", name="Promises").click()
    settle(page, "Promises and proactive contact")
    assert "region=EU" in page.url, page.url
    page.close()
    # The same link elsewhere shows the same numbers and choices.
    other = open_page(browser, f"{server}/recovery?region=EU&driver=Compensation&grain=Week", "Service recovery")
    assert other.locator('[data-testid="stMetric"]').nth(1).inner_text() == shown
    check(other, "recovery-from-link")
    assert "NPS after the failure by compensation" in other.locator('[data-testid="stMain"]').inner_text()
    other.close()
