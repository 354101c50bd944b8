"""`--max-pages N` across a cluster: the requests sent to a site are counted in Redis.

The embedded cap (crawler/downloadermiddlewares/cap.py) counts in the crawl's process; a site taken
over by another worker would start counting again. This one counts with INCR on the site's `sent`
key, so a site's crawl sends at most JCRAWL_MAX_REQUESTS requests whichever workers send them.
"""

from __future__ import annotations

import redis
from scrapy import Request

from crawler.cluster.connection import cluster_of, site_key
from crawler.downloadermiddlewares.cap import RequestCapMiddleware
from crawler.failures import Dropped


class ClusterRequestCap(RequestCapMiddleware):
    """Downloader middleware: at most JCRAWL_MAX_REQUESTS requests per site, cluster-wide."""

    def process_request(self, request: Request) -> None:
        worker = cluster_of(self.crawler)
        try:
            if worker.failure:
                raise redis.ConnectionError(worker.failure)
            key = site_key(self.crawler.settings.get("JCRAWL_CLUSTER_SITE"), "sent")
            number = int(worker.client.incr(key))
        except redis.RedisError as exc:  # the worker is stopping: no more requests
            worker.lost(exc)
            raise Dropped(f"the cluster's Redis is lost: {exc}") from None  # the worker's end says it
        self.sent = number - 1  # the requests sent before this one, by any worker
        super().process_request(request)
