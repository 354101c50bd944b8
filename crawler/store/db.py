"""The Store: one archive's SQLite database, its transactions, and the queries over crawls, sites,
profiles, captures and articles.

The store is an index over the WARC files: every `captures` row locates a response record
(`warc_file`, `warc_offset`, `warc_length`), and every article points at the capture it came from.
"""

from __future__ import annotations

import functools
import json
import logging
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, ClassVar

from crawler.errors import DatabaseDamaged, is_damage, is_read_only
from crawler.store import checks
from crawler.store.originals import article_of_capture, original_capture
from crawler.store.rows import Batch, utc_now
from crawler.store.search import search
from crawler.store.sql import select_in
from crawler.store.texts import PackedTexts, register_functions
from crawler.store.writes import delete_extracted, replace_extractions, write_batch

DB_NAME = "journal.db"
WARC_DIR = "warc"
# Those of a list of URLs whose capture an article was extracted from (select_in: the list after IN).
EXTRACTED_CAPTURES = (
    "SELECT DISTINCT c.url FROM captures c JOIN articles a ON a.capture_id = c.id WHERE c.url IN "
)
# Rows are appended to a page until the next one does not fit: an article row (about 1.5 KB) leaves
# half a row free at the end of each page on average, a smaller share of a larger page than of SQLite's
# default 4 KiB.
PAGE_SIZE = 8192

logger = logging.getLogger(__name__)


def _locked(exc: BaseException) -> bool:
    """True for SQLite's "database is locked" (busy): another process holds the write lock."""
    return isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc)


def _retry_when_locked(method: Callable[..., Any]) -> Callable[..., Any]:
    """`method`, retried (tenacity) while another process (an update, `jcrawl reparse`) holds the write
    lock longer than busy_timeout. Tenacity is imported only once a call finds the lock held (importing
    it cost every crawl some 20 M instructions): that first failure is handed to it as its own first
    attempt's, so the attempts, waits and log lines are those of tenacity retrying from the start."""

    @functools.wraps(method)
    def retried(*args: Any, **kwargs: Any) -> Any:
        try:
            return method(*args, **kwargs)
        except sqlite3.OperationalError as exc:
            if not _locked(exc):
                raise
            failures = [exc]
        from tenacity import (
            Retrying,
            before_sleep_log,
            retry_if_exception,
            stop_after_attempt,
            wait_random_exponential,
        )

        @functools.wraps(method)  # (tenacity's log lines name the method)
        def attempt(*args: Any, **kwargs: Any) -> Any:
            if failures:
                raise failures.pop()
            return method(*args, **kwargs)

        retrying = Retrying(
            retry=retry_if_exception(_locked),
            wait=wait_random_exponential(multiplier=0.5, max=10),
            stop=stop_after_attempt(6),
            before_sleep=before_sleep_log(logger, logging.WARNING),
            reraise=True,
        )
        return retrying(attempt, *args, **kwargs)

    return retried


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

    def __init__(self, archive: str | Path, read_only: bool = False):
        """Open (or create) the archive's database. `read_only` (the read commands): open an existing
        one read-only, so that reads start fast, take no write lock and work on an archive that
        cannot be written; a database an older jcrawl made is brought up to date first, if it can be.

        Raises DatabaseDamaged when journal.db is not a database or its pages are damaged.
        """
        self.archive = Path(archive)
        self.path = self.archive / DB_NAME
        self.packed = PackedTexts()  # the texts being written
        try:
            self.conn = self._open_read_only() if read_only else self._open_for_writing()
        except sqlite3.DatabaseError as exc:
            if is_damage(exc):
                raise DatabaseDamaged(self.path, str(exc)) from None
            raise
        # site_of(url) in queries: the site (host[:port] without www.) of a URL, NULL for NULL.
        self.conn.create_function("site_of", 1, _sql_site_of, deterministic=True)

    def _open_read_only(self) -> sqlite3.Connection:
        from crawler.store.schema import schema_is_current

        conn = _connect_read_only(self.path)
        try:
            if schema_is_current(conn):
                return conn
        except BaseException:
            conn.close()
            raise
        conn.close()
        try:
            self._open_for_writing().close()  # migrated
        except sqlite3.OperationalError as exc:  # a read-only archive: read what there is
            if not is_read_only(exc):
                raise
        return _connect_read_only(self.path)

    def _open_for_writing(self) -> sqlite3.Connection:
        from crawler.store.migrate import compact
        from crawler.store.schema import create_schema, schema_is_current

        self.archive.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        try:
            register_functions(conn, self.packed)
            conn.execute("PRAGMA busy_timeout = 10000")
            conn.execute(f"PRAGMA page_size = {PAGE_SIZE}")  # a new database's; an older one keeps its own
            # A new database gives freed pages back to the file system when asked (release_free_pages):
            # a crawl's frontier, dropped when it ends, would otherwise stay in the file. An archive
            # with tables takes this at its next VACUUM only (compact, after a migration).
            conn.execute("PRAGMA auto_vacuum = INCREMENTAL")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = OFF")
            # A crawl opens its store some 8 times: a current schema is only checked (read), not
            # written again in a write transaction each time.
            if not schema_is_current(conn) and create_schema(conn):
                compact(conn)  # the old tables' pages back to the file system
        except BaseException:
            conn.close()
            raise
        return conn

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

    def finish_crawl(
        self,
        crawl_id: int,
        stats: dict[str, Any],
        finished_at: str | None = None,
        started_at: str | None = None,
    ) -> None:
        """Record the end of a crawl (and, given `started_at`, correct its start); what is left of its
        frontier (a --max-pages stop) is dropped."""
        with self.transaction():
            self.conn.execute(
                "UPDATE crawls SET finished_at = ?, stats = ?, started_at = COALESCE(?, started_at) "
                "WHERE id = ?",
                (
                    finished_at or utc_now(),
                    json.dumps(stats, default=str, sort_keys=True),
                    started_at,
                    crawl_id,
                ),
            )
            self.conn.execute("DELETE FROM frontier WHERE crawl_id = ?", (crawl_id,))
        self.release_free_pages()

    def release_free_pages(self) -> None:
        """Give the database's free pages (a finished crawl's frontier: as many as the site has URLs)
        back to the file system, so journal.db holds only what it stores. A database made before
        auto_vacuum was set keeps them, reused as it grows."""
        # executescript steps the pragma to its end; execute() would free one page per step taken.
        self.conn.executescript("PRAGMA incremental_vacuum")

    def capture_dates(self, crawl_id: int) -> tuple[str | None, str | None]:
        """The WARC-Dates of a crawl's first and last captures (None, None without any)."""
        first, last = self.conn.execute(
            "SELECT MIN(fetched_at), MAX(fetched_at) FROM captures WHERE crawl_id = ?", (crawl_id,)
        ).fetchone()
        return first, last

    def interrupted_crawls(self) -> list[dict[str, Any]]:
        """Crawls and updates that never finished (the process was killed): id, start_url, kind,
        started_at. An import or reparse killed midway is not one: it has no frontier to resume."""
        return self.rows(
            "SELECT id, start_url, kind, started_at FROM crawls "
            "WHERE finished_at IS NULL AND kind IN ('crawl', 'update') ORDER BY id"
        )

    def article_changes(
        self, crawl_id: int | None, first_capture: int = 0, since: str = ""
    ) -> dict[str, int]:
        """Articles a crawl added (new), gave a new version (changed), and saw again unchanged.

        Only those of one run of it, when `first_capture` (the id of the run's first capture) and
        `since` (when the run started, UTC ISO 8601) are given: a resumed crawl's run does not count
        what the crawl stored before it was interrupted.
        Unchanged: articles of the crawl's own site seen in the run (the crawls of other sites an
        update runs at the same time see theirs).
        """
        row = self.conn.execute("SELECT start_url FROM crawls WHERE id = ?", (crawl_id,)).fetchone()
        site = _sql_site_of(row[0]) if row else None
        params = {"id": crawl_id, "first": first_capture, "since": since, "site": site}
        # New and changed: the articles of the run's captures (found by their index, not by reading
        # every article of the archive), and of those the ones with an earlier version.
        stored, changed = self.conn.execute(
            "SELECT COUNT(*), SUM(EXISTS (SELECT 1 FROM article_versions v WHERE v.article_id = a.id)) "
            "FROM capture_data c JOIN article_data a ON a.capture_id = c.id "
            "WHERE c.crawl_id = :id AND c.id >= :first",
            params,
        ).fetchone()
        # Unchanged: site_of (Python) last, for the articles seen in the run only.
        (unchanged,) = self.conn.execute(
            "SELECT COUNT(*) FROM articles a JOIN crawls k ON k.id = :id "
            "WHERE substr(a.last_seen, 1, 19) >= substr(MAX(:since, k.started_at), 1, 19) "
            "AND NOT EXISTS (SELECT 1 FROM capture_data c "
            "WHERE c.id = a.capture_id AND c.crawl_id = :id AND c.id >= :first) "
            "AND site_of(a.url) = :site",
            params,
        ).fetchone()
        return {"new": stored - (changed or 0), "changed": changed or 0, "unchanged": unchanged}

    # --- sites -----------------------------------------------------------------------------------
    def register_site(self, start_url: str, settings: dict[str, Any]) -> str:
        """Remember a crawl's start URL (added to its site's) and settings (replacing the site's).

        `jcrawl update` crawls each site again from these. Returns the site's name (host[:port]).
        """
        from crawler.urls import site_of

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

    def original_capture(
        self,
        url: str,
        record_id: str | None = None,
        date: str | None = None,
        digest: str | None = None,
        before: str = "9999",
        revisit_id: int | None = None,
    ) -> int | None:
        """The capture a revisit record of `url` stands for: by the original's record id, else its
        URL and date, else the latest capture of `url` with payload `digest` fetched by `before`."""
        return original_capture(self.conn, url, record_id, date, digest, before, revisit_id)

    def article_of_capture(self, capture_id: int) -> str | None:
        """The URL of the article extracted from a capture, or None."""
        return article_of_capture(self.conn, capture_id)

    def captures_of_file(self, warc_file: str) -> dict[int, list[dict[str, Any]]]:
        """The `captures` rows pointing into one WARC file, by offset (`jcrawl verify`)."""
        return checks.captures_of_file(self.conn, warc_file)

    def captures_by_file(self) -> dict[str, int]:
        """How many `captures` rows point into each WARC file."""
        return checks.captures_by_file(self.conn)

    def article_captures_exist(self) -> Iterator[tuple[int, str, int | None, bool]]:
        """(article id, URL, capture id, whether that capture exists) of every article, streamed."""
        return checks.article_captures(self.conn)

    def urls_with_articles(self, urls: list[str]) -> set[str]:
        """Those of `urls` whose capture an article was extracted from."""
        return {url for (url,) in select_in(self.conn, EXTRACTED_CAPTURES, urls)}

    def next_capture_id(self) -> int:
        return int(self.conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM capture_data").fetchone()[0])

    # --- writes ----------------------------------------------------------------------------------
    @_retry_when_locked
    def write(self, batch: Batch) -> None:
        """Write a batch of rows in one transaction (see `writes.write_batch`). Retried (tenacity)
        while another process holds the database locked beyond busy_timeout."""
        with self.transaction():
            write_batch(self.conn, batch, self.packed)

    def replace_extractions(
        self,
        rows: list[dict[str, Any]],
        links: dict[str, list[tuple]],
        changes: Sequence[tuple[str, str, str]] = (),
        profile_version: int = 0,
    ) -> None:
        """Rewrite articles re-extracted from their own captures (a new site profile): no new version.

        `rows` are `article_row` dicts (only EXTRACTED_COLUMNS are written, matched on `url`); `links`
        maps each source URL to its new (source, target, kind, text) rows; `changes` (url, old hash,
        new hash) are the articles whose text changed, recorded in `reextractions` with the version
        of the profile that changed them.
        """
        with self.transaction():
            replace_extractions(self.conn, rows, links, changes, profile_version)

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
            "SELECT a.url, a.content_hash, c.url AS fetched_url, c.warc_file, c.warc_offset, c.warc_length "
            "FROM articles a JOIN captures c ON c.id = a.capture_id "
            "WHERE a.profile_version < ? ORDER BY a.id",
            (below_version,),
        )

    def delete_extracted(self, site: str | None = None) -> None:
        """Delete the rows extraction made (articles, their versions, links): all, or those of one
        site (host[:port] as `site_of` names it), so that `jcrawl reparse` rebuilds them whole."""
        with self.transaction():
            delete_extracted(self.conn, site)

    def site_article_bodies(self, site: str) -> Iterator[tuple[str, str, str]]:
        """(url, body, content_hash) of each of the site's articles (site as `site_of` names it)."""
        yield from self.conn.execute(
            "SELECT url, COALESCE(body, ''), content_hash FROM articles WHERE site_of(url) = ?", (site,)
        )

    # --- queries ---------------------------------------------------------------------------------
    def search(self, query: str, limit: int = 10) -> list[dict[str, Any]]:
        """Full-text search over titles and bodies, best match first, with a highlighted snippet."""
        return [_decode(hit) for hit in search(self.conn, query, limit)]

    def article(self, key: str) -> dict[str, Any] | None:
        """An article by id, URL or any of its aliases (a shortlink, a URL that redirected to it, a
        view of it such as a comment page)."""
        from crawler.store.aliases import aliases_of, resolve_alias  # w3lib: slow to import
        from crawler.urls import normalize_url

        column = "id" if key.isdigit() else "url"
        row = self._one(f"SELECT * FROM articles WHERE {column} = ?", (key,))
        if row is None and column == "url":
            url = normalize_url(key) or key
            row = self._one("SELECT * FROM articles WHERE url = ?", (url,))
            # An alias the crawl met, else a view of the article (its comment page, ?replytocom=, /amp/).
            owner = None if row is not None else resolve_alias(self.conn, url) or _base_of_view(url)
            if owner is not None:
                row = self._one("SELECT * FROM articles WHERE url = ?", (owner,))
            if row is None:  # pasted without the trailing slash of the site's permalinks, or with one
                row = self._one("SELECT * FROM articles WHERE url = ?", (_other_slash(url),))
        if row is None:
            return None
        row["aliases"] = aliases_of(self.conn, row["url"])
        row["links"] = self.rows(
            "SELECT target_url, kind, anchor_text FROM links WHERE source_url = ? ORDER BY 1, 2, 3",
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

    def totals(self) -> dict[str, Any]:
        """What the archive holds, as a crawl's summary says it: archive (its directory), captures,
        articles, warc_files and warc_bytes."""
        from archive.reader import warc_files  # warcio: slow to import, only totals need it

        count = self.conn.execute
        files = warc_files(self.warc_dir)
        return {
            "archive": str(self.archive),
            "captures": count("SELECT COUNT(*) FROM captures").fetchone()[0],
            "articles": count("SELECT COUNT(*) FROM articles").fetchone()[0],
            "warc_files": len(files),
            "warc_bytes": sum(f.stat().st_size for f in files),
        }

    def stats(self) -> dict[str, Any]:
        """Counts and sizes describing the archive: its `totals` and more."""
        count = self.conn.execute
        totals = self.totals()
        last = self._one(
            "SELECT id, kind, started_at, finished_at, start_url FROM crawls ORDER BY id DESC LIMIT 1", ()
        )
        return {
            "archive": totals["archive"],
            "crawls": count("SELECT COUNT(*) FROM crawls").fetchone()[0],
            "captures": totals["captures"],
            "articles": totals["articles"],
            "links": count("SELECT COUNT(*) FROM links").fetchone()[0],
            # as a crawl's summary and --quiet count them: pages lost, not pages that answered 404
            "errors": count("SELECT COUNT(*) FROM errors WHERE kind != 'http'").fetchone()[0],
            "http_errors": count("SELECT COUNT(*) FROM errors WHERE kind = 'http'").fetchone()[0],
            "warc_files": totals["warc_files"],
            "warc_bytes": totals["warc_bytes"],
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


def _connect_read_only(path: Path) -> sqlite3.Connection:
    """`path` opened read-only, without creating it. A WAL database in a directory this process cannot
    write has no -shm file to share with writers: nobody can be writing it, so it is read as immutable."""
    if not path.is_file():
        raise FileNotFoundError(f"no database at {path}")
    uri = path.resolve().as_uri()

    def opened(mode: str) -> sqlite3.Connection:
        conn = sqlite3.connect(f"{uri}?{mode}", uri=True, isolation_level=None, check_same_thread=False)
        register_functions(conn)
        try:
            conn.execute("PRAGMA busy_timeout = 10000")
            conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        except BaseException:
            conn.close()
            raise
        return conn

    try:
        return opened("mode=ro")
    except sqlite3.OperationalError as exc:
        if not is_read_only(exc):
            raise
    return opened("immutable=1")


def _other_slash(url: str) -> str:
    """`url` with its path's trailing slash taken off, or put on (a site answers both, one redirecting)."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    path = parts.path[:-1] if parts.path.endswith("/") and parts.path != "/" else parts.path + "/"
    return urlunsplit(parts._replace(path=path))


def _base_of_view(url: str) -> str | None:
    from crawler.extract.urls import base_of_view  # the extractor: slow to import, rarely needed

    return base_of_view(url)


def _sql_site_of(url: str | None) -> str | None:
    from crawler.urls import site_of  # w3lib: slow to import, and most queries never call this

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
