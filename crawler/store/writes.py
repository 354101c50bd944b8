"""Writing a Batch in one transaction: URLs, captures, articles (with their versions), links, errors
and the frontier entries done; rewriting re-extracted articles in place; deleting what extraction made.

Rows name URLs by their id in `urls` (schema.py): each URL of a batch is added once and its id looked
up once, and the statements take the ids. An article's text is packed (texts.py) before it is written.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from typing import Any

from crawler.store.aliases import write_aliases
from crawler.store.rows import CAPTURE_COLUMNS, EXTRACTED_COLUMNS, Batch, utc_now
from crawler.store.sql import insert_rows, parameters, select_in
from crawler.store.texts import PARTS, STORED_COLUMNS, PackedTexts, pack, text_sql

URL_ID = "(SELECT id FROM urls WHERE url = ?)"
ADD_URL = "INSERT OR IGNORE INTO urls (url)"
# Statements over a list of values (select_in): the URLs' ids, the URL ids that have an article row.
URL_IDS = "SELECT url, id FROM urls WHERE url IN "
STORED_ARTICLES = "SELECT url_id FROM article_data WHERE url_id IN "
# What extraction makes of a capture, as stored: the text packed into STORED_COLUMNS.
STORED_EXTRACTED = (*(c for c in EXTRACTED_COLUMNS if c not in PARTS), *STORED_COLUMNS)
STORED_ARTICLE = (*STORED_EXTRACTED, "capture_id", "first_seen", "last_seen")
ADD_CAPTURE = (
    f"INSERT INTO capture_data ({', '.join('url_id' if c == 'url' else c for c in CAPTURE_COLUMNS)})"
)

# How an article row is written (Store.write), for a page extracted from capture C:
# - the row already came from C (a re-extraction: new extractor, new site profile): rewritten in place;
# - C is newer than the row's last sighting and the content (content_hash: clean title and body)
#   differs: the stored content becomes a version (KEEP_VERSION), then the row is C's (the upsert);
# - the same content, or C older than the row (a replay of earlier captures): only last_seen moves,
#   and the row keeps its capture_id, the capture in which its current version was first seen.
# The three statements run in this order for every article of a batch (each URL once per round):
# after a rewrite in place the row has the page's content_hash, so the other two leave it alone. A URL
# without an article row yet (STORED_ARTICLES) is only inserted: the other two would match nothing.
EXTRACTION_SET = ", ".join(f"{c} = ?" for c in STORED_EXTRACTED)
REEXTRACT_ARTICLE = f"UPDATE article_data SET {EXTRACTION_SET} WHERE url_id = ? AND capture_id = ?"
# Only a page from a capture some article row names already can be rewritten in place: a crawl's pages
# come from captures newer than all of them, and the UPDATE costs even when it matches nothing (FTS5
# opens and releases a savepoint for it, as the index's triggers could fire) about as much as storing
# the article does.
LAST_ARTICLE_CAPTURE = "SELECT MAX(capture_id) FROM article_data"
# The upsert of a round's rows is one statement (UPSERT_HEAD, ARTICLE_VALUES for each row, UPSERT_TAIL):
# the full-text index's trigger (search.py) fires within it for every row, where a statement a row
# (FTS5 doing its end-of-statement work each time) cost a third of the time an article took to store.
UPSERT_HEAD = f"INSERT INTO article_data (url_id, {', '.join(STORED_ARTICLE)}) VALUES "
ARTICLE_VALUES = parameters(1 + len(STORED_ARTICLE))
UPSERT_TAIL = (
    " ON CONFLICT(url_id) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in STORED_ARTICLE if c != "first_seen")
    + " WHERE excluded.content_hash IS NOT article_data.content_hash "
    "AND excluded.last_seen >= article_data.last_seen"
)
KEEP_VERSION = (
    "INSERT INTO article_versions (article_id, version, seen_at, title, body, content_hash, capture_id) "
    "SELECT a.id, (SELECT COUNT(*) + 1 FROM article_versions v WHERE v.article_id = a.id), "
    "COALESCE((SELECT c.fetched_at FROM capture_data c WHERE c.id = a.capture_id), a.first_seen), "
    f"a.title, {text_sql('body', 'a.')}, a.content_hash, a.capture_id FROM article_data a "
    "WHERE a.url_id = ? AND a.content_hash IS NOT ? AND a.last_seen <= ?"
)
# An article seen again with the same content: only last_seen moves. (Run for the rows stored before
# a round only: a row the round inserts has its last_seen already.)
SEE_ARTICLE = "UPDATE article_data SET last_seen = ? WHERE url_id = ? AND last_seen < ?"
# Links name their URLs by id, each looked up once rather than by a subquery for every link that names
# it: menus and teasers repeat on every page, and the subqueries were the store's costliest statement.
DELETE_LINKS = "DELETE FROM link_data WHERE source_id = ?"
ADD_LINK = "INSERT INTO link_data (source_id, target_id, kind, anchor_text)"
# The rows extraction made, deleted before `jcrawl reparse` makes them again: all, or a site's
# (a site's versions before its articles, which they name).
SITE_ARTICLES = "SELECT a.id FROM article_data a JOIN urls u ON u.id = a.url_id WHERE site_of(u.url) = :site"
DERIVED_ROWS = (
    ("article_versions", f"article_id IN ({SITE_ARTICLES})"),
    ("article_data", f"id IN ({SITE_ARTICLES})"),
    ("link_data", "source_id IN (SELECT id FROM urls WHERE site_of(url) = :site)"),
)


def stored_values(
    row: dict[str, Any], columns: Sequence[str], packed: PackedTexts | None = None
) -> list[Any]:
    """The values of `columns` (stored names) for an `article_row` dict: its text packed (as the
    extraction worker packed it, if it did), and noted in `packed`."""
    parts = [row[part] for part in PARTS]
    text = row.get("stored_text") or pack(*parts)  # (a re-extraction's row has none)
    if packed is not None:
        packed.note(text, *parts)
    stored = dict(zip(STORED_COLUMNS, text, strict=True))
    return [stored[c] if c in stored else row[c] for c in columns]


def write_batch(conn: sqlite3.Connection, batch: Batch, packed: PackedTexts | None = None) -> None:
    """Write a batch of rows inside the caller's transaction. Links of a page replace its earlier links.

    An article from a newer capture with other content (another content_hash) files its stored
    content in `article_versions` first; see REEXTRACT_ARTICLE above for the other cases. `packed`:
    where `conn` reads the texts being written back from (texts.PackedTexts), cleared after each
    round of articles.
    """
    ids = add_urls(conn, batch)
    if batch.captures:
        insert_rows(
            conn,
            ADD_CAPTURE,
            [
                tuple(ids[c["url"]] if k == "url" else c.get(k) for k in CAPTURE_COLUMNS)
                for c in batch.captures
            ],
        )
    seen: list[tuple[Any, ...]] = []  # SEE_ARTICLE's parameters
    for articles in _rounds(batch.articles):
        rows = [(ids[row["url"]], row, stored_values(row, STORED_ARTICLE, packed)) for row in articles]
        stored = {url_id for (url_id,) in select_in(conn, STORED_ARTICLES, [url_id for url_id, _, _ in rows])}
        again = [(url_id, row, values) for url_id, row, values in rows if url_id in stored]
        extracted = len(STORED_EXTRACTED)
        last = conn.execute(LAST_ARTICLE_CAPTURE).fetchone()[0]
        conn.executemany(
            REEXTRACT_ARTICLE,
            [
                (*values[:extracted], url_id, row["capture_id"])
                for url_id, row, values in again
                if last is not None and row["capture_id"] is not None and row["capture_id"] <= last
            ],
        )
        conn.executemany(
            KEEP_VERSION, [(url_id, row["content_hash"], row["last_seen"]) for url_id, row, _ in again]
        )
        try:
            _upsert_articles(conn, [(url_id, *values) for url_id, _, values in rows])
        finally:
            if packed is not None:
                packed.clear()
        seen += [(row["last_seen"], url_id, row["last_seen"]) for url_id, row, _ in again]
    seen += [(at, ids[url], at) for url, at in batch.seen if url in ids]
    if seen:
        conn.executemany(SEE_ARTICLE, seen)
    if batch.link_sources or batch.links:
        write_links(conn, batch.link_sources, batch.links, ids)
    if batch.aliases:
        write_aliases(conn, batch.aliases)
    if batch.errors:
        insert_rows(
            conn,
            "INSERT INTO errors (url, crawl_id, at, kind, message)",
            [(e["url"], e.get("crawl_id"), e["at"], e["kind"], e.get("message")) for e in batch.errors],
        )
    if batch.done:  # kept, marked: a resumed crawl skips only what was finished
        insert_rows(
            conn,
            "INSERT INTO frontier (crawl_id, url, done)",
            [(crawl_id, url, 1) for crawl_id, url in batch.done],
            " ON CONFLICT(crawl_id, url) DO UPDATE SET done = 1",
        )
    if batch.lastmods:
        insert_rows(
            conn,
            "INSERT INTO sitemap_lastmod (url, lastmod)",
            batch.lastmods,
            " ON CONFLICT(url) DO UPDATE SET lastmod = excluded.lastmod",
        )


def _upsert_articles(conn: sqlite3.Connection, rows: list[tuple[Any, ...]]) -> None:
    """Insert or update the article rows `rows` (each URL once), in as few statements as SQLite's limit
    on variables allows."""
    most = max(1, conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) // (1 + len(STORED_ARTICLE)))
    for start in range(0, len(rows), most):
        chunk = rows[start : start + most]
        sql = UPSERT_HEAD + ", ".join([ARTICLE_VALUES] * len(chunk)) + UPSERT_TAIL
        conn.execute(sql, [value for row in chunk for value in row])


def add_urls(conn: sqlite3.Connection, batch: Batch) -> dict[str, int]:
    """Give every URL the batch's captures, articles and links name an id in `urls`; the ids of those
    and of the stored URLs its unchanged articles (Batch.seen) name."""
    urls = {c["url"] for c in batch.captures} | {a["url"] for a in batch.articles} | batch.link_sources
    urls.update(url for source, target, _, _ in batch.links for url in (source, target))
    _add_urls(conn, urls)
    return url_ids(conn, urls.union(url for url, _ in batch.seen))


def _add_urls(conn: sqlite3.Connection, urls: set[str]) -> None:
    """Give each of `urls` an id in `urls` (in sorted order: the same ids however they came)."""
    insert_rows(conn, ADD_URL, [(url,) for url in sorted(urls)])


def _rounds(articles: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    """The articles in rounds with each URL at most once, in order: an article may come twice in one
    batch (two captures, as a rebuild of the store from the WARC files replays them), each version
    kept in turn."""
    round_: list[dict[str, Any]] = []
    urls: set[str] = set()
    for row in articles:
        if row["url"] in urls:
            yield round_
            round_, urls = [], set()
        round_.append(row)
        urls.add(row["url"])
    if round_:
        yield round_


def replace_extractions(
    conn: sqlite3.Connection,
    rows: list[dict[str, Any]],
    links: dict[str, list[tuple]],
    changes: Sequence[tuple[str, str, str]] = (),
    profile_version: int = 0,
) -> None:
    """Rewrite articles re-extracted from their own captures, inside the caller's transaction; record
    `changes` (url, old content hash, new content hash) as made by profile `profile_version`."""
    at = utc_now()
    conn.executemany(
        "INSERT INTO reextractions (url, at, profile_version, old_hash, new_hash) VALUES (?, ?, ?, ?, ?)",
        [(url, at, profile_version, old, new) for url, old, new in changes],
    )
    conn.executemany(
        f"UPDATE article_data SET {EXTRACTION_SET} WHERE url_id = {URL_ID}",
        [(*stored_values(row, STORED_EXTRACTED), row["url"]) for row in rows],
    )
    new_links = [link for rows_ in links.values() for link in rows_]
    urls = {url for link in new_links for url in link[:2]}
    _add_urls(conn, urls)
    write_links(conn, set(links), new_links, url_ids(conn, urls.union(links)))


def write_links(
    conn: sqlite3.Connection, sources: set[str], links: Sequence[tuple[str, ...]], ids: dict[str, int]
) -> None:
    """Replace the links of the pages `sources` with `links` (source, target, kind, anchor text), whose
    URLs have their ids in `ids` (a source without one is not in `urls`: it has no links to delete)."""
    conn.executemany(DELETE_LINKS, [(ids[source],) for source in sources if source in ids])
    insert_rows(conn, ADD_LINK, [(ids[source], ids[target], *rest) for source, target, *rest in links])


def url_ids(conn: sqlite3.Connection, urls: set[str]) -> dict[str, int]:
    """The id of each of `urls` in `urls` (those it holds)."""
    return dict(select_in(conn, URL_IDS, sorted(urls)))  # (sorted: the same statements however ordered)


def delete_extracted(conn: sqlite3.Connection, site: str | None) -> None:
    """Delete the rows extraction made, all or one site's, inside the caller's transaction."""
    for table, of_site in DERIVED_ROWS:
        where = f" WHERE {of_site}" if site is not None else ""
        conn.execute(f"DELETE FROM {table}{where}", {"site": site})
