"""End to end: map an unknown export on the Data page of the real server, in headless Chromium."""

from __future__ import annotations

import pytest

from cx.pipeline.importers import mapping_file
from tests.conftest import FIXTURES
from tests.dashboard.test_e2e_browser import CHROMIUM, FLAGS, check, open_page, settle
from tests.server import dashboard_server

pytestmark = pytest.mark.e2e
WIDGET = FIXTURES / "mapping" / "widget.csv"


def test_map_an_unknown_export(own_warehouse, tmp_path):
    if not CHROMIUM.exists():
        pytest.skip("no Chromium at /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    _, target = own_warehouse
    folder = tmp_path / "uploads"
    with dashboard_server(target, tmp_path / "streamlit.log", CX_UPLOAD_DIR=str(folder)) as base, \
            sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        page = open_page(browser, base + "/data", "Data")
        uploader = page.locator('[data-testid="stFileUploader"]').filter(has_text="Export file to map")
        uploader.locator('input[type="file"]').set_input_files(str(WIDGET))
        page.get_by_text("would be rejected", exact=False).wait_for(timeout=60000)
        settle(page, "Data")
        text = check(page, "data-mapping")
        boxes = " | ".join(page.eval_on_selector_all(
            '[data-testid="stSelectbox"]',
            "els => els.map(e => e.textContent + ' ' + [...e.querySelectorAll('input')].map(i => i.value).join(' '))"))
        assert "Submission (proposed, 94%)" in boxes and "When (proposed, 94%)" in boxes, boxes
        assert "How likely to recommend (proposed" in boxes and "Rating (proposed" in boxes, boxes
        assert "surveys/widget.csv: 6 columns, 4 rows; no known format recognises it" in text
        assert "4 rows read: 3 kept, 1 would be rejected" in text
        # The mapping speaks in labels; the validation report above it may name checked columns.
        mapping = text.split("Map an unknown export", 1)[-1]
        assert "response_id" not in mapping and "submitted_at" not in mapping.replace("Submitted at", "")
        page.get_by_role("button", name="Save the mapping and the file").click()
        page.get_by_text("mapping added in mappings.toml", exact=False).wait_for(timeout=60000)
        browser.close()
    [saved] = mapping_file.load_all(folder)
    assert saved.files == "surveys/widget.csv" and saved.columns["nps"] == "How likely to recommend"
    assert (folder / "surveys" / "widget.csv").read_bytes() == WIDGET.read_bytes()
