"""Read WARC (and ARC) files into the store: a `captures` row per response or revisit record, articles
from its page.

The one core of `jcrawl import` (files from other crawlers) and `jcrawl reparse` (rebuilding the
database from the archive): records are read in file-name then offset order (archive/records.py,
past any damage, which is reported once per damaged record), each HTML page is decoded as the crawl
decoded it (archive/reader.py: chunking and Content-Encoding), run through `extract_article` as the
spider runs it, and written through `Store.write` in batches in that order, so article versions come
out as they did during the crawl. A body that does not decode becomes an `errors` row naming its
record. Memory holds one batch, whatever the archive's size: revisits find their original in the
store (crawler/store/originals.py) or in the batch not yet written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

from warcio.recordloader import ArcWarcRecord

from archive.decoding import UndecodableBody, gzipped
from archive.middleware import CRAWL_ID_FIELD, CRAWL_STARTED_FIELD
from archive.pages import is_html
from archive.reader import extraction_headers, http_body, warc_name
from archive.records import Damaged, Located, read_archive
from archive.revisit import entity_digest
from crawler import interrupts
from crawler import settings as defaults
from crawler.extract import extract_article
from crawler.extract.profile import SiteProfile
from crawler.policy.discovery import sitemap_or_feed
from crawler.site_profiles import crawl_profile
from crawler.store import Batch, CaptureIds, Store, utc_now
from crawler.urls import site_of

CAPTURE_TYPES = ("response", "revisit")
# Decoded bodies are bounded as in the crawl (DOWNLOAD_MAXSIZE); extraction reads less.
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
    """A response or revisit record: its `captures` row, what it refers to (a revisit), and the decoded
    page if the crawl extracts it, or why its body does not decode."""

    row: dict[str, Any]
    rec_type: str
    refers_to: tuple[str | None, str | None, str | None] = (None, None, None)  # record id, URI, date
    page: bytes | None = None
    undecodable: str | None = None
    headers: dict[str, str] = field(default_factory=dict)  # those extraction reads


@dataclass
class IngestResult:
    """What one ingest did, and the damage it read past (one line per damaged record)."""

    files: int = 0
    records: int = 0
    captures_added: int = 0
    pages: int = 0
    articles: int = 0  # distinct article URLs extracted
    revisits: int = 0
    revisits_linked: int = 0
    undecodable: int = 0
    damaged: list[str] = field(default_factory=list)


def warcinfo_of(path: Path) -> dict[str, str]:
    """The fields of the `warcinfo` record opening `path` ({} if it opens with another record).

    The record's own WARC-Date is given as `WARC-Date`.
    """
    first = next(read_archive(path, check_digests=False), None)
    if not isinstance(first, Located) or first.record.rec_type != "warcinfo" or first.record.format != "warc":
        return {}
    info = {"WARC-Date": first.record.rec_headers.get_header("WARC-Date") or ""}
    for line in first.payload.decode("utf-8", "replace").splitlines():
        name, sep, value = line.partition(":")
        if sep and name.strip():
            info[name.strip()] = value.strip()
    return info


def target_uri(record: ArcWarcRecord) -> str:
    """WARC-Target-URI without the angle brackets some WARC/1.0 writers put around it."""
    return (record.rec_headers.get_header("WARC-Target-URI") or "").strip().strip("<>")


def captures_in(path: Path, damaged: list[str]) -> Iterator[Capture]:
    """Every whole response and revisit record of `path`, in offset order, with its location; a line
    per damaged record goes into `damaged` ("FILE offset N: what")."""
    name = warc_name(path)
    for item in read_archive(path):
        if isinstance(item, Damaged):
            damaged.append(f"{name} offset {item.offset}: {item.message}")
        elif item.record.rec_type in CAPTURE_TYPES and target_uri(item.record):
            yield _capture(item, name)


def _capture(located: Located, warc_file: str) -> Capture:
    record = located.record
    http = record.http_headers
    status = int(http.get_statuscode()) if http is not None and http.get_statuscode().isdigit() else None
    header = http.get_header if http is not None else (lambda name: None)
    headers = record.rec_headers
    row = {
        "url": target_uri(record),
        # An ARC record has no id: warcio makes up a new one at each reading.
        "record_id": headers.get_header("WARC-Record-ID") if ".arc" not in warc_file else None,
        "fetched_at": headers.get_header("WARC-Date"),
        "status": status,
        "content_type": header("Content-Type"),
        "warc_file": warc_file,
        "warc_offset": located.offset,
        "warc_length": located.length,
        "payload_digest": stated_or_computed_digest(located),
        "etag": header("ETag"),
        "last_modified": header("Last-Modified"),
        "revisit_of": None,
    }
    capture = Capture(row, record.rec_type, headers=extraction_headers(http))
    if record.rec_type == "revisit":
        capture.refers_to = (
            headers.get_header("WARC-Refers-To"),
            (headers.get_header("WARC-Refers-To-Target-URI") or "").strip("<>") or None,
            headers.get_header("WARC-Refers-To-Date"),
        )
    elif status is not None and http is not None and _may_be_page(status, header("Location")):
        try:
            body = http_body(http, located.payload, MAX_PAGE_BYTES)
        except UndecodableBody as exc:  # the crawl could not parse it either: said, not skipped
            capture.undecodable = (
                f"{warc_file} offset {located.offset}: cannot decompress the body "
                f"(Content-Encoding {header('Content-Encoding') or 'none'}): {exc}"
            )
            return capture
        if _is_page(row["content_type"], body):
            capture.page = body
    return capture


def stated_or_computed_digest(located: Located) -> str | None:
    """A record's WARC-Payload-Digest; for a response record that does not state it (ARC records,
    chunked records of our own: archive/wire.py), computed as WARC 1.1 defines it."""
    record = located.record
    stated = record.rec_headers.get_header("WARC-Payload-Digest")
    if stated or record.rec_type != "response" or record.http_headers is None:
        return stated
    return entity_digest(record.http_headers, located.payload)


def _may_be_page(status: int, location: str | None) -> bool:
    """Statuses the spider parses: below 400, redirects excepted (Scrapy follows them)."""
    return status < 400 and not (status in REDIRECTS and location)


def _is_page(content_type: str | None, body: bytes) -> bool:
    """True for the bodies the spider extracts: HTML, not sitemaps, feeds, stylesheets or files."""
    if not body or gzipped(body):  # empty, or a gzipped file (a .xml.gz sitemap)
        return False
    if sitemap_or_feed(body, (content_type or "").lower()) is not None:
        return False
    return is_html(content_type, body)


class _Originals:
    """Finds the capture each revisit stands for, in the batch being filled or in the store."""

    def __init__(self, store: Store):
        self.store = store
        self.by_record: dict[str, int] = {}
        self.by_date: dict[tuple[str, str], int] = {}
        self.by_digest: dict[tuple[str, str], tuple[str, int]] = {}
        self.articles: dict[int, str] = {}

    def add(self, row: dict[str, Any]) -> None:
        """A full response of the batch being filled."""
        if row["record_id"]:
            self.by_record[row["record_id"]] = row["id"]
        date = (row["fetched_at"] or "")[:19]
        self.by_date.setdefault((row["url"], date), row["id"])
        if row["payload_digest"]:
            self.by_digest[(row["url"], row["payload_digest"])] = (row["fetched_at"] or "", row["id"])

    def find(self, capture: Capture) -> int | None:
        """WARC-Refers-To; else WARC-Refers-To-Target-URI + WARC-Refers-To-Date; else the latest earlier
        capture of the revisit's URL with its payload digest."""
        row = capture.row
        record_id, uri, date = capture.refers_to
        uri = uri or row["url"]
        digest, before = row["payload_digest"], row["fetched_at"] or "9999"
        pending = (
            (record_id and self.by_record.get(record_id))
            or (date and self.by_date.get((uri, date[:19])))
            or None
        )
        if pending is None and digest:
            fetched_at, found = self.by_digest.get((row["url"], digest), ("", None))
            pending = found if found is not None and fetched_at <= before else None
        return pending or self.store.original_capture(uri, record_id, date, digest, before, row["id"])

    def article_of(self, capture_id: int) -> str | None:
        return self.articles.get(capture_id) or self.store.article_of_capture(capture_id)

    def written(self) -> None:
        """The batch is in the store now."""
        self.by_record.clear()
        self.by_date.clear()
        self.by_digest.clear()
        self.articles.clear()


def ingest(
    store: Store,
    paths: list[Path],
    crawl_for: Callable[[Path, dict[str, Any]], int | None],
    known: Callable[[str], dict[int, int]] | None = None,
    select: Callable[[dict[str, Any]], bool] | None = None,
    profile_for: Callable[[str], SiteProfile] | None = None,
) -> IngestResult:
    """Index and extract WARC files `paths` (in the order given) into `store`.

    `crawl_for(path, row)` gives the `crawls` id for new captures of a file (`row`: its first);
    `known(warc_file)` maps the offsets of records that already have a `captures` row to its id
    (those rows are kept); `select(row)` says whether a capture's page is extracted (all when None);
    `profile_for(url)` is the site profile to extract it with, given the page's URL.

    A revisit record gets `revisit_of`, the id of the capture it stands for, and, as in the crawl,
    moves the last_seen of that capture's article.
    """
    run = _Ingest(store, profile_for)
    result = run.result
    for path in paths:
        result.files += 1
        indexed = known(warc_name(path)) if known else {}
        crawl_id: int | None = None
        for capture in captures_in(path, result.damaged):
            result.records += 1
            row = capture.row
            row["id"] = indexed.get(row["warc_offset"])
            if row["id"] is None:
                if crawl_id is None:
                    crawl_id = crawl_for(path, row)
                row["id"], row["crawl_id"] = run.new_ids.take(), crawl_id
                run.batch.captures.append(row)
                result.captures_added += 1
            run.link(capture)
            if select is None or select(row):
                run.read(capture, crawl_id)
            if len(run.batch) >= BATCH_SIZE:
                run.write()
    run.write()
    result.articles = len(run.article_urls)
    return result


class _Ingest:
    """One ingest's state: the batch being filled, the revisits' originals, what was done."""

    def __init__(self, store: Store, profile_for: Callable[[str], SiteProfile] | None):
        self.store = store
        self.profile_for = profile_for
        self.result = IngestResult()
        self.batch = Batch()
        self.new_ids = CaptureIds.of(store)
        self.originals = _Originals(store)
        self.article_urls: set[str] = set()

    def link(self, capture: Capture) -> None:
        """A revisit gets the capture it stands for; a response may be one's original."""
        row = capture.row
        if capture.rec_type == "revisit":
            self.result.revisits += 1
            row["revisit_of"] = self.originals.find(capture)
            self.result.revisits_linked += row["revisit_of"] is not None
        else:
            self.originals.add(row)

    def read(self, capture: Capture, crawl_id: int | None) -> None:
        """Extract a capture's page (or say its body does not decode); a revisit moves last_seen."""
        row = capture.row
        if capture.undecodable:
            self.result.undecodable += 1
            error = {"url": row["url"], "crawl_id": row.get("crawl_id") or crawl_id, "at": utc_now()}
            self.batch.errors.append({**error, "kind": "decoding", "message": capture.undecodable})
        elif capture.page is not None:
            profile = self.profile_for(row["url"]) if self.profile_for else None
            article = extract_article(capture.page, row["url"], capture.headers, profile=profile)
            self.batch.add_page(article, row["id"], row["fetched_at"], profile.version if profile else 0)
            self.result.pages += 1
            if article.is_article:
                self.article_urls.add(article.url)
                self.originals.articles[row["id"]] = article.url
        elif row["revisit_of"] is not None:
            article_url = self.originals.article_of(row["revisit_of"])
            if article_url:
                self.batch.seen.append((article_url, row["fetched_at"]))

    def write(self) -> None:
        """Write the batch in one transaction and start the next."""
        if len(self.batch) or self.batch.links:
            self.store.write(self.batch)
        self.batch = Batch()
        self.originals.written()


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
        self.started: dict[int, str] = {}

    def __call__(self, path: Path, first: dict[str, Any]) -> int:
        """The crawl of WARC file `path`, whose first new capture is `first` (its `captures` row)."""
        info = warcinfo_of(path)
        if info.get(CRAWL_ID_FIELD) and info.get(CRAWL_STARTED_FIELD):
            key: tuple[str, ...] = (info[CRAWL_ID_FIELD], info[CRAWL_STARTED_FIELD])
        else:
            key = ("file", warc_name(path))
        if key not in self.crawls:
            # Without a warcinfo record: the first capture's site and date stand for the crawl's.
            started = _seconds(
                info.get(CRAWL_STARTED_FIELD) or info.get("WARC-Date") or first.get("fetched_at") or ""
            )
            start_url = info.get("isPartOf") or _site_root(first["url"]) or warc_name(path)
            crawl_id = self.store.begin_crawl(start_url, started_at=started or None, kind=self.source)
            self.crawls[key] = crawl_id
            self.started[crawl_id] = started
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
            interrupted = issubclass(exc_type, KeyboardInterrupt) or interrupts.received() is not None
            reason = "interrupted" if interrupted else "failed"
        for crawl_id, stats in self.stats.items():
            first, last = self.store.capture_dates(crawl_id)
            first, last = _seconds(first or ""), _seconds(last or "")
            stats["finish_reason"] = reason
            started = self.started[crawl_id]
            earlier = first if first and (not started or first < started) else None  # start <= end
            self.store.finish_crawl(crawl_id, stats, finished_at=last or None, started_at=earlier)


def _site_root(url: str) -> str | None:
    """`scheme://host[:port]/` of a URL, None if it has no host."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/" if parts.scheme and parts.netloc else None


def _seconds(warc_date: str) -> str:
    """A WARC-Date (maybe with fractions of a second) as the store's ISO 8601 seconds."""
    return warc_date[:19] + "Z" if len(warc_date) >= 19 else warc_date
