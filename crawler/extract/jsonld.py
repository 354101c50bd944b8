"""JSON-LD (schema.org) blocks: find the object describing the page's article and read its fields."""

from __future__ import annotations

import json
import re
from typing import Any

ARTICLE_TYPES = frozenset(
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
    ]
)
LISTING_TYPES = frozenset(["CollectionPage", "ItemList", "SearchResultsPage", "ProfilePage"])
_CTRL = re.compile(r"[\x00-\x1f]")  # raw newlines and tabs inside strings are invalid JSON too


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
        if isinstance(main, dict) and types_of(main) & ARTICLE_TYPES:
            _flatten(main, out, depth + 1)


def types_of(obj: dict) -> set[str]:
    t = obj.get("@type")
    if isinstance(t, str):
        return {t.rsplit("/", 1)[-1]}
    if isinstance(t, list):
        return {x.rsplit("/", 1)[-1] for x in t if isinstance(x, str)}
    return set()


def find_article(objects: list[dict]) -> dict | None:
    """The article object: an Article-type object (the one with most fields if several)."""
    best, best_n = None, -1
    for obj in objects:
        if types_of(obj) & ARTICLE_TYPES:
            n = len(obj) + (5 if obj.get("articleBody") else 0)
            if n > best_n:
                best, best_n = obj, n
    return best


def has_type(objects: list[dict], types: frozenset[str]) -> bool:
    return any(types_of(o) & types for o in objects)


def text_of(value: Any) -> str | None:
    """A plain string from a JSON-LD value that may be a string, a list or an object with a name."""
    if isinstance(value, str):
        return " ".join(value.split()) or None
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
                return " ".join(t.split())
    return None


def names_of(value: Any) -> list[str]:
    """Names from an author/creator value: "A", {"name": "A"}, ["A", {"name": "B"}]."""
    out: list[str] = []
    items = value if isinstance(value, list) else [value]
    for item in items[:20]:
        if isinstance(item, str):
            name = item
        elif isinstance(item, dict):
            name = item.get("name") or ""
            if isinstance(name, list):
                name = name[0] if name and isinstance(name[0], str) else ""
            if not isinstance(name, str):
                continue
            if not name and isinstance(item.get("givenName"), str):
                name = f"{item.get('givenName')} {item.get('familyName') or ''}"
        else:
            continue
        name = " ".join(name.split())
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
    if isinstance(value, str):
        return [k.strip() for k in value.split(",") if k.strip()]
    if isinstance(value, list):
        out = []
        for v in value:
            if isinstance(v, str) and v.strip():
                out.append(v.strip())
        return out
    return []
