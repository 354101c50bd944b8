"""The SQLite schema of `journal.db`: tables, columns added since the first archives, the FTS index."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import sqlite_utils

from crawler.store.aliases import SCHEMA as ALIASES_SCHEMA
from crawler.store.search import ensure_fts

SCHEMA = """
CREATE TABLE IF NOT EXISTS crawls (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    start_url TEXT,
    stats TEXT,
    kind TEXT NOT NULL DEFAULT 'crawl'
);
CREATE TABLE IF NOT EXISTS captures (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL,
    fetched_at TEXT NOT NULL,
    status INTEGER,
    content_type TEXT,
    warc_file TEXT NOT NULL,
    warc_offset INTEGER NOT NULL,
    warc_length INTEGER NOT NULL,
    payload_digest TEXT,
    etag TEXT,
    last_modified TEXT,
    crawl_id INTEGER REFERENCES crawls(id),
    record_id TEXT,
    revisit_of INTEGER REFERENCES captures(id)
);
CREATE INDEX IF NOT EXISTS captures_url ON captures(url);
CREATE INDEX IF NOT EXISTS captures_crawl ON captures(crawl_id);
CREATE TABLE IF NOT EXISTS articles (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,
    title TEXT,
    authors TEXT,
    published TEXT,
    modified TEXT,
    section TEXT,
    tags TEXT,
    language TEXT,
    agency TEXT,
    lead TEXT,
    body TEXT,
    body_html TEXT,
    word_count INTEGER,
    content_hash TEXT,
    top_image TEXT,
    capture_id INTEGER REFERENCES captures(id),
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    profile_version INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS articles_published ON articles(published);
CREATE TABLE IF NOT EXISTS links (
    source_url TEXT NOT NULL,
    target_url TEXT NOT NULL,
    kind TEXT NOT NULL,
    anchor_text TEXT
);
CREATE INDEX IF NOT EXISTS links_source ON links(source_url);
CREATE INDEX IF NOT EXISTS links_target ON links(target_url);
CREATE TABLE IF NOT EXISTS errors (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL,
    crawl_id INTEGER REFERENCES crawls(id),
    at TEXT NOT NULL,
    kind TEXT NOT NULL,
    message TEXT
);
-- Versions of each site's profile (declared settings and learned boilerplate), as extraction used them.
-- Each is also a `resource` record in the WARC files (warc_file, warc_offset, warc_length locate it).
CREATE TABLE IF NOT EXISTS site_profiles (
    site TEXT NOT NULL,
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    pages_seen INTEGER NOT NULL,
    profile TEXT NOT NULL,
    warc_file TEXT NOT NULL,
    warc_offset INTEGER NOT NULL,
    warc_length INTEGER NOT NULL,
    PRIMARY KEY (site, version)
);
CREATE TABLE IF NOT EXISTS sites (
    name TEXT PRIMARY KEY,
    start_urls TEXT NOT NULL,
    settings TEXT NOT NULL,
    added_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS article_versions (
    article_id INTEGER NOT NULL REFERENCES articles(id),
    version INTEGER NOT NULL,
    seen_at TEXT NOT NULL,
    title TEXT,
    body TEXT,
    content_hash TEXT,
    capture_id INTEGER REFERENCES captures(id),
    PRIMARY KEY (article_id, version)
);
CREATE TABLE IF NOT EXISTS frontier (
    crawl_id INTEGER NOT NULL REFERENCES crawls(id),
    url TEXT NOT NULL,
    priority INTEGER NOT NULL DEFAULT 0,
    depth INTEGER NOT NULL DEFAULT 0,
    recheck INTEGER NOT NULL DEFAULT 0,
    done INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (crawl_id, url)
) WITHOUT ROWID;
-- Articles whose title or body a new site profile changed when their captures were re-extracted.
CREATE TABLE IF NOT EXISTS reextractions (
    url TEXT NOT NULL,
    at TEXT NOT NULL,
    profile_version INTEGER NOT NULL,
    old_hash TEXT,
    new_hash TEXT
);
CREATE TABLE IF NOT EXISTS sitemap_lastmod (
    url TEXT PRIMARY KEY,
    lastmod TEXT NOT NULL
) WITHOUT ROWID;
"""
# Columns added after the first archives were made: an older journal.db gets them when opened.
ADDED_COLUMNS = (
    ("crawls", "kind", "TEXT NOT NULL DEFAULT 'crawl'"),
    ("captures", "record_id", "TEXT"),
    ("captures", "revisit_of", "INTEGER REFERENCES captures(id)"),
    ("articles", "profile_version", "INTEGER NOT NULL DEFAULT 0"),
    ("frontier", "done", "INTEGER NOT NULL DEFAULT 0"),
    # crawler/frontier/sqlite.py: the order entries came in, and a request not kept in memory.
    ("frontier", "seq", "INTEGER NOT NULL DEFAULT 0"),
    ("frontier", "request", "BLOB"),
)
# Indexes on columns of ADDED_COLUMNS: made once those exist. The waiting entries of the frontier, best
# first (done = 0: crawler/frontier/sqlite.py).
LATER_INDEXES = (
    "CREATE INDEX IF NOT EXISTS frontier_waiting ON frontier(crawl_id, priority, seq) WHERE done = 0",
)


def create_schema(conn: sqlite3.Connection, db: sqlite_utils.Database) -> None:
    """Create what is missing: tables, indexes, columns added since, and the full-text index; in one
    transaction, so that two processes opening an old archive at once migrate it once."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        for statement in statements(SCHEMA + ALIASES_SCHEMA):
            conn.execute(statement)
        for table, column, declaration in ADDED_COLUMNS:
            if column not in db[table].columns_dict:
                conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {declaration}")
        for statement in LATER_INDEXES:
            conn.execute(statement)
        # The full-text index (search.py): created, or rebuilt when an older archive made it otherwise.
        ensure_fts(conn)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def statements(script: str) -> Iterator[str]:
    """The SQL statements of `script`, one by one (a trigger's body keeps its semicolons)."""
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            yield statement
            statement = ""
