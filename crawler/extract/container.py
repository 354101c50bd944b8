"""Which element holds the article: boilerplate that really is boilerplate, teaser lists, the container.

The container is the element maximising `good - ALPHA * bad` over its subtree, where good is the size
of prose-like blocks (long enough, few links, not boilerplate) and bad is link lists, boilerplate and
chrome. A class or id word ("sidebar", "comment", "widget") marks an element as boilerplate only as a
first guess: the evidence of the page decides (`effective_negatives`):

- share: an element, or all elements of one class together, holding most of the page's prose is the
  content; so is a class that wraps paragraph after paragraph (page builders wrap each in a
  "widget", some themes each in a "cta");
- position: the element where the article's text starts, right under the headline, holding most
  of the prose after it (a comment-classed one: more than all other elements together), is the
  article whatever its classes say ("commentary", "article.commented");
- a comment thread (several dated posts) or a comment form stays boilerplate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from crawler.extract.blocks import Block, Page
from crawler.extract.page import HIDDEN
from crawler.extract.text import word_runs
from crawler.extract.urls import host_of, site_of

ALPHA: Final = 1.0  # weight of bad text against good text when choosing the container
GOOD_MIN: Final = 40  # non-link size for a block to count as prose
VERSE_LINES: Final = 3  # lines of a stanza at least (see _verse_lines)
CANCEL_SHARE: Final = (
    0.7  # a boilerplate-classed element (or class) holding this share of the prose is content
)
AFTER_HEADLINE_SHARE: Final = 0.5  # ... or this share of the prose after the headline, where the text starts
NEUTRAL_WEIGHT: Final = 0.3  # short, link-free blocks (bylines, dates, captions) count a little as bad
TEASER_MAX: Final = 600  # characters of a teaser card (headline, date, excerpt)
OWN_PARTS_MAX: Final = 2  # lines linking below the page's own URL that are its parts (more: a section's list)
HEADLINE_LINKS: Final = 0.6  # share of a teaser headline's text in links to pages (not to places in a page)
CARD_SHARE: Final = 0.5  # share of a teaser list's text its cards hold (the rest: its heading, a "more" link)
SHOPS_MAX: Final = 2  # other sites a roundup's item cards link to (a deals post: Amazon, Walmart)
MIN_ARTICLE_GOOD: Final = 200  # prose size for the headline's <article> to be taken as the story
WRAPPERS, WRAPPER_PROSE, WRAPPER_SHARE = 3, 80, 0.3  # 3+ elements of a class, each with prose, 30%
THREAD_DATES: Final = 3  # dated blocks that make a comment-classed element a real thread
STRONG_MIN: Final = 300  # prose size for a comment-classed element to be the story (not a form's label)
# A container away from the headline loses to the one where the text under the headline sits when
# that one scores at least this share of it (a short story beside a long sidebar feature).
HEADLINE_SHARE: Final = 0.3
GROW_SHARE: Final = 0.25  # a parent adding this share of prose (and little else) joins the split blocks
GROW_RATIO: Final = 2.0
SLIDES_MIN: Final = 3  # captions holding more prose than the rest of the page: a slideshow's text
HIDDEN_SHARE: Final = 0.3  # prose of a hidden "read more" part against the visible prose beside it
LONE_RATIO: Final = (
    0.5  # ... for a lone paragraph chosen as the container: prose beside it outweighing loose lines
)

_PROSE_TAGS: Final = frozenset(
    ["p", "pre", "blockquote", "li", "dd", "td", "div", "section", "article", "main", "span", "font",
     "center",
     "body", "form"]
)  # fmt: skip
_TEASERS: Final = ("related", "recent")
_PAGE_TAGS: Final = frozenset(["body", "html"])
# (with the Devanagari danda, the Arabic question mark and the Urdu full stop)
_END_PUNCT: Final = tuple(".!?:;\"'”’»)…。！？」』।॥؟۔။")
SENTENCE_END: Final = tuple('.!?"”。！？」।॥؟۔။')
# Thai, Lao and Khmer end a sentence with a space, not a mark: a paragraph ends in a letter.
_UNPUNCTUATED: Final = re.compile(r"[\u0e00-\u0eff\u1780-\u17ff]$")
DATED: Final = re.compile(
    r"\b(?:19|20)\d\d\b|\b\d{1,2}:\d\d\b|\b\d+\s+(?:minutes?|hours?|days?|weeks?)\s+ago\b", re.I
)


@dataclass(slots=True)
class Headline:
    """Where the article starts: the headline block and the first substantial prose block after it."""

    block: int = -1  # index in Page.blocks of the headline (-1: none found)
    text_start: int = -1  # index of the first prose block under it that reads as article text


def norm(text: str) -> str:
    """Words of `text`, lower-cased, joined by single spaces (for comparing headings and titles)."""
    return " ".join(word_runs(text.lower()))


def says(text: str, normed: str) -> bool:
    """`text` is `normed` (a `norm`ed string) up to case and punctuation; lengths are compared first."""
    return bool(normed) and len(normed) <= len(text) <= 2 * len(normed) + 20 and norm(text) == normed


def _starts(title_norm: str, heading: str) -> bool:
    """The title begins with this heading, which makes most of it."""
    if len(heading) < 0.6 * len(title_norm) or len(heading) > len(title_norm) + 5:
        return False
    key = norm(heading)
    return bool(key) and title_norm.startswith(key) and len(key) >= 0.6 * len(title_norm)


def is_prose(b: Block) -> bool:
    """A block that reads like running text: long enough (or a sentence), few links, a text tag.

    A heading is not, unless it is a long sentence (list articles put each item's text in an <h2>).
    """
    n = len(b.text)
    if b.heading:
        return b.heading > 1 and b.size >= 80 and not b.link_len and b.text.endswith(SENTENCE_END)
    if b.size - b.link_len < GOOD_MIN and not (b.size >= 25 and b.text.endswith(_END_PUNCT)):
        return False
    return b.link_len <= (0.35 * n if n < 150 else 0.6 * n) and b.tag in _PROSE_TAGS


def _verse_lines(blocks: list[Block]) -> set[int]:
    """Indexes of the lines of stanzas: VERSE_LINES or more lines in a row of one element, which
    `<br>`s split, not all prose on their own, none a heading or a link line, that together read
    as a paragraph (a poem's, a song's): twice GOOD_MIN characters, the last line ending as a
    sentence or a clause does."""
    out: set[int] = set()
    n, start = len(blocks), 0
    while start < n - VERSE_LINES + 1:
        owner = blocks[start].owner
        if blocks[start + VERSE_LINES - 1].owner != owner:  # (most blocks: no run of lines here)
            start += 1
            continue
        stop = start + 1
        while stop < n and blocks[stop].owner == owner:
            stop += 1
        run = [i for i in range(start, stop) if blocks[i].text]
        start = stop
        if len(run) < VERSE_LINES:
            continue
        lines = [blocks[i] for i in run]
        if all(map(is_prose, lines)):
            continue  # (counted as prose already)
        if any(b.heading or b.link_len or b.tag not in _PROSE_TAGS for b in lines):
            continue
        if lines[-1].text.endswith((*_END_PUNCT, ",")) and sum(b.size for b in lines) >= 2 * GOOD_MIN:
            out.update(run)
    return out


def _cited_sentences(page: Page) -> set[int]:
    """Indexes of blocks that read as sentences (ten words or more, ending as a sentence does),
    though most of their text is in links, when every link leads to another site: a blog's
    paragraph quoting its sources by their linked titles. A list of teasers links to this site, and
    a line of another site's headlines is all links."""
    site = site_of(page.host) if page.host else ""
    if not site:
        return set()
    blocks = page.blocks
    citing: dict[int, bool] = {}  # block -> a sentence whose links so far all lead to other sites
    for a in page.anchors:
        bi = a.block
        ok = citing.get(bi)
        if ok is None:
            ok = citing[bi] = bi >= 0 and _citing_shape(blocks[bi])
        if ok and site_of(host_of(a.url)) in ("", site):
            citing[bi] = False
    return {bi for bi, ok in citing.items() if ok}


def _citing_shape(b: Block) -> bool:
    """A block of ten words or more ending as a sentence does, too much of it in links to be prose,
    with a clause of its own outside them."""
    text = b.text
    if not text.endswith(SENTENCE_END) or b.heading or b.tag not in _PROSE_TAGS:
        return False
    return b.link_len < len(text) - GOOD_MIN // 2 and text.count(" ") >= 9 and not is_prose(b)


def excluded(b: Block, negs: set[int], cards: bytearray) -> bool:
    """Inside a boilerplate element, a related/recent list or a teaser card.

    A list opened by a class word ("related", "latest") is one only while that element still counts
    as boilerplate (`negs`); one opened by a heading ("More stories") was confirmed by its links.
    """
    if b.region in _TEASERS and (b.region_idx in negs or b.region_idx not in b.neg):
        return True
    return cards[b.owner] == 1 or (bool(b.neg) and any(i in negs for i in b.neg))


def find_headline(page: Page, title_norm: str, cards: bytearray) -> Headline:
    """The headline (the first heading saying the title, else the first h1) and where the text starts."""
    blocks = page.blocks
    at = -1
    if title_norm:
        at = next((i for i, b in enumerate(blocks) if b.heading and says(b.text, title_norm)), -1)
        if at < 0:  # "Headline:Site" titles whose site part was not split off
            starts = (i for i, b in enumerate(blocks[:400]) if b.heading and _starts(title_norm, b.text))
            at = next(starts, -1)
    if at < 0 and page.h1:
        at = page.h1[0]
    if at < 0:
        return Headline()
    for i in range(at + 1, min(len(blocks), at + 400)):
        b = blocks[i]
        if b.region in _TEASERS or cards[b.owner] or b.figure or not is_prose(b):
            continue
        if meta_line(b.text, b.size, b.link_len):
            continue
        if opens_text(b.text, b.size, b.link_len) or _run_of_sentences(page, i):
            return Headline(at, i)
    return Headline(at, -1)


def live_entries(
    page: Page, title_norm: str, cards: bytearray, headline: Headline
) -> tuple[bytearray, Headline]:
    """`cards` and `headline`, or, when cards hold all the text under the headline, the cards of
    lines leading to other pages only, with the text they leave free: a live blog's entries, each
    headed by in-page links ("Link to this post"), are the story, not teasers. (A comment thread under
    a story leaves the story's text outside it; a listing's teasers link to other pages.)"""
    if headline.block < 0 or headline.text_start >= 0 or 1 not in cards:
        return cards, headline
    own = teaser_cards(page, in_page=False)
    found = find_headline(page, title_norm, own)
    if found.text_start >= 0 and cards[page.blocks[found.text_start].owner]:
        return own, found
    return cards, headline


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


def _run_of_sentences(page: Page, bi: int) -> bool:
    """Block `bi` opens a run of three short paragraphs of one element, each a sentence: a brief's
    text (and CJK news, whose paragraphs are a sentence or two), not a caption or a credit line."""
    blocks, parents = page.blocks, page.parents
    parent = parents[blocks[bi].owner]
    run = [b for b in blocks[bi : bi + 3] if b.text]
    return len(run) == 3 and all(
        parents[b.owner] == parent
        and is_prose(b)
        and not b.link_len
        and (b.text.endswith(SENTENCE_END) or _UNPUNCTUATED.search(b.text))
        for b in run
    )


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


def block_near(blocks: list[Block], bi: int, step: int) -> Block | None:
    """The nearest block with text before (`step` -1) or after (+1) block `bi`."""
    i = bi + step
    while 0 <= i < len(blocks) and not blocks[i].text:
        i += step
    return blocks[i] if 0 <= i < len(blocks) else None


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


def teaser_cards(page: Page, in_page: bool = True) -> bytearray:
    """Mark (by element idx) the cards of teaser lists: "More from us" grids, story rails.

    A card is a small subtree (under TEASER_MAX characters) holding a headline link; a parent with at
    least three such children is a teaser list, however its classes are named. A card that is only
    its link line is one when the cards hold CARD_SHARE of their parent's text: among an article's
    paragraphs, such lines are lines of the text (a gift guide's linked product headings, a meal
    plan's linked product names), while a headline with its date or excerpt is still a card (the
    video teasers a story embeds). Returns a flag per element idx, set for every element inside a card.
    `in_page`: a line whose links mostly point to places in the page (`#fragment` links: "Link to this
    post", "12 comments") heads a card too (see `live_entries`). Cards whose headlines all link to
    one or two other sites are a roundup's items at their shops (see `_shop_items`), not teasers.
    """
    n = len(page.elements)
    flags = bytearray(n)
    headlines = [
        (bi, b.owner, len(b.text))
        for bi, b in enumerate(page.blocks)
        if b.link_len >= 0.8 * len(b.text) and len(b.text) >= 20 and b.text.count(" ") >= 2 and not b.neg
    ]
    if len(headlines) < 3:
        return flags
    own = _own_part_lines(page)
    if own:
        headlines = [h for h in headlines if h[0] not in own]
    if not in_page:  # only lines whose links mostly lead to pages (`#fragment` links make no anchor)
        leading: dict[int, int] = {}  # block -> characters of its links to pages
        for a in page.anchors:
            leading[a.block] = leading.get(a.block, 0) + len(a.text)
        headlines = [h for h in headlines if leading.get(h[0], 0) >= HEADLINE_LINKS * h[2]]
    parents = page.parents
    children: dict[int, dict[int, int]] = {}  # parent -> {child on the way to a headline: its length}
    for _, owner, length in headlines:
        child, p = owner, parents[owner]
        for _ in range(12):  # cards sit a few levels below their list
            if p < 0:
                break
            children.setdefault(p, {})[child] = length
            child, p = p, parents[p]
    sizes: list[int] | None = None
    links: dict[int, list[str]] | None = None  # block -> the URLs it links to (read when needed)
    h1_owners = {page.blocks[i].owner for i in page.h1}
    for parent, items in children.items():
        if len(items) < 3:
            continue
        if sizes is None:
            sizes = _subtree_text(page)
        cards = [
            i for i in items if sizes[i] <= TEASER_MAX and not any(i <= h < page.ends[i] for h in h1_owners)
        ]
        if len(cards) < 3:
            continue
        if links is None:
            links = _block_links(page)
        if _shop_items(page, cards, headlines, links):
            continue
        if sum(sizes[i] for i in cards) < CARD_SHARE * sizes[parent]:
            cards = [i for i in cards if sizes[i] > items[i]]  # lines of the text are no cards
        for i in cards:
            flags[i : page.ends[i]] = b"\x01" * (page.ends[i] - i)
    return flags


def _block_links(page: Page) -> dict[int, list[str]]:
    """The URLs each block links to, by block index."""
    out: dict[int, list[str]] = {}
    for a in page.anchors:
        if a.block >= 0:
            out.setdefault(a.block, []).append(a.url)
    return out


def _shop_items(
    page: Page, cards: list[int], headlines: list[tuple[int, int, int]], links: dict[int, list[str]]
) -> bool:
    """The `cards` are a roundup's items, not teasers: every headline in them links to one or two
    sites other than this page's (the shops a deals post or a gift guide sends its readers to:
    "Get it on Amazon for $39.99", "Also at Walmart"). A teaser list links to the site's own
    stories; a network's sponsored rail to many sites (or sits in an ad box, left out anyway)."""
    own = site_of(page.host) if page.host else ""
    if not own:
        return False
    ends = page.ends
    lo, hi = min(cards), max(ends[i] for i in cards)
    found: set[str] = set()
    for bi, owner, _ in headlines:
        if lo <= owner < hi and any(i <= owner < ends[i] for i in cards):
            for url in links.get(bi) or ("",):
                found.add(site_of(host_of(url)) if url else "")
            if len(found) > SHOPS_MAX or own in found or "" in found:
                return False
    return bool(found)


def _own_part_lines(page: Page) -> set[int]:
    """Blocks whose links all lead below this page's own URL (`.../27/transcript/`, `.../story/2`):
    the story's links to its own parts (a transcript, the next page), no teaser's headline. A page
    with more than OWN_PARTS_MAX such lines is a section's front, listing the pages filed under it."""
    here = page.url.split("#", 1)[0].split("?", 1)[0]
    if not here:
        return set()
    here = here if here.endswith("/") else here + "/"
    below: dict[int, bool] = {}  # block -> all its links lead below `here`
    for a in page.anchors:
        if a.block >= 0:
            below[a.block] = below.get(a.block, True) and a.url.startswith(here) and len(a.url) > len(here)
    own = {bi for bi, ok in below.items() if ok}
    return own if len(own) <= OWN_PARTS_MAX else set()


def _subtree_text(page: Page) -> list[int]:
    """Characters of block text under each element."""
    n = len(page.elements)
    size = [0] * n
    for b in page.blocks:
        size[b.owner] += len(b.text)
    parents = page.parents
    for i in range(n - 1, 0, -1):
        if parents[i] >= 0:
            size[parents[i]] += size[i]
    return size


def choose_container(
    page: Page,
    negs: set[int],
    cards: bytearray,
    title: str | None,
    headline: Headline,
    article_body: str | None = None,
) -> tuple[int, int, bool]:
    """(idx, prose size, captions are text) of the element whose subtree is most article-like;
    (-1, 0, False) if none.

    Paragraphs the page's JSON-LD `article_body` also holds count twice: the publisher says they
    are the story. It is a check, not a copy: what it lacks still counts once, and the container
    narrows to the part it declares only when it declares a whole story (see `_narrow_to_declared`).
    Picture captions are not text, unless they hold more prose than all the rest of the page, in
    SLIDES_MIN captions at least: a slideshow, whose slides tell the story (the third value).
    """
    declared = norm(article_body) if isinstance(article_body, str) and len(article_body) > 200 else ""
    n = len(page.elements)
    prose = [0.0] * n
    marked = [0.0] * n  # prose the articleBody declares
    bad = [0.0] * n  # everything against: link lists, boilerplate, chrome
    loud = [0.0] * n  # the part of `bad` that is not a link-free notice dropped from the text
    prose_size = captions_size = 0
    # (owner, size, weight as a loose line, `_declared_end`) of captions' prose: text (a slideshow's)
    # or not, known once all is counted
    captions: list[tuple[int, int, float, int]] = []
    declared_at: list[int] = []  # `_declared_end` of each declared paragraph
    # lines too short, or too linked, to be prose alone, that are text: a poem's, a roundup's
    lines_of_text = _verse_lines(page.blocks) | _cited_sentences(page)
    for bi, b in enumerate(page.blocks):
        size = b.size
        if not size:
            continue
        links = b.link_len > 0.5 * len(b.text)
        if excluded(b, negs, cards):
            bad[b.owner] += size
            if links:
                loud[b.owner] += size
        elif is_prose(b) or bi in lines_of_text:
            mine = _declared_end(b.text, declared) if declared else 0
            if b.figure:
                captions.append((b.owner, size, size if links else NEUTRAL_WEIGHT * size, mine))
                captions_size += size
                continue
            prose[b.owner] += size
            prose_size += size
            if mine:
                marked[b.owner] += size
                declared_at.append(mine)
        else:
            weight = size if links else NEUTRAL_WEIGHT * size
            bad[b.owner] += weight
            loud[b.owner] += weight
    slides = len(captions) >= SLIDES_MIN and captions_size > prose_size
    for owner, size, weight, mine in captions:
        if slides:
            prose[owner] += size
            if mine:
                marked[owner] += size
                declared_at.append(mine)
        else:
            bad[owner] += weight
            loud[owner] += weight
    if not prose_size and not slides:
        return -1, 0, False
    parents = page.parents
    for i in range(n - 1, 0, -1):
        p = parents[i]
        if p >= 0:
            prose[p] += prose[i]
            marked[p] += marked[i]
            bad[p] += bad[i]
            loud[p] += loud[i]
    good = [a + b for a, b in zip(prose, marked, strict=True)] if declared else prose
    best = _best_in(good, bad, 0, n)
    if best < 0:
        return -1, 0, False
    best = _grow(page, good, loud, best)
    best = _under_headline(page, good, bad, best, headline)
    inner = _headline_article(page, best, title)
    if inner >= 0 and good[inner] >= MIN_ARTICLE_GOOD:
        best = _best_in(good, bad, inner, page.ends[inner])
    if len(declared_at) >= 2 and 2 in declared_at:  # a whole story, not a summary or a truncated copy
        best = _narrow_to_declared(page, prose, marked, best)
    return best, int(prose[best]), slides


def _declared_end(text: str, declared: str) -> int:
    """2 when the paragraph's opening words are in the (`norm`ed) JSON-LD articleBody and that
    ends where the paragraph ends, 1 when only the first holds, 0 when the paragraph is not in it."""
    key = norm(text[:120]).rsplit(" ", 1)[0]  # whole words only
    if len(key) < 20 or key not in declared:
        return 0
    return 2 if declared.endswith(norm(text)[-60:]) else 1


def _narrow_to_declared(page: Page, prose: list[float], marked: list[float], best: int) -> int:
    """The part of `best` holding the paragraphs a whole JSON-LD articleBody declares, when the
    rest of `best` is a good share of other prose (a feature beside the story in one wrapper)."""
    parents, ends = page.parents, page.ends
    cur, most = best, 0.9 * marked[best]
    while marked[cur]:
        child = next((c for c in range(cur + 1, ends[cur]) if parents[c] == cur and marked[c] >= most), -1)
        if child < 0:
            break
        cur = child
    if cur != best and prose[best] - prose[cur] >= GROW_SHARE * prose[best]:
        return cur
    return best


def _grow(page: Page, good: list[float], loud: list[float], best: int) -> int:
    """The container's ancestor that also holds the rest of a story split across sibling blocks.

    Going up a level is worth it when it adds at least GROW_SHARE more prose and the prose added
    outweighs GROW_RATIO times the link lists and loose lines it brings in; from a lone `<p>` (no
    story's container), any prose outweighing LONE_RATIO times them. Notices the text leaves
    out anyway (consent placeholders for embedded media, captions, newsletter boxes) are not held
    against it: they are what splits the story into blocks.
    """
    parents, tags = page.parents, page.tags
    cur = best
    while (p := parents[cur]) >= 0 and tags[p] not in _PAGE_TAGS:
        more = good[p] - good[cur]
        lone = tags[cur] == "p"  # one paragraph is no story's container: prose beside it joins
        if (more < GROW_SHARE * good[cur] and not lone) or more < (LONE_RATIO if lone else GROW_RATIO) * (
            loud[p] - loud[cur]
        ):
            break
        cur = p
    return cur


def _best_in(good: list[float], bad: list[float], lo: int, hi: int) -> int:
    """Index in [lo, hi) maximising good - ALPHA * bad (ties: the one with more good text)."""
    best, best_score = -1, 0.0
    for i in range(lo, hi):
        score = good[i] - ALPHA * bad[i]
        if score > best_score or (score == best_score and best >= 0 and good[i] >= good[best]):
            best, best_score = i, score
    return best


def _under_headline(page: Page, good: list[float], bad: list[float], best: int, headline: Headline) -> int:
    """`best`, or the container of the text under the headline when `best` lies elsewhere on the page
    (a sidebar feature longer than a short story), that one scores at least HEADLINE_SHARE of it, and
    headline and text share an ancestor that does not hold `best`."""
    if headline.text_start < 0:
        return best
    owner = page.blocks[headline.text_start].owner
    if best <= owner < page.ends[best]:
        return best
    parents = page.parents
    head = page.blocks[headline.block].owner
    candidate, score, with_headline = -1, 0.0, False
    i = owner
    while i >= 0 and not i <= best < page.ends[i]:  # ancestors of the text not holding `best`
        s = good[i] - ALPHA * bad[i]
        if s > score:
            candidate, score = i, s
        with_headline = with_headline or i <= head < page.ends[i]
        i = parents[i]
    # `i` holds both: below the headline, it is the story running from where the text starts to
    # `best` (lists of links inside it made a lower part score higher), if that part is more than
    # a summary or a caption
    if (
        i >= 0
        and not i <= head < page.ends[i]
        and page.tags[i] not in _PAGE_TAGS
        and good[i] - good[best] >= GROW_SHARE * good[best]
    ):
        return i
    # only when headline and text sit together apart from `best` (not a caption between them and it)
    if with_headline and candidate >= 0 and score >= HEADLINE_SHARE * (good[best] - ALPHA * bad[best]):
        return candidate
    return best


def _headline_article(page: Page, start: int, title: str | None) -> int:
    """Of several <article>s in the container (the story, teaser cards), the one with the headline."""
    end = page.ends[start]
    inner = [i for i in page.article_tags if start < i < end]
    if len(inner) < 2 or not title:
        return -1
    key = norm(title)
    for b in page.blocks:  # the first heading (of any level) saying the title
        if b.heading and start <= b.owner < end and says(b.text, key):
            holders = [i for i in inner if i <= b.owner < page.ends[i]]
            return holders[-1] if holders else -1
    return -1
