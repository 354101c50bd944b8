"""Read WARC files into the store: a `captures` row per response or revisit record, articles from its page.

The one core of `jcrawl import` (WARC files from other crawlers) and `jcrawl reparse` (rebuilding the
database from the archive): records are read in file-name then offset order, each HTML page is
decoded (Content-Encoding and chunking, by warcio), run through `extract_article` as the spider runs
it, and written through `Store.write` in batches in that order, so article versions come out as
they did during the crawl.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from scrapy.http import Headers, TextResponse
from scrapy.responsetypes import responsetypes
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecord

from archive.middleware import CRAWL_ID_FIELD, CRAWL_STARTED_FIELD
from archive.reader import response_body, warc_name
from crawler import settings as defaults
from crawler.discovery import sitemap_or_feed
from crawler.extract import extract_article
from crawler.extract.profile import SiteProfile
from crawler.site_profiles import crawl_profile
from crawler.store import Batch, CaptureIds, Store
from crawler.urls import site_of

CAPTURE_TYPES = ("response", "revisit")
# Decoded bodies are read up to this size (the crawl's DOWNLOAD_MAXSIZE); extraction reads less.
MAX_PAGE_BYTES = defaults.DOWNLOAD_MAXSIZE
REDIRECTS = frozenset({301, 302, 303, 307, 308})
BATCH_SIZE = defaults.JCRAWL_BATCH_SIZE


class ProfilesBySite:
    """The profile to extract a page with, given the URL it was fetched from: what a crawl of its site
    would use (`crawl_profile`), from `saved(site)`, the site's newest saved profile or None."""

    def __init__(self, saved: Callable[[str], SiteProfile | None]):
        self.saved = saved
        self.profiles: dict[str, SiteProfile] = {}

    def __call__(self, url: str) -> SiteProfile:
        site = site_of(url)
        if site not in self.profiles:
            self.profiles[site] = crawl_profile(self.saved(site), url)
        return self.profiles[site]


class WarcReadError(ValueError):
    """A file is not a WARC file warcio can index (the message says why and what to do)."""


@dataclass(slots=True)
class Capture:
    """A response or revisit record: its `captures` row, and the decoded page if the crawl extracts it."""

    row: dict[str, Any]
    page: bytes | None = None


@dataclass
class IngestResult:
    """What one ingest did."""

    files: int = 0
    records: int = 0
    captures_added: int = 0
    pages: int = 0
    articles: int = 0  # distinct article URLs extracted


def warcinfo_of(path: Path) -> dict[str, str]:
    """The fields of the `warcinfo` record opening `path` ({} if it opens with another record).

    The record's own WARC-Date is given as `WARC-Date`.
    """
    with open(path, "rb") as f:
        try:
            record = next(iter(ArchiveIterator(f)))
        except (StopIteration, ArchiveLoadFailed, ValueError, OSError, EOFError):
            return {}
        if record.rec_type != "warcinfo":
            return {}
        info = {"WARC-Date": record.rec_headers.get_header("WARC-Date") or ""}
        for line in record.content_stream().read().decode("utf-8", "replace").splitlines():
            name, sep, value = line.partition(":")
            if sep and name.strip():
                info[name.strip()] = value.strip()
        return info


def target_uri(record: ArcWarcRecord) -> str:
    """WARC-Target-URI without the angle brackets some WARC/1.0 writers put around it."""
    return (record.rec_headers.get_header("WARC-Target-URI") or "").strip().strip("<>")


def read_records(path: Path) -> Iterator[tuple[ArcWarcRecord, ArchiveIterator]]:
    """Every record of WARC file `path` with its iterator; the caller may read the record's streams.

    After each record is handed out it is read to its end, so `get_record_offset()` and
    `get_record_length()` locate it (its gzip member, in a file gzipped per record). Raises
    WarcReadError when the file cannot be read record by record (not a WARC file, damaged, or
    gzipped as one stream rather than one gzip member per record).
    """
    with open(path, "rb") as f:
        records = ArchiveIterator(f)
        try:
            for record in records:
                if record.format != "warc":  # warcio reads any line of five words as an ARC header
                    raise ArchiveLoadFailed(f"no WARC record at offset {records.offset}")
                yield record, records
                records.read_to_end(record)
        except (ArchiveLoadFailed, ValueError, EOFError, zlib.error) as exc:
            hint = ""
            if "gzip" in str(exc).lower():
                hint = (
                    " (it is gzipped as one stream; recompress it to one gzip member per record: "
                    f"warcio recompress {path.name} fixed.warc.gz)"
                )
            message = " ".join(str(exc).split()) or type(exc).__name__
            raise WarcReadError(f"{path}: cannot be read as WARC records: {message}{hint}") from None


def captures_in(path: Path) -> Iterator[Capture]:
    """Every response and revisit record of WARC file `path`, in offset order, with its location."""
    name = warc_name(path)
    for record, records in read_records(path):
        if record.rec_type in CAPTURE_TYPES and target_uri(record):
            capture = _capture(record, name)
            records.read_to_end(record)
            capture.row["warc_offset"] = records.get_record_offset()
            capture.row["warc_length"] = records.get_record_length()
            yield capture


def _capture(record: ArcWarcRecord, warc_file: str) -> Capture:
    http = record.http_headers
    status = int(http.get_statuscode()) if http is not None and http.get_statuscode().isdigit() else None
    header = http.get_header if http is not None else (lambda name: None)
    row = {
        "url": target_uri(record),
        "record_id": record.rec_headers.get_header("WARC-Record-ID"),
        "refers_to": record.rec_headers.get_header("WARC-Refers-To")
        if record.rec_type == "revisit"
        else None,
        "fetched_at": record.rec_headers.get_header("WARC-Date"),
        "status": status,
        "content_type": header("Content-Type"),
        "warc_file": warc_file,
        "payload_digest": record.rec_headers.get_header("WARC-Payload-Digest"),
        "etag": header("ETag"),
        "last_modified": header("Last-Modified"),
    }
    capture = Capture(row)
    if record.rec_type == "response" and status is not None and _may_be_page(status, header("Location")):
        try:
            body, _ = response_body(record, MAX_PAGE_BYTES)
        except Exception:  # a body that does not decode (bad gzip): the crawl did not parse it either
            return capture
        if _is_page(row["url"], http.headers, body):
            capture.page = body
    return capture


def _may_be_page(status: int, location: str | None) -> bool:
    """Statuses the spider parses: below 400, redirects excepted (Scrapy follows them)."""
    return status < 400 and not (status in REDIRECTS and location)


def _is_page(url: str, headers: list[tuple[str, str]], body: bytes) -> bool:
    """True for the bodies the spider extracts: HTML (or other text), not sitemaps, feeds or files."""
    if not body or body[:2] == b"\x1f\x8b":  # empty, or a gzipped file (a .xml.gz sitemap)
        return False
    content_type = next((v for k, v in headers if k.lower() == "content-type"), "").lower()
    if sitemap_or_feed(body, content_type) is not None:
        return False
    scrapy_headers = Headers([(k.encode("latin-1"), v.encode("latin-1", "replace")) for k, v in headers])
    response_class = responsetypes.from_args(headers=scrapy_headers, url=url, body=body)
    return issubclass(response_class, TextResponse) or "html" in content_type


def ingest(
    store: Store,
    paths: list[Path],
    crawl_for: Callable[[Path], int | None],
    known: Callable[[str], dict[int, int]] | None = None,
    select: Callable[[dict[str, Any]], bool] | None = None,
    profile_for: Callable[[str], SiteProfile] | None = None,
) -> IngestResult:
    """Index and extract WARC files `paths` (in the order given) into `store`.

    `crawl_for(path)` gives the `crawls` id for new captures of a file; `known(warc_file)` maps the
    offsets of records that already have a `captures` row to its id (those rows are kept);
    `select(row)` says whether a capture's page is extracted (all when None); `profile_for(url)` is
    the site profile to extract it with, given the page's URL.

    A revisit record gets `revisit_of`, the id of the capture it names (WARC-Refers-To), and, as in
    the crawl, moves the last_seen of that capture's article.
    """
    result = IngestResult()
    article_urls: set[str] = set()
    batch = Batch()
    new_ids = CaptureIds.of(store)
    capture_ids: dict[str, int] = {}  # WARC-Record-ID -> captures id, of the records read so far
    article_of: dict[int, str] = {}  # captures id -> URL of the article extracted from it
    for path in paths:
        result.files += 1
        indexed = known(warc_name(path)) if known else {}
        crawl_id: int | None = None
        for capture in captures_in(path):
            result.records += 1
            row = capture.row
            row["id"] = indexed.get(row["warc_offset"])
            if row["id"] is None:
                if crawl_id is None:
                    crawl_id = crawl_for(path)
                row["id"], row["crawl_id"] = new_ids.take(), crawl_id
                batch.captures.append(row)
                result.captures_added += 1
            row["revisit_of"] = capture_ids.get(row.pop("refers_to") or "")
            if row["record_id"]:
                capture_ids[row["record_id"]] = row["id"]
            selected = select is None or select(row)
            if capture.page is not None and selected:
                headers = {"Content-Type": row["content_type"] or ""}
                profile = profile_for(row["url"]) if profile_for else None
                article = extract_article(capture.page, row["url"], headers, profile=profile)
                batch.add_page(article, row["id"], row["fetched_at"], profile.version if profile else 0)
                result.pages += 1
                if article.is_article:
                    article_urls.add(article.url)
                    article_of[row["id"]] = article.url
            elif row["revisit_of"] in article_of and selected:
                batch.seen.append((article_of[row["revisit_of"]], row["fetched_at"]))
            if len(batch) >= BATCH_SIZE:
                store.write(batch)
                batch = Batch()
    if len(batch) or batch.links:
        store.write(batch)
    result.articles = len(article_urls)
    return result


class CrawlsFromWarcinfo:
    """`crawls` rows for captures indexed from WARC files, one per crawl their warcinfo names.

    Files this crawler wrote name their crawl (CRAWL_ID_FIELD, CRAWL_STARTED_FIELD), so the files
    of one crawl share one row; any other file (a wget or Heritrix WARC) gets a row of its own. The
    row's start URL is the warcinfo's `isPartOf`, its kind `source` (`import` or `reparse`: not a
    crawl a later `jcrawl crawl` resumes), its stats say where it came from. Use it as a context
    manager around the ingest: on leaving, each crawl's end is dated by its last capture.
    """

    def __init__(self, store: Store, source: str):
        self.store = store
        self.source = source  # import | reparse
        self.crawls: dict[tuple[str, ...], int] = {}
        self.stats: dict[int, dict[str, Any]] = {}

    def __call__(self, path: Path) -> int:
        info = warcinfo_of(path)
        if info.get(CRAWL_ID_FIELD) and info.get(CRAWL_STARTED_FIELD):
            key: tuple[str, ...] = (info[CRAWL_ID_FIELD], info[CRAWL_STARTED_FIELD])
        else:
            key = ("file", warc_name(path))
        if key not in self.crawls:
            started = _seconds(info.get(CRAWL_STARTED_FIELD) or info.get("WARC-Date") or "") or None
            crawl_id = self.store.begin_crawl(
                info.get("isPartOf") or None, started_at=started, kind=self.source
            )
            self.crawls[key] = crawl_id
            self.stats[crawl_id] = {
                "source": self.source,
                "warc_files": [],
                "software": info.get("software"),
                "operator": info.get("operator"),
                "crawl_settings": info.get("crawl-settings"),
            }
        crawl_id = self.crawls[key]
        self.stats[crawl_id]["warc_files"].append(warc_name(path))
        return crawl_id

    def __enter__(self) -> CrawlsFromWarcinfo:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        """Finish every crawl begun, also when the ingest is interrupted (Ctrl-C) or fails."""
        if self.store.conn.in_transaction:  # stopped inside a batch's transaction: its rows are dropped
            self.store.conn.execute("ROLLBACK")
        reason = "finished"
        if exc_type is not None:
            reason = "interrupted" if issubclass(exc_type, KeyboardInterrupt) else "failed"
        for crawl_id, stats in self.stats.items():
            (last,) = self.store.conn.execute(
                "SELECT MAX(fetched_at) FROM captures WHERE crawl_id = ?", (crawl_id,)
            ).fetchone()
            stats["finish_reason"] = reason
            self.store.finish_crawl(crawl_id, stats, finished_at=_seconds(last or "") or None)


def _seconds(warc_date: str) -> str:
    """A WARC-Date (maybe with fractions of a second) as the store's ISO 8601 seconds."""
    return warc_date[:19] + "Z" if len(warc_date) >= 19 else warc_date
