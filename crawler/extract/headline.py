"""Where the article starts: the headline, and the first block under it that reads as the story's text.

The headline is the first heading saying the page's title, else the first h1; the text starts at the
first prose block under it that is no meta line (a kicker, a byline, a dateline) and opens a paragraph
or a run of sentences. The boilerplate evidence (`negatives.py`) and the container choice
(`container.py`) weigh what sits there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from crawler.extract.blocks import Page
from crawler.extract.prose import SENTENCE_END, TEASER_REGIONS, is_prose, meta_line, norm, opens_text, says

# Thai, Lao and Khmer end a sentence with a space, not a mark: a paragraph ends in a letter.
_UNPUNCTUATED: Final = re.compile(r"[\u0e00-\u0eff\u1780-\u17ff]$")


@dataclass(slots=True)
class Headline:
    """Where the article starts: the headline block and the first substantial prose block after it."""

    block: int = -1  # index in Page.blocks of the headline (-1: none found)
    text_start: int = -1  # index of the first prose block under it that reads as article text


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
        if b.region in TEASER_REGIONS or cards[b.owner] or b.figure or not is_prose(b):
            continue
        if meta_line(b.text, b.size, b.link_len):
            continue
        if opens_text(b.text, b.size, b.link_len) or _run_of_sentences(page, i):
            return Headline(at, i)
    return Headline(at, -1)


def _starts(title_norm: str, heading: str) -> bool:
    """The title begins with this heading, which makes most of it."""
    if len(heading) < 0.6 * len(title_norm) or len(heading) > len(title_norm) + 5:
        return False
    key = norm(heading)
    return bool(key) and title_norm.startswith(key) and len(key) >= 0.6 * len(title_norm)


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
