"""clean_text (queries/macros/parsing.sql) tests a value's first character with two string
comparisons instead of a regular expression: the results must be those of the regular
expressions alone, for every value, including the awkward ones.

RE2's `\\s` is tab, line feed, form feed, carriage return and space; the macro also trims
no-break spaces (U+00A0). Nothing else (vertical tab, em space, a no-break space inside the
value) is trimmed.
"""

from __future__ import annotations

import duckdb
import pytest

from cx.pipeline import parsing

NBSP = "\u00a0"

# The cleaning as it was written before the comparisons: a regular expression tests, another trims.
REGEX_ONLY = r"""
    case
        when regexp_matches(v, '^[\s\x{00A0}]|[\s\x{00A0}]$')
            then nullif(regexp_replace(v, '^[\s\x{00A0}]+|[\s\x{00A0}]+$', '', 'g'), '')
        else nullif(v, '')
    end
"""

# (value, cleaned) worked out by hand.
CASES = [
    (None, None),
    ("", None),
    (" ", None),
    ("   ", None),
    ("\t\n\f\r ", None),
    (NBSP, None),
    (NBSP + " " + NBSP, None),
    ("a", "a"),
    (" a", "a"),
    ("a ", "a"),
    ("\ta\t", "a"),
    ("\r\na b\r\n", "a b"),
    ("\fa", "a"),
    (NBSP + "a" + NBSP, "a"),
    ("a" + NBSP + "b", "a" + NBSP + "b"),
    ("\x0ba\x0b", "\x0ba\x0b"),  # vertical tab: not RE2's \s
    ("\u2003a\u2003", "\u2003a\u2003"),  # em space: not trimmed
    ("\u00a1a", "\u00a1a"),  # the character after U+00A0 sorts just above it
    ("\u00bfa", "\u00bfa"),
    ("\u0100", "\u0100"),
    ("\x00a", "\x00a"),  # below '!', tested the slow way, unchanged
    ("\x1fa\x1f", "\x1fa\x1f"),
    ("!", "!"),
    ("!a ", "!a"),
    ("۱۲ ", "۱۲"),
    (" ۱۴۰۵/۰۲/۱۱", "۱۴۰۵/۰۲/۱۱"),
    ("سلام" + NBSP, "سلام"),
    ("2026-01-01T10:00:00Z", "2026-01-01T10:00:00Z"),
]


@pytest.fixture(scope="module")
def con():
    c = duckdb.connect()
    parsing.install(c)
    yield c
    c.close()


@pytest.mark.parametrize(("value", "cleaned"), CASES)
def test_clean_text_by_hand(con, value, cleaned):
    got, regex_only = con.execute(
        f"select clean_text(v), {REGEX_ONLY} from (select $v::varchar as v)", {"v": value}
    ).fetchone()
    assert got == cleaned
    assert regex_only == cleaned


def test_clean_text_equals_the_regular_expressions_on_every_short_string(con):
    """Every string of up to three characters from an alphabet of the edge cases."""
    alphabet = ["", " ", "\t", "\n", "\f", "\r", "\x0b", "\x00", "\x1f", "!", "a", NBSP, "\u00a1", "\u009f",
                "\u00c2", "\u2003", "۱"]
    count, differ = con.execute(
        f"""
        with chars as (select unnest($a::varchar[]) as c),
        values_ as (select a.c || b.c || d.c as v from chars a, chars b, chars d)
        select count(*), count(*) filter (where clean_text(v) is distinct from ({REGEX_ONLY})) from values_
        """,
        {"a": alphabet},
    ).fetchone()
    assert count == len(alphabet) ** 3
    assert differ == 0


def test_clean_num_trims_after_making_digits_ascii(con):
    assert con.execute("select clean_num(?)", [" ۱۲" + NBSP]).fetchone()[0] == "12"
    assert con.execute("select clean_num(?)", ["٣.5\t"]).fetchone()[0] == "3.5"
    assert con.execute("select clean_num(?)", [NBSP]).fetchone()[0] is None
    assert con.execute("select clean_num(?)", ["7"]).fetchone()[0] == "7"
