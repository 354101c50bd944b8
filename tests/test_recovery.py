"""What a killed writer leaves is repaired: `.open` WARC files cut back to their last whole record."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from archive.writer import OPEN_SUFFIX, WarcFileWriter
from crawler.run.recovery import recover_warc_files
from crawler.store import Batch, Store


def torn_archive(archive: Path, tail: bytes) -> tuple[Path, int]:
    """A WARC file a killed crawl left open: three whole records, then `tail`; and their end offset."""
    writer = WarcFileWriter(archive / "warc", "test", 10**9, {"software": "test"})
    for n in range(3):
        payload = f"record {n} ".encode() * 500
        record = writer.builder.create_warc_record(
            f"urn:test:{n}", "resource", payload=io.BytesIO(payload), length=len(payload)
        )
        location = writer.write(record)
    assert writer.file is not None and writer.name is not None
    writer.file.write(tail)
    writer.file.close()  # no rename: the process "died"
    end = location.offset + location.length
    return archive / "warc" / (writer.name + OPEN_SUFFIX), end


def half_a_member(archive: Path) -> bytes:
    """The first half of a gzip member holding a record, as a write cut short leaves it."""
    writer = WarcFileWriter(archive / "scratch", "scratch", 10**9, {})
    member = writer._member(
        writer.builder.create_warc_record("urn:x", "resource", payload=io.BytesIO(b"x" * 900), length=900)
    )
    return member[: len(member) // 2]


@pytest.mark.parametrize("kind", ["half a record", "garbage", "nothing"])
def test_an_open_file_is_cut_to_its_last_whole_record_and_closed(tmp_path: Path, kind: str) -> None:
    archive = tmp_path / "archive"
    tail = {"half a record": half_a_member(tmp_path), "garbage": b"\x00junk" * 100, "nothing": b""}[kind]
    path, end = torn_archive(archive, tail)
    store = Store(archive)
    try:
        done = recover_warc_files(store)
    finally:
        store.close()
    closed = path.with_name(path.name.removesuffix(OPEN_SUFFIX))
    assert not path.exists() and closed.stat().st_size == end
    what = f"cut {len(tail):,} bytes of a partly written record" if tail else "whole"
    assert done == [f"{path.name}: {what}, closed as {closed.name}"]
    check = subprocess.run(
        [Path(sys.executable).with_name("warcio"), "check", closed], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stdout + check.stderr
    with open(closed, "rb") as f:
        uris = [r.rec_headers.get_header("WARC-Target-URI") for r in ArchiveIterator(f)]
    assert uris == [None, "urn:test:0", "urn:test:1", "urn:test:2"]


def test_an_open_file_without_a_whole_record_is_removed(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    (archive / "warc").mkdir(parents=True)
    path = archive / "warc" / ("test-20260101000000-00000.warc.gz" + OPEN_SUFFIX)
    path.write_bytes(half_a_member(tmp_path))
    store = Store(archive)
    try:
        assert recover_warc_files(store) == [f"{path.name}: no whole record, removed"]
    finally:
        store.close()
    assert list((archive / "warc").iterdir()) == []


def test_rows_locating_bytes_past_the_end_never_make_the_file_grow(tmp_path: Path) -> None:
    """After a power cut the store can name bytes the file lost: recovery keeps what is whole."""
    archive = tmp_path / "archive"
    path, end = torn_archive(archive, half_a_member(tmp_path))
    store = Store(archive)
    try:
        name = path.name.removesuffix(OPEN_SUFFIX)
        row = {"url": "http://x.example/", "fetched_at": "2026-01-01T00:00:00Z", "warc_file": name}
        store.write(Batch(captures=[{**row, "warc_offset": end + 10_000, "warc_length": 5000}]))
        recover_warc_files(store)
    finally:
        store.close()
    assert (path.parent / name).stat().st_size == end
