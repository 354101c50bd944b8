"""What the block walk (`blocks.walk_page`) finds in a parsed page: its elements, text blocks, anchors
and time tags.

Elements are numbered in document order (`idx`); the subtree of element `i` is the index range
`[i, end[i])`, which makes "is this block inside that container" a pair of comparisons.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

from crawler.extract.text import escape, squeeze

# Page.negative's mark of an element its `style` hides that holds a paragraph of prose: the rest of a
# story behind a "read more" button, or a notice a script shows (see negatives.effective_negatives).
HIDDEN: Final = 3

# The classes below declare their own __init__ (`init=False`): compiled, the dataclass-made one runs
# as Python, setting each field through a descriptor, several times slower (a page makes dozens).


@dataclass(slots=True, init=False)
class Block:
    """A run of text between block-level boundaries, owned by the block element that contains it."""

    owner: int  # idx of the owning element
    tag: str  # owning element's tag
    text: str  # whitespace-normalised plain text
    parts: list  # raw text pieces and ("<markup>",) tuples, rendered by `html` when needed
    link_len: int  # characters of `text` inside links
    neg: tuple[int, ...]  # idx of boilerplate ancestors (see Page.negative)
    heading: int  # 1-6 for h1-h6 owners, else 0
    list_idx: int  # idx of the nearest ul/ol ancestor, -1 if none
    ordered: bool  # nearest list is an <ol>
    quote_idx: int  # idx of the nearest blockquote ancestor, -1 if none
    region: str | None  # innermost link region ('nav', 'related', ...) around the block
    region_idx: int  # idx of the element that opened it (-1 if none)
    images: int = 0  # <img> tags among `parts`
    figure: bool = False  # inside a <figure> or <figcaption>: a caption, not article text
    size: int = 0  # len(text) in Latin-character equivalents (see text.text_size)

    def __init__(
        self,
        owner: int,
        tag: str,
        text: str,
        parts: list,
        link_len: int,
        neg: tuple[int, ...],
        heading: int,
        list_idx: int,
        ordered: bool,
        quote_idx: int,
        region: str | None,
        region_idx: int,
        images: int = 0,
        figure: bool = False,
        size: int = 0,
    ) -> None:
        self.owner = owner
        self.tag = tag
        self.text = text
        self.parts = parts
        self.link_len = link_len
        self.neg = neg
        self.heading = heading
        self.list_idx = list_idx
        self.ordered = ordered
        self.quote_idx = quote_idx
        self.region = region
        self.region_idx = region_idx
        self.images = images
        self.figure = figure
        self.size = size

    @property
    def html(self) -> str:
        """The run as clean inline HTML (escaped text, <a href>, <img>); built only for kept blocks.

        A link a block boundary cuts (`<a><div>..</div></a>`) is closed or dropped at the cut, so
        every run is balanced on its own.
        """
        out = []
        depth = 0
        text: list[str] = []  # the text pieces since the last markup, escaped in one call
        for p in self.parts:
            if p.__class__ is not tuple:
                text.append(p)
                continue
            if text:
                out.append(escape("".join(text), False))
                text = []
            if p[0] == "</a>":
                if depth:
                    depth -= 1
                    out.append("</a>")
            else:
                depth += p[0].startswith("<a ")
                out.append(p[0])
        if text:
            out.append(escape("".join(text), False))
        out.append("</a>" * depth)
        return squeeze("".join(out))


@dataclass(slots=True, init=False)
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

    def __init__(
        self,
        idx: int,
        url: str,
        text: str,
        rel: str,
        cls: str,
        region: str | None,
        region_idx: int,
        outer: str | None,
        neg: tuple[int, ...],
        block: int,
    ) -> None:
        self.idx = idx
        self.url = url
        self.text = text
        self.rel = rel
        self.cls = cls
        self.region = region
        self.region_idx = region_idx
        self.outer = outer
        self.neg = neg
        self.block = block


@dataclass(slots=True, init=False)
class TimeTag:
    """A `<time>` element or an element with `itemprop=date*`."""

    idx: int
    value: str  # datetime/content attribute, or the text
    text: str
    prop: str  # itemprop / class hints, lower-cased
    neg: bool

    def __init__(self, idx: int, value: str, text: str, prop: str, neg: bool) -> None:
        self.idx = idx
        self.value = value
        self.text = text
        self.prop = prop
        self.neg = neg


@dataclass(slots=True)
class Page:
    """What the walk found. Element arrays are indexed by idx."""

    elements: list = field(default_factory=list)
    parents: list[int] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)
    classes: list[str] = field(default_factory=list)
    # idx -> 1 (boilerplate), 2 (strong) or HIDDEN (hidden by its style attribute, holding a paragraph)
    negative: dict[int, int] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)
    anchors: list[Anchor] = field(default_factory=list)
    # (url, text, rel) of the links in the subtrees taken whole (site chrome, hidden blocks): navigation.
    # Only the first link to each URL (links.py keeps the first of a URL's links, so later ones add nothing).
    skipped_anchors: list[tuple[str, str, str]] = field(default_factory=list)
    times: list[TimeTag] = field(default_factory=list)
    images: list[tuple[int, str, str]] = field(default_factory=list)  # (idx, src, alt)
    body_idx: int = 0
    article_tags: list[int] = field(default_factory=list)  # idx of <article> elements
    itemprop_body: int = -1  # idx of [itemprop=articleBody], if any
    h1: list[int] = field(default_factory=list)  # block indexes of h1 headings
    heading_regions: list[tuple[int, str, int]] = field(default_factory=list)  # (idx, kind, first block)
    embedded: list = field(default_factory=list)  # template and JSON <script> elements (see embedded.py)
    marked: list[int] = field(default_factory=list)  # idx of the elements that are marks (see marks.py)
    whole: list[int] = field(default_factory=list)  # idx of the subtrees with children the walk took whole
    host: str = ""  # host of the page's base URL
    url: str = ""  # the page's base URL

    def children(self, idx: int) -> list[int]:
        """The idx of element `idx`'s children, in document order (each child's subtree ends where
        the next child starts)."""
        ends = self.ends
        out = []
        c, end = idx + 1, ends[idx]
        while c < end:
            out.append(c)
            c = ends[c]
        return out
