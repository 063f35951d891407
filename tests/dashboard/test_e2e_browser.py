"""End to end: the real server on a free port, every page in headless Chromium.

Fails on any exception a page shows, on "nan"/"None" in the text, and when a link does not
reproduce the view. Screenshots go to tests/screenshots/ (ignored by git).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.server import dashboard_server

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
SHOTS = ROOT / "tests" / "screenshots"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]

pytestmark = pytest.mark.e2e


def serve(warehouse: Path):
    """The dashboard on `warehouse`, for the browser (skipped without Chromium)."""
    if not CHROMIUM.exists():
        pytest.skip("no Chromium at /usr/bin/chromium")
    with dashboard_server(warehouse, warehouse.parent / "streamlit.log") as base:
        yield base


@pytest.fixture(scope="module")
def server(sample_warehouse):
    yield from serve(sample_warehouse)


@pytest.fixture(scope="module")
def browser(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield b
        b.close()


def open_page(browser, url: str, title: str):
    page = browser.new_page(viewport={"width": 1500, "height": 1100})
    page.goto(url)
    settle(page, title)
    return page


def settle(page, title: str) -> None:
    """Wait until the page shows its title and Streamlit has finished running the script."""
    page.wait_for_function(
        "t => [...document.querySelectorAll('h1')].some(h => h.innerText.trim() === t)", arg=title, timeout=60000)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=60000)
    page.wait_for_timeout(800)  # charts draw after the script ends


def check(page, name: str) -> str:
    """Screenshot the whole page, then fail on an exception or nan/None in its text."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    width = page.viewport_size["width"]
    page.set_viewport_size({"width": width, "height": min(max(height + 40, 900), 8000)})
    page.wait_for_timeout(800)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    page.set_viewport_size({"width": width, "height": 1100})
    assert page.locator('[data-testid="stException"]').count() == 0, page.locator(
        '[data-testid="stException"]').first.inner_text()
    text = page.locator('[data-testid="stMain"]').inner_text()
    bad = re.findall(r"\b(nan|NaN|None|NaT|undefined)\b", text)
    assert not bad, f"{bad} shown on {name}"
    return text


def test_overview(browser, server):
    page = open_page(browser, server + "/", "Overview")
    page.wait_for_selector('[data-testid="stMetric"]')
    text = check(page, "overview")
    nps = page.locator('[data-testid="stMetric"]').first.inner_text()
    assert nps.startswith("NPS") and re.search(r"-?\d+\.\d ± \d+\.\d", nps), nps
    assert "Biggest movers" in text and "Trend" in text
    assert page.locator(".js-plotly-plot").count() >= 1
    page.close()


def test_the_overview_answers_at_its_own_address_and_nothing_leaves_the_machine(browser, server):
    """/overview is the page's address in the menu's name; and every request a page makes
    goes to the server itself (the dashboard must work offline: no fonts, icons or scripts
    from the internet)."""
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    hosts = set()
    page.on("request", lambda r: hosts.add(re.sub(r"^(\w+:/*)([^/]*).*$", r"\1\2", r.url)))
    page.goto(server + "/overview")
    settle(page, "Overview")
    assert page.get_by_text("Page not found").count() == 0
    page.wait_for_selector('[data-testid="stMetric"]')
    for name, title in (("segments", "Segments"), ("recovery", "Service recovery"), ("data", "Data")):
        page.goto(f"{server}/{name}")
        settle(page, title)
    outside = {h for h in hosts if not h.startswith((server, "data:", "blob:"))}
    assert not outside, outside
    page.close()


def test_segments_with_drill_down(browser, server):
    page = open_page(browser, server + "/segments?dim=Tier&seg=premium", "Segments")
    text = check(page, "segments")
    assert "Tier: premium" in text and "What changed" in text
    assert page.locator('[dir="auto"]').count() > 0  # comments read in their own direction
    page.close()
    page = open_page(browser, server + "/segments?dim=Region&seg=IR&view=Reviews", "Segments")
    page.wait_for_selector(".cx-text")
    check(page, "segments-reviews")
    # Persian reviews read right-to-left, aligned right; English ones stay left-to-right.
    directions = page.eval_on_selector_all(".cx-text", "els => els.map(e => getComputedStyle(e).direction)")
    assert "rtl" in directions, directions
    page.close()


def test_data(browser, server):
    page = open_page(browser, server + "/data", "Data")
    text = check(page, "data")
    assert "Refresh attempts" in text and "Upload exports and refresh" in text
    page.close()


def test_a_link_reproduces_the_view(browser, server):
    page = open_page(browser, server + "/?region=EU", "Overview")
    page.get_by_text("Last 30 days", exact=True).click()
    page.wait_for_function("() => location.search.includes('dates=')", timeout=30000)
    settle(page, "Overview")
    url = page.url
    shown = page.locator('[data-testid="stMetric"]').first.inner_text()
    # The filters travel to the next page with the built-in navigation ...
    page.get_by_role("link", name="Segments").click()
    settle(page, "Segments")
    assert "region=EU" in page.url and "dates=" in page.url, page.url
    page.close()
    # ... and the link alone, opened elsewhere, shows the same numbers.
    other = open_page(browser, url, "Overview")
    assert other.locator('[data-testid="stMetric"]').first.inner_text() == shown
    # The Region filter by its label: the sidebar's widgets may still be arriving in order.
    region = other.locator('[data-testid="stMultiSelect"]').filter(has_text="Region").first
    region.wait_for(timeout=30000)
    assert "EU" in region.inner_text()
    check(other, "overview-from-link")
    other.close()


@pytest.fixture(scope="module")
def bundled_server(bundled_warehouse):
    """The dashboard on the bundled data/sample, as `make run` serves it."""
    yield from serve(bundled_warehouse)


def test_which_region_got_worse_last_quarter_and_why_in_three_clicks(browser, bundled_server):
    """The CX lead's question on the bundled sample: one click for the quarter, one on the
    biggest mover's "Why?", and the drill-down says what changed, with the comments."""
    page = open_page(browser, bundled_server + "/", "Overview")
    page.get_by_text("Last quarter", exact=True).click()  # 1
    page.wait_for_function("() => location.search.includes('dates=2026-07-01')", timeout=30000)
    settle(page, "Overview")
    movers = page.get_by_text("Region LATAM", exact=True)
    movers.wait_for(timeout=30000)
    assert "CSAT down" in page.locator('[data-testid="stMain"]').inner_text()
    page.get_by_role("link", name="Why?").first.click()  # 2
    settle(page, "Segments")
    assert "seg=LATAM" in page.url and "dates=2026-07-01" in page.url, page.url
    page.get_by_role("link", name="Region: Latin America (LATAM): what changed", exact=False).click()  # 3
    page.wait_for_function("() => location.hash === '#drill-down'", timeout=30000)
    page.get_by_text("Region: Latin America (LATAM)", exact=True).wait_for(timeout=30000)
    assert page.get_by_text("What changed", exact=False).first.is_visible()
    text = check(page, "three-clicks-why")
    assert "What changed" in text
    # The segment's comments say why in the customers' words: the sample's slow-reply
    # comments (simulator/text.py), likelier after a slow first response.
    comments = page.locator(".cx-text").all_inner_texts()
    slow = ("Waited 3 days", "48 hours", "Slow, slow", "Nobody answered", "Two weeks", "By the time you replied")
    assert any(s in c for c in comments for s in slow), comments[:5]
    page.close()


PAGE_TITLES = {"overview": "Overview", "segments": "Segments", "recovery": "Service recovery",
               "promises": "Promises and proactive contact", "high_expectation": "High-expectation customers",
               "reviews": "Reviews", "data": "Data"}


@pytest.mark.parametrize("size", ["laptop", "phone"])
def test_every_page_at_laptop_and_phone_size(browser, bundled_server, size):
    """Every page on the bundled sample at 1440x900 and 390x844, screenshot kept in
    tests/screenshots/ for a look: no exception, no nan, nothing wider than the screen, and on
    the laptop the overview's answer and both rows of tiles on the first screen."""
    width, height = {"laptop": (1440, 900), "phone": (390, 844)}[size]
    for path, title in PAGE_TITLES.items():
        page = browser.new_page(viewport={"width": width, "height": height})
        page.goto(f"{bundled_server}/{path}")
        settle(page, title)
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{path}-{size}-first.png"))
        if path == "overview" and size == "laptop":
            tiles = page.locator('[data-testid="stMetric"]')
            tiles.nth(7).wait_for(timeout=30000)
            box = tiles.nth(7).bounding_box()
            assert box and box["y"] + box["height"] <= height, f"the eighth tile ends at {box} on a {height} px screen"
            assert page.get_by_text("Targets:", exact=False).first.bounding_box()["y"] < height
        overflow = page.evaluate(
            "() => document.querySelector('[data-testid=\"stMain\"]').scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{path} is {overflow} px wider than a {width} px screen"
        check(page, f"{path}-{size}")
        page.close()
