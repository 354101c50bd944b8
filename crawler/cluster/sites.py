"""The cluster's sites, leases and workers, as kept in Redis.

- `jcrawl:sites`: a hash, site -> its seed as JSON: start URLs, the settings every worker crawls it
  with (they travel with the seed), its kind (crawl or update), its Bloom filter's shape, and its
  state (`queued` until a worker finished its crawl, then `done`);
- `jcrawl:todo`: the sites with work left;
- `jcrawl:lease:SITE`: the worker serving the site, set with NX and an expiry (JCRAWL_CLUSTER_LEASE_SECONDS)
  that the worker renews a few times per period. One worker serves a host at a time, so Scrapy's
  per-host concurrency and delay hold cluster-wide; a worker killed loses its lease when it expires;
- `jcrawl:worker:ID`: a worker's heartbeat (JSON, expiring like a lease): alive while it is there;
- `jcrawl:pages`: pages stored by all workers (for pages per second).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

import redis

from crawler.cluster.bloom import BloomShape
from crawler.cluster.connection import key, site_key, site_keys
from crawler.cluster.frontier import GROUP
from crawler.store import utc_now
from crawler.urls import normalize_url, site_of

QUEUED, DONE = "queued", "done"

# Renew the lease if this worker still holds it (KEYS: lease; ARGV: worker id, milliseconds).
_RENEW = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
"""
# Let the lease go if this worker holds it.
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""

# Finish reasons after which a site has no work left (the others leave it to another worker).
FINISHED = ("finished", "max_pages")


@dataclass
class Seed:
    """What a worker needs to crawl a site as the seeding command asked."""

    site: str
    start_urls: list[str]
    settings: dict[str, Any] = field(default_factory=dict)
    kind: str = "crawl"
    bloom: tuple[int, int] = (0, 0)
    state: str = QUEUED
    seeded_at: str = ""  # as the store dates rows (the site's added_at in a rebuilt database)

    def to_json(self) -> str:
        return json.dumps(self.__dict__, sort_keys=True)

    @classmethod
    def from_json(cls, text: bytes | str) -> Seed:
        data = json.loads(text)
        data["bloom"] = tuple(data["bloom"])
        return cls(**data)


def seed(
    client: redis.Redis, start_urls: list[str], settings: dict[str, Any], kind: str, shape: BloomShape
) -> tuple[Seed, bool]:
    """Queue a site's crawl; the seed, and False when the site was queued already (left as it was).

    A site crawled before (done) starts afresh: its old frontier and seen-set are deleted."""
    url = normalize_url(start_urls[0]) or start_urls[0]
    site = site_of(url)
    current = client.hget(key("sites"), site)
    if current is not None and client.sismember(key("todo"), site):
        return Seed.from_json(current), False
    stale = site_keys(client, site)
    new = Seed(site, [url, *start_urls[1:]], settings, kind, (shape.bits, shape.hashes), QUEUED, utc_now())
    pipe = client.pipeline()
    if stale:
        pipe.delete(*stale)
    pipe.hset(key("sites"), site, new.to_json())
    pipe.sadd(key("todo"), site)
    pipe.execute()
    return new, True


def seeds(client: redis.Redis) -> dict[str, Seed]:
    """Every site of the cluster, by name."""
    return {name.decode(): Seed.from_json(text) for name, text in client.hgetall(key("sites")).items()}


def todo(client: redis.Redis) -> list[str]:
    """The sites with work left, in name order."""
    return sorted(name.decode() for name in client.smembers(key("todo")))


def finish(client: redis.Redis, site: str) -> None:
    """The site's crawl is done: no longer to do."""
    current = client.hget(key("sites"), site)
    if current is None:
        return
    done = Seed.from_json(current)
    done.state = DONE
    pipe = client.pipeline()
    pipe.hset(key("sites"), site, done.to_json())
    pipe.srem(key("todo"), site)
    pipe.execute()


class Leases:
    """The host leases of one worker."""

    def __init__(self, client: redis.Redis, worker_id: str, seconds: float):
        self.client = client
        self.worker_id = worker_id
        self.ms = max(1, int(seconds * 1000))
        self.renew_script = client.register_script(_RENEW)
        self.release_script = client.register_script(_RELEASE)

    def take(self, site: str) -> bool:
        """Lease `site` if no worker holds it."""
        return bool(self.client.set(key("lease", site), self.worker_id, nx=True, px=self.ms))

    def renew(self, site: str) -> bool:
        """Extend the lease; False if it was lost (it expired and another worker took the site)."""
        return bool(self.renew_script(keys=[key("lease", site)], args=[self.worker_id, self.ms]))

    def release(self, site: str) -> None:
        self.release_script(keys=[key("lease", site)], args=[self.worker_id])


def heartbeat(client: redis.Redis, worker_id: str, seconds: float, state: dict[str, Any]) -> None:
    """Say this worker is alive for `seconds`, and what it does."""
    client.set(key("worker", worker_id), json.dumps(state, sort_keys=True), px=max(1, int(seconds * 1000)))


def goodbye(client: redis.Redis, worker_id: str) -> None:
    """This worker is leaving: no longer alive."""
    client.delete(key("worker", worker_id))


def workers(client: redis.Redis) -> dict[str, dict[str, Any]]:
    """The workers alive (their heartbeat not expired), by id."""
    alive = {}
    for name in client.scan_iter(match=key("worker", "*"), count=1000):
        state = client.get(name)
        if state is not None:
            alive[name.decode().removeprefix(key("worker", ""))] = json.loads(state)
    return alive


def status(client: redis.Redis, interval: float = 1.0) -> dict[str, Any]:
    """What `jcrawl cluster status` prints: per site its state, entries waiting and in flight (pending
    for a worker) and its lease holder; the workers alive; pages stored per second over `interval`."""
    before = int(client.get(key("pages")) or 0)
    started = time.monotonic()
    sites = {}
    for name, seed_ in sorted(seeds(client).items()):
        waiting = sum(int(n) for n in client.hgetall(site_key(name, "waiting")).values())
        in_flight = sum(  # the script that makes a stream gives it its group
            client.xpending(site_key(name, "q", prio.decode()), GROUP)["pending"]
            for prio in client.smembers(site_key(name, "prios"))
        )
        holder = client.get(key("lease", name))
        sites[name] = {
            "state": seed_.state,
            "kind": seed_.kind,
            "waiting": waiting,
            "in_flight": in_flight,
            "worker": holder.decode() if holder else None,
        }
    alive = workers(client)
    time.sleep(max(0.0, interval - (time.monotonic() - started)))
    after = int(client.get(key("pages")) or 0)
    elapsed = time.monotonic() - started
    return {"sites": sites, "workers": alive, "pages": after, "pages_per_second": (after - before) / elapsed}
