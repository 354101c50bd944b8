"""Find the article's text among a page's blocks and render it as plain text and clean HTML.

The container is the element maximising `good - ALPHA * bad` over its subtree, where good is the text
of prose-like blocks (long enough, few links, not boilerplate) and bad is link lists, boilerplate
and chrome. Inside it, blocks that are boilerplate by markup (share bars, promos, counters), by
shape (link lists, duplicated pull quotes, the title again) or by text (read counters, "Advertisement")
are dropped, and a trailing agency credit ("AFP") is lifted out into `agency`.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from crawler.extract.agency import agency_credit, agency_dateline
from crawler.extract.blocks import Block, Page
from crawler.extract.classes import heading_region
from crawler.extract.dates import parse_text
from crawler.extract.learn import is_learned_boilerplate
from crawler.extract.profile import SiteProfile

ALPHA = 1.0  # weight of bad text against good text when choosing the container
GOOD_MIN = 40  # non-link characters for a block to count as prose
CANCEL_SHARE = 0.7  # a boilerplate-classed element holding this share of the prose is a content wrapper
NEUTRAL_WEIGHT = 0.3  # short, link-free blocks (bylines, dates, captions) count a little as bad
TEASER_MAX = 600  # characters of a teaser card (headline, date, excerpt)
MIN_ARTICLE_GOOD = 200  # prose characters for the headline's <article> to be taken as the story

_PROSE_TAGS = frozenset(
    [
        "p",
        "pre",
        "blockquote",
        "li",
        "dd",
        "td",
        "div",
        "section",
        "article",
        "main",
        "span",
        "font",
        "center",
        "body",
        "form",
    ]
)
_TEASERS = ("related", "recent")
_WORD = re.compile(r"\w+")
_END_PUNCT = tuple(".!?:;\"'”’»)…")

# Short lines that are chrome whatever the markup: counters, ad labels, share/follow prompts.
_BOILER_TEXT = re.compile(
    r"^(?:advertisement|advertisements|advertising|advert|adverts|sponsored(?: content)?|ad|publicité|"
    r"anzeige|don.t miss|like this (?:story|article|post).{0,60}|(?:scroll )?back to top|"
    r"print this (?:article|page|story|post).{0,40}|"
    r"share(?: this)?(?: article| story| post)?|share on \w+|tweet|print|email|comments?|"
    r"(?:click|tap) here.{0,60}|read more.{0,80}|continue reading.{0,60}|related(?: articles?| stories)?|"
    r"see also.{0,80}|also read.{0,80}|recommended.{0,40}|pin it on pinterest|follow us.{0,60}|"
    r"subscribe.{0,80}|sign up.{0,80}|listen to this (?:article|story).{0,40}|skip (?:to|ad).{0,40}|"
    r"loading.{0,10}|image \d+ (?:of|/) \d+|photo:.{0,80}|image:.{0,80}|credit:.{0,80}|"
    r"(?:story|article) continues (?:below|after).{0,40}|scroll (?:down|to continue).{0,40}|"
    r"getty images|shutterstock|istock)\W*$",
    re.I,
)
_COUNTER = re.compile(
    r"\b(?:views?|viewed|reads?|read count|times this (?:article|post|story) was (?:read|viewed)|"
    r"visits|hits)\b\W*.{0,20}\d|\d[\d,. ]*\s*(?:views|reads|visits)\b",
    re.I,
)
# A picture caption outside <figure>: a short line ending in its credit, "... (Image: GETTY)".
_CAPTION_CREDIT = re.compile(
    r"[(\[]\s*(?:image|images|photo|photos|picture|pic|credit|foto|bild|imagen)s?(?:\s+credit)?\s*:"
    r"[^()\[\]]{1,60}[)\]]\s*$",
    re.I,
)
_STANDFIRST = re.compile(r"summary|standfirst|intro|lead|lede|\bdek\b|subhead|excerpt|abstract")
_META_WORDS = re.compile(
    r"\b(?:by|posted|published|updated|publicado|publié|por|par|von|category|categoria|catégorie|tags?|"
    r"min(?:ute)?s? read|comments?)\b",
    re.I,
)
# Calls to action that end an article: "Follow us on Twitter", "Sign up for our newsletter".
_PROMO = re.compile(
    r"\b(?:follow (?:us|him|her|me|them|@\w+)|sign up (?:for|to|here|now)|"
    r"subscribe (?:to|now|for|here|today)|(?:our|the|free|daily|weekly) newsletters?|"
    r"delivered (?:to|through) your|join (?:us|our))\b",
    re.I,
)
# The lines wire services and publishers close a story with.
_SIGN_OFF = re.compile(
    r"^\W*(?:(?:additional )?reporting by|writing by|editing by|compiled by|write to .{1,60} at \S+@|"
    r"you (?:may|might) also like)|contributed (?:to )?(?:this|the) report\W*$|"
    r"\b(?:earn|receive)s? (?:an? )?(?:affiliate )?commission\b",
    re.I,
)
_NEWSLETTER = re.compile(
    r"\b(?:newsletter|subscribe|sign up|your inbox|whatsapp|telegram|follow us|join our|"
    r"download (?:our|the) app)\b",
    re.I,
)


@dataclass(slots=True)
class BodyResult:
    """The article text as chosen blocks, plus what was learned while cleaning it."""

    start: int = -1  # container element idx, -1 when nothing was found
    end: int = -1
    blocks: list[int] = field(default_factory=list)  # indexes into Page.blocks, in order
    text: str = ""
    html: str = ""
    agency: str | None = None
    good_chars: int = 0  # prose characters in the container

    def contains(self, idx: int) -> bool:
        return self.start <= idx < self.end


def effective_negatives(page: Page) -> set[int]:
    """Boilerplate ancestors that really are boilerplate: a weak negative holding most prose is not."""
    negative = page.negative
    if not negative:
        return set()
    total = 0
    per_neg: dict[int, int] = {}
    for b in page.blocks:
        if _is_prose(b):
            n = len(b.text)
            total += n
            for i in b.neg:
                per_neg[i] = per_neg.get(i, 0) + n
    out = set()
    for i, strength in negative.items():
        if strength == 1 and total and per_neg.get(i, 0) >= CANCEL_SHARE * total:
            continue
        out.add(i)
    return out


def teaser_cards(page: Page) -> bytearray:
    """Mark (by element idx) the cards of teaser lists: "More from us" grids, story rails.

    A card is a small subtree (under TEASER_MAX characters) holding a headline link; a parent with at
    least three such children is a teaser list, however its classes are named. Returns a flag per
    element idx, set for every element inside a card.
    """
    n = len(page.elements)
    flags = bytearray(n)
    headlines = [
        b.owner
        for b in page.blocks
        if b.link_len >= 0.8 * len(b.text) and len(b.text) >= 20 and b.text.count(" ") >= 2 and not b.neg
    ]
    if len(headlines) < 3:
        return flags
    parents = page.parents
    children: dict[int, set[int]] = {}
    for owner in headlines:
        child, p = owner, parents[owner]
        for _ in range(12):  # cards sit a few levels below their list
            if p < 0:
                break
            children.setdefault(p, set()).add(child)
            child, p = p, parents[p]
    sizes: list[int] | None = None
    h1_owners = {page.blocks[i].owner for i in page.h1}
    for items in children.values():
        if len(items) < 3:
            continue
        if sizes is None:
            sizes = _subtree_text(page)
        cards = [
            i for i in items if sizes[i] <= TEASER_MAX and not any(i <= h < page.ends[i] for h in h1_owners)
        ]
        if len(cards) >= 3:
            for i in cards:
                flags[i : page.ends[i]] = b"\x01" * (page.ends[i] - i)
    return flags


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


def _excluded(b: Block, negs: set[int], cards: bytearray) -> bool:
    """Inside a boilerplate element, a related/recent list or a teaser card."""
    return (b.region in _TEASERS) or cards[b.owner] == 1 or (bool(b.neg) and any(i in negs for i in b.neg))


def _is_prose(b: Block) -> bool:
    n = len(b.text)
    if b.heading or (n - b.link_len < GOOD_MIN and not (n >= 25 and b.text.endswith(_END_PUNCT))):
        return False
    return b.link_len <= (0.35 * n if n < 150 else 0.6 * n) and b.tag in _PROSE_TAGS


def choose_container(
    page: Page, negs: set[int], cards: bytearray, title: str | None = None
) -> tuple[int, int]:
    """(idx, good chars) of the element whose subtree is most article-like; (-1, 0) if none."""
    n = len(page.elements)
    good = [0.0] * n
    bad = [0.0] * n
    any_good = False
    for b in page.blocks:
        length = len(b.text)
        if not length:
            continue
        if _excluded(b, negs, cards):
            bad[b.owner] += length
        elif _is_prose(b) and not b.figure:
            good[b.owner] += length
            any_good = True
        elif b.link_len > 0.5 * length:
            bad[b.owner] += length
        else:
            bad[b.owner] += NEUTRAL_WEIGHT * length
    if not any_good:
        return -1, 0
    parents = page.parents
    for i in range(n - 1, 0, -1):
        p = parents[i]
        if p >= 0:
            good[p] += good[i]
            bad[p] += bad[i]
    best = _best_in(good, bad, 0, n)
    if best < 0:
        return -1, 0
    inner = _headline_article(page, best, title)
    if inner >= 0 and good[inner] >= MIN_ARTICLE_GOOD:
        best = _best_in(good, bad, inner, page.ends[inner])
    return best, int(good[best])


def _best_in(good: list[float], bad: list[float], lo: int, hi: int) -> int:
    """Index in [lo, hi) maximising good - ALPHA * bad (ties: the one with more good text)."""
    best, best_score = -1, 0.0
    for i in range(lo, hi):
        score = good[i] - ALPHA * bad[i]
        if score > best_score or (score == best_score and best >= 0 and good[i] >= good[best]):
            best, best_score = i, score
    return best


def _headline_article(page: Page, start: int, title: str | None) -> int:
    """Of several <article>s in the container (the story, teaser cards), the one with the headline."""
    end = page.ends[start]
    inner = [i for i in page.article_tags if start < i < end]
    if len(inner) < 2 or not title:
        return -1
    key = _norm(title)
    for b in page.blocks:  # the first heading (of any level) saying the title
        if b.heading and start <= b.owner < end and _says(b.text, key):
            holders = [i for i in inner if i <= b.owner < page.ends[i]]
            return holders[-1] if holders else -1
    return -1


def _standfirst(page: Page, start: int, first: int, negs: set[int], cards: bytearray, title_norm: str) -> int:
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
        if _excluded(b, negs, cards) or not _is_prose(b) or b.link_len or b.figure:
            return -1
        if _says(b.text, title_norm) or not _STANDFIRST.search(page.classes[b.owner]):
            return -1
        return bi
    return -1


def _norm(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


def _says(text: str, norm: str) -> bool:
    """`text` is `norm` (a `_norm`ed string) up to case and punctuation; lengths are compared first."""
    return bool(norm) and len(norm) <= len(text) <= 2 * len(norm) + 20 and _norm(text) == norm


def extract_body(
    page: Page,
    title: str | None = None,
    drop: set[int] | None = None,
    keep: int = -1,
    profile: SiteProfile | None = None,
) -> BodyResult:
    """Choose the container and render its clean blocks (see module docstring).

    `drop` holds idx of elements a site profile's selectors mark as boilerplate, `keep` the idx of
    the container its keep-selectors name (-1: choose), and `profile` brings learned boilerplate.
    """
    negs = effective_negatives(page)
    cards = teaser_cards(page)
    for i in drop or ():  # the profile's boilerplate: everything inside it is left out, like a card
        cards[i : page.ends[i]] = b"\x01" * (page.ends[i] - i)
    if keep >= 0:
        start = keep
        good_chars = sum(
            len(b.text) for b in page.blocks if keep <= b.owner < page.ends[keep] and _is_prose(b)
        )
    else:
        start, good_chars = choose_container(page, negs, cards, title)
    if start < 0:
        return BodyResult()
    end = page.ends[start]
    learned = profile is not None and profile.has_learned
    title_norm = _norm(title) if title else ""
    kept: list[int] = []
    seen: set[str] = set()
    blocks = page.blocks
    headline_at = -1  # position in `kept` of the page's headline, when it is inside the container
    headline_seen = False
    first_inside = -1
    for bi, b in enumerate(blocks):
        if not headline_seen and b.heading and _says(b.text, title_norm):
            headline_seen = True
            if start <= b.owner < end:
                headline_at = len(kept)
                continue
        if not start <= b.owner < end:
            continue
        if first_inside < 0:
            first_inside = bi
        if _excluded(b, negs, cards):
            continue
        text = b.text
        if not text:
            if b.images:
                kept.append(bi)
            continue
        n = len(text)
        if b.heading == 1 or b.figure:  # the headline; captions and credits of pictures
            continue
        if b.link_len > (0.5 * n if n < 150 and not _is_sentence(text) else 0.8 * n):
            continue  # a link list, not prose with links
        if n < 160 and _is_boilerplate_line(text):
            continue
        if not kept and _says(text, title_norm):
            continue  # the headline repeated above the text (one further down is a real subheading)
        if n >= 80 and not b.heading and text in seen:  # the same long paragraph twice: a rendering copy
            continue
        if learned and is_learned_boilerplate(page, b, profile):
            continue
        seen.add(text)
        kept.append(bi)
    if headline_at > 0:
        kept = [i for i in kept[:headline_at] if not blocks[i].text] + kept[headline_at:]
    elif headline_at < 0 and first_inside > 0:
        standfirst = _standfirst(page, start, first_inside, negs, cards, title_norm)
        if standfirst >= 0:
            kept.insert(0, standfirst)
    kept = _drop_meta_lines(blocks, kept)
    kept = _drop_repeats(blocks, kept)
    kept = _cut_trailing_teasers(blocks, kept)
    agency = None
    while kept:  # from the end: agency credits, then sign-offs (promos, reporting credits, disclaimers)
        text = blocks[kept[-1]].text
        if text and (credit := agency_credit(text)):
            agency = agency or credit
        elif not (len(kept) > 3 and _is_sign_off(text)):
            break
        kept.pop()
    if agency is None:  # a credit line styled as boilerplate ("agency-credit") after the last paragraph
        last = kept[-1] if kept else -1
        for b in blocks[last + 1 : last + 8]:
            if start <= b.owner < end and b.text and (credit := agency_credit(b.text)):
                agency = credit
                break
    while kept and not blocks[kept[-1]].text:
        kept.pop()
    if agency is None and kept:
        agency = agency_dateline(next((blocks[i].text for i in kept if blocks[i].text), ""))
    result = BodyResult(start=start, end=end, blocks=kept, agency=agency, good_chars=good_chars)
    result.text = "\n\n".join(blocks[i].text for i in kept if blocks[i].text)
    result.html = render_html(blocks, kept)
    return result


def _is_sentence(text: str) -> bool:
    """Reads as a sentence: ten words or more, ending with a full stop (a headline does not)."""
    return text.endswith((".", "!", "?", '."', ".”")) and text.count(" ") >= 9


def _is_boilerplate_line(text: str) -> bool:
    if _BOILER_TEXT.match(text) or _CAPTION_CREDIT.search(text):
        return True
    if len(text) < 100 and _COUNTER.search(text):
        return True
    return len(text) < 160 and bool(_NEWSLETTER.search(text)) and not text.endswith(('"', "”"))


def _cut_trailing_teasers(blocks: list[Block], kept: list[int]) -> list[int]:
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


def _is_sign_off(text: str) -> bool:
    """A closing block that is not the story: a call to action, who reported and edited it, a
    commission disclaimer."""
    return bool(text) and len(text) < 500 and bool(_PROMO.search(text) or _SIGN_OFF.search(text))


def _drop_meta_lines(blocks: list[Block], kept: list[int]) -> list[int]:
    """Drop byline/dateline rows at the top of the text ("05/10/2018 - Posted by: X - Category: Y")."""
    drop = set()
    for i in kept[:3]:
        text = blocks[i].text
        if len(text) >= 200:
            break
        if text and _META_WORDS.search(text) and parse_text(text):
            drop.add(i)
    return [i for i in kept if i not in drop] if drop else kept


def _drop_repeats(blocks: list[Block], kept: list[int]) -> list[int]:
    """Drop pull quotes: short blocks whose words appear again, in order, inside another kept block."""
    if len(kept) < 3:
        return kept
    norms = {i: _norm(blocks[i].text) for i in kept if blocks[i].text}
    joined = "\n".join(norms.values())
    copies = Counter(norms.values())
    out = []
    for i in kept:
        own = norms.get(i)
        # more occurrences in the joined text than identical blocks: it is inside another block
        if (
            own
            and len(own) > 20
            and (blocks[i].quote_idx >= 0 or len(own) < 300)
            and joined.count(own) > copies[own]
        ):
            continue
        out.append(i)
    return out


def render_html(blocks: list[Block], kept: list[int]) -> str:
    """Clean HTML of kept blocks: p, h2-h4, ul/ol/li, blockquote, a, img."""
    out: list[str] = []
    open_list, list_close = -1, ""
    open_quote = -1
    for i in kept:
        b = blocks[i]
        if b.quote_idx != open_quote:
            if open_list >= 0:
                out.append(list_close)
                open_list = -1
            if open_quote >= 0:
                out.append("</blockquote>")
            if b.quote_idx >= 0:
                out.append("<blockquote>")
            open_quote = b.quote_idx
        if b.tag == "li" or b.list_idx > b.quote_idx:
            if b.list_idx != open_list:
                if open_list >= 0:
                    out.append(list_close)
                out.append("<ol>" if b.ordered else "<ul>")
                open_list, list_close = b.list_idx, "</ol>" if b.ordered else "</ul>"
            out.append(f"<li>{b.html}</li>")
            continue
        if open_list >= 0:
            out.append(list_close)
            open_list = -1
        if not b.text:
            out.append(b.html)
        elif b.heading:
            level = min(max(b.heading, 2), 4)
            out.append(f"<h{level}>{b.html}</h{level}>")
        else:
            out.append(f"<p>{b.html}</p>")
    if open_list >= 0:
        out.append(list_close)
    if open_quote >= 0:
        out.append("</blockquote>")
    return "\n".join(out)
