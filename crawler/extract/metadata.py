"""Article metadata from `<head>` (meta tags, JSON-LD, links) and from the page's semantic markup.

`read_head` reads what `<head>` declares; `read_metadata` combines it with the marks around the
article (see `marks.py`) into the record's fields. Title and authors have modules of their own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from crawler.extract import jsonld
from crawler.extract.agency import agency_in_byline
from crawler.extract.authors import name_key, pick_authors
from crawler.extract.blocks import Page
from crawler.extract.body import BodyResult
from crawler.extract.dates import date_from_url, parse_iso, parse_text, parse_with_format
from crawler.extract.language import article_language
from crawler.extract.marks import ASIDE, CHROME, COMMENTS, FORM, TEASER, Mark, Marks, text_of
from crawler.extract.profile import SiteProfile
from crawler.extract.text import MARKUP, clean_text, text_size
from crawler.extract.title import heading_text, key, pick_title
from crawler.extract.urls import absolutize, host_of, site_of, site_root

_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json")
_POSTED = r"posted|published|updated|modified|date|on|publié|veröffentlicht|stand|publicado|pubblicato"
_POSTED_WORDS = re.compile(rf"\b(?:{_POSTED})\b", re.I)
# A label set apart from its value in an info box ("Published:" then "June 7, 2019"; a review's
# header says "Reviewed:").
_DATE_LABEL = re.compile(r"^[^\d]{0,30}:$")
_DATE_LABEL_WORDS = re.compile(rf"\b(?:{_POSTED}|reviewed)\b", re.I)
_PUBLISHED = re.compile(
    r"\b(?:posted|published|publié|veröffentlicht|publicado|pubblicato)\b|公開|发布", re.I
)
_UPDATED = re.compile(
    r"\b(?:updated|modified|last update|mis à jour|actualizado|atualizado|aktualisiert)\b|更新", re.I
)
_EXCLUDED = COMMENTS | FORM | ASIDE | TEASER | CHROME
_SITE_TITLE = re.compile(r"\bsite-(?:title|name)\b")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,.;:!?])")
_FEED_WORDS = re.compile(r"(?:\s*\b(?:rss|atom|json|feed|comments|2\.0)\b)+\s*$", re.I)
_META_TITLES = ("og:title", "twitter:title", "citation_title", "dc.title", "parsely-title", "sailthru.title")
_META_AUTHORS = (
    "citation_author",
    "dc.creator",
    "author",
    "article:author",
    "og:article:author",
    "parsely-author",
    "sailthru.author",
    "byl",
    "dcterms.creator",
    "cxenseparse:author",  # Piano/cXense's content tags
)
# Yoast SEO's and Slack's label/value pairs ("twitter:label1" "Written by", "twitter:data1" the name),
# in the languages Yoast ships.
_WRITTEN_BY = re.compile(
    r"^\s*(?:written by|author|by|geschrieben von|verfasst von|escrito por|écrit par|scritto da|"
    r"geschreven door|napisane przez|skrevet av|skrevet af|skrivet av|autor|auteur)\s*:?\s*$",
    re.I,
)


@dataclass(slots=True)
class Head:
    """What `<head>` (and page-level attributes) declare about the page."""

    title: str | None = None
    meta: dict[str, list[str]] = field(default_factory=dict)  # lower-cased name/property -> contents
    canonical: str | None = None
    feeds: list[str] = field(default_factory=list)
    feed_titles: list[str] = field(default_factory=list)
    lang: str | None = None
    ld_objects: list[dict] = field(default_factory=list)
    ld_article: dict | None = None
    shortlink: str | None = None  # href of the first `<link rel="shortlink">` as written ("" if none given)
    base: str = ""  # the URL the page's links resolve against: its first `<base href>`, or its own URL
    base_root: str = ""  # `scheme://host` of `base`

    def first(self, *names: str) -> str | None:
        for name in names:
            values = self.meta.get(name)
            if values:
                for v in values:
                    v = " ".join(v.split())
                    if v:
                        return v
        return None


@dataclass(slots=True)
class Metadata:
    """The record's metadata fields besides the title, as `read_metadata` finds them."""

    authors: list[str] = field(default_factory=list)
    agency: str | None = None
    published: str | None = None
    modified: str | None = None
    section: str | None = None
    tags: list[str] = field(default_factory=list)
    language: str | None = None


def read_head(root, url: str, root_url: str) -> Head:
    """Meta tags, JSON-LD, canonical and feed links, `<title>`, language, the base URL (`url`, the
    page's, unless a `<base>` says otherwise; `root_url` is `site_root(url)`): one C-level iteration."""
    head = Head()
    ld_texts: list[str] = []
    links: list[tuple[list[str], str, object]] = []  # resolved once the base is known
    base_el = None
    for el in root.iter("meta", "link", "script", "title", "base"):
        tag = el.tag
        if tag == "meta":
            key = el.get("property") or el.get("name") or el.get("itemprop") or el.get("http-equiv")
            content = el.get("content")
            if content is None:  # a few CMSs (and page savers) write the value in `value`
                content = el.get("value")
            if key and content is not None:
                head.meta.setdefault(key.strip().lower(), []).append(content)
        elif tag == "link":
            rel = (el.get("rel") or "").lower().split()
            href = el.get("href")
            if head.shortlink is None and "shortlink" in rel:
                head.shortlink = href or ""
            if rel and href:
                links.append((rel, href, el))
        elif tag == "base":
            if base_el is None:
                base_el = el
        elif tag == "script":
            if (el.get("type") or "").strip().lower() == "application/ld+json" and el.text:
                ld_texts.append(el.text)
        elif tag == "title" and head.title is None:
            text = " ".join("".join(el.itertext()).split())
            head.title = text or None
    base = url
    if base_el is not None:
        base = absolutize(base_el.get("href"), url, root_url) or url
    head.base = base
    head.base_root = root_url = site_root(base) or root_url
    for rel, href, el in links:
        if "canonical" in rel and head.canonical is None:
            head.canonical = absolutize(href, base, root_url)
        elif "alternate" in rel and (el.get("type") or "").strip().lower() in _FEED_TYPES:
            feed = absolutize(href, base, root_url)
            if feed and feed not in head.feeds:
                head.feeds.append(feed)
                if el.get("title"):
                    head.feed_titles.append(el.get("title"))
    lang = (
        root.get("lang") or root.get("xml:lang") or head.first("og:locale", "content-language", "dc.language")
    )
    head.lang = normalise_lang(lang)
    if ld_texts:
        head.ld_objects = jsonld.parse_blocks(ld_texts)
        head.ld_article = jsonld.find_article(head.ld_objects)
        if head.lang is None and head.ld_article:
            head.lang = normalise_lang(jsonld.text_of(head.ld_article.get("inLanguage")))
    return head


def normalise_lang(value: str | None) -> str | None:
    """Primary language subtag, lower-cased ("en-US" -> "en", "pt_BR" -> "pt")."""
    if not value or not isinstance(value, str):
        return None
    m = re.match(r"\s*([A-Za-z]{2,3})(?:[-_]|\s*$|,)", value)
    return m.group(1).lower() if m else None


def read_metadata(
    head: Head,
    page: Page,
    marks: Marks,
    url: str,
    body: BodyResult,
    profile: SiteProfile | None = None,
    sites: list[str] | None = None,
) -> Metadata:
    """Authors, agency credit, dates, section, tags and language of the page whose article body the
    body extractor found as `body`. `sites` is `site_names(head, marks)` when the caller has it.

    An agency is the credit, in `authors` too, when no person is named (a wire story).
    """
    start, end = body.start, body.end
    if sites is None:
        sites = site_names(head, marks)
    title_pos = _title_position(page, start)
    anchor = title_pos if title_pos >= 0 else max(start, 0)
    ld = head.ld_article or {}
    # a `twitter:site` handle is an account, on a personal blog the author's own: it names no site here
    handles = {name_key(v) for v in head.meta.get("twitter:site", [])}
    not_authors = ({name_key(s) for s in sites} - handles | {name_key(_publisher(head))}) - {""}
    # each tag's values together: scholarly pages give one `citation_author` tag per author
    meta_authors = [head.meta[k] for k in _META_AUTHORS if k in head.meta] + [_labelled_authors(head)]
    authors, agency = pick_authors(ld, meta_authors, marks, page, anchor, not_authors, start)
    agency = agency or body.agency or byline_agency(page, start, end)
    if not authors and agency:
        authors = [agency]
    published, modified = pick_dates(head, page, marks, url, start, end, anchor, profile)
    return Metadata(
        authors=authors,
        agency=agency,
        published=published,
        modified=modified,
        section=pick_section(head, marks, anchor),
        tags=pick_tags(head, marks, anchor),
        language=article_language(head.lang, _marked_lang(page, start), body.text),
    )


def _labelled_authors(head: Head) -> list[str]:
    """The values of `twitter:dataN` tags whose `twitter:labelN` reads "Written by"."""
    out = []
    for n in range(1, 5):
        label, value = head.first(f"twitter:label{n}"), head.first(f"twitter:data{n}")
        if label and value and _WRITTEN_BY.match(label):
            out.append(value)
    return out


def byline_agency(page: Page, body_start: int, body_end: int) -> str | None:
    """An agency credited in a short meta line near the article (before it, or right after it)."""
    for b in page.blocks:
        if b.owner >= body_start and (b.owner < body_end or body_start < 0):
            continue
        if b.region in ("related", "recent") or not b.text or len(b.text) > 200:
            continue
        if b.owner < body_start or (body_end <= b.owner and b.owner < body_end + 40):
            credit = agency_in_byline(b.text)
            if credit:
                return credit
    return None


# -- title -----------------------------------------------------------------------------------------


def headline(head: Head, page: Page, sites: list[str]) -> str | None:
    """The article's title (see `title.py`): needed before the body, which starts after it.

    `sites` are the names the site gives itself (`site_names`).
    """
    ld = head.ld_article or {}
    meta_titles = [
        t
        for t in (
            clean_text(jsonld.text_of(ld.get("headline"))),
            head.first(*_META_TITLES),
            clean_text(jsonld.text_of(ld.get("name"))),
        )
        if t
    ]
    h1s = []
    for i in page.h1[:4]:
        b = page.blocks[i]
        if b.region in ("related", "recent") or not b.text:
            continue
        h1s.append(heading_text(page.elements[b.owner], b.text, meta_titles))
    headings = [
        heading_text(page.elements[b.owner], b.text, meta_titles)
        for b in page.blocks[:400]
        if b.heading in (2, 3) and b.text
    ][:6]
    return pick_title(meta_titles, head.title, h1s, headings, sites)


def _title_position(page: Page, body_start: int) -> int:
    """idx of the h1 closest before the body (or the first h1), -1 if the page has none."""
    best = -1
    for i in page.h1:
        owner = page.blocks[i].owner
        if best < 0 or (body_start >= 0 and owner <= body_start):
            best = owner
    return best


def site_names(head: Head, marks: Marks) -> list[str]:
    """Names the site gives itself: og:site_name, JSON-LD WebSite/Organization, its home link, feed titles.

    (Not `application-name`: some CMSs put the page's title there.)
    """
    names: list[str] = []
    names.extend(head.meta.get("og:site_name", []))
    for value in head.meta.get("twitter:site", []):
        names.append(value.lstrip("@"))
    for obj in head.ld_objects:
        if jsonld.types_of(obj) & {"WebSite", *jsonld.ORGANIZATION_TYPES}:
            name = jsonld.text_of(obj.get("name"))
            if name:
                names.append(name)
    publisher = _publisher(head)
    if publisher:
        names.append(publisher)
    for mark in marks.items:
        if (mark.tag == "a" and "home" in mark.rel.split()) or _SITE_TITLE.search(mark.el.get("class") or ""):
            name = text_of(mark.el)
            if name and len(name) < 80:
                names.append(name)
    for title in head.feed_titles:  # "Journal » Feed", "Journal - Comments Feed", "Journal Atom Feed"
        part = _FEED_WORDS.sub("", re.split(r"\s+[»|\-–—:]\s+", title)[0]).strip()
        if part:
            names.append(part)
    out: list[str] = []
    page_title = key(head.title)
    for name in names:
        name = clean_text(" ".join(name.split()))
        if (
            name and name not in out and key(name) != page_title
        ):  # a theme's "site title" box showing the post's
            out.append(name)
    return out


def _publisher(head: Head) -> str | None:
    pub = (head.ld_article or {}).get("publisher")
    return clean_text(jsonld.text_of(pub)) if pub else None


# -- dates -------------------------------------------------------------------------------------------


_PAGE_TYPES = frozenset(("WebPage", "ItemPage"))
_PUBLISHED_META = (
    "article:published_time",
    "og:article:published_time",
    "article:published",
    "datepublished",
    "citation_publication_date",
    "citation_online_date",
    "citation_date",
    "dc.date.issued",
    "dc.date",
    "dcterms.created",
    "dcterms.date",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "pub_date",
    "article.published",
    "parsely-pub-date",
    "sailthru.date",
    "date",
    "og:published_time",
    "article:post_date",
    "cxenseparse:recs:publishtime",
)
_MODIFIED_META = (
    "article:modified_time",
    "og:article:modified_time",
    "og:updated_time",
    "datemodified",
    "article:modified",
    "dcterms.modified",
    "last-modified",
    "article.updated",
    "lastmod",
)
_DATE_WORDS = (
    "published", "entry-date", "post-date", "pubdate", "publish", "date", "time", "datum", "fecha",
    "modified", "updated",
)  # fmt: skip


def pick_dates(
    head: Head,
    page: Page,
    marks: Marks,
    url: str,
    body_start: int,
    body_end: int,
    anchor: int,
    profile: SiteProfile | None = None,
) -> tuple[str | None, str | None]:
    """(published, modified) as ISO strings: JSON-LD, meta, marked-up dates, visible text, then the URL.

    A site profile's `date_format` is how the site writes visible dates (tried before the generic
    parser), and settles numeric ones like 05/08/2023.
    """
    ld = head.ld_article
    if ld is None or not ld.get("datePublished"):  # SEO plugins also date the WebPage the article is on
        pages = (o for o in head.ld_objects if o.get("datePublished") and jsonld.types_of(o) & _PAGE_TYPES)
        ld = next(pages, ld) or {}
    published = parse_iso(jsonld.text_of(ld.get("datePublished"))) or parse_iso(
        jsonld.text_of(ld.get("dateCreated"))
    )
    modified = parse_iso(jsonld.text_of(ld.get("dateModified")))
    if not published:
        published = next(filter(None, (parse_iso(head.first(k)) for k in _PUBLISHED_META)), None)
    if not modified:
        modified = next(filter(None, (parse_iso(head.first(k)) for k in _MODIFIED_META)), None)
    url_date = date_from_url(url)
    hint = (url_date[0], url_date[1]) if url_date else None
    own = _OwnPage(url, head)
    if not published or not modified:
        marked_pub, marked_mod = _marked_dates(marks, anchor, hint, profile, own)
        published = published or marked_pub
        modified = modified or marked_mod
    if not published:
        published = _visible_date(page, body_start, body_end, anchor, hint, profile, own)
    if not published and url_date and url_date[2]:
        published = f"{url_date[0]:04d}-{url_date[1]:02d}-{url_date[2]:02d}"
    if modified and published and modified < published[: len(modified)]:
        modified = None
    return published, modified


class _OwnPage:
    """Tells the page (its URL or its canonical) from other pages of its site, by their links."""

    def __init__(self, url: str, head: Head) -> None:
        self.keys = {_page_key(u) for u in (url, head.canonical) if u}
        self.site = site_of(host_of(url))
        self.base, self.root = head.base or url, head.base_root or site_root(url)

    def elsewhere(self, link_url: str | None) -> bool:
        """The absolute `link_url` is another page of the same site (a previous or next entry)."""
        if not link_url:
            return False
        key = _page_key(link_url)
        if key in self.keys or _ARCHIVE_PATH.match(key[1]):
            return False
        return site_of(key[0]) == self.site

    def link_texts(self, page: Page) -> dict[int, list[str]]:
        """Block index -> texts of the block's links to other pages of the site."""
        out: dict[int, list[str]] = {}
        for a in page.anchors:
            if a.block >= 0 and a.text and self.elsewhere(a.url):
                out.setdefault(a.block, []).append(a.text)
        return out

    def in_link_elsewhere(self, el) -> bool:
        """`el` sits inside an `<a href>` to another page of the site."""
        link = next(el.iterancestors("a"), None) if el.tag != "a" else el
        return link is not None and self.elsewhere(absolutize(link.get("href"), self.base, self.root))


# The home page or a date archive (`/2016/05/03/`): a date linked there is the page's own.
_ARCHIVE_PATH = re.compile(r"^(?:/\d+)*$")


def _page_key(url: str) -> tuple[str, str, str]:
    """(host, path, query) of a URL: `http://www.x.org/a/` and `https://x.org/a` are one page."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ("", url, "")
    return (host_of(url), parts.path.rstrip("/"), parts.query)


def _marked_dates(
    marks: Marks,
    anchor: int,
    hint: tuple[int, int] | None,
    profile: SiteProfile | None,
    own: _OwnPage,
) -> tuple[str | None, str | None]:
    """Dates the theme marks up (`<time datetime>`, `itemprop=datePublished`, `.entry-date.published`),
    the closest to the headline, outside comments, teasers and sidebars; one in a link to another
    page of the site (a previous/next entry's) only when no other is found."""
    pattern = profile.date_pattern if profile is not None else None
    dayfirst = profile.dayfirst() if profile is not None else None
    best: dict[bool, tuple[tuple, str]] = {}
    for mark in marks.items:
        if mark.ctx & _EXCLUDED or (
            mark.tag in ("meta", "link", "script") and not mark.prop.startswith("date")
        ):
            continue
        kind = _date_kind(mark)
        if kind is None:
            continue
        el = mark.el
        if el.tag != "time" and el.get("datetime") is None:  # a date box around a <time datetime>
            el = next((t for t in el.iter("time") if t.get("datetime")), el)
        value = el.get("datetime") or el.get("content") or (el.get("title") if el.tag == "abbr" else None)
        parsed = parse_iso(value) if value else None  # hAtom's <abbr class="published" title=ISO>
        if not parsed:
            text = text_of(el)
            if not text or len(text) > 200:
                continue
            parsed = (pattern and parse_with_format(text, pattern)) or parse_text(text, dayfirst, hint)
        if not parsed:
            continue
        strong = "published" in mark.prop or "published" in mark.words or mark.prop == "datecreated"
        distance = abs(mark.pos - anchor)
        rank = (
            own.in_link_elsewhere(el),
            not strong,
            not mark.in_post,
            distance // 50,
            "T" not in parsed,
            distance,
        )
        if kind not in best or rank < best[kind][0]:
            best[kind] = (rank, parsed)
    pub = best.get(False)
    mod = best.get(True)
    return (pub[1] if pub else None), (mod[1] if mod else None)


def _date_kind(mark: Mark) -> bool | None:
    """True for a modification date, False for a publication date, None if the mark is no date."""
    prop, words = mark.prop, mark.words
    if prop.startswith("date") or prop in ("article:published_time", "article:modified_time"):
        return "modif" in prop
    is_time = mark.tag == "time" or mark.el.get("datetime") is not None
    worded = any(w.startswith(_DATE_WORDS) for w in words) or "published" in words
    if not (is_time or worded):
        return None
    if "published" in words or "pubdate" in words or mark.el.get("pubdate") is not None:
        return False
    return any(w.startswith(("updated", "modified", "update")) for w in words)


def _visible_date(
    page: Page,
    body_start: int,
    body_end: int,
    anchor: int,
    hint: tuple[int, int] | None,
    profile: SiteProfile | None,
    own: _OwnPage,
) -> str | None:
    """A date written near the headline: meta lines before the body, and the body's first blocks
    (the short ones before its first paragraph of prose, or among its first three). Lines saying
    "posted"/"published" first, then the nearest to the headline: a teaser's date further away
    loses to the article's own info box. The text of links to other pages of the site ("< Previous
    entry (May 3)") is tried last."""
    candidates: list[tuple[int, int, str]] = []
    elsewhere: list[str] = []  # whole lines with links to other pages of the site: tried last
    link_texts = own.link_texts(page)
    after = 0
    prose = False  # a paragraph of the body has been seen
    label = ""  # the previous block, when it is a posted/published label waiting for its value
    for i, b in enumerate(page.blocks):
        if not b.text or b.region in ("related", "recent"):
            continue
        text = b.text
        if i in link_texts:
            for link in link_texts[i]:
                text = text.replace(link, " ", 1)
            text = " ".join(text.split())
        if label:  # a labelled value is the date it says, in a row of nav-like info links too
            candidates.append((0, abs(b.owner - anchor), f"{label} {text}"))
        label = b.text if _DATE_LABEL.match(b.text) and _DATE_LABEL_WORDS.search(b.text) else ""
        inside = body_start <= b.owner < body_end
        # prose, not a meta line: in Latin-character equivalents (a Japanese paragraph is short)
        if len(b.text) > 250 or (len(b.text) > 83 and text_size(b.text) > 250):
            prose = prose or inside
            continue
        if inside:
            near = (after < 3 or not prose) and b.owner - body_start < 200
            after += 1
        else:
            near = (b.owner < body_start or body_start < 0) and (
                b.region != "nav" or _POSTED_WORDS.search(b.text)
            )
        if near:
            candidates.append((0 if _POSTED_WORDS.search(b.text) else 1, abs(b.owner - anchor), text))
            if text != b.text:
                elsewhere.append(b.text)
    candidates.sort()
    # lines saying only "updated" last: the publication date is the one wanted, but an update's
    # date is better than none (it is often the same day)
    texts = sorted(
        (t for _, _, t in candidates if t),
        key=lambda t: bool(_UPDATED.search(t) and not _PUBLISHED.search(t)),
    )
    texts += elsewhere
    pattern = profile.date_pattern if profile is not None else None
    if pattern is not None:
        for text in texts:
            if value := parse_with_format(text, pattern):
                return value
    dayfirst = profile.dayfirst() if profile is not None else None
    for text in texts:
        if value := parse_text(text, dayfirst=dayfirst, hint=hint):
            return value
    return None


# -- section and tags ----------------------------------------------------------------------------------


def pick_section(head: Head, marks: Marks, anchor: int) -> str | None:
    """The primary category: JSON-LD articleSection, article:section, the category link, breadcrumbs."""
    ld = head.ld_article or {}
    section = clean_text(jsonld.text_of(ld.get("articleSection"))) or head.first(
        "article:section", "og:article:section", "section", "parsely-section", "category"
    )
    if section:
        return section
    categories = _term_links(marks, anchor, category=True)
    if categories:
        return categories[0]
    return _breadcrumb_section(head, marks)


def pick_tags(head: Head, marks: Marks, anchor: int) -> list[str]:
    """The post's tags: article:tag, JSON-LD keywords, `rel=tag` links but categories, meta keywords."""
    ld = head.ld_article or {}
    meta_tags = head.meta.get("article:tag", []) + head.meta.get("og:article:tag", [])
    sources = (
        lambda: [t for v in meta_tags for t in _split(v)],
        lambda: [clean_text(k) for k in jsonld.keywords_of(ld.get("keywords"))],
        lambda: _term_links(marks, anchor, category=False),
        lambda: _split(head.first("news_keywords", "keywords", "parsely-tags") or ""),
    )
    for source in sources:  # in order; a source whose values are all unusable gives way to the next
        tags = _clean_tags(source())
        if tags:
            return tags
    return []


# CMS-internal keywords ("id:4711", "channel:politik", "tag:x"): no reader's tag.
_INTERNAL_TAG = re.compile(r"^[a-z_-]+:\S")


def _split(value: str) -> list[str]:
    return [t for t in re.split(r"\s*[,;]\s*", value) if t.strip()]


def _clean_tags(tags: list[str | None]) -> list[str]:
    out: list[str] = []
    seen = set()
    for t in tags:
        t = " ".join((t or "").split())
        if t and len(t) <= 60 and t.lower() not in seen and not _INTERNAL_TAG.match(t):
            seen.add(t.lower())
            out.append(t)
    return out[:50]


_CATEGORY_HREF = re.compile(
    r"/(?:category|categories|categorie|categoria|kategorie|rubrique|rubriques|section|sections)/", re.I
)
_TAG_HREF = re.compile(r"/(?:tag|tags|etiqueta|etiquetas|schlagwort|stichwort|sujet)/", re.I)


def _term_links(marks: Marks, anchor: int, category: bool) -> list[str]:
    """Texts of the post's category (or tag) links, from the list nearest the headline.

    Classic themes mark them `rel="category tag"` and `rel="tag"`; block themes give both
    `rel="tag"` in lists classed `taxonomy-category` / `taxonomy-post_tag`, and category URLs
    say `/category/`.
    """
    # list element (or parent) -> (distance, texts). Keyed by the element itself, which the dict keeps
    # alive: the id() of an element made on demand inside a subtree the walk took whole (a post's
    # footer) is reused once it is freed, which split one list and merged others.
    groups: dict[object, tuple[int, list[str]]] = {}
    for mark in marks.items:
        if mark.tag != "a" or mark.ctx & (COMMENTS | ASIDE | TEASER | CHROME):
            continue
        rel = mark.rel.split()
        box = _taxonomy_box(mark)
        href = mark.el.get("href") or ""
        parent = mark.el.getparent()
        if "category" in rel or box == "category":
            kind = "category"
        elif "tag" in rel or box == "tag":
            kind = "tag" if not _CATEGORY_HREF.search(href) else "category"
        elif (_CATEGORY_HREF.search(href) or _TAG_HREF.search(href)) and not _in_prose(parent):
            kind = "category" if _CATEGORY_HREF.search(href) else "tag"  # plain links ("In <a>Opinion</a>.")
        else:
            continue
        text = text_of(mark.el)
        if kind != ("category" if category else "tag") or not text or len(text) > 60:
            continue
        group = parent.getparent() if parent is not None and parent.tag == "li" else parent
        dist = abs(mark.pos - anchor) + (0 if mark.in_post else 100_000)
        groups.setdefault(group, (dist, []))[1].append(text)
    if not groups:
        return []
    return min(groups.values(), key=lambda g: g[0])[1]


def _in_prose(el) -> bool:
    """The link sits in a sentence of the article, not in a short list of terms."""
    return el is not None and len(text_of(el)) > 200


def _taxonomy_box(mark: Mark) -> str | None:
    """'category' or 'tag' when the link sits in a list the theme labels so (block themes' post-terms)."""
    p = mark.el.getparent()
    for _ in range(3):
        if p is None:
            return None
        cls = (p.get("class") or "").lower()
        if "taxonomy-category" in cls or "cat-links" in cls or "categories" in cls:
            return "category"
        if "taxonomy-post_tag" in cls or "tags-links" in cls or "tag-links" in cls or "post-tags" in cls:
            return "tag"
        p = p.getparent()
    return None


def _breadcrumb_section(head: Head, marks: Marks) -> str | None:
    """The last breadcrumb before the article itself (JSON-LD BreadcrumbList, or a breadcrumb trail)."""
    for obj in head.ld_objects:
        if "BreadcrumbList" in jsonld.types_of(obj):
            names = jsonld.breadcrumb_names(obj)
            if len(names) >= 3:
                return clean_text(names[-2])
    for mark in marks.items:
        if any(w.startswith("breadcrumb") for w in mark.words) and mark.tag not in ("a", "span", "li"):
            links = [text_of(a) for a in mark.el.iter("a")]
            links = [t for t in links if t and len(t) < 60]
            if len(links) >= 2:
                return links[-1] if links[-1] != links[0] else None
    return None


# -- language ------------------------------------------------------------------------------------------


def _marked_lang(page: Page, body_start: int) -> str | None:
    """A `lang` attribute on the article's container or one of its ancestors below `<html>`."""
    if body_start < 0 or body_start >= len(page.elements):
        return None
    i = body_start
    while i > 0:
        value = page.elements[i].get("lang")
        if value:
            return normalise_lang(value)
        i = page.parents[i]
    return None


# -- lead and image ------------------------------------------------------------------------------------


def pick_lead(head: Head) -> str | None:
    """The page's own summary: its description (a CMS may leave the dek's links in it: dropped)."""
    ld = head.ld_article or {}
    lead = head.first("og:description", "description", "twitter:description", "dc.description") or clean_text(
        jsonld.text_of(ld.get("description"))
    )
    if lead and "<" in lead:
        lead = _SPACE_BEFORE_PUNCT.sub(r"\1", " ".join(MARKUP.sub(" ", lead).split()))
    return lead or None


def pick_image(
    head: Head, base: str, root_url: str, page: Page, body_start: int, body_end: int
) -> str | None:
    ld = head.ld_article or {}
    for candidate in (
        head.first("og:image", "og:image:url", "og:image:secure_url", "twitter:image", "twitter:image:src"),
        jsonld.image_of(ld.get("image")),
        jsonld.image_of(ld.get("thumbnailUrl")),
    ):
        url = absolutize(candidate, base, root_url) if candidate else None
        if url:
            return url
    for idx, src, _alt in page.images:
        if body_start <= idx < body_end:
            return src
    return None
