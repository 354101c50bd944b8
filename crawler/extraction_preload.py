"""What the extraction workers' forkserver imports, once for all the workers it forks
(crawler/extraction_pool.py): the extractor, its start-up as a crawl's (crawler/startup.py)."""

from crawler import startup

startup.begin("extraction")
import crawler.extraction_pool  # noqa: E402, F401

startup.end()
