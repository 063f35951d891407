"""'Who to contact', the follow-up list at the end of the high-expectation and service recovery
pages, under AppTest on a writable copy of the small fixture: the candidates and why, an edit
in the table stored with who made it, an edit from a second session on an old version refused
with who changed the row and when, the answers since a call, links from [links]."""

from __future__ import annotations

from datetime import datetime

import pytest

from cx import audit, followups
from tests.dashboard import conftest as dash
from tests.dashboard.conftest import assert_no_nan, run_app, shown_text

HE, RECOVERY = "high_expectation", "recovery"


@pytest.fixture(autouse=True)
def _pages(monkeypatch):
    monkeypatch.setitem(dash.PAGES, HE, "app_pages/high_expectation.py")
    monkeypatch.setitem(dash.PAGES, RECOVERY, "app_pages/recovery.py")


def editor(at, kind: str):
    found = [e for e in at.data_editor if e.key and e.key.startswith(f"followups-{kind}-")]
    assert len(found) == 1, [e.key for e in at.data_editor]
    return found[0]


def edit(at, kind: str, rows: dict) -> None:
    """What the browser sends when cells are edited: the editor's edit state, then a rerun."""
    at.session_state[editor(at, kind).key] = {"edited_rows": rows, "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.exception, [e.message for e in at.exception]


def test_the_high_expectation_list_by_hand(monkeypatch, own_warehouse):
    _, target = own_warehouse
    at = run_app(monkeypatch, target, page=HE)
    assert "Who to contact" in [s.value for s in at.subheader]
    table = editor(at, HE)
    assert table.editing_mode == "fixed"
    shown = table.value
    assert shown["customer_id"].tolist() == ["C1", "C2"]
    assert shown["why"].tolist() == ["follow up on the 1-star review on Trustpilot",
                                     "call back: gave NPS 5 on 2026-02-15"]
    assert shown["status"].tolist() == ["to call", "to call"] and shown["version"].tolist() == [0, 0]
    assert shown["flagged"].tolist() == ["yes", "yes"]
    text = shown_text(at)
    assert "2 customers to contact in these dates and filters, most urgent first." in text
    assert "No customer on this list is marked called or resolved yet." in text
    assert "Download the follow-up list (CSV)" in {b.proto.label for b in at.get("download_button")}
    assert_no_nan(at)


def test_an_edit_in_the_table_is_stored_with_who_made_it(monkeypatch, own_warehouse):
    _, target = own_warehouse
    at = run_app(monkeypatch, target, page=HE)
    edit(at, HE, {1: {"owner": "anna", "status": "called", "note": "will call Monday"}})
    assert [t.value for t in at.toast] == ["Saved 1 change to the follow-up list."]
    f = followups.get(target, HE, "C2")
    assert (f.owner, f.status, f.note, f.version, f.updated_by) == ("anna", "called", "will call Monday", 1, "local")
    assert f.why == "call back: gave NPS 5 on 2026-02-15; signals: vocal, influential"
    assert audit.recent(target)[0]["subject"] == "high_expectation customer C2"
    # The editor starts again from what was stored (a new key): the edit is not applied twice.
    shown = editor(at, HE).value.set_index("customer_id")
    assert editor(at, HE).key.endswith("-1")
    assert (shown.loc["C2", "owner"], shown.loc["C2", "status"], shown.loc["C2", "version"]) == ("anna", "called", 1)
    assert shown.loc["C2", "changed"].startswith("local, ")
    assert shown.loc["C2", "since"] == "no answer yet"  # called now: no survey answer after it in the data
    at.run()
    assert followups.get(target, HE, "C2").version == 1
    # The owner filter lists anna's follow-ups only; a fresh session sees the change too.
    at.selectbox(key="followups-high_expectation-owner").set_value("anna").run()
    assert editor(at, HE).value["customer_id"].tolist() == ["C2"]
    other = run_app(monkeypatch, target, page=HE)
    assert editor(other, HE).value.set_index("customer_id").loc["C2", "status"] == "called"


def test_a_second_session_editing_an_old_version_is_refused(monkeypatch, own_warehouse):
    _, target = own_warehouse
    first = run_app(monkeypatch, target, page=RECOVERY)
    second = run_app(monkeypatch, target, page=RECOVERY)  # both opened the list before either saved
    assert editor(first, RECOVERY).value["ticket_id"].tolist() == ["T4", "T3"]
    edit(first, RECOVERY, {0: {"owner": "anna", "status": "called"}})
    when = followups.shown_time(followups.get(target, RECOVERY, "C3", "T4").updated_at)
    edit(second, RECOVERY, {0: {"note": "left a voicemail"}})
    warnings = [w.value for w in second.warning]
    assert (f"Not saved: the follow-up of ticket T4 was changed by local at {when}, after this list was opened. "
            "The list below shows that change now; make yours again if it still applies.") in warnings
    f = followups.get(target, RECOVERY, "C3", "T4")
    assert (f.owner, f.status, f.note, f.version) == ("anna", "called", "", 1)
    assert [e["result"] for e in audit.recent(target)] == ["refused", "ok"]
    # The second session now shows the stored row; its edit on that version is saved.
    shown = editor(second, RECOVERY).value
    assert (shown.loc[0, "owner"], shown.loc[0, "version"]) == ("anna", 1)
    edit(second, RECOVERY, {0: {"note": "left a voicemail"}})
    assert followups.get(target, RECOVERY, "C3", "T4").note == "left a voicemail"


def test_the_recovery_list_with_links_and_the_answers_since_a_call(monkeypatch, tmp_path, own_warehouse):
    _, target = own_warehouse
    config = tmp_path / "cx.toml"
    config.write_text('[links]\nticket_url = "https://acme.zendesk.com/agent/tickets/{ticket_id}"\n'
                      'customer_url = "https://acme.zendesk.com/agent/users/{customer_id}"\n', encoding="utf-8")
    monkeypatch.setenv("CX_CONFIG", str(config))
    # C2 was called about T3 on 25 January; they answered S4 (NPS 5) on 15 February.
    followups.update(target, RECOVERY, "C2", "T3", base_version=0, actor="anna", status="called",
                     at=datetime(2026, 1, 25, 9))
    at = run_app(monkeypatch, target, page=RECOVERY)
    shown = editor(at, RECOVERY).value.set_index("ticket_id")
    assert shown.loc["T4", "why"] == "open 20 days: past the 14-day mark"
    assert shown.loc["T3", "why"] == "resolved, post-ticket CSAT 2"
    assert shown.loc["T3", "ticket_link"] == "https://acme.zendesk.com/agent/tickets/T3"
    assert shown.loc["T3", "customer_link"] == "https://acme.zendesk.com/agent/users/C2"
    assert shown.loc["T3", "since"] == "NPS 5 on 2026-02-15"
    assert shown.loc["T4", "since"] == ""  # not called yet
    text = shown_text(at)
    assert ("Of **1** follow-up marked called or resolved, **1** customer answered a survey since. NPS since: "
            "**-100.0** (1 answer), against -100.0 before (1 answer, each customer's latest before the call): 0.0 "
            "pts, too few to tell (fewer than 30 answers on a side).") in text
    assert_no_nan(at)


def test_a_worked_follow_up_the_dates_no_longer_list(monkeypatch, own_warehouse):
    _, target = own_warehouse
    followups.update(target, RECOVERY, "C9", "T99", base_version=0, actor="anna", owner="anna",
                     why="open 30 days: past the 14-day mark")
    at = run_app(monkeypatch, target, page=RECOVERY)
    shown = editor(at, RECOVERY).value.set_index("ticket_id")
    assert shown.loc["T99", "flagged"] == "no longer"
    assert shown.loc["T99", "why"] == "open 30 days: past the 14-day mark"
    at.toggle(key="followups-recovery-unflagged").set_value(False).run()
    assert editor(at, RECOVERY).value["ticket_id"].tolist() == ["T4", "T3"]
