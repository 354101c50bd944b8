"""The SQLite store: an index over the WARC files, and the clean article records researchers query.

Every `captures` row locates a response record (`warc_file`, `warc_offset`, `warc_length`), and every
article points at the capture it came from. Modules, by job: `schema` (tables, the views researchers
read, the schema version), `migrate` (an archive of version 0 brought up to date), `texts` (an
article's text stored once, compressed), `rows` (what an extracted page becomes), `writes` (one batch,
one transaction), `search` (full text), `links` (an article's links in and out), `db` (the Store:
connection, crawls, sites, profiles, queries).
"""

from crawler.store.db import DB_NAME, WARC_DIR, CaptureIds, Store
from crawler.store.rows import ARTICLE_COLUMNS, Batch, article_row, link_rows, utc_now
from crawler.store.search import SEARCH_SYNTAX, QueryError

__all__ = [
    "ARTICLE_COLUMNS",
    "DB_NAME",
    "SEARCH_SYNTAX",
    "WARC_DIR",
    "Batch",
    "CaptureIds",
    "QueryError",
    "Store",
    "article_row",
    "link_rows",
    "utc_now",
]
