"""Every record of a WARC or ARC file, located, read whole and checked, past any damage.

The one reader of `verify`, `import`, `reparse`, `index` and `wacz`: it hands out each whole record
with its offset and length (its gzip member in a compressed file), and each damaged stretch once,
at the offset where it starts, then reads on. A gzipped file is read through the one gzip-member
scanner (archive/members.py); an uncompressed one with warcio, and after damage from the next line
that starts a record. warcio parses each record; a notice it only prints (a space in a target URI)
is not damage, a record that does not end where its length says is.

Damage is: a gzip member that does not inflate, bytes that hold no record (garbage after a record),
a file cut inside a record, a record whose block or payload digest does not match, a record that
does not end where its gzip member ends (or holds several records, which then cannot be located).
"""

from __future__ import annotations

import contextlib
import io
import re
import sys
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecord, ArcWarcRecordLoader

from archive.members import Member, Unreadable, gzip_members, is_gzip

READ_CHUNK = 1 << 20
# A record starts with a WARC version line, or (ARC) a line of URL, IP address and 14-digit date.
_ARC_LINE = re.compile(rb"^\S+ \S+ \d{12,14} ")
_PARSE_ERRORS = (ArchiveLoadFailed, ValueError, EOFError, zlib.error, KeyError, IndexError, TypeError)
_NO_NEWLINE = "not followed by newline"


class _Loader(ArcWarcRecordLoader):
    """warcio's record loader, tolerant of HTTP status lines (gzipped or not, a record reads alike), with
    the records it cannot read said so (ArchiveLoadFailed) where warcio breaks on them with whatever
    error (a request, response or revisit without its target URI, a Content-Length past any size), or
    store as nothing (a record without its date, which the WARC standard requires of every record)."""

    def __init__(self, arc: bool):
        super().__init__(verify_http=False, arc2warc=arc)

    def parse_record_stream(self, *args: Any, **kwargs: Any) -> ArcWarcRecord:
        record = super().parse_record_stream(*args, **kwargs)
        if record.format == "warc" and not record.rec_headers.get_header("WARC-Date"):
            raise ArchiveLoadFailed(f"a {record.rec_type} record without WARC-Date")
        return record

    def load_http_headers(self, rec_type: str, uri: str | None, stream: BinaryIO, length: int | None) -> Any:
        if length and length > sys.maxsize:
            raise ArchiveLoadFailed(f"its Content-Length, {length:,}, is past any file's size")
        if uri is None and length != 0 and rec_type in self.HTTP_RECORDS:
            raise ArchiveLoadFailed(f"a {rec_type} record without WARC-Target-URI")
        return super().load_http_headers(rec_type, uri, stream, length)


# The record parsers: ARC headers turned into WARC ones for ARC files, none in WARC files.
_LOADERS = {"warc": _Loader(arc=False), "arc": _Loader(arc=True)}


@dataclass(slots=True)
class Located:
    """A whole record: warcio's record (headers parsed), where it lies, and its payload's bytes.

    `payload` is the block after the HTTP headers (or the whole block of a record without them),
    as stored: chunking and Content-Encoding not undone (archive/decoding.py does that).
    """

    record: ArcWarcRecord
    offset: int
    length: int
    payload: bytes


@dataclass(slots=True)
class Damaged:
    """A damaged stretch of a file, reported once at the offset where it starts."""

    offset: int
    message: str


def is_record_start(data: bytes) -> bool:
    """True if `data` begins like a WARC or ARC record."""
    return data[:6] == b"WARC/1" or data[:5] == b"WARC/" or bool(_ARC_LINE.match(data[:300]))


def read_archive(path: Path, check_digests: bool = True) -> Iterator[Located | Damaged]:
    """Every record of WARC/ARC file `path` (gzipped or not) and every damaged stretch, in file order."""
    kind = "arc" if ".arc" in path.name else "warc"
    with open(path, "rb") as f:
        if is_gzip(f):
            yield from _read_gzipped(f, kind, check_digests)
        else:
            yield from _read_plain(f, kind, check_digests)


def _read_gzipped(f: BinaryIO, kind: str, check_digests: bool) -> Iterator[Located | Damaged]:
    damaged_end = -1  # the end of the last damaged record: unreadable bytes right after it are its own
    for member in gzip_members(f, accept=is_record_start):
        if isinstance(member, Unreadable):
            if member.offset != damaged_end:
                yield Damaged(member.offset, f"{member.reason} ({member.length:,} bytes unreadable)")
            damaged_end = member.offset + member.length
            continue
        found = _member_record(member, kind, check_digests)
        if isinstance(found, Damaged):
            damaged_end = member.offset + member.length
        yield found


def _member_record(member: Member, kind: str, check_digests: bool) -> Located | Damaged:
    """The one record a gzip member holds, or why it holds no whole, sound one.

    warcio's record loader parses it from the member's bytes directly (an ArchiveIterator per member
    would cost more than the parsing).
    """
    stream = io.BytesIO(member.data)
    with _warnings() as said:
        try:
            record = _LOADERS[kind].parse_record_stream(stream, check_digests=check_digests)
            payload = _read_block(record, kind)
        except _PARSE_ERRORS as exc:
            return Damaged(member.offset, _message(exc))
    rest = member.data[stream.tell() :]
    if rest.strip(b"\r\n"):  # blank lines may follow a record (wget writes two)
        if is_record_start(rest.lstrip(b"\r\n")):
            return Damaged(
                member.offset,
                "one gzip member holds several records, so they cannot be located (is the file "
                "gzipped as one stream? `warcio recompress` writes one member per record)",
            )
        return Damaged(member.offset, "the record does not end where its gzip member ends")
    trouble = _trouble(record, said.getvalue())
    if trouble:
        return Damaged(member.offset, trouble)
    return Located(record, member.offset, member.length, payload)


def _read_plain(f: BinaryIO, kind: str, check_digests: bool) -> Iterator[Located | Damaged]:
    """An uncompressed file: records one after the other; after damage, the next record's first line."""
    f.seek(0, 2)
    size = f.tell()
    start = 0
    while start < size:
        f.seek(start)
        records = ArchiveIterator(f, check_digests=check_digests, arc2warc=kind == "arc")
        records.loader = _LOADERS[kind]  # (the iterator's own is warcio's: it breaks where ours says why)
        while True:
            offset = records.offset  # where the next record starts, blank lines before it skipped
            with _warnings() as said:
                try:
                    record = next(records, None)
                    if record is None:
                        return
                    offset = records.offset
                    payload = _read_block(record, kind)
                    records.read_to_end(record)
                    trouble = _trouble(record, said.getvalue())
                except _PARSE_ERRORS as exc:
                    yield Damaged(offset, _message(exc))
                    break
            located = Located(record, records.get_record_offset(), records.get_record_length(), payload)
            if trouble:
                yield Damaged(located.offset, trouble)
                break
            yield located
        start = _next_record_line(f, offset + 1, size)


def _next_record_line(f: BinaryIO, position: int, size: int) -> int:
    """The offset of the next line after `position` that starts a WARC record (`size` if none)."""
    while position < size:
        f.seek(position)
        block = f.read(READ_CHUNK + 8)
        found = block.find(b"\nWARC/1.")
        if found >= 0:
            return position + found + 1
        if len(block) <= 8:
            break
        position += READ_CHUNK
    return size


def _read_block(record: ArcWarcRecord, kind: str) -> bytes:
    """Read the record's block to its end (so warcio checks its digests); return the payload bytes."""
    if kind == "warc" and record.format != "warc":  # warcio reads any 5-word line as an ARC header
        raise ArchiveLoadFailed("not a WARC record")
    chunks = []
    while chunk := record.raw_stream.read(READ_CHUNK):
        chunks.append(chunk)
    payload = b"".join(chunks)
    missing = getattr(record.raw_stream, "limit", 0)
    if missing > 0 and not (kind == "arc" and _http_message_whole(record, payload)):
        raise ArchiveLoadFailed(f"the file ends inside this record ({missing:,} bytes of its block missing)")
    record.raw_stream = io.BytesIO(payload)  # the caller may read it again (content_stream)
    return payload


def _http_message_whole(record: ArcWarcRecord, payload: bytes) -> bool:
    """An ARC record (no digests) may overstate its length (line ends rewritten since): its HTTP
    message is whole when the body holds the HTTP Content-Length."""
    http = record.http_headers
    declared = (http.get_header("Content-Length") or "") if http is not None else ""
    return declared.isdigit() and len(payload) >= int(declared)


def _trouble(record: ArcWarcRecord, said: str) -> str | None:
    """What is wrong with a record read to its end: its digests, or its length."""
    checker = record.digest_checker
    if checker is not None and checker.passed is False:
        return "; ".join(checker.problems)
    if _NO_NEWLINE in said:
        return "the record does not end where its Content-Length says (no blank line follows it)"
    return None


@contextlib.contextmanager
def _warnings() -> Iterator[io.StringIO]:
    """warcio prints what it finds odd (to stderr, or through logging) instead of raising it."""
    said = io.StringIO()
    with contextlib.redirect_stderr(said), contextlib.redirect_stdout(said):
        yield said


def _message(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:300] or type(exc).__name__


def opens_with_record(path: Path) -> bool:
    """True if `path` starts like a WARC or ARC file (its first gzip member, or its first bytes)."""
    with open(path, "rb") as f:
        if not is_gzip(f):
            return is_record_start(f.read(300))
        inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
        try:
            return is_record_start(inflater.decompress(f.read(1 << 16), 300))
        except zlib.error:
            return False


def one_stream_gzip(path: Path) -> bool:
    """True if `path` is gzipped as one stream holding several records (not one member per record)."""
    with open(path, "rb") as f:
        if not is_gzip(f):
            return False
        first = next(gzip_members(f, resume=False), None)
    if not isinstance(first, Member):
        return False
    found = _member_record(first, "arc" if ".arc" in path.name else "warc", check_digests=False)
    return isinstance(found, Damaged) and "several records" in found.message
