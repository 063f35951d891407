"""The Data page's "Map an unknown export": upload, proposal, correction, preview, save."""

from __future__ import annotations

from cx import audit
from cx.pipeline.importers import mapping_file
from dashboard import mapping_page
from tests.conftest import FIXTURES
from tests.dashboard.conftest import run_app, shown_text

WIDGET = (FIXTURES / "mapping" / "widget.csv").read_bytes()


def by_label(at, kind: str, label: str):
    found = [w for w in getattr(at, kind) if w.label == label]
    assert found, f"no {kind} labelled {label!r}: {[w.label for w in getattr(at, kind)]}"
    return found[0]


def test_upload_correct_preview_and_save(monkeypatch, own_warehouse, tmp_path):
    _, target = own_warehouse
    folder = tmp_path / "uploads"
    monkeypatch.setenv("CX_UPLOAD_DIR", str(folder))
    at = run_app(monkeypatch, target, "data")
    assert "Map an unknown export" in shown_text(at)
    at.selectbox(key="map_source").set_value("surveys")
    by_label(at, "file_uploader", "Export file to map").set_value(("Widget export.csv", WIDGET, "text/csv"))
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    # The proposal, preselected; required columns marked.
    assert by_label(at, "selectbox", "Response ID *").value == "Submission"
    assert by_label(at, "selectbox", "Submitted at *").value == "When"
    assert by_label(at, "selectbox", "NPS").value == "How likely to recommend"
    assert by_label(at, "selectbox", "CSAT").value == "Rating"
    text = shown_text(at)
    assert "no known format recognises it" in text
    assert "4 rows read: 3 kept, 1 would be rejected" in text
    preview, rejected = at.dataframe[-2].value, at.dataframe[-1].value
    assert list(rejected.columns) == ["line", "column", "value", "reason"]  # shown as Line, Column, ...
    assert rejected.iloc[0].tolist() == [4, "NPS", "11", "nps 11 is outside 0-10"]
    assert "response_id" not in preview.columns and "Response ID" in preview.columns
    # A correction: no comment, and a fixed channel.
    by_label(at, "selectbox", "Comment").set_value(mapping_page.NONE)
    by_label(at, "text_area", "Fixed values, one per line").set_value("channel = web")
    at.run()
    assert "Comment" not in at.dataframe[-2].value.columns
    assert set(at.dataframe[-2].value["Channel"]) == {"web"}
    by_label(at, "button", "Save the mapping and the file").click()
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert "mapping added in mappings.toml" in shown_text(at)
    assert (folder / "surveys" / "Widget_export.csv").read_bytes() == WIDGET
    [entry] = audit.recent(target)
    assert (entry["actor"], entry["action"], entry["subject"], entry["result"]) == (
        "local", "upload", "surveys/Widget_export.csv", "accepted")
    [saved] = mapping_file.load_all(folder)
    assert saved.files == "surveys/Widget_export.csv" and saved.fixed == {"channel": "web"}
    assert saved.columns == {"response_id": "Submission", "submitted_at": "When",
                             "nps": "How likely to recommend", "csat": "Rating", "region": "Country"}


def test_problems_are_said_with_the_column(monkeypatch, own_warehouse, tmp_path):
    _, target = own_warehouse
    monkeypatch.setenv("CX_UPLOAD_DIR", str(tmp_path / "uploads"))
    at = run_app(monkeypatch, target, "data")
    at.selectbox(key="map_source").set_value("surveys")
    by_label(at, "file_uploader", "Export file to map").set_value(("w.csv", WIDGET, "text/csv"))
    at.run()
    by_label(at, "selectbox", "Comment").set_value("Submission")
    at.run()
    assert any("chosen for both Response ID and Comment" in e.value for e in at.error)
    by_label(at, "selectbox", "Comment").set_value(mapping_page.NONE)
    by_label(at, "selectbox", "Submitted at *").set_value(mapping_page.NONE)
    at.run()
    assert any("Required, not mapped yet: Submitted at" in w.value for w in at.warning)
    assert not [b for b in at.button if b.label == "Save the mapping and the file"]
    by_label(at, "selectbox", "Submitted at *").set_value("When")
    by_label(at, "text_area", "Fixed values, one per line").set_value("colour = red")
    at.run()
    assert any("Fixed values, line 1" in e.value and "colour" in e.value for e in at.error)


def test_parse_fixed_takes_keys_and_labels():
    assert mapping_page.parse_fixed("platform = Trustpilot\n\nRegion = EU", "reviews") == {
        "platform": "Trustpilot", "region": "EU"}


def test_a_recognised_export_says_its_format_and_offers_what_it_lacks(monkeypatch, own_warehouse, tmp_path):
    _, target = own_warehouse
    monkeypatch.setenv("CX_UPLOAD_DIR", str(tmp_path / "uploads"))
    at = run_app(monkeypatch, target, "data")
    at.selectbox(key="map_source").set_value("tickets")
    zendesk = (b"Id,Requester id,Created at,First reply time in minutes,Business unit\n"
               b"1,C1,2026-01-05 09:00,30,Retail\n")
    by_label(at, "file_uploader", "Export file to map").set_value(("zd.csv", zendesk, "text/csv"))
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    [info] = [i.value for i in at.info if "Zendesk" in i.value]
    assert "the refresh reads it without a mapping" in info and "Ticket ID" in info
    labels = {s.label for s in at.selectbox}
    assert "Ticket ID *" not in labels and "Created at *" not in labels and "Region" in labels


def test_the_working_folder_starts_with_the_last_folders_mappings(tmp_path):
    from dashboard import uploads

    last = tmp_path / "last"
    (last / "surveys").mkdir(parents=True)
    (last / "surveys" / "w.csv").write_text("a\n1\n", encoding="utf-8")
    (last / "mappings.toml").write_text('[[mapping]]\nfiles = "surveys/w.csv"\nsource = "surveys"\n',
                                        encoding="utf-8")
    folder = tmp_path / "uploads"
    assert uploads.prepare(folder, str(last))
    assert mapping_file.load_all(folder)[0].files == "surveys/w.csv"
    assert not (folder / "mappings.toml").samefile(last / "mappings.toml")


def test_value_maps_reach_the_preview(monkeypatch, own_warehouse, tmp_path):
    _, target = own_warehouse
    monkeypatch.setenv("CX_UPLOAD_DIR", str(tmp_path / "uploads"))
    at = run_app(monkeypatch, target, "data")
    at.selectbox(key="map_source").set_value("surveys")
    export = b"Submission,When,Satisfaction\nA1,2026-01-15 10:00,good\nA2,2026-01-16 10:00,bad\n"
    by_label(at, "file_uploader", "Export file to map").set_value(("g.csv", export, "text/csv"))
    at.run()
    assert by_label(at, "selectbox", "CSAT").value == "Satisfaction"
    assert "2 rows read: 0 kept, 2 would be rejected" in shown_text(at)
    by_label(at, "text_area", "Value maps, one per line").set_value("csat: good = 5\nCSAT: bad = 1")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert "2 rows read: 2 kept, 0 would be rejected" in shown_text(at)
    assert at.dataframe[-1].value["CSAT"].tolist() == ["5", "1"]
