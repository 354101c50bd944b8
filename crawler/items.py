"""Items the journal spider yields to the store pipeline."""

from __future__ import annotations

from dataclasses import dataclass

from crawler.extract import Article


@dataclass(slots=True)
class PageItem:
    """An HTML page and what extraction made of it (an article, or a listing and its links)."""

    article: Article
    fetched_url: str
    capture_id: int | None
    fetched_at: str | None
    profile_version: int = 0  # of the site profile it was extracted with


@dataclass(slots=True)
class ErrorItem:
    """Something that went wrong with one URL: an HTTP error status, a network failure, a bad body."""

    url: str
    kind: str
    message: str
