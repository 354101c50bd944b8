"""The SQLite store: schema, batched writes and queries over captures, articles and links.

The store is an index over the WARC files: every `captures` row locates a response record
(`warc_file`, `warc_offset`, `warc_length`), and every article points at the capture it came from.
"""

from __future__ import annotations

import json
import logging
import re
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

import sqlite_utils
from tenacity import before_sleep_log, retry, retry_if_exception, stop_after_attempt, wait_random_exponential

from archive.reader import warc_files
from crawler.extract import STORED_LINK_KINDS, Article
from crawler.urls import normalize_url, site_of

DB_NAME = "journal.db"
WARC_DIR = "warc"
# How to write a full-text query, for error messages.
SEARCH_SYNTAX = (
    'words (all must match), "a phrase", title:word, word*, a OR b, a NOT b, NEAR(a b, 10); '
    'put text in double quotes to search for it literally, e.g. "covid-19"'
)

logger = logging.getLogger(__name__)

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
)
# The full-text index follows title and body only: moving last_seen must not re-index an article.
FTS_UPDATE_TRIGGER = """
DROP TRIGGER IF EXISTS articles_au;
CREATE TRIGGER articles_au AFTER UPDATE OF title, body ON articles BEGIN
  INSERT INTO articles_fts (articles_fts, rowid, title, body)
    VALUES('delete', old.rowid, old.title, old.body);
  INSERT INTO articles_fts (rowid, title, body) VALUES (new.rowid, new.title, new.body);
END;
"""

ARTICLE_COLUMNS = (
    "url",
    "title",
    "authors",
    "published",
    "modified",
    "section",
    "tags",
    "language",
    "agency",
    "lead",
    "body",
    "body_html",
    "word_count",
    "content_hash",
    "top_image",
    "capture_id",
    "first_seen",
    "last_seen",
    "profile_version",
)
# What extraction makes of a capture: rewritten in place when a page is re-extracted with a new profile.
EXTRACTED_COLUMNS = tuple(
    c for c in ARTICLE_COLUMNS if c not in ("url", "capture_id", "first_seen", "last_seen")
)
# How an article row is written (Store.write), for a page extracted from capture C:
# - the row already came from C (a re-extraction: new extractor, new site profile): rewritten in place;
# - C is newer than the row's last sighting and the content (content_hash: clean title and body)
#   differs: the stored content becomes a version (KEEP_VERSION), then the row is C's (UPSERT_ARTICLE);
# - the same content, or C older than the row (a replay of earlier captures): only last_seen moves,
#   and the row keeps its capture_id, the capture in which its current version was first seen.
EXTRACTION_SET = ", ".join(f"{c} = ?" for c in EXTRACTED_COLUMNS)
REEXTRACT_ARTICLE = f"UPDATE articles SET {EXTRACTION_SET} WHERE url = ? AND capture_id = ?"
UPSERT_ARTICLE = (
    f"INSERT INTO articles ({', '.join(ARTICLE_COLUMNS)}) VALUES ({', '.join('?' * len(ARTICLE_COLUMNS))}) "
    "ON CONFLICT(url) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in ARTICLE_COLUMNS if c not in ("url", "first_seen"))
    + " WHERE excluded.content_hash IS NOT articles.content_hash AND excluded.last_seen >= articles.last_seen"
)
KEEP_VERSION = (
    "INSERT INTO article_versions (article_id, version, seen_at, title, body, content_hash, capture_id) "
    "SELECT a.id, (SELECT COUNT(*) + 1 FROM article_versions v WHERE v.article_id = a.id), "
    "COALESCE((SELECT c.fetched_at FROM captures c WHERE c.id = a.capture_id), a.first_seen), "
    "a.title, a.body, a.content_hash, a.capture_id FROM articles a "
    "WHERE a.url = ? AND a.content_hash IS NOT ? AND a.last_seen <= ?"
)
# An article seen again with the same content: only last_seen moves.
SEE_ARTICLE = "UPDATE articles SET last_seen = ? WHERE url = ? AND last_seen < ?"
CAPTURE_COLUMNS = (
    "id",
    "url",
    "fetched_at",
    "status",
    "content_type",
    "warc_file",
    "warc_offset",
    "warc_length",
    "payload_digest",
    "etag",
    "last_modified",
    "crawl_id",
    "record_id",
    "revisit_of",
)


class QueryError(ValueError):
    """A search query the full-text index cannot parse; the message says what is wrong."""


def _locked(exc: BaseException) -> bool:
    """True for SQLite's "database is locked" (busy): another process holds the write lock."""
    return isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc)


# Another process (an update, `jcrawl reparse`) may hold the write lock longer than busy_timeout.
_retry_when_locked = retry(
    retry=retry_if_exception(_locked),
    wait=wait_random_exponential(multiplier=0.5, max=10),
    stop=stop_after_attempt(6),
    before_sleep=before_sleep_log(logger, logging.WARNING),
    reraise=True,
)


def explain_query_error(query: str, message: str) -> str:
    """A person's explanation of SQLite's complaint `message` about FTS5 query `query`."""
    column = re.match(r"no such column: (.*)", message)
    near = re.match(r'fts5: syntax error near "(.*)"', message)
    if not query.strip():
        problem = "the query is empty"
    elif message == "unterminated string" or query.count('"') % 2:
        problem = 'a double quote is not closed (write "a phrase" with a quote at each end)'
    elif column:
        problem = (
            f"there is no field {column.group(1)!r} to search (fields: title, body); a word before a "
            "colon, or after a leading '-', names a field"
        )
    elif near and near.group(1) == "":
        problem = "the query ends too early (an unclosed parenthesis or NEAR(, or a trailing AND/OR/NOT?)"
    elif near:
        problem = f"it cannot be read at {near.group(1)!r}"
    elif message.startswith("unknown special query"):
        problem = "a lone '*' is not a query (put * after the start of a word: econom*)"
    else:
        problem = message
    return f"cannot search for {query!r}: {problem}. Queries: {SEARCH_SYNTAX}."


def utc_now() -> str:
    """The current time as ISO 8601 UTC with seconds, e.g. 2026-11-25T18:02:14Z."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def article_row(
    article: Article, capture_id: int | None, seen_at: str, profile_version: int = 0
) -> dict[str, Any]:
    """The `articles` row of an extracted article; lists are stored as JSON."""
    return {
        "url": article.url,
        "title": article.title,
        "authors": json.dumps(article.authors, ensure_ascii=False),
        "published": article.published,
        "modified": article.modified,
        "section": article.section,
        "tags": json.dumps(article.tags, ensure_ascii=False),
        "language": article.language,
        "agency": article.agency,
        "lead": article.lead,
        "body": article.body,
        "body_html": article.body_html,
        "word_count": article.word_count,
        "content_hash": article.content_hash,
        "top_image": article.top_image,
        "capture_id": capture_id,
        "first_seen": seen_at,
        "last_seen": seen_at,
        "profile_version": profile_version,
    }


def link_rows(article: Article) -> list[tuple[str, str, str, str]]:
    """The `links` rows of a page: (source, target, kind, anchor text) of its stored kinds, each once."""
    return sorted(
        {
            (article.url, link.url, link.kind, link.text)
            for link in article.links
            if link.kind in STORED_LINK_KINDS and link.url != article.url
        }
    )


@dataclass
class Batch:
    """Rows waiting to be written together in one transaction."""

    captures: list[dict[str, Any]] = field(default_factory=list)
    articles: list[dict[str, Any]] = field(default_factory=list)
    links: list[tuple[str, str, str, str]] = field(default_factory=list)
    link_sources: set[str] = field(default_factory=set)
    errors: list[dict[str, Any]] = field(default_factory=list)
    # Articles seen again unchanged without being parsed (a 304): (url, seen_at).
    seen: list[tuple[str, str]] = field(default_factory=list)
    # The persisted frontier (crawler/frontier.py): URLs requested (crawl_id, url, priority, depth,
    # recheck) and URLs whose page is done (crawl_id, url); sitemap lastmods as of a page's fetch.
    frontier: list[tuple[int, str, int, int, bool]] = field(default_factory=list)
    done: list[tuple[int, str]] = field(default_factory=list)
    lastmods: list[tuple[str, str]] = field(default_factory=list)

    def __len__(self) -> int:
        return (
            len(self.captures)
            + len(self.articles)
            + len(self.errors)
            + len(self.seen)
            + len(self.frontier)
            + len(self.done)
            + len(self.lastmods)
        )

    def add_page(
        self, article: Article, capture_id: int | None, seen_at: str, profile_version: int = 0
    ) -> None:
        """Add what extraction made of a page: its article row (if it is one) and its stored links."""
        if article.is_article:
            self.articles.append(article_row(article, capture_id, seen_at, profile_version))
        links = link_rows(article)
        if links or article.is_article:
            self.link_sources.add(article.url)
            self.links.extend(links)


class CaptureIds:
    """Hands out `captures` ids: one allocator per archive for every crawl of the process.

    The crawls `run_crawls` runs at once (`jcrawl update` of several sites) each batch their
    captures before writing them, so the MAX(id) in the database misses the ids another has handed
    out and not yet written: they share one counter, kept above every row of the database. No other
    process writes captures meanwhile: crawls, imports and reparses hold the archive lock.
    """

    _by_archive: ClassVar[dict[Path, CaptureIds]] = {}

    def __init__(self) -> None:
        self.last = 0

    @classmethod
    def of(cls, store: Store) -> CaptureIds:
        """The allocator of `store`'s archive, moved above the ids its database already holds."""
        ids = cls._by_archive.setdefault(store.path.resolve(), cls())
        ids.last = max(ids.last, store.next_capture_id() - 1)
        return ids

    def take(self) -> int:
        """A new id, never handed out before in this process nor present in the database."""
        self.last += 1
        return self.last


class Store:
    """One archive's SQLite database (`DIR/journal.db`), opened in WAL mode."""

    def __init__(self, archive: str | Path):
        self.archive = Path(archive)
        self.archive.mkdir(parents=True, exist_ok=True)
        self.path = self.archive / DB_NAME
        self.conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self.conn.execute("PRAGMA busy_timeout = 10000")
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA synchronous = NORMAL")
        self.conn.execute("PRAGMA foreign_keys = OFF")
        # site_of(url) in queries: the site (host[:port] without www.) of a URL, NULL for NULL.
        self.conn.create_function("site_of", 1, _sql_site_of, deterministic=True)
        self.db = sqlite_utils.Database(self.conn)
        self._create_schema()

    def _create_schema(self) -> None:
        with self.transaction():
            for statement in _statements(SCHEMA):
                self.conn.execute(statement)
            for table, column, declaration in ADDED_COLUMNS:
                if column not in self.db[table].columns_dict:
                    self.conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {declaration}")
        # sqlite-utils runs its own script (and commits), so this stays outside the transaction.
        if not self.db["articles"].detect_fts():
            self.db["articles"].enable_fts(
                ["title", "body"], create_triggers=True, tokenize="porter unicode61"
            )
            with self.transaction():
                for statement in _statements(FTS_UPDATE_TRIGGER):
                    self.conn.execute(statement)

    def transaction(self) -> sqlite3.Connection:
        """A context manager: BEGIN ... COMMIT, or ROLLBACK on error."""
        return _Transaction(self.conn)

    @property
    def warc_dir(self) -> Path:
        return self.archive / WARC_DIR

    def close(self) -> None:
        self.conn.close()

    # --- crawls ----------------------------------------------------------------------------------
    def begin_crawl(self, start_url: str | None, started_at: str | None = None, kind: str = "crawl") -> int:
        """Record the start of a crawl (now, unless `started_at` says when; `kind` crawl or update, or
        import or reparse for the rows those rebuild from WARC files) and return its id."""
        with self.transaction():
            cursor = self.conn.execute(
                "INSERT INTO crawls (started_at, start_url, kind) VALUES (?, ?, ?)",
                (started_at or utc_now(), start_url, kind),
            )
        return int(cursor.lastrowid or 0)

    def finish_crawl(self, crawl_id: int, stats: dict[str, Any], finished_at: str | None = None) -> None:
        """Record the end of a crawl; what is left of its frontier (a --max-pages stop) is dropped."""
        with self.transaction():
            self.conn.execute(
                "UPDATE crawls SET finished_at = ?, stats = ? WHERE id = ?",
                (finished_at or utc_now(), json.dumps(stats, default=str, sort_keys=True), crawl_id),
            )
            self.conn.execute("DELETE FROM frontier WHERE crawl_id = ?", (crawl_id,))

    def interrupted_crawls(self) -> list[dict[str, Any]]:
        """Crawls and updates that never finished (the process was killed): id, start_url, kind,
        started_at. An import or reparse killed midway is not one: it has no frontier to resume."""
        return self.rows(
            "SELECT id, start_url, kind, started_at FROM crawls "
            "WHERE finished_at IS NULL AND kind IN ('crawl', 'update') ORDER BY id"
        )

    def article_changes(self, crawl_id: int | None) -> dict[str, int]:
        """Articles a crawl added (new), gave a new version (changed), and saw again unchanged.

        Unchanged: articles of the crawl's own site seen since it started (the crawls of other sites
        an update runs at the same time see theirs).
        """
        row = self.conn.execute(
            "SELECT SUM(c.crawl_id = :id AND v.article_id IS NULL), "
            "SUM(c.crawl_id = :id AND v.article_id IS NOT NULL), "
            "SUM(c.crawl_id IS NOT :id AND substr(a.last_seen, 1, 19) >= substr(k.started_at, 1, 19) "
            "AND site_of(a.url) = site_of(k.start_url)) "
            "FROM articles a JOIN crawls k ON k.id = :id LEFT JOIN captures c ON c.id = a.capture_id "
            "LEFT JOIN (SELECT DISTINCT article_id FROM article_versions) v ON v.article_id = a.id",
            {"id": crawl_id},
        ).fetchone()
        return {"new": row[0] or 0, "changed": row[1] or 0, "unchanged": row[2] or 0}

    # --- sites -----------------------------------------------------------------------------------
    def register_site(self, start_url: str, settings: dict[str, Any]) -> str:
        """Remember a crawl's start URL (added to its site's) and settings (replacing the site's).

        `jcrawl update` crawls each site again from these. Returns the site's name (host[:port]).
        """
        name = site_of(start_url)
        with self.transaction():
            row = self.conn.execute("SELECT start_urls FROM sites WHERE name = ?", (name,)).fetchone()
            start_urls = json.loads(row[0]) if row else []
            if start_url not in start_urls:
                start_urls.append(start_url)
            self.conn.execute(
                "INSERT INTO sites (name, start_urls, settings, added_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(name) DO UPDATE SET "
                "start_urls = excluded.start_urls, settings = excluded.settings",
                (name, json.dumps(start_urls), json.dumps(settings, sort_keys=True), utc_now()),
            )
        return name

    def sites(self, name: str | None = None) -> list[dict[str, Any]]:
        """Every site of the archive (or the one named): name, start_urls (a list), settings (a dict),
        added_at."""
        where, params = ("WHERE name = ?", (name,)) if name is not None else ("", ())
        rows = self.rows(
            f"SELECT name, start_urls, settings, added_at FROM sites {where} ORDER BY name", params
        )
        for row in rows:
            row["start_urls"] = json.loads(row["start_urls"])
            row["settings"] = json.loads(row["settings"])
        return rows

    def site(self, name: str) -> dict[str, Any] | None:
        """The site `name` as `sites()` gives it, None if the archive does not know it."""
        rows = self.sites(name)
        return rows[0] if rows else None

    def restore_site(self, site: dict[str, Any]) -> None:
        """Put back a site as `sites()` gave it (from a warcinfo record), unless the archive knows it."""
        with self.transaction():
            self.conn.execute(
                "INSERT OR IGNORE INTO sites (name, start_urls, settings, added_at) VALUES (?, ?, ?, ?)",
                (
                    site["name"],
                    json.dumps(site["start_urls"]),
                    json.dumps(site["settings"], sort_keys=True),
                    site["added_at"],
                ),
            )

    def capture_offsets(self, warc_file: str) -> dict[int, int]:
        """Offset -> id of the `captures` rows pointing into WARC file `warc_file`."""
        rows = self.conn.execute("SELECT warc_offset, id FROM captures WHERE warc_file = ?", (warc_file,))
        return dict(rows.fetchall())

    def next_capture_id(self) -> int:
        return int(self.conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM captures").fetchone()[0])

    # --- writes ----------------------------------------------------------------------------------
    @_retry_when_locked
    def write(self, batch: Batch) -> None:
        """Write a batch of rows in one transaction. Links of a page replace its earlier links.

        An article from a newer capture with other content (another content_hash) files its stored
        content in `article_versions` first; see REEXTRACT_ARTICLE above for the other cases. Retried
        (tenacity) while another process holds the database locked beyond busy_timeout.
        """
        with self.transaction():
            if batch.captures:
                self.conn.executemany(
                    f"INSERT INTO captures ({', '.join(CAPTURE_COLUMNS)}) "
                    f"VALUES ({', '.join('?' * len(CAPTURE_COLUMNS))})",
                    [tuple(c.get(k) for k in CAPTURE_COLUMNS) for c in batch.captures],
                )
            # Row by row: an article may come twice in one batch (two captures, as a rebuild of the
            # store from the WARC files replays them), each version kept in turn.
            for row in batch.articles:
                extracted = (*(row[c] for c in EXTRACTED_COLUMNS), row["url"], row["capture_id"])
                if not self.conn.execute(REEXTRACT_ARTICLE, extracted).rowcount:
                    self.conn.execute(KEEP_VERSION, (row["url"], row["content_hash"], row["last_seen"]))
                    self.conn.execute(UPSERT_ARTICLE, tuple(row[k] for k in ARTICLE_COLUMNS))
            seen = [(a["url"], a["last_seen"]) for a in batch.articles] + batch.seen
            if seen:
                self.conn.executemany(SEE_ARTICLE, [(at, url, at) for url, at in seen])
            if batch.link_sources:
                self.conn.executemany(
                    "DELETE FROM links WHERE source_url = ?", [(s,) for s in batch.link_sources]
                )
            if batch.links:
                self.conn.executemany(
                    "INSERT INTO links (source_url, target_url, kind, anchor_text) VALUES (?, ?, ?, ?)",
                    batch.links,
                )
            if batch.errors:
                self.conn.executemany(
                    "INSERT INTO errors (url, crawl_id, at, kind, message) VALUES (?, ?, ?, ?, ?)",
                    [
                        (e["url"], e.get("crawl_id"), e["at"], e["kind"], e.get("message"))
                        for e in batch.errors
                    ],
                )
            if batch.frontier:
                self.conn.executemany(
                    "INSERT OR IGNORE INTO frontier (crawl_id, url, priority, depth, recheck) "
                    "VALUES (?, ?, ?, ?, ?)",
                    batch.frontier,
                )
            if batch.done:  # kept, marked: a resumed crawl skips only what was finished
                self.conn.executemany(
                    "INSERT INTO frontier (crawl_id, url, done) VALUES (?, ?, 1) "
                    "ON CONFLICT(crawl_id, url) DO UPDATE SET done = 1",
                    batch.done,
                )
            if batch.lastmods:
                self.conn.executemany(
                    "INSERT INTO sitemap_lastmod (url, lastmod) VALUES (?, ?) "
                    "ON CONFLICT(url) DO UPDATE SET lastmod = excluded.lastmod",
                    batch.lastmods,
                )

    def replace_extractions(self, rows: list[dict[str, Any]], links: dict[str, list[tuple]]) -> None:
        """Rewrite articles re-extracted from their own captures (a new site profile): no new version.

        `rows` are `article_row` dicts (only EXTRACTED_COLUMNS are written, matched on `url`); `links`
        maps each source URL to its new (source, target, kind, text) rows.
        """
        with self.transaction():
            self.conn.executemany(
                f"UPDATE articles SET {EXTRACTION_SET} WHERE url = ?",
                [(*(row[c] for c in EXTRACTED_COLUMNS), row["url"]) for row in rows],
            )
            self.conn.executemany("DELETE FROM links WHERE source_url = ?", [(url,) for url in links])
            self.conn.executemany(
                "INSERT INTO links (source_url, target_url, kind, anchor_text) VALUES (?, ?, ?, ?)",
                [link for rows_ in links.values() for link in rows_],
            )

    # --- site profiles ---------------------------------------------------------------------------
    def latest_profile(self, site: str) -> tuple[int, str] | None:
        """(version, profile JSON) of the site's newest profile, None if it has none yet."""
        row = self.conn.execute(
            "SELECT version, profile FROM site_profiles WHERE site = ? ORDER BY version DESC LIMIT 1", (site,)
        ).fetchone()
        return (int(row[0]), row[1]) if row else None

    def add_profile(self, site: str, version: int, pages_seen: int, profile: str, location: Any) -> None:
        """Record a profile version whose WARC record is on disk at `location` (a RecordLocation)."""
        with self.transaction():
            self.conn.execute(
                "INSERT INTO site_profiles VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    site,
                    version,
                    utc_now(),
                    pages_seen,
                    profile,
                    location.file,
                    location.offset,
                    location.length,
                ),
            )

    def article_captures(self, below_version: int) -> list[dict[str, Any]]:
        """Articles extracted with a profile version below `below_version` (any site), with the location
        of the capture each was extracted from."""
        return self.rows(
            "SELECT a.url, c.url AS fetched_url, c.warc_file, c.warc_offset, c.warc_length "
            "FROM articles a JOIN captures c ON c.id = a.capture_id "
            "WHERE a.profile_version < ? ORDER BY a.id",
            (below_version,),
        )

    # --- queries ---------------------------------------------------------------------------------
    def search(self, query: str, limit: int = 10) -> list[dict[str, Any]]:
        """Full-text search over titles and bodies, best match first, with a highlighted snippet."""
        sql = (
            "SELECT a.id, a.url, a.title, a.published, a.authors, "
            "snippet(articles_fts, -1, '[', ']', '…', 16) AS snippet, bm25(articles_fts, 10.0, 1.0) AS rank "
            "FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid "
            "WHERE articles_fts MATCH ? ORDER BY rank LIMIT ?"
        )
        try:
            rows = self.conn.execute(sql, (query, limit)).fetchall()
        except sqlite3.OperationalError as exc:
            raise QueryError(explain_query_error(query, str(exc))) from None
        names = ("id", "url", "title", "published", "authors", "snippet", "rank")
        return [_decode(dict(zip(names, row, strict=True))) for row in rows]

    def article(self, key: str) -> dict[str, Any] | None:
        """An article by id or URL."""
        column = "id" if key.isdigit() else "url"
        row = self._one(f"SELECT * FROM articles WHERE {column} = ?", (key,))
        if row is None and column == "url":
            row = self._one("SELECT * FROM articles WHERE url = ?", (normalize_url(key) or key,))
        if row is None:
            return None
        row["links"] = self.rows(
            "SELECT target_url, kind, anchor_text FROM links WHERE source_url = ? ORDER BY rowid",
            (row["url"],),
        )
        return _decode(row)

    def versions(self, article: dict[str, Any]) -> list[dict[str, Any]]:
        """Every version of an article (a row of `article`), oldest first, the current one last.

        Each has version, seen_at (when it was first seen), title, body, content_hash, capture_id.
        """
        rows = self.rows(
            "SELECT version, seen_at, title, body, content_hash, capture_id FROM article_versions "
            "WHERE article_id = ? ORDER BY version",
            (article["id"],),
        )
        seen = self._one("SELECT fetched_at FROM captures WHERE id = ?", (article["capture_id"],))
        current = {k: article[k] for k in ("title", "body", "content_hash", "capture_id")}
        rows.append(
            {
                "version": len(rows) + 1,
                "seen_at": (seen or {}).get("fetched_at") or article["first_seen"],
                **current,
            }
        )
        return rows

    def articles(self) -> Iterator[dict[str, Any]]:
        """Every article, oldest publication first."""
        cursor = self.conn.execute("SELECT * FROM articles ORDER BY published, id")
        names = [d[0] for d in cursor.description]
        for row in cursor:
            yield _decode(dict(zip(names, row, strict=True)))

    def stats(self) -> dict[str, Any]:
        """Counts and sizes describing the archive."""
        count = self.conn.execute
        files = warc_files(self.warc_dir)
        last = self._one(
            "SELECT id, started_at, finished_at, start_url FROM crawls ORDER BY id DESC LIMIT 1", ()
        )
        return {
            "archive": str(self.archive),
            "crawls": count("SELECT COUNT(*) FROM crawls").fetchone()[0],
            "captures": count("SELECT COUNT(*) FROM captures").fetchone()[0],
            "articles": count("SELECT COUNT(*) FROM articles").fetchone()[0],
            "links": count("SELECT COUNT(*) FROM links").fetchone()[0],
            "errors": count("SELECT COUNT(*) FROM errors").fetchone()[0],
            "warc_files": len(files),
            "warc_bytes": sum(f.stat().st_size for f in files),
            "db_bytes": self.path.stat().st_size,
            "last_crawl": last,
            "sections": dict(
                count(
                    "SELECT COALESCE(section, '-'), COUNT(*) FROM articles "
                    "GROUP BY 1 ORDER BY 2 DESC LIMIT 10"
                ).fetchall()
            ),
        }

    def rows(self, sql: str, params: Iterable[Any] = ()) -> list[dict[str, Any]]:
        cursor = self.conn.execute(sql, tuple(params))
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor]

    def _one(self, sql: str, params: Iterable[Any]) -> dict[str, Any] | None:
        rows = self.rows(sql, params)
        return rows[0] if rows else None


def _statements(script: str) -> Iterator[str]:
    """The SQL statements of `script`, one by one (a trigger's body keeps its semicolons)."""
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            yield statement
            statement = ""


def _sql_site_of(url: str | None) -> str | None:
    return site_of(url) if url is not None else None


def _decode(row: dict[str, Any]) -> dict[str, Any]:
    """JSON list columns back to lists."""
    for column in ("authors", "tags"):
        if isinstance(row.get(column), str):
            row[column] = json.loads(row[column])
    return row


class _Transaction:
    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def __enter__(self) -> sqlite3.Connection:
        self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if not exc_type:
            self.conn.execute("COMMIT")
        elif self.conn.in_transaction:  # SQLite may have rolled back already (a full disk)
            self.conn.execute("ROLLBACK")
