"""HTML -> clean article record. Pure: no I/O, no clock, no state that changes a result (only memos)."""

# First: whether the compiled modules (or their sources) are imported (see compiled.py).
from crawler.extract import compiled  # noqa: F401  # isort: skip
from crawler.extract.article import Extraction, extract_article, extract_page
from crawler.extract.model import NAV, STORED_LINK_KINDS, Article, Link

__all__ = ["NAV", "STORED_LINK_KINDS", "Article", "Extraction", "Link", "extract_article", "extract_page"]
