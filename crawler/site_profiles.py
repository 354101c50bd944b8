"""A site's profile across crawls: loaded when a crawl starts, learned while it runs, saved when it ends.

Extraction takes a `SiteProfile` (crawler/extract/profile.py): declared settings from a TOML profile
(`--site NAME`, or a shipped profile whose `hosts` match) and boilerplate learned from the site's own
pages (crawler/extract/learn.py). To keep extraction reproducible:

- a crawl extracts every page with one profile, the site's newest saved version (with the declared
  part of `--site` on top, `with_declared`); the learner only watches; when the declared part makes
  it differ from the saved one, it is saved as the next version before the first page is fetched
  (as below), so that pages are never compared with articles another profile made;
- when the crawl ends, what it learned, as far as the site's whole archive supports it (`Evidence`),
  becomes the site's next version if it differs: a `resource`
  record in the WARC (`urn:x-jcrawl:site-profile:SITE`, the profile as JSON), then a `site_profiles`
  row pointing at it (the WARC first, as for captures);
- the site's articles extracted with an older version are then re-extracted from their own captures
  with the new one and rewritten in place (`articles.profile_version`), so every article of a site is
  what its newest profile makes of its capture. `jcrawl reparse` applies the same rule from the WARC
  files alone: each site's newest profile record, to all of its captures.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Callable, Iterable
from contextlib import closing
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from archive.reader import read_record, response_body
from archive.writer import RecordLocation
from crawler.extract import extract_article
from crawler.extract.boilerplate import fingerprint
from crawler.extract.learn import ProfileLearner
from crawler.extract.profile import SiteProfile, available_profiles, load_profile, profile_for_url
from crawler.store import Store, article_row, link_rows
from crawler.urls import site_of

logger = logging.getLogger(__name__)

# Sent by the spider with `site` and `profile` when a crawl ends having learned something new.
site_profile_learned = object()

PROFILE_URI = "urn:x-jcrawl:site-profile:"
PROFILE_CONTENT_TYPE = "application/json"
REEXTRACT_BATCH = 500  # articles rewritten per transaction
# Fields that say when and from what a profile was made, not what it does to a page.
_BOOKKEEPING = ("version", "pages_seen")


def declared_profile(name_or_path: str | None, start_url: str) -> SiteProfile | None:
    """The TOML profile named by `--site` (a name in crawler/profiles/ or a path), else the shipped one
    whose hosts match `start_url`, else None. Raises FileNotFoundError / ValueError for a bad `--site`."""
    if name_or_path:
        return load_profile(name_or_path)
    return profile_for_url(start_url, [load_profile(name) for name in available_profiles()])


def stored_profile(archive: str | Path, site: str) -> SiteProfile:
    """The site's newest saved profile, or a blank one (version 0) if it has none yet."""
    with closing(Store(archive)) as store:
        stored = store.latest_profile(site)
    return SiteProfile.from_json(stored[1]) if stored else SiteProfile(name=site, hosts=(site,))


def with_declared(profile: SiteProfile, declared: SiteProfile | None) -> SiteProfile:
    """`declared`'s settings with `profile`'s learned boilerplate (`profile` itself if none declared)."""
    if declared is None:
        return profile
    return replace(
        declared,
        boilerplate_texts=profile.boilerplate_texts,
        boilerplate_paths=profile.boilerplate_paths,
        version=profile.version,
        pages_seen=profile.pages_seen,
    )


def crawl_profile(saved: SiteProfile | None, url: str) -> SiteProfile:
    """The profile to re-extract a capture of `url`'s site with: the site's newest saved profile (a
    crawl saves the one it used whenever it differs from the saved one, so this is what the site's
    last crawl used), or, for a site no crawl of ours saved, the shipped profile whose hosts match."""
    if saved is not None:
        return saved
    site = site_of(url)
    return with_declared(SiteProfile(name=site, hosts=(site,)), declared_profile(None, url))


def same_profile(a: SiteProfile, b: SiteProfile) -> bool:
    """True when both profiles make the same records (bookkeeping fields aside)."""
    strip = {name: None for name in _BOOKKEEPING}
    return a.to_dict() | strip == b.to_dict() | strip


def profile_json(profile: SiteProfile) -> bytes:
    """The profile as the WARC resource record's block."""
    return json.dumps(profile.to_dict(), sort_keys=True, ensure_ascii=False, indent=1).encode("utf-8")


def save_profile(
    store: Store,
    site: str,
    profile: SiteProfile,
    write_resource: Callable[[str, str, bytes], RecordLocation],
) -> SiteProfile:
    """Make `profile` the site's next version: WARC record first, then the row. Returns it versioned."""
    stored = store.latest_profile(site)
    versioned = replace(profile, version=(stored[0] if stored else 0) + 1)
    location = write_resource(PROFILE_URI + site, PROFILE_CONTENT_TYPE, profile_json(versioned))
    store.add_profile(site, versioned.version, versioned.pages_seen, versioned.to_json(), location)
    logger.info(
        "Site profile %s version %d: %d boilerplate texts and %d paths learned from %d pages",
        site,
        versioned.version,
        len(versioned.boilerplate_texts),
        len(versioned.boilerplate_paths),
        versioned.pages_seen,
    )
    return versioned


@dataclass(frozen=True, slots=True)
class Evidence:
    """How much of a site's archive must carry a block before it is learned as boilerplate: at least
    `min_pages` articles with `min_pages` distinct texts, and `min_share` of the site's articles
    (JCRAWL_LEARN_MIN_PAGES, JCRAWL_LEARN_MIN_SHARE)."""

    min_pages: int = 10
    min_share: float = 0.3

    @classmethod
    def from_settings(cls, settings: Any) -> Evidence:
        return cls(settings.getint("JCRAWL_LEARN_MIN_PAGES"), settings.getfloat("JCRAWL_LEARN_MIN_SHARE"))


def archive_support(
    bodies: Iterable[tuple[str, str]], texts: frozenset[str], evidence: Evidence
) -> frozenset[str]:
    """The fingerprints of `texts` that enough of the site's stored articles carry (see Evidence);
    `bodies`: (body, content_hash) of each of them.

    Articles are rows, so an article's aliases (comment pages, shortlinks) count once; "distinct
    texts" are distinct content hashes, so copies of one article count once too.
    """
    articles: Counter[str] = Counter()
    contents: dict[str, set[str]] = {}
    total = 0
    for body, content_hash in bodies:
        total += 1
        for fp in {fingerprint(p) for p in body.split("\n\n")} & texts:
            articles[fp] += 1
            contents.setdefault(fp, set()).add(content_hash)
    need = max(evidence.min_pages, evidence.min_share * total)
    return frozenset(fp for fp in texts if articles[fp] >= need and len(contents[fp]) >= evidence.min_pages)


def learned_profile(
    bodies: Callable[[], Iterable[tuple[str, str]]], learner: ProfileLearner, evidence: Evidence
) -> SiteProfile:
    """What `learner` learned that the site's whole archive (`bodies()`: (body, content_hash) of each
    of its articles) supports, as a profile."""
    return learner.snapshot(evidence=lambda texts: archive_support(bodies(), texts, evidence))


def reextract_site(store: Store, site: str, profile: SiteProfile) -> tuple[int, int]:
    """Re-extract the site's articles made with an older profile from their captures; return how many,
    and how many of them changed (title or body).

    Rewrites each in place (same capture, no new version: the page did not change, our reading of
    it did); each change is logged and recorded (`reextractions`: URL, profile version, old and new
    content hash). A capture that no longer reads as the same article keeps its old record.
    """
    done = changed = 0
    changes: list[tuple[str, str, str]] = []
    rows: list[dict] = []
    links: dict[str, list[tuple]] = {}
    for old in store.article_captures(below_version=profile.version):
        if site_of(old["url"]) != site:
            continue
        try:
            record = read_record(store.warc_dir, old["warc_file"], old["warc_offset"], old["warc_length"])
            body, headers = response_body(record)
        except (OSError, EOFError, ValueError) as exc:
            logger.warning("Cannot re-extract %s from its capture: %s", old["url"], exc)
            continue
        article = extract_article(body, old["fetched_url"], headers, profile)
        if not article.is_article or article.url != old["url"]:
            logger.warning("Re-extracting %s gave no article of that URL; its record is kept", old["url"])
            continue
        rows.append(article_row(article, None, "", profile.version))
        links[article.url] = link_rows(article)
        if article.content_hash != old["content_hash"]:
            logger.info("Site profile version %d changed the text of %s", profile.version, article.url)
            changes.append((article.url, old["content_hash"], article.content_hash))
        if len(rows) >= REEXTRACT_BATCH:
            store.replace_extractions(rows, links, changes, profile.version)
            done, rows, links, changed = done + len(rows), [], {}, changed + len(changes)
            changes = []
    if rows:
        store.replace_extractions(rows, links, changes, profile.version)
    return done + len(rows), changed + len(changes)
