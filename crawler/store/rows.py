"""The rows the store writes: an extracted article's `articles` and `links` rows, and the Batch
that carries a second's worth of rows to one transaction."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from crawler.store.aliases import alias_rows

if TYPE_CHECKING:  # the extractor (lxml) is slow to import, and the read commands never need it
    from crawler.extract import Article

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


def utc_now() -> str:
    """The current time as ISO 8601 UTC with seconds, e.g. 2026-11-25T18:02:14Z."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def article_row(
    article: Article,
    capture_id: int | None,
    seen_at: str,
    profile_version: int = 0,
    measures: tuple[int, str] | None = None,
    stored_text: tuple[Any, ...] | None = None,
) -> dict[str, Any]:
    """The `articles` row of an extracted article; lists are stored as JSON. `measures`: the article's
    (word_count, content_hash) if known already (`text_measures`, computed by the extraction worker);
    `stored_text`: its text packed already (texts.pack, by the extraction worker), else None."""
    if measures is None:
        from crawler.extract.model import text_measures

        measures = text_measures(article)
    word_count, content_hash = measures
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
        "word_count": word_count,
        "content_hash": content_hash,
        "top_image": article.top_image,
        "capture_id": capture_id,
        "first_seen": seen_at,
        "last_seen": seen_at,
        "profile_version": profile_version,
        "stored_text": stored_text,
    }


def link_rows(article: Article) -> list[tuple[str, str, str, str]]:
    """The `links` rows of a page: (source, target, kind, anchor text) of its stored kinds, each once."""
    from crawler.extract import STORED_LINK_KINDS

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
    # The persisted frontier (crawler/frontier/): URLs whose page is done (crawl_id, url); sitemap
    # lastmods as of a page's fetch.
    done: list[tuple[int, str]] = field(default_factory=list)
    lastmods: list[tuple[str, str]] = field(default_factory=list)
    # Other addresses of the articles (crawler/store/aliases.py): (alias, article URL).
    aliases: list[tuple[str, str]] = field(default_factory=list)

    def __len__(self) -> int:
        return (
            len(self.captures)
            + len(self.articles)
            + len(self.aliases)
            + len(self.errors)
            + len(self.seen)
            + len(self.done)
            + len(self.lastmods)
        )

    def add_page(
        self,
        article: Article,
        capture_id: int | None,
        seen_at: str,
        profile_version: int = 0,
        redirected_from: tuple[str, ...] = (),
        measures: tuple[int, str] | None = None,
        stored_text: tuple[Any, ...] | None = None,
    ) -> None:
        """Add what extraction made of a page: its article row (if it is one), its aliases (with the
        URLs that redirected to it) and its stored links. `measures`, `stored_text`: see `article_row`."""
        if article.is_article:
            row = article_row(article, capture_id, seen_at, profile_version, measures, stored_text)
            self.articles.append(row)
            self.aliases.extend(alias_rows(article, redirected_from))
        links = link_rows(article)
        if links or article.is_article:
            self.link_sources.add(article.url)
            self.links.extend(links)
