"""The cluster's Redis: one connection per process, retried through a Redis restart, and its key names
(`jcrawl:...`; a site's crawl's under `jcrawl:site:SITE:...`, listed in crawler/cluster/frontier.py).

A Redis that cannot be reached when a command starts is a `ClusterUnavailable` (exit 4, one line). Once
running, every command is retried with exponential backoff for JCRAWL_CLUSTER_RETRY_SECONDS, so that a
Redis restarted with its append-only file (AOF) loses the workers nothing: they wait, then go on.
"""

from __future__ import annotations

from typing import Any, Protocol

import redis
from redis.backoff import ExponentialBackoff
from redis.retry import Retry

from crawler import settings as defaults
from crawler.errors import FatalError

PREFIX = "jcrawl:"
# Longest wait between two attempts of a command while Redis is away (seconds).
BACKOFF_CAP = 1.0


# The attribute of a worker's Scrapy crawler that names the worker running it.
_WORKER = "jcrawl_cluster"


class ClusterUnavailable(FatalError):
    """The cluster's Redis cannot be reached (exit 4)."""


class WorkerLink(Protocol):
    """What a crawl's components (its scheduler, its request cap) ask of the worker running it."""

    client: redis.Redis
    worker_id: str
    failure: str | None

    def lost(self, exc: Exception) -> None:
        """Redis is lost: the worker stops its crawls."""


def attach(crawler: Any, worker: WorkerLink) -> None:
    """Make `worker` the one running `crawler`'s crawl."""
    setattr(crawler, _WORKER, worker)


def cluster_of(crawler: Any) -> WorkerLink:
    """The worker running a crawler's crawl."""
    return getattr(crawler, _WORKER)


def connect(url: str, retry_seconds: float = defaults.JCRAWL_CLUSTER_RETRY_SECONDS) -> redis.Redis:
    """A client of the Redis at `url`, checked now (ClusterUnavailable if it does not answer).

    Commands are then retried on connection errors for about `retry_seconds`
    (JCRAWL_CLUSTER_RETRY_SECONDS)."""
    attempts = max(1, int(retry_seconds / BACKOFF_CAP))
    try:
        client = redis.Redis.from_url(
            url,
            retry=Retry(ExponentialBackoff(cap=BACKOFF_CAP, base=0.05), attempts),
            retry_on_error=[redis.ConnectionError, redis.TimeoutError],
            socket_connect_timeout=5,
            health_check_interval=30,
        )
        redis.Redis.from_url(url, socket_connect_timeout=5).ping()  # once, without retries
    except (redis.RedisError, ValueError, OSError) as exc:
        raise ClusterUnavailable(f"cannot reach the cluster's Redis at {url}: {exc}") from None
    return client


def key(*parts: object) -> str:
    """A key of the cluster: `jcrawl:` and the parts joined with colons."""
    return PREFIX + ":".join(str(part) for part in parts)


def site_key(site: str, *parts: object) -> str:
    """A key of a site's crawl: `jcrawl:site:SITE:PARTS`."""
    return key("site", site, *parts)


def site_keys(client: redis.Redis, site: str) -> list[str]:
    """Every key of a site's crawl (its streams, counts, seen-set and counters)."""
    prios = [p.decode() for p in client.smembers(site_key(site, "prios"))]
    names = ("waiting", "prios", "seen", "traps", "sent", "learned", "captures")
    return [site_key(site, name) for name in names] + [site_key(site, "q", p) for p in prios]
