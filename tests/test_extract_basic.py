"""Basic behaviour of extract_article on small, realistic pages."""

from __future__ import annotations

import codecs
import gzip
import random
import sys
import zlib
from pathlib import Path

import pytest

from crawler.extract import Article, extract_article

PAGE = """<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8">
<title>Tunisia raises phosphate output - Maghreb Daily</title>
<link rel="canonical" href="https://news.example.org/2024/03/tunisia-phosphate/">
<link rel="alternate" type="application/rss+xml" href="/feed/">
<meta property="og:type" content="article">
<meta property="article:published_time" content="2024-03-05T09:30:00+01:00">
<meta property="article:section" content="Economy">
<meta name="description" content="Output at Gafsa mines rose for a third month.">
</head><body class="single single-post">
<nav class="main-menu"><a href="/">Home</a> <a href="/category/economy/">Economy</a></nav>
<article>
<h1>Tunisia raises phosphate output</h1>
<div class="byline">By <a href="/author/leila-haddad/" rel="author">Leila Haddad</a></div>
<div class="entry-content">
<p>Tunisia's phosphate output rose for a third consecutive month in February, the state producer
said on Monday, as strikes at the Gafsa basin mines eased.</p>
<div class="share-buttons"><a href="https://facebook.com/share?u=x">Share on Facebook</a></div>
<p>Production reached 380,000 tonnes, up 12% on a year earlier, according to
<a href="/2024/02/gafsa-strikes/">figures published last month</a> by the company.</p>
<h2>Exports</h2>
<p>Most of the additional output will go to fertilizer plants in Gabes, which export to Europe and
South Asia.</p>
<p>Reuters</p>
</div>
<div class="post-navigation"><a rel="prev" href="/2024/03/older-story/">&laquo; Older story</a>
<a rel="next" href="/2024/03/newer-story/">Newer story &raquo;</a></div>
<section class="related-posts"><h3>Related</h3><ul>
<li><a href="/2024/01/gafsa-mines-reopen/">Gafsa mines reopen after strike</a></li>
<li><a href="/2023/12/phosphate-prices/">Phosphate prices fall</a></li></ul></section>
</article>
<footer><a href="/about/">About</a> <a href="mailto:desk@example.org">Mail</a>
<a href="javascript:void(0)">x</a></footer>
</body></html>"""


def test_article_record_fields():
    a = extract_article(PAGE.encode(), "https://news.example.org/2024/03/tunisia-phosphate/?utm_source=x")
    assert isinstance(a, Article)
    assert a.is_article
    assert a.url == "https://news.example.org/2024/03/tunisia-phosphate/"
    assert a.canonical_url == a.url
    assert a.title == "Tunisia raises phosphate output"
    assert a.authors == ["Leila Haddad"]
    assert a.published == "2024-03-05T09:30:00+01:00"
    assert a.section == "Economy"
    assert a.language == "en"
    assert a.agency == "Reuters"
    assert a.lead == "Output at Gafsa mines rose for a third month."
    assert a.feeds == ["https://news.example.org/feed/"]
    paragraphs = a.body.split("\n\n")
    assert paragraphs[0].startswith("Tunisia's phosphate output rose")
    assert paragraphs[-1].startswith("Most of the additional output")
    assert "Exports" in paragraphs
    assert "Share on Facebook" not in a.body and "Reuters" not in a.body
    assert '<a href="https://news.example.org/2024/02/gafsa-strikes/">' in a.body_html
    assert "<h2>Exports</h2>" in a.body_html


def test_links_are_typed_and_filtered():
    a = extract_article(PAGE.encode(), "https://news.example.org/2024/03/tunisia-phosphate/")
    kinds = {(link.url, link.kind) for link in a.links}
    base = "https://news.example.org"
    assert (f"{base}/2024/02/gafsa-strikes/", "body") in kinds
    assert (f"{base}/2024/03/older-story/", "previous") in kinds
    assert (f"{base}/2024/03/newer-story/", "next") in kinds
    assert (f"{base}/2024/01/gafsa-mines-reopen/", "related") in kinds
    assert (f"{base}/2023/12/phosphate-prices/", "related") in kinds
    assert (f"{base}/", "nav") in kinds
    assert (f"{base}/about/", "nav") in kinds
    assert not any(link.url.startswith(("mailto:", "javascript:")) for link in a.links)
    # every http(s) anchor is returned once per kind
    assert len(kinds) == len(a.links)


def test_listing_page_is_not_an_article():
    teasers = "".join(
        f'<article class="post-teaser"><h2><a href="/2024/03/story-number-{i}-about-things/">Story number {i}'
        f" about things</a></h2><p>Excerpt of story {i}, which is long enough to look like prose text "
        f"in a teaser list on a category page.</p></article>"
        for i in range(8)
    )
    html = f'<html><head><title>Economy</title></head><body class="archive category">{teasers}</body></html>'
    a = extract_article(html.encode(), "https://news.example.org/category/economy/")
    assert not a.is_article
    assert a.body == ""
    listing = [link for link in a.links if link.kind == "listing"]
    assert len(listing) == 8


def test_links_in_a_menu_its_style_hides_are_navigation():
    """A drop-down its style hides until hovered holds lines of links, no paragraph: it is skipped
    like any hidden element, so its story links are the menu's, not the listing's (a hidden element
    holding a paragraph is walked instead: the rest of a story behind "read more")."""
    menu = "".join(f'<a href="/2024/02/menu-pick-{i}-of-the-month/">Menu pick {i}</a>' for i in range(5))
    teasers = "".join(
        f'<article class="post-teaser"><h2><a href="/2024/03/story-number-{i}-about-things/">Story number {i}'
        f" about things</a></h2><p>Excerpt of story {i}, which is long enough to look like prose text "
        f"in a teaser list on a category page.</p></article>"
        for i in range(8)
    )
    html = (
        f'<html><head><title>Economy</title></head><body class="archive category">'
        f'<div style="display: none">{menu}</div>{teasers}</body></html>'
    )
    a = extract_article(html.encode(), "https://news.example.org/category/economy/")
    kinds = {link.url.rsplit("/", 2)[-2]: link.kind for link in a.links}
    assert [kinds[f"menu-pick-{i}-of-the-month"] for i in range(5)] == ["nav"] * 5
    assert sum(kind == "listing" for kind in kinds.values()) == 8


BINARY = {
    "random bytes": random.Random(5).randbytes(20000),
    "a gzipped page": gzip.compress(PAGE.encode()),
    "an ELF executable": Path(sys.executable).read_bytes()[:20000],
    "a PNG image": b"\x89PNG\r\n\x1a\n" + zlib.compress(random.Random(6).randbytes(5000), 0),
}


@pytest.mark.parametrize("name", BINARY)
def test_a_binary_body_is_no_article_and_gives_no_text(name: str) -> None:
    """Binary data said to be HTML (a server's mistake, or `jcrawl extract` on the wrong file) gives
    no record of its bytes as text: it read as hundreds of garbage "words", an article."""
    a = extract_article(BINARY[name], "https://news.example.org/2024/03/x/")
    assert not a.is_article
    assert (a.title, a.body, a.lead, a.links) == (None, "", None, [])


def test_text_with_a_few_stray_control_characters_or_in_utf16_is_still_a_page() -> None:
    stray = PAGE.replace("Tunisia's phosphate", "Tunisia\x0b\x1a\x08's phosphate").encode()
    wide = codecs.BOM_UTF16_LE + PAGE.replace('<meta charset="utf-8">', "").encode("utf-16-le")
    for body in (stray, wide, b"\x00" * 5000 + PAGE.encode()):  # NUL padding, as some servers send
        a = extract_article(body, "https://news.example.org/2024/03/tunisia-phosphate/")
        assert a.is_article and a.title == "Tunisia raises phosphate output"
        assert "380,000 tonnes" in a.body


def test_empty_and_binary_input_do_not_raise():
    for body in (b"", b"\x00\x01\x02\xff" * 100, b"<html>", b"%PDF-1.4 binary", "ümlaut".encode("utf-16")):
        a = extract_article(body, "https://example.org/x")
        assert a.url == "https://example.org/x"
        assert not a.is_article


@pytest.mark.parametrize(
    ("prefix", "charset"),
    [(b"", "utf-8"), (b"\xef\xbb\xbf", "utf-8"), (b"", "iso-8859-1")],
)
def test_the_text_is_the_same_whatever_the_bytes_encoding(prefix: bytes, charset: str) -> None:
    """The parser reads the page's own bytes only when they are its text in UTF-8 (no BOM, no
    legacy codec): a BOM or a Latin-1 page gives the same text as plain UTF-8."""
    para = "Der Bürgermeister eröffnete am Montag die neue Brücke über die Förde, nach drei Jahren Bauzeit."
    html = f"<html><head><title>Neue Brücke</title></head><body><article><h1>Neue Brücke</h1><p>{para}</p>"
    html += f"<p>{para} Die Stadt feierte mit einem Fest am Hafen.</p></article></body></html>"
    body = prefix + html.encode(charset)
    article = extract_article(
        body, "https://example.org/2024/bruecke/", {"Content-Type": f"text/html; charset={charset}"}
    )
    assert article.body.split("\n\n")[0] == para
