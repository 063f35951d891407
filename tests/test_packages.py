"""The packages show the architecture: the pipeline (cx/pipeline/) builds the warehouse, the
metric access (cx/*.py) reads it, the simulator (simulator/) makes sample exports, and pages
only draw. Each rule below is an import the layout forbids."""

from __future__ import annotations

import ast
from pathlib import Path

from cx.config import ROOT

METRIC_ACCESS = ("catalog", "config", "errors", "export", "metrics", "schema", "sql", "stats", "warehouse")


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module)
            out |= {f"{node.module}.{a.name}" for a in node.names}
    return out


def starts(names: set[str], prefix: str) -> set[str]:
    return {n for n in names if n == prefix or n.startswith(prefix + ".")}


def test_metric_access_does_not_import_the_pipeline_or_the_simulator():
    for name in METRIC_ACCESS:
        found = imports(ROOT / "cx" / f"{name}.py")
        assert not starts(found, "cx.pipeline") and not starts(found, "simulator"), name


def test_only_the_command_line_starts_the_simulator():
    for path in sorted((ROOT / "cx").rglob("*.py")):
        if path.name != "cli.py":
            assert not starts(imports(path), "simulator"), path


def test_the_simulator_is_not_part_of_the_product():
    for path in sorted((ROOT / "simulator").glob("*.py")):
        assert not starts(imports(path), "cx"), path
        assert not starts(imports(path), "dashboard"), path


def test_pages_hold_no_sql_and_no_pipeline():
    for path in sorted((ROOT / "dashboard" / "app_pages").glob("*.py")):
        found = imports(path)
        assert not starts(found, "duckdb") and not starts(found, "cx.pipeline"), path
        assert not starts(found, "cx.sql"), path
