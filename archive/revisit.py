"""Revisit records: a response whose payload the archive already holds is written without it.

A 304 Not Modified (the answer to a conditional request) becomes a WARC/1.1 `revisit` record with the
profile `server-not-modified`; a 200 whose payload digest equals that of the URL's last full capture
becomes one with the profile `identical-payload-digest`. Both keep the response's HTTP headers and
name the record they stand for: `WARC-Refers-To` (its record id), `WARC-Refers-To-Target-URI`,
`WARC-Refers-To-Date` and its `WARC-Payload-Digest`, so replay tools serve the earlier payload.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from typing import Any

from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archive.decoding import dechunk
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


def payload_digest(body: bytes) -> str:
    """The WARC-Payload-Digest of a payload, written as warcio writes it (SHA-1, base32)."""
    return "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode("ascii")


def entity_digest(http_headers: StatusAndHeaders, payload: bytes) -> str:
    """The payload digest of a response as WARC 1.1 defines it: over the entity body, with any
    chunked transfer-coding removed (its Content-Encoding kept)."""
    if "chunked" in (http_headers.get_header("Transfer-Encoding") or "").lower():
        payload = dechunk(payload)
    return payload_digest(payload)


class RevisitIndex:
    """The last full capture of each URL in the archive, loaded once when a crawl starts."""

    def __init__(self, originals: dict[str, Original]):
        self.originals = originals

    @classmethod
    def load(cls, store: Store) -> RevisitIndex:
        # SQLite takes the other columns from the row with MAX(id): the latest full capture.
        rows = store.conn.execute(
            "SELECT url, MAX(id), fetched_at, payload_digest, record_id FROM captures "
            "WHERE status = 200 AND revisit_of IS NULL AND payload_digest IS NOT NULL GROUP BY url"
        )
        return cls({url: Original(id_, url, date, digest, record) for url, id_, date, digest, record in rows})

    def match(self, url: str, status: int, body: bytes) -> tuple[str, Original] | None:
        """The revisit profile and the original capture a response stands for, or None if it is new."""
        original = self.originals.get(url)
        if original is None:
            return None
        if status == 304:
            return SERVER_NOT_MODIFIED, original
        if status == 200 and payload_digest(body) == original.digest:
            return IDENTICAL_PAYLOAD_DIGEST, original
        return None

    def remember(self, capture: dict[str, Any]) -> None:
        """A whole response was just archived (its `captures` row): later 200s and 304s may refer to it."""
        if capture["status"] == 200:
            url = capture["url"]
            self.originals[url] = Original(
                capture.get("id"), url, capture["fetched_at"], capture["payload_digest"], capture["record_id"]
            )


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
