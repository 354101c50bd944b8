"""HTML -> clean article record. Pure: no I/O, no clock, no global state."""

from crawler.extract.article import extract_article
from crawler.extract.model import NAV, STORED_LINK_KINDS, Article, Link

__all__ = ["NAV", "STORED_LINK_KINDS", "Article", "Link", "extract_article"]
