"""JSON-LD (schema.org) blocks: find the object describing the page's article and read its fields."""

from __future__ import annotations

import html
import json
import re
from typing import Any, Final
from urllib.parse import unquote, urlsplit

ARTICLE_TYPES: Final = frozenset(
    [
        "Article",
        "NewsArticle",
        "BlogPosting",
        "ReportageNewsArticle",
        "AnalysisNewsArticle",
        "OpinionNewsArticle",
        "BackgroundNewsArticle",
        "ReviewNewsArticle",
        "AskPublicNewsArticle",
        "TechArticle",
        "ScholarlyArticle",
        "SocialMediaPosting",
        "LiveBlogPosting",
        "Report",
        "SatiricalArticle",
        "MedicalScholarlyArticle",
        "DiscussionForumPosting",
        "Review",
        "ClaimReview",
    ]
)
# Page types that describe an article when they carry its fields (an author, a headline, a date).
PAGE_TYPES: Final = frozenset(["WebPage", "ItemPage", "AboutPage", "QAPage", "MedicalWebPage"])
ORGANIZATION_TYPES: Final = frozenset(
    ["Organization", "NewsMediaOrganization", "Corporation", "NGO", "GovernmentOrganization", "Brand"]
)
LISTING_TYPES: Final = frozenset(["CollectionPage", "ItemList", "SearchResultsPage", "ProfilePage"])
_CTRL: Final = re.compile(r"[\x00-\x1f]")  # raw newlines and tabs inside strings are invalid JSON too


def parse_blocks(texts: list[str]) -> list[dict]:
    """All JSON objects in the page's ld+json scripts, with @graph and lists flattened."""
    out: list[dict] = []
    for raw in texts:
        raw = raw.strip()
        if not raw or len(raw) > 2_000_000:
            continue
        if raw.startswith("<!--"):
            raw = raw[4:]
        raw = raw.removesuffix("-->").strip().rstrip(";")
        try:
            data = json.loads(raw)
        except ValueError:
            try:
                data = json.loads(_CTRL.sub(" ", raw))
            except ValueError:
                continue
        _flatten(data, out, 0)
    return out


def _flatten(data: Any, out: list[dict], depth: int) -> None:
    if depth > 5:
        return
    if isinstance(data, list):
        for item in data[:50]:
            _flatten(item, out, depth + 1)
    elif isinstance(data, dict):
        out.append(data)
        graph = data.get("@graph")
        if isinstance(graph, list | dict):
            _flatten(graph, out, depth + 1)
        main = data.get("mainEntity")
        for entity in main if isinstance(main, list) else [main]:
            if isinstance(entity, dict) and types_of(entity) & ARTICLE_TYPES:
                _flatten(entity, out, depth + 1)


def types_of(obj: dict) -> set[str]:
    t = obj.get("@type")
    if isinstance(t, str):
        return {t.rsplit("/", 1)[-1]}
    if isinstance(t, list):
        return {x.rsplit("/", 1)[-1] for x in t if isinstance(x, str)}
    return set()


def find_article(objects: list[dict], paths: frozenset[str] = frozenset()) -> dict | None:
    """The article object: an Article-type object (the one with most fields if several), else a
    WebPage that names an author or a headline (some CMSs describe the article only so).

    `paths` are the page's own URL paths (`url_path` of its URL and canonical): an article object
    whose `url` or `mainEntityOfPage` names another page (a related story's) loses to the others.
    """
    best, best_rank = None, (False, -1)
    for obj in objects:
        types = types_of(obj)
        if types & ARTICLE_TYPES:
            n = len(obj) + (5 if obj.get("articleBody") else 0) + (10 if obj.get("headline") else 0)
        elif types & PAGE_TYPES and (obj.get("author") or obj.get("headline")):
            n = 0
        else:
            continue
        rank = (not (paths and _names_other_page(obj, paths)), n)
        if rank > best_rank:
            best, best_rank = obj, rank
    return best


def url_path(url: str | None) -> str:
    """The path of `url` as pages name it, to compare: no query, fragment or trailing slash, escapes
    decoded, lower-cased ("" if none)."""
    if not url or not isinstance(url, str):
        return ""
    try:
        return unquote(urlsplit(url.strip()).path).rstrip("/").lower()
    except ValueError:  # an address urlsplit refuses ("http://[::1"): it names no page
        return ""


def _names_other_page(obj: dict, paths: frozenset[str]) -> bool:
    """`obj` says it is the article of a page whose path is none of `paths`."""
    page = obj.get("mainEntityOfPage") or obj.get("url")
    if isinstance(page, dict):
        page = page.get("@id") or page.get("url")
    path = url_path(page) if isinstance(page, str) else ""
    return bool(path) and path not in paths


def referenced_people(value: Any, objects: list[dict]) -> list[str]:
    """Names of the Person nodes that an author value's references (`{"@id": ...}` alone) name: Yoast
    SEO's @graph names the post's WordPress user so, often by its login ("admin")."""
    items = value if isinstance(value, list) else [value]
    refs = [v["@id"] for v in items[:20] if _is_ref(v)]
    if not refs:
        return []
    nodes = _nodes(objects)
    people = [nodes[r] for r in refs if r in nodes and not types_of(nodes[r]) & ORGANIZATION_TYPES]
    return [n for person in people for n in names_of(person)]


def _is_ref(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get("@id"), str) and not value.get("name")


def _nodes(objects: list[dict]) -> dict[str, dict]:
    """The nodes that say more than their @id, by @id."""
    return {o["@id"]: o for o in objects if isinstance(o.get("@id"), str) and o.get("name")}


def has_type(objects: list[dict], types: frozenset[str]) -> bool:
    return any(types_of(o) & types for o in objects)


def clean(value: str) -> str:
    """A JSON-LD string as text: HTML entities decoded ("&amp;", "&#8217;"), whitespace collapsed."""
    if "&" in value:
        value = html.unescape(value)
    return " ".join(value.split())


def text_of(value: Any) -> str | None:
    """A plain string from a JSON-LD value that may be a string, a list or an object with a name."""
    if isinstance(value, str):
        return clean(value) or None
    if isinstance(value, list):
        for v in value:
            t = text_of(v)
            if t:
                return t
        return None
    if isinstance(value, dict):
        for key in ("name", "@value", "headline", "text"):
            t = value.get(key)
            if isinstance(t, str) and t.strip():
                return clean(t)
    return None


def names_of(value: Any) -> list[str]:
    """Names from an author/creator value: "A", {"name": "A"}, ["A", {"name": "B"}], and one item
    naming several people ({"name": ["A", "B"]})."""
    out: list[str] = []
    items = value if isinstance(value, list) else [value]
    for item in items[:20]:
        if isinstance(item, str):
            names = [item]
        elif isinstance(item, dict):
            name = item.get("name") or ""
            names = [n for n in name if isinstance(n, str)] if isinstance(name, list) else [name]
            if not name and isinstance(item.get("givenName"), str):
                names = [f"{item.get('givenName')} {item.get('familyName') or ''}"]
        else:
            continue
        for name in names:
            name = clean(name) if isinstance(name, str) else None
            if name and not name.startswith(("http://", "https://")):
                out.append(name)
    return out


def image_of(value: Any) -> str | None:
    """URL from an image value: "url", {"url": ...}, [..]."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, list):
        for v in value:
            u = image_of(v)
            if u:
                return u
        return None
    if isinstance(value, dict):
        for key in ("url", "contentUrl", "@id"):
            u = value.get(key)
            if isinstance(u, str) and u.strip():
                return u.strip()
    return None


def keywords_of(value: Any) -> list[str]:
    """Keywords from a string ("a, b; c") or a list of strings that may each hold several."""
    items = value if isinstance(value, list) else [value]
    out: list[str] = []
    for v in items[:100]:
        if isinstance(v, dict):
            v = v.get("name")
        if isinstance(v, str):
            out.extend(k for k in (k.strip() for k in re.split(r"[,;]", clean(v))) if k)
    return out


def breadcrumb_names(obj: dict) -> list[str]:
    """Names of a BreadcrumbList's items in `position` order."""
    items = obj.get("itemListElement")
    if not isinstance(items, list):
        return []
    named = []
    for n, item in enumerate(items[:20]):
        if not isinstance(item, dict):
            continue
        name = text_of(item.get("name")) or text_of(item.get("item"))
        position = item.get("position")
        order = position if isinstance(position, int | float) else n
        if name:
            named.append((order, name))
    return [name for _, name in sorted(named, key=lambda x: x[0])]
