"""The kept blocks as clean HTML (the record's `html`)."""

from __future__ import annotations

from crawler.extract.blocks import Block


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
