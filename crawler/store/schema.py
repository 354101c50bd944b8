"""The SQLite schema of `journal.db`: tables, the views researchers read, the FTS index, the version.

Every URL is stored once (`urls`); captures, articles and links hold its integer id. An article's
body, body_html and lead are one compressed blob (texts.py). The `captures`, `articles` and `links`
views give the columns those tables had before (version 0), so queries, Datasette and `sqlite3
journal.db` read them as they always did; the store writes the `*_data` tables.

`PRAGMA user_version` is the schema's version: 0 for archives made before it existed (migrate.py
brings them up to date in place), STORE_VERSION for those made now.
"""

from __future__ import annotations

import re
import sqlite3

from crawler.errors import DatabaseTooNew
from crawler.serve.views import VIEWS
from crawler.store.aliases import SCHEMA as ALIASES_SCHEMA
from crawler.store.migrate import migrate_v0, needs_migration
from crawler.store.search import ensure_fts, fts_is_current
from crawler.store.sql import columns, statements
from crawler.store.texts import text_sql

STORE_VERSION = 1

SCHEMA = """
CREATE TABLE IF NOT EXISTS crawls (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    start_url TEXT,
    stats TEXT,
    kind TEXT NOT NULL DEFAULT 'crawl'
);
-- Every URL a capture, article or link names, once.
CREATE TABLE IF NOT EXISTS urls (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL UNIQUE
);
CREATE TABLE IF NOT EXISTS capture_data (
    id INTEGER PRIMARY KEY,
    url_id INTEGER NOT NULL REFERENCES urls(id),
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
    revisit_of INTEGER REFERENCES capture_data(id)
);
CREATE INDEX IF NOT EXISTS capture_data_url ON capture_data(url_id);
CREATE INDEX IF NOT EXISTS capture_data_crawl ON capture_data(crawl_id);
-- text: body, body_html and lead compressed together (texts.py); the *_size columns locate each.
CREATE TABLE IF NOT EXISTS article_data (
    id INTEGER PRIMARY KEY,
    url_id INTEGER NOT NULL UNIQUE REFERENCES urls(id),
    title TEXT,
    authors TEXT,
    published TEXT,
    modified TEXT,
    section TEXT,
    tags TEXT,
    language TEXT,
    agency TEXT,
    text BLOB,
    text_size INTEGER NOT NULL DEFAULT 0,
    body_size INTEGER,
    html_size INTEGER,
    lead_size INTEGER,
    word_count INTEGER,
    content_hash TEXT,
    top_image TEXT,
    capture_id INTEGER REFERENCES capture_data(id),
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    profile_version INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS article_data_published ON article_data(published);
CREATE INDEX IF NOT EXISTS article_data_capture ON article_data(capture_id);
CREATE TABLE IF NOT EXISTS link_data (
    source_id INTEGER NOT NULL REFERENCES urls(id),
    target_id INTEGER NOT NULL REFERENCES urls(id),
    kind TEXT NOT NULL,
    anchor_text TEXT
);
CREATE INDEX IF NOT EXISTS link_data_source ON link_data(source_id);
CREATE INDEX IF NOT EXISTS link_data_target ON link_data(target_id);
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
    article_id INTEGER NOT NULL REFERENCES article_data(id),
    version INTEGER NOT NULL,
    seen_at TEXT NOT NULL,
    title TEXT,
    body TEXT,
    content_hash TEXT,
    capture_id INTEGER REFERENCES capture_data(id),
    PRIMARY KEY (article_id, version)
);
CREATE INDEX IF NOT EXISTS article_versions_capture ON article_versions(capture_id);
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
# The tables as researchers (and version 0) know them, over the tables above.
STORE_VIEWS = {
    "captures": """CREATE VIEW captures AS SELECT c.id, u.url, c.fetched_at, c.status, c.content_type,
  c.warc_file, c.warc_offset, c.warc_length, c.payload_digest, c.etag, c.last_modified, c.crawl_id,
  c.record_id, c.revisit_of
FROM capture_data c JOIN urls u ON u.id = c.url_id""",
    "articles": f"""CREATE VIEW articles AS SELECT a.id, u.url, a.title, a.authors, a.published, a.modified,
  a.section, a.tags, a.language, a.agency, {text_sql("lead", "a.")} AS lead,
  {text_sql("body", "a.")} AS body,
  {text_sql("body_html", "a.")} AS body_html,
  a.word_count, a.content_hash, a.top_image, a.capture_id, a.first_seen, a.last_seen, a.profile_version
FROM article_data a JOIN urls u ON u.id = a.url_id""",
    "links": """CREATE VIEW links AS SELECT s.url AS source_url, t.url AS target_url, l.kind, l.anchor_text
FROM link_data l JOIN urls s ON s.id = l.source_id JOIN urls t ON t.id = l.target_id""",
}
# Columns added after the first archives were made: an older journal.db gets them when opened.
ADDED_COLUMNS = (
    ("crawls", "kind", "TEXT NOT NULL DEFAULT 'crawl'"),
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


def create_schema(conn: sqlite3.Connection) -> bool:
    """Create what is missing: tables, indexes, columns added since, the views and the full-text
    index, migrating a version 0 archive first (migrate.py); in one transaction, so that two
    processes opening an old archive at once migrate it once. True if it migrated one.

    Raises DatabaseTooNew for a database of a newer schema than this jcrawl knows.
    """
    conn.execute("BEGIN IMMEDIATE")
    try:
        check_version(conn)
        migrated = needs_migration(conn)
        if migrated:
            migrate_v0(conn, SCHEMA)
        for statement in statements(SCHEMA + ALIASES_SCHEMA):
            conn.execute(statement)
        for table, column, declaration in ADDED_COLUMNS:
            if column not in columns(conn, table):
                conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {declaration}")
        _ensure_views(conn)
        for statement in LATER_INDEXES:
            conn.execute(statement)
        # The full-text index (search.py): created, or rebuilt when an older archive made it otherwise.
        ensure_fts(conn)
        conn.execute(f"PRAGMA user_version = {STORE_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return migrated


def all_views() -> dict[str, str]:
    """Every view the schema makes, by name: the tables' views, then the researchers' (which read them)."""
    return {**STORE_VIEWS, **VIEWS}


def _ensure_views(conn: sqlite3.Connection) -> None:
    """Create the views, or replace one whose definition changed (a newer journal-crawler)."""
    stored = dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'view'").fetchall())
    for name, sql in all_views().items():
        if stored.get(name) != sql:
            conn.execute(f"DROP VIEW IF EXISTS {name}")
            conn.execute(sql)


def check_version(conn: sqlite3.Connection) -> int:
    """The database's schema version; raises DatabaseTooNew when a newer jcrawl made it."""
    (version,) = conn.execute("PRAGMA user_version").fetchone()
    if version > STORE_VERSION:
        raise DatabaseTooNew(version, STORE_VERSION)
    return int(version)


def schema_is_current(conn: sqlite3.Connection) -> bool:
    """Whether `create_schema` would find nothing to do: the version, every table, index, view, added
    column and the full-text index as it makes them. Read only and cheap: the read commands open the
    database read-only when it is current, and let create_schema migrate it first when it is not; the
    store opened for writing calls create_schema (a write transaction) only then (a change to
    create_schema must keep this in step)."""
    if check_version(conn) != STORE_VERSION:
        return False
    stored = dict(conn.execute("SELECT name, sql FROM sqlite_master").fetchall())
    made = SCHEMA + ALIASES_SCHEMA + "".join(LATER_INDEXES)
    wanted = set(re.findall(r"CREATE (?:TABLE|INDEX) IF NOT EXISTS (\w+)", made))
    if not wanted <= stored.keys() or not fts_is_current(conn):
        return False
    if any(stored.get(name) != sql for name, sql in all_views().items()):
        return False
    return all(column in columns(conn, table) for table, column, _ in ADDED_COLUMNS)
