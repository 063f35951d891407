"""python -m cx: refresh the warehouse, print metrics and rejected rows, start the dashboard."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

from cx import export
from cx.config import ROOT

DEFAULT_WAREHOUSE = ROOT / "data" / "warehouse.duckdb"

EPILOG = """examples:
  python -m cx refresh --data data/sample --warehouse data/warehouse.duckdb
  python -m cx metrics --warehouse data/warehouse.duckdb --start 2026-07-01 --end 2026-09-30 --where region=EU
  python -m cx drivers --warehouse data/warehouse.duckdb --target csat --start 2026-07-01 --format json
  python -m cx recovery --warehouse data/warehouse.duckdb --start 2026-01-01 --format json
  python -m cx rejected --warehouse data/warehouse.duckdb --format csv > rejected.csv
  python -m cx checks --warehouse data/warehouse.duckdb --failed
  python -m cx dashboard --warehouse data/warehouse.duckdb --port 8501   (this machine only without sign-in)

exit codes: 0 done, 1 refresh blocked (the warehouse was left as it was), 2 usage error."""


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (use YYYY-MM-DD)") from None


def _selection_arguments(p: argparse.ArgumentParser) -> None:
    """--start, --end and --where: the window and segment every metric command reads."""
    p.add_argument("--start", type=_date, help="first day, YYYY-MM-DD (default: first day in the data)")
    p.add_argument("--end", type=_date, help="last day, YYYY-MM-DD (default: last day in the data)")
    p.add_argument(
        "--where", action="append", default=[], metavar="COLUMN=VALUE",
        help="keep rows of this segment; repeat a column for either value, other columns must all match",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m cx",
        description="CX analytics: survey, review and ticket exports in, loyalty and service metrics out.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("refresh", help="validate the exports in DATA and publish a new warehouse")
    p.add_argument(
        "--data", required=True, type=Path,
        help="folder with surveys/, reviews/, tickets/ and optionally customers/",
    )
    p.add_argument(
        "--warehouse", required=True, type=Path, help="the DuckDB file to publish (replaced only on success)"
    )
    p.add_argument("--config", type=Path, help="thresholds file (default: config/cx.toml, or $CX_CONFIG)")
    p.add_argument(
        "--full", action="store_true",
        help="read and check every file again (by default a file unchanged since an earlier refresh is reused)",
    )

    p = sub.add_parser("metrics", help="print the KPIs for a window and segment")
    p.add_argument("--warehouse", required=True, type=Path)
    _selection_arguments(p)
    p.add_argument("--format", choices=("json", "table"), default="table")

    p = sub.add_parser("drivers", help="what moves post-ticket CSAT or NPS: key drivers with 95%% intervals")
    p.add_argument("--warehouse", required=True, type=Path)
    p.add_argument("--target", choices=("csat", "nps"), default="csat")
    _selection_arguments(p)
    p.add_argument("--format", choices=("json", "table"), default="table")

    p = sub.add_parser("recovery", help="recovery evidence: the paradox by condition, matched, and behavioural "
                                        "loyalty, with 95%% intervals")
    p.add_argument("--warehouse", required=True, type=Path)
    _selection_arguments(p)
    p.add_argument("--format", choices=("json", "table"), default="table")

    p = sub.add_parser("rejected", help="list the rows the checks rejected, with their reasons")
    p.add_argument("--warehouse", required=True, type=Path)
    p.add_argument("--format", choices=("json", "csv", "table"), default="table")

    p = sub.add_parser("checks", help="print the validation report stored with the last refresh")
    p.add_argument("--warehouse", required=True, type=Path)
    p.add_argument("--format", choices=("json", "csv", "table"), default="table")
    p.add_argument("--failed", action="store_true", help="only the expectations that failed")

    p = sub.add_parser("dashboard", help="start the Streamlit dashboard")
    p.add_argument("--warehouse", type=Path, help="default: $CX_WAREHOUSE, else data/warehouse.duckdb")
    p.add_argument("--port", type=int, default=8501)
    p.add_argument(
        "--address", default=None,
        help="the address to listen on (default 127.0.0.1: this machine only); another, such as 0.0.0.0, "
             "needs sign-in configured (docs/deploy.md) or --unsafe-no-sign-in",
    )
    p.add_argument(
        "--unsafe-no-sign-in", action="store_true",
        help="listen on --address without sign-in: anyone who reaches the port has every role",
    )

    p = sub.add_parser("sample", help="write realistic sample exports (deterministic)")
    p.add_argument("--out", required=True, type=Path)
    p.add_argument(
        "--customers", type=int, default=None, help="how many customers (default: the bundled sample's size)"
    )
    p.add_argument("--tickets", type=int, default=None, help="how many tickets (default: about 2.5 per customer)")
    p.add_argument("--seed", type=int, default=7)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from cx.config import ConfigError
    from cx.errors import UsageError

    try:
        return COMMANDS[args.command](args)
    except (UsageError, ConfigError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `python -m cx rejected | head`: the reader had enough
        sys.stderr.close()
        return 0
    except OSError as exc:  # the machine, not the command: permissions, a full disk, a lost drive
        where = f": {exc.filename}" if exc.filename else ""
        print(f"error: {exc.strerror or exc}{where}", file=sys.stderr)
        return 1
    except Exception as exc:
        duckdb = sys.modules.get("duckdb")
        if duckdb is None or not isinstance(exc, duckdb.Error):
            raise
        # A warehouse that cannot be opened or queried (another program's file, a damaged one).
        print(f"error: {args.warehouse if hasattr(args, 'warehouse') else ''}: "
              f"{(str(exc).strip().splitlines() or [type(exc).__name__])[0]}", file=sys.stderr)
        return 1


def cmd_refresh(args) -> int:
    from cx import audit, warehouse
    from cx.config import load_settings
    from cx.pipeline import progress
    from cx.pipeline.refresh import refresh

    # Every refresh from the command line ends here, and is recorded in the audit trail once
    # (the Data page's refresh is this command, with CX_ACTOR set to who started it).
    actor = audit.command_line_actor()
    target = Path(args.warehouse).resolve()
    # The folder's name, not its path: the trail is shown on the Data page, which shows no server path.
    subject = Path(args.data).resolve().name or str(args.data)
    try:
        shown = progress.for_terminal()
        result = refresh(args.data, args.warehouse, load_settings(args.config), say=shown.say, full=args.full,
                         progress=shown, actor=actor, lock_token=os.environ.get(warehouse.HANDOFF_ENV))
    except BaseException as exc:
        what = "interrupted" if isinstance(exc, KeyboardInterrupt) else (str(exc) or type(exc).__name__)
        if not target.is_dir():
            audit.safe_record(target, actor, "refresh", subject, "failed", what, quiet=True)
        raise
    rejected = sum(s.rejected for s in result.sources.values())
    outcome, detail = audit.refresh_result(result.kind, result.message, rejected)
    if not target.is_dir():  # a folder named as the warehouse: nothing beside it is ours to write
        # A refresh the machine stopped (a folder it cannot write) says so itself, first.
        audit.safe_record(target, actor, "refresh", subject, outcome, detail, quiet=result.kind == "failed")
    if result.published:
        print(result.message)
        return 0
    print(f"refresh blocked: {result.message}", file=sys.stderr)
    print(f"nothing was published; {args.warehouse} was left as it was.", file=sys.stderr)
    return 1


def cmd_metrics(args) -> int:
    from cx.metrics import Selection, kpis, parse_where
    from cx.warehouse import connect_read_only

    selection = Selection(args.start, args.end, parse_where(args.where))
    with connect_read_only(args.warehouse) as con:
        values = kpis(con, selection)
    if args.format == "json":
        print(json.dumps(values, ensure_ascii=False))
    else:
        from cx import catalog

        measures = catalog.load().by_key
        width = max(map(len, values))
        shown = {key: _show(value) for key, value in values.items()}
        value_width = max(map(len, shown.values()))
        for key, text in shown.items():
            label = measures[key].label if key in measures else ""
            print(f"{key:<{width}}  {text:>{value_width}}  {label}".rstrip())
    return 0


def _show(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.2f}"
    return f"{value:,}"


def cmd_drivers(args) -> int:
    from cx.drivers import drivers
    from cx.metrics import Selection, parse_where
    from cx.warehouse import connect_read_only

    selection = Selection(args.start, args.end, parse_where(args.where))
    with connect_read_only(args.warehouse) as con:
        result = drivers(con, args.target, selection)
    if args.format == "json":
        print(json.dumps(result.as_json(), ensure_ascii=False))
        return 0
    print(result.reading)
    if result.drivers:
        print(f"\n{'driver':<22} {'importance':>10}  95% interval   (share of the explained variation; "
              f"R² {result.r2:.2f}, n {result.n:,})")
        for d in result.drivers:
            print(f"{d['driver']:<22} {d['importance']:>10.1%}  {d['low']:.1%}-{d['high']:.1%}")
    return 0


AGREES = {True: "these data agree", False: "these data do not agree", None: "too few answers to tell"}


def cmd_recovery(args) -> int:
    from cx.metrics import Selection, parse_where
    from cx.recovery_evidence import evidence
    from cx.warehouse import connect_read_only

    selection = Selection(args.start, args.end, parse_where(args.where))
    with connect_read_only(args.warehouse) as con:
        result = evidence(con, selection)
    if args.format == "json":
        print(json.dumps(result.as_json(), ensure_ascii=False, default=str))
        return 0
    for f in result.findings:
        print(f"- {f['literature']}: {AGREES[f['agrees']]}. {f['text']}")
    print(f"\n{'condition':<21} {'group':<36} {'recovered':>16} {'NPS after recovery':>22}")
    for c in result.conditions:
        rate = "-" if c["recovery_pct"] is None else (f"{c['recovery_pct']:.1f}% of {c['with_outcome']:,}")
        nps = "-" if c["nps_after_recovery"] is None else (
            f"{c['nps_after_recovery']:.1f} ± {c['nps_after_recovery_moe95'] or 0:.1f} "
            f"(n {c['recovered_loyalty_responses']:,})")
        print(f"{c['condition']:<21} {c['band']:<36} {rate:>16} {nps:>22}")
    print(f"\n{'matched change of the 0-10 answer':<70} {'diff':>6}  95% interval  matched")
    for m in result.matched:
        diff = "-" if m.diff is None else f"{m.diff:+.2f}"
        ci = "-" if m.low is None else f"{m.low:+.2f} to {m.high:+.2f}"
        print(f"{m.label:<70} {diff:>6}  {ci:<12}  {m.matched:,} of {m.cases:,}")
    print(f"\n{'active again within':<20} {'group':<14} {'share':>7}  95% interval  eligible")
    for a in result.activity:
        share = "-" if a["active_pct"] is None else f"{a['active_pct']:.1f}%"
        ci = "-" if a["low"] is None else f"{a['low']:.1f}-{a['high']:.1f}%"
        print(f"{str(a['days']) + ' days':<20} {a['group']:<14} {share:>7}  {ci:<12}  {a['eligible']:,}")
    return 0


def cmd_rejected(args) -> int:
    from cx import sql
    from cx.warehouse import connect_read_only

    with connect_read_only(args.warehouse) as con:
        rows = sql.rows(con, "staging/rejected_list")
    if args.format == "json":
        for r in rows:
            r["record"] = json.loads(r["record"]) if r["record"] else None
        print(json.dumps(rows, ensure_ascii=False, default=str))
    elif args.format == "csv":
        cols = ["source", "file", "line", "column", "value", "reason"]
        export.write_rows(sys.stdout, cols, ([r[c] for c in cols] for r in rows))
    else:
        if not rows:
            print("no rejected rows")
        for r in rows:
            print(f"{r['source']:<9} {r['file']}:{r['line']}  {r['column'] or '-'}: {r['reason']}")
    return 0


def cmd_checks(args) -> int:
    from checks import report
    from cx import sql
    from cx.warehouse import connect_read_only

    with connect_read_only(args.warehouse) as con:
        rows = report.load(con, sql.sql_text("checks/validation_report"))
        refresh_id = rows[0]["refresh_id"] if rows else None
    attempt = report.last_attempt(args.warehouse)
    shown = [r for r in rows if not args.failed or not r["success"]]
    if args.format == "json":
        print(json.dumps(shown, ensure_ascii=False, default=str))
    elif args.format == "csv":
        cols = ["source", "severity", "success", "title", "column", "unexpected_count", "unexpected_pct",
                "observed", "examples", "message", "expectation", "refresh_id"]
        export.write_rows(sys.stdout, cols, (
            [json.dumps(r[c], ensure_ascii=False) if c == "examples" else r[c] for c in cols] for r in shown
        ))
    else:
        print(report.render(rows, refresh_id, attempt, failed_only=args.failed))
    return 0


def dashboard_listen(address: str | None, unsafe: bool, cwd: Path | None = None) -> tuple[str, str]:
    """Where the dashboard will listen and the line to print on start, decided from the
    secrets files the server will read. UsageError when it must not start."""
    from cx import signin
    from cx.config import load_settings
    from cx.errors import UsageError

    try:
        auth, source = signin.read_auth(signin.secrets_files(cwd or Path.cwd(), ROOT / "dashboard"))
    except signin.SigninError as exc:
        raise UsageError(f"the sign-in configuration cannot be read: {exc}") from None
    found = signin.problems(auth)
    if found:  # half a configuration must not quietly fall back to "no sign-in"
        raise UsageError(f"sign-in is configured in part in {source}: {'; '.join(found)} (see {signin.DEPLOY_DOC})")
    address = address or signin.LOOPBACK
    ok, line = signin.may_listen(address, signin.configured(auth), unsafe)
    if not ok:
        raise UsageError(line)
    if signin.configured(auth) and not any(load_settings().access.values()):  # ConfigError: exit 2
        line += "; [access] in the configuration lists nobody yet, so no one signed in is allowed"
    return address, line


def cmd_dashboard(args) -> int:
    warehouse = args.warehouse or Path(os.environ.get("CX_WAREHOUSE") or DEFAULT_WAREHOUSE)
    address, line = dashboard_listen(args.address, args.unsafe_no_sign_in)
    print(line, flush=True)
    env = dict(os.environ, CX_WAREHOUSE=str(Path(warehouse).resolve()))
    from cx.signin import UNSAFE_ENV

    env.pop(UNSAFE_ENV, None)  # only this run's flag counts, not one left in the shell
    if args.unsafe_no_sign_in:
        env[UNSAFE_ENV] = "1"
    # serve.py is `streamlit run dashboard/app.py` with pandas and DuckDB imported before the
    # server listens, so the first reader does not wait for them.
    cmd = [
        sys.executable, str(ROOT / "dashboard" / "serve.py"),
        "--server.port", str(args.port), "--server.address", address, "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
    ]
    if os.name == "posix":
        # The server replaces this process: stopping `python -m cx dashboard` (Ctrl-C, a
        # terminate from a supervisor or a test) stops the server, not just its parent.
        sys.stdout.flush()
        os.execve(sys.executable, cmd, env)
    return subprocess.call(cmd, env=env)


def cmd_sample(args) -> int:
    from simulator.generator import generate

    kwargs = {"seed": args.seed, "tickets": args.tickets}
    if args.customers is not None:
        kwargs["customers"] = args.customers
    summary = generate(args.out, **kwargs)
    for source, rows in summary.items():
        if source != "files":
            print(f"{source:<10} {rows:,} rows")
    print(f"wrote {len(summary.get('files', []))} files under {args.out}")
    return 0


COMMANDS = {
    "refresh": cmd_refresh,
    "metrics": cmd_metrics,
    "drivers": cmd_drivers,
    "recovery": cmd_recovery,
    "rejected": cmd_rejected,
    "checks": cmd_checks,
    "dashboard": cmd_dashboard,
    "sample": cmd_sample,
}
