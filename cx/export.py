"""Writing CSV that a spreadsheet opens as data: every CSV the product writes goes through here.

A cell starting with =, +, -, @, a TAB or a carriage return is run as a formula by Excel,
LibreOffice and Google Sheets (`=HYPERLINK(...)` sends the reader to a site, `@SUM(...)`
runs on open). The exports hold text anyone could type into a survey, so such a cell gets
a leading apostrophe, as OWASP's CSV injection guidance says: spreadsheets show the text
and do not run it. A negative number is written as a number, not as text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """The value as it may go into a CSV cell (a missing value, pandas' NaN or NaT, is empty)."""
    if value is None or (not isinstance(value, str) and value != value):  # NaN and NaT are not equal to themselves
        return None
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _is_number(value):
        return "'" + value
    return value


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return text.strip() == text and text[:1] in "+-"


def write_rows(fh, header: Sequence[str], rows: Iterable[Sequence]) -> None:
    writer = csv.writer(fh)
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])


def frame_csv(df) -> bytes:
    """A pandas DataFrame as UTF-8 CSV bytes (the dashboard's downloads)."""
    out = io.StringIO()
    write_rows(out, [str(c) for c in df.columns], df.itertuples(index=False, name=None))
    return out.getvalue().encode("utf-8")
