"""What a recognised export format is, as data: a signature and a mapping onto the contract.

A `Format` names the columns only it has (its signature) and, for each contract column, an
expression over the export's own columns. Expressions are small values (`Col`, `Fixed`,
`PlusMinutes`, ...) compiled to DuckDB SQL over the loaded file, whose values are all text;
the contract's row rules then type and check the mapped text exactly as they check a
canonical export, so a vendor's unreadable value is a rejected row with a reason, never a
silent null. Literal values (fixed values, value maps, zones) travel as bound parameters,
because a mapping file is user input; column names are checked against the file's own.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cx.pipeline.readers import normalize_column


class Compiler:
    """Compiles expressions against one loaded file: its columns by normalized name."""

    def __init__(self, columns: list[str], nulls: tuple[str, ...] = ()):
        self.by_norm = {normalize_column(c): c for c in columns}
        self.nulls = nulls
        self.params: dict[str, object] = {}
        self.used: set[str] = set()
        self.zone: str | None = None

    def param(self, value) -> str:
        name = f"m{len(self.params)}"
        self.params[name] = value
        return f"${name}"

    def column(self, name: str) -> str | None:
        actual = self.by_norm.get(normalize_column(name))
        if actual is None:
            return None
        self.used.add(actual)
        ref = '"' + actual.replace('"', '""') + '"'
        text = f"nullif(trim({ref}), '')"
        for v in self.nulls:
            text = f"nullif({text}, {self.param(v)})"
        return text

    def resolves(self, expr: Expr) -> bool:
        """Whether the expression reads any column this file has."""
        return expr.sql(Compiler(list(self.by_norm.values()))) != "null::varchar"

    def has(self, name: str) -> bool:
        return normalize_column(name) in self.by_norm


class Expr:
    def sql(self, c: Compiler) -> str:  # pragma: no cover - every kind defines it
        raise NotImplementedError

    def columns(self) -> tuple[str, ...]:
        return ()


@dataclass(frozen=True)
class Col(Expr):
    """The export's column (absent or empty: null)."""

    name: str

    def sql(self, c):
        return c.column(self.name) or "null::varchar"

    def columns(self):
        return (self.name,)


@dataclass(frozen=True)
class Fixed(Expr):
    """A value the format implies (platform 'Google Play')."""

    value: str

    def sql(self, c):
        return f"{c.param(self.value)}::varchar"


@dataclass(frozen=True)
class First(Expr):
    """The first of the expressions that is set (Qualtrics: a customer_id column wins)."""

    options: tuple[Expr, ...]

    def sql(self, c):
        return "coalesce(" + ", ".join(e.sql(c) for e in self.options) + ")"

    def columns(self):
        return tuple(n for e in self.options for n in e.columns())


@dataclass(frozen=True)
class Prefixed(Expr):
    """An ID made from another source's ID, kept apart from the source's own IDs."""

    prefix: str
    inner: Expr

    def sql(self, c):
        return f"{c.param(self.prefix)} || {self.inner.sql(c)}"

    def columns(self):
        return self.inner.columns()


@dataclass(frozen=True)
class Lower(Expr):
    inner: Expr

    def sql(self, c):
        return f"lower({self.inner.sql(c)})"

    def columns(self):
        return self.inner.columns()


@dataclass(frozen=True)
class Map(Expr):
    """A vendor's spelling to the contract's (Good -> 5, Medium -> normal), case-insensitive;
    a value not in the map passes through, so the row rules report it."""

    inner: Expr
    values: tuple[tuple[str, str], ...]

    def sql(self, c):
        v = self.inner.sql(c)
        whens = " ".join(
            f"when lower({v}) = {c.param(k.lower())} then {c.param(str(out))}" for k, out in self.values
        )
        return f"(case {whens} else {v} end)"

    def columns(self):
        return self.inner.columns()


@dataclass(frozen=True)
class LeadingInt(Expr):
    """'10 - Extremely likely' reads as 10 (SurveyMonkey's labelled choices)."""

    inner: Expr

    def sql(self, c):
        v = self.inner.sql(c)
        return f"coalesce(nullif(regexp_extract({v}, '^\\s*(-?[0-9]+)(\\s|$)', 1), ''), {v})"

    def columns(self):
        return self.inner.columns()


@dataclass(frozen=True)
class PlusMinutes(Expr):
    """A timestamp given as a duration after another (Zendesk's 'First reply time in
    minutes'): calendar minutes. The result is UTC text; a duration that is not a number
    gives a text the timestamp rule reports with both values."""

    start: Expr
    amount: Expr
    minutes_per_unit: float = 1.0

    def sql(self, c):
        start, amount = self.start.sql(c), self.amount.sql(c)
        clock = f"try_cast({amount} as interval)"
        number = f"to_num(clean_num({amount}))"
        minutes = (
            f"(case when contains({amount}, ':') then epoch({clock}) / 60.0 "
            f"else {number} * {self.minutes_per_unit} end)"
        )
        ts = f"to_ts(clean_num({start}))"
        return (
            f"(case when {amount} is null or {start} is null then null "
            f"when {minutes} is null or {ts} is null then {start} || ' + ' || {amount} "
            f"else strftime({ts} + to_microseconds(round({minutes} * 60000000)::bigint), "
            "'%Y-%m-%d %H:%M:%S.%f') || '+00:00' end)"
        )

    def columns(self):
        return self.start.columns() + self.amount.columns()


@dataclass(frozen=True)
class InZone(Expr):
    """A naive timestamp read in a zone the file states (Qualtrics' timeZone; Trustpilot's
    '(UTC)' columns); values with an offset keep theirs. A value this cannot read passes
    through for the timestamp rule to report."""

    inner: Expr
    zone: str

    def sql(self, c):
        v = f"clean_num({self.inner.sql(c)})"
        zone = c.param(self.zone)
        local = f"to_naive_ts({v})"
        return (
            f"(case when regexp_matches({v}, '([zZ]|[+-][0-9]{{2}}(:?[0-9]{{2}})?)$') or {local} is null "
            f"then {v} else strftime(utc_naive(timezone({zone}, {local})), '%Y-%m-%d %H:%M:%S.%f') "
            "|| '+00:00' end)"
        )

    def columns(self):
        return self.inner.columns()


@dataclass(frozen=True)
class Strptime(Expr):
    """A vendor's fixed local format (SurveyMonkey's US 'MM/DD/YYYY hh:mm:ss AM') as ISO text."""

    inner: Expr
    formats: tuple[str, ...]

    def sql(self, c):
        v = self.inner.sql(c)
        fmts = "[" + ", ".join(c.param(f) for f in self.formats) + "]"
        return f"coalesce(strftime(try_strptime({v}, {fmts}), '%Y-%m-%d %H:%M:%S'), {v})"

    def columns(self):
        return self.inner.columns()


@dataclass(frozen=True)
class StableHash(Expr):
    """An ID made of values that identify a row when the export has none (Google Play)."""

    prefix: str
    parts: tuple[Expr, ...]

    def sql(self, c):
        joined = "concat_ws('|', " + ", ".join(f"coalesce({p.sql(c)}, '')" for p in self.parts) + ")"
        return f"{c.param(self.prefix)} || left(sha256({joined}), 20)"

    def columns(self):
        return tuple(n for p in self.parts for n in p.columns())


@dataclass(frozen=True)
class EmailKey(Expr):
    """A customer known only by e-mail: the keyed hash of the address is the ID."""

    inner: Expr

    def sql(self, c):
        return f"personal_hash(clean_text({self.inner.sql(c)}))"

    def columns(self):
        return self.inner.columns()


@dataclass(frozen=True)
class WithCompanion(Expr):
    """The column that has a companion column (Qualtrics' NPS question `Q<n>` beside its
    `Q<n>_NPS_GROUP`)."""

    suffix: str

    def resolve(self, c: Compiler) -> str | None:
        suffix = normalize_column(self.suffix)
        for norm in c.by_norm:
            if norm.endswith(suffix) and norm != suffix and norm[: -len(suffix)] in c.by_norm:
                return c.by_norm[norm[: -len(suffix)]]
        return None

    def sql(self, c):
        actual = self.resolve(c)
        return Col(actual).sql(c) if actual else "null::varchar"


@dataclass(frozen=True)
class HeaderStarts(Expr):
    """The column whose header starts with a question's text (SurveyMonkey names columns by
    the question)."""

    text: str

    def sql(self, c):
        prefix = normalize_column(self.text)
        for norm, actual in c.by_norm.items():
            if norm.startswith(prefix):
                return Col(actual).sql(c)
        return "null::varchar"


@dataclass(frozen=True)
class FileZone(Expr):
    """A naive timestamp in the zone the file itself states (Qualtrics row 3 `timeZone`),
    else as it is (read in the configured zone)."""

    inner: Expr

    def sql(self, c):
        return InZone(self.inner, c.zone).sql(c) if c.zone else self.inner.sql(c)

    def columns(self):
        return self.inner.columns()


@dataclass(frozen=True)
class When(Expr):
    """A value only when another column has a given value (App Store: a reply's date only
    when the reply is published)."""

    test: Expr
    equals: str
    then: Expr

    def sql(self, c):
        return f"(case when lower({self.test.sql(c)}) = {c.param(self.equals.lower())} then {self.then.sql(c)} end)"

    def columns(self):
        return self.test.columns() + self.then.columns()


@dataclass(frozen=True)
class Skip:
    """Rows that are not answers (deleted tickets, offered ratings, unfinished responses):
    counted and left out, never rejected."""

    expr: Expr
    values: tuple[str, ...]
    reason: str
    unless: bool = False  # skip the rows whose value is NOT one of these

    def sql(self, c: Compiler) -> str:
        v = self.expr.sql(c)
        listed = ", ".join(c.param(x.lower()) for x in self.values)
        if self.unless:  # an empty value is not one of them either
            return f"coalesce(lower({v}) not in ({listed}), true)"
        return f"coalesce(lower({v}) in ({listed}), false)"


@dataclass(frozen=True)
class Format:
    key: str
    name: str  # as the refresh line and the Data page say it
    source: str
    signature: tuple[str, ...]  # header names (or flattened JSON keys) only this format has
    columns: dict[str, Expr]
    skip: tuple[Skip, ...] = ()
    header_rows: int = 0  # rows under the header that are not responses (Qualtrics 2, SurveyMonkey 1)
    nulls: tuple[str, ...] = ()  # values that mean "not answered" (Qualtrics -99)
    records: tuple[str, ...] = ()  # JSON: the record set(s) holding the rows ("tickets")
    # JSON: other record sets joined to each row, by their key and the row's: name -> (key, row key)
    companions: dict[str, tuple[str, str]] = field(default_factory=dict)
    # JSON: a companion set whose records of this type only are joined (App Store `included`)
    companion_types: dict[str, str] = field(default_factory=dict)
    drop: tuple[str, ...] = ()  # personal columns the product does not need (names, addresses)
    zone_hook: object = None  # reads the file's own time zone from its header rows
    priority: int = 0  # a format whose signature extends another's is tried first
    refuse: str = ""  # a layout that holds no rows of its source: why, and what to export instead
    keep_extras: bool = True  # unknown extra columns are kept (not for rows made from another source)
    superseded_by: str = ""  # a format whose files, when present in the source, replace this one's rows

    def matches(self, columns) -> bool:
        names = {normalize_column(c) for c in columns}
        return all(normalize_column(s) in names for s in self.signature)

    def missing(self, columns) -> list[str]:
        names = {normalize_column(c) for c in columns}
        return [s for s in self.signature if normalize_column(s) not in names]
