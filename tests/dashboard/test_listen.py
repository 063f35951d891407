"""The real server: without sign-in it cannot be reached from another machine, whichever way
it is started; with the unsafe flag it can (so the check below can tell the two apart)."""

from __future__ import annotations

import sys

import pytest

from tests.signin_server import ROOT, connects, outside_address, port_in_range, server

REFUSED = "This server listens on 0.0.0.0 and no sign-in is configured, so it shows nothing."


@pytest.fixture
def outside():
    address = outside_address()
    if address is None:
        pytest.skip("this machine has no network address besides loopback")
    return address


def test_python_m_cx_dashboard_listens_on_loopback_only(tmp_path, outside):
    port = port_in_range()
    log = tmp_path / "server.log"
    with server(["--warehouse", str(tmp_path / "none.duckdb")], tmp_path, log, port,
                HOME=str(tmp_path), CX_DASHBOARD_WARMUP="0"):
        assert connects("127.0.0.1", port)
        assert not connects(outside, port)
    assert log.read_text().splitlines()[0] == "local only: no sign-in configured; see docs/deploy.md"


def test_the_unsafe_flag_listens_on_every_address(tmp_path, outside):
    port = port_in_range()
    log = tmp_path / "server.log"
    with server(["--warehouse", str(tmp_path / "none.duckdb"), "--address", "0.0.0.0", "--unsafe-no-sign-in"],
                tmp_path, log, port, HOME=str(tmp_path), CX_DASHBOARD_WARMUP="0"):
        assert connects(outside, port)
        shown = what_a_visit_shows(f"http://127.0.0.1:{port}", "", None)
        assert "There is no warehouse" in shown and REFUSED not in shown  # asked for by name: served
    assert log.read_text().startswith("UNSAFE: listening on 0.0.0.0 with no sign-in")


def test_a_plain_streamlit_run_from_the_repository_is_local_only(tmp_path, outside):
    """.streamlit/config.toml sets server.address: `streamlit run dashboard/app.py` alone is safe."""
    port = port_in_range()
    cmd = [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard" / "app.py"), "--server.port", str(port),
           "--server.headless", "true"]
    with server([], ROOT, tmp_path / "server.log", port, command=cmd, HOME=str(tmp_path),
                CX_WAREHOUSE=str(tmp_path / "none.duckdb")):
        assert connects("127.0.0.1", port)
        assert not connects(outside, port)


def test_a_server_started_otherwise_on_every_address_without_sign_in_shows_nothing(tmp_path):
    port = port_in_range()
    cmd = [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard" / "app.py"), "--server.port", str(port),
           "--server.headless", "true", "--server.address", "0.0.0.0"]
    with server([], ROOT, tmp_path / "server.log", port, command=cmd, HOME=str(tmp_path),
                CX_WAREHOUSE=str(tmp_path / "none.duckdb")):
        for page in ("", "data"):
            shown = what_a_visit_shows(f"http://127.0.0.1:{port}", page, None)
            assert REFUSED in shown and "There is no warehouse" not in shown


# ---------------------------------------------------------------- the warm-up under sign-in


def what_a_visit_shows(base: str, page: str, headers: dict | None) -> str:
    """Everything the server sends a session that opens `page` with these headers, as text."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from websockets.sync.client import connect

    msg = BackMsg()
    msg.rerun_script.page_name = page
    shown = []
    with connect(base.replace("http", "ws") + "/_stcore/stream", subprotocols=["streamlit"],
                 additional_headers=headers, open_timeout=30, max_size=None) as ws:
        ws.send(msg.SerializeToString())
        while True:
            reply = ForwardMsg()
            reply.ParseFromString(ws.recv(timeout=60))
            shown.append(str(reply))
            if reply.WhichOneof("type") == "script_finished":
                return "\n".join(shown)


def test_with_sign_in_the_warm_up_computes_the_pages_and_a_browser_cannot_pass_for_it(tmp_path, own_warehouse):
    from tests.dashboard.test_warmup import QUERY, WARMED, _wait_for

    _, target = own_warehouse
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text("""
[auth]
redirect_uri = "http://localhost:8501/oauth2callback"
cookie_secret = "a-long-random-string-for-the-tests-cookie"
client_id = "cx-dashboard"
client_secret = "unused: nobody signs in here"
server_metadata_url = "http://localhost:9/.well-known/openid-configuration"
""")
    port = port_in_range()
    log = tmp_path / "server.log"
    with server(["--warehouse", str(target)], tmp_path, log, port, HOME=str(tmp_path), CX_DASHBOARD_TIMINGS="1"):
        _wait_for(log, WARMED, 1)
        # The warm-up ran the pages' queries, not the sign-in screen.
        assert "metrics/kpis" in log.read_text()
        base = f"http://127.0.0.1:{port}"
        for headers in (None, {"X-Cx-Warmup": "1"}):  # a reader; one who sends the header without the token
            before = len(QUERY.findall(log.read_text()))
            shown = what_a_visit_shows(base, "segments", headers)
            assert "Sign in with your company account" in shown, headers
            assert "kpis_by_segment" not in shown
            assert len(QUERY.findall(log.read_text())) == before  # no query ran for it
