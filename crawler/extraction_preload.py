"""What the extraction workers' forkserver imports, once for all the workers it forks
(crawler/extraction_pool.py): what a worker runs (crawler/extraction_worker.py: the extractor, not
the pool's side, which runs in the crawler's process), its start-up as a crawl's
(crawler/startup.py). What it imported is then frozen (gc.freeze, as Python's documentation advises
before forking): a worker's collections never scan it (nor copy the memory pages they would touch),
nor does the forkserver's own at exit."""

import gc

from crawler import startup

startup.begin("extraction")
import crawler.extraction_worker  # noqa: E402, F401

startup.end()
gc.freeze()
