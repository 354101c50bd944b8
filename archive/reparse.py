"""`jcrawl reparse`: rebuild the database's articles and links from the WARC files alone.

The WARC files are the source of truth and `journal.db` an index over them, so the database can be
deleted and rebuilt: response and revisit records no `captures` row points at are indexed (with a
`crawls` row per crawl their warcinfo names), the site profiles archived as `resource` records
(`urn:x-jcrawl:site-profile:SITE`) get their `site_profiles` rows back, and every capture's page is
extracted again with the current extractor and its site's newest archived profile, the rule a crawl
ends with (crawler/site_profiles.py). The sites `jcrawl update` crawls come back from the warcinfo
records (`jcrawl-site`). Pages are written through `Store.write` in WARC order, so a
URL captured several times gets its versions in the order it was fetched.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from archive.ingest import CrawlsFromWarcinfo, IngestResult, ProfilesBySite, ingest, target_uri, warcinfo_of
from archive.middleware import SITE_FIELD
from archive.reader import warc_files, warc_name
from archive.records import Located, read_archive
from archive.writer import RecordLocation
from crawler.extract.profile import SiteProfile
from crawler.site_profiles import PROFILE_URI
from crawler.store import Store
from crawler.urls import site_of


def archived_profiles(paths: list[Path]) -> dict[str, list[tuple[SiteProfile, RecordLocation]]]:
    """Every site profile archived in `paths`, by site, in archive order, with its record's location."""
    found: dict[str, list[tuple[SiteProfile, RecordLocation]]] = {}
    for path in paths:
        for item in read_archive(path, check_digests=False):  # damage is reported by the ingest
            if not isinstance(item, Located):
                continue
            uri = target_uri(item.record)
            if item.record.rec_type != "resource" or not uri.startswith(PROFILE_URI):
                continue
            profile = SiteProfile.from_json(item.payload.decode("utf-8"))
            location = RecordLocation(warc_name(path), item.offset, item.length)
            found.setdefault(uri.removeprefix(PROFILE_URI), []).append((profile, location))
    return found


def restore_profile_rows(store: Store, profiles: dict[str, list[tuple[SiteProfile, RecordLocation]]]) -> int:
    """Add the `site_profiles` rows of archived profiles the store lacks; return how many."""
    have = {(row["site"], row["version"]) for row in store.rows("SELECT site, version FROM site_profiles")}
    added = 0
    for site, versions in profiles.items():
        for profile, location in versions:
            if (site, profile.version) not in have:
                store.add_profile(site, profile.version, profile.pages_seen, profile.to_json(), location)
                have.add((site, profile.version))
                added += 1
    return added


def restore_sites(store: Store, paths: list[Path]) -> None:
    """Give the store back the sites `jcrawl update` crawls, as the newest warcinfo naming each has it."""
    for path in reversed(paths):
        site = warcinfo_of(path).get(SITE_FIELD)
        if site:
            store.restore_site(json.loads(site))


def reparse(store: Store, since: str | None = None, site: str | None = None) -> IngestResult:
    """Rebuild from the WARC files of `store`'s archive; only captures fetched since `since` (ISO 8601)
    and/or of site `site` (host[:port], without www.) when given.

    Without `since`, the articles, links and versions in scope are deleted first and rebuilt whole;
    with it, the captures since then are extracted again over what is stored.
    """
    paths = warc_files(store.warc_dir)
    restore_sites(store, paths)
    profiles = archived_profiles(paths)
    restore_profile_rows(store, profiles)
    newest = {name: max(versions, key=lambda v: v[0].version)[0] for name, versions in profiles.items()}
    if since is None:
        store.delete_extracted(site)
    with CrawlsFromWarcinfo(store, source="reparse") as crawls:
        result = ingest(
            store,
            paths,
            crawls,
            known=store.capture_offsets,
            select=_scope(since, site),
            profile_for=ProfilesBySite(newest.get),
        )
    return result


def _scope(since: str | None, site: str | None) -> Callable[[dict[str, Any]], bool] | None:
    if since is None and site is None:
        return None
    return lambda row: (
        (since is None or row["fetched_at"] >= since) and (site is None or site_of(row["url"]) == site)
    )
