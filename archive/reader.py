"""Read records back from the archive by the location the store keeps (file, offset, length)."""

from __future__ import annotations

import io
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.recordloader import ArcWarcRecord

from archive.writer import OPEN_SUFFIX

WARC_SUFFIXES = (".warc.gz", ".warc")


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
    """The record stored as the gzip member at `offset` (of `length` bytes) in WARC `name`.

    Raises ValueError when no whole record lies there.
    """
    with open(warc_path(warc_dir, name), "rb") as f:
        f.seek(offset)
        member = f.read(length)
    if len(member) != length:
        raise ValueError(f"{name}: {length} bytes expected at offset {offset}, {len(member)} found")
    try:
        return next(iter(ArchiveIterator(io.BytesIO(member))))
    except StopIteration:
        raise ValueError(f"{name}: no WARC record at offset {offset}") from None


def response_body(record: ArcWarcRecord, limit: int | None = None) -> tuple[bytes, dict[str, str]]:
    """The body of a `response` record as the crawler's spider saw it, and the headers extraction reads.

    The record holds the bytes as the server sent them; Content-Encoding (gzip, deflate, br) and
    chunking are undone here as Scrapy undid them. Raises OSError (or EOFError) on a body that does
    not decode. With `limit`, at most that many bytes of the body are read.
    """
    headers = record.http_headers
    content_type = (headers.get_header("Content-Type") if headers else None) or ""
    return record.content_stream().read(limit), {"Content-Type": content_type}
