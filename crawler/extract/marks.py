"""Semantic markup around an article: bylines, dates, taxonomy links, the site's home link.

CMS themes say what a piece of the page is in a few well-known ways: `rel` values (`author`, `tag`,
`category tag`, `home`), microdata `itemprop`s, hCard/hAtom classes (`vcard`, `fn`, `entry-date`,
`published`) and class words (`byline`, `author`). One C-level XPath over the parsed tree collects
them all, including those inside page chrome the block walk takes in one piece (WordPress themes put
the byline, date and terms in the post's `<footer>`). Each mark gets its position in document order
and what it sits in (a comment thread, a form, a sidebar, a teaser list, the site header/footer),
which the metadata pickers weigh.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from crawler.extract.blocks import Page
from crawler.extract.classes import BLOCK_TAGS

# Class/id words of a mark (matched anywhere in the string, any case: "byl" finds "byline",
# "publish" finds "published").
_CLASS_WORDS = (
    "author", "byl", "writer", "autor", "auteur", "vcard", "reporter", "journalist",
    "contributor", "creator", "postedby", "posted-by", "entry-date", "post-date", "pubdate",
    "publish", "modified", "updated", "taxonomy", "tags", "categor", "cat-links", "breadcrumb",
    "site-title", "site-name", "kicker", "rubri", "dateline",
)  # fmt: skip
# For non-ASCII strings, where case folding is Unicode's (the Kelvin sign is a "k").
_CLASS_WORDS_RE = re.compile("|".join(map(re.escape, _CLASS_WORDS)), re.I)
# Links to an author's, a category's or a tag's page (static generators mark them no other way).
_TERM_HREF = re.compile(
    r"/(?:author|autor|auteur|journalist|writer|byline|people|staff|category|categories|categorie|categoria|"
    r"kategorie|rubrique|section|tag|tags|etiqueta|schlagwort|stichwort)",
    re.I,
)
_MARK_TAGS = frozenset(("time",))
# Subtrees the block walk took whole whose inside never matters here (text-less or site-wide chrome).
_OPAQUE_TAGS = frozenset(
    ("script", "style", "noscript", "template", "svg", "math", "select", "iframe", "head")
)
_SPLIT = re.compile(r"[^a-z0-9]+")
_CAMEL = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")  # "ShareByline" -> "Share", "Byline"

# What a mark sits in (bit flags of Mark.ctx).
COMMENTS = 1  # a comment thread or the comment form
FORM = 2  # any form (labels say "Name", "Email")
ASIDE = 4  # sidebar, widget, <aside>
TEASER = 8  # related/recent/popular lists, cards of other articles
CHROME = 16  # site header, footer, navigation, menus
AUTHOR_BOX = 32  # an author bio box (name plus biography)

_CTX_WORDS: dict[str, int] = {}
for _flag, _words in (
    (COMMENTS, "comment comments commentlist respond replies reply disqus discussion"),
    (ASIDE, "sidebar widget widgets widgetarea aside"),
    (TEASER, "related recommended recommendations popular trending mostread recent latest outbrain "
     "taboola teaser teasers promo newsletter"),
    (CHROME, "masthead colophon navbar navigation menu topbar"),
    (AUTHOR_BOX, "bio biography about"),
):  # fmt: skip
    for _w in _words.split():
        _CTX_WORDS[_w] = _flag
_CTX_PAIRS = {"site-header": CHROME, "site-footer": CHROME, "global-footer": CHROME, "page-footer": CHROME}
_CTX_TAGS = {"form": FORM, "nav": CHROME, "label": FORM, "textarea": FORM}
# Elements that enclose one post: a <header>/<footer>/<aside> inside them is the post's own.
_POST_TAGS = frozenset(("article", "main"))
# Their classes are page-level feature flags ("has-navigation", "comments-open"), not roles.
_PAGE_TAGS = frozenset(("html", "body", "main"))


@dataclass(slots=True)
class Mark:
    """One element that says what it is (see module docstring)."""

    el: object  # lxml element
    tag: str
    rel: str  # lower-cased rel tokens joined by spaces
    prop: str  # lower-cased itemprop / property
    words: frozenset[str]  # lower-cased words of class and id
    pos: int = -1  # idx (Page numbering) of the element or of its nearest walked ancestor
    ctx: int = 0
    in_post: bool = False  # inside an <article> or <main>


@dataclass(slots=True)
class Marks:
    """All marks of a page, in document order."""

    items: list[Mark] = field(default_factory=list)

    def where(self, *, rel: str = "", prop: str = "", word: str = "") -> list[Mark]:
        """Marks whose rel has `rel`, itemprop has `prop`, or class/id words include `word`."""
        return [
            m
            for m in self.items
            if (rel and rel in m.rel.split())
            or (prop and prop == m.prop)
            or (word and any(w.startswith(word) for w in m.words))
        ]


def collect(root, page: Page) -> Marks:
    """Marks of the page, with positions in `page`'s numbering and their context.

    The walked elements are tested one by one; inside a subtree the walk took whole (a post's
    `<footer>`, a hidden block), the descendants are, when the subtree sits in a post.
    """
    index = {el: i for i, el in enumerate(page.elements)}
    memo: dict[object, tuple[int, bool, int]] = {}
    items: list[Mark] = []
    ends = page.ends
    for idx, el in enumerate(page.elements):
        if _is_mark(el):
            items.append(_mark(el, index, memo))
        if ends[idx] == idx + 1 and len(el) and el.tag not in _OPAQUE_TAGS:
            if not _info(el, index, memo)[1]:
                continue  # site-wide chrome: no byline, date or term of the article in it
            for sub in el.iterdescendants():
                if isinstance(sub.tag, str) and _is_mark(sub):
                    items.append(_mark(sub, index, memo))
    return Marks(items)


def _is_mark(el) -> bool:
    tag = el.tag
    if tag in _MARK_TAGS:
        return True
    get = el.get
    cls = get("class")
    if cls and _marked_class(cls):
        return True
    if tag == "a":
        return bool(get("rel")) or bool(_TERM_HREF.search(get("href") or ""))
    if get("itemprop") is not None or get("datetime") is not None:
        return True
    if tag == "meta":
        return get("property") is not None
    if tag == "link":
        return bool(get("rel"))
    ident = get("id")
    return bool(ident and _marked_class(ident))


# class/id string -> has a mark word: a pure memo (a site repeats its class names on every page).
_CLASS_MEMO: dict[str, bool] = {}


def _marked_class(value: str) -> bool:
    hit = _CLASS_MEMO.get(value)
    if hit is None:
        if len(_CLASS_MEMO) > 50_000:
            _CLASS_MEMO.clear()
        if value.isascii():  # substring tests: three times faster than the regex's alternation
            low = value.lower()
            hit = any(w in low for w in _CLASS_WORDS)
        else:
            hit = _CLASS_WORDS_RE.search(value) is not None
        _CLASS_MEMO[value] = hit
    return hit


def _mark(el, index: dict, memo: dict) -> Mark:
    raw = f"{el.get('class') or ''} {el.get('id') or ''}"
    cls = raw.lower()
    words = {w for w in _SPLIT.split(cls) if w}
    if cls != raw:  # camelCase names are words too: "ShareByline" is a byline
        words.update(w.lower() for w in _CAMEL.findall(raw) if len(w) >= 4)
    ctx, in_post, pos = _info(el, index, memo)
    return Mark(
        el=el,
        tag=el.tag,
        rel=(el.get("rel") or "").lower(),
        prop=(el.get("itemprop") or el.get("property") or "").strip().lower(),
        words=frozenset(words),
        pos=pos,
        ctx=ctx,
        in_post=in_post,
    )


def _info(el, index: dict, memo: dict) -> tuple[int, bool, int]:
    """(context flags, inside a post, position) of `el`, from its ancestors down (memoised per element)."""
    chain = []
    node = el
    while node is not None and node not in memo:
        chain.append(node)
        node = node.getparent()
    ctx, in_post, pos = memo[node] if node is not None else (0, False, 0)
    for node in reversed(chain):
        ctx |= _own_flags(node, in_post)
        in_post = in_post or node.tag in _POST_TAGS
        pos = index.get(node, pos)  # inside a subtree the walk took whole: that subtree's idx
        memo[node] = (ctx, in_post, pos)
    return ctx, in_post, pos


def _own_flags(el, in_post: bool) -> int:
    tag = el.tag
    if not isinstance(tag, str) or tag in _PAGE_TAGS:
        return 0
    flags = _CTX_TAGS.get(tag, 0)
    if not in_post and tag in ("header", "footer"):
        flags |= CHROME
    elif not in_post and tag == "aside":
        flags |= ASIDE
    cls = el.get("class")
    ident = el.get("id")
    if not cls and not ident:
        return flags
    text = f"{cls or ''} {ident or ''}".lower().replace("_", "-")
    for token in text.split():
        if token in _CTX_PAIRS:
            flags |= _CTX_PAIRS[token]
        for word in _SPLIT.split(token):
            f = _CTX_WORDS.get(word)
            if f:
                flags |= f
            elif word.startswith("comment"):
                flags |= COMMENTS
    return flags


def text_of(el, spaced: bool = False) -> str:
    """The element's text with a space at block boundaries and `<br>`; with `spaced`, at every
    element boundary (bylines: `<span>Gina Trapani</span><span>CEO</span>`)."""
    out: list[str] = []
    _text(el, out, spaced)
    return " ".join("".join(out).split())


def _text(el, out: list[str], spaced: bool) -> None:
    tag = el.tag
    if not isinstance(tag, str) or tag in ("script", "style", "noscript", "template", "button", "svg"):
        return
    block = spaced or tag in BLOCK_TAGS or tag == "br"
    if block:
        out.append(" ")
    if el.text:
        out.append(el.text)
    for child in el:
        _text(child, out, spaced)
        if child.tail:
            out.append(child.tail)
    if block:
        out.append(" ")
