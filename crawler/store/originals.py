"""Queries that link a revisit record read back from WARC files to the capture it stands for, and a
capture to the article extracted from it (`jcrawl import` and `reparse`)."""

from __future__ import annotations

import sqlite3

# A revisit names its original by WARC-Refers-To (the record id); by WARC-Refers-To-Target-URI and
# WARC-Refers-To-Date (Heritrix, pywb, ArchiveWeb.page); or only by its own URL and payload digest
# (the latest earlier capture with that digest). The URL narrows each lookup to a few rows (index).
BY_RECORD_ID = "SELECT id FROM captures WHERE url = ? AND record_id = ? ORDER BY id LIMIT 1"
BY_RECORD_ID_ANYWHERE = "SELECT id FROM captures WHERE record_id = ? ORDER BY id LIMIT 1"
BY_DATE = (
    "SELECT id FROM captures WHERE url = ? AND substr(fetched_at, 1, 19) = substr(?, 1, 19) "
    "AND revisit_of IS NULL ORDER BY id LIMIT 1"
)
BY_DIGEST = (
    "SELECT id FROM captures WHERE url = ? AND payload_digest = ? AND fetched_at <= ? "
    "AND revisit_of IS NULL AND id IS NOT ? ORDER BY fetched_at DESC, id DESC LIMIT 1"
)
# The article extracted from a capture: the one whose current (or an earlier) version came from it,
# else one from another capture of the same URL (a later capture with the same text keeps the
# article's capture_id where its version was first seen).
ARTICLE_OF_CAPTURE = (
    "SELECT url FROM articles WHERE capture_id = :id "
    "UNION ALL SELECT a.url FROM article_versions v JOIN articles a ON a.id = v.article_id "
    "WHERE v.capture_id = :id "
    "UNION ALL SELECT a.url FROM captures o JOIN captures c ON c.url = o.url "
    "JOIN articles a ON a.capture_id = c.id WHERE o.id = :id "
    "LIMIT 1"
)


def original_capture(
    conn: sqlite3.Connection,
    url: str,
    record_id: str | None,
    date: str | None,
    digest: str | None,
    before: str,
    revisit_id: int | None,
) -> int | None:
    """The id of the capture a revisit of `url` stands for (see above), or None."""
    if record_id:
        row = conn.execute(BY_RECORD_ID, (url, record_id)).fetchone()
        row = row or conn.execute(BY_RECORD_ID_ANYWHERE, (record_id,)).fetchone()
        if row:
            return int(row[0])
    if date:
        row = conn.execute(BY_DATE, (url, date)).fetchone()
        if row:
            return int(row[0])
    if digest:
        row = conn.execute(BY_DIGEST, (url, digest, before, revisit_id)).fetchone()
        if row:
            return int(row[0])
    return None


def article_of_capture(conn: sqlite3.Connection, capture_id: int) -> str | None:
    """The URL of the article extracted from capture `capture_id` (its current or an earlier version)."""
    row = conn.execute(ARTICLE_OF_CAPTURE, {"id": capture_id}).fetchone()
    return row[0] if row else None
