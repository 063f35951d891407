"""The follow-up store (cx/followups.py) and the queries behind the follow-up list, by hand on
the small fixture: owner, status, note and their history; an edit based on an old version
refused (one connection after another, and two threads at once); nothing personal in the audit
trail; the state kept, neither lost nor doubled, over two runs of the real `cx refresh`; the
answers since a call; the CSV's whole days."""

from __future__ import annotations

import contextlib
import csv
import io
import shutil
import sqlite3
import threading
from datetime import date, datetime

import duckdb
import pytest
from conftest import SMALL, build

from cx import audit, followups, sql, state
from cx.cli import main as cli_main
from cx.metrics import segment_filter

NOW = datetime(2025, 6, 2, 11, 42, 5)  # a past day: a message names its date


@pytest.fixture
def target(tmp_path):
    """A warehouse path whose state files start empty (the store needs no warehouse)."""
    return tmp_path / "w.duckdb"


def test_assign_status_note_and_history(target):
    f = followups.assign(target, "recovery", "C2", "T3", owner="  anna ", base_version=0, actor="lead@acme.example",
                         why="resolved, post-ticket CSAT 2", at=NOW)
    assert (f.owner, f.status, f.note, f.version, f.why) == ("anna", "to call", "", 1, "resolved, post-ticket CSAT 2")
    assert (f.updated_by, f.updated_at, f.contacted_at) == ("lead@acme.example", "2025-06-02T11:42:05Z", None)
    f = followups.set_status(target, "recovery", "C2", "T3", status="Called", base_version=1, actor="anna",
                             at=datetime(2026, 12, 3, 12, 0))
    assert (f.status, f.version, f.contacted_at) == ("called", 2, "2026-12-03T12:00:00Z")
    f = followups.set_note(target, "recovery", "C2", "T3", note="Left a voicemail", base_version=2, actor="anna",
                           at=datetime(2026, 12, 3, 12, 5))
    # called -> resolved keeps the moment of the call: the later score counts from it.
    f = followups.set_status(target, "recovery", "C2", "T3", status="resolved", base_version=3, actor="anna",
                             at=datetime(2026, 12, 4, 9, 0))
    assert (f.status, f.note, f.version, f.contacted_at) == ("resolved", "Left a voicemail", 4, "2026-12-03T12:00:00Z")
    # Unchanged values are no change: no new version, no history line.
    same = followups.update(target, "recovery", "C2", "T3", base_version=4, actor="ben", owner="anna",
                            status="resolved")
    assert same.version == 4
    history = followups.history(target, "recovery", "C2", "T3")
    assert [(h["actor"], h["field"], h["old"], h["new"]) for h in history] == [
        ("anna", "status", "called", "resolved"),
        ("anna", "note", "", "Left a voicemail"),
        ("anna", "status", "to call", "called"),
        ("lead@acme.example", "owner", "", "anna"),
    ]
    assert history[-1]["at"] == "2025-06-02T11:42:05Z"
    # Back to 'to call': the contact is undone.
    f = followups.set_status(target, "recovery", "C2", "T3", status="to call", base_version=4, actor="anna")
    assert (f.version, f.contacted_at) == (5, None)
    assert list(followups.listing(target, "recovery")) == [("recovery", "C2", "T3")]
    assert followups.listing(target, "high_expectation") == {}


def test_a_candidate_nobody_worked_on_is_not_stored(target):
    f = followups.get(target, "high_expectation", "C1")
    assert (f.status, f.owner, f.version, f.ticket_id) == ("to call", "", 0, "")
    assert not state.path(target, followups.NAME).exists()  # reading writes nothing


def test_bad_values_are_refused_and_nothing_is_stored(target):
    with pytest.raises(ValueError, match="status must be one of to call, called, resolved"):
        followups.set_status(target, "recovery", "C2", "T3", status="done", base_version=0, actor="anna")
    with pytest.raises(ValueError, match="a note of at most 2,000 characters"):
        followups.set_note(target, "recovery", "C2", "T3", note="x" * 2001, base_version=0, actor="anna")
    with pytest.raises(ValueError, match="unknown follow-up list"):
        followups.set_note(target, "promises", "C2", None, note="x", base_version=0, actor="anna")
    assert followups.listing(target, "recovery") == {}
    assert followups.history(target, "recovery") == []


def test_an_edit_on_an_old_version_is_refused_with_who_and_when(target):
    # Two sessions opened the list when the row was new (version 0); anna saves first.
    followups.assign(target, "high_expectation", "C1", owner="anna", base_version=0, actor="anna@acme.example",
                     at=NOW)
    with pytest.raises(followups.Conflict) as refused:
        followups.set_status(target, "high_expectation", "C1", status="called", base_version=0,
                             actor="ben@acme.example")
    assert str(refused.value) == ("high_expectation customer C1 was changed by anna@acme.example at 2025-06-02 "
                                  "11:42 UTC; reload to see it")
    assert (refused.value.by, refused.value.at) == ("anna@acme.example", "2025-06-02T11:42:05Z")
    # Nothing of ben's edit was applied.
    f = followups.get(target, "high_expectation", "C1")
    assert (f.owner, f.status, f.version) == ("anna", "to call", 1)
    assert len(followups.history(target, "high_expectation")) == 1
    # The refusal is in the audit trail; then ben, reloaded (version 1), saves.
    assert audit.recent(target)[0]["result"] == "refused"
    f = followups.set_status(target, "high_expectation", "C1", status="called", base_version=1,
                             actor="ben@acme.example")
    assert (f.owner, f.status, f.version, f.updated_by) == ("anna", "called", 2, "ben@acme.example")


def test_the_message_says_only_the_time_for_today():
    assert followups.shown_time("2026-12-03T11:42:05Z", today=datetime(2026, 12, 3, 18)) == "11:42 UTC"
    assert followups.shown_time("2026-12-02T11:42:05Z", today=datetime(2026, 12, 3, 18)) == "2026-12-02 11:42 UTC"


def test_two_threads_editing_the_same_rows_at_once(target):
    # Each thread has its own connection (as each Streamlit session does); both start from the
    # version they read, and they meet at a barrier before writing. Exactly one of each pair wins.
    followups.connect(target).close()  # the file and its tables exist before the race
    rounds = 12
    outcome: dict[tuple[int, str], str] = {}
    barrier = threading.Barrier(2)

    def session(name: str) -> None:
        for i in range(rounds):
            base = followups.get(target, "recovery", f"C{i}", f"T{i}").version
            barrier.wait()
            try:
                followups.assign(target, "recovery", f"C{i}", f"T{i}", owner=name, base_version=base, actor=name)
            except followups.Conflict as exc:
                outcome[i, name] = f"refused: {exc.by}"
            else:
                outcome[i, name] = "saved"

    threads = [threading.Thread(target=session, args=(n,)) for n in ("anna", "ben")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    stored = followups.listing(target, "recovery")
    assert len(stored) == rounds
    for i in range(rounds):
        results = sorted((outcome[i, "anna"], outcome[i, "ben"]))
        winner = stored["recovery", f"C{i}", f"T{i}"].owner
        loser = "ben" if winner == "anna" else "anna"
        assert results == sorted(["saved", f"refused: {winner}"]), (i, results)
        assert outcome[i, loser] == f"refused: {winner}"
        assert stored["recovery", f"C{i}", f"T{i}"].version == 1
    assert len(followups.history(target, "recovery", limit=1000)) == rounds


def test_a_write_waits_for_another_writer_instead_of_failing(target):
    followups.connect(target).close()
    blocker = sqlite3.connect(state.path(target, followups.NAME), isolation_level=None)
    blocker.execute("begin immediate")
    done = threading.Event()

    def write():
        followups.assign(target, "recovery", "C2", "T3", owner="anna", base_version=0, actor="anna")
        done.set()

    t = threading.Thread(target=write)
    t.start()
    assert not done.wait(0.5)  # held by the other writer
    blocker.execute("commit")
    blocker.close()
    t.join(timeout=10)
    assert done.is_set() and followups.get(target, "recovery", "C2", "T3").owner == "anna"


def test_no_personal_data_in_the_audit_trail(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(SMALL, data)
    target = tmp_path / "w.duckdb"
    assert build(data, target).published
    with duckdb.connect(str(target), read_only=True) as con:
        digest = con.execute("select email_sha256 from stg_customers where customer_id = 'C1'").fetchone()[0]
    assert digest
    note = "Called c1@example.com on +98 912 000 0000: wants a refund"
    f = followups.update(target, "high_expectation", "C1", base_version=0, actor="lead@acme.example", owner="anna",
                         status="called", note=note, why="follow up on the 1-star review on Trustpilot")
    followups.set_note(target, "high_expectation", "C1", note="", base_version=f.version, actor="lead@acme.example")
    entries = audit.recent(target)
    assert [(e["action"], e["subject"], e["result"]) for e in entries] == [
        ("follow-up", "high_expectation customer C1", "ok"),
        ("follow-up", "high_expectation customer C1", "ok"),
    ]
    assert entries[1]["detail"] == "owner: (none) -> anna; status: to call -> called; note added"
    assert entries[0]["detail"] == "note removed"
    text = repr(entries)
    for secret in ("c1@example.com", "+98 912", "refund", str(digest)):
        assert secret not in text
    # The note itself is kept where it belongs, in the follow-up's own history.
    assert followups.history(target, "high_expectation", "C1")[1]["new"] == note


def _refresh(data, target) -> None:
    """The real command line's refresh (exit 0: published)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = cli_main(["refresh", "--data", str(data), "--warehouse", str(target)])
    assert code == 0, out.getvalue()


def _candidates(target) -> tuple[list[dict], list[dict]]:
    with duckdb.connect(str(target), read_only=True) as con:
        params = {"start": None, "end": None, "f": segment_filter({}), "limit": None}
        return (sql.rows(con, "metrics/followup_recovery", **params),
                sql.rows(con, "metrics/at_risk_customers", **params, recent_days=30))


def test_follow_ups_survive_two_refreshes(tmp_path):
    from dashboard import followup_panel

    data = tmp_path / "data"
    shutil.copytree(SMALL, data)
    target = tmp_path / "wh" / "warehouse.duckdb"
    _refresh(data, target)
    failures, at_risk = _candidates(target)
    assert [r["ticket_id"] for r in failures] == ["T4", "T3"]
    assert [r["customer_id"] for r in at_risk] == ["C1", "C2"]
    t4, t3 = failures
    f = followups.update(target, "recovery", t4["customer_id"], t4["ticket_id"], base_version=0, actor="anna",
                         owner="anna", status="called", note="promised a fix by Friday", why=t4["why"])
    followups.update(target, "recovery", t3["customer_id"], t3["ticket_id"], base_version=0, actor="ben",
                     owner="ben")
    followups.update(target, "high_expectation", "C1", base_version=0, actor="anna", status="resolved")
    before = {k: followups.listing(target, k) for k in followups.KINDS}

    # 1: the same exports again; 2: next month's tickets added (a new open failure for C4).
    _refresh(data, target)
    (data / "tickets" / "tickets-2026-03.csv").write_text(
        "ticket_id,customer_id,created_at,first_response_at,resolved_at,type\n"
        "T10,C4,2026-02-20T09:00:00Z,,,complaint\n", encoding="utf-8")
    _refresh(data, target)

    after = {k: followups.listing(target, k) for k in followups.KINDS}
    assert after == before
    failures, at_risk = _candidates(target)
    assert [r["ticket_id"] for r in failures] == ["T4", "T10", "T3"]
    listed = followup_panel.worklist("recovery", _frame(failures), after["recovery"])
    rows = {r["ticket_id"]: r for r in listed.to_dict("records")}
    assert len(listed) == 3  # no follow-up doubled
    assert (rows["T4"]["owner"], rows["T4"]["status"], rows["T4"]["note"], rows["T4"]["version"]) == (
        "anna", "called", "promised a fix by Friday", f.version)
    assert (rows["T3"]["owner"], rows["T3"]["status"]) == ("ben", "to call")
    assert (rows["T10"]["owner"], rows["T10"]["status"], rows["T10"]["version"]) == ("", "to call", 0)
    assert followups.get(target, "high_expectation", "C1").status == "resolved"


def _frame(rows: list[dict]):
    import pandas as pd

    return pd.DataFrame(rows)


# ---------------------------------------------------------------- the queries by hand


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    target = tmp_path_factory.mktemp("fu") / "w.duckdb"
    assert build(SMALL, target).published
    with duckdb.connect(str(target), read_only=True) as c:
        yield c


def test_the_failures_to_follow_up_by_hand(con):
    rows = sql.rows(con, "metrics/followup_recovery", start=date(2026, 1, 5), end=date(2026, 2, 25),
                    f=segment_filter({}), limit=None)
    # T4: a problem open since 1 Feb 10:00 at the as-of time (T7 resolved 21 Feb 10:30): 20 whole
    # days, past the 14-day rule. T3: a complaint resolved with post-ticket CSAT 2 (S3). T1 and T7
    # were recovered (CSAT 5 and 4).
    assert [(r["ticket_id"], r["customer_id"], r["why"], r["open_days"], r["resolution_days"]) for r in rows] == [
        ("T4", "C3", "open 20 days: past the 14-day mark", 20, None),
        ("T3", "C2", "resolved, post-ticket CSAT 2", None, 2),
    ]
    assert [r["post_csat"] for r in rows] == [None, 2] and rows[0]["matching"] == 2


def test_open_days_of_customers_at_risk_are_whole_days(tmp_path, data_copy):
    with (data_copy / "tickets" / "tickets-2026-02.csv").open("a", encoding="utf-8") as fh:
        fh.write("T9,C2,2026-02-11T09:00:00Z,2026-02-11T10:00:00Z,,complaint,,,,,,,,,,,open\n")
    target = tmp_path / "w.duckdb"
    assert build(data_copy, target).published
    with duckdb.connect(str(target), read_only=True) as c:
        rows = sql.rows(c, "metrics/at_risk_customers", start=None, end=None, f=segment_filter({}), recent_days=30,
                        limit=None)
    # Open from 11 Feb 09:00 to the as-of time 21 Feb 10:30: 10.06 days, 10 whole days.
    assert (rows[0]["customer_id"], rows[0]["ticket_id"], rows[0]["oldest_open_days"]) == ("C2", "T9", 10)
    assert isinstance(rows[0]["oldest_open_days"], int)
    assert rows[0]["needs"].startswith("resolve failure ticket T9 (open 10 days)")


def test_answers_since_a_call_by_hand(con):
    # Follow-up 1: C2 called on 25 Jan; their next answer is S4 (15 Feb, NPS 5), the one before S3
    # (NPS 3, CSAT 2). Follow-up 2: C1 called on 7 Jan; next S2 (12 Jan, CSAT 3, no NPS), before
    # S1 (NPS 10, CSAT 5). Follow-up 3: C4 called after their last answer: nothing since.
    rows = sql.rows(con, "metrics/followup_later_scores", followup_ids=[1, 2, 3], customer_ids=["C2", "C1", "C4"],
                    since=[datetime(2026, 1, 25, 9), datetime(2026, 1, 7, 9), datetime(2026, 2, 10)])
    per = {r["followup_id"]: r for r in rows if r["followup_id"] is not None}
    assert (per[1]["answered_at"], per[1]["nps_since"], per[1]["csat_since"]) == (datetime(2026, 2, 15, 10), 5, None)
    assert (per[1]["nps_before"], per[1]["csat_before"]) == (3, 2)
    assert (per[2]["answered_at"], per[2]["nps_since"], per[2]["csat_since"]) == (datetime(2026, 1, 12, 9), None, 3)
    assert (per[2]["nps_before"], per[2]["csat_before"]) == (10, 5)
    assert per[3]["answered_at"] is None and per[3]["nps_before"] == 8  # S6, 4 Feb
    total = next(r for r in rows if r["followup_id"] is None)
    assert (total["followups"], total["answered"]) == (3, 2)
    # Since: one NPS (5, a detractor): -100. Before: 3, 10, 8: (1 - 1) / 3 = 0.
    assert (total["nps_since_responses"], total["nps_since_score"]) == (1, -100.0)
    assert (total["nps_before_responses"], total["nps_before_score"]) == (3, 0.0)
    # CSAT since: 3 (not satisfied): 0%. Before: 2 and 5 (S6 has CSAT 4 too: C4's latest): 2 of 3.
    assert (total["csat_since_responses"], total["csat_since_pct"]) == (1, 0.0)
    assert (total["csat_before_responses"], total["csat_before_pct"]) == (3, pytest.approx(200 / 3))


def test_the_reading_of_answers_since_is_honest_about_few_answers(con):
    from dashboard import followup_panel

    later = sql.frame(con, "metrics/followup_later_scores", followup_ids=[1, 2, 3], customer_ids=["C2", "C1", "C4"],
                      since=[datetime(2026, 1, 25, 9), datetime(2026, 1, 7, 9), datetime(2026, 2, 10)])
    text = followup_panel.later_reading("recovery", later)
    assert text.startswith("Of **3** follow-ups marked called or resolved, **2** customers answered a survey since.")
    assert "NPS since: **-100.0** (1 answer), against 0.0" in text
    assert "-100.0 pts, too few to tell (fewer than 30 answers on a side)" in text
    assert "CSAT since: 0.0% (1 answer) against 66.7% before (3 answers): too few to tell." in text
    assert "too few" not in followup_panel.later_reading("recovery", later, min_n=1)
    assert "marked called or resolved yet" in followup_panel.later_reading("recovery", later.iloc[0:0])


def test_the_csv_has_whole_days_dates_and_readable_headers(tmp_path, con):
    from dashboard import followup_panel

    rows = sql.frame(con, "metrics/followup_recovery", start=None, end=None, f=segment_filter({}), limit=None)
    target = tmp_path / "w.duckdb"
    followups.update(target, "recovery", "C3", "T4", base_version=0, actor="anna", owner="anna", status="called",
                     at=datetime(2026, 2, 2, 9))
    stored = followups.listing(target, "recovery")
    listed = followup_panel.worklist("recovery", rows, stored)
    links = {"ticket_url": "https://acme.zendesk.com/agent/tickets/{ticket_id}"}
    out = followup_panel.export_frame("recovery", listed, links)
    from cx import export

    table = list(csv.DictReader(io.StringIO(export.frame_csv(out).decode("utf-8"))))
    assert list(table[0]) == [
        "Ticket", "Ticket page", "Customer", "Created", "Type", "Priority", "Team", "Why", "Post-ticket CSAT",
        "NPS after the failure", "Open (days)", "Resolved in (days)", "Region", "Tier", "Product", "Owner", "Status",
        "Note", "Changed by", "Changed at (UTC)", "Called or resolved on", "Answered a survey on", "NPS since",
        "CSAT since", "NPS before", "On the list now",
    ]
    t4, t3 = table
    assert (t4["Ticket"], t4["Created"], t4["Open (days)"], t4["Resolved in (days)"]) == ("T4", "2026-02-01", "20", "")
    assert (t3["Post-ticket CSAT"], t3["Resolved in (days)"], t3["Open (days)"]) == ("2", "2", "")
    assert t4["Ticket page"] == "https://acme.zendesk.com/agent/tickets/T4"
    assert (t4["Owner"], t4["Status"], t4["Changed at (UTC)"], t4["Called or resolved on"]) == (
        "anna", "called", "2026-02-02 09:00 UTC", "2026-02-02")
    assert (t3["Owner"], t3["Status"], t3["Changed by"], t3["On the list now"]) == ("", "to call", "", "yes")
    assert "Customer page" not in t4  # no customer_url template
