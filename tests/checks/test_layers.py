"""checks/ takes plain values: no module under it imports cx (cx calls checks, not back)."""

from __future__ import annotations

import ast
from pathlib import Path

CHECKS = Path(__file__).resolve().parents[2] / "checks"


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_no_module_under_checks_imports_cx():
    modules = sorted(CHECKS.rglob("*.py"))
    assert modules
    offenders = {
        str(p.relative_to(CHECKS.parent)): sorted(n for n in _imports(p) if n == "cx" or n.startswith("cx."))
        for p in modules
    }
    assert {p: n for p, n in offenders.items() if n} == {}


def test_every_source_has_a_rules_table_with_its_required_columns():
    from checks.rules import RULES
    from cx.schema import SOURCES

    assert set(RULES) == set(SOURCES)
    for name, spec in SOURCES.items():
        rules = RULES[name]
        assert rules.required == spec.required
        assert {c.name for c in rules.columns} == set(spec.columns)
        assert [c.name for c in rules.columns if c.unique] == [spec.id_column]
        assert rules.mandatory == spec.mandatory


def _sql_rules(source: str) -> set[tuple]:
    """The rules queries/checks/<source>_rows.sql applies, read from its check_* calls."""
    import re

    text = (CHECKS.parent / "queries" / "checks" / f"{source[:-1]}_rows.sql").read_text(encoding="utf-8")
    found: set[tuple] = set()
    for kind, args in re.findall(r"check_(\w+)\(([^\n]*)\),?\n", text):
        names = re.findall(r"'(\w+)'", args)
        if kind == "int":
            lo, hi = re.findall(r", (\d+), (\d+)$", args)[0]
            found.add(("range", names[0], int(lo), int(hi)))
        elif kind == "ts":
            found.add(("timestamp", names[0], "interval 3650 day" in args))
        elif kind == "has_score":
            found.add(("at_least_one", tuple(re.findall(r"(\w+)", args))))
        elif kind == "order":
            found.add(("order", names[0], names[1]))
        else:
            found.add((kind, names[0]))
    return found


def _table_rules(source: str) -> set[tuple]:
    from checks.rules import BOOLEAN, INTEGER, NUMBER, RULES, TIMESTAMP

    rules = RULES[source]
    found: set[tuple] = set()
    for c in rules.columns:
        if c.required:
            found.add(("required", c.name))
        if c.unique:
            found.add(("duplicate", c.name))
        if c.type == TIMESTAMP:
            found.add(("timestamp", c.name, c.future_days == 3650))
        elif c.type == INTEGER and c.max is not None:
            found.add(("range", c.name, c.min, c.max))
        elif c.type == INTEGER:
            found.add(("count", c.name))
        elif c.type == NUMBER:
            found.add(("amount", c.name))
        elif c.type == BOOLEAN:
            found.add(("bool", c.name))
        found |= {("order", c.name, earlier) for earlier in c.not_before}
    found |= {("at_least_one", r.columns) for r in rules.across}
    return found


def test_the_sql_row_checks_apply_the_rules_of_the_table():
    """Until the row checks are produced from the table, they are held to it."""
    from checks.rules import RULES

    for source in RULES:
        assert _sql_rules(source) == _table_rules(source), source
