"""The row rules of each source, written once: one declarative table per source.

Each row of a table is a column of the contract (section 1), in the contract's order: the
type its text is read as, whether it is required, unique within a file, its range, the
columns it must not precede, its known values; and the order a row's broken rules are
listed in. Both layers are produced from these tables: `checks.suites` builds each
source's Great Expectations suite (checks/suites.py), and `checks.row_sql` fills the one
SQL template of the row checks (queries/checks/rows.sql, reason texts in
queries/macros/parsing.sql), which apply the same rules to every row and give a rejected
row its reasons.

Plain values only: nothing here imports great_expectations or cx.
"""

from __future__ import annotations

from dataclasses import dataclass

TEXT, TIMESTAMP, INTEGER, NUMBER, BOOLEAN = "text", "timestamp", "integer", "number", "boolean"

# A typed column's readable values, as the validation report names them.
READABLE = {
    TIMESTAMP: "readable timestamps",
    INTEGER: "whole numbers",
    NUMBER: "numbers",
    BOOLEAN: "yes/no",
}


@dataclass(frozen=True)
class Column:
    name: str
    type: str = TEXT
    required: bool = False
    unique: bool = False  # within a file: a later line with the same value is rejected
    min: int | None = None  # a number's range (inclusive)
    max: int | None = None
    future_days: int = 0  # a timestamp may lie this many days after the latest plausible time
    not_before: tuple[str, ...] = ()  # timestamps this one must not precede
    accepted: tuple[str, ...] = ()  # known values (case-insensitive): others are reported, the row kept
    fresh: bool = False  # the newest accepted value tells how old the source's data is

    @property
    def typed(self) -> bool:
        return self.type != TEXT


@dataclass(frozen=True)
class AtLeastOne:
    """A rule across columns: at least one of them is set."""

    columns: tuple[str, ...]
    rule: str
    title: str  # the expectation in the validation report
    reason: str  # what a rejected row carries


# The kinds of rule a column can break, in the order a row's problems list them: a group
# of kinds at a time, column by column (table order) within a group, the rules across
# columns last. The first problem names the column `rejected_rows` shows.
# Kinds: required, unique, a value's own rule (by type: a timestamp, a number, yes/no) and
# the order of timestamps.
REQUIRED, UNIQUE, NUMBERS, ORDER = "required", "unique", "numbers", "order"
RULE_KINDS = (REQUIRED, UNIQUE, TIMESTAMP, NUMBERS, BOOLEAN, ORDER)
BY_COLUMN = (RULE_KINDS,)
# Every timestamp read before any order between them is compared, then the other values.
TIMESTAMPS_FIRST = ((REQUIRED, UNIQUE), (TIMESTAMP,), (ORDER,), (NUMBERS, BOOLEAN))


@dataclass(frozen=True)
class SourceRules:
    name: str
    columns: tuple[Column, ...]
    across: tuple[AtLeastOne, ...] = ()
    mandatory: bool = True  # a refresh needs at least one row of it
    reason_order: tuple[tuple[str, ...], ...] = BY_COLUMN  # see BY_COLUMN above

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)


_TS, _INT = TIMESTAMP, INTEGER

CUSTOMERS = SourceRules("customers", mandatory=False, columns=(
    Column("customer_id", required=True, unique=True),
    Column("region"), Column("product"), Column("tier"), Column("language"),
    Column("signup_at", _TS),
    Column("email"),
))

SURVEYS = SourceRules("surveys", columns=(
    Column("response_id", required=True, unique=True),
    # optional: an anonymous response counts in the survey metrics, not in the per-customer ones
    Column("customer_id"),
    Column("submitted_at", _TS, required=True, fresh=True),
    Column("ticket_id"),
    Column("nps", _INT, min=0, max=10),
    Column("csat", _INT, min=1, max=5),
    Column("ces", _INT, min=1, max=7),
    Column("comment"), Column("channel"), Column("region"), Column("product"), Column("tier"),
), across=(
    AtLeastOne(
        ("nps", "csat", "ces"), "no_score",
        title="every response has at least one of nps, csat, ces",
        reason="none of nps, csat, ces is set: a response needs a score",
    ),
))

REVIEWS = SourceRules("reviews", columns=(
    Column("review_id", required=True, unique=True),
    Column("platform", required=True),
    Column("posted_at", _TS, required=True, fresh=True),
    Column("rating", _INT, required=True, min=1, max=5),
    Column("title"), Column("body"), Column("customer_id"),
    Column("helpful_votes", _INT, min=0),
    Column("replied_at", _TS, not_before=("posted_at",)),
    Column("language"), Column("product"), Column("region"),
))

TICKETS = SourceRules("tickets", reason_order=TIMESTAMPS_FIRST, columns=(
    Column("ticket_id", required=True, unique=True),
    Column("customer_id", required=True),
    Column("created_at", _TS, required=True, fresh=True),
    Column("first_response_at", _TS, not_before=("created_at",)),
    Column("resolved_at", _TS, not_before=("created_at", "first_response_at")),
    Column("type"),
    # Zendesk's own set; anything else (e.g. "medium") is reported, and the row is kept.
    Column("priority", accepted=("low", "normal", "high", "urgent")),
    Column("channel"), Column("team"), Column("agent"),
    Column("reopens", _INT, min=0),
    Column("replies", _INT, min=0),
    # A promise may lie ahead of the refresh: allow ten years.
    Column("promised_at", _TS, future_days=3650, not_before=("created_at",)),
    Column("proactive", BOOLEAN),
    Column("apologized", BOOLEAN),
    Column("compensation", NUMBER, min=0),
    Column("region"), Column("product"), Column("tier"),
))

RULES: dict[str, SourceRules] = {s.name: s for s in (CUSTOMERS, SURVEYS, REVIEWS, TICKETS)}
