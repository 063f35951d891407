"""The catalog of bad inputs (tests/fixtures/bad/catalog.toml): each file gets its outcome.

Rejected rows: exactly the rows listed, at their file and line, with their reasons, in the
warehouse and in `python -m cx rejected`; the validation report names the rule. Blocked:
the message names the file and what is wrong, and the last good warehouse is left
byte-for-byte as it was (and no temporary file is left beside it).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import duckdb
import pytest
from conftest import SMALL, build

from cx.config import Settings
from cx.pipeline import readers

BAD = Path(__file__).resolve().parents[1] / "fixtures" / "bad"
CATALOG = tomllib.loads((BAD / "catalog.toml").read_text(encoding="utf-8"))["case"]
ROOT = Path(__file__).resolve().parents[2]


def case_id(case: dict) -> str:
    return case["file"] or f"{case['source']}/(no files)"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def prepare(case: dict, tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(SMALL, data)
    source = case.get("source") or case["file"].split("/")[0]
    if case.get("mode", "add") == "replace":
        for p in (data / source).iterdir():
            p.unlink()
    if case.get("link"):
        (data / case["file"]).symlink_to(case["link"])
    elif case["file"]:
        shutil.copy(BAD / case["file"], data / case["file"])
    return data


def settings_for(case: dict) -> Settings:
    return Settings(**({"max_rejected_pct": 50.0} | case.get("settings", {})))


@pytest.fixture(scope="module")
def good_warehouse(tmp_path_factory) -> Path:
    """A published warehouse that blocked refreshes must leave alone."""
    target = tmp_path_factory.mktemp("good") / "warehouse.duckdb"
    assert build(SMALL, target).published
    return target


def test_the_catalog_is_big_enough_and_every_file_is_in_it():
    assert len(CATALOG) >= 60
    listed = {c["file"] for c in CATALOG if c["file"] and not c.get("link")}
    on_disk = {str(p.relative_to(BAD)) for p in BAD.glob("*/*")}
    assert listed == on_disk
    assert {c["outcome"] for c in CATALOG} == {"rejected", "published", "blocked"}


@pytest.mark.parametrize("case", CATALOG, ids=case_id)
def test_catalog_case(case, tmp_path, good_warehouse, monkeypatch):
    if "sniff_bytes" in case:
        monkeypatch.setattr(readers, "_SNIFF_BYTES", case["sniff_bytes"])
    data = prepare(case, tmp_path)
    target = tmp_path / "warehouse.duckdb"
    if case["outcome"] == "blocked":
        shutil.copy(good_warehouse, target)
        before = sha256(target)
    result = build(data, target, settings_for(case))

    assert "Traceback" not in result.message + "\n".join(result.lines)
    for text in case.get("absent", []):
        assert text not in result.message + "\n".join(result.lines), f"{text!r} shown"
        log = target.with_name(target.name + ".log.jsonl")
        assert text not in log.read_text(encoding="utf-8"), f"{text!r} in the refresh log"
    if case["outcome"] == "blocked":
        assert not result.published, f"{case_id(case)} was published"
        for text in case["message"]:
            assert text in result.message, f"{text!r} not in {result.message!r}"
        assert sha256(target) == before
        assert not list(tmp_path.glob(".warehouse.duckdb.*.tmp*")), "a temporary file was left beside it"
        titles = {r["title"] for r in result.report if not r["success"]}
        assert set(case.get("report", [])) <= titles
        return

    assert result.published, result.message
    with duckdb.connect(str(target), read_only=True) as con:
        rejected = con.execute(
            'select file, line, coalesce("column", \'\'), reason from rejected_rows order by file, line'
        ).fetchall()
        expected = case.get("rejected", [])
        assert [(f, ln, col) for f, ln, col, _ in rejected] == [
            (case["file"], r["line"], r["column"]) for r in expected
        ]
        for (_, _, _, reason), want in zip(rejected, expected, strict=True):
            assert want["reason"] in reason
        source = case["file"].split("/")[0]
        report = {r[0]: r for r in con.execute(
            "select title, success, unexpected_count, examples from validation_results where source = $s",
            {"s": source},
        ).fetchall()}
        for title in case.get("report", []):
            assert report[title][1] is False, f"{title} passed"
        shown = json.dumps([json.loads(report[t][3]) for t in case.get("report", [])], ensure_ascii=False)
        for example in case.get("examples", []):
            assert json.dumps(example, ensure_ascii=False) in shown
        for v in case.get("values", []):
            got = con.execute(f"select {v['column']} from {v['table']} where {v['where']}").fetchall()
            assert got == [(v["equals"],)], (v, got)
        if case.get("absent"):
            everything = _every_value(con)
            for text in case["absent"]:
                assert text not in everything, f"{text!r} is stored in the warehouse"
    for fmt in ("json", "csv") if case.get("absent") else ():
        shown = _cli("rejected", "--warehouse", str(target), "--format", fmt)
        assert shown.returncode == 0, shown.stderr
        for text in case["absent"]:
            assert text not in shown.stdout, f"{text!r} in cx rejected --format {fmt}"


def _every_value(con) -> str:
    """Every value of every table of the warehouse, as one text."""
    tables = [t for (t,) in con.execute(
        "select table_name from duckdb_tables() where database_name = current_database()"
    ).fetchall()]
    return "\n".join(
        con.execute(f'select coalesce(string_agg(to_json(t)::varchar, chr(10)), \'\') from "{name}" as t').fetchone()[0]
        for name in tables
    )


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cx", *args], cwd=ROOT, capture_output=True, text=True, timeout=300,
    )


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@pytest.mark.parametrize("case", [c for c in CATALOG if c.get("cli")], ids=case_id)
def test_catalog_case_from_the_command_line(case, tmp_path):
    """The rule for every case a person can send: a message, never a traceback; an exit code,
    never a signal (the .xlsx reader once aborted the process). Rejected values leave
    `cx rejected --format csv` with no cell a spreadsheet would run as a formula."""
    data = prepare(case, tmp_path)
    target = tmp_path / "warehouse.duckdb"
    proc = _cli("refresh", "--data", str(data), "--warehouse", str(target))
    assert proc.returncode >= 0, f"ended by signal {-proc.returncode}"
    assert "Traceback" not in proc.stdout + proc.stderr
    if case["outcome"] == "blocked":
        assert proc.returncode == 1
        assert proc.stderr.startswith("refresh blocked: "), proc.stderr
        assert not target.exists()
        entry = json.loads(target.with_name(target.name + ".log.jsonl").read_text().splitlines()[-1])
        assert entry["published"] is False
        return
    # The cases run with the default 10% limit here: a rejection case may block, but cleanly.
    assert proc.returncode in (0, 1), proc.stderr
    if proc.returncode == 1:
        return
    shown = _cli("rejected", "--warehouse", str(target), "--format", "csv")
    assert shown.returncode == 0, shown.stderr
    import csv
    import io
    for row in csv.reader(io.StringIO(shown.stdout)):
        for cell in row:
            assert not cell.startswith(FORMULA_START), f"{cell!r} would run as a formula"


REJECTION_RULE_TO_REPORT_RULE = {
    "required": "required", "duplicate": "duplicate", "timestamp": "readable", "number": "readable",
    "boolean": "readable", "too_early": "plausible", "future": "plausible", "range": "range",
    "negative": "range", "order": "order", "no_score": "no_score", "malformed": "malformed",
}


@pytest.mark.parametrize("case", [c for c in CATALOG if c["outcome"] == "rejected"], ids=case_id)
def test_the_report_accounts_for_every_rejected_row(case, tmp_path, monkeypatch):
    """The SQL row checks reject; the GX suites, run separately on the same typed rows,
    must find a failing expectation for each rule a rejected row broke."""
    data = prepare(case, tmp_path)
    target = tmp_path / "w.duckdb"
    assert build(data, target, settings_for(case)).published
    with duckdb.connect(str(target), read_only=True) as con:
        broken = con.execute(
            "select distinct source, unnest(columns) as col, unnest(rules) as rule from rejected_rows"
        ).fetchall()
        failing = set(con.execute(
            "select source, \"column\", rule from validation_results where not success and severity = 'reject'"
        ).fetchall())
    assert broken
    for source, col, rule in broken:
        assert (source, col, REJECTION_RULE_TO_REPORT_RULE[rule]) in failing, (source, col, rule, failing)


def test_blocked_refresh_from_the_command_line(tmp_path, good_warehouse):
    """Exit 1, a one-paragraph message naming the file and column, no traceback."""
    case = next(c for c in CATALOG if c["file"] == "tickets/missing_created_at.csv")
    data = prepare(case, tmp_path)
    target = tmp_path / "warehouse.duckdb"
    shutil.copy(good_warehouse, target)
    before = sha256(target)
    proc = subprocess.run(
        [sys.executable, "-m", "cx", "refresh", "--data", str(data), "--warehouse", str(target)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 1
    assert proc.stderr.startswith("refresh blocked: tickets/missing_created_at.csv: required column created_at missing")
    assert "Traceback" not in proc.stderr + proc.stdout
    assert sha256(target) == before
