"""Find the article's text among a page's blocks and render it as plain text and clean HTML.

The container is the element maximising `good - ALPHA * bad` over its subtree, where good is the text
of prose-like blocks (long enough, few links, not boilerplate) and bad is link lists, boilerplate
and chrome (see `container`). `extract_body` walks the blocks inside it: those that are boilerplate
by markup (share bars, promos, counters), by shape (link lists, copies, the title again) or by words
(`wording`: read counters, "Advertisement") are dropped, lines of links that are the story's kept
(`link_lines`). What joins the text from around the container comes next (`around`: its sibling
parts, a standfirst, the opening or closing paragraphs a box cuts off), then the filters over what
is kept (`prune`: fine print, meta lines, pull quotes, widget runs, teasers, link-list headings);
a trailing agency credit ("AFP") is lifted out into `agency`, and the rest rendered (`render`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from crawler.extract.agency import agency_credit, agency_dateline
from crawler.extract.around import (
    closing_split_off,
    headline_standfirst,
    opening_split_off,
    repeats,
    sibling_parts,
    standfirst_before,
    without_header_dek,
)
from crawler.extract.blocks import Block, Page
from crawler.extract.boilerplate import is_learned_boilerplate
from crawler.extract.container import choose_container
from crawler.extract.headline import find_headline
from crawler.extract.link_lines import links_out, self_anchored, with_outbound_links
from crawler.extract.negatives import effective_negatives
from crawler.extract.profile import SiteProfile
from crawler.extract.prose import block_near, excluded, is_prose, norm, says
from crawler.extract.prune import (
    cut_trailing_teasers,
    drop_meta_lines,
    drop_repeats,
    heading_over_dropped,
    is_in_flow,
    without_empty_sections,
    without_fine_print,
    without_link_list_headings,
    without_widget_runs,
)
from crawler.extract.render import render_html
from crawler.extract.teasers import live_entries, teaser_cards
from crawler.extract.urls import site_of
from crawler.extract.wording import is_boilerplate_line, is_sentence, is_sign_off, says_more_than_a_label


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
        start, end = sibling_parts(page, start, negs, cards)
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
        links = b.link_len > (0.5 * n if n < 150 and not is_sentence(text) else 0.8 * n)
        if links and not _line_of_prose(blocks, bi) and not (b.heading and self_anchored(page, b.owner)):
            if links_out(b, site):
                outbound.append((len(kept), bi))
            continue  # a link list, not prose with links
        if n < 160 and is_boilerplate_line(text):
            if not says_more_than_a_label(text):
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
    kept = with_outbound_links(blocks, kept, outbound)
    if worded:  # (after the link lines go back: their places count positions in `kept` as it was)
        in_flow = [i for i in kept if i not in worded or is_in_flow(page, kept, worded, i)]
        kept = without_fine_print(page, in_flow, max(set(kept) - set(in_flow), default=-1))
    if headline_at >= 0 and summary:
        kept = without_header_dek(page, kept, headline_at, headline.block, negs, cards, summary)
    if headline_at > 0:
        kept = [i for i in kept[:headline_at] if not blocks[i].text] + kept[headline_at:]
    elif headline_at < 0 and first_inside > 0:
        standfirst = standfirst_before(page, start, first_inside, negs, cards, title_norm)
        if standfirst >= 0:
            kept.insert(0, standfirst)
    if headline.block >= 0 and (first := next((i for i in kept if blocks[i].text), -1)) > headline.block:
        intro = headline_standfirst(page, headline.block, first, start, end, negs, cards, title_norm)
        if not intro and headline.text_start >= 0:
            intro = opening_split_off(page, headline.text_start, first, start, end, negs, cards)
        intro_text = " ".join(blocks[i].text for i in intro)
        # not a summary (the description again), nor a paragraph the text holds anyway
        if intro and not repeats(intro_text, summary) and not any(blocks[i].text in seen for i in intro):
            kept[:0] = intro
    if kept and (closing := closing_split_off(page, kept[-1], start, end, negs, cards)):
        kept.extend(i for i in closing if blocks[i].text not in seen)
    kept = drop_meta_lines(blocks, kept)
    kept = drop_repeats(blocks, kept)
    kept = without_widget_runs(blocks, kept)
    kept = cut_trailing_teasers(blocks, kept)
    kept = without_link_list_headings(blocks, kept, start, end)
    kept = without_empty_sections(blocks, kept, start, end)
    agency = None
    while kept:  # from the end: agency credits, then sign-offs (promos, reporting credits, disclaimers)
        text = blocks[kept[-1]].text
        if text and (credit := agency_credit(text)):
            agency = agency or credit
        elif not (len(kept) > 3 and is_sign_off(text)):
            break
        kept.pop()
    if agency is None:  # a credit line styled as boilerplate ("agency-credit") after the last paragraph
        last = kept[-1] if kept else -1
        for b in blocks[last + 1 : last + 8]:
            if start <= b.owner < end and b.text and (credit := agency_credit(b.text)):
                agency = credit
                break
    # pictures end no story, nor a heading whose section was left out ("Related topics" over links)
    while kept and (not blocks[kept[-1]].text or heading_over_dropped(blocks, kept[-1], start, end)):
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
