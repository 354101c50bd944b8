"""`RedisFrontier`: the frontier of one site's crawl, shared by the cluster's workers (a FrontierBackend).

Keys (crawler/cluster/connection.py names them `jcrawl:site:SITE:...`):

- `q:P`: a Redis Stream per priority P of the site's entries (url, depth, recheck, the page it was
  found on), read through the consumer group `workers`. An entry `pop` hands out is pending for the
  worker that read it until `ack`, which the store pipeline calls once the page's capture is in its
  WARC file and its rows and links are committed; then it is deleted. A worker that dies leaves its
  entries pending: the next holder of the site's lease claims them all (XAUTOCLAIM) when it opens
  the frontier, and crawls them again. Within a priority entries come first in, first out;
- `waiting`: entries not handed out yet, by priority (kept by the same scripts that add and read);
- `prios`: the priorities the site has streams for;
- `seen`: the bounded seen-set, a Bloom filter (crawler/cluster/bloom.py): URLs pushed or marked;
- `learned`: what the site-profile learner counted of each page, in batches (crawler/cluster/learning.py),
  sent with the acknowledgements, just before them;
- `captures`: URL -> its last full capture in this crawl (WARC date, payload digest, record id), sent
  likewise (and when the crawl closes), so that a worker taking the site over archives what it
  fetches again as revisits (crawler/cluster/revisits.py).

One worker at a time holds a site (crawler/cluster/sites.py), so the counts this backend keeps in
memory after `open` are the site's. Requests are not pickled into Redis: an entry is rebuilt by the
spider from its URL, priority, depth, recheck flag and the page it was found on
(`JournalSpider.frontier_request`: a page that led to a new article gets its fetch back in the trap
counters, as in one process).
"""

from __future__ import annotations

import functools
import json
import logging
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import redis

from archive.revisit import Original
from crawler.cluster.bloom import BitmapCopy, BloomShape
from crawler.cluster.connection import key, site_key
from crawler.cluster.learning import decode_observations, encode_observations
from crawler.extract.learn import Observation
from crawler.frontier.backend import FrontierEntry

GROUP = "workers"

logger = logging.getLogger(__name__)

# KEYS: seen, waiting, prios, stream prefix. ARGV: hashes, then per entry its bit positions, priority
# ("-" for a mark: a URL seen, not to request), url, depth, recheck, found-on URL. Sets each entry's
# bits (one BITFIELD) and adds the entries whose bits were not all set; returns 1/0 per entry.
_PUSH = """
local k = tonumber(ARGV[1])
local added = {}
local i = 2
while i <= #ARGV do
  local set = {}
  for j = 0, k - 1 do
    set[#set + 1] = 'SET'; set[#set + 1] = 'u1'; set[#set + 1] = ARGV[i + j]; set[#set + 1] = 1
  end
  local new = 0
  for _, old in ipairs(redis.call('BITFIELD', KEYS[1], unpack(set))) do
    if old == 0 then new = 1 end
  end
  i = i + k
  local p = ARGV[i]
  if new == 1 and p ~= '-' then
    local stream = KEYS[4] .. p
    if redis.call('SADD', KEYS[3], p) == 1 then
      redis.pcall('XGROUP', 'CREATE', stream, 'workers', '0', 'MKSTREAM')
    end
    redis.call('XADD', stream, '*', 'url', ARGV[i + 1], 'depth', ARGV[i + 2], 'recheck', ARGV[i + 3],
               'found', ARGV[i + 4])
    redis.call('HINCRBY', KEYS[2], p, 1)
  end
  i = i + 5
  added[#added + 1] = new
end
return added
"""
# KEYS: waiting, stream prefix. ARGV: consumer, count. Reads up to `count` new entries, highest
# priority first; returns {priority, id, fields} triples.
_POP = """
local counts = redis.call('HGETALL', KEYS[1])
local prios = {}
for i = 1, #counts, 2 do
  if tonumber(counts[i + 1]) > 0 then prios[#prios + 1] = tonumber(counts[i]) end
end
table.sort(prios, function(a, b) return a > b end)
local want = tonumber(ARGV[2])
local out = {}
for _, p in ipairs(prios) do
  if want <= 0 then break end
  local read = redis.call('XREADGROUP', 'GROUP', 'workers', ARGV[1], 'COUNT', want,
                          'STREAMS', KEYS[2] .. p, '>')
  if read then
    local entries = read[1][2]
    redis.call('HINCRBY', KEYS[1], p, -#entries)
    for _, e in ipairs(entries) do
      out[#out + 1] = {p, e[1], e[2]}
      want = want - 1
    end
  end
end
return out
"""


def _guarded(default: Callable[[], Any]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A method that, once Redis is lost (its retries spent), does nothing and returns `default()`:
    the worker is stopping, and what it did not acknowledge waits in Redis for another."""

    def wrap(method: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(method)
        def guarded(self: RedisFrontier, *args: Any) -> Any:
            if self.broken:
                return default()
            try:
                return method(self, *args)
            except redis.RedisError as exc:
                self.broken = True
                self.lost(exc)
                return default()

        return guarded

    return wrap


class RedisFrontier:
    """The frontier of `site` in the cluster's Redis, worked by `consumer` (see the module docstring).

    Pushes and marks are buffered (up to `buffer` of them) and sent in one script call at `flush`,
    before `pop` and before `waiting` answers."""

    def __init__(
        self,
        client: redis.Redis,
        site: str,
        consumer: str,
        shape: BloomShape,
        buffer: int = 200,
        lost: Callable[[Exception], None] = lambda exc: None,
    ):
        self.client = client
        self.site = site
        self.consumer = consumer
        self.shape = shape
        self.buffer = max(1, buffer)
        self.push_script = client.register_script(_PUSH)
        self.pop_script = client.register_script(_POP)
        self.waiting_counts: Counter[int] = Counter()
        self.pending: dict[str, FrontierEntry | None] = {}  # pushed (None: marked), not sent yet
        self.observed: list[Observation] = []  # counted by the site's learner, not sent yet
        self.captured: dict[str, Original] = {}  # archived in full, not sent yet
        self.reclaimed: list[FrontierEntry] = []  # claimed from a worker that died, not handed out yet
        self.delivered: dict[str, tuple[str, bytes]] = {}  # url -> (stream, entry id) until acked
        self._resumed = False
        self.bitmap: BitmapCopy | None = None  # a resumed site's seen-set, copied at `open`
        self.acked = 0
        self.lost = lost  # told once when Redis is lost for good
        self.broken = False

    # --- FrontierBackend -------------------------------------------------------------------------
    @_guarded(lambda: None)
    def open(self) -> None:
        seen = self.client.get(site_key(self.site, "seen"))
        self._resumed = seen is not None
        if self._resumed:  # the spider asks of every link it does not remember: answered here
            self.bitmap = BitmapCopy(seen)
        counts = self.client.hgetall(site_key(self.site, "waiting"))
        self.waiting_counts = +Counter({int(p): int(n) for p, n in counts.items()})
        prios = (int(p) for p in self.client.smembers(site_key(self.site, "prios")))
        for prio in sorted(prios, reverse=True):
            self._reclaim(prio)
        if self.reclaimed:
            logger.warning(
                "%s: claimed %d entries a worker left in flight; they are crawled again",
                self.site,
                len(self.reclaimed),
            )

    def _reclaim(self, prio: int) -> None:
        """Claim every pending entry of the priority's stream: the site's lease says no one else works it."""
        stream = site_key(self.site, "q", prio)
        start: bytes | str = "0-0"
        while True:
            reply = self.client.xautoclaim(stream, GROUP, self.consumer, 0, start_id=start, count=500)
            start, claimed = reply[0], reply[1]
            for entry_id, fields in claimed:
                if fields:  # an entry deleted meanwhile comes back empty
                    self.reclaimed.append(self._entry(prio, stream, entry_id, fields))
            if start in (b"0-0", "0-0"):
                break

    @property
    def resumed(self) -> bool:
        return self._resumed

    def push(self, entries: Sequence[FrontierEntry], claim: bool) -> list[bool]:
        """Buffer the entries (`claim` is ignored: the cluster scheduler keeps none in memory). True
        for an entry not already buffered; the seen-set drops the others when the buffer is sent."""
        added = []
        for entry in entries:
            new = entry.url not in self.pending
            if new:
                self.pending[entry.url] = entry
            added.append(new)
        if len(self.pending) >= self.buffer:
            self.flush()
        return added

    @_guarded(list)
    def pop(self, count: int) -> list[FrontierEntry]:
        self.flush()
        entries, self.reclaimed = self.reclaimed[:count], self.reclaimed[count:]
        if len(entries) < count:
            stream = site_key(self.site, "q", "")
            reply = self.pop_script(
                keys=[site_key(self.site, "waiting"), stream], args=[self.consumer, count - len(entries)]
            )
            for prio, entry_id, fields in reply:
                entries.append(self._entry(int(prio), stream + str(int(prio)), entry_id, fields))
                self.waiting_counts[int(prio)] -= 1
        return entries

    def waiting(self) -> Counter[int]:
        self.flush()  # what the seen-set lets through is waiting
        if self.broken:  # nothing more to do: the crawl closes
            return Counter()
        counts = +self.waiting_counts
        for entry in self.reclaimed:
            counts[entry.priority] += 1
        return counts

    @_guarded(lambda: None)
    def ack(self, urls: Iterable[str]) -> None:
        done: dict[str, list[bytes]] = {}
        for url in urls:
            if url in self.delivered:
                stream, entry_id = self.delivered.pop(url)
                done.setdefault(stream, []).append(entry_id)
        if not done:
            return
        pipe = self.client.pipeline(transaction=False)
        self._share(pipe)  # first: what the pages gave is in Redis before they are acknowledged
        for stream, ids in done.items():
            pipe.xack(stream, GROUP, *ids)
            pipe.xdel(stream, *ids)
        count = sum(len(ids) for ids in done.values())
        pipe.incrby(key("pages"), count)
        pipe.execute()
        self.acked += count

    def mark(self, urls: Iterable[str]) -> None:
        for url in urls:
            self.pending.setdefault(url, None)
        if len(self.pending) >= self.buffer:
            self.flush()

    @_guarded(lambda: True)
    def seen(self, url: str) -> bool:
        """From the copy of a resumed site's seen-set (one worker holds the site: what others add
        meanwhile, the push script drops), else from Redis."""
        if url in self.pending:
            return True
        if self.bitmap is not None:
            return self.bitmap.has(self.shape.positions(url))
        gets = [arg for bit in self.shape.positions(url) for arg in ("GET", "u1", bit)]
        return all(self.client.execute_command("BITFIELD_RO", site_key(self.site, "seen"), *gets))

    @_guarded(lambda: None)
    def flush(self) -> None:
        if not self.pending:
            return
        args: list[object] = [self.shape.hashes]
        for url, entry in self.pending.items():
            positions = self.shape.positions(url)
            args += positions
            if self.bitmap is not None:
                self.bitmap.set(positions)
            if entry is None:
                args += ["-", url, 0, 0, ""]
            else:
                args += [entry.priority, url, entry.depth, int(entry.recheck), entry.found_on or ""]
        keys = [site_key(self.site, name) for name in ("seen", "waiting", "prios")]
        added = self.push_script(keys=[*keys, site_key(self.site, "q", "")], args=args)
        for entry, new in zip(self.pending.values(), added, strict=True):
            if new and entry is not None:
                self.waiting_counts[entry.priority] += 1
        self.pending.clear()

    def close(self) -> None:
        self.flush()
        self._share_rest()

    @_guarded(lambda: None)
    def _share_rest(self) -> None:
        """Send what `_share` has not sent yet (of pages not acknowledged: harmless, and the next
        holder of the site, which fetches them again, then knows their captures)."""
        pipe = self.client.pipeline(transaction=False)
        if self._share(pipe):
            pipe.execute()

    def _share(self, pipe: redis.client.Pipeline) -> bool:
        """Add to `pipe` what the learner counted and the full captures made since the last time
        (crawler/cluster/learning.py, revisits.py); False if there was nothing."""
        shared = bool(self.observed or self.captured)
        if self.observed:
            pipe.rpush(site_key(self.site, "learned"), encode_observations(self.observed))
            self.observed = []
        if self.captured:
            mapping = {url: json.dumps([o.date, o.digest, o.record_id]) for url, o in self.captured.items()}
            pipe.hset(site_key(self.site, "captures"), mapping=mapping)
            self.captured = {}
        return shared

    # --- the site's trap counters (crawler/cluster/scheduler.py) ----------------------------------
    @_guarded(dict)
    def load_counters(self) -> dict[str, int]:
        """The site's trap counters: URL pattern -> fetches charged."""
        stored = self.client.hgetall(site_key(self.site, "traps"))
        return {pattern.decode(): int(n) for pattern, n in stored.items()}

    @_guarded(lambda: None)
    def save_counters(self, changed: dict[str, int]) -> None:
        self.client.hset(site_key(self.site, "traps"), mapping=changed)

    # --- the site's learning (crawler/cluster/learning.py) ---------------------------------------
    def share_observation(self, seen: Observation) -> None:
        """Send what the learner counted of a page with the next acknowledgement (or at `close`)."""
        self.observed.append(seen)

    @_guarded(list)
    def observations(self) -> list[Observation]:
        """What the learner counted of the site's pages, whichever worker crawled them."""
        blobs = self.client.lrange(site_key(self.site, "learned"), 0, -1)
        return [seen for blob in blobs for seen in decode_observations(blob)]

    # --- the site's full captures of this crawl (crawler/cluster/revisits.py) ----------------------
    def capture_kept(self, original: Original) -> None:
        """Send a full capture with the next acknowledgement (or at `close`)."""
        self.captured[original.url] = original

    @_guarded(lambda: None)
    def last_capture(self, url: str) -> Original | None:
        """The last full capture of `url` a worker made in this crawl of the site, None if none."""
        if url in self.captured:
            return self.captured[url]
        stored = self.client.hget(site_key(self.site, "captures"), url)
        if stored is None:
            return None
        date, digest, record_id = json.loads(stored)
        return Original(None, url, date, digest, record_id)

    # --- helpers ---------------------------------------------------------------------------------
    def _entry(self, prio: int, stream: str, entry_id: bytes, fields: dict | list) -> FrontierEntry:
        if isinstance(fields, list):  # as a script returns them: name, value, name, value...
            fields = dict(zip(fields[::2], fields[1::2], strict=True))
        url = fields[b"url"].decode("utf-8", "replace")
        self.delivered[url] = (stream, entry_id)
        found_on = fields.get(b"found", b"").decode("utf-8", "replace") or None
        return FrontierEntry(url, prio, int(fields[b"depth"]), fields[b"recheck"] == b"1", found_on=found_on)
