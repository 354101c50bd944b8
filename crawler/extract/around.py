"""What joins the container's text from around it: the story's sibling parts (`sibling_parts`), the
summary paragraph just before it or under the headline (`standfirst_before`, `headline_standfirst`;
`without_header_dek` drops one inside it that repeats the page's description), and the story's
opening or closing paragraphs a box cuts off from it (`opening_split_off`, `closing_split_off`).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Final

from crawler.extract.blocks import Block, Page
from crawler.extract.prose import SENTENCE_END, excluded, is_prose, norm, opens_text, says
from crawler.extract.text import text_size
from crawler.extract.wording import is_boilerplate_line

# The summary paragraph over a story: `p.standfirst`, `div.article-summary`, `.dek`, `.lede`, `.intro`,
# WordPress' `.entry-summary`/`.excerpt` (kept only just before the container, see `standfirst_before`).
_STANDFIRST: Final = re.compile(r"summary|standfirst|intro|lead|lede|\bdek\b|subhead|excerpt|abstract")
# Where one sentence ends and another starts ("... gut. Viel ...", "...だ。次に").
_SENTENCE_BREAK: Final = re.compile(r"[.!?।؟][\"'”’»)]*\s+\S|[。！？]\s*\S")
OPENING_MAX: Final = 3  # paragraphs of a story's opening (or closing) a box may split off from the rest
CLOSING_REACH: Final = 30  # blocks after the container where its closing paragraphs may resume


def sibling_parts(page: Page, start: int, negs: set[int], cards: bytearray) -> tuple[int, int]:
    """The container `start` as [start, end), or, when the story is cut into sibling parts of one
    kind (the same tag and class: `div.article-description` twice, the second after a link to the
    transcript), the run of those parts: each holds prose, and nothing but left-out blocks (see
    `_left_out`) sits between two of them. A part that holds a linked heading or an `<h1>` is
    another post (a blog's front page shows its posts whole), not a part of this one."""
    parents, ends, tags, classes = page.parents, page.ends, page.tags, page.classes
    i = start
    while i >= 0 and tags[i] not in ("body", "html") and not _has_twin(page, i):
        i = parents[i]
    if i < 0 or tags[i] in ("body", "html"):  # (no element around the container has one: no parts)
        return start, ends[start]
    text = [b.owner for b in page.blocks if is_prose(b) and not _left_out(b, negs, cards)]
    part = start  # the part: the container, or the wrapper holding its prose and no other
    while (p := parents[part]) >= 0 and all(not p <= o < ends[p] or part <= o < ends[part] for o in text):
        part = p
    parent, kind = parents[part], (tags[part], classes[part])
    if parent < 0 or not kind[1] or kind[0] in ("article", "body", "html"):
        return start, ends[start]
    siblings = page.children(parent)
    held: list[list[Block]] = [[] for _ in siblings]  # the blocks of each sibling
    for b in page.blocks:
        if parent < b.owner < ends[parent]:
            held[bisect_right(siblings, b.owner) - 1].append(b)
    at = siblings.index(part)
    first, last = at, at
    for step in (-1, 1):
        k = at + step
        while 0 <= k < len(siblings):
            inside = held[k]
            if (tags[siblings[k]], classes[siblings[k]]) == kind and any(
                is_prose(b) and not _left_out(b, negs, cards) for b in inside
            ):
                if any(b.heading == 1 or (b.heading and b.link_len) for b in inside):
                    break
                first, last = min(first, k), max(last, k)
            elif not all(not b.text or _left_out(b, negs, cards) for b in inside):
                break
            k += step
    return (siblings[first], ends[siblings[last]]) if first < last else (start, ends[start])


def _has_twin(page: Page, idx: int) -> bool:
    """Element `idx` has a class, and a sibling of its tag and class."""
    parent, tags, classes = page.parents[idx], page.tags, page.classes
    tag, cls = tags[idx], classes[idx]
    if parent < 0 or not cls:
        return False
    return any(c != idx and tags[c] == tag and classes[c] == cls for c in page.children(parent))


def standfirst_before(
    page: Page, start: int, first: int, negs: set[int], cards: bytearray, title_norm: str
) -> int:
    """Block index of a summary paragraph ("standfirst", "dek") just before the container's first
    block `first`, in the same parent element; -1 if there is none."""
    parent = page.parents[start]
    if parent < 0:
        return -1
    blocks = page.blocks
    for bi in range(first - 1, max(first - 4, -1), -1):
        b = blocks[bi]
        if not b.text:
            continue
        if b.owner < parent:
            return -1
        if excluded(b, negs, cards) or not is_prose(b) or b.link_len or b.figure:
            return -1
        if says(b.text, title_norm) or not _STANDFIRST.search(page.classes[b.owner]):
            return -1
        return bi
    return -1


def headline_standfirst(
    page: Page, head: int, first: int, start: int, end: int, negs: set[int], cards: bytearray, title_norm: str
) -> list[int]:
    """Blocks of the paragraph right under the headline `head`, in the headline's own header, when
    the kept text starts further down at block `first` (a dek or an intro paragraph set apart from
    the text, which a `<header>` left out: theirs is the headline's header, holding none of the text).

    Lines a `<br>` splits count as one paragraph; a kicker, byline or date line above it is passed
    over. Nothing is taken when other prose outside the container sits between it and the text.
    """
    blocks = page.blocks
    head_owner, text_owner = blocks[head].owner, blocks[first].owner
    runs: list[list[int]] = []  # blocks between headline and text, grouped by owning element
    for bi in range(head + 1, first):
        b = blocks[bi]
        if b.text and not b.figure and not b.heading:
            if runs and blocks[runs[-1][0]].owner == b.owner and runs[-1][-1] == bi - 1:
                runs[-1].append(bi)
            else:
                runs.append([bi])
    found: list[int] = []
    for run in runs:
        b = blocks[run[0]]
        if found or not _by_headline(page, b, head_owner, text_owner, negs, cards):
            if not start <= b.owner < end and any(is_prose(blocks[i]) for i in run):
                return []  # other text before the container: this is no lone standfirst
            continue
        text = " ".join(blocks[i].text for i in run)
        if not opens_text(text, text_size(text), sum(blocks[i].link_len for i in run)):
            continue  # a kicker, byline or dateline over the standfirst, a credit line
        if says(text, title_norm) or is_boilerplate_line(text):
            continue
        # one sentence is a dek (a summary, the article's lead material); the intro runs on
        found = run if _SENTENCE_BREAK.search(text) else []
    return found


def without_header_dek(
    page: Page, kept: list[int], at: int, head: int, negs: set[int], cards: bytearray, summary: str
) -> list[int]:
    """`kept` without the paragraph under the headline (at position `at`) when it sits in the
    headline's own header and says what the page's description says: a dek, the record's lead, as
    when the header is outside the container (see `headline_standfirst`)."""
    blocks = page.blocks
    texts = [k for k in range(at, len(kept)) if blocks[kept[k]].text][:2]
    if len(texts) < 2:
        return kept
    b = blocks[kept[texts[0]]]
    if b.heading or not repeats(b.text, summary):
        return kept
    if not _by_headline(page, b, blocks[head].owner, blocks[kept[texts[1]]].owner, negs, cards):
        return kept
    return kept[: texts[0]] + kept[texts[0] + 1 :]


def repeats(text: str, summary: str | None) -> bool:
    """`text` says what the page's `summary` says (the same opening words: a description may be cut)."""
    if not summary:
        return False
    a, b = norm(text), norm(summary)
    n = min(len(a), len(b), 80)
    return n >= 20 and a[:n] == b[:n]


def _by_headline(
    page: Page, b: Block, head_owner: int, text_owner: int, negs: set[int], cards: bytearray
) -> bool:
    """`b` shares with the headline an element not holding the text, and is left out by no
    boilerplate element but one holding the headline too (a `<header>`)."""
    parents, ends = page.parents, page.ends
    shared = parents[b.owner]
    while shared >= 0 and not shared <= head_owner < ends[shared]:
        shared = parents[shared]
    if shared < 0 or shared <= text_owner < ends[shared] or cards[b.owner]:
        return False
    return all(i <= head_owner < ends[i] for i in b.neg if i in negs)


def opening_split_off(
    page: Page, text_start: int, first: int, start: int, end: int, negs: set[int], cards: bytearray
) -> list[int]:
    """Blocks of the story's opening paragraphs when a box the text leaves out (related links, an ad,
    a sign-up form) splits them off from the rest: the prose where the text under the headline
    starts (`text_start`), outside the container, followed up to the container's first kept block
    `first` by nothing but left-out blocks (see `_left_out`). At most
    OPENING_MAX paragraphs, with no heading among them: a run of its own is a section, not an opening;
    and in a part of the text like the container (see `_part_of_text`), not a notice over it."""
    blocks = page.blocks
    if not text_start < first or start <= blocks[text_start].owner < end:
        return []
    if not _part_of_text(page, blocks[text_start].owner, start):
        return []
    run: list[int] = []
    box = False  # the box seen: nothing after it but more of the box
    for bi in range(text_start, first):
        b = blocks[bi]
        if not b.text or (start <= b.owner < end):
            continue
        if _left_out(b, negs, cards):
            if not run:
                return []
            box = True
        elif box or b.heading or not is_prose(b) or len(run) >= OPENING_MAX:
            return []  # text between the box and the container, or a section of its own
        else:
            run.append(bi)
    return run if box else []


def closing_split_off(
    page: Page, last: int, start: int, end: int, negs: set[int], cards: bytearray
) -> list[int]:
    """Blocks of the story's closing paragraphs when a box the text leaves out splits them off from
    the container [start, end), whose last kept block is `last`: after the container, left-out
    blocks, then at most OPENING_MAX paragraphs in a part of the text like the container (see
    `_part_of_text`) that end as sentences do, up to the next block that is not one. Nothing when a
    heading or other text comes first (the next story, a bio)."""
    blocks = page.blocks
    bi = last + 1
    while bi < len(blocks) and start <= blocks[bi].owner < end:
        bi += 1
    run: list[int] = []
    box = False
    for b_i in range(bi, min(len(blocks), bi + CLOSING_REACH)):
        b = blocks[b_i]
        if not b.text:
            continue
        if b.heading and b.link_len and not excluded(b, negs, cards):
            break  # a linked headline outside any box: the next post's
        if _left_out(b, negs, cards):
            if run:
                break
            box = True
        elif (
            not box
            or b.heading
            or not is_prose(b)
            or not b.text.endswith(SENTENCE_END)  # (a sticky title bar, a script's class names)
            or not _part_of_text(page, b.owner, start)
        ):
            break
        elif len(run) == OPENING_MAX:
            return []  # a run of its own: another story's text
        else:
            run.append(b_i)
    return run


def _left_out(b: Block, negs: set[int], cards: bytearray) -> bool:
    """Block `b` (with text) is one the text leaves out: boilerplate, a card, a caption, a link line,
    a notice ("Advertisement")."""
    text = b.text
    return (
        excluded(b, negs, cards)
        or b.figure
        or b.link_len > 0.5 * len(text)
        or (len(text) < 160 and is_boilerplate_line(text))
    )


def _part_of_text(page: Page, owner: int, start: int) -> bool:
    """Element `owner`, outside the container `start`, is a part of the same text: a paragraph beside
    the container in their common parent, or inside an element of the container's kind (the same
    tag and class: the text cut into parts by the boxes between them; a classless kind only side by
    side with the container under their common parent)."""
    parents, ends, tags, classes = page.parents, page.ends, page.tags, page.classes
    kind = (tags[start], classes[start])
    i, top = owner, -1
    while i >= 0 and not i <= start < ends[i]:
        if kind[1] and (tags[i], classes[i]) == kind:
            return True
        i, top = parents[i], i
    if i < 0:
        return False
    return parents[owner] == i or (parents[start] == i and (tags[top], classes[top]) == kind)
