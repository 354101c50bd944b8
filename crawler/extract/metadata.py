"""Article metadata from `<head>` (meta tags, JSON-LD, links) and from the visible page around the body."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from crawler.extract import jsonld
from crawler.extract.agency import agency_in_byline, canonical_agency
from crawler.extract.blocks import Page
from crawler.extract.dates import date_from_url, parse_iso, parse_text, parse_with_format
from crawler.extract.profile import SiteProfile
from crawler.extract.urls import absolutize

_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json")
_TITLE_SEPARATORS = re.compile(r"\s+[|\-–—:·•»/]\s+|\s+::\s+")
_BYLINE_PREFIX = re.compile(
    r"^\s*(?:(?:written|posted|reported|words|text|story|edited|compiled)\s+by|by|from|par|por|von|di|"
    r"de|auteur|author|autor|redacción|reporter)\s*[:\-–—]?\s+",
    re.I,
)
_NAME_SPLIT = re.compile(r"\s*(?:,|;|&|\band\b|\bet\b|\by\b|\be\b|\bund\b|\|)\s*")
_NOT_NAME = re.compile(
    r"\d|@|https?:|www\.|\b(?:posted|published|updated|min(?:ute)?s?|read|ago|staff|editor|team|"
    r"desk|correspondent|contributor|reporter|writer|columnist|photographer|comments?|share|follow|email|"
    r"twitter)\b",
    re.I,
)
_SEVERAL = re.compile(r"[,;&|]|\s(?:and|et|y|und)\s|\s[-–—]\s")
_AUTHOR_HREF = re.compile(
    r"/(?:author|authors|autor|auteur|journalist|journalists|writer|writers|byline|profile|people|staff)/",
    re.I,
)
_POSTED_WORDS = re.compile(r"\b(?:posted|published|updated|modified|date|on)\b", re.I)
_UPDATED = re.compile(r"\b(?:updated|modified|last update|mis à jour|actualizado|atualizado)\b", re.I)


@dataclass(slots=True)
class Head:
    """What `<head>` (and page-level attributes) declare about the page."""

    title: str | None = None
    meta: dict[str, list[str]] = field(default_factory=dict)  # lower-cased name/property -> contents
    canonical: str | None = None
    feeds: list[str] = field(default_factory=list)
    lang: str | None = None
    ld_objects: list[dict] = field(default_factory=list)
    ld_article: dict | None = None

    def first(self, *names: str) -> str | None:
        for name in names:
            values = self.meta.get(name)
            if values:
                for v in values:
                    v = " ".join(v.split())
                    if v:
                        return v
        return None


def read_head(root, base: str, root_url: str) -> Head:
    """Meta tags, JSON-LD, canonical and feed links, `<title>`, language: one C-level iteration."""
    head = Head()
    ld_texts: list[str] = []
    for el in root.iter("meta", "link", "script", "title"):
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
            if not rel or not href:
                continue
            if "canonical" in rel and head.canonical is None:
                head.canonical = absolutize(href, base, root_url)
            elif "alternate" in rel and (el.get("type") or "").strip().lower() in _FEED_TYPES:
                url = absolutize(href, base, root_url)
                if url and url not in head.feeds:
                    head.feeds.append(url)
        elif tag == "script":
            if (el.get("type") or "").strip().lower() == "application/ld+json" and el.text:
                ld_texts.append(el.text)
        elif tag == "title" and head.title is None:
            text = " ".join("".join(el.itertext()).split())
            head.title = text or None
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


# -- title -----------------------------------------------------------------------------------------


def site_name(head: Head) -> str | None:
    name = head.first("og:site_name", "application-name", "twitter:site")
    if not name and head.ld_objects:
        for obj in head.ld_objects:
            if jsonld.types_of(obj) & {"WebSite", "Organization", "NewsMediaOrganization"}:
                name = jsonld.text_of(obj.get("name"))
                if name:
                    break
        if not name and head.ld_article:
            pub = head.ld_article.get("publisher")
            name = jsonld.text_of(pub) if pub else None
    return name.lstrip("@") if name else None


def strip_site_name(title: str, site: str | None) -> str:
    """`<title>` without the site's name ("Headline - Journal" -> "Headline")."""
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    site_l = (site or "").lower()
    if site_l:
        kept = [p for p in parts if p.strip().lower() != site_l and site_l not in p.strip().lower()]
        if kept and len(kept) < len(parts):
            return _rejoin(title, kept)
    # no known site name: drop a short last (or first) segment
    if len(parts[-1].split()) <= 4 and len(parts[0]) > len(parts[-1]):
        return _rejoin(title, parts[:-1])
    if len(parts[0].split()) <= 3 and len(parts[-1]) > len(parts[0]):
        return _rejoin(title, parts[1:])
    return title


def _rejoin(title: str, parts: list[str]) -> str:
    """Join kept segments with the separators the original title used between them."""
    if len(parts) == 1:
        return parts[0].strip()
    start = title.find(parts[0])
    end = title.rfind(parts[-1])
    if start >= 0 and end >= start:
        return title[start : end + len(parts[-1])].strip()
    return " - ".join(p.strip() for p in parts)


def pick_title(head: Head, page: Page, headings: list[str]) -> str | None:
    """The headline: a visible heading that the metadata confirms, else the cleanest metadata title."""
    site = site_name(head)
    ld = head.ld_article or {}
    meta_titles = [
        t
        for t in (
            jsonld.text_of(ld.get("headline")),
            head.first(
                "og:title", "twitter:title", "citation_title", "dc.title", "parsely-title", "sailthru.title"
            ),
            jsonld.text_of(ld.get("name")),
        )
        if t
    ]
    doc_title = head.title
    cleaned = [strip_site_name(t, site) for t in meta_titles]
    if doc_title:
        cleaned.append(strip_site_name(doc_title, site))
    wanted = {_key(t) for t in cleaned + meta_titles + ([doc_title] if doc_title else []) if t}
    for text in headings:
        if _key(text) in wanted:
            return text
    if doc_title:  # a heading repeating one segment of `<title>`, unless it is the site's name
        site_key = _key(site) if site else ""
        segments = {_key(p) for p in _TITLE_SEPARATORS.split(doc_title) if len(p.split()) >= 2}
        segments.discard(site_key)
        for text in headings:
            if _key(text) in segments:
                return text
    if cleaned:
        return cleaned[0]
    return headings[0] if headings else None


def _key(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


# -- authors & agency --------------------------------------------------------------------------------


def clean_names(raw: str) -> list[str]:
    """Person names from a byline string ("By A and B | AFP" -> ["A", "B"])."""
    segments = re.split(r"\s[|·•]\s|\s[-–—]\s|\n", " ".join(raw.split()))
    # "Posted On 23/08/2023 | By Leila Haddad | APS": the segment saying "By"
    text = next((seg for seg in segments if _BYLINE_PREFIX.match(seg)), segments[0])
    text = _BYLINE_PREFIX.sub("", text)
    out = []
    for part in _NAME_SPLIT.split(text):
        part = _BYLINE_PREFIX.sub("", part).strip(" .:-–—()[]")
        if not part or len(part) > 60 or len(part.split()) > 5 or _NOT_NAME.search(part):
            continue
        if canonical_agency(part):
            continue
        out.append(part)
    return out


def pick_authors(head: Head, page: Page, body_start: int, body_end: int) -> tuple[list[str], str | None]:
    """(authors, agency named in the byline). JSON-LD, then meta tags, then the visible byline."""
    agency = None
    ld = head.ld_article or {}
    names: list[str] = []
    for key in ("author", "creator"):
        if ld.get(key):
            names = jsonld.names_of(ld.get(key))
            if names:
                break
    if any(_SEVERAL.search(n) for n in names):  # "A and B, Associated Press" in one name field
        split: list[str] = []
        for raw in names:
            parts = clean_names(raw) if _SEVERAL.search(raw) else [raw]
            if any(len(p.split()) < 2 for p in parts):  # "Doe, Jane": one name, family name first
                parts = [raw]
            split.extend(parts)
            agency = agency or agency_in_byline(raw)
        names = split
    if not names:
        metas = head.meta.get("citation_author") or head.meta.get("dc.creator") or []
        names = [" ".join(m.split()) for m in metas if m.strip()]
    if not names:
        for key in (
            "author",
            "article:author",
            "parsely-author",
            "sailthru.author",
            "byl",
            "twitter:creator",
        ):
            value = head.first(key)
            if value and not value.startswith(("http", "@")):
                names = clean_names(value)
                if names:
                    break
    if not names:
        names = _visible_authors(page, body_start, body_end)
    out: list[str] = []
    for name in names:
        credit = canonical_agency(name)
        if credit:
            agency = agency or credit
            continue
        name = _BYLINE_PREFIX.sub("", name).strip()
        if name and name not in out:
            out.append(name)
    return out[:10], agency


def _visible_authors(page: Page, body_start: int, body_end: int) -> list[str]:
    # 1. links to author pages (rel=author or /author/ paths), outside sidebars and teaser lists
    for a in page.anchors:
        if not a.text or len(a.text) > 60:
            continue
        if "author" in a.rel or _AUTHOR_HREF.search(a.url):
            if a.region in ("related", "recent") or _in_sidebar(page, a.idx):
                continue
            names = clean_names(a.text)
            if names:
                return names
    # 2. byline-classed blocks
    for b in page.blocks:
        cls = page.classes[b.owner]
        if ("byline" in cls or "author" in cls) and b.text and len(b.text) < 120:
            names = clean_names(b.text)
            if names:
                return names
    return []


def _in_sidebar(page: Page, idx: int) -> bool:
    """Inside an aside, sidebar or widget (`<body class="right-sidebar">` is a layout, not one)."""
    p = page.parents[idx]
    while p > page.body_idx:
        cls = page.classes[p]
        if page.tags[p] == "aside" or "sidebar" in cls or "widget" in cls:
            return True
        p = page.parents[p]
    return False


def byline_agency(page: Page, body_start: int, body_end: int) -> str | None:
    """An agency credited in a short meta line near the article (before it, or right after it)."""
    blocks = page.blocks
    for b in blocks:
        if b.owner >= body_start and (b.owner < body_end or body_start < 0):
            continue
        if b.region in ("related", "recent") or not b.text or len(b.text) > 200:
            continue
        if b.owner < body_start or (body_end <= b.owner and b.owner < body_end + 40):
            credit = agency_in_byline(b.text)
            if credit:
                return credit
    return None


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
    "og:updated_time",
    "datemodified",
    "article:modified",
    "dcterms.modified",
    "last-modified",
    "article.updated",
    "lastmod",
)


def pick_dates(
    head: Head, page: Page, url: str, body_start: int, body_end: int, profile: SiteProfile | None = None
) -> tuple[str | None, str | None]:
    """(published, modified) as ISO strings: JSON-LD, meta, `<time>`, visible text, then the URL.

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
        for key in _PUBLISHED_META:
            published = parse_iso(head.first(key))
            if published:
                break
    if not modified:
        for key in _MODIFIED_META:
            modified = parse_iso(head.first(key))
            if modified:
                break
    url_date = date_from_url(url)
    hint = (url_date[0], url_date[1]) if url_date else None
    if not published:
        published = _time_tags(page, body_start, body_end, modified=False)
    if not modified:
        modified = _time_tags(page, body_start, body_end, modified=True)
    if not published:
        published = _visible_date(page, body_start, body_end, hint, profile)
    if not published and url_date and url_date[2]:
        published = f"{url_date[0]:04d}-{url_date[1]:02d}-{url_date[2]:02d}"
    if modified and published and modified < published[: len(modified)]:
        modified = None
    return published, modified


def _time_tags(page: Page, body_start: int, body_end: int, modified: bool) -> str | None:
    best = None
    for t in page.times:
        is_mod = "modif" in t.prop or "updat" in t.prop
        if is_mod != modified:
            continue
        value = parse_iso(t.value) if t.value else None
        if value is None:
            value = parse_text(t.text)
        if not value:
            continue
        if "datepublished" in t.prop or "published" in t.prop or "pubdate" in t.prop:
            return value
        if best is None and not _in_sidebar(page, t.idx):
            inside = body_start <= t.idx < body_end
            if not inside or t.idx - body_start < 50:
                best = value
    return best


def _visible_date(
    page: Page, body_start: int, body_end: int, hint: tuple[int, int] | None, profile: SiteProfile | None
) -> str | None:
    """A date written near the headline: meta lines before the body, then the body's first blocks
    (the short ones before its first paragraph of prose, or among its first three)."""
    candidates = []
    after = 0
    prose = False  # a paragraph of the body has been seen
    for b in page.blocks:
        if not b.text or b.region in ("related", "recent"):
            continue
        inside = body_start <= b.owner < body_end
        if len(b.text) > 250:
            prose = prose or inside
            continue
        if inside:
            if (after < 3 or not prose) and b.owner - body_start < 200:
                candidates.append(b.text)
            after += 1
        elif (b.owner < body_start or body_start < 0) and (b.region != "nav" or _POSTED_WORDS.search(b.text)):
            candidates.append(b.text)
    candidates.sort(key=lambda t: 0 if _POSTED_WORDS.search(t) else 1)
    candidates = [
        t for t in candidates if not _UPDATED.search(t) or re.search(r"\b(?:posted|published)\b", t, re.I)
    ]
    pattern = profile.date_pattern if profile is not None else None
    if pattern is not None:
        for text in candidates:
            if value := parse_with_format(text, pattern):
                return value
    dayfirst = profile.dayfirst() if profile is not None else None
    for text in candidates:
        if value := parse_text(text, dayfirst=dayfirst, hint=hint):
            return value
    return None


# -- the rest ------------------------------------------------------------------------------------------


def pick_section(head: Head, page: Page) -> str | None:
    ld = head.ld_article or {}
    section = jsonld.text_of(ld.get("articleSection")) or head.first(
        "article:section", "section", "parsely-section"
    )
    if section:
        return section
    for a in page.anchors:
        if "category" in a.rel and a.text:
            return a.text
    return None


def pick_tags(head: Head, page: Page) -> list[str]:
    tags: list[str] = []
    for value in head.meta.get("article:tag", []):
        tags.extend(t.strip() for t in value.split(",") if t.strip())
    ld = head.ld_article or {}
    if not tags and ld.get("keywords"):
        tags = jsonld.keywords_of(ld.get("keywords"))
    if not tags:
        for a in page.anchors:
            if a.rel == "tag" and a.text:
                tags.append(a.text)
    if not tags:
        kw = head.first("news_keywords", "keywords", "parsely-tags")
        if kw:
            tags = [t.strip() for t in kw.split(",") if t.strip()]
    out: list[str] = []
    seen = set()
    for t in tags:
        t = " ".join(t.split())
        if t and len(t) <= 100 and t.lower() not in seen:
            seen.add(t.lower())
            out.append(t)
    return out[:50]


def pick_lead(head: Head) -> str | None:
    ld = head.ld_article or {}
    lead = head.first(
        "og:description", "description", "twitter:description", "dc.description"
    ) or jsonld.text_of(ld.get("description"))
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
