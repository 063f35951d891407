"""Reading the validation report back (`python -m cx checks`, the analysts' page).

No Great Expectations here: the report is a plain table in the warehouse.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from checks import query_text

STATUS = {"block": "FAIL", "reject": "REJECT", "warn": "WARN"}


def load(con: duckdb.DuckDBPyConnection, query: str | None = None) -> list[dict]:
    """The report rows, failures first; [] for a warehouse built before reports existed.
    `query` is queries/checks/validation_report.sql's text when not given."""
    try:
        cur = con.execute(query or query_text("checks/validation_report"))
    except duckdb.CatalogException:
        return []
    cols = [d[0] for d in cur.description]
    rows = [dict(zip(cols, r, strict=False)) for r in cur.fetchall()]
    for r in rows:
        r["examples"] = json.loads(r["examples"]) if r["examples"] else []
    return rows


def last_attempt(target: Path) -> dict | None:
    """The last refresh attempt logged beside the warehouse (published or blocked)."""
    log = target.with_name(target.name + ".log.jsonl")
    try:
        lines = log.read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    for line in reversed(lines):
        try:
            return json.loads(line)
        except json.JSONDecodeError:
            continue
    return None


def summary(rows: list[dict]) -> str:
    failed = [r for r in rows if not r["success"]]
    parts = [f"{len(rows)} expectations", f"{len(rows) - len(failed)} passed"]
    for severity, word in (("block", "blocking"), ("reject", "found rows to reject"), ("warn", "warnings")):
        n = sum(r["severity"] == severity for r in failed)
        if n:
            parts.append(f"{n} {word}")
    return ", ".join(parts)


def render(rows: list[dict], refresh_id: str | None, attempt: dict | None, failed_only: bool = False) -> str:
    out = []
    if refresh_id:
        out.append(f"validation report of refresh {refresh_id}: {summary(rows)}")
    if attempt and not attempt.get("published") and attempt.get("refresh_id") != refresh_id:
        out.append(
            f"the last refresh attempt ({attempt['refresh_id']}, {attempt.get('started_at', '?')}) was BLOCKED "
            f"and published nothing: {attempt.get('message')}"
        )
        for c in attempt.get("failed_checks", []):
            out.append(f"    {c['severity']:<6} {c['source']:<9} {c['title']}: {c['message']}")
        out.append("the report below is the one of the warehouse as it stands.")
    shown = [r for r in rows if not failed_only or not r["success"]]
    if not rows:
        out.append("this warehouse holds no validation report (built before reports existed: refresh it)")
    elif not shown:
        out.append("every expectation passed")
    width = max((len(r["title"]) for r in shown), default=0)
    for r in shown:
        status = "ok" if r["success"] else STATUS.get(r["severity"], "FAIL")
        line = f"{status:<6} {r['severity']:<6} {r['source']:<9} {r['title']:<{width}}  {r['message']}"
        if r["examples"] and not r["success"]:
            line += "; e.g. " + ", ".join(_example(v) for v in r["examples"][:5])
        out.append(line)
    return "\n".join(out)


def _example(value) -> str:
    if isinstance(value, dict) and "line" in value:
        rest = {k: v for k, v in value.items() if k not in ("file", "line")}
        shown = _example(rest["value"]) if list(rest) == ["value"] else _example(rest)
        return f"{value.get('file')}:{value.get('line')} {shown}"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {v}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "(" + ", ".join(_example(v) for v in value) + ")"
    return repr(value) if isinstance(value, str) else str(value)
