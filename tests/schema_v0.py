"""An archive as jcrawl made it before the schema had a version (version 0): `captures`, `articles`
and `links` were tables holding every URL and text in full, and the search index read `articles`.

`downgrade` turns a current journal.db into that shape (the statements below are those version 0
ran, frozen here), so that tests can check what opening an old archive does to it.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from crawler.store.search import ARABIC_MARKS, BODY_WEIGHT, TITLE_WEIGHT, TOKENIZE
from crawler.store.sql import statements
from crawler.store.texts import register_functions

V0_TABLES = """
CREATE TABLE captures (
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
CREATE INDEX captures_url ON captures(url);
CREATE INDEX captures_crawl ON captures(crawl_id);
CREATE TABLE articles (
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
CREATE INDEX articles_published ON articles(published);
CREATE INDEX articles_capture ON articles(capture_id);
CREATE TABLE links (
    source_url TEXT NOT NULL,
    target_url TEXT NOT NULL,
    kind TEXT NOT NULL,
    anchor_text TEXT
);
CREATE INDEX links_source ON links(source_url);
CREATE INDEX links_target ON links(target_url);
"""


def _without_marks(column: str) -> str:
    for mark in ARABIC_MARKS:
        column = f"replace({column}, char({ord(mark)}), '')"
    return column


def _values(row: str) -> str:
    return f"{row}.id, {_without_marks(row + '.title')}, {_without_marks(row + '.body')}"


V0_SEARCH = [
    f"CREATE VIEW articles_fts_text AS SELECT id, {_without_marks('title')} AS title, "
    f"{_without_marks('body')} AS body FROM articles",
    "CREATE VIRTUAL TABLE articles_fts USING fts5(title, body, content='articles_fts_text', "
    f"content_rowid='id', tokenize='{TOKENIZE}')",
    "CREATE TRIGGER articles_ai AFTER INSERT ON articles BEGIN "
    f"INSERT INTO articles_fts (rowid, title, body) VALUES ({_values('new')}); END",
    "CREATE TRIGGER articles_ad AFTER DELETE ON articles BEGIN "
    f"INSERT INTO articles_fts (articles_fts, rowid, title, body) VALUES ('delete', {_values('old')}); END",
    "CREATE TRIGGER articles_au AFTER UPDATE OF title, body ON articles BEGIN "
    f"INSERT INTO articles_fts (articles_fts, rowid, title, body) VALUES ('delete', {_values('old')}); "
    f"INSERT INTO articles_fts (rowid, title, body) VALUES ({_values('new')}); END",
]


def downgrade(database: Path) -> None:
    """Rewrite the current journal.db `database` as version 0 made it, rows, ids and index included."""
    conn = sqlite3.connect(database, isolation_level=None)
    register_functions(conn)
    conn.execute("BEGIN")
    for name in ("captures", "articles", "links"):
        conn.execute(f"CREATE TEMP TABLE {name}_now AS SELECT * FROM {name}")
    for (view,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'view'").fetchall():
        conn.execute(f"DROP VIEW {view}")
    conn.execute("DROP TABLE articles_fts")
    for table in ("link_data", "article_data", "capture_data", "urls"):
        conn.execute(f"DROP TABLE {table}")
    for statement in statements(V0_TABLES):
        conn.execute(statement)
    conn.execute("INSERT INTO captures SELECT * FROM temp.captures_now ORDER BY id")
    conn.execute("INSERT INTO articles SELECT * FROM temp.articles_now ORDER BY id")
    conn.execute(
        "INSERT INTO links SELECT * FROM temp.links_now ORDER BY source_url, target_url, kind, anchor_text"
    )
    for statement in V0_SEARCH:
        conn.execute(statement)
    conn.execute("INSERT INTO articles_fts (articles_fts) VALUES ('rebuild')")
    conn.execute(
        "INSERT INTO articles_fts (articles_fts, rank) VALUES ('rank', ?)",
        (f"bm25({TITLE_WEIGHT}, {BODY_WEIGHT})",),
    )
    conn.execute("PRAGMA user_version = 0")
    conn.execute("COMMIT")
    conn.execute("PRAGMA auto_vacuum = NONE")  # taken by the VACUUM: version 0 made no other
    conn.execute("VACUUM")
    conn.close()
