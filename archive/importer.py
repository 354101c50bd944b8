"""`jcrawl import`: bring WARC files made by other crawlers (wget, Heritrix, browsertrix) into an archive.

Files are copied into `DIR/warc/` under their own names, then indexed and extracted (`archive.ingest`):
the archive directory stays the whole archive, so it can be moved or backed up alone.
"""

from __future__ import annotations

import filecmp
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from archive.ingest import CrawlsFromWarcinfo, IngestResult, ProfilesBySite, WarcReadError, ingest
from archive.reader import WARC_SUFFIXES
from archive.records import Damaged, one_stream_gzip, opens_with_record, read_archive
from archive.wacz_reader import WaczReadError, unpack_wacz
from crawler.site_profiles import stored_profile
from crawler.store import Store

WACZ_SUFFIX = ".wacz"


@dataclass
class ImportResult:
    """The files copied (or found there already), what the ingest did, and a WACZ's pages list: its
    URLs, and those of them that became articles."""

    copied: list[str]
    already_there: list[str]
    ingest: IngestResult
    pages: list[str] = field(default_factory=list)
    pages_extracted: set[str] = field(default_factory=set)


def check_warc(path: Path, name: str | None = None) -> None:
    """Raise WarcReadError unless `path` is a WARC (or ARC) file whose records can be located one by one.

    A file that opens with a record is accepted: damage further on is read past and reported by the
    import. Refused: a file that holds no record at its start, and one gzipped as one stream (its
    records cannot be located).
    """
    if not path.is_file():
        raise WarcReadError(f"{path}: no such file")
    if not (name or path.name).endswith(WARC_SUFFIXES):
        raise WarcReadError(
            f"{path}: not a WARC file name (it must end in .warc, .warc.gz, .arc, .arc.gz or .wacz)"
        )
    try:
        if one_stream_gzip(path):
            raise WarcReadError(
                f"{path}: cannot be read as WARC records: it is gzipped as one stream; recompress it to "
                f"one gzip member per record: warcio recompress {path.name} fixed.warc.gz"
            )
        if not opens_with_record(path):
            first = next(read_archive(path, check_digests=False), None)
            said = first.message if isinstance(first, Damaged) else "it holds no record"
            raise WarcReadError(f"{path}: cannot be read as WARC records: {said}")
    except OSError as exc:
        raise WarcReadError(f"{path}: cannot read it: {exc.strerror or exc}") from None


def import_warcs(store: Store, sources: list[Path]) -> ImportResult:
    """Check every file, copy each into the archive's warc/ directory, then index and extract them.

    `sources` are WARC and ARC files (kept as they are) and WACZ files (their WARC files unpacked,
    archive/wacz_reader.py). Nothing is copied unless every file reads as WARC records. A file
    already in the archive (same name, same bytes) is not copied again, and its records already
    indexed are not indexed twice.
    """
    warc_dir = store.warc_dir
    warc_dir.mkdir(parents=True, exist_ok=True)
    copied, already_there, targets = [], [], []
    pages: list[str] = []
    damaged: list[str] = []
    with tempfile.TemporaryDirectory(prefix=".import-", dir=store.archive) as tmp:
        staged: list[tuple[Path, str]] = []  # (file to copy, its name in the archive)
        for source in sources:
            if source.name.endswith(WACZ_SUFFIX):
                try:
                    unpacked = unpack_wacz(source, Path(tmp))
                except WaczReadError as exc:
                    raise WarcReadError(str(exc)) from None
                staged += unpacked.warcs
                pages += unpacked.pages
                damaged += unpacked.damaged
            else:
                staged.append((source, source.name))
        for path, name in staged:
            check_warc(path, name)
        for path, name in staged:
            target = warc_dir / name
            if target.exists():
                if not filecmp.cmp(path, target, shallow=False):
                    raise WarcReadError(f"{path}: {warc_dir} already has a different {name}")
                already_there.append(name)
            else:
                _copy(path, target)
                copied.append(name)
            if target not in targets:
                targets.append(target)
    profiles = ProfilesBySite(lambda site: stored_profile(store.archive, site))
    with CrawlsFromWarcinfo(store, source="import") as crawls:
        result = ingest(store, targets, crawls, known=store.capture_offsets, profile_for=profiles)
    result.damaged[:0] = damaged
    found = store.urls_with_articles(pages) if pages else set()
    return ImportResult(copied, already_there, result, pages, found)


def _copy(source: Path, target: Path) -> None:
    """Copy under a hidden name, flush it to disk, then rename: the archive never holds half a file."""
    partial = target.with_name(f".{target.name}.part")
    try:
        shutil.copyfile(source, partial)
        with open(partial, "rb") as f:
            os.fsync(f.fileno())
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
