"""Which boilerplate-classed elements really are boilerplate: the evidence of the page decides.

A class or id word ("sidebar", "comment", "widget") marks an element as boilerplate only as a
first guess (`effective_negatives`):

- share: an element, or all elements of one class together, holding most of the page's prose is the
  content; so is a class that wraps paragraph after paragraph (page builders wrap each in a
  "widget", some themes each in a "cta");
- position: the element where the article's text starts, right under the headline, holding most
  of the prose after it (a comment-classed one: more than all other elements together), is the
  article whatever its classes say ("commentary", "article.commented");
- a comment thread (several dated posts) or a comment form stays boilerplate.
"""

from __future__ import annotations

from typing import Final

from crawler.extract.blocks import Block, Page
from crawler.extract.headline import Headline
from crawler.extract.page import HIDDEN
from crawler.extract.prose import DATED, GOOD_MIN, block_near, excluded, is_prose

CANCEL_SHARE: Final = (
    0.7  # a boilerplate-classed element (or class) holding this share of the prose is content
)
AFTER_HEADLINE_SHARE: Final = 0.5  # ... or this share of the prose after the headline, where the text starts
WRAPPERS, WRAPPER_PROSE, WRAPPER_SHARE = 3, 80, 0.3  # 3+ elements of a class, each with prose, 30%
THREAD_DATES: Final = 3  # dated blocks that make a comment-classed element a real thread
STRONG_MIN: Final = 300  # prose size for a comment-classed element to be the story (not a form's label)
HIDDEN_SHARE: Final = 0.3  # prose of a hidden "read more" part against the visible prose beside it


def effective_negatives(page: Page, headline: Headline, cards: bytearray) -> set[int]:
    """Boilerplate-classed elements that really are boilerplate (see module docstring; `cards` as
    `teaser_cards`)."""
    negative = page.negative
    if not negative:
        return set()
    strong = {i for i, s in negative.items() if s == 2}
    total = after = 0
    per_neg: dict[int, int] = {}
    per_neg_after: dict[int, int] = {}
    per_class: dict[str, int] = {}
    start = headline.block
    for bi, b in enumerate(page.blocks):
        if not is_prose(b):
            continue
        n = b.size
        in_strong = any(i in strong for i in b.neg)
        total += 0 if in_strong else n
        late = start >= 0 and bi > start
        if late and not in_strong:
            after += n
        classes = set()
        for i in b.neg:
            per_neg[i] = per_neg.get(i, 0) + n
            if late:
                per_neg_after[i] = per_neg_after.get(i, 0) + n
            classes.add(page.classes[i])
        for cls in classes:
            per_class[cls] = per_class.get(cls, 0) + n
    wrappers: dict[str, int] = {}  # class -> how many elements of it hold a paragraph's worth of prose
    for i, n in per_neg.items():
        if n >= WRAPPER_PROSE:
            wrappers[page.classes[i]] = wrappers.get(page.classes[i], 0) + 1
    text_owner = page.blocks[headline.text_start].owner if headline.text_start >= 0 else -1
    out = set()
    for i, strength in negative.items():
        mine = per_neg.get(i, 0)
        if strength != 2:  # a class word, or a style hiding the element (weighed by its own prose)
            cls = page.classes[i]
            group = per_class.get(cls, 0) if strength == 1 else mine
            if total and max(mine, group) >= CANCEL_SHARE * total:
                continue
            if strength == 1 and wrappers.get(cls, 0) >= WRAPPERS and group >= WRAPPER_SHARE * total:
                continue  # a class wrapping paragraph after paragraph is how this page lays out text
            if i <= text_owner < page.ends[i] and per_neg_after.get(i, 0) >= AFTER_HEADLINE_SHARE * after:
                continue
            if strength == HIDDEN and _continues_text(page, i, mine):
                continue
        elif (  # holds more of the text after the headline than all non-comment-classed elements
            i <= text_owner < page.ends[i]
            and mine >= STRONG_MIN
            and per_neg_after.get(i, 0) >= after
            and not _is_thread(page, i)
        ):
            continue
        out.add(i)
    blocks = page.blocks
    # (each heading judged against the same boilerplate: none is lifted by another's lifting)
    lifted = [
        b.owner
        for bi, b in enumerate(blocks)
        if b.heading > 1 and b.owner in out and _section_heading(blocks, bi, out, cards)
    ]
    return out.difference(lifted) if lifted else out


def _continues_text(page: Page, idx: int, mine: int) -> bool:
    """Element `idx`, hidden by its style, holds the rest of the paragraphs before it: a "read more"
    expander, which a script opens. Its text starts with a paragraph; the last text before it (past
    a button line or two: "Read more") is a paragraph beside it under its parent, in no boilerplate
    element that does not hold `idx` too; and its prose (`mine`) is at least HIDDEN_SHARE of the
    prose beside it (a notice a script shows under a story, "turn off your ad blocker", is short).
    """
    blocks, parents, ends = page.blocks, page.parents, page.ends
    end, parent = ends[idx], parents[idx]
    first = next((bi for bi, b in enumerate(blocks) if b.text and idx <= b.owner < end), -1)
    if first < 0 or parent < 0 or not is_prose(blocks[first]):
        return False
    bi, buttons = first - 1, 0
    while bi >= 0 and (not blocks[bi].text or (buttons < 2 and len(blocks[bi].text) < GOOD_MIN)):
        buttons += bool(blocks[bi].text)
        bi -= 1
    if bi < 0:
        return False
    prev = blocks[bi]
    if prev.heading or not parent <= prev.owner < ends[parent] or not is_prose(prev):
        return False
    if any(not j <= idx < ends[j] for j in prev.neg):
        return False
    beside = sum(
        b.size
        for b in blocks
        if parent <= b.owner < ends[parent]
        and not idx <= b.owner < end
        and all(j <= parent < ends[j] for j in b.neg)
        and is_prose(b)
    )
    return mine >= HIDDEN_SHARE * beside


def _section_heading(blocks: list[Block], bi: int, negs: set[int], cards: bytearray) -> bool:
    """Block `bi` is a heading left out by its own class word alone (`h2.subheader`, a recipe card's
    `h3.recipe-header`) over text of the story: a paragraph, or a list without links ("Ingredients"),
    follows it. It heads a section, not chrome."""
    b = blocks[bi]
    if b.link_len or cards[b.owner] or len(b.text) > 200:
        return False
    if b.size < 60 and DATED.search(b.text):  # a date line styled as a heading: the date's row
        return False
    if b.region and (b.region != "chrome" or b.region_idx != b.owner):  # chrome by its own word only
        return False
    if any(i in negs for i in b.neg if i != b.owner):
        return False
    x = block_near(blocks, bi, 1)
    if x is None or excluded(x, negs, cards) or x.heading:
        return False
    return is_prose(x) or (x.list_idx >= 0 and not x.link_len)


def _is_thread(page: Page, idx: int) -> bool:
    """Several dated posts under `idx`: a comment thread, not an article."""
    end = page.ends[idx]
    dated = sum(1 for t in page.times if idx <= t.idx < end)
    if dated >= THREAD_DATES:
        return True
    for b in page.blocks:
        if idx <= b.owner < end and len(b.text) < 150 and DATED.search(b.text):
            dated += 1
            if dated >= THREAD_DATES:
                return True
    return False
