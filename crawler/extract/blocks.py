"""One walk over the parsed page: text blocks, anchors, `<time>` elements and link regions.

Everything later stages need from the tree is gathered here in a single recursive pass, so the page
is traversed once: `body` picks and renders the article's blocks, `links` types the anchors,
`metadata` reads bylines and dates from the blocks around the article.

Elements are numbered in document order (`idx`); the subtree of element `i` is the index range
`[i, end[i])`, which makes "is this block inside that container" a pair of comparisons.
"""

from __future__ import annotations

import html as _html
from dataclasses import dataclass, field

from lxml import etree

from crawler.extract.classes import (
    BLOCK_TAGS,
    HEADINGS,
    SKIP_TAGS,
    clean_class,
    heading_region,
    is_negative,
    region_of,
)
from crawler.extract.urls import absolutize

_escape = _html.escape


@dataclass(slots=True)
class Block:
    """A run of text between block-level boundaries, owned by the block element that contains it."""

    owner: int  # idx of the owning element
    tag: str  # owning element's tag
    text: str  # whitespace-normalised plain text
    html: str  # the same run as clean inline HTML (text, <a>, <img>)
    link_len: int  # characters of `text` inside links
    neg: tuple[int, ...]  # idx of boilerplate ancestors (see Page.negative)
    heading: int  # 1-6 for h1-h6 owners, else 0
    list_idx: int  # idx of the nearest ul/ol ancestor, -1 if none
    ordered: bool  # nearest list is an <ol>
    quote_idx: int  # idx of the nearest blockquote ancestor, -1 if none
    region: str | None  # innermost link region ('nav', 'related', ...) around the block
    region_idx: int  # idx of the element that opened it (-1 if none)
    images: int = 0  # <img> tags in `html`


@dataclass(slots=True)
class Anchor:
    """An `<a href>` with a usable absolute URL."""

    idx: int
    url: str
    text: str
    rel: str
    cls: str
    region: str | None  # innermost region kind
    region_idx: int  # idx of the element that opened the region (-1 if none)
    outer: str | None  # the next region further out (used if a heading region is cancelled)
    neg: tuple[int, ...]
    block: int  # index in Page.blocks of the block holding the anchor text (-1 if none)


@dataclass(slots=True)
class TimeTag:
    """A `<time>` element or an element with `itemprop=date*`."""

    idx: int
    value: str  # datetime/content attribute, or the text
    text: str
    prop: str  # itemprop / class hints, lower-cased
    neg: bool


@dataclass(slots=True)
class Page:
    """What the walk found. Element arrays are indexed by idx."""

    elements: list = field(default_factory=list)
    parents: list[int] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)
    classes: list[str] = field(default_factory=list)
    negative: dict[int, int] = field(default_factory=dict)  # idx -> 1 (boilerplate) or 2 (strong)
    blocks: list[Block] = field(default_factory=list)
    anchors: list[Anchor] = field(default_factory=list)
    skipped_anchors: list[Anchor] = field(default_factory=list)
    times: list[TimeTag] = field(default_factory=list)
    images: list[tuple[int, str, str]] = field(default_factory=list)  # (idx, src, alt)
    body_idx: int = 0
    article_tags: list[int] = field(default_factory=list)  # idx of <article> elements
    itemprop_body: int = -1  # idx of [itemprop=articleBody], if any
    h1: list[int] = field(default_factory=list)  # block indexes of h1 headings
    heading_regions: list[tuple[int, str, int]] = field(default_factory=list)  # (idx, kind, first block)


_IMG_SRC_ATTRS = ("src", "data-src", "data-lazy-src", "data-original", "data-url")


class _Walker:
    """Recursive walk building a Page. One instance per page; not thread-shared."""

    def __init__(self, base: str, root_url: str) -> None:
        self.base = base
        self.root_url = root_url
        self.page = Page()
        self.class_cache: dict[tuple[str, str, str, str], tuple[str, int, str | None]] = {}
        self.neg_stack: list[int] = []
        self.path: list[list] = []  # [idx, region kind or None] for every open element
        self.list_stack: list[tuple[int, bool]] = []
        self.quote_stack: list[int] = []
        self.link_depth = 0
        self.link_text: list[list[str]] = []
        # the current run of inline content
        self.owner = 0
        self.owner_tag = "html"
        self.text: list[str] = []
        self.html: list[str] = []
        self.link_len = 0
        self.run_images = 0

    # -- runs ------------------------------------------------------------------------------------
    def flush(self) -> None:
        """Close the current run as a Block (if it holds text or an image)."""
        if not self.text and not self.run_images:
            return
        text = " ".join("".join(self.text).split())
        if text or self.run_images:
            page = self.page
            tag = self.owner_tag
            lst = self.list_stack[-1] if self.list_stack else (-1, False)
            region, region_idx = None, -1
            for frame in reversed(self.path):
                if frame[1]:
                    region, region_idx = frame[1], frame[0]
                    break
            block = Block(
                owner=self.owner,
                tag=tag,
                text=text,
                html=" ".join("".join(self.html).split()),
                link_len=min(self.link_len, len(text)),
                neg=tuple(self.neg_stack),
                heading=HEADINGS.get(tag, 0),
                list_idx=lst[0],
                ordered=lst[1],
                quote_idx=self.quote_stack[-1] if self.quote_stack else -1,
                region=region,
                region_idx=region_idx,
                images=self.run_images,
            )
            if block.heading and text:
                if block.heading == 1:
                    page.h1.append(len(page.blocks))
                kind = heading_region(text) if block.heading > 1 or len(text) < 60 else None
                if kind:
                    self._open_heading_region(kind)
            page.blocks.append(block)
        self.text = []
        self.html = []
        self.link_len = 0
        self.run_images = 0

    def _open_heading_region(self, kind: str) -> None:
        """A heading like "Related articles" types the links that follow it in its section."""
        # path[-1] is the heading itself; the section is the closest ancestor holding more than it.
        page = self.page
        for frame in reversed(self.path[:-1]):
            idx = frame[0]
            el = page.elements[idx]
            if len(el) > 1 or (el.text and el.text.strip()):
                if frame[1] is None:
                    frame[1] = kind
                    page.heading_regions.append((idx, kind, len(page.blocks) + 1))
                return

    def add_text(self, s: str) -> None:
        self.text.append(s)
        self.html.append(_escape(s, quote=False))
        if self.link_depth:
            self.link_len += len(s.strip())
            self.link_text[-1].append(s)

    # -- walk ------------------------------------------------------------------------------------
    def walk(self, el) -> None:
        tag = el.tag
        if not isinstance(tag, str):  # comment, processing instruction, entity
            if el.tail:
                self.add_text(el.tail)
            return
        page = self.page
        idx = len(page.elements)
        page.elements.append(el)
        page.parents.append(self.path[-1][0] if self.path else -1)
        page.tags.append(tag)
        page.ends.append(idx + 1)
        if tag in SKIP_TAGS or el.get("hidden") is not None or _hidden_style(el.get("style")):
            page.classes.append("")
            self._skip(el, idx)
            if el.tail:
                self.add_text(el.tail)
            return

        cls_raw = el.get("class") or ""
        ident = el.get("id") or ""
        role = (el.get("role") or "").lower()
        key = (tag, cls_raw, ident, role)
        cached = self.class_cache.get(key)
        if cached is None:
            cls = clean_class(cls_raw, ident) if cls_raw or ident else ""
            cached = (cls, is_negative(tag, cls, role), region_of(tag, cls, role))
            self.class_cache[key] = cached
        cls, neg, region = cached
        page.classes.append(cls)
        if el.get("aria-hidden") == "true" and tag != "a":
            neg = neg or 1
        if el.get("itemprop") == "articleBody" and page.itemprop_body < 0:
            page.itemprop_body = idx
            neg = 0
        if neg:
            page.negative[idx] = neg
            self.neg_stack.append(idx)
        self.path.append([idx, region])

        is_block = tag in BLOCK_TAGS
        saved = None
        if is_block:
            self.flush()
            saved = (self.owner, self.owner_tag)
            self.owner, self.owner_tag = idx, tag
        if tag == "body":
            page.body_idx = idx
        elif tag == "article":
            page.article_tags.append(idx)
        elif tag in ("ul", "ol"):
            self.list_stack.append((idx, tag == "ol"))
        elif tag == "blockquote":
            self.quote_stack.append(idx)
        elif tag == "time" or (el.get("itemprop") or "").startswith("date"):
            self._time(el, idx, bool(self.neg_stack))

        is_link = False
        if tag == "a":
            url = absolutize(el.get("href"), self.base, self.root_url)
            if url:
                is_link = True
                self.link_depth += 1
                self.link_text.append([])
                self.html.append(f'<a href="{_escape(url)}">')
        elif tag == "img":
            self._img(el, idx)
        elif tag == "br":
            self.flush()

        if el.text:
            self.add_text(el.text)
        for child in el:
            self.walk(child)

        if is_link:
            self.link_depth -= 1
            text = " ".join("".join(self.link_text.pop()).split())
            self.html.append("</a>")
            self._anchor(el, idx, url, text)
        if is_block:
            self.flush()
            self.owner, self.owner_tag = saved
        if tag in ("ul", "ol"):
            self.list_stack.pop()
        elif tag == "blockquote":
            self.quote_stack.pop()
        self.path.pop()
        if neg:
            self.neg_stack.pop()
        page.ends[idx] = len(page.elements)
        if el.tail:
            self.add_text(el.tail)

    def _anchor(self, el, idx: int, url: str, text: str) -> None:
        region, region_idx, outer = None, -1, None
        for frame in reversed(self.path):
            if frame[1]:
                if region is None:
                    region, region_idx = frame[1], frame[0]
                else:
                    outer = frame[1]
                    break
        self.page.anchors.append(
            Anchor(
                idx=idx,
                url=url,
                text=text,
                rel=(el.get("rel") or "").lower(),
                cls=self.page.classes[idx],
                region=region,
                region_idx=region_idx,
                outer=outer,
                neg=tuple(self.neg_stack),
                block=len(self.page.blocks),  # the run holding it is flushed next
            )
        )

    def _img(self, el, idx: int) -> None:
        src = None
        for attr in _IMG_SRC_ATTRS:
            value = el.get(attr)
            if value and not value.startswith("data:"):
                src = absolutize(value, self.base, self.root_url)
                if src:
                    break
        if not src:
            return
        alt = " ".join((el.get("alt") or "").split())
        self.page.images.append((idx, src, alt))
        self.html.append(f'<img src="{_escape(src)}" alt="{_escape(alt)}">')
        self.run_images += 1

    def _time(self, el, idx: int, neg: bool) -> None:
        value = el.get("datetime") or el.get("content") or ""
        text = " ".join(etree.tostring(el, method="text", encoding="unicode", with_tail=False).split())
        pubdate = "pubdate" if el.get("pubdate") is not None else ""
        prop = f"{el.get('itemprop') or ''} {el.get('class') or ''} {pubdate}"
        self.page.times.append(TimeTag(idx, value.strip(), text[:200], prop.lower(), neg))

    def _skip(self, el, idx: int) -> None:
        """A subtree that is not text (script, hidden...): keep its anchors as navigation only."""
        page = self.page
        if len(el):
            for a in el.iter("a"):
                url = absolutize(a.get("href"), self.base, self.root_url)
                if url:
                    text = " ".join(
                        etree.tostring(a, method="text", encoding="unicode", with_tail=False).split()
                    )
                    page.skipped_anchors.append(Anchor(idx, url, text, "", "", "nav", idx, None, (idx,), -1))


def _hidden_style(style: str | None) -> bool:
    if not style or ("none" not in style and "hidden" not in style):
        return False
    s = style.replace(" ", "").lower()
    return "display:none" in s or "visibility:hidden" in s


def walk_page(root, base: str, root_url: str) -> Page:
    """Walk the whole document once (see module docstring)."""
    walker = _Walker(base, root_url)
    walker.walk(root)
    walker.flush()
    page = walker.page
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
