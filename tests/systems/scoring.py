"""How well a crawl of a real system did, measured against the system's own truth: the numbers the
tests assert and `make bench` prints.

- posts found once at their permalink, duplicate rows (another row with a post's text), other rows
  (static pages or listings stored as articles);
- the exact-metadata rates over the posts found: title, authors, published instant, section, tags;
- the requests the server answered, by kind (from its access log): articles, listings, feeds /
  sitemaps / robots.txt, requisites (stylesheets, scripts, images, fonts), and the rest; the useful
  share is the first three over the page requests (all but requisites), as the crawl summary counts it.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections import Counter
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from crawler.requests import useful_share
from crawler.store.texts import register_functions
from crawler.urls import normalize_url
from tests.systems.corpus import body_text

FIELDS = ("title", "authors", "published", "section", "tags")
# Paths of pages that list articles on WordPress and Pelican: home, pagination, category, tag,
# author and date archives.
_LISTING = re.compile(
    r"^/(?:(?:index\d*\.html)?|(?:category|tag|author)/[^/]+(?:/|\.html)|page/\d+/|"
    r"\d{4}/(?:\d{2}/(?:\d{2}/)?)?|(?:archives|categories|tags|authors)\.html)(?:page/\d+/|\d+\.html)?$"
)
_FEED = re.compile(
    r"^/(?:robots\.txt|sitemap\.xml|wp-sitemap[\w-]*\.xml|feeds?/[\w.-]*|(?:category|tag|author)/[^/]+/feed/)$"
)

# Files a page loads to be displayed: stylesheets, scripts, images, fonts.
_ASSET = re.compile(r"\.(?:css|js|png|jpe?g|gif|webp|avif|svg|ico|woff2?|ttf|otf|eot)$", re.I)


def instant(value: str | None) -> datetime | None:
    """An ISO 8601 time with an offset as a UTC instant; None for a date alone or nothing."""
    if not value or "T" not in value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.astimezone(UTC) if parsed.tzinfo else None


def _words(text: str) -> Counter[str]:
    return Counter(re.findall(r"\w+", text.lower()))


def token_f1(got: str, want: str) -> float:
    """Bag-of-words F1 of a body against the truth."""
    a, b = _words(got), _words(want)
    common = sum((a & b).values())
    if not common:
        return 0.0
    precision, recall = common / sum(a.values()), common / sum(b.values())
    return 2 * precision * recall / (precision + recall)


@dataclass
class Score:
    """One crawl of one site against its truth."""

    posts: int
    found: int
    duplicates: int
    rows: int
    exact: dict[str, float]
    wrong: dict[str, list[tuple[str, object, object]]] = field(default_factory=dict)  # field -> examples
    body_f1: float = 0.0
    requests: Counter[str] = field(default_factory=Counter)
    other_paths: list[str] = field(default_factory=list)

    @property
    def other_rows(self) -> int:
        """Article rows that are neither a post nor a copy of one: static pages, listings."""
        return self.rows - self.found - self.duplicates

    @property
    def useful_share(self) -> float:
        return useful_share(self.requests)

    def line(self, name: str, seconds: float | None = None) -> str:
        """One line of the bench's table."""
        rates = " ".join(f"{f} {self.exact.get(f, 0):6.1%}" for f in FIELDS)
        took = f"  {seconds:6.1f} s" if seconds is not None else ""
        return (
            f"{name:30} posts {self.found:3}/{self.posts:3}  duplicates {self.duplicates:3}  "
            f"other rows {self.other_rows:3}  {rates}  "
            f"body F1 {self.body_f1:.3f}  useful {self.useful_share:6.1%} of {sum(self.requests.values()):4}"
            f"{took}"
        )


def _rows(archive: Path, site_url: str) -> list[dict]:
    with closing(sqlite3.connect(archive / "journal.db")) as conn:
        register_functions(conn)  # the text is compressed (crawler/store/texts.py)
        conn.row_factory = sqlite3.Row
        rows = [dict(r) for r in conn.execute("SELECT * FROM articles")]
    return [r for r in rows if r["url"].startswith(site_url)]


_TYPOGRAPHY = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "\u00a0": " "})


def plain(text: object) -> str:
    """Text as compared: whitespace collapsed, typographic quotes as typed (WordPress curls quotes in
    what it shows, not in what it stores)."""
    return " ".join(str(text or "").translate(_TYPOGRAPHY).split())


def _same(field_name: str, got: object, want: object) -> bool:
    if field_name == "published":
        return instant(got) is not None and instant(got) == instant(want)  # type: ignore[arg-type]
    if field_name in ("tags", "authors"):
        return sorted(map(plain, got or [])) == sorted(map(plain, want or []))  # type: ignore[call-overload]
    if field_name in ("title", "section"):
        return plain(got) == plain(want) and got is not None
    return got == want


def score(archive: Path, site_url: str, truth: dict, requests: list[tuple[str, int]] | None = None) -> Score:
    """Score an archive's rows of the site at `site_url` against `truth` (see tests/systems/sites.py),
    and the server's `requests` ((path, status) in order) if given."""
    rows = _rows(archive, site_url)
    by_url = {r["url"]: r for r in rows}
    posts = [p | {"permalink": normalize_url(p["permalink"])} for p in truth["posts"]]
    found = [(p, by_url[p["permalink"]]) for p in posts if p["permalink"] in by_url]
    permalinks = {p["permalink"] for p in posts}
    bodies = {" ".join(body_text(p["blocks"]).split())[:200] for p in posts}
    titles = {p["title"] for p in posts}
    duplicates = sum(
        1
        for r in rows
        if r["url"] not in permalinks
        and (r["title"] in titles or " ".join((r["body"] or "").split())[:200] in bodies)
    )
    exact: dict[str, float] = {}
    wrong: dict[str, list] = {}
    for name in FIELDS:
        ok = 0
        for post, row in found:
            got = row[name]
            if name in ("authors", "tags"):
                got = json.loads(got or "[]")
            if _same(name, got, post[name]):
                ok += 1
            else:
                wrong.setdefault(name, []).append((post["permalink"], got, post[name]))
        exact[name] = ok / len(found) if found else 0.0
    f1 = [token_f1(row["body"] or "", body_text(post["blocks"])) for post, row in found]
    result = Score(
        posts=len(posts),
        found=len(found),
        duplicates=duplicates,
        rows=len(rows),
        exact=exact,
        wrong=wrong,
        body_f1=sum(f1) / len(f1) if f1 else 0.0,
    )
    if requests is not None:
        paths = {urlsplit(p).path for p in permalinks}
        for target, _status in requests:
            parts = urlsplit(normalize_url(site_url + target.lstrip("/")) or target)
            kind = request_kind(parts.path + ("?" + parts.query if parts.query else ""), paths)
            result.requests[kind] += 1
            if kind == "other":
                result.other_paths.append(target)
    return result


def request_kind(target: str, permalink_paths: set[str]) -> str:
    """article, listing, feed (feeds, sitemaps, robots.txt), requisite or other, for a request's target."""
    path, _, query = target.partition("?")
    if _ASSET.search(path):  # WordPress versions its assets: style.css?ver=6.1
        return "requisite"
    if query:  # ?replytocom=, ?p=, ?s=, ?amp: never an article's or a listing's own address here
        return "other"
    if path in permalink_paths:
        return "article"
    if _FEED.match(path):
        return "feed"
    if _LISTING.match(path):
        return "listing"
    return "other"
