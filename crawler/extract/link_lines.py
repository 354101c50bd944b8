"""Lines of links that are the story's, though links make most of their text: a heading linked to
itself (a section's own anchor), and a line linking out to one other site (a deals post's shop, a
report's source), put back where it stood between the story's paragraphs.
"""

from __future__ import annotations

import html as _html
from urllib.parse import urljoin

from crawler.extract.blocks import Block, Page
from crawler.extract.prose import SENTENCE_END, is_prose
from crawler.extract.urls import host_of, site_of
from crawler.extract.wording import is_boilerplate_line, is_sign_off


def self_anchored(page: Page, owner: int) -> bool:
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


def links_out(b: Block, site: str) -> bool:
    """The block links to one other site (a shop, a source), not to this one (its video or shop
    subdomain included) nor to a row of social networks. A quote that is nothing but its link is an
    embedded post's placeholder (a short "Tweet may have been deleted"), not a source."""
    if len(b.text) < 4 or not site or is_boilerplate_line(b.text) or is_sign_off(b.text):
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


def with_outbound_links(blocks: list[Block], kept: list[int], outbound: list[tuple[int, int]]) -> list[int]:
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
