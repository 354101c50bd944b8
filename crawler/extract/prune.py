"""The filters that prune the blocks the body's walk kept, in the order `body.extract_body` applies
them: calls to action outside the story's flow and their fine print, byline and publication lines
at the text's edges, pull quotes, a widget's runs of alike lines (a slideshow's titles, its pager),
a closing teaser list, and the headings of link lists and of sections left out whole.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Final

from crawler.extract.blocks import Block, Page
from crawler.extract.classes import heading_region
from crawler.extract.dates import parse_text
from crawler.extract.prose import SENTENCE_END, block_near, is_prose, norm
from crawler.extract.wording import NEWSLETTER

_META_WORDS: Final = re.compile(
    r"\b(?:by|posted|published|updated|publicado|publié|por|par|von|category|categoria|catégorie|tags?|"
    r"min(?:ute)?s? read|comments?|aktualisiert|veröffentlicht|actualizado|atualizado|aggiornato|"
    r"mis à jour|quelle|source|fonte|fuente)\b",
    re.I,
)
# A label over a list: words, maybe a colon (no figure: "-5.44%", "2,640円" are a table's or a shop's).
_LABEL: Final = re.compile(r"^[^\W\d_]+(?:[ -][^\W\d_]+)*\s*:?$")
_LETTER_OR_DIGIT: Final = re.compile(r"[^\W_]")
_YEAR: Final = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
FINE_PRINT_MAX: Final = 2  # short blocks after a closing call to action that are its box's fine print
WIDGET_RUN: Final = 3  # alike short lines in a row that are a widget's (a slideshow's titles, its pager)


def is_in_flow(page: Page, kept: list[int], worded: set[int], bi: int) -> bool:
    """The line `bi` is the story's own: an item of a list whose neighbouring item the text keeps (a
    how-to's steps), or, with at least two of the story's paragraphs still to come, a heading over
    the paragraph right under it or a sentence between two kept paragraphs of the same element. A
    call to action sits in a box of its own (a sign-up form, a button) or after the story's last
    paragraphs, with no kept text of its kind right beside it."""
    blocks, parents = page.blocks, page.parents
    b = blocks[bi]
    own = {id(blocks[i]) for i in kept if i not in worded}
    near = [
        x for x in (block_near(blocks, bi, -1), block_near(blocks, bi, 1)) if x is not None and id(x) in own
    ]
    if b.list_idx >= 0:
        return any(x.list_idx == b.list_idx for x in near)
    if sum(1 for i in kept if i > bi and i not in worded and is_prose(blocks[i])) < 2:
        return False
    parent = parents[b.owner]
    beside = [x for x in near if parent in (x.owner, parents[x.owner]) and not x.heading]
    if b.heading:
        return any(x is block_near(blocks, bi, 1) and is_prose(x) for x in beside)
    return len(beside) == 2 and b.text.endswith(SENTENCE_END)


def without_fine_print(page: Page, kept: list[int], cta: int) -> list[int]:
    """`kept` without what follows the call to action `cta` (a block left out, -1: none) at the end
    of the text, after two of the story's paragraphs at least, when that is at most FINE_PRINT_MAX
    short blocks beside it under its parent, each a line of no prose or one speaking of the sign-up
    too: the box's fine print ("We never sell your address. You can leave the newsletter at any
    time"), too long for a label. A paragraph of the story's own after a prompt stays."""
    if cta < 0:
        return kept
    blocks, parents = page.blocks, page.parents
    at = bisect_right(kept, cta)
    after = [i for i in kept[at:] if blocks[i].text]
    if not after or len(after) > FINE_PRINT_MAX or sum(is_prose(blocks[i]) for i in kept[:at]) < 2:
        return kept
    parent = parents[blocks[cta].owner]
    for i in after:
        b = blocks[i]
        if len(b.text) > 300 or parents[b.owner] != parent:
            return kept
        if is_prose(b) and not NEWSLETTER.search(b.text):
            return kept
    return kept[:at]


def drop_meta_lines(blocks: list[Block], kept: list[int]) -> list[int]:
    """Drop byline/dateline rows at the top of the text ("05/10/2018 - Posted by: X - Category: Y",
    or a bare timestamp opening it: "segunda-feira, 22 de janeiro de 2018 às 0:13") and publication
    lines at its end ("First published on Nov 20, 2019 01:38 pm", or a date alone closing it).
    A bare date between other lines is the story's (a product's code, its release date, its text)."""
    drop = set()
    for run in (kept[:3], kept[:-4:-1]):
        edge = True  # the first line from this end: where a bare date is a dateline (not a product's)
        for i in run:
            b = blocks[i]
            text = b.text
            if len(text) >= 200:
                break
            if text and (_META_WORDS.search(text) or (edge and _bare_date(b))) and parse_text(text):
                drop.add(i)
            edge = edge and not text
    return [i for i in kept if i not in drop] if drop else kept


def _bare_date(b: Block) -> bool:
    """A short line of a few words, no heading, link, quote or sentence, that may be a date alone (its
    weekday, day, month, year and time: the caller parses it). Two years make a period (an
    exhibition's "29 November 2018 | 20 January 2019"), the story's matter."""
    text = b.text
    if b.heading or b.link_len or b.quote_idx >= 0:  # (a quoted post's signature: its author, a dated link)
        return False
    if len(text) >= 60 or text.count(" ") >= 8 or text.endswith(SENTENCE_END):
        return False
    return len(_YEAR.findall(text)) < 2


def drop_repeats(blocks: list[Block], kept: list[int]) -> list[int]:
    """Drop pull quotes: short blocks whose words appear again, in order, inside another kept block."""
    if len(kept) < 3:
        return kept
    norms = {i: norm(blocks[i].text) for i in kept if blocks[i].text}
    joined = "\n".join(norms.values())
    copies: dict[str, int] = {}  # (a plain dict: a Counter costs more than this whole count)
    for normed in norms.values():
        copies[normed] = copies.get(normed, 0) + 1
    out = []
    for i in kept:
        own = norms.get(i)
        # more occurrences in the joined text than identical blocks: it is inside another block
        # (a pull quote repeats a sentence: a short label such as "Containers: 1 Purple" inside a
        # longer line is a list of ingredients or specs, not a copy)
        quoted = blocks[i].quote_idx >= 0
        if (
            own
            and len(own) > (20 if quoted else 50)
            and (quoted or len(own) < 300)
            and joined.count(own) > copies[own]
        ):
            continue
        out.append(i)
    return out


def without_widget_runs(blocks: list[Block], kept: list[int]) -> list[int]:
    """`kept` without runs of WIDGET_RUN or more short lines in a row that are one line again and
    again (a slideshow's title over each slide) or count up ("1", "2", "3": its pager, with its
    arrows), outside tables. A story's repeated line (the question put to each interviewee) has
    its answers between; a table's figures are its cells'."""
    out: list[int] = []
    run: list[int] = []  # the current run of alike lines
    for i in [*kept, -1]:
        b = blocks[i] if i >= 0 else None
        if b is not None and not b.text:  # (a picture between lines breaks no run)
            out.append(i)
            continue
        line = b is not None and len(b.text) < 80 and b.tag not in ("td", "th", "pre")
        if run and line and b is not None and _alike(blocks[run[-1]].text, b.text):
            run.append(i)
            continue
        if len(run) < WIDGET_RUN:
            out.extend(run)
        run = [i] if line else []
        if b is not None and not line:
            out.append(i)
    return sorted(out)


def _alike(before: str, text: str) -> bool:
    """Lines of one widget in a row: the same text, the next number, or arrows ("<<", ">")."""
    if text == before:
        return True
    if before.isdigit() and text.isdigit():
        return int(text) == int(before) + 1
    arrows = [not _LETTER_OR_DIGIT.search(t) for t in (before, text)]
    return all(arrows) or (any(arrows) and (before.isdigit() or text.isdigit()))


def cut_trailing_teasers(blocks: list[Block], kept: list[int]) -> list[int]:
    """Cut a closing "More great stories" line and the teaser list under it (styled as plain text,
    so the walk did not see a heading open a teaser region)."""
    for j in range(len(kept) - 1, max(len(kept) - 12, 2), -1):
        b = blocks[kept[j]]
        if heading_region(b.text):
            tail = [blocks[i] for i in kept[j + 1 :]]
            if all(t.list_idx >= 0 or t.link_len or len(t.text) < 100 for t in tail):
                return kept[:j]
            break
    return kept


def without_link_list_headings(blocks: list[Block], kept: list[int], start: int, end: int) -> list[int]:
    """`kept` without the headings of link lists left out ("Story Tools" over e-mail and print
    links, "More on this" over headlines): the container's next text after such a heading is a
    dropped list item of links, so the heading heads no text of the story. A label styled as plain
    text ("Tags", "Topics:", "Leggi anche") over a dropped line of several links is one too."""
    keep = set(kept)
    out = []
    for i in kept:
        b = blocks[i]
        text = b.text
        label = not b.heading and len(text) <= 30 and text.count(" ") <= 2 and _LABEL.match(text) is not None
        if (b.heading or label) and text and start <= b.owner < end and not is_prose(b):
            nxt = _next_inside(blocks, i, start, end)
            after = blocks[nxt] if nxt >= 0 else None
            if (
                after
                and nxt not in keep
                and after.link_len > 0.5 * len(after.text)
                and (after.list_idx >= 0 or (label and _links_in(after) >= 2))
            ):
                continue
        out.append(i)
    return out


def _links_in(b: Block) -> int:
    """How many links to pages block `b` holds."""
    return sum(1 for p in b.parts if p.__class__ is tuple and p[0].startswith("<a "))


def without_empty_sections(blocks: list[Block], kept: list[int], start: int, end: int) -> list[int]:
    """`kept` without the headings of sections whose every block the text leaves out ("Browse
    Issues" over a link to the archive, then the next box's heading): up to the container's next
    heading of the same level or higher, nothing under them is kept. (A heading over a subsection's
    heading heads that subsection: a chapter's title over its first section.)"""
    keep = set(kept)
    drop = set()
    for i in kept:
        b = blocks[i]
        if not b.heading or not b.text:
            continue
        for j in range(i + 1, len(blocks)):
            x = blocks[j]
            if not start <= x.owner < end:
                if x.owner >= end:
                    break
                continue
            if j in keep and (x.text or x.images):
                break
            if x.heading and x.text and x.heading <= b.heading:
                drop.add(i)
                break
    return [i for i in kept if i not in drop] if drop else kept


def heading_over_dropped(blocks: list[Block], bi: int, start: int, end: int) -> bool:
    """`bi` is a heading and text follows it in the container (all of it left out)."""
    return bool(blocks[bi].heading) and _next_inside(blocks, bi, start, end) >= 0


def _next_inside(blocks: list[Block], bi: int, start: int, end: int) -> int:
    """The first block with text in the container [start, end) among the 29 after block `bi` (-1 if none)."""
    ahead = range(bi + 1, min(bi + 30, len(blocks)))
    return next((j for j in ahead if blocks[j].text and start <= blocks[j].owner < end), -1)
