"""Revisit records: a response whose payload the archive already holds is written without it.

A 304 Not Modified (the answer to a conditional request) becomes a WARC/1.1 `revisit` record with the
profile `server-not-modified`; a 200 whose payload digest equals that of the URL's last full capture
becomes one with the profile `identical-payload-digest`. Both keep the response's HTTP headers and
name the record they stand for: `WARC-Refers-To` (its record id), `WARC-Refers-To-Target-URI`,
`WARC-Refers-To-Date` and its `WARC-Payload-Digest`, so replay tools serve the earlier payload.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, Protocol

from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archive.decoding import dechunk
from archive.exchange import sent_chunked
from crawler.policy.seen import RecentDict
from crawler.store import Store

SERVER_NOT_MODIFIED = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"
IDENTICAL_PAYLOAD_DIGEST = "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"


@dataclass(frozen=True, slots=True)
class Original:
    """The last full `response` capture (status 200) of a URL: what a revisit of it refers to."""

    capture_id: int | None
    url: str
    date: str  # its WARC-Date
    digest: str  # its WARC-Payload-Digest
    record_id: str | None  # its WARC-Record-ID, when the store has it


class PeerCaptures(Protocol):
    """Where the processes crawling one site together tell each other their full captures of this run
    (crawler/cluster/revisits.py): what they archived, the others archive as revisits."""

    def original(self, url: str) -> Original | None:
        """The last full capture of `url` another process made in this run, None if none is known."""

    def remember(self, original: Original) -> None:
        """This process archived `original` in full."""


def payload_digest(body: bytes) -> str:
    """The WARC-Payload-Digest of a payload, written as warcio writes it (SHA-1, base32)."""
    return b32_digest(hashlib.sha1(body))


# base32 of a SHA-1 digest (160 bits: 32 characters, no padding) ten bits at a time: Python 3.11's
# base64.b32encode is a Python loop with checks and conversions around it, 1.4 times as costly, and
# each page's records take three.
_B32_PAIRS = [a + b for a in "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567" for b in "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"]
_B32_SHIFTS = range(150, -1, -10)


def b32_digest(sha1: Any) -> str:
    """A SHA-1 hash object's digest as a WARC record states it ("sha1:" and base32)."""
    bits = int.from_bytes(sha1.digest())
    return "sha1:" + "".join([_B32_PAIRS[(bits >> shift) & 0x3FF] for shift in _B32_SHIFTS])


def entity_digest(http_headers: StatusAndHeaders, payload: bytes) -> str:
    """The payload digest of a response as WARC 1.1 defines it: over the entity body, with any
    chunked transfer-coding removed (its Content-Encoding kept)."""
    if sent_chunked(http_headers):
        payload = dechunk(payload)
    return payload_digest(payload)


class RevisitIndex:
    """The last full capture of each URL: asked of the store (`captures`, by URL) when a response
    arrives, and of a bounded memory for the captures of this run whose rows are not committed yet
    (the `recent` last ones), so that memory does not grow with the archive nor with the crawl.

    `shared`: the archive's own database, read-only, for a cluster worker whose `store` is its private
    working database (crawler/cluster/): a page another worker, or an earlier crawl, captured is then
    a revisit too. Its capture is named by its WARC record (id, URI, date), not by a row of `store`.
    `peers`: the captures other workers made of the site in this run (not in any database yet), asked
    before the databases, which hold only earlier ones."""

    def __init__(
        self,
        store: Store,
        recent: int = 10_000,
        shared: Store | None = None,
        peers: PeerCaptures | None = None,
    ):
        self.store = store
        self.shared = shared
        self.peers = peers
        self.originals = RecentDict(recent)
        # No full capture in the store when the run began (a first crawl of a new archive): while
        # `originals` holds every full capture of the run, a URL missing there has none, and the store
        # (one query per response) is not asked.
        self.complete = _first_full_capture(store) is None

    def original(self, url: str) -> Original | None:
        """The last full response capture (status 200) of `url`, None if the archive has none."""
        original = self.originals.get(url)
        if original is None and self.peers is not None:
            original = self.peers.original(url)
        if original is not None:
            return original
        row = None if self.complete else _last_full_capture(self.store, url)
        if row is not None:
            return Original(row[0], url, row[1], row[2], row[3])
        row = _last_full_capture(self.shared, url) if self.shared is not None else None
        return Original(None, url, row[1], row[2], row[3]) if row else None

    def match(self, url: str, status: int, digest: str) -> tuple[str, Original] | None:
        """The revisit profile and the original capture a response (its payload digest: `entity_digest`)
        stands for, or None if it is new."""
        if status not in (200, 304):  # only these can stand for an earlier capture: no lookup for them
            return None
        original = self.original(url)
        if original is None:
            return None
        if status == 304:
            return SERVER_NOT_MODIFIED, original
        if digest == original.digest:  # a 200
            return IDENTICAL_PAYLOAD_DIGEST, original
        return None

    def remember(self, capture: dict[str, Any], whole: bool = True) -> None:
        """A response was just archived in full (its `captures` row), or cut short if not `whole`:
        later 200s and 304s may refer to a whole one (the store, once the row is in, to either)."""
        if capture["status"] == 200:
            url = capture["url"]
            originals = self.originals
            if not whole or (url not in originals and len(originals) >= originals.capacity):
                self.complete = False  # memory no longer has every full capture the store will have
            if not whole:
                return
            original = Original(
                capture.get("id"), url, capture["fetched_at"], capture["payload_digest"], capture["record_id"]
            )
            self.originals.keep(url, original)
            if self.peers is not None:
                self.peers.remember(original)


def _first_full_capture(store: Store) -> tuple | None:
    """A full 200 capture of any URL in `store` (as `_last_full_capture` counts them), None if none."""
    return store.conn.execute(
        "SELECT 1 FROM captures WHERE status = 200 AND revisit_of IS NULL AND payload_digest IS NOT NULL "
        "LIMIT 1"
    ).fetchone()


def _last_full_capture(store: Store, url: str) -> tuple | None:
    """(id, fetched_at, payload_digest, record_id) of the last full 200 capture of `url` in `store`."""
    return store.conn.execute(
        "SELECT id, fetched_at, payload_digest, record_id FROM captures WHERE url = ? AND status = 200 "
        "AND revisit_of IS NULL AND payload_digest IS NOT NULL ORDER BY id DESC LIMIT 1",
        (url,),
    ).fetchone()


def revisit_record(
    builder: WARCWriter,
    url: str,
    profile: str,
    original: Original,
    http_headers: StatusAndHeaders,
    warc_headers: dict[str, str],
) -> ArcWarcRecord:
    """A revisit record of `url` (HTTP headers only) standing for `original`."""
    headers = dict(warc_headers)
    if original.record_id:
        headers["WARC-Refers-To"] = original.record_id
    record = builder.create_revisit_record(
        url,
        original.digest,
        original.url,
        original.date,
        http_headers=http_headers,
        warc_headers_dict=headers,
    )
    record.rec_headers.replace_header("WARC-Profile", profile)
    return record
