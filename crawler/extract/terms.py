"""The post's section (its primary category) and tags: JSON-LD and meta tags, the theme's category
and tag links nearest the headline, breadcrumbs, meta keywords."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Final

from crawler.extract import jsonld
from crawler.extract.head import Head
from crawler.extract.marks import ASIDE, CHROME, COMMENTS, TEASER, Mark, Marks, text_of
from crawler.extract.text import clean_text


def pick_terms(head: Head, marks: Marks, anchor: int) -> tuple[str | None, list[str]]:
    """The post's section (`_section`) and tags (`_tags`); the category and tag links nearest the
    headline (`_term_links`), which both may read, are found in one pass over the marks, if asked for."""
    found: tuple[list[str], list[str]] | None = None

    def term_links(category: bool) -> list[str]:
        nonlocal found
        if found is None:
            found = _term_links(marks, anchor)
        return found[0 if category else 1]

    return _section(head, marks, term_links), _tags(head, term_links)


def _section(head: Head, marks: Marks, term_links: Callable[[bool], list[str]]) -> str | None:
    """The primary category: JSON-LD articleSection, article:section, the category link, breadcrumbs."""
    ld = head.ld_article or {}
    section = clean_text(jsonld.text_of(ld.get("articleSection"))) or head.first(
        "article:section", "og:article:section", "section", "parsely-section", "category"
    )
    if section:
        return section
    categories = term_links(True)
    if categories:
        return categories[0]
    return _breadcrumb_section(head, marks)


def _tags(head: Head, term_links: Callable[[bool], list[str]]) -> list[str]:
    """The post's tags: article:tag, JSON-LD keywords, `rel=tag` links but categories, meta keywords."""
    ld = head.ld_article or {}
    meta_tags = head.meta.get("article:tag", []) + head.meta.get("og:article:tag", [])
    sources = (
        lambda: [t for v in meta_tags for t in _split(v)],
        lambda: [clean_text(k) for k in jsonld.keywords_of(ld.get("keywords"))],
        lambda: term_links(False),
        lambda: _split(head.first("news_keywords", "keywords", "parsely-tags") or ""),
    )
    for source in sources:  # in order; a source whose values are all unusable gives way to the next
        tags = _clean_tags(source())
        if tags:
            return tags
    return []


# CMS-internal keywords ("id:4711", "channel:politik", "tag:x"): no reader's tag.
_INTERNAL_TAG: Final = re.compile(r"^[a-z_-]+:\S")


def _split(value: str) -> list[str]:
    return [t for t in re.split(r"\s*[,;]\s*", value) if t.strip()]


def _clean_tags(tags: Iterable[str | None]) -> list[str]:
    out: list[str] = []
    seen = set()
    for t in tags:
        t = " ".join((t or "").split())
        if t and len(t) <= 60 and t.lower() not in seen and not _INTERNAL_TAG.match(t):
            seen.add(t.lower())
            out.append(t)
    return out[:50]


_CATEGORY_HREF: Final = re.compile(
    r"/(?:category|categories|categorie|categoria|kategorie|rubrique|rubriques|section|sections)/", re.I
)
_TAG_HREF: Final = re.compile(r"/(?:tag|tags|etiqueta|etiquetas|schlagwort|stichwort|sujet)/", re.I)


def _term_links(marks: Marks, anchor: int) -> tuple[list[str], list[str]]:
    """Texts of the post's category links, and of its tag links, each from the list nearest the headline.

    Classic themes mark them `rel="category tag"` and `rel="tag"`; block themes give both
    `rel="tag"` in lists classed `taxonomy-category` / `taxonomy-post_tag`, and category URLs
    say `/category/`.
    """
    # list element (or parent) -> (distance, texts), for categories and for tags. Keyed by the element
    # itself, which the dict keeps alive: the id() of an element made on demand inside a subtree the walk
    # took whole (a post's footer) is reused once it is freed, which split one list and merged others.
    categories: dict[object, tuple[int, list[str]]] = {}
    tags: dict[object, tuple[int, list[str]]] = {}
    for mark in marks.items:
        if mark.tag != "a" or mark.ctx & (COMMENTS | ASIDE | TEASER | CHROME):
            continue
        rel = mark.rel.split()
        parent = mark.el.getparent()
        # (what decides the kind is read only as far as it is needed: most links are of neither kind)
        if "category" in rel or (box := _taxonomy_box(mark)) == "category":
            groups = categories
        else:
            href = mark.el.get("href") or ""
            category_href = _CATEGORY_HREF.search(href) is not None
            if "tag" in rel or box == "tag":
                groups = categories if category_href else tags
            elif (category_href or _TAG_HREF.search(href)) and not _in_prose(parent):
                groups = categories if category_href else tags  # plain links ("In <a>Opinion</a>.")
            else:
                continue
        text = text_of(mark.el)
        if not text or len(text) > 60:
            continue
        group = parent.getparent() if parent is not None and parent.tag == "li" else parent
        dist = abs(mark.pos - anchor) + (0 if mark.in_post else 100_000)
        groups.setdefault(group, (dist, []))[1].append(text)
    return _nearest(categories), _nearest(tags)


def _nearest(groups: dict[object, tuple[int, list[str]]]) -> list[str]:
    """The texts of the group nearest the headline (the first of those as near)."""
    return min(groups.values(), key=lambda g: g[0])[1] if groups else []


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
