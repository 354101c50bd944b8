"""Which element holds the article: the container.

The container is the element maximising `good - ALPHA * bad` over its subtree, where good is the size
of prose-like blocks (long enough, few links, not boilerplate) and bad is link lists, boilerplate and
chrome. Which classed elements are boilerplate the page's evidence decides first (`negatives.py`), and
which lists are teasers their shape (`teasers.py`). The best-scoring element then grows to hold a story
split across sibling blocks, gives way to the text under the headline when it lies elsewhere (a longer
feature beside a short story), and narrows to the headline's `<article>` among several, or to the part
a whole JSON-LD articleBody declares.
"""

from __future__ import annotations

from typing import Final

from crawler.extract.blocks import Page
from crawler.extract.headline import Headline
from crawler.extract.prose import excluded, is_prose, norm, says
from crawler.extract.text_lines import lines_of_text

ALPHA: Final = 1.0  # weight of bad text against good text when choosing the container
NEUTRAL_WEIGHT: Final = 0.3  # short, link-free blocks (bylines, dates, captions) count a little as bad
MIN_ARTICLE_GOOD: Final = 200  # prose size for the headline's <article> to be taken as the story
# A container away from the headline loses to the one where the text under the headline sits when
# that one scores at least this share of it (a short story beside a long sidebar feature).
HEADLINE_SHARE: Final = 0.3
GROW_SHARE: Final = 0.25  # a parent adding this share of prose (and little else) joins the split blocks
GROW_RATIO: Final = 2.0
LONE_RATIO: Final = (
    0.5  # ... for a lone paragraph chosen as the container: prose beside it outweighing loose lines
)
SLIDES_MIN: Final = 3  # captions holding more prose than the rest of the page: a slideshow's text
_PAGE_TAGS: Final = frozenset(["body", "html"])


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
    text_lines = lines_of_text(page)
    for bi, b in enumerate(page.blocks):
        size = b.size
        if not size:
            continue
        links = b.link_len > 0.5 * len(b.text)
        if excluded(b, negs, cards):
            bad[b.owner] += size
            if links:
                loud[b.owner] += size
        elif is_prose(b) or bi in text_lines:
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
