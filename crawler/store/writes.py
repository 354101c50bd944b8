"""Writing a Batch in one transaction: captures, articles (with their versions), links, errors and
the frontier entries done; and rewriting re-extracted articles in place."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from crawler.store.aliases import write_aliases
from crawler.store.rows import ARTICLE_COLUMNS, CAPTURE_COLUMNS, EXTRACTED_COLUMNS, Batch, utc_now

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


def write_batch(conn: sqlite3.Connection, batch: Batch) -> None:
    """Write a batch of rows inside the caller's transaction. Links of a page replace its earlier links.

    An article from a newer capture with other content (another content_hash) files its stored
    content in `article_versions` first; see REEXTRACT_ARTICLE above for the other cases.
    """
    if batch.captures:
        conn.executemany(
            f"INSERT INTO captures ({', '.join(CAPTURE_COLUMNS)}) "
            f"VALUES ({', '.join('?' * len(CAPTURE_COLUMNS))})",
            [tuple(c.get(k) for k in CAPTURE_COLUMNS) for c in batch.captures],
        )
    # Row by row: an article may come twice in one batch (two captures, as a rebuild of the
    # store from the WARC files replays them), each version kept in turn.
    for row in batch.articles:
        extracted = (*(row[c] for c in EXTRACTED_COLUMNS), row["url"], row["capture_id"])
        if not conn.execute(REEXTRACT_ARTICLE, extracted).rowcount:
            conn.execute(KEEP_VERSION, (row["url"], row["content_hash"], row["last_seen"]))
            conn.execute(UPSERT_ARTICLE, tuple(row[k] for k in ARTICLE_COLUMNS))
    seen = [(a["url"], a["last_seen"]) for a in batch.articles] + batch.seen
    if seen:
        conn.executemany(SEE_ARTICLE, [(at, url, at) for url, at in seen])
    if batch.link_sources:
        conn.executemany("DELETE FROM links WHERE source_url = ?", [(s,) for s in batch.link_sources])
    if batch.links:
        conn.executemany(
            "INSERT INTO links (source_url, target_url, kind, anchor_text) VALUES (?, ?, ?, ?)",
            batch.links,
        )
    if batch.aliases:
        write_aliases(conn, batch.aliases)
    if batch.errors:
        conn.executemany(
            "INSERT INTO errors (url, crawl_id, at, kind, message) VALUES (?, ?, ?, ?, ?)",
            [(e["url"], e.get("crawl_id"), e["at"], e["kind"], e.get("message")) for e in batch.errors],
        )
    if batch.done:  # kept, marked: a resumed crawl skips only what was finished
        conn.executemany(
            "INSERT INTO frontier (crawl_id, url, done) VALUES (?, ?, 1) "
            "ON CONFLICT(crawl_id, url) DO UPDATE SET done = 1",
            batch.done,
        )
    if batch.lastmods:
        conn.executemany(
            "INSERT INTO sitemap_lastmod (url, lastmod) VALUES (?, ?) "
            "ON CONFLICT(url) DO UPDATE SET lastmod = excluded.lastmod",
            batch.lastmods,
        )


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
        f"UPDATE articles SET {EXTRACTION_SET} WHERE url = ?",
        [(*(row[c] for c in EXTRACTED_COLUMNS), row["url"]) for row in rows],
    )
    conn.executemany("DELETE FROM links WHERE source_url = ?", [(url,) for url in links])
    conn.executemany(
        "INSERT INTO links (source_url, target_url, kind, anchor_text) VALUES (?, ?, ?, ?)",
        [link for rows_ in links.values() for link in rows_],
    )
