"""Each anchor the walk records names the block that holds its text, or none (-1)."""

from __future__ import annotations

from lxml import etree

from crawler.extract.blocks import walk_page

URL = "https://news.example.org/2024/03/story/"


def _page(body: str):
    root = etree.fromstring(f"<html><body>{body}</body></html>", etree.HTMLParser())
    return walk_page(root, URL, "https://news.example.org/")


def _block_of(body: str, href: str) -> int:
    page = _page(body)
    (a,) = [a for a in page.anchors if a.url.endswith(href)]
    assert -1 <= a.block < len(page.blocks)
    return a.block


def test_a_link_with_no_text_holds_no_block():
    # an empty icon link before a paragraph, and one at the very end of the page
    assert _block_of('<div><a href="/icon/"></a></div><p>A paragraph of text.</p>', "/icon/") == -1
    assert _block_of('<p>A paragraph of text.</p><div><a href="/last/"> </a></div>', "/last/") == -1


def test_a_link_in_a_line_holds_that_line_whatever_follows():
    body = '<p>Read <a href="/a/">this</a> <a href="/empty/"></a> now.</p><p>Next paragraph.</p>'
    page = _page(body)
    assert [page.blocks[a.block].text for a in page.anchors] == ["Read this now."] * 2
    assert _block_of('<p>Pictured: <a href="/img/"><img src="/p.jpg"></a></p>', "/img/") == 0


def test_a_link_around_paragraphs_holds_the_last_of_them():
    body = '<div><a href="/card/"><h3>A card title</h3><p>The card excerpt.</p></a></div><p>Story text.</p>'
    page = _page(body)
    (a,) = page.anchors
    assert page.blocks[a.block].text == "The card excerpt."
