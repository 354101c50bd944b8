"""Bring an archive of schema version 0 (URLs and text stored in full in `captures`, `articles` and
`links`) to the current one, in place: the rows move to `urls` and the `*_data` tables, which the
views of the old names show as they were. Run inside create_schema's transaction.

Article ids, capture ids and the order of each page's links are kept, and the full-text index
needs no rebuild: it indexes the same text under the same ids.
"""

from __future__ import annotations

import logging
import sqlite3

from crawler.store.sql import columns, statements

logger = logging.getLogger(__name__)

# Columns version 0 archives got over time: added first, so that the copy finds them all.
V0_ADDED_COLUMNS = (
    ("captures", "record_id", "TEXT"),
    ("captures", "revisit_of", "INTEGER"),
    ("articles", "profile_version", "INTEGER NOT NULL DEFAULT 0"),
)
V0_TABLES = ("articles", "links", "captures")
# body, body_html and lead as UTF-8 bytes, one after the other: the blob texts.pack makes.
_TEXT = "CAST(COALESCE(a.body, '') || COALESCE(a.body_html, '') || COALESCE(a.lead, '') AS BLOB)"
COPY = (
    "INSERT INTO urls (url) SELECT url FROM captures UNION SELECT url FROM articles "
    "UNION SELECT source_url FROM links UNION SELECT target_url FROM links",
    "INSERT INTO capture_data (id, url_id, fetched_at, status, content_type, warc_file, warc_offset, "
    "warc_length, payload_digest, etag, last_modified, crawl_id, record_id, revisit_of) "
    "SELECT c.id, u.id, c.fetched_at, c.status, c.content_type, c.warc_file, c.warc_offset, c.warc_length, "
    "c.payload_digest, c.etag, c.last_modified, c.crawl_id, c.record_id, c.revisit_of "
    "FROM captures c JOIN urls u ON u.url = c.url ORDER BY c.id",
    "INSERT INTO article_data (id, url_id, title, authors, published, modified, section, tags, language, "
    "agency, text, text_size, body_size, html_size, lead_size, word_count, content_hash, top_image, "
    "capture_id, first_seen, last_seen, profile_version) "
    "SELECT a.id, u.id, a.title, a.authors, a.published, a.modified, a.section, a.tags, a.language, "
    f"a.agency, sqlar_compress({_TEXT}), length({_TEXT}), length(CAST(a.body AS BLOB)), "
    "length(CAST(a.body_html AS BLOB)), length(CAST(a.lead AS BLOB)), a.word_count, a.content_hash, "
    "a.top_image, a.capture_id, a.first_seen, a.last_seen, a.profile_version "
    "FROM articles a JOIN urls u ON u.url = a.url ORDER BY a.id",
    "INSERT INTO link_data (source_id, target_id, kind, anchor_text) "
    "SELECT s.id, t.id, l.kind, l.anchor_text FROM links l JOIN urls s ON s.url = l.source_url "
    "JOIN urls t ON t.url = l.target_url ORDER BY l.rowid",
)


def needs_migration(conn: sqlite3.Connection) -> bool:
    """True for a version 0 archive: `articles` is a table (in a current one it is a view)."""
    row = conn.execute("SELECT type FROM sqlite_master WHERE name = 'articles'").fetchone()
    return row is not None and row[0] == "table"


def migrate_v0(conn: sqlite3.Connection, schema: str) -> None:
    """Move a version 0 archive's captures, articles and links to the current tables (created here
    from `schema`, the current one), and drop the old tables with their indexes and triggers."""
    logger.info("Migrating %s to the compact schema (URLs and text stored once)", _path(conn))
    for table, column, declaration in V0_ADDED_COLUMNS:
        if column not in columns(conn, table):
            conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {declaration}")
    for statement in statements(schema):
        conn.execute(statement)
    for statement in COPY:
        conn.execute(statement)
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'view'").fetchall():
        conn.execute(f"DROP VIEW {name}")  # made again over the new tables
    for table in V0_TABLES:
        conn.execute(f"DROP TABLE {table}")  # with its indexes and the search index's triggers


def compact(conn: sqlite3.Connection) -> None:
    """Give the pages the old tables took back to the file system (VACUUM). When another process is
    reading the database, it cannot: the file keeps its size (the free pages are reused as it grows)."""
    try:
        conn.execute("VACUUM")
    except sqlite3.OperationalError as exc:
        logger.warning("Could not compact %s after migrating it: %s", _path(conn), exc)


def _path(conn: sqlite3.Connection) -> str:
    return conn.execute("PRAGMA database_list").fetchone()[2]
