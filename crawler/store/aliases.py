"""Aliases: the other addresses of an article (its comment pages, its shortlink, a view its page names
as canonical, the URLs that redirected to it), so that each finds the one article row.

Extraction gives each article its permalink and the page's other names for it (crawler/extract/urls.py);
the store keeps them in `aliases (url, article_url)`. `jcrawl reparse` rebuilds those the pages name;
the URLs that redirected to an article are known only to the crawl that followed the redirect.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the extractor is slow to import; the read commands need only the lookups
    from crawler.extract import Article

SCHEMA = """
CREATE TABLE IF NOT EXISTS aliases (
    url TEXT PRIMARY KEY,
    article_url TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS aliases_article ON aliases(article_url);
"""
UPSERT = (
    "INSERT INTO aliases (url, article_url) VALUES (?, ?) "
    "ON CONFLICT(url) DO UPDATE SET article_url = excluded.article_url"
)


def alias_rows(article: Article, also: list[str] | tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """(alias, article URL) rows of an article: the page's aliases and `also` (say, the URLs that
    redirected to it), normalised, without the article's own URL."""
    from crawler.urls import normalize_url  # w3lib: slow to import, and only writes need it

    rows = []
    for url in (*article.aliases, *also):
        alias = normalize_url(url)
        if alias and alias != article.url:
            rows.append((alias, article.url))
    return rows


def write_aliases(conn: sqlite3.Connection, rows: list[tuple[str, str]]) -> None:
    """Record aliases (a later sighting names the article an alias belongs to now)."""
    conn.executemany(UPSERT, rows)


def resolve_alias(conn: sqlite3.Connection, url: str) -> str | None:
    """The article URL `url` is an alias of, None if it is none."""
    row = conn.execute("SELECT article_url FROM aliases WHERE url = ?", (url,)).fetchone()
    return row[0] if row else None


def aliases_of(conn: sqlite3.Connection, article_url: str) -> list[str]:
    """Every alias of an article."""
    rows = conn.execute("SELECT url FROM aliases WHERE article_url = ? ORDER BY url", (article_url,))
    return [url for (url,) in rows]
