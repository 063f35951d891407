"""Where a benchmark run writes its figures: a dated section appended to this month's file in
benchmarks/history/ (BENCHMARKS.md keeps only the current table)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

HISTORY = Path(__file__).resolve().parent / "history"


def append_history(text: str) -> Path:
    """Append a dated section to this month's history file (started with its heading when new)."""
    now = datetime.now()
    path = HISTORY / f"{now:%Y-%m}.md"
    HISTORY.mkdir(parents=True, exist_ok=True)
    new = not path.exists()
    with path.open("a", encoding="utf-8") as fh:
        if new:
            fh.write(f"# Benchmarks, {now:%B %Y}\n\nDated sections as the runs and their readings recorded them "
                     "(index: [README.md](README.md)).\n")
        fh.write("\n" + text)
    return path
