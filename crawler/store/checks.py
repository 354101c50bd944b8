"""Queries `jcrawl verify` reads the database with, a WARC file (or a cursor) at a time, so its memory
does not grow with the archive."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Any

CAPTURE_FIELDS = "id, url, fetched_at, warc_offset, warc_length, payload_digest, revisit_of"


def captures_of_file(conn: sqlite3.Connection, warc_file: str) -> dict[int, list[dict[str, Any]]]:
    """The `captures` rows pointing into `warc_file`, by offset (several rows may share one)."""
    found: dict[int, list[dict[str, Any]]] = {}
    cursor = conn.execute(f"SELECT {CAPTURE_FIELDS} FROM captures WHERE warc_file = ?", (warc_file,))
    names = [d[0] for d in cursor.description]
    for values in cursor:
        row = dict(zip(names, values, strict=True))
        found.setdefault(row["warc_offset"], []).append(row)
    return found


def captures_by_file(conn: sqlite3.Connection) -> dict[str, int]:
    """How many `captures` rows point into each WARC file."""
    return dict(conn.execute("SELECT warc_file, COUNT(*) FROM captures GROUP BY warc_file").fetchall())


def article_captures(conn: sqlite3.Connection) -> Iterator[tuple[int, str, int | None, bool]]:
    """(article id, URL, capture id, whether that capture exists) of every article, streamed."""
    yield from conn.execute(
        "SELECT a.id, a.url, a.capture_id, c.id IS NOT NULL FROM articles a "
        "LEFT JOIN captures c ON c.id = a.capture_id ORDER BY a.id"
    )
