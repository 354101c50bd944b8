"""Rotating writer of gzipped WARC/1.1 files: one gzip member per record, `.open` until closed."""

from __future__ import annotations

import hashlib
import io
import os
import re
import struct
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archive.exchange import sent_chunked
from archive.revisit import b32_digest, payload_digest

OPEN_SUFFIX = ".open"
# PREFIX-YYYYmmddHHMMSS-NNNNN.warc.gz (`.open` while it is written): the names of the files this writes.
_FILE_NAME = re.compile(r"^(?P<prefix>.+)-\d{14}-\d{5}\.warc\.gz(?:" + re.escape(OPEN_SUFFIX) + ")?$")
WARC_VERSION = "WARC/1.1"
# zlib level 6 compresses HTML within a few percent of level 9 (warcio's default) at about twice the speed.
GZIP_LEVEL = 6
# A response whose payload the server compressed (a Content-Encoding) is stored in its gzip member as it
# is (`stored_member`): deflating bytes that are compressed already costs CPU and saves next to nothing.
# The header zlib writes at level 0: no name, no time, XFL 4 (fastest), OS 3 (Unix).
GZIP_STORED_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x04\x03"
MAX_STORED_BLOCK = 0xFFFF
# What deflate keeps ahead of the bytes it matches (zlib's MIN_LOOKAHEAD): a window holds it too.
MIN_LOOKAHEAD = 262
# The WARC-Payload-Digest of an empty payload (a GET request's), computed once.
EMPTY_PAYLOAD_DIGEST = payload_digest(b"")


class RecordBuilder(WARCWriter):
    """warcio's record builder, writing WARC-Payload-Digest where every validator agrees on it.

    Not on `resource` and `metadata` records, whose payload is their whole block (WARC-Block-Digest
    covers it), and which FastWARC does not check as payloads. Not on a response whose body came
    chunked (archive/exchange.py), for which warcio and FastWARC take the payload to be the bytes after
    the header block, chunk framing included, where WARC 1.1 takes the entity body without it, so any
    digest there would fail one of them. An empty payload's digest (a GET request's) is known.
    """

    NO_PAYLOAD_DIGEST_TYPES = ("warcinfo", "revisit", "resource", "metadata")

    def ensure_digest(self, record: ArcWarcRecord, block: bool = True, payload: bool = True) -> None:
        payload = payload and states_payload_digest(
            record.rec_type, record.http_headers, record.payload_length
        )
        if (
            payload
            and record.payload_length == 0
            and not record.rec_headers.get_header("WARC-Payload-Digest")
        ):
            record.rec_headers.add_header("WARC-Payload-Digest", EMPTY_PAYLOAD_DIGEST)
        super().ensure_digest(record, block, payload)

    def http_record(
        self,
        record_type: str,
        uri: str,
        http_headers: StatusAndHeaders,
        payload: bytes,
        warc_headers: dict[str, str],
        digest: str,
    ) -> HttpRecord:
        """The `response` or `request` record of an HTTP message whose bytes are in hand, as
        `create_warc_record` and `_write_warc_record` write it (the same headers in the same order:
        `warc_headers`, type, id, URI, date, digests, Content-Type, Content-Length), without their
        header-by-header scans and passes over the payload. `digest`: the payload's WARC-Payload-Digest
        (`entity_digest`), stated as `ensure_digest` states it."""
        headers = list(warc_headers.items())
        given = {name.lower(): index for index, (name, _) in enumerate(headers)}
        _put(headers, given, "WARC-Type", record_type)
        if "warc-record-id" not in given:
            headers.append(("WARC-Record-ID", record_id()))
        _put(headers, given, "WARC-Target-URI", uri)
        if "warc-date" not in given:
            headers.append(("WARC-Date", self.curr_warc_date()))
        http_headers.compute_headers_buffer(self.header_filter)
        head = http_headers.headers_buff
        if states_payload_digest(record_type, http_headers, len(payload)):
            headers.append(("WARC-Payload-Digest", digest))
        block = hashlib.sha1(head)
        block.update(payload)
        headers.append(("WARC-Block-Digest", b32_digest(block)))
        _put(headers, given, "Content-Type", self.WARC_RECORDS[record_type])
        _put(headers, given, "Content-Length", str(len(head) + len(payload)))
        return HttpRecord(self.warc_version, headers, head, payload, content_coded(http_headers))


def record_id() -> str:
    """A new WARC-Record-ID: a random (version 4) UUID's URN, as warcio writes one from uuid.uuid4(),
    made from the random bytes directly (uuid.UUID's checks and conversions cost 2.5 times as much,
    twice a page)."""
    data = bytearray(os.urandom(16))
    data[6] = data[6] & 0x0F | 0x40  # version 4
    data[8] = data[8] & 0x3F | 0x80  # the RFC 4122 variant
    digits = data.hex()
    return f"<urn:uuid:{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:]}>"


def _put(headers: list[tuple[str, str]], given: dict[str, int], name: str, value: str) -> None:
    """warcio's replace_header for a header `given` (lower-cased name -> index) may hold."""
    index = given.get(name.lower())
    if index is None:
        headers.append((name, value))
    else:
        headers[index] = (headers[index][0], value)


@dataclass(slots=True)
class HttpRecord:
    """A `response` or `request` record built by `RecordBuilder.http_record`, ready to write."""

    version: str  # its first line, WARC/1.1
    headers: list[tuple[str, str]]  # the WARC headers, in order
    http_head: bytes  # the HTTP status line and headers, as the block holds them
    payload: bytes
    coded: bool  # the payload has a Content-Encoding (stored, not deflated again)

    def get_header(self, name: str) -> str | None:
        """The value of WARC header `name` (case-insensitive), None if the record has none."""
        name = name.lower()
        return next((value for key, value in self.headers if key.lower() == name), None)

    def to_bytes(self) -> bytes:
        """The record as `_write_warc_record` writes it."""
        head = self.version + "\r\n" + "".join([f"{name}: {value}\r\n" for name, value in self.headers])
        return b"".join((head.encode("utf-8"), b"\r\n", self.http_head, self.payload, b"\r\n\r\n"))


def states_payload_digest(
    record_type: str, http_headers: StatusAndHeaders | None, length: int | None
) -> bool:
    """Whether a record states its WARC-Payload-Digest (see RecordBuilder): not a record of
    NO_PAYLOAD_DIGEST_TYPES, nor a response with a payload whose body came with its chunked framing."""
    if record_type in RecordBuilder.NO_PAYLOAD_DIGEST_TYPES:
        return False
    return length == 0 or not (
        record_type == "response" and http_headers is not None and sent_chunked(http_headers)
    )


def content_coded(http_headers: StatusAndHeaders | None) -> bool:
    """Whether an HTTP message's body has a Content-Encoding (other than identity)."""
    coded = http_headers.get_header("Content-Encoding") if http_headers is not None else None
    return bool(coded) and coded.strip().lower() != "identity"


def deflater(size: int) -> zlib._Compress:
    """A gzip compressor (GZIP_LEVEL) for a record of `size` bytes, sized for it: the smallest window
    that holds it (`window_bits`) and a hash table and symbol buffer of the window's size (zlib's
    memLevel; they hold at most a window of bytes), since setting up and clearing zlib's default
    ones (64 KiB each) costs a small record (a request) more than compressing it does."""
    bits = window_bits(size)
    return zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, bits | 16, min(8, bits - 6))


def stored_member(data: bytes | memoryview) -> bytes:
    """`data` as a gzip member of stored (uncompressed) deflate blocks (RFC 1951 3.2.4, RFC 1952), as
    zlib writes at level 0 but without setting up a compressor: zlib clears its 64 KiB hash table for
    each one, even at level 0, which costs more than copying a page does."""
    view = memoryview(data).cast("B")
    size = len(view)
    parts = [GZIP_STORED_HEADER]
    for start in range(0, size, MAX_STORED_BLOCK):
        block = view[start : start + MAX_STORED_BLOCK]
        final = start + MAX_STORED_BLOCK >= size
        parts += (struct.pack("<BHH", final, len(block), len(block) ^ 0xFFFF), block)
    if not size:
        parts.append(b"\x01\x00\x00\xff\xff")  # one final, empty block
    parts.append(struct.pack("<II", zlib.crc32(view), size & 0xFFFFFFFF))
    return b"".join(parts)


def window_bits(size: int) -> int:
    """The smallest zlib window that holds `size` bytes and the lookahead beyond them (at most zlib's
    32 KiB): a small record (a request) costs less to compress in it than setting up the largest
    window does, and deflate writes the same bytes as with any larger window."""
    return max(9, min(zlib.MAX_WBITS, (size + MIN_LOOKAHEAD).bit_length()))


class WarcWriteError(Exception):
    """A record could not be written (disk full, I/O error); the file still ends with a whole record."""


def file_prefix(name: str) -> str | None:
    """The prefix a WARC file of ours was named with (WARC_PREFIX), None for another name."""
    match = _FILE_NAME.match(name)
    return match["prefix"] if match else None


@dataclass(frozen=True, slots=True)
class RecordLocation:
    """Where a record lies: the file name inside the archive's warc/ directory and its gzip member."""

    file: str
    offset: int
    length: int


class WarcFileWriter:
    """Append records to `<prefix>-<UTC timestamp>-<serial>.warc.gz` files in `directory`.

    A file is written as `NAME.warc.gz.open` and renamed to `NAME.warc.gz` when closed, so readers
    and `jcrawl` recovery can tell a finished file from one a killed process left behind. Each file
    starts with a `warcinfo` record built from `info`; a new file is started once the current one
    reaches `max_size` bytes. Every record is handed to the OS as soon as it is written (the file is
    unbuffered), so a location handed out is on disk before any database row can point at it.

    When a write fails (a full disk), the file is cut back to the end of its last whole record, the
    writer refuses any further record, and `WarcWriteError` says so: the archive stays readable up to
    its last whole record and no location is handed out for bytes that are not there.
    """

    def __init__(self, directory: str | Path, prefix: str, max_size: int, info: dict[str, Any]):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.prefix = prefix
        self.max_size = max_size
        self.info = info
        self.builder = RecordBuilder(None, gzip=False, warc_version=WARC_VERSION)
        self.serial = 0
        self.name: str | None = None
        self.file: io.FileIO | None = None
        self.failure: str | None = None

    # --- records ---------------------------------------------------------------------------------
    def write(self, record: ArcWarcRecord | HttpRecord) -> RecordLocation:
        """Write one record (digests added by warcio) and return its location."""
        return self.write_records([record])[0]

    def write_records(self, records: list[ArcWarcRecord | HttpRecord]) -> list[RecordLocation]:
        """Write records one after the other into the same file, all or none; return their locations."""
        if self.failure is not None:
            raise WarcWriteError(self.failure)
        if self.file is None or self.file.tell() >= self.max_size:
            self._rotate()
        assert self.file is not None and self.name is not None
        members = [self._member(record) for record in records]
        start = offset = self.file.tell()
        locations = []
        for member in members:
            locations.append(RecordLocation(self.name, offset, len(member)))
            offset += len(member)
        self._append(b"".join(members), start)
        return locations

    def _member(self, record: ArcWarcRecord | HttpRecord) -> bytes:
        if isinstance(record, HttpRecord):
            data: bytes | memoryview = record.to_bytes()
            stored = record.coded
        else:
            raw = io.BytesIO()
            self.builder._write_warc_record(raw, record)
            stored = content_coded(record.http_headers)
            data = raw.getbuffer()
        if stored:
            return stored_member(data)
        compressor = deflater(len(data))
        return compressor.compress(data) + compressor.flush()

    def _append(self, data: bytes, start: int) -> None:
        """Write all of `data` at `start`, the end of the last whole record; on failure cut back to it."""
        assert self.file is not None
        view = memoryview(data)
        try:
            while view:
                written = self.file.write(view)
                view = view[written or 0 :]
        except OSError as exc:
            os.ftruncate(self.file.fileno(), start)
            self.file.seek(start)
            self._fail(
                f"cannot write {self.file.name}: {exc.strerror or exc} "
                f"(the file keeps its whole records, {start:,} bytes)",
                exc,
            )

    def _fail(self, message: str, cause: OSError) -> None:
        self.failure = message
        raise WarcWriteError(message) from cause

    # --- files -----------------------------------------------------------------------------------
    def _rotate(self) -> None:
        self.close()
        stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
        while True:
            name = f"{self.prefix}-{stamp}-{self.serial:05d}.warc.gz"
            self.serial += 1
            if not (self.directory / name).exists() and not (self.directory / (name + OPEN_SUFFIX)).exists():
                break
        path = self.directory / (name + OPEN_SUFFIX)
        try:
            self.file = open(path, "xb", buffering=0)  # noqa: SIM115 (kept open)
        except OSError as exc:
            self._fail(f"cannot create {path}: {exc.strerror or exc}", exc)
        self.name = name
        self.write(self.builder.create_warcinfo_record(name, self.info))

    def close(self) -> None:
        """Fsync and rename the current file to its final name (a file left empty by a failure goes)."""
        if self.file is None:
            return
        file, self.file = self.file, None
        assert self.name is not None
        path = self.directory / (self.name + OPEN_SUFFIX)
        try:
            os.fsync(file.fileno())
        finally:
            empty = file.tell() == 0
            file.close()
            if empty:
                path.unlink()
            else:
                os.replace(path, self.directory / self.name)
