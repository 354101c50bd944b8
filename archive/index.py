"""`jcrawl index`: a CDXJ index of the archive's WARC files (cdxj-indexer), for replay tools such as pywb."""

from __future__ import annotations

import os
from pathlib import Path

from cdxj_indexer.main import write_cdx_index

from archive.reader import warc_files

INDEX_NAME = "index.cdxj"


def finished_warcs(archive: Path) -> tuple[list[Path], list[Path]]:
    """(finished WARC files, `.open` files a crawl is still writing or a killed one left) of `archive`."""
    every = warc_files(archive / "warc")
    finished = warc_files(archive / "warc", unfinished=False)
    return finished, [path for path in every if path not in finished]


def write_index(archive: Path, output: Path | None = None) -> tuple[Path, int, list[Path]]:
    """Write a sorted CDXJ index of the finished WARC files to `output` (default `DIR/index.cdxj`).

    Returns the index's path, its number of lines and the unfinished files left out. The index is
    written beside its final name and renamed, so a reader never sees half an index.
    """
    output = output or archive / INDEX_NAME
    files, unfinished = finished_warcs(archive)
    partial = output.with_name(f".{output.name}.part")
    try:
        write_cdx_index(str(partial), [str(path) for path in files], {"sort": True, "post_append": True})
        os.replace(partial, output)
    finally:
        partial.unlink(missing_ok=True)
    with open(output, encoding="utf-8") as f:
        lines = sum(1 for _ in f)
    return output, lines, unfinished
