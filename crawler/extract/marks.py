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
from typing import TYPE_CHECKING, Any, Final

from crawler.extract.classes import BLOCK_TAGS
from crawler.extract.memo import remember
from crawler.extract.text import squeeze

if TYPE_CHECKING:  # blocks.py imports this module: the walk decides which elements are marks
    from crawler.extract.blocks import Page

# Class/id words of a mark (matched anywhere in the string, any case: "byl" finds "byline",
# "publish" finds "published").
_CLASS_WORDS: Final = (
    "author", "byl", "writer", "autor", "auteur", "vcard", "reporter", "journalist",
    "contributor", "creator", "postedby", "posted-by", "entry-date", "post-date", "pubdate",
    "publish", "modified", "updated", "taxonomy", "tags", "categor", "cat-links", "breadcrumb",
    "site-title", "site-name", "kicker", "rubri", "dateline",
)  # fmt: skip


def _alternation(words: tuple[str, ...]) -> str:
    """A regex matching any of `words`, its branches grouped by first letter (`a(?:uthor|utor)|byl|..`):
    the engine tries each branch at every position of the string, and a branch whose first letter
    differs fails at once."""
    groups: dict[str, list[str]] = {}
    for word in words:
        groups.setdefault(word[0], []).append(re.escape(word[1:]))
    return "|".join(f"{re.escape(first)}(?:{'|'.join(rests)})" for first, rests in groups.items())


_CLASS_WORDS_LOWER: Final = re.compile(_alternation(_CLASS_WORDS))  # on a lower-cased ASCII string
# For non-ASCII strings, where case folding is Unicode's (the Kelvin sign is a "k").
_CLASS_WORDS_RE: Final = re.compile(_CLASS_WORDS_LOWER.pattern, re.I)
# Links to an author's, a category's or a tag's page (static generators mark them no other way).
# (Words with a common start share it: the regex tries half as many branches at each slash.)
_TERM_WORDS: Final = (
    r"/(?:aut(?:hor|or|eur)|journalist|writer|byline|people|staff|categor(?:y|ies|ie|ia)|"
    r"kategorie|rubrique|section|tags?|etiqueta|s(?:chlagwort|tichwort))"
)
_TERM_HREF: Final = re.compile(_TERM_WORDS, re.I)
_TERM_HREF_LOWER: Final = re.compile(_TERM_WORDS)  # on a lower-cased ASCII href: twice as fast as re.I
_MARK_TAGS: Final = frozenset(("time",))
# Subtrees the block walk took whole whose inside never matters here (text-less or site-wide chrome).
_OPAQUE_TAGS: Final = frozenset(
    ("script", "style", "noscript", "template", "svg", "math", "select", "iframe", "head")
)
# XML's whitespace, which splits an attribute's tokens (as XPath's normalize-space does).
_XML_SPACE: Final = str.maketrans("\t\n\r", "   ")
_SPLIT: Final = re.compile(r"[^a-z0-9]+")
_CAMEL: Final = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")  # "ShareByline" -> "Share", "Byline"

# What a mark sits in (bit flags of Mark.ctx).
COMMENTS: Final = 1  # a comment thread or the comment form
FORM: Final = 2  # any form (labels say "Name", "Email")
ASIDE: Final = 4  # sidebar, widget, <aside>
TEASER: Final = 8  # related/recent/popular lists, cards of other articles
CHROME: Final = 16  # site header, footer, navigation, menus
AUTHOR_BOX: Final = 32  # an author bio box (name plus biography)
# Contexts whose bylines and dates belong to other content than the page's own story.
OUTSIDE_STORY: Final = COMMENTS | FORM | ASIDE | TEASER | CHROME

_CTX_WORDS: Final[dict[str, int]] = {}
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
# Words that make the next one a layout flag, not a role ("has-sidebar", "no-comments", "with-widgets").
_LAYOUT_FLAGS: Final = frozenset(("has", "with", "no", "without"))
_CTX_PAIRS: Final = {
    "site-header": CHROME,
    "site-footer": CHROME,
    "global-footer": CHROME,
    "page-footer": CHROME,
}
_CTX_TAGS: Final = {"form": FORM, "nav": CHROME, "label": FORM, "textarea": FORM}
# Elements that enclose one post: a <header>/<footer>/<aside> inside them is the post's own.
_POST_TAGS: Final = frozenset(("article", "main"))
# Their classes are page-level feature flags ("has-navigation", "comments-open"), not roles.
_PAGE_TAGS: Final = frozenset(("html", "body", "main"))


@dataclass(slots=True, init=False)  # (its own __init__: see page.Block)
class Mark:
    """One element that says what it is (see module docstring)."""

    el: Any  # lxml element (`object` here breaks mypyc's dataclass)
    tag: str
    rel: str  # lower-cased rel tokens joined by spaces
    prop: str  # lower-cased itemprop / property
    words: frozenset[str]  # lower-cased words of class and id
    pos: int = -1  # idx (Page numbering) of the element or of its nearest walked ancestor
    ctx: int = 0
    in_post: bool = False  # inside an <article> or <main>

    def __init__(
        self,
        el: Any,
        tag: str,
        rel: str,
        prop: str,
        words: frozenset[str],
        pos: int = -1,
        ctx: int = 0,
        in_post: bool = False,
    ) -> None:
        self.el = el
        self.tag = tag
        self.rel = rel
        self.prop = prop
        self.words = words
        self.pos = pos
        self.ctx = ctx
        self.in_post = in_post


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

    The walk tested the elements it walked (`page.marked`, see `is_mark`); inside a subtree it took
    whole (`page.whole`: a post's `<footer>`, a hidden block), the descendants are tested here, when
    the subtree sits in a post.
    """
    context = _Context(page)
    items: list[Mark] = []
    elements = page.elements
    marked, whole = set(page.marked), set(page.whole)
    for idx in sorted(marked | whole):  # document order
        el = elements[idx]
        if idx in marked:
            items.append(_mark(el, *context.walked(idx), idx))
        if idx in whole and el.tag not in _OPAQUE_TAGS:
            if not context.walked(idx)[1]:
                # site-wide chrome: no date or term of the article in it, but an explicit author
                # (`itemprop=author`, `rel=author`) in a box beside the headline is the byline
                for sub in _explicit_authors(el):
                    ctx, in_post = context.inside(sub, el, idx)
                    if not ctx & (COMMENTS | TEASER):
                        items.append(_mark(sub, ctx, in_post, idx))
                continue
            for sub in el.iterdescendants():
                if isinstance(sub.tag, str) and is_mark(sub):
                    items.append(_mark(sub, *context.inside(sub, el, idx), idx))
    return Marks(items)


def _explicit_authors(el) -> list:
    """Descendants that name the author in schema.org or HTML terms (the byline pickers rank them):
    `itemprop` or, on a link, `rel` with the token `author`.

    A loop in Python: twice as fast here as the XPath saying the same, whose attribute tests are
    slow in libxml2."""
    return [
        sub
        for sub in el.iterdescendants("*")
        if ((prop := sub.get("itemprop")) and _has_author_token(prop))
        or (sub.tag == "a" and _has_author_token(sub.get("rel")))
    ]


def _has_author_token(value: str | None) -> bool:
    return value is not None and "author" in value and "author" in value.translate(_XML_SPACE).split(" ")


def is_mark(el) -> bool:
    """The element says what it is: a `<time>`, a mark word in its class or id, a link with a `rel`
    or to a term's page, an `itemprop` or `datetime`, a `<meta property>` or `<link rel>`."""
    tag = el.tag
    if tag in _MARK_TAGS:
        return True
    get = el.get
    cls = get("class")
    if cls and marked_class(cls):
        return True
    if tag == "a":
        return bool(get("rel")) or term_href(get("href"))
    if get("itemprop") is not None or get("datetime") is not None:
        return True
    if tag == "meta":
        return get("property") is not None
    if tag == "link":
        return bool(get("rel"))
    ident = get("id")
    return bool(ident and marked_class(ident))


# Pure memos (a site repeats its class names on every page): class/id string -> has a mark word;
# `class id` -> its words; (class, id) -> context flags of words.
_CLASS_MEMO: Final[dict[str, bool]] = {}
_WORDS_MEMO: Final[dict[str, frozenset[str]]] = {}
_CTX_MEMO: Final[dict[tuple[str | None, str | None], int]] = {}
_TOKEN_CTX_MEMO: Final[dict[str, int]] = {}  # lower-cased class token -> its context flags
_MEMO_MAX: Final = 50_000


def term_href(href: str | None) -> bool:
    """The link goes to an author's, a category's or a tag's page (by its path's words)."""
    if not href:
        return False
    if href.isascii():  # (re.I folds a few non-ASCII letters to ASCII ones: those go to the regex)
        return _TERM_HREF_LOWER.search(href.lower()) is not None
    return _TERM_HREF.search(href) is not None


def has_mark_word(lowered: str) -> bool:
    """`marked_class` of a lower-cased ASCII string, unmemoised (for a caller with a memo of its own)."""
    return _CLASS_WORDS_LOWER.search(lowered) is not None


def marked_class(value: str) -> bool:
    hit = _CLASS_MEMO.get(value)
    if hit is None:
        # (ASCII: a regex without re.I, faster than a substring test per word)
        hit = has_mark_word(value.lower()) if value.isascii() else _CLASS_WORDS_RE.search(value) is not None
        remember(_CLASS_MEMO, value, hit, _MEMO_MAX)
    return hit


def _mark(el, ctx: int, in_post: bool, pos: int) -> Mark:
    raw = f"{el.get('class') or ''} {el.get('id') or ''}"
    words = _WORDS_MEMO.get(raw)
    if words is None:
        cls = raw.lower()
        found = {w for w in _SPLIT.split(cls) if w}
        if cls != raw:  # camelCase names are words too: "ShareByline" is a byline
            found.update(w.lower() for w in _CAMEL.findall(raw) if len(w) >= 4)
        words = remember(_WORDS_MEMO, raw, frozenset(found), _MEMO_MAX)
    return Mark(
        el=el,
        tag=el.tag,
        rel=(el.get("rel") or "").lower(),
        prop=(el.get("itemprop") or el.get("property") or "").strip().lower(),
        words=words,
        pos=pos,
        ctx=ctx,
        in_post=in_post,
    )


class _Context:
    """(context flags, inside a post) of elements, from their ancestors down, memoised per element."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.memo: dict[int, tuple[int, bool]] = {}  # idx of a walked element -> its context
        self.inner: dict[object, tuple[int, bool]] = {}  # element in a subtree taken whole -> its context

    def walked(self, idx: int) -> tuple[int, bool]:
        """Context of the walked element `idx` (its ancestors are walked elements too)."""
        page = self.page
        memo, parents, elements, tags = self.memo, page.parents, page.elements, page.tags
        chain = []
        i = idx
        while i >= 0 and i not in memo:
            chain.append(i)
            i = parents[i]
        ctx, in_post = memo[i] if i >= 0 else (0, False)
        for i in reversed(chain):
            tag = tags[i]  # (the walk's copy: reading el.tag builds a new string)
            ctx |= _own_flags(elements[i], tag, in_post)
            in_post = in_post or tag in _POST_TAGS
            memo[i] = (ctx, in_post)
        return ctx, in_post

    def inside(self, el, top, top_idx: int) -> tuple[int, bool]:
        """Context of `el`, a descendant of `top` (walked element `top_idx`, a subtree taken whole)."""
        memo = self.inner
        chain = []
        node = el
        while node is not top and node not in memo:
            chain.append(node)
            node = node.getparent()
        ctx, in_post = memo[node] if node is not top else self.walked(top_idx)
        chain.reverse()  # (mypyc cannot compile reversed() of a list of untyped elements)
        for node in chain:
            tag = node.tag
            ctx |= _own_flags(node, tag, in_post)
            in_post = in_post or tag in _POST_TAGS
            memo[node] = (ctx, in_post)
        return ctx, in_post


def _own_flags(el, tag, in_post: bool) -> int:
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
    key = (cls, ident)
    words = _CTX_MEMO.get(key)
    if words is None:
        words = remember(_CTX_MEMO, key, _context_words(f"{cls or ''} {ident or ''}"), _MEMO_MAX)
    return flags | words


def _context_words(text: str) -> int:
    """Context flags of the words of a `class id` string: the union of its tokens' (memoised: the
    distinct class strings of pages share most of their tokens)."""
    flags = 0
    memo = _TOKEN_CTX_MEMO
    for token in text.lower().replace("_", "-").split():
        found = memo.get(token)
        if found is None:
            found = remember(memo, token, _token_context(token), _MEMO_MAX)
        flags |= found
    return flags


def _token_context(token: str) -> int:
    """Context flags of one lower-cased class or id token."""
    flags = _CTX_PAIRS.get(token, 0)
    words = _SPLIT.split(token)
    for i, word in enumerate(words):
        if i and words[i - 1] in _LAYOUT_FLAGS:  # "wrapper--has-sidebar": what the page has
            continue
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
    return squeeze("".join(out))


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
