"""Find the article's text among a page's blocks and render it as plain text and clean HTML.

The container is the element maximising `good - ALPHA * bad` over its subtree, where good is the text
of prose-like blocks (long enough, few links, not boilerplate) and bad is link lists, boilerplate
and chrome. Inside it, blocks that are boilerplate by markup (share bars, promos, counters), by
shape (link lists, duplicated pull quotes, the title again) or by text (read counters, "Advertisement")
are dropped, and a trailing agency credit ("AFP") is lifted out into `agency`. Around it, the
story's opening or closing paragraphs that a box cuts off from the container join the text (see
`_opening_split_off`, `_closing_split_off`).
"""

from __future__ import annotations

import html as _html
import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urljoin

from crawler.extract.agency import agency_credit, agency_dateline
from crawler.extract.blocks import Block, Page
from crawler.extract.boilerplate import is_learned_boilerplate
from crawler.extract.classes import heading_region
from crawler.extract.container import (
    SENTENCE_END,
    block_near,
    choose_container,
    effective_negatives,
    excluded,
    find_headline,
    is_prose,
    live_entries,
    norm,
    opens_text,
    says,
    teaser_cards,
)
from crawler.extract.dates import parse_text
from crawler.extract.profile import SiteProfile
from crawler.extract.text import text_size
from crawler.extract.urls import host_of, site_of

# Short lines that are chrome by their words: ad-slot labels ("Advertisement" between a news story's
# paragraphs), share and print buttons, gallery counters ("Image 2 of 5"), picture agencies. A line of
# four words or more that they match ("Sign up for ...", "Click here to ...") is only weighed: a
# how-to's steps read like calls to action, so where the line sits decides (`_in_flow`).
_BOILER_TEXT = re.compile(
    r"^(?:advertisement|advertisements|advertising|advert|adverts|sponsored(?: content)?|ad|publicité|"
    r"anzeige|don.t miss|like this (?:story|article|post).{0,60}|(?:scroll )?back to top|"
    r"print this (?:article|page|story|post).{0,40}|"
    r"share(?: this)?(?: article| story| post)?|share on \w+|tweet|print|email|comments?|"
    r"(?:click|tap) here.{0,60}|read more.{0,80}|continue reading.{0,60}|related(?: articles?| stories)?|"
    r"see also.{0,80}|also read.{0,80}|recommended.{0,40}|pin it on pinterest|follow us.{0,60}|"
    r"subscribe.{0,80}|sign up.{0,80}|listen to this (?:article|story).{0,40}|skip (?:to|ad).{0,40}|"
    r"loading.{0,10}|image \d+ (?:of|/) \d+|(?:photo|image|credit|bild|foto|fotos):.{0,80}|"
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
# The summary paragraph over a story: `p.standfirst`, `div.article-summary`, `.dek`, `.lede`, `.intro`,
# WordPress' `.entry-summary`/`.excerpt` (kept only just before the container, see `_standfirst`).
_STANDFIRST = re.compile(r"summary|standfirst|intro|lead|lede|\bdek\b|subhead|excerpt|abstract")
_META_WORDS = re.compile(
    r"\b(?:by|posted|published|updated|publicado|publié|por|par|von|category|categoria|catégorie|tags?|"
    r"min(?:ute)?s? read|comments?|aktualisiert|veröffentlicht|actualizado|atualizado|aggiornato|"
    r"mis à jour|quelle|source|fonte|fuente)\b",
    re.I,
)
# Where one sentence ends and another starts ("... gut. Viel ...", "...だ。次に").
_SENTENCE_BREAK = re.compile(r"[.!?।؟][\"'”’»)]*\s+\S|[。！？]\s*\S")
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
    r"\b(?:earn|receive)s? (?:an? )?(?:affiliate )?commission\b|"
    r"^\W*(?:©|\(c\)|copyright\b).{0,200}\b(?:all rights reserved|alle rechte vorbehalten|"
    r"tous droits réservés|todos los derechos reservados|tutti i diritti riservati)\b",
    re.I,
)
# A label over a list: words, maybe a colon (no figure: "-5.44%", "2,640円" are a table's or a shop's).
_LABEL = re.compile(r"^[^\W\d_]+(?:[ -][^\W\d_]+)*\s*:?$")
_LETTER_OR_DIGIT = re.compile(r"[^\W_]")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
OPENING_MAX = 3  # paragraphs of a story's opening (or closing) a box may split off from the rest
FINE_PRINT_MAX = 2  # short blocks after a closing call to action that are its box's fine print
WIDGET_RUN = 3  # alike short lines in a row that are a widget's (a slideshow's titles, its pager)
CLOSING_REACH = 30  # blocks after the container where its closing paragraphs may resume

# Sign-up prompts news sites put in and under the text (newsletters, messenger channels, apps); like
# `_BOILER_TEXT`, a sentence they match in the story's own flow is kept (`_in_flow`).
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
    good_chars: int = 0  # prose size in the container (text.text_size)
    under_headline: bool = False  # the container holds the text that starts under the headline
    paragraphs: int = 0  # prose blocks kept

    def contains(self, idx: int) -> bool:
        return self.start <= idx < self.end


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
        if excluded(b, negs, cards) or not is_prose(b) or b.link_len or b.figure:
            return -1
        if says(b.text, title_norm) or not _STANDFIRST.search(page.classes[b.owner]):
            return -1
        return bi
    return -1


def _headline_standfirst(
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
        if says(text, title_norm) or _is_boilerplate_line(text):
            continue
        # one sentence is a dek (a summary, the article's lead material); the intro runs on
        found = run if _SENTENCE_BREAK.search(text) else []
    return found


def _opening_split_off(
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


def _closing_split_off(
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


def _sibling_parts(page: Page, start: int, negs: set[int], cards: bytearray) -> tuple[int, int]:
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


def _left_out(b: Block, negs: set[int], cards: bytearray) -> bool:
    """Block `b` (with text) is one the text leaves out: boilerplate, a card, a caption, a link line,
    a notice ("Advertisement")."""
    text = b.text
    return (
        excluded(b, negs, cards)
        or b.figure
        or b.link_len > 0.5 * len(text)
        or (len(text) < 160 and _is_boilerplate_line(text))
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


def _without_header_dek(
    page: Page, kept: list[int], at: int, head: int, negs: set[int], cards: bytearray, summary: str
) -> list[int]:
    """`kept` without the paragraph under the headline (at position `at`) when it sits in the
    headline's own header and says what the page's description says: a dek, the record's lead, as
    when the header is outside the container (see `_headline_standfirst`)."""
    blocks = page.blocks
    texts = [k for k in range(at, len(kept)) if blocks[kept[k]].text][:2]
    if len(texts) < 2:
        return kept
    b = blocks[kept[texts[0]]]
    if b.heading or not _repeats(b.text, summary):
        return kept
    if not _by_headline(page, b, blocks[head].owner, blocks[kept[texts[1]]].owner, negs, cards):
        return kept
    return kept[: texts[0]] + kept[texts[0] + 1 :]


def _repeats(text: str, summary: str | None) -> bool:
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


def extract_body(
    page: Page,
    title: str | None = None,
    drop: set[int] | None = None,
    keep: int = -1,
    profile: SiteProfile | None = None,
    article_body: str | None = None,
    summary: str | None = None,
) -> BodyResult:
    """Choose the container and render its clean blocks (see module docstring).

    `drop` holds idx of elements a site profile's selectors mark as boilerplate, `keep` the idx of
    the container its keep-selectors name (-1: choose), `profile` brings learned boilerplate,
    `article_body` is the page's JSON-LD articleBody (its paragraphs weigh more in the choice) and
    `summary` the page's description (a paragraph under the headline repeating it is a dek, not text).
    """
    title_norm = norm(title) if title else ""
    cards = teaser_cards(page)
    for i in drop or ():  # the profile's boilerplate: everything inside it is left out, like a card
        cards[i : page.ends[i]] = b"\x01" * (page.ends[i] - i)
    headline = find_headline(page, title_norm, cards)
    cards, headline = live_entries(page, title_norm, cards, headline)
    negs = effective_negatives(page, headline, cards)
    slides = False
    if keep >= 0:
        start = keep
        good_chars = sum(b.size for b in page.blocks if keep <= b.owner < page.ends[keep] and is_prose(b))
    else:
        start, good_chars, slides = choose_container(page, negs, cards, title, headline, article_body)
    if start < 0:
        return BodyResult()
    if keep < 0:
        start, end = _sibling_parts(page, start, negs, cards)
    else:
        end = page.ends[start]
    learned = profile if profile is not None and profile.has_learned else None
    kept: list[int] = []
    outbound: list[tuple[int, int]] = []  # (position in kept, block) of link lines to other sites
    site = site_of(page.host) if page.host else ""
    seen: dict[str, int] = {}  # text of a kept block -> its block index
    worded: set[int] = set()  # kept lines that read as a call to action ("Sign up for ...")
    blocks = page.blocks
    headline_at = -1  # position in `kept` of the page's headline, when it is inside the container
    headline_seen = False
    first_inside = -1
    for bi, b in enumerate(blocks):
        if not headline_seen and b.heading and says(b.text, title_norm):
            headline_seen = True
            if start <= b.owner < end:
                headline_at = len(kept)
                continue
        if not start <= b.owner < end:
            continue
        if first_inside < 0:
            first_inside = bi
        if excluded(b, negs, cards):
            continue
        text = b.text
        if not text:
            if b.images:
                kept.append(bi)
            continue
        n = len(text)
        if b.figure and not (slides and is_prose(b)):  # captions and credits of pictures (a slide's text)
            continue
        if b.heading == 1 and (says(text, title_norm) or not _between_paragraphs(blocks, bi, negs, cards)):
            continue  # the headline (an <h1> between two paragraphs heads a section: old sites, HTML5)
        # (a line of a paragraph that `<br>`s split is neither a link list nor the headline again; a
        # heading whose links lead only to places in the page is a section's, linked to itself)
        links = b.link_len > (0.5 * n if n < 150 and not _is_sentence(text) else 0.8 * n)
        if links and not _line_of_prose(blocks, bi) and not (b.heading and _self_anchored(page, b.owner)):
            if _links_out(b, site):
                outbound.append((len(kept), bi))
            continue  # a link list, not prose with links
        if n < 160 and _is_boilerplate_line(text):
            if not _says_more_than_a_label(text):
                continue
            worded.add(bi)  # a call to action, or the story's own line: its place decides (below)
        if not kept and says(text, title_norm) and not _line_of_prose(blocks, bi):
            continue  # the headline repeated above the text (one further down is a real subheading)
        if n >= 80 and not b.heading and text in seen and _copied(page, kept, seen[text], bi):
            continue
        if learned is not None and is_learned_boilerplate(page, b, learned):
            continue
        seen.setdefault(text, bi)
        kept.append(bi)
    kept = _with_outbound_links(blocks, kept, outbound)
    if worded:  # (after the link lines go back: their places count positions in `kept` as it was)
        in_flow = [i for i in kept if i not in worded or _in_flow(page, kept, worded, i)]
        kept = _without_fine_print(page, in_flow, max(set(kept) - set(in_flow), default=-1))
    if headline_at >= 0 and summary:
        kept = _without_header_dek(page, kept, headline_at, headline.block, negs, cards, summary)
    if headline_at > 0:
        kept = [i for i in kept[:headline_at] if not blocks[i].text] + kept[headline_at:]
    elif headline_at < 0 and first_inside > 0:
        standfirst = _standfirst(page, start, first_inside, negs, cards, title_norm)
        if standfirst >= 0:
            kept.insert(0, standfirst)
    if headline.block >= 0 and (first := next((i for i in kept if blocks[i].text), -1)) > headline.block:
        intro = _headline_standfirst(page, headline.block, first, start, end, negs, cards, title_norm)
        if not intro and headline.text_start >= 0:
            intro = _opening_split_off(page, headline.text_start, first, start, end, negs, cards)
        intro_text = " ".join(blocks[i].text for i in intro)
        # not a summary (the description again), nor a paragraph the text holds anyway
        if intro and not _repeats(intro_text, summary) and not any(blocks[i].text in seen for i in intro):
            kept[:0] = intro
    if kept and (closing := _closing_split_off(page, kept[-1], start, end, negs, cards)):
        kept.extend(i for i in closing if blocks[i].text not in seen)
    kept = _drop_meta_lines(blocks, kept)
    kept = _drop_repeats(blocks, kept)
    kept = _without_widget_runs(blocks, kept)
    kept = _cut_trailing_teasers(blocks, kept)
    kept = _without_link_list_headings(blocks, kept, start, end)
    kept = _without_empty_sections(blocks, kept, start, end)
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
    # pictures end no story, nor a heading whose section was left out ("Related topics" over links)
    while kept and (not blocks[kept[-1]].text or _heading_over_dropped(blocks, kept[-1], start, end)):
        kept.pop()
    if agency is None and kept:
        agency = agency_dateline(next((blocks[i].text for i in kept if blocks[i].text), ""))
    result = BodyResult(start=start, end=end, blocks=kept, agency=agency, good_chars=good_chars)
    result.under_headline = headline.text_start >= 0 and start <= blocks[headline.text_start].owner < end
    result.paragraphs = sum(1 for i in kept if is_prose(blocks[i]))
    result.text = "\n\n".join(blocks[i].text for i in kept if blocks[i].text)
    result.html = render_html(blocks, kept)
    return result


def _between_paragraphs(blocks: list[Block], bi: int, negs: set[int], cards: bytearray) -> bool:
    """The nearest blocks with text before and after block `bi` are paragraphs of text."""
    around = (block_near(blocks, bi, -1), block_near(blocks, bi, 1))
    return all(x is not None and is_prose(x) and not excluded(x, negs, cards) for x in around)


def _copied(page: Page, kept: list[int], first: int, bi: int) -> bool:
    """Block `bi` repeats block `first` as a copy: a rendering copy repeats a run of blocks (so a
    neighbour repeats too) in a wrapper of its own, or follows its original directly; a block
    repeating one of the opening blocks once is a lead boxed again or a highlight over the text. A
    line a story repeats between other neighbours is its own: the same question put to each
    interviewee, a dish in each menu; so is a run the story repeats among its own paragraphs (the
    same meals in each plan, under one parent with the rest of the text)."""
    blocks, parents = page.blocks, page.parents
    before, text = _text_near(blocks, bi, -1), blocks[bi].text
    if before == text:
        return True
    if parents[blocks[bi].owner] == parents[blocks[first].owner] and blocks[bi].owner != blocks[first].owner:
        return False
    if before == _text_near(blocks, first, -1):
        return True
    if _text_near(blocks, bi, 1) == _text_near(blocks, first, 1):
        return True
    opening = [i for i in kept if is_prose(blocks[i])][:2]
    return first <= opening[-1] and sum(b.text == text for b in blocks) < 3 if opening else True


def _text_near(blocks: list[Block], bi: int, step: int) -> str:
    """Text of the nearest block with text before (`step` -1) or after (+1) block `bi`."""
    b = block_near(blocks, bi, step)
    return b.text if b is not None else ""


def _line_of_prose(blocks: list[Block], bi: int) -> bool:
    """Block `bi` is a line of a paragraph split by `<br>`s (runs of one element) whose next lines
    read as prose: part of that paragraph, not a link list or a heading of its own."""
    owner = blocks[bi].owner
    for b in blocks[bi + 1 : bi + 4]:
        if b.owner != owner:
            return False
        if is_prose(b) and not b.link_len:
            return True
    return False


def _without_link_list_headings(blocks: list[Block], kept: list[int], start: int, end: int) -> list[int]:
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


def _without_empty_sections(blocks: list[Block], kept: list[int], start: int, end: int) -> list[int]:
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


def _links_in(b: Block) -> int:
    """How many links to pages block `b` holds."""
    return sum(1 for p in b.parts if p.__class__ is tuple and p[0].startswith("<a "))


def _next_inside(blocks: list[Block], bi: int, start: int, end: int) -> int:
    """The first block with text in the container [start, end) among the 29 after block `bi` (-1 if none)."""
    ahead = range(bi + 1, min(bi + 30, len(blocks)))
    return next((j for j in ahead if blocks[j].text and start <= blocks[j].owner < end), -1)


def _heading_over_dropped(blocks: list[Block], bi: int, start: int, end: int) -> bool:
    """`bi` is a heading and text follows it in the container (all of it left out)."""
    return bool(blocks[bi].heading) and _next_inside(blocks, bi, start, end) >= 0


def _self_anchored(page: Page, owner: int) -> bool:
    """The heading `owner` links only to places in the page (`#fragment`s, or this page's URL with
    one: its own anchor, as docs and reference pages link each section's heading), inside no link
    to another page (a teaser's)."""
    parents, tags, ends = page.parents, page.tags, page.ends
    i = parents[owner]
    while i >= 0:
        if tags[i] == "a" and not _in_page(page, i):
            return False
        i = parents[i]
    return all(_in_page(page, j) for j in range(owner + 1, ends[owner]) if tags[j] == "a")


def _in_page(page: Page, idx: int) -> bool:
    """The link `idx` leads to a place in this page: `#part-2`, or the page's own URL with a fragment."""
    href = (page.elements[idx].get("href") or "").strip()
    if href.startswith("#"):
        return True
    here = page.url.split("#", 1)[0]
    return "#" in href and bool(here) and urljoin(here, href).split("#", 1)[0] == here


def _links_out(b: Block, site: str) -> bool:
    """The block links to one other site (a shop, a source), not to this one (its video or shop
    subdomain included) nor to a row of social networks. A quote that is nothing but its link is an
    embedded post's placeholder (a short "Tweet may have been deleted"), not a source."""
    if len(b.text) < 4 or not site or _is_boilerplate_line(b.text) or _is_sign_off(b.text):
        return False
    if (
        b.quote_idx >= 0
        and b.link_len >= len(b.text)
        and len(b.text) < 60
        and not b.text.endswith(SENTENCE_END)
    ):
        return False
    if _page_link_len(b) < 0.5 * b.link_len:  # mostly buttons ("Link to this post", "#top") beside a link
        return False
    hrefs = [p[0][9:-2] for p in b.parts if p.__class__ is tuple and p[0].startswith('<a href="')]
    sites = {site_of(host_of(_html.unescape(h))) for h in hrefs}
    return len(sites) == 1 and "" not in sites and site not in sites


def _page_link_len(b: Block) -> int:
    """Characters of `b`'s text inside links to pages (the rest of its link text: buttons, `#` links)."""
    inside = depth = 0
    for p in b.parts:
        if p.__class__ is tuple:
            if p[0].startswith("<a "):
                depth += 1
            elif p[0] == "</a>" and depth:
                depth -= 1
        elif depth:
            inside += len(p.strip())
    return inside


def _with_outbound_links(blocks: list[Block], kept: list[int], outbound: list[tuple[int, int]]) -> list[int]:
    """Put back the lines of links to other sites that sit between paragraphs of the story (the shop
    links of a deals post, the sources of a report): in the text, not at its edges where the site's
    own teaser lists are."""
    if not outbound:
        return kept
    prose_at = [k for k, i in enumerate(kept) if is_prose(blocks[i])]
    if len(prose_at) < 2:
        return kept
    first, last = prose_at[0], prose_at[-1]
    inside = {pos for pos, _ in outbound if first < pos <= last}
    out: list[int] = []
    for k, i in enumerate(kept):
        if k in inside:
            out.extend(bi for pos, bi in outbound if pos == k)
        out.append(i)
    return out


def _is_sentence(text: str) -> bool:
    """Reads as a sentence: ten words or more, ending with a full stop (a headline does not)."""
    return text.endswith((".", "!", "?", '."', ".”")) and text.count(" ") >= 9


def _is_boilerplate_line(text: str) -> bool:
    if _BOILER_TEXT.match(text) or _CAPTION_CREDIT.search(text):
        return True
    if len(text) < 100 and _COUNTER.search(text):
        return True
    return len(text) < 160 and bool(_NEWSLETTER.search(text)) and not text.endswith(('"', "”"))


def _says_more_than_a_label(text: str) -> bool:
    """A boilerplate-worded line that is a sentence of its own (four words or more), not a button's
    or an ad slot's label ("Advertisement", "Share", "Image 2 of 5") nor a picture's credit line
    ("... (Image: GETTY)"): a how-to's step ("Sign up for a Hulu account for $11.99 a month") and a
    call to action read alike, so where it sits decides (see `_in_flow`)."""
    return len(text.split()) >= 4 and not _CAPTION_CREDIT.search(text)


def _in_flow(page: Page, kept: list[int], worded: set[int], bi: int) -> bool:
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


def _without_fine_print(page: Page, kept: list[int], cta: int) -> list[int]:
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
        if is_prose(b) and not _NEWSLETTER.search(b.text):
            return kept
    return kept[:at]


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


def _without_widget_runs(blocks: list[Block], kept: list[int]) -> list[int]:
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


def _drop_repeats(blocks: list[Block], kept: list[int]) -> list[int]:
    """Drop pull quotes: short blocks whose words appear again, in order, inside another kept block."""
    if len(kept) < 3:
        return kept
    norms = {i: norm(blocks[i].text) for i in kept if blocks[i].text}
    joined = "\n".join(norms.values())
    copies = Counter(norms.values())
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
