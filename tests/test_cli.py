"""The command line as a script uses it: exit codes, JSON shapes, messages."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cx.metrics import KPI_KEYS
from tests.server import answers, dashboard_server

ROOT = Path(__file__).resolve().parent.parent


def cx(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cx", *map(str, args)], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_help_reads_well():
    out = cx("--help")
    assert out.returncode == 0
    for command in ("refresh", "metrics", "drivers", "rejected", "dashboard", "sample"):
        assert command in out.stdout


def test_refresh_prints_stages_and_publishes(tmp_path):
    target = tmp_path / "w.duckdb"
    out = cx("refresh", "--data", ROOT / "tests/fixtures/small", "--warehouse", target)
    assert out.returncode == 0, out.stderr
    for stage in ("[1/5] read", "[2/5] check", "[3/5] stage", "[4/5] model", "[5/5] publish"):
        assert stage in out.stdout
    assert "1 row updated by later files" in out.stdout
    assert target.exists()


def test_metrics_json_has_exactly_the_contract_keys(small_warehouse):
    out = cx("metrics", "--warehouse", small_warehouse, "--format", "json", "--where", "region=EU")
    assert out.returncode == 0, out.stderr
    values = json.loads(out.stdout)
    assert list(values)[: len(KPI_KEYS)] == list(KPI_KEYS)
    assert values["tickets"] == 5
    assert all(v is None or isinstance(v, (int, float)) for v in values.values())


def test_metrics_json_empty_window_is_null(small_warehouse):
    out = cx(
        "metrics", "--warehouse", small_warehouse, "--format", "json", "--start", "2030-01-01", "--end", "2030-01-02"
    )
    values = json.loads(out.stdout)
    assert values["nps"] is None and values["responses"] == 0
    assert "null" in out.stdout and "NaN" not in out.stdout


def test_metrics_table_format(small_warehouse):
    out = cx("metrics", "--warehouse", small_warehouse)
    assert out.returncode == 0
    assert any(line.split()[:2] == ["tickets", "7"] for line in out.stdout.splitlines())


@pytest.mark.parametrize(
    "args, message",
    [
        (["metrics", "--warehouse", "W", "--where", "planet=Mars"], "unknown column 'planet'"),
        (["metrics", "--warehouse", "W", "--where", "region"], "COLUMN=VALUE"),
        (["metrics", "--warehouse", "W", "--start", "2026-13-01"], "is not a date"),
        (["metrics", "--warehouse", "W", "--start", "2026-02-01", "--end", "2026-01-01"], "is after"),
        (["metrics", "--warehouse", "/nonexistent/w.duckdb"], "no warehouse"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_usage_errors_exit_2(small_warehouse, args, message):
    out = cx(*[str(small_warehouse) if a == "W" else a for a in args])
    assert out.returncode == 2
    assert message in out.stderr
    assert "Traceback" not in out.stderr


def test_blocked_refresh_exits_1_and_leaves_the_warehouse(tmp_path, small_warehouse):
    target = tmp_path / "w.duckdb"
    target.write_bytes(small_warehouse.read_bytes())
    before = target.read_bytes()
    data = tmp_path / "data"
    (data / "surveys").mkdir(parents=True)
    (data / "surveys" / "s.csv").write_text("response_id,submitted_at\nR1,2026-01-01\n", encoding="utf-8")
    out = cx("refresh", "--data", data, "--warehouse", target)
    assert out.returncode == 1
    assert "refresh blocked" in out.stderr and "Traceback" not in out.stderr
    assert target.read_bytes() == before


def test_rejected_formats(tmp_path, data_copy):
    with (data_copy / "surveys" / "surveys.csv").open("a", encoding="utf-8") as fh:
        fh.write("S11,C1,2026-01-20 10:00:00,,,7,,,\n")
    target = tmp_path / "w.duckdb"
    assert cx("refresh", "--data", data_copy, "--warehouse", target).returncode == 0
    rows = json.loads(cx("rejected", "--warehouse", target, "--format", "json").stdout)
    assert rows == [
        {
            "source": "surveys", "file": "surveys/surveys.csv", "line": 12, "column": "csat",
            "value": "7", "reason": "csat 7 is outside 1-5", "record": rows[0]["record"],
        }
    ]
    assert rows[0]["record"]["response_id"] == "S11"
    assert isinstance(rows[0]["line"], int)  # 12, not 12.0
    shown = cx("rejected", "--warehouse", target, "--format", "table").stdout
    assert "surveys/surveys.csv:12  csat" in shown, shown
    table = list(csv.DictReader(io.StringIO(cx("rejected", "--warehouse", target, "--format", "csv").stdout)))
    assert table[0]["line"] == "12" and table[0]["reason"] == "csat 7 is outside 1-5"
    # The rejected row is counted nowhere.
    values = json.loads(cx("metrics", "--warehouse", target, "--format", "json").stdout)
    assert values["responses"] == 10


def test_dashboard_server_is_the_process_started(tmp_path):
    """`python -m cx dashboard` becomes the server: stopping it (SIGTERM) leaves no server behind."""
    if os.name != "posix":
        pytest.skip("exec is POSIX")
    with dashboard_server(tmp_path / "none.duckdb", tmp_path / "server.log", CX_DASHBOARD_WARMUP="0") as base:
        assert answers(base)
    time.sleep(0.5)
    assert not answers(base)  # nobody listens on the port any more


def test_links_must_be_urls_holding_their_id(tmp_path):
    from cx.config import ConfigError, link, load_settings

    good = tmp_path / "good.toml"
    good.write_text('[links]\nticket_url = "https://acme.zendesk.com/agent/tickets/{ticket_id}"\n', encoding="utf-8")
    settings = load_settings(good)
    assert link(settings.links["ticket_url"], ticket_id="T 5/x") == "https://acme.zendesk.com/agent/tickets/T%205%2Fx"
    assert link(None, ticket_id="T5") is None and link(settings.links["ticket_url"], ticket_id=None) is None
    assert "links" not in settings.as_row()  # display only: never part of the warehouse's settings
    for bad in ('ticket_url = "https://acme.zendesk.com/agent/tickets/"',
                'ticket_url = "javascript:alert({ticket_id})"', 'agent_url = "https://x/{agent}"'):
        (tmp_path / "bad.toml").write_text(f"[links]\n{bad}\n", encoding="utf-8")
        with pytest.raises(ConfigError, match=r"\[links\]"):
            load_settings(tmp_path / "bad.toml")
