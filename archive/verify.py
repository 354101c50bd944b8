"""`jcrawl verify`: prove that the WARC files are whole and that the database points at them truly.

Every record is read in full, in one streaming pass per file (archive/records.py over the one
gzip-member scanner): each gzip member is inflated on its own (zlib checks its CRC-32 and length, so a
flipped bit anywhere in the compressed data or the trailer is found, and the damaged record is named
by its offset, once), and every record's WARC-Block-Digest and WARC-Payload-Digest are recomputed
(warcio). Each response body with a Content-Encoding or chunking is decoded as the crawl decoded it.
Then every `captures` row must locate a whole record of its URL, date and payload digest, and every
`articles` row a sound capture; response and revisit records that no row points at are orphans.
The database is read a WARC file at a time, so memory does not grow with the archive.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archive.decoding import UndecodableBody
from archive.ingest import CAPTURE_TYPES, MAX_PAGE_BYTES, stated_or_computed_digest, target_uri
from archive.reader import http_body, warc_files, warc_name
from archive.records import Damaged, Located, read_archive
from crawler.store import Store


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the archive: what kind, where, and what."""

    kind: str  # damaged | missing-file | dangling | orphan | undecodable
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.where}: {self.message}"


@dataclass
class Report:
    """What `verify_archive` read, the problems it found, and notes that are not problems.

    Notes: bodies the server sent that do not decode (kept as sent; `reparse` records them in
    `errors`), which are no damage to the archive.
    """

    files: int = 0
    records: int = 0
    bytes: int = 0
    captures: int = 0
    articles: int = 0
    problems: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.problems


def verify_archive(archive: Path, store: Store | None) -> Report:
    """Check every WARC file of `archive`, then (with a store) every `captures` and `articles` row."""
    report = Report()
    names = set()
    bad_captures: set[int] = set()
    for path in warc_files(archive / "warc"):
        name = warc_name(path)
        names.add(name)
        report.files += 1
        report.bytes += path.stat().st_size
        rows = store.captures_of_file(name) if store is not None else {}
        bad_captures |= _check_file(path, name, rows, report)
    if store is not None:
        _check_rows(store, names, bad_captures, report)
    return report


def _check_file(path: Path, name: str, rows: dict[int, list[dict[str, Any]]], report: Report) -> set[int]:
    """Read one file through, matching its records with the rows that point into it (`rows`, by
    offset, emptied as they match); return the ids of the rows that point at no sound record."""
    bad: set[int] = set()
    orphans: list[int] = []
    damaged: list[int] = []
    for item in read_archive(path):
        where = f"{name} offset {item.offset}"
        if isinstance(item, Damaged):
            report.problems.append(Problem("damaged", where, item.message))
            damaged.append(item.offset)
            continue
        report.records += 1
        record = item.record
        pointing = rows.pop(item.offset, [])
        if record.rec_type in CAPTURE_TYPES and target_uri(record) and not pointing:
            orphans.append(item.offset)
        for row in pointing:
            trouble = _row_trouble(row, item, where)
            if trouble:
                bad.add(row["id"])
                report.problems.append(Problem("dangling", f"captures #{row['id']} ({row['url']})", trouble))
        undecodable = _undecodable(item)
        if undecodable:
            report.notes.append(Problem("undecodable", f"{where} ({target_uri(record)})", undecodable))
    for offset, pointing in sorted(rows.items()):  # rows left: no whole record starts where they say
        trouble = (
            f"the record at {name} offset {offset} is damaged"
            if offset in damaged
            else f"no whole record starts at {name} offset {offset}"
        )
        for row in pointing:
            bad.add(row["id"])
            report.problems.append(Problem("dangling", f"captures #{row['id']} ({row['url']})", trouble))
    if orphans:
        report.problems.append(
            Problem(
                "orphan",
                name,
                f"{len(orphans):,} response/revisit records have no captures row (first at offset "
                f"{orphans[0]}; `jcrawl reparse` indexes them)",
            )
        )
    return bad


def _row_trouble(row: dict[str, Any], item: Located, where: str) -> str | None:
    """What differs between a `captures` row and the whole record at its location, or None."""
    record = item.record
    if record.rec_type not in CAPTURE_TYPES:
        return f"the record at {where} is a {record.rec_type} record"
    digest = stated_or_computed_digest(item)
    differences = [
        f"{what} {theirs!r} in the record, {ours!r} in the row"
        for what, theirs, ours in (
            ("length", item.length, row["warc_length"]),
            ("URL", target_uri(record), row["url"]),
            ("date", record.rec_headers.get_header("WARC-Date") or "", row["fetched_at"]),
            ("payload digest", digest, row["payload_digest"]),
        )
        if theirs != ours
    ]
    return f"the record at {where} differs: " + "; ".join(differences) if differences else None


def _undecodable(item: Located) -> str | None:
    """Why a response's body does not decode as its headers say, or None (also when nothing is coded)."""
    http = item.record.http_headers
    if item.record.rec_type != "response" or http is None:
        return None
    if not (http.get_header("Content-Encoding") or http.get_header("Transfer-Encoding")):
        return None
    try:
        http_body(http, item.payload, MAX_PAGE_BYTES)
    except UndecodableBody as exc:
        return f"the body does not decode (Content-Encoding {http.get_header('Content-Encoding')}): {exc}"
    return None


def _check_rows(store: Store, names: set[str], bad_captures: set[int], report: Report) -> None:
    for name, count in sorted(store.captures_by_file().items()):
        report.captures += count
        if name not in names:
            report.problems.append(Problem("missing-file", name, f"{count:,} captures rows point into it"))
            bad_captures |= {row["id"] for rows in store.captures_of_file(name).values() for row in rows}
    for article_id, url, capture_id, exists in store.article_captures_exist():
        report.articles += 1
        if capture_id is None:
            trouble = "it has no capture"
        elif not exists:
            trouble = f"its capture #{capture_id} does not exist"
        elif capture_id in bad_captures:
            trouble = f"its capture #{capture_id} points at no sound record"
        else:
            continue
        report.problems.append(Problem("dangling", f"articles #{article_id} ({url})", trouble))
