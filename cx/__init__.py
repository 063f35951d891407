"""CX analytics: exports in, a DuckDB warehouse out, metrics for people who act on them."""

__version__ = "0.1.0"
