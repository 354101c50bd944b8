"""Learn a site's boilerplate from the pages the crawler sees, as a new `SiteProfile` version.

The extractor removes what looks like boilerplate on any site; what it misses is usually a line the
site repeats on every article (a promo, a read counter, a newsletter blurb) in the article container.
`ProfileLearner` counts, over a site's article pages, the text blocks the extractor kept:

- a *text fingerprint* (words lower-cased, numbers left out, hashed) seen on at least `min_pages`
  articles and `min_share` of all observed articles (each article once, whatever URL it was seen
  at) is a candidate: "Number of times this article was read : 1293" and "... : 87" share one
  fingerprint; it becomes boilerplate when the site's whole archive supports it too (`snapshot`'s
  `evidence`, see crawler/site_profiles.py);
- a *DOM path signature* (the block's tag and classes and those of 3 ancestors, numbers as `#`)
  is boilerplate when it occurs on `min_pages` pages and nearly all (`path_purity`) of the texts
  seen at it are themselves repeated fingerprints: it catches the next variant of the same line.

Usage, per site::

    learner = ProfileLearner(profile)            # profile: the current SiteProfile (or None)
    for page_bytes, url in pages:
        ex = extract_page(page_bytes, url, profile=learner.profile)
        learner.observe(ex)
    new_profile = learner.snapshot()             # same object when nothing new was learned

`observe` is `add(observation(ex))`: `observation`, pure, is what one page contributes (computed in the
worker process that extracted it, crawler/extraction_pool.py), `add` counts it. Both are O(blocks in
the article) with small dicts; `snapshot` is O(distinct fingerprints).
The learned profile is data: store it (`SiteProfile.to_json`) and pass it to `extract_article`,
so re-extraction from the WARC reproduces the records.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from crawler.extract.boilerplate import fingerprint, path_signature
from crawler.extract.profile import SiteProfile
from crawler.policy.seen import SeenSet

if TYPE_CHECKING:
    from crawler.extract.article import Extraction

_MAX_TEXTS_PER_PATH = 256


@dataclass(frozen=True, slots=True)
class Observation:
    """What one article page contributes to the learner: the fingerprints of its kept body blocks,
    and the DOM path of each (with the first fingerprint seen at it)."""

    url: str
    texts: frozenset[str]
    paths: tuple[tuple[str, str], ...]


def observation(extraction: Extraction) -> Observation | None:
    """What `ProfileLearner.add` counts of an extracted page; None for a page it ignores (not an
    article, no body). Pure."""
    page, body = extraction.page, extraction.body
    article = extraction.article
    if page is None or not article.is_article or not body.blocks:
        return None
    texts: set[str] = set()
    paths: dict[str, str] = {}
    for i in body.blocks:
        block = page.blocks[i]
        fp = fingerprint(block.text) if block.text else None
        if fp is None:
            continue
        texts.add(fp)
        paths.setdefault(path_signature(page, block), fp)
    return Observation(article.url, frozenset(texts), tuple(paths.items()))


class ProfileLearner:
    """Accumulates block statistics over one site's article pages (see module docstring)."""

    def __init__(
        self,
        profile: SiteProfile | None = None,
        min_pages: int = 5,
        min_share: float = 0.1,
        path_purity: float = 0.9,
        max_texts: int = 100_000,
    ) -> None:
        self.profile = profile or SiteProfile()
        self.min_pages = min_pages
        self.min_share = min_share
        self.path_purity = path_purity
        self.pages = 0
        # The articles observed (an article seen again, or under an alias such as its comment page,
        # counts once): hashes of their URLs, the most recent `max_texts` of them.
        self.articles = SeenSet(max_texts)
        # fingerprint -> pages it was kept on. Bounded: past `max_texts` fingerprints, those seen on one
        # page only (most: an article's own paragraphs) are dropped; boilerplate is on many pages.
        self.text_pages: Counter[str] = Counter()
        self.max_texts = max_texts
        self.path_pages: Counter[str] = Counter()  # path -> pages
        self.path_texts: dict[str, Counter[str]] = {}  # path -> fingerprints seen there (capped)

    def observe(self, extraction: Extraction) -> None:
        """Count the kept body blocks of one extracted article page (non-articles are ignored)."""
        self.add(observation(extraction))

    def add(self, seen: Observation | None) -> None:
        """Count what one page contributed (`observation`); an article seen before counts once."""
        if seen is None or seen.url in self.articles:
            return
        self.articles.add(seen.url)
        self.pages += 1
        self.text_pages.update(seen.texts)
        if len(self.text_pages) > self.max_texts:
            self.text_pages = Counter({fp: n for fp, n in self.text_pages.items() if n > 1})
        for path, fp in seen.paths:
            self.path_pages[path] += 1
            seen = self.path_texts.setdefault(path, Counter())
            if fp in seen or len(seen) < _MAX_TEXTS_PER_PATH:
                seen[fp] += 1

    def learned_texts(self) -> frozenset[str]:
        need = max(self.min_pages, self.min_share * self.pages)
        return frozenset(fp for fp, n in self.text_pages.items() if n >= need)

    def learned_paths(self, texts: frozenset[str]) -> frozenset[str]:
        out = set()
        for path, n in self.path_pages.items():
            if n < self.min_pages:
                continue
            seen = self.path_texts[path]
            total = sum(seen.values())
            boiler = sum(c for fp, c in seen.items() if fp in texts)
            if total and boiler >= self.path_purity * total:
                out.add(path)
        return frozenset(out)

    def snapshot(self, evidence: Callable[[frozenset[str]], frozenset[str]] | None = None) -> SiteProfile:
        """The profile with what has been learned so far (previous learning is kept).

        `evidence`, given the fingerprints this learner would add, returns those the site's whole
        archive supports (crawler/site_profiles.py `archive_support`): one run's pages are a sample,
        and a quotation many of them happen to share is no boilerplate.
        """
        new = self.learned_texts() - self.profile.boilerplate_texts
        if evidence is not None and new:
            new = evidence(new)
        texts = new | self.profile.boilerplate_texts
        paths = self.learned_paths(texts) | self.profile.boilerplate_paths
        self.profile = self.profile.with_learned(texts, paths, self.pages)
        return self.profile
