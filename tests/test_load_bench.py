"""The load benchmark's own arithmetic (benchmarks/load.py), by hand: what counts as a stale
read, how long each publish took to reach the sessions, the percentiles, and the extra ticket
that moves the data's as-of time. The benchmark itself is run by hand, not by the tests."""

from __future__ import annotations

import csv

import pytest

from benchmarks import load
from benchmarks.load import Publish, Read, Run

OLD, NEW = "2026-10-31 23:45 UTC", "2026-11-01 17:48 UTC"
PUBLISHES = [Publish(0.0, "r1", OLD), Publish(100.0, "r2", NEW), Publish(200.0, "r3", OLD)]


def read(session: int, clicked: float, as_of: str, response: float = 0.5) -> Read:
    return Read(session, clicked, clicked + response, response, as_of)


def test_a_read_is_stale_only_past_the_grace_after_a_publish():
    reads = [
        read(0, 50.0, OLD),    # before the second publish: the old data is right
        read(0, 104.0, OLD),   # 4 s after it: within the grace
        read(1, 106.0, OLD),   # 6 s after it, still the old data: stale
        read(1, 106.5, NEW),   # the new data: fine
        read(2, 150.0, load.NOT_SHOWN),  # no freshness line: an error of its own, not a stale read
        read(2, 203.0, NEW),   # 3 s after the third publish: within the grace
        read(2, 210.0, NEW),   # 10 s after it, the second's data: stale
    ]
    assert [(r.session, r.clicked) for r in load.stale_reads(reads, PUBLISHES, 5.0)] == [
        (1, 106.0), (2, 210.0)]
    assert load.stale_reads(reads, PUBLISHES, 20.0) == []
    # Clicked 30 s after r1 and done after r2 was published: r2's data is ahead, not stale;
    # r3's data (published after it was done) would be.
    ahead = [read(0, 99.5, NEW, 1.0), read(0, 99.5, OLD, 1.0), read(0, 199.0, "2026-12-01 00:00 UTC", 0.5)]
    assert [(r.clicked, r.as_of) for r in load.stale_reads(ahead, PUBLISHES, 5.0)] == [
        (199.0, "2026-12-01 00:00 UTC")]
    assert load.stale_reads([read(0, -1.0, NEW)], PUBLISHES, 5.0) == []  # before anything was seen


def test_each_publish_reaches_each_session_at_its_first_read_of_it():
    reads = [
        read(0, 101.0, OLD, 1.0),  # clicked after the publish, but the old data: not yet
        read(0, 103.0, NEW, 1.0),  # done at 104: 4 s
        read(0, 120.0, NEW, 1.0),  # later reads do not count
        read(1, 99.0, NEW, 2.0),   # clicked before the publish: not a read of it
        read(1, 101.5, NEW, 0.5),  # done at 102: 2 s
        read(1, 205.0, OLD, 1.0),  # the third publish: 6 s
    ]
    second, third = load.publish_lags(reads, PUBLISHES, sessions=3)
    assert (second["refresh_id"], second["lags"], second["missed"]) == ("r2", {0: 4.0, 1: 2.0}, [2])
    assert (third["lags"], third["missed"]) == ({1: 6.0}, [0, 2])


def test_percentiles_interpolate_between_ranks():
    values = [1.0, 2.0, 3.0, 4.0, 10.0]
    assert load.percentile(values, 50) == 3.0
    assert load.percentile(values, 95) == pytest.approx(4.0 + 0.8 * 6.0)
    assert load.percentile(values, 100) == 10.0 and load.percentile(values, 0) == 1.0
    assert load.percentile([], 50) is None
    assert load.percentile([7.0], 95) == 7.0


def test_the_summary_counts_errors_by_kind_and_stale_reads():
    run = Run(reads=[read(0, 50.0, OLD, 0.4), read(0, 110.0, OLD, 1.2)], publishes=PUBLISHES[:2],
              errors=[(0, "timeout", "x"), (1, "timeout", "y"), (1, "exception shown", "z")])
    s = load.summary(run, sessions=2, seconds=60, grace_s=5.0, server_tracebacks=1)
    assert (s["changes"], s["errors"], s["stale"], s["server_tracebacks"]) == (2, 3, 1, 1)
    assert s["by_kind"] == {"timeout": 2, "exception shown": 1}
    assert (s["p50"], s["max"]) == (pytest.approx(0.8), 1.2)


def test_the_extra_ticket_comes_a_day_after_the_newest(tmp_path):
    tickets = tmp_path / "tickets"
    tickets.mkdir()
    header = ["ticket_id", "customer_id", "created_at", "first_response_at", "resolved_at", "team"]
    rows = {"a.csv": [["T1", "C1", "2026-10-31T17:48:09Z", "2026-10-31T18:00:00Z", "", "Billing"],
                      ["T2", "C2", "2026-09-02T05:54:52Z", "", "", "Support"]],
            "b.csv": [["T3", "C3", "2026-10-30T08:00:00Z", "", "2026-10-30T09:00:00Z", "Support"]]}
    for name, part in rows.items():
        with (tickets / name).open("w", newline="", encoding="utf-8") as fh:
            csv.writer(fh).writerows([header, *part])
    got_header, row = load.extra_ticket(tickets)
    assert got_header == header
    assert row == [load.EXTRA_TICKET, "C1", "2026-11-01T17:48:09Z", "", "", "Billing"]


def test_the_bundled_samples_extra_ticket_moves_the_as_of_time(tmp_path):
    a, b, target = load.prepare(tmp_path)
    assert sorted(p.name for p in (b / "tickets").iterdir()) == sorted(
        [p.name for p in (a / "tickets").iterdir()] + ["tickets-load-extra.csv"])
    with (b / "tickets" / "tickets-load-extra.csv").open(encoding="utf-8") as fh:
        extra = list(csv.DictReader(fh))
    assert len(extra) == 1 and extra[0]["ticket_id"] == load.EXTRA_TICKET
    assert extra[0]["created_at"] > max(
        r["created_at"] for f in (a / "tickets").glob("*.csv") for r in csv.DictReader(f.open(encoding="utf-8")))
    assert target.parent == tmp_path and not target.exists()


def test_a_websocket_run_is_read_to_its_end():
    import asyncio

    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    def element(kind: str, **fields) -> bytes:
        msg = ForwardMsg()
        part = getattr(msg.delta.new_element, kind)
        for key, value in fields.items():
            setattr(part, key, value)
        return msg.SerializeToString()

    finished = ForwardMsg()
    finished.script_finished = ForwardMsg.FINISHED_SUCCESSFULLY
    late = ForwardMsg()
    late.session_status_changed.script_is_running = False

    class Socket:
        def __init__(self):
            self.sent, self.replies = [], [
                element("button_group", id="$$ID-abc-quick_range"),
                element("markdown", body="Data as of **2026-10-31 23:45 UTC** · last refresh 2026-12-03 09:00 UTC"),
                element("markdown", body="**01 Oct 2026 – 31 Oct 2026 (31 days)** (changes against the last period)"),
                element("exception", type="KeyError", message="'nps'"),
                finished.SerializeToString(), late.SerializeToString()]

        async def send(self, data):
            self.sent.append(data)

        async def recv(self):
            return self.replies.pop(0)

    ws = Socket()
    got = asyncio.run(load.ws_run(ws, "segments", "$$ID-abc-quick_range", "All data"))
    assert (got.as_of, got.window, got.pills, got.status) == (
        "2026-10-31 23:45 UTC", "01 Oct 2026 – 31 Oct 2026 (31 days)", "$$ID-abc-quick_range", 0)
    assert got.problems == [("exception shown", "KeyError: 'nps'")]
    sent = BackMsg()
    sent.ParseFromString(ws.sent[0])
    assert sent.rerun_script.page_name == "segments"
    [state] = sent.rerun_script.widget_states.widgets
    assert (state.id, list(state.string_array_value.data)) == ("$$ID-abc-quick_range", ["All data"])
    assert len(ws.replies) == 1  # what follows the run's end is left for the next one
