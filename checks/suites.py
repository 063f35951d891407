"""Each source's Great Expectations suite, built from its rules table (checks/rules.py).

Plain values in (thresholds and time bounds), a suite out: nothing here reads the
configuration. Imports great_expectations (through checks.expect): only a refresh loads it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from checks import expect as x
from checks.rules import READABLE, RULES, TIMESTAMP, SourceRules


def suite(source: str, max_rejected_pct: float, stale_after_days: int,
          earliest: datetime, latest: datetime, now: datetime):
    return x.suite(source, expectations(RULES[source], max_rejected_pct, stale_after_days, earliest, latest, now))


def expectations(rules: SourceRules, max_rejected_pct: float, stale_after_days: int,
                 earliest: datetime, latest: datetime, now: datetime) -> list:
    out = []
    if rules.mandatory:
        out.append(x.has_rows(rules.name))
    out.append(x.rejected_share(max_rejected_pct))
    out += [x.fresh(c.name, now, stale_after_days) for c in rules.columns if c.fresh]
    out.append(x.lines_split())
    out += [x.column_exists(c.name, typed=c.typed) for c in rules.columns if c.required]
    for c in rules.columns:
        if c.required:
            out.append(x.present(c.name, typed=c.typed))
        if c.unique:
            out.append(x.unique_in_file(c.name))
        if c.typed:
            out.append(x.readable(c.name, READABLE[c.type]))
        if c.type == TIMESTAMP:
            out.append(x.plausible_dates(c.name, earliest, latest + timedelta(days=c.future_days)))
        elif c.min is not None or c.max is not None:
            out.append(x.between(c.name, c.min, c.max))
        out += [x.not_before(c.name, earlier) for earlier in c.not_before]
    for rule in rules.across:
        # Not set: neither a typed value nor unreadable text (a text column: no value).
        unset = " and ".join(
            f"_v_{n} is null and __{n}_unreadable is null" if rules.column(n).typed else f"{n} is null"
            for n in rule.columns
        )
        out.append(x.no_rows_where(f"__malformed is null and {unset}", rule.title, rule.columns[0], rule.rule))
    out += [
        x.accepted_values(c.name, list(c.accepted), physical=f"__{c.name}") for c in rules.columns if c.accepted
    ]
    return out

