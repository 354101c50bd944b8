"""Read records back from the archive by the location the store keeps (file, offset, length)."""

from __future__ import annotations

import io
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders

from archive.decoding import MAX_DECODED, content_codings, dechunk, decode_content
from archive.exchange import sent_chunked
from archive.writer import OPEN_SUFFIX

# WARC files, and ARC files (the format before WARC, which Heritrix and the Internet Archive wrote),
# which `jcrawl import` keeps as they are and indexes.
WARC_SUFFIXES = (".warc.gz", ".warc", ".arc.gz", ".arc")


def warc_name(path: Path) -> str:
    """The name the store records for a WARC file: without the `.open` suffix of a file being written."""
    return path.name.removesuffix(OPEN_SUFFIX)


def warc_files(warc_dir: Path, unfinished: bool = True) -> list[Path]:
    """The WARC files (`.warc.gz`, `.warc`) in `warc_dir` in name order; `.open` ones too if `unfinished`."""
    if not warc_dir.is_dir():
        return []
    found = [
        path
        for path in warc_dir.iterdir()
        if path.is_file()
        and warc_name(path).endswith(WARC_SUFFIXES)
        and (unfinished or not path.name.endswith(OPEN_SUFFIX))
    ]
    return sorted(found, key=lambda path: (warc_name(path), path.name))


def warc_path(warc_dir: Path, name: str) -> Path:
    """The file holding WARC `name`: the finished file, or the `.open` one a crawl is still writing."""
    path = warc_dir / name
    if not path.exists() and (warc_dir / (name + OPEN_SUFFIX)).exists():
        return warc_dir / (name + OPEN_SUFFIX)
    return path


def read_record(warc_dir: Path, name: str, offset: int, length: int) -> ArcWarcRecord:
    """The record stored as the gzip member at `offset` (of `length` bytes) in WARC (or ARC) `name`.

    Raises ValueError when no whole record lies there.
    """
    with open(warc_path(warc_dir, name), "rb") as f:
        f.seek(offset)
        member = f.read(length)
    if len(member) != length:
        raise ValueError(f"{name}: {length} bytes expected at offset {offset}, {len(member)} found")
    try:
        return next(iter(ArchiveIterator(io.BytesIO(member), arc2warc=".arc" in name)))
    except StopIteration:
        raise ValueError(f"{name}: no WARC record at offset {offset}") from None


def http_body(headers: StatusAndHeaders, payload: bytes, max_size: int = 0) -> bytes:
    """A response's body as the crawler's spider saw it, from the payload as the server sent it.

    Chunking and Content-Encoding (gzip, x-gzip, deflate, br, zstd, stacked) are undone by the
    functions the crawl uses (archive/decoding.py). Raises UndecodableBody on a body that does not
    decode, BodyTooLarge past `max_size` decoded bytes.
    """
    if sent_chunked(headers):
        payload = dechunk(payload)
    codings = content_codings(value for name, value in headers.headers if name.lower() == "content-encoding")
    body, _ = decode_content(payload, codings, max_size)
    return body


def response_body(record: ArcWarcRecord, limit: int | None = None) -> tuple[bytes, dict[str, str]]:
    """The body of a `response` record as the crawler's spider saw it, and the headers extraction reads.

    Bodies are bounded as in the crawl (MAX_DECODED, DOWNLOAD_MAXSIZE by default); `limit` cuts the body
    shorter.
    """
    headers = record.http_headers
    payload = record.raw_stream.read()
    body = http_body(headers, payload, MAX_DECODED) if headers else payload
    return body[:limit] if limit is not None else body, extraction_headers(headers)


def extraction_headers(headers: StatusAndHeaders | None) -> dict[str, str]:
    """The response headers extraction reads: Content-Type, and Date (a relative date such as "3 hours
    ago" counts back from it), as the spider gives them in the crawl."""
    get = headers.get_header if headers is not None else (lambda name: None)
    return {"Content-Type": get("Content-Type") or "", "Date": get("Date") or ""}
