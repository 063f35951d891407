"""The SQL row checks of a source, produced from its rules table (checks/rules.py).

One template (queries/checks/rows.sql) holds the query; its marked sections (`/*@ name @*/`)
are filled here from the table: how each column is cleaned and typed, the rules a row is
held to (the `check_*` macros of queries/macros/parsing.sql, in the table's reason order),
the ID that must be unique within a file, and the markers the validation suites read. The
identifiers and expressions come from the table alone; values from users (time bounds, file
numbers, the source) stay bound parameters of the query.

Plain values only: the caller passes the template text; nothing here imports cx.
"""

from __future__ import annotations

import re
from functools import cache

from checks.rules import (
    BOOLEAN,
    INTEGER,
    NUMBER,
    NUMBERS,
    ORDER,
    READABLE,
    REQUIRED,
    RULE_KINDS,
    RULES,
    TEXT,
    TIMESTAMP,
    UNIQUE,
    Column,
    SourceRules,
)

_SECTION = re.compile(r"/\*@\s*([a-z_]+)\s*@\*/")
_NAME = re.compile(r"[a-z][a-z0-9_]*")
_TO = {TIMESTAMP: "to_ts", INTEGER: "to_int", NUMBER: "to_num", BOOLEAN: "to_bool"}
# Digits are made ASCII in timestamps and numbers; text and yes/no values are only trimmed.
_CLEAN = {TIMESTAMP: "clean_num", INTEGER: "clean_num", NUMBER: "clean_num"}
_SEP = ",\n        "


@cache
def render(template: str, source: str) -> str:
    """The template with every marked section filled from the source's rules table."""
    sections = _sections(RULES[source])

    def fill(match: re.Match) -> str:
        name = match.group(1)
        if name not in sections:
            raise ValueError(f"unknown section {match.group(0)} in the row-check template")
        return sections[name]

    return _SECTION.sub(fill, template)


def _sections(rules: SourceRules) -> dict[str, str]:
    columns = rules.columns
    for c in columns:
        if not _NAME.fullmatch(c.name):
            raise ValueError(f"{rules.name}: {c.name!r} is not a plain column name")
        if c.type != TEXT and c.type not in READABLE:
            raise ValueError(f"{rules.name}.{c.name}: unknown type {c.type!r}")
    kinds = [k for group in rules.reason_order for k in group]
    if sorted(kinds) != sorted(RULE_KINDS):
        raise ValueError(f"{rules.name}: the reason order must name each of {RULE_KINDS} once, not {kinds}")
    unique = [c.name for c in columns if c.unique]
    if len(unique) != 1:
        raise ValueError(f"{rules.name}: the row checks need exactly one column unique within a file, not {unique}")
    typed = _in_reason_order(rules, [c for c in columns if c.typed])
    problems = _problems(rules)
    return {
        "raw_table": f"raw_{rules.name}",
        "id": unique[0],
        "own_columns": ", ".join(c.name for c in columns),
        "cleaned": _SEP.join(f"{_CLEAN.get(c.type, 'clean_text')}({c.name}) as {c.name}" for c in columns),
        "typed": _SEP.join(f"{_TO[c.type]}({c.name}) as _v_{c.name}" for c in typed),
        "typed_text": ", ".join(c.name for c in typed),
        "problems": _SEP.join(f"__p{i}: {p}" for i, p in enumerate(problems)),
        "problem_names": ", ".join(f"__p{i}" for i in range(len(problems))),
        "no_problems": " and ".join(f"__p{i} is null" for i in range(len(problems))),
        "markers": _SEP.join(_markers(rules, unique[0], typed)),
    }


def _in_reason_order(rules: SourceRules, columns: list[Column]) -> list[Column]:
    """Typed columns in the order their value rules come in a row's problems (the group of
    the reason order their kind is in, then the table's order)."""
    group = {kind: i for i, kinds in enumerate(rules.reason_order) for kind in kinds}
    return sorted(columns, key=lambda c: group[_value_kind(c)])


def _value_kind(c: Column) -> str:
    return c.type if c.type in (TIMESTAMP, BOOLEAN) else NUMBERS


def _problems(rules: SourceRules) -> list[str]:
    """The check_* calls of a row, one a line: by the table's reason order, a group of kinds
    at a time, column by column within a group; the rules across columns last."""
    out: list[str] = []
    for group in rules.reason_order:
        for c in rules.columns:
            for kind in group:
                out += _checks(c, kind)
    for rule in rules.across:
        none_set = " and ".join(f"{n} is null" for n in rule.columns)
        out.append(f"check_at_least_one({_lit(rule.columns[0])}, {none_set}, {_lit(rule.reason)}, {_lit(rule.rule)})")
    return out


def _checks(c: Column, kind: str) -> list[str]:
    n, q = c.name, _lit(c.name)
    if kind == REQUIRED:
        return [f"check_required({q}, {n})"] if c.required else []
    if kind == UNIQUE:
        return [f"check_duplicate({q}, {n}, _line, _first_line)"] if c.unique else []
    if kind == ORDER:
        return [
            f"check_order({q}, {n}, _v_{n}, {_lit(e)}, {e}, _v_{e})" for e in c.not_before
        ]
    if not c.typed or kind != _value_kind(c):
        return []
    if c.type == TIMESTAMP:
        latest = f"$latest + interval {int(c.future_days)} day" if c.future_days else "$latest"
        return [f"check_ts({q}, {n}, _v_{n}, $earliest, {latest})"]
    if c.type == BOOLEAN:
        return [f"check_bool({q}, {n}, _v_{n})"]
    if c.type == INTEGER and c.min is not None and c.max is not None:
        return [f"check_int({q}, {n}, _v_{n}, {int(c.min)}, {int(c.max)})"]
    if c.min == 0 and c.max is None:  # a count or an amount: 0 or more
        return [f"check_{'count' if c.type == INTEGER else 'amount'}({q}, {n}, _v_{n})"]
    raise ValueError(f"{c.name}: no row check for a {c.type} from {c.min} to {c.max}")


def _markers(rules: SourceRules, id_column: str, typed: list[Column]) -> list[str]:
    """The `__` columns the validation suites read (checks/suites.py)."""
    out = [f"case when {id_column} is not null and _line > _first_line then {id_column} end as __{id_column}_repeated"]
    out += [f"unreadable({c.name}, _v_{c.name}) as __{c.name}_unreadable" for c in typed]
    out += [f"lower({c.name}) as __{c.name}" for c in rules.columns if c.accepted]
    return out


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
