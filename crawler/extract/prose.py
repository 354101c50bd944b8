"""How a block reads, for the choices of headline, boilerplate and container and for the body's filters.

Running text or not (`is_prose`), a line over the text or the start of the text (`meta_line`,
`opens_text`), a heading saying the title (`norm`, `says`), left out as boilerplate or a teaser
(`excluded`).
"""

from __future__ import annotations

import re
from typing import Final

from crawler.extract.blocks import Block
from crawler.extract.text import word_runs

GOOD_MIN: Final = 40  # non-link size for a block to count as prose
PROSE_TAGS: Final = frozenset(
    ["p", "pre", "blockquote", "li", "dd", "td", "div", "section", "article", "main", "span", "font",
     "center",
     "body", "form"]
)  # fmt: skip
TEASER_REGIONS: Final = ("related", "recent")  # `Block.region`s of teaser lists (see `excluded`)
# (with the Devanagari danda, the Arabic question mark and the Urdu full stop)
END_PUNCT: Final = tuple(".!?:;\"'”’»)…。！？」』।॥؟۔။")
SENTENCE_END: Final = tuple('.!?"”。！？」।॥؟۔။')
DATED: Final = re.compile(
    r"\b(?:19|20)\d\d\b|\b\d{1,2}:\d\d\b|\b\d+\s+(?:minutes?|hours?|days?|weeks?)\s+ago\b", re.I
)


def norm(text: str) -> str:
    """Words of `text`, lower-cased, joined by single spaces (for comparing headings and titles)."""
    return " ".join(word_runs(text.lower()))


def says(text: str, normed: str) -> bool:
    """`text` is `normed` (a `norm`ed string) up to case and punctuation; lengths are compared first."""
    return bool(normed) and len(normed) <= len(text) <= 2 * len(normed) + 20 and norm(text) == normed


def is_prose(b: Block) -> bool:
    """A block that reads like running text: long enough (or a sentence), few links, a text tag.

    A heading is not, unless it is a long sentence (list articles put each item's text in an <h2>).
    """
    n = len(b.text)
    if b.heading:
        return b.heading > 1 and b.size >= 80 and not b.link_len and b.text.endswith(SENTENCE_END)
    if b.size - b.link_len < GOOD_MIN and not (b.size >= 25 and b.text.endswith(END_PUNCT)):
        return False
    return b.link_len <= (0.35 * n if n < 150 else 0.6 * n) and b.tag in PROSE_TAGS


def meta_line(text: str, size: int, link_len: int) -> bool:
    """A line over the text that is not the text yet: links (a kicker, a byline) or a dateline
    ("Published ..." rows)."""
    return link_len > 0.2 * len(text) or (size < 150 and bool(DATED.search(text)))


def opens_text(text: str, size: int, link_len: int) -> bool:
    """A line under the headline that reads as the start of the text (`size` as text.text_size,
    `link_len` characters in links): no meta line, and a paragraph's length or a whole sentence (a
    credit or caption line is neither)."""
    if meta_line(text, size, link_len):
        return False
    return size >= 100 or (size >= 60 and text.endswith(SENTENCE_END))


def block_near(blocks: list[Block], bi: int, step: int) -> Block | None:
    """The nearest block with text before (`step` -1) or after (+1) block `bi`."""
    i = bi + step
    while 0 <= i < len(blocks) and not blocks[i].text:
        i += step
    return blocks[i] if 0 <= i < len(blocks) else None


def excluded(b: Block, negs: set[int], cards: bytearray) -> bool:
    """Inside a boilerplate element, a related/recent list or a teaser card.

    A list opened by a class word ("related", "latest") is one only while that element still counts
    as boilerplate (`negs`); one opened by a heading ("More stories") was confirmed by its links.
    """
    if b.region in TEASER_REGIONS and (b.region_idx in negs or b.region_idx not in b.neg):
        return True
    return cards[b.owner] == 1 or (bool(b.neg) and any(i in negs for i in b.neg))
