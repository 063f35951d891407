"""Personal data: which columns hold it, and the keyed hash that replaces it on import.

An e-mail address is replaced by HMAC-SHA256(secret, lower(trimmed address)) before any row
reaches a table. A plain sha256 of an address can be reversed by hashing a list of likely
addresses; with a secret key it cannot, yet the same address still gives the same value in
every refresh of the installation (so customers stay joinable). The secret is 32 random
bytes in a file created once, readable by its owner only (0600): $CX_SECRET_FILE, else
`.cx-secret` in the warehouse's folder. Losing it only means that the hashes of the next
refresh differ from the old ones; it is never written into a warehouse, a log or git.
"""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path

import duckdb

# Header spellings of an e-mail column (after cx.pipeline.readers.normalize_column).
EMAIL_COLUMNS = frozenset({"email", "e_mail", "email_address", "e_mail_address", "mail", "mail_address"})
_ADDRESS = re.compile(r"[^\s@,;|\"'<>]+@[^\s@,;|\"'<>]+\.[^\s@,;|\"'<>]+")
HIDDEN = "[e-mail address hidden]"
_BLOCK = 64  # SHA-256's block size, for HMAC's padded key


def secret_path(target: Path) -> Path:
    explicit = os.environ.get("CX_SECRET_FILE")
    return Path(explicit).expanduser() if explicit else target.parent / ".cx-secret"


def load_secret(target: Path) -> bytes:
    """The installation's secret, created on first use (0600, never replaced)."""
    path = secret_path(target)
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        try:
            key = bytes.fromhex(path.read_text(encoding="ascii").strip())
        except (UnicodeError, ValueError):
            key = b""
        if len(key) < 16:
            raise OSError(
                f"{path}: this is not a secret written by cx (32 random bytes in hex); "
                "restore it from a backup, or remove it to start new hashes"
            ) from None
        return key
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(secrets.token_hex(32) + "\n")
    return load_secret(target)


def create_hash_macro(con: duckdb.DuckDBPyConnection, key: bytes) -> None:
    """`personal_hash(text)`: HMAC-SHA256 as RFC 2104 defines it, in SQL so that a column of
    millions of addresses is hashed at DuckDB's speed. A temporary macro: the key is never
    stored in the database file."""
    padded = key.ljust(_BLOCK, b"\0") if len(key) <= _BLOCK else key  # keys are 32 bytes
    inner = bytes(b ^ 0x36 for b in padded).hex()
    outer = bytes(b ^ 0x5C for b in padded).hex()
    con.execute(
        "create or replace temp macro personal_hash(x) as case when x is null or x = '' then null else "
        f"sha256(unhex('{outer}') || unhex(sha256(unhex('{inner}') || encode(lower(x))))) end"
    )


def is_personal(normalized_column: str) -> bool:
    return normalized_column in EMAIL_COLUMNS


def hide_addresses(text: str | None) -> str | None:
    """A raw line that could not be split into columns: its fields cannot be told apart, so
    every e-mail address in it is hidden."""
    return _ADDRESS.sub(HIDDEN, text) if text else text
