"""`jcrawl verify`: prove that the WARC files are whole and that the database points at them truly.

Every record is read in full. In a gzipped file each gzip member is decompressed on its own (zlib
checks its CRC-32 and length, so a flipped bit anywhere in the compressed data or the trailer is
found, and the damaged member is named by its offset); every record's WARC-Block-Digest and
WARC-Payload-Digest are recomputed (warcio). Then every `captures` row must locate a whole record
of its URL, date and payload digest, and every `articles` row a sound capture; response and
revisit records that no row points at are orphans.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import mmap
import zlib
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecord

from archive.ingest import CAPTURE_TYPES, target_uri
from archive.reader import warc_files, warc_name
from crawler.store import Store

GZIP_MAGIC = b"\x1f\x8b\x08"
READ_CHUNK = 1 << 20
# warcio reports some damage by printing it; these are kept as the problem's message.
_PARSE_ERRORS = (ArchiveLoadFailed, ValueError, EOFError, zlib.error, KeyError, IndexError)


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the archive: what kind, where, and what."""

    kind: str  # damaged | missing-file | dangling | orphan
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.where}: {self.message}"


@dataclass(frozen=True, slots=True)
class SeenRecord:
    """A record as read from the archive."""

    rec_type: str
    url: str
    date: str
    payload_digest: str | None
    length: int
    trouble: str | None  # what failed in its digests


@dataclass
class Report:
    """What `verify_archive` read and the problems it found."""

    files: int = 0
    records: int = 0
    bytes: int = 0
    captures: int = 0
    articles: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.problems


def verify_archive(archive: Path, store: Store | None) -> Report:
    """Check every WARC file of `archive`, then (with a store) every `captures` and `articles` row."""
    report = Report()
    seen: dict[tuple[str, int], SeenRecord] = {}
    names = set()
    for path in warc_files(archive / "warc"):
        name = warc_name(path)
        names.add(name)
        report.files += 1
        report.bytes += path.stat().st_size
        for offset, record in scan_file(path, report.problems):
            seen[(name, offset)] = record
            report.records += 1
    if store is not None:
        _check_rows(store, seen, names, report)
    return report


# --- the files ---------------------------------------------------------------------------------------
def scan_file(path: Path, problems: list[Problem]) -> Iterator[tuple[int, SeenRecord]]:
    """(offset, record) of every record in `path`; damage goes into `problems`, reading goes on after it."""
    name = warc_name(path)
    if path.stat().st_size == 0:
        return
    with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:
        if data[:3] == GZIP_MAGIC:
            yield from _scan_gzip(name, data, problems)
        else:
            yield from _scan_plain(name, f, data, problems)


def _scan_gzip(name: str, data: mmap.mmap, problems: list[Problem]) -> Iterator[tuple[int, SeenRecord]]:
    """Each gzip member decompressed alone; a bad one is reported and the next member searched for."""
    offset = 0
    while offset < len(data):
        try:
            block, length = _gunzip_member(data, offset)
        except zlib.error as exc:
            resume, member = _next_member(data, offset)
            lost = f"{resume - offset:,} bytes unreadable"
            problems.append(Problem("damaged", f"{name} offset {offset}", f"gzip member: {exc} ({lost})"))
            if member is None:
                return
            offset, (block, length) = resume, member
        where = f"{name} offset {offset}"
        for record in _member_records(where, block, problems):
            yield offset, _located(record, where, length, problems)
        offset += length


def _next_member(data: mmap.mmap, offset: int) -> tuple[int, tuple[bytes, int] | None]:
    """The next whole gzip member after a damaged one at `offset`: (its offset, (bytes, length)) or None."""
    candidate = data.find(GZIP_MAGIC, offset + 1)
    while candidate >= 0:
        try:
            return candidate, _gunzip_member(data, candidate)
        except zlib.error:  # the magic bytes occur by chance in compressed data
            candidate = data.find(GZIP_MAGIC, candidate + 1)
    return len(data), None


def _gunzip_member(data: mmap.mmap, offset: int) -> tuple[bytes, int]:
    """The decompressed bytes of the gzip member at `offset` and its compressed length."""
    inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
    out = []
    position = offset
    while not inflater.eof:
        chunk = data[position : position + READ_CHUNK]
        if not chunk:
            raise zlib.error("the file ends inside this member (truncated)")
        out.append(inflater.decompress(chunk))
        position += len(chunk)
    return b"".join(out), position - offset - len(inflater.unused_data)


def _member_records(where: str, block: bytes, problems: list[Problem]) -> list[SeenRecord]:
    """The record in one decompressed gzip member, digests checked (more than one is a problem too)."""
    records = ArchiveIterator(io.BytesIO(block), check_digests=True)
    found, end = [], 0
    with _quiet() as said:
        try:
            for record in records:
                found.append(_read_record(record))
                records.read_to_end(record)
                end = records.get_record_offset() + records.get_record_length()
        except _PARSE_ERRORS as exc:
            problems.append(Problem("damaged", where, _message(exc, said)))
            return found
    if block[end:].strip(b"\r\n") or said.getvalue():  # blank lines may follow (wget writes two)
        problems.append(
            Problem("damaged", where, f"the record does not end where its member ends ({_said(said)})")
        )
    elif len(found) > 1:
        problems.append(
            Problem(
                "damaged", where, f"one gzip member holds {len(found)} records, so they cannot be located"
            )
        )
    return found


def _scan_plain(
    name: str, f: BinaryIO, data: mmap.mmap, problems: list[Problem]
) -> Iterator[tuple[int, SeenRecord]]:
    """An uncompressed WARC: records one after the other; after damage, the next `WARC/1.` line."""
    start = 0
    while 0 <= start < len(data):
        f.seek(start)
        records = ArchiveIterator(f, check_digests=True)
        offset = start
        while True:
            with _quiet() as said:
                try:
                    record = next(records, None)
                    if record is None:
                        return
                    seen = _read_record(record)
                    records.read_to_end(record)
                    if said.getvalue():  # "not followed by newline, perhaps Content-Length is invalid"
                        raise ValueError("the record does not end where its Content-Length says")
                except _PARSE_ERRORS as exc:
                    problems.append(Problem("damaged", f"{name} offset {offset}", _message(exc, said)))
                    break
            offset = records.get_record_offset()  # after the blank lines that end the record before
            length = records.get_record_length()
            yield offset, _located(seen, f"{name} offset {offset}", length, problems)
            offset += length
        found = data.find(b"\nWARC/1.", offset + 1)
        start = found + 1 if found >= 0 else -1


def _read_record(record: ArcWarcRecord) -> SeenRecord:
    """Read a record's block to its end (so warcio checks its digests) and describe it."""
    while record.raw_stream.read(READ_CHUNK):
        pass
    checker = record.digest_checker
    headers = record.rec_headers
    return SeenRecord(
        record.rec_type,
        target_uri(record),
        headers.get_header("WARC-Date") or "",
        headers.get_header("WARC-Payload-Digest"),
        0,
        "; ".join(checker.problems) if checker.passed is False else None,
    )


def _located(record: SeenRecord, where: str, length: int, problems: list[Problem]) -> SeenRecord:
    """The record with its length; its digest trouble, if any, reported at `where`."""
    if record.trouble:
        problems.append(Problem("damaged", where, record.trouble))
    return dataclasses.replace(record, length=length)


@contextlib.contextmanager
def _quiet() -> Iterator[io.StringIO]:
    """warcio prints some damage (a bad Content-Length, a decompression error) instead of raising it."""
    said = io.StringIO()
    with contextlib.redirect_stdout(said), contextlib.redirect_stderr(said):
        yield said


def _said(said: io.StringIO) -> str:
    return " ".join(said.getvalue().split()) or "unreadable"


def _message(exc: BaseException, said: io.StringIO) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return f"{text} ({_said(said)})" if said.getvalue() else text


# --- the rows ----------------------------------------------------------------------------------------
def _check_rows(
    store: Store, seen: dict[tuple[str, int], SeenRecord], names: set[str], report: Report
) -> None:
    damaged = {problem.where for problem in report.problems if problem.kind == "damaged"}
    bad_captures: dict[int, str] = {}
    missing: dict[str, int] = defaultdict(int)
    pointed_at = set()
    for row in store.rows("SELECT * FROM captures ORDER BY id"):
        report.captures += 1
        key = (row["warc_file"], row["warc_offset"])
        pointed_at.add(key)
        if row["warc_file"] not in names:
            missing[row["warc_file"]] += 1
            bad_captures[row["id"]] = f"its WARC file {row['warc_file']} is missing"
            continue
        trouble = _capture_trouble(row, seen.get(key), damaged)
        if trouble:
            bad_captures[row["id"]] = trouble
            report.problems.append(Problem("dangling", f"captures #{row['id']} ({row['url']})", trouble))
    for name, count in sorted(missing.items()):
        report.problems.append(Problem("missing-file", name, f"{count:,} captures rows point into it"))
    for row in store.rows("SELECT id, url, capture_id FROM articles ORDER BY id"):
        report.articles += 1
        capture_id = row["capture_id"]
        if capture_id is None:
            trouble = "it has no capture"
        elif capture_id in bad_captures:
            trouble = f"its capture #{capture_id}: {bad_captures[capture_id]}"
        elif not store.rows("SELECT 1 FROM captures WHERE id = ?", (capture_id,)):
            trouble = f"its capture #{capture_id} does not exist"
        else:
            continue
        report.problems.append(Problem("dangling", f"articles #{row['id']} ({row['url']})", trouble))
    orphans: dict[str, list[int]] = defaultdict(list)
    for (name, offset), record in seen.items():
        if record.rec_type in CAPTURE_TYPES and (name, offset) not in pointed_at:
            orphans[name].append(offset)
    for name, offsets in sorted(orphans.items()):
        report.problems.append(
            Problem(
                "orphan",
                name,
                f"{len(offsets):,} response/revisit records have no captures row (first at offset "
                f"{min(offsets)}; `jcrawl reparse` indexes them)",
            )
        )


def _capture_trouble(row: dict, record: SeenRecord | None, damaged: set[str]) -> str | None:
    """What is wrong with a `captures` row given the record at its location, or None."""
    where = f"{row['warc_file']} offset {row['warc_offset']}"
    if record is None and where not in damaged:
        return f"no whole record starts at {where}"
    if record is None or record.trouble:
        return f"the record at {where} is damaged"
    if record.rec_type not in CAPTURE_TYPES:
        return f"the record at {where} is a {record.rec_type} record"
    differences = [
        f"{what} {theirs!r} in the record, {ours!r} in the row"
        for what, theirs, ours in (
            ("length", record.length, row["warc_length"]),
            ("URL", record.url, row["url"]),
            ("date", record.date, row["fetched_at"]),
            ("payload digest", record.payload_digest, row["payload_digest"]),
        )
        if theirs != ours
    ]
    return f"the record at {where} differs: " + "; ".join(differences) if differences else None
