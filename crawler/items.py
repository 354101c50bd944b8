"""Items the journal spider yields to the store pipeline."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from crawler.extract import Article


@dataclass(slots=True)
class PageItem:
    """An HTML page and what extraction made of it (an article, or a listing and its links)."""

    article: Article
    fetched_url: str
    capture_id: int | None
    fetched_at: str | None
    profile_version: int = 0  # of the site profile it was extracted with
    redirected_from: tuple[str, ...] = ()  # the URLs that redirected to fetched_url: the article's aliases
    measures: tuple[int, str] | None = None  # the article's (word_count, content_hash), if known
    stored_text: tuple[Any, ...] | None = None  # its text as stored (crawler/store/texts.py), if packed


@dataclass(slots=True)
class ErrorItem:
    """Something that went wrong with one URL: an HTTP error status, a network failure, a bad body."""

    url: str
    kind: str
    message: str


@dataclass(slots=True)
class PageDone:
    """The end of what one response led to (crawler/frontier/middleware.py), stored at once.

    `done`: the frontier entry the response finished, if any; `lastmods`: sitemap lastmods of pages
    done in this run.
    """

    done: str | None
    lastmods: list[tuple[str, str]]


@dataclass(slots=True)
class UnchangedItem:
    """A page the server says is unchanged (HTTP 304): its article, if it is one, was seen again."""

    url: str
    seen_at: str
