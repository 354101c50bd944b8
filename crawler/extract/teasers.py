"""Teaser lists, found by their shape whatever their classes say: "More from us" grids, story rails.

A live blog's entries are shaped as cards too, but they hold the story (`live_entries`); a roundup's
items at their shops are no teasers either (`_shop_items`).
"""

from __future__ import annotations

from typing import Final

from crawler.extract.blocks import Page
from crawler.extract.headline import Headline, find_headline
from crawler.extract.urls import host_of, site_of

TEASER_MAX: Final = 600  # characters of a teaser card (headline, date, excerpt)
OWN_PARTS_MAX: Final = 2  # lines linking below the page's own URL that are its parts (more: a section's list)
HEADLINE_LINKS: Final = 0.6  # share of a teaser headline's text in links to pages (not to places in a page)
CARD_SHARE: Final = 0.5  # share of a teaser list's text its cards hold (the rest: its heading, a "more" link)
SHOPS_MAX: Final = 2  # other sites a roundup's item cards link to (a deals post: Amazon, Walmart)


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
