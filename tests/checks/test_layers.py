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


def _row_sql(source: str) -> str:
    """The row checks of a source: queries/checks/rows.sql filled from its rules table."""
    from checks import row_sql

    return row_sql.render((CHECKS.parent / "queries" / "checks" / "rows.sql").read_text(encoding="utf-8"), source)


def _check_calls(source: str) -> list[tuple[str, str]]:
    """The check_* calls of a source's row checks, in order: (kind, arguments)."""
    import re

    return re.findall(r"check_(\w+)\(([^\n]*)\),?\n", _row_sql(source))


def _sql_rules(source: str) -> set[tuple]:
    """The rules the rendered row checks apply, read from their check_* calls."""
    import re

    found: set[tuple] = set()
    for kind, args in _check_calls(source):
        names = re.findall(r"'(\w+)'", args)
        if kind == "int":
            lo, hi = re.findall(r", (\d+), (\d+)$", args)[0]
            found.add(("range", names[0], int(lo), int(hi)))
        elif kind == "ts":
            found.add(("timestamp", names[0], "interval 3650 day" in args))
        elif kind == "at_least_one":
            found.add(("at_least_one", tuple(re.findall(r"(\w+) is null", args))))
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
    """The row checks produced from the table apply its rules, no more and no fewer."""
    from checks.rules import RULES

    for source in RULES:
        assert _sql_rules(source) == _table_rules(source), source


def test_every_section_of_the_row_check_template_is_filled():
    from checks.rules import RULES

    for source in RULES:
        text = _row_sql(source)
        assert "/*@" not in text, source
        assert f"from raw_{source}\n" in text


def test_a_rows_problems_come_in_the_tables_reason_order():
    """The first problem names the column `rejected_rows` shows: tickets list every timestamp
    check, then the order of timestamps, then numbers and yes/no; the others go column by column."""
    import re

    def order(source: str) -> list[str]:
        return [kind + " " + re.findall(r"'(\w+)'", args)[0] for kind, args in _check_calls(source)]

    assert order("tickets") == [
        "required ticket_id", "duplicate ticket_id", "required customer_id", "required created_at",
        "ts created_at", "ts first_response_at", "ts resolved_at", "ts promised_at",
        "order first_response_at", "order resolved_at", "order resolved_at", "order promised_at",
        "count reopens", "count replies", "bool proactive", "bool apologized", "amount compensation",
    ]
    assert order("reviews") == [
        "required review_id", "duplicate review_id", "required platform", "required posted_at", "ts posted_at",
        "required rating", "int rating", "count helpful_votes", "ts replied_at", "order replied_at",
    ]
    assert order("surveys") == [
        "required response_id", "duplicate response_id", "required submitted_at", "ts submitted_at",
        "int nps", "int csat", "int ces", "at_least_one nps",
    ]
