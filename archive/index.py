"""`jcrawl index`: a CDXJ index of the archive's WARC files (cdxj-indexer), for replay tools such as pywb.

cdxj-indexer reads the files through the archive's own reader (archive/records.py), so a damaged
record is left out of the index and named, instead of ending the index with a traceback.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from cdxj_indexer.main import CDXJIndexer
from warcio.recordloader import ArcWarcRecord

from archive.reader import warc_files, warc_name
from archive.records import Damaged, Located, read_archive

INDEX_NAME = "index.cdxj"


def finished_warcs(archive: Path) -> tuple[list[Path], list[Path]]:
    """(finished WARC files, `.open` files a crawl is still writing or a killed one left) of `archive`."""
    every = warc_files(archive / "warc")
    finished = warc_files(archive / "warc", unfinished=False)
    return finished, [path for path in every if path not in finished]


class WholeRecords:
    """What cdxj-indexer iterates over a file (in place of warcio's ArchiveIterator): its whole
    records; each damaged stretch goes into `damaged` as "FILE offset N: what"."""

    def __init__(self, path: Path, damaged: list[str]):
        self.path = path
        self.damaged = damaged
        self.current: Located | None = None

    def __iter__(self) -> Iterator[ArcWarcRecord]:
        for item in read_archive(self.path, check_digests=False):
            if isinstance(item, Damaged):
                self.damaged.append(f"{warc_name(self.path)} offset {item.offset}: {item.message}")
                continue
            self.current = item
            yield item.record

    def get_record_offset(self) -> int:
        assert self.current is not None
        return self.current.offset

    def get_record_length(self) -> int:
        assert self.current is not None
        return self.current.length

    def read_to_end(self, record: Any = None) -> None:
        """Records come read whole."""

    def close(self) -> None:
        """Nothing to close: each file is read through by `read_archive`."""


class _Indexer(CDXJIndexer):
    """cdxj-indexer reading the whole records of each file (WholeRecords)."""

    def __init__(self, output: str, inputs: list[str], damaged: list[str]):
        super().__init__(output, inputs, sort=True, post_append=True)
        self.damaged = damaged

    def _create_record_iter(self, input_: BinaryIO) -> WholeRecords:
        return WholeRecords(Path(input_.name), self.damaged)


def write_index(archive: Path, output: Path | None = None) -> tuple[Path, int, list[Path], list[str]]:
    """Write a sorted CDXJ index of the finished WARC files to `output` (default `DIR/index.cdxj`).

    Returns the index's path, its number of lines, the unfinished files left out, and a line per
    damaged record left out. The index is written beside its final name and renamed, so a reader
    never sees half an index.
    """
    output = output or archive / INDEX_NAME
    files, unfinished = finished_warcs(archive)
    partial = output.with_name(f".{output.name}.part")
    damaged: list[str] = []
    try:
        _Indexer(str(partial), [str(path) for path in files], damaged).process_all()
        os.replace(partial, output)
    finally:
        partial.unlink(missing_ok=True)
    with open(output, encoding="utf-8") as f:
        lines = sum(1 for _ in f)
    return output, lines, unfinished, damaged
