"""Lines that are the story's text though not prose on their own (`is_prose`): too short, or too linked.

A poem's or a song's stanzas, lines a `<br>` splits (`_verse_lines`), and a blog's sentences quoting
its sources by their linked titles (`_cited_sentences`). The container choice counts them as prose.
"""

from __future__ import annotations

from typing import Final

from crawler.extract.blocks import Block, Page
from crawler.extract.prose import END_PUNCT, GOOD_MIN, PROSE_TAGS, SENTENCE_END, is_prose
from crawler.extract.urls import host_of, site_of

VERSE_LINES: Final = 3  # lines of a stanza at least (see _verse_lines)


def lines_of_text(page: Page) -> set[int]:
    """Indexes of the blocks that are lines of the story's text though not prose alone."""
    return _verse_lines(page.blocks) | _cited_sentences(page)


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
        if any(b.heading or b.link_len or b.tag not in PROSE_TAGS for b in lines):
            continue
        if lines[-1].text.endswith((*END_PUNCT, ",")) and sum(b.size for b in lines) >= 2 * GOOD_MIN:
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
    if not text.endswith(SENTENCE_END) or b.heading or b.tag not in PROSE_TAGS:
        return False
    return b.link_len < len(text) - GOOD_MIN // 2 and text.count(" ") >= 9 and not is_prose(b)
