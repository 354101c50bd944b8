"""One walk over the parsed page: text blocks, anchors, `<time>` elements and link regions.

Everything later stages need from the tree is gathered here in a single recursive pass, so the page
is traversed once: `body` picks and renders the article's blocks, `links` types the anchors,
`metadata` reads bylines and dates from the blocks around the article.

What it finds, and how elements are numbered, is in `page.py`.
"""

from __future__ import annotations

from typing import Any, Final

from lxml import etree

from crawler.extract.classes import (
    BLOCK_TAGS,
    CHROME_TAGS,
    HEADINGS,
    SKIP_TAGS,
    SKIPPABLE_TAGS,
    class_flags,
    classify,
    clean_class,
    dropped_token,
    heading_region,
)
from crawler.extract.marks import has_mark_word, is_mark, marked_class, term_href
from crawler.extract.memo import remember
from crawler.extract.page import HIDDEN, Anchor, Block, Page, TimeTag
from crawler.extract.text import clean_text, escape, has_invisible, is_plain, squeeze, text_size
from crawler.extract.urls import absolutize, host_of

# Class tokens of embedded social posts (their text is quoted in the article).
_EMBEDS: Final = frozenset(
    ("twitter-tweet", "twitter-video", "instagram-media", "tiktok-embed", "bluesky-embed")
)
# Memos of pure functions shared by all pages (a site repeats its class names on every page), so
# they change no result: class or id string -> (cleaned, flags, holds a mark word), and
# (tag, flags, role) -> classify().
_CLASS_MEMO: Final[dict[str | None, tuple[str, int, int]]] = {}
_CLASSIFY_MEMO: Final[dict[tuple, tuple[int, str | None, int]]] = {}
# class token (lower-cased) -> (its cleaned form, None when clean_class drops it; its flags; holds a
# mark word): see _class_string
_TOKEN_MEMO: Final[dict[str, tuple[str | None, int, bool]]] = {}
_MEMO_MAX: Final = 50_000
# <script> types whose content may be the article's text (see embedded.py): HTML templates and JSON.
_EMBEDDED_TYPES: Final = frozenset(("text/template", "text/x-template", "text/html", "application/json"))
# The attributes marks.is_mark reads (besides the tag): without any of them, no mark.
_MARK_ATTRS: Final = frozenset(("class", "id", "rel", "href", "itemprop", "datetime", "property"))
# The block tags the walk keeps a note of (the body, articles, lists, quotes, figures), and the inline
# tags it handles apart: one set test spares the other elements a chain of comparisons.
_NOTED_BLOCKS: Final = frozenset(("body", "article", "ul", "ol", "blockquote", "figure", "figcaption"))
_INLINE_KINDS: Final = frozenset(("a", "img", "br"))
_IMG_SRC_ATTRS: Final = ("src", "data-src", "data-lazy-src", "data-original", "data-url")
# Absolute URLs of the hrefs whose resolution needs no base URL (`https://...`, and `/path` under the
# site's root), keyed (site root, href): a site repeats its menu and footer links on every page.
# A pure memo like the class memos, of 10,000 entries (about 4 MB: a site's menus and footers hold
# hundreds of links, and a long crawl's article links would otherwise fill it).
_URL_MEMO: Final[dict[tuple[str, str], str | None]] = {}
_UNSEEN: Final[Any] = object()
_URL_CONTROLS: Final = frozenset("\n\t\r")  # characters absolutize removes from inside a URL


class _Walker:
    """Recursive walk building a Page. One instance per page; not thread-shared.

    Written for speed (it touches every element): attributes are read once, class strings are
    classified once per distinct value, and HTML is only rendered later for the blocks kept.
    """

    def __init__(self, base: str, root_url: str) -> None:
        self.base = base
        self.root_url = root_url
        self.page = Page()
        self.class_cache = _CLASS_MEMO
        self.flag_cache = _CLASSIFY_MEMO
        self.neg_stack: list[int] = []
        self.path: list[list] = []  # [idx, region kind or None] for every open element
        self.regions: list[list] = []  # the frames of `path` with a region kind, outermost first
        self.list_stack: list[tuple[int, bool]] = []
        self.quote_stack: list[int] = []
        self.figure_depth = 0
        self.link_depth = 0
        self.control_depth = 0  # inside an <a> whose href is no page (javascript:, #): a button
        self.link_text: list[list[str]] = []
        self.skipped_urls: set[str] = set()  # the URLs in page.skipped_anchors
        # the current run of inline content
        self.owner = 0
        self.owner_tag = "html"
        self.parts: list = []
        self.markup = False  # `parts` holds markup tuples
        self.link_len = 0
        self.run_images = 0
        self.run_anchors: list[Anchor] = []  # anchors whose text is in the current run

    # -- runs ------------------------------------------------------------------------------------
    def flush(self) -> None:
        """Close the current run as a Block (if it holds text or an image)."""
        parts = self.parts
        if not parts:
            return
        if self.markup:
            text = squeeze("".join([p for p in parts if p.__class__ is str]))
        else:
            text = squeeze("".join(parts))
        if text.isascii() or is_plain(text):  # (the first test saves a call on most blocks)
            size = len(text)
        else:
            if has_invisible(text):  # soft hyphens, zero-width spaces split words
                text = clean_text(text)
                parts = [clean_text(p) if p.__class__ is str else p for p in parts]
            size = text_size(text)
        if text or self.run_images:
            page = self.page
            tag = self.owner_tag
            lst = self.list_stack[-1] if self.list_stack else (-1, False)
            if self.regions:
                region_idx, region = self.regions[-1]
            else:
                region, region_idx = None, -1
            heading = HEADINGS.get(tag, 0)
            if heading and text:
                if heading == 1:
                    page.h1.append(len(page.blocks))
                kind = heading_region(text) if heading > 1 or len(text) < 60 else None
                own = self.path[-1][1] if self.path else None
                if kind is None and own in ("related", "recent") and self.path[-1][0] == self.owner:
                    kind = own  # <h3 class="related-title">: its section is the teaser list
                if kind:
                    self._open_heading_region(kind)
            page.blocks.append(
                Block(
                    self.owner,
                    tag,
                    text,
                    parts,
                    min(self.link_len, len(text)),
                    tuple(self.neg_stack),
                    heading,
                    lst[0],
                    lst[1],
                    self.quote_stack[-1] if self.quote_stack else -1,
                    region,
                    region_idx,
                    self.run_images,
                    self.figure_depth > 0,
                    size,
                )
            )
        if self.run_anchors:  # (a run of no text or image, an empty link's, makes no block)
            at = len(self.page.blocks) - 1 if text or self.run_images else -1
            for a in self.run_anchors:
                a.block = at
            self.run_anchors = []
        self.parts = []
        self.markup = False
        self.link_len = 0
        self.run_images = 0

    def _open_heading_region(self, kind: str) -> None:
        """A heading like "Related articles" types the links that follow it in its section."""
        # path[-1] is the heading itself; the section is the closest ancestor holding more than it.
        page = self.page
        for frame in self.path[-2::-1]:  # (mypyc cannot compile reversed() of it)
            idx = frame[0]
            el = page.elements[idx]
            if len(el) > 1 or (el.text and el.text.strip()):
                if frame[1] is None:
                    frame[1] = kind
                    page.heading_regions.append((idx, kind, len(page.blocks) + 1))
                    regions = self.regions  # the frame joins them in path order
                    at = len(regions)
                    while at and regions[at - 1][0] > idx:
                        at -= 1
                    regions.insert(at, frame)
                return

    def add_text(self, s: str) -> None:
        parts = self.parts
        if not parts and not self.link_depth and s.isspace():  # a run's leading whitespace: no text
            return  # (a link's text keeps it: `<a><p>a</p> <p>b</p></a>` reads "a b")
        parts.append(s)
        if self.link_depth:
            self.link_len += len(s.strip())
            self.link_text[-1].append(s)
        elif self.control_depth:  # a control's words weigh as link text, though it links nowhere
            self.link_len += len(s.strip())

    def add_markup(self, s: str) -> None:
        self.parts.append((s,))
        self.markup = True

    # -- walk ------------------------------------------------------------------------------------
    def walk(self, el, parent: int = -1) -> None:
        """Walk `el` (the child of walked element `parent`) and its subtree."""
        tag = el.tag
        if tag.__class__ is not str:  # comment, processing instruction, entity
            return
        page = self.page
        idx = len(page.elements)
        # (compiled, `page.elements.append` is a C call on the list: no bound method is made)
        page.elements.append(el)
        page.parents.append(parent)
        page.tags.append(tag)
        page.ends.append(idx + 1)
        if tag in SKIP_TAGS and not (tag == "template" and _shown_later(tag, el.attrib)):
            keys = el.keys()  # (of its attributes, a skipped element needs a script's type at most)
            if keys:
                if tag == "script" and (el.get("type") or "").strip().lower() in _EMBEDDED_TYPES:
                    page.embedded.append(el)
                if not _MARK_ATTRS.isdisjoint(keys) and is_mark(el):
                    page.marked.append(idx)
            page.classes.append("")
            self._skip(el, idx)
            return
        attrib = el.items()  # read once into a dict: each lxml attribute lookup costs a C call
        if attrib:
            if len(attrib) == 1:  # (most often a class alone: a dict display is quicker than dict())
                ((name, value),) = attrib
                attrib = {name: value}
            else:
                attrib = dict(attrib)
            style = attrib.get("style")
            hidden = ("hidden" in attrib or (style and _hidden_style(style))) and not _shown_later(
                tag, attrib
            )
            # (one its style alone hides is walked when it holds a paragraph: see page.HIDDEN)
            if hidden and ("hidden" in attrib or not _holds_paragraph(el)):
                if (tag == "time" or not _MARK_ATTRS.isdisjoint(attrib.keys())) and is_mark(el):
                    page.marked.append(idx)
                page.classes.append("")
                self._skip(el, idx)
                return
            cls_raw = attrib.get("class")
            ident = attrib.get("id")
            role = attrib.get("role")
            itemprop = attrib.get("itemprop")
            if cls_raw or ident or role:
                hit = None if ident else self.class_cache.get(cls_raw)  # (the common case, inline)
                cls, flags, marked = hit or self._class_info(cls_raw, ident)
                key = (tag, flags, role)
                cached = self.flag_cache.get(key)
                if cached is None:
                    cached = remember(
                        self.flag_cache, key, classify(tag, cls, flags, (role or "").lower()), _MEMO_MAX
                    )
                neg, region, skippable = cached
            else:
                marked = 0
                if tag in CHROME_TAGS:
                    cls, neg, region, skippable = "", 1, "nav", int(tag in SKIPPABLE_TAGS)
                else:
                    cls, neg, region, skippable = "", 0, None, 0
            # marks.is_mark, with the class and id verdicts read from the class memo (meta and link,
            # in SKIP_TAGS, took the branch above)
            if tag == "a":
                href = attrib.get("href")
                if marked & 1 or attrib.get("rel") or term_href(href):
                    page.marked.append(idx)
            elif tag == "time" or marked or itemprop is not None or "datetime" in attrib:
                page.marked.append(idx)
            if skippable == 1 and self._chrome(el, idx, cls):
                return
            if skippable == 2:
                page.classes.append(cls)
                self._skip(el, idx)
                return
            if attrib.get("aria-hidden") == "true" and tag != "a":
                neg = neg or 1
            if hidden:
                neg = HIDDEN
            if itemprop == "articleBody" and page.itemprop_body < 0:
                page.itemprop_body = idx
                neg = 0
            embed = tag == "blockquote" and bool(cls) and not _EMBEDS.isdisjoint(cls.split())
            if embed:  # a quoted social post: article text, whatever its share-bar or figure wrappers say
                neg = 0
        else:
            itemprop = None
            cls = ""
            embed = False
            if tag == "time":
                page.marked.append(idx)
            if tag in CHROME_TAGS:
                neg, region = 1, "nav"
                if tag in SKIPPABLE_TAGS and self._chrome(el, idx, cls):
                    return
            else:
                neg, region = 0, None
        page.classes.append(cls)
        is_block = tag in BLOCK_TAGS
        if is_block and self.parts:  # the run so far is the enclosing element's, with its marks
            self.flush()
        if neg:
            page.negative[idx] = neg
            self.neg_stack.append(idx)
        frame = [idx, region]
        self.path.append(frame)
        if region:
            self.regions.append(frame)
        if embed:
            saved_negs, saved_figure = self.neg_stack, self.figure_depth
            self.neg_stack, self.figure_depth = [], 0

        if is_block:
            saved_owner, saved_tag = self.owner, self.owner_tag
            self.owner, self.owner_tag = idx, tag
            if tag in _NOTED_BLOCKS:
                if tag == "body":
                    page.body_idx = idx
                elif tag == "article":
                    page.article_tags.append(idx)
                elif tag == "ul" or tag == "ol":
                    self.list_stack.append((idx, tag == "ol"))
                elif tag == "blockquote":
                    self.quote_stack.append(idx)
                else:  # figure, figcaption
                    self.figure_depth += 1
        elif tag == "time" or (itemprop and itemprop.startswith("date")):
            self._time(el, idx, bool(self.neg_stack))

        url = None
        control = False
        if tag in _INLINE_KINDS:
            if tag == "a":
                if attrib:  # (`href` read above)
                    if href and href.lstrip()[:11].lower().startswith(("#", "javascript:")):
                        control = True  # (absolutize gives no URL for these)
                        self.control_depth += 1
                    else:
                        url = self._url(href)
                        if url:
                            opened = len(page.blocks)
                            self.link_depth += 1
                            self.link_text.append([])
                            self.add_markup(f'<a href="{escape(url)}">')
            elif tag == "img":
                if attrib:
                    self._img(el, idx, attrib)
            else:  # br
                self.flush()

        text = el.text
        if text:
            self.add_text(text)
        children = el[:]  # (a slice builds the children in C: quicker than iterating the element)
        if children:
            for child in children:  # (compiled, `self.walk` is a direct call: no bound method is made)
                self.walk(child, idx)
                tail = child.tail  # a child's tail is its parent's text: added here, once
                if tail:
                    self.add_text(tail)

        if control:
            self.control_depth -= 1
        if url:
            self.link_depth -= 1
            text = clean_text(squeeze("".join(self.link_text.pop())))
            self.add_markup("</a>")
            self._anchor(el, idx, url, text, attrib, opened)
        if is_block:
            if self.parts:
                self.flush()
            self.owner, self.owner_tag = saved_owner, saved_tag
            if tag in _NOTED_BLOCKS:
                if tag == "ul" or tag == "ol":
                    self.list_stack.pop()
                elif tag == "blockquote":
                    self.quote_stack.pop()
                elif tag == "figure" or tag == "figcaption":
                    self.figure_depth -= 1
        self.path.pop()
        if frame[1]:  # (the innermost region, whether the element opened it or a heading did)
            self.regions.pop()
        if neg:
            self.neg_stack.pop()
        elif embed:
            self.neg_stack, self.figure_depth = saved_negs, saved_figure
        page.ends[idx] = len(page.elements)

    def _anchor(self, el, idx: int, url: str, text: str, attrib, opened: int) -> None:
        """Record the link just closed; `opened`: how many blocks there were when it opened."""
        regions = self.regions
        region, region_idx, outer = None, -1, None
        if regions:
            region_idx, region = regions[-1]
            if len(regions) > 1:
                outer = regions[-2][1]
        page = self.page
        rel = (attrib.get("rel") or "").lower()
        neg = tuple(self.neg_stack)
        a = Anchor(idx, url, text, rel, page.classes[idx], region, region_idx, outer, neg, -1)
        page.anchors.append(a)
        if len(page.blocks) > opened and not self.link_len:
            a.block = len(page.blocks) - 1  # it holds blocks, and none of its text is in this run
        else:
            self.run_anchors.append(a)  # its block is the run's, when flushed

    def _img(self, el, idx: int, attrib) -> None:
        src = None
        for attr in _IMG_SRC_ATTRS:
            value = attrib.get(attr)
            if value and not value.startswith("data:"):
                src = self._url(value)
                if src:
                    break
        if not src:
            return
        alt = squeeze(attrib.get("alt") or "")
        self.page.images.append((idx, src, alt))
        self.add_markup(f'<img src="{escape(src)}" alt="{escape(alt)}">')
        self.run_images += 1

    def _time(self, el, idx: int, neg: bool) -> None:
        value = el.get("datetime") or el.get("content") or ""
        text = squeeze(etree.tostring(el, method="text", encoding="unicode", with_tail=False))
        pubdate = "pubdate" if el.get("pubdate") is not None else ""
        prop = f"{el.get('itemprop') or ''} {el.get('class') or ''} {pubdate}"
        self.page.times.append(TimeTag(idx, value.strip(), text[:200], prop.lower(), neg))

    def _class_info(self, cls_raw: str | None, ident: str | None) -> tuple[str, int, int]:
        """Cleaned `class id` string, its flags, and which of class (1) and id (2) hold a mark word
        (marks.marked_class), cached per distinct class and id value."""
        cache = self.class_cache
        cls, flags, marked = "", 0, 0
        if cls_raw:
            hit = cache.get(cls_raw)
            if hit is None:
                hit = remember(cache, cls_raw, _class_string(cls_raw), _MEMO_MAX)
            cls, flags, marked = hit
        if ident:
            key = "#" + ident
            hit = cache.get(key)
            if hit is None:
                cleaned = ident.lower().replace("_", "-")
                hit = remember(cache, key, (cleaned, class_flags(cleaned), marked_class(ident)), _MEMO_MAX)
            cls = f"{cls} {hit[0]}" if cls else hit[0]
            flags |= hit[1]
            if hit[2]:
                marked |= 2
        return cls, flags, marked

    def _url(self, href: str | None) -> str | None:
        """`urls.absolutize(href)` against the page's base, memoised when the base plays no part."""
        if not href:
            return None
        key = (self.root_url, href)
        url = _URL_MEMO.get(key, _UNSEEN)
        if url is _UNSEEN:
            url = absolutize(href, self.base, self.root_url)
            if href.startswith(("http://", "https://")) or (
                # a root-relative path, which no removed tab or newline turns into `//host/...`
                self.root_url and href[0] == "/" and href[1:2] != "/" and not _URL_CONTROLS.intersection(href)
            ):
                remember(_URL_MEMO, key, url)
        return url

    def _chrome(self, el, idx: int, cls: str) -> bool:
        """Take a menu/sidebar/footer subtree in one go: its links become nav, its text one bad block.

        Block-level analysis of site chrome is wasted work (it is a third to half of a news page's
        elements). Returns False, and the caller walks normally, when the subtree holds a paragraph
        of prose (a wrapper like `content-sidebar-wrap` or `sidebar-grid` may hold the article
        itself, even a one-paragraph brief) or links to the previous/next article
        (`<div class="issue-nav"><a rel="prev">`), which links.py types.
        """
        links = []  # (read again by _skip otherwise)
        for p in el.iter("p", "a"):
            if p.tag == "a":
                links.append(p)
                rel = p.get("rel")
                if rel and ("prev" in rel or "next" in rel):
                    return False
            elif len(p):
                if len(etree.tostring(p, method="text", encoding="unicode")) >= 100:
                    return False
            elif len(p.text or "") + len(p.tail or "") >= 100:  # (the serialiser's text, read directly)
                return False
        self.page.classes.append(cls)
        self._skip(el, idx, links)
        text = squeeze(etree.tostring(el, method="text", encoding="unicode", with_tail=False))
        page = self.page
        page.negative[idx] = 1
        if text:
            if self.parts:
                self.flush()
            lst = self.list_stack[-1] if self.list_stack else (-1, False)
            neg, n = (*self.neg_stack, idx), len(text)
            page.blocks.append(
                Block(idx, el.tag, text, [text], n, neg, 0, lst[0], lst[1], -1, "nav", idx, 0, False, n)
            )
        return True

    def _skip(self, el, idx: int, links: list | None = None) -> None:
        """A subtree that is not text (script, hidden...): keep its anchors (`links`, when the caller
        found them already) as navigation only."""
        page = self.page
        if len(el):
            page.whole.append(idx)
            seen = self.skipped_urls
            for a in el.iter("a") if links is None else links:
                url = self._url(a.get("href"))
                if url and url not in seen:
                    seen.add(url)
                    if len(a):
                        text = etree.tostring(a, method="text", encoding="unicode", with_tail=False)
                    else:  # its text is all it holds (no serialiser needed)
                        text = a.text or ""
                    text = squeeze(text)
                    page.skipped_anchors.append((url, text, (a.get("rel") or "").lower()))


def _class_string(cls_raw: str) -> tuple[str, int, bool]:
    """(`clean_class(cls_raw, "")`, its `class_flags`, `marked_class(cls_raw)`), built token by token.

    Each of the three is a union over the string's tokens (no mark word holds a space), and the
    distinct class strings of pages share most of their tokens (`col-md-6`, `entry-content`): a
    token's verdicts are memoised, so a new class string mostly costs lookups.
    """
    if not cls_raw.isascii():  # (Unicode case folding may change a token's length: the whole string)
        cleaned = clean_class(cls_raw, "")
        return cleaned, class_flags(cleaned) if cleaned else 0, marked_class(cls_raw)
    memo = _TOKEN_MEMO
    kept = []
    flags = 0
    marked = False
    for token in cls_raw.lower().split():
        hit = memo.get(token)
        if hit is None:
            word = token.replace("_", "-")
            if dropped_token(word):
                hit = (None, 0, has_mark_word(token))
            else:
                hit = (word, class_flags(word), has_mark_word(token))
            remember(memo, token, hit, _MEMO_MAX)
        if hit[0] is not None:
            kept.append(hit[0])
            flags |= hit[1]
        marked = marked or hit[2]
    return " ".join(kept), flags, marked


def _shown_later(tag: str, attrib) -> bool:
    """A hidden or template element the browser does render.

    - `<template shadowrootmode="open">`: a declarative shadow root, drawn in place of its host's
      children;
    - `<div hidden id="S:1">`: a segment a streaming renderer (React's) sends after the page shell,
      hidden until an inline script moves it into its placeholder: often the whole article.
    """
    if tag == "template":
        return "shadowrootmode" in attrib or "shadowroot" in attrib
    return tag == "div" and "hidden" in attrib and (attrib.get("id") or "").startswith("S:")


def _holds_paragraph(el) -> bool:
    """A `<p>` of 100 characters or more under `el`: prose, not a menu's or a form's lines."""
    return any(
        len(etree.tostring(p, method="text", encoding="unicode", with_tail=False)) >= 100
        for p in el.iter("p")
    )


def _hidden_style(style: str | None) -> bool:
    if not style or ("none" not in style and "hidden" not in style):
        return False
    s = style.replace(" ", "").lower()
    return "display:none" in s or "visibility:hidden" in s


def walk_page(root, base: str, root_url: str) -> Page:
    """Walk the whole document once (see module docstring)."""
    walker = _Walker(base, root_url)
    walker.walk(root)
    if root.tail:
        walker.add_text(root.tail)
    walker.flush()
    page = walker.page
    page.host = host_of(base) or ""
    page.url = base
    for region in page.heading_regions:
        _confirm_heading_region(page, *region)
    return page


def _confirm_heading_region(page: Page, idx: int, kind: str, first: int) -> None:
    """Keep a heading-opened region only if what follows the heading looks like a teaser list.

    "Related coverage" over a list of headline links is a teaser list; the same words as a subheading
    over prose paragraphs are not, and the region is cancelled for the blocks and anchors in it.
    """
    end = page.ends[idx]
    total = links = 0
    mine = [b for b in page.blocks[first:] if b.region_idx == idx and idx <= b.owner < end]
    for b in mine:
        total += len(b.text)
        links += b.link_len
    anchors = [a for a in page.anchors if a.region_idx == idx]
    if total and (links >= 0.2 * total or (len(anchors) >= 3 and total / len(anchors) < 250)):
        return
    for b in mine:
        b.region, b.region_idx = None, -1
    for a in anchors:
        a.region, a.region_idx = a.outer, -1
