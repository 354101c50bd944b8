"""The Datasette metadata `jcrawl serve` generates from an archive: its title, the sites it holds and
their crawl dates, what each table and column means, which tables are internal, the catalogue's
facets and search, and the canned queries."""

from __future__ import annotations

import html
import sqlite3
from pathlib import Path
from typing import Any

from crawler.serve.views import CANNED_QUERIES
from crawler.urls import site_of

DATABASE = "journal"
ARTICLE_PAGE = "/-/article/{id}"
CAPTURE_RECORD = "/-/capture/{id}"

# Tables only the crawler needs: hidden from the lists (still reachable by URL and SQL). Among them the
# stored rows (URL ids, compressed text) that the captures, articles and links views show.
INTERNAL = (
    "frontier",
    "sitemap_lastmod",
    "site_profiles",
    "sites",
    "urls",
    "capture_data",
    "article_data",
    "link_data",
)

TABLES: dict[str, tuple[str, dict[str, str]]] = {
    "catalogue": (
        "Every article of the archive, newest first: search it, facet it, click a title to read it.",
        {
            "id": "the article's number (its page: /-/article/ID)",
            "title": "headline, linked to the article's page",
            "published": "publication date and time (ISO 8601, the site's time zone)",
            "authors": "bylines, a JSON list",
            "section": "the site's section or category",
            "agency": "wire agency credited (AFP, Reuters, ...), if any",
            "site": "host[:port] the article was crawled from",
            "word_count": "words in the article's text",
            "language": "language the page declares",
            "tags": "the site's tags or keywords, a JSON list",
            "month": "publication month (YYYY-MM)",
            "url": "canonical URL of the article",
        },
    ),
    "articles": (
        "The clean record of each article, with its full text (catalogue shows the short columns).",
        {
            "url": "canonical URL",
            "title": "headline",
            "authors": "bylines, a JSON list",
            "published": "publication date (ISO 8601)",
            "modified": "last modification date the page declares",
            "section": "section or category",
            "tags": "tags or keywords, a JSON list",
            "language": "language the page declares",
            "agency": "wire agency credited",
            "lead": "standfirst or summary",
            "body": "plain text, paragraphs separated by a blank line",
            "body_html": "the text as clean HTML (rendered, sanitised, on the article page)",
            "word_count": "words in body",
            "content_hash": "SHA-256 of the clean title and body",
            "top_image": "URL of the lead image",
            "capture_id": "the capture in which this version was first seen",
            "first_seen": "when the article was first fetched",
            "last_seen": "when it was last fetched (or answered 304)",
            "profile_version": "version of the site profile that extracted it",
        },
    ),
    "article_versions": (
        "Earlier versions of edited articles (the current one is in articles).",
        {
            "article_id": "the article",
            "version": "1 is the first",
            "seen_at": "when this version was first seen",
            "title": "its title then",
            "body": "its text then",
            "content_hash": "SHA-256 of title and body",
            "capture_id": "the capture it was first seen in",
        },
    ),
    "links": (
        "Links between pages, typed.",
        {
            "source_url": "the page the link is on",
            "target_url": "where it points",
            "kind": "previous, next, related, recent, body (in the text) or listing",
            "anchor_text": "the link's text",
        },
    ),
    "captures": (
        "One row per HTTP response (or revisit) archived in the WARC files.",
        {
            "url": "URL fetched",
            "fetched_at": "when",
            "status": "HTTP status",
            "content_type": "Content-Type",
            "warc_file": "WARC file in the archive's warc/ folder",
            "warc_offset": "byte offset of the record's gzip member",
            "warc_length": "its length in bytes",
            "payload_digest": "WARC-Payload-Digest",
            "etag": "ETag the server sent",
            "last_modified": "Last-Modified the server sent",
            "crawl_id": "the run that fetched it",
            "record_id": "WARC-Record-ID",
            "revisit_of": "for a revisit record: the capture it stands for",
        },
    ),
    "crawls": (
        "Every run: crawl, update, import or reparse.",
        {
            "started_at": "start",
            "finished_at": "end (empty while running, or if killed)",
            "start_url": "where it started",
            "stats": "Scrapy's stats, JSON",
            "kind": "crawl, update, import or reparse",
        },
    ),
    "articles_fts_text": (
        "The text the search index reads: titles and bodies without Arabic short vowels (harakat).",
        {"id": "the article", "title": "its title", "body": "its text"},
    ),
    "errors": (
        "Fetch errors: network failures, server errors, 404s.",
        {"url": "URL", "crawl_id": "run", "at": "when", "kind": "what kind", "message": "details"},
    ),
}


def sites_summary(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """Each site of the archive: articles, runs, first and last crawl start."""
    sites: dict[str, dict[str, Any]] = {}
    for start_url, started, finished in conn.execute(
        "SELECT start_url, started_at, finished_at FROM crawls WHERE start_url IS NOT NULL ORDER BY id"
    ):
        site = sites.setdefault(
            site_of(start_url), {"articles": 0, "runs": 0, "first": started, "last": None}
        )
        site["runs"] += 1
        site["last"] = finished or started
    for site, count in conn.execute("SELECT site, COUNT(*) FROM catalogue GROUP BY site"):
        sites.setdefault(site, {"runs": 0, "first": None, "last": None})["articles"] = count
    return [{"site": name, **values} for name, values in sorted(sites.items())]


def _minute(timestamp: str | None) -> str:
    """2026-12-05T13:20:17Z as 2026-12-05 13:20."""
    return html.escape((timestamp or "")[:16].replace("T", " "))


def build_metadata(conn: sqlite3.Connection, archive: Path) -> dict[str, Any]:
    """Datasette metadata for the archive whose database `conn` reads (the views exist)."""
    sites = sites_summary(conn)
    articles = sum(s["articles"] for s in sites)
    rows = "".join(
        f"<tr><td>{html.escape(s['site'])}</td><td>{s['articles']:,}</td><td>{s['runs']}</td>"
        f"<td>{_minute(s['first'])}</td><td>{_minute(s['last'])}</td></tr>"
        for s in sites
    )
    queries = "".join(
        f'<li><a href="/{DATABASE}/{name}">{html.escape(q["title"])}</a></li>'
        for name, q in CANNED_QUERIES.items()
    )
    description = (
        f"<p>{articles:,} articles from {len(sites)} site{'s' * (len(sites) != 1)}. "
        f'<a href="/{DATABASE}/catalogue">Browse the catalogue</a> or '
        f'<a href="/{DATABASE}/search">search</a>.</p>'
        "<table class='jcrawl-sites'><tr><th>site</th><th>articles</th><th>runs</th>"
        f"<th>first crawl</th><th>last crawl</th></tr>{rows}</table>"
        f"<p>Questions asked often:</p><ul>{queries}</ul>"
    )
    tables: dict[str, Any] = {
        name: {"description": text, "columns": columns} for name, (text, columns) in TABLES.items()
    }
    tables.update({name: {"hidden": True} for name in INTERNAL})
    tables["catalogue"].update(
        {
            "sort_desc": "published",
            "fts_table": "articles_fts",
            "fts_pk": "id",
            "facets": [
                "section",
                "agency",
                {"array": "authors"},
                {"array": "tags"},
                "language",
                "site",
                "month",
            ],
            "size": 50,
        }
    )
    return {
        "title": f"Journal archive: {archive.resolve().name}",
        "description_html": description,
        "extra_css_urls": ["/jcrawl-static/serve.css"],
        "databases": {
            DATABASE: {
                "description_html": description,
                "tables": tables,
                "queries": CANNED_QUERIES,
            }
        },
    }
