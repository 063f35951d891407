"""cx.pipeline.mapping_proposal: proposals for an unknown export, the preview through the refresh's
own row rules, and the saved mapping as the next refresh reads it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cx import warehouse
from cx.pipeline import mapping_proposal as mp
from cx.pipeline.importers import mapping_file
from tests.conftest import FIXTURES, SMALL, build

WIDGET = FIXTURES / "mapping" / "widget.csv"


def chosen(proposal: mp.Proposal) -> dict[str, str]:
    return {k: c.column for k, c in proposal.choices.items() if c.column}


def test_proposal_by_name_and_values():
    p = mp.propose(WIDGET, "surveys")
    assert p.format_name is None and p.rows == 4
    assert chosen(p) == {
        "response_id": "Submission", "submitted_at": "When", "nps": "How likely to recommend",
        "csat": "Rating", "comment": "Feedback", "region": "Country",
    }
    assert p.choices["submitted_at"].confidence >= 0.8
    assert "dates" in p.choices["submitted_at"].why


def test_values_decide_between_scales(tmp_path):
    """Two columns named alike: the 0-10 one is nps, the 1-5 one csat; dates by their values alone."""
    f = tmp_path / "x.csv"
    f.write_text("Ref,Zeitpunkt,Score A,Score B\nr1,2026-01-01 10:00,2,8\nr2,2026-01-02 10:00,5,10\n"
                 "r3,2026-01-03 10:00,4,0\n", encoding="utf-8")
    p = mp.propose(f, "surveys")
    got = chosen(p)
    assert got["submitted_at"] == "Zeitpunkt"
    assert got["nps"] == "Score B" and got["csat"] == "Score A"
    assert len(set(got.values())) == len(got)  # one export column for one contract column


def test_a_recognised_format_proposes_only_what_it_lacks(tmp_path):
    f = tmp_path / "zendesk.csv"
    f.write_text("Id,Requester id,Created at,First reply time in minutes,Business unit\n"
                 "1,C1,2026-01-05 09:00,30,Retail\n", encoding="utf-8")
    p = mp.propose(f, "tickets")
    assert p.format_name and "Zendesk" in p.format_name
    assert {"ticket_id", "customer_id", "created_at", "first_response_at"} <= set(p.covered)
    assert "ticket_id" not in p.choices and "created_at" not in p.choices
    assert all(c.column in (None, "Business unit") for c in p.choices.values())


def test_build_mapping_checks_the_choices():
    with pytest.raises(mp.MappingError, match="both"):
        mp.build_mapping("surveys", "w.csv", {"response_id": "Submission", "comment": "Submission"})
    with pytest.raises(mp.MappingError, match="no column"):
        mp.build_mapping("surveys", "w.csv", {"response_id": "Nope"}, export_columns=["Submission"])
    with pytest.raises(mp.MappingError, match="time zone"):
        mp.build_mapping("surveys", "w.csv", {"response_id": "Submission"}, time_zone="Mars/Base")
    m = mp.build_mapping("surveys", "w.csv", {"response_id": "Submission", "nps": None})
    assert m.files == "surveys/w.csv" and m.columns == {"response_id": "Submission"}


def widget_mapping(**kw) -> mp.Mapping:
    return mp.build_mapping("surveys", "widget.csv", chosen(mp.propose(WIDGET, "surveys")), **kw)


def test_preview_shows_the_rows_and_what_is_rejected():
    pv = mp.preview(WIDGET, widget_mapping(fixed={"channel": "web"}), name="surveys/widget.csv")
    assert pv.error is None and pv.rows_read == 4 and pv.rows_rejected == 1
    first = pv.rows[0]
    assert first["Line"] == 2 and first["Response ID"] == "W1" and first["NPS"] == "9"
    assert first["Submitted at (UTC)"] == "2026-01-15 10:00:00" and first["Channel"] == "web"
    assert first["Checks"] == "kept"
    assert pv.rejected == [{"line": 4, "column": "NPS", "value": "11", "reason": "nps 11 is outside 0-10"}]
    assert "response_id" not in first  # people read labels, not keys


def test_preview_says_when_a_required_column_is_not_mapped():
    m = mp.build_mapping("surveys", "widget.csv", {"response_id": "Submission", "csat": "Rating"})
    pv = mp.preview(WIDGET, m, name="surveys/widget.csv")
    assert pv.error and "submitted_at" in pv.error and "missing" in pv.error


def test_save_round_trip_and_refresh(tmp_path):
    data_dir = tmp_path / "data"
    shutil.copytree(SMALL, data_dir)
    shutil.copy(WIDGET, data_dir / "surveys" / "widget.csv")
    m = widget_mapping(time_zone="Asia/Tehran")
    assert mp.save_mapping(data_dir, m) == "added"
    assert mapping_file.load_all(data_dir) == [m]
    again = mp.build_mapping("surveys", "widget.csv", {**m.columns, "comment": None}, time_zone="Asia/Tehran")
    assert mp.save_mapping(data_dir, again) == "replaced"
    assert mapping_file.load_all(data_dir) == [again]

    target = tmp_path / "wh" / "warehouse.duckdb"
    result = build(data_dir, target)
    assert result.published, result.message
    con = warehouse.connect_read_only(warehouse.current_file(target))
    rows = con.execute(
        "select response_id, submitted_at::varchar, nps, csat, comment, region from survey_facts "
        "where response_id like 'W%' order by response_id"
    ).fetchall()
    rejected = con.execute(
        "select line, \"column\", reason from rejected_rows where file = 'surveys/widget.csv'"
    ).fetchall()
    con.close()
    # Tehran is UTC+03:30: 10:00 local is 06:30 UTC. W3 (nps 11) is rejected; comment not mapped.
    assert rows == [
        ("W1", "2026-01-15 06:30:00", 9, 5, None, "DE"),
        ("W2", "2026-01-16 08:00:00", 3, 2, None, "FR"),
        ("W4", "2026-01-18 13:15:00", 10, 5, None, "IR"),
    ]
    assert rejected == [(4, "nps", "nps 11 is outside 0-10")]


def test_save_refuses_to_overwrite_an_unreadable_file(tmp_path):
    (tmp_path / "mappings.toml").write_text("[[mapping]\nbroken", encoding="utf-8")
    with pytest.raises(mp.MappingError, match="nothing was written|fix or remove"):
        mp.save_mapping(tmp_path, widget_mapping())
    assert (tmp_path / "mappings.toml").read_text(encoding="utf-8") == "[[mapping]\nbroken"


def test_labels():
    assert mp.label("submitted_at") == "Submitted at"
    assert mp.label("response_id") == "Response ID"
    assert mp.label("nps") == "NPS"
    assert Path(mp.__file__).read_text(encoding="utf-8").count("import streamlit") == 0
