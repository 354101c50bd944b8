"""The article body: what is kept, what is dropped, and the clean `body_html`."""

from __future__ import annotations

import gzip
import json
from html.parser import HTMLParser

import pytest

from crawler.extract import extract_article
from tests.helpers import shared

URL = "https://news.example.org/2023/08/port-expansion/"
P1 = (
    "The port authority approved a plan on Monday to double the capacity of the container terminal, "
    "a project that has been discussed for more than a decade."
)
P2 = (
    "Construction is due to start next spring and will be financed by a consortium of local banks and "
    "a development fund, the authority said in a statement."
)
P3 = (
    "Shipping companies welcomed the decision, saying congestion at the current terminal had added days "
    "to delivery times during the busiest months of the year."
)


def page(inner: str, head: str = "", headline: str = "<h1>Port expansion approved</h1>") -> bytes:
    return (
        f"<html><head><title>Port expansion approved | Coast News</title>{head}</head>"
        f"<body class='single'><nav class='menu'><a href='/'>Home</a><a href='/economy/'>Economy</a></nav>"
        f"<main>{headline}<div class='entry-content'>{inner}</div></main>"
        f"<aside class='sidebar'><h3>Popular</h3><ul><li><a href='/a/'>Another story</a></li></ul></aside>"
        f"</body></html>"
    ).encode()


def paragraphs(inner: str, **kw) -> list[str]:
    return extract_article(page(inner, **kw), URL).body.split("\n\n")


# -- body_html -------------------------------------------------------------------------------------------

ALLOWED = {"p", "h2", "h3", "h4", "ul", "ol", "li", "blockquote", "a", "img"}


class _Checker(HTMLParser):
    """Collects what breaks the body_html contract: other tags or attributes, relative URLs, imbalance."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        if tag not in ALLOWED:
            self.errors.append(f"<{tag}>")
        wanted = {"a": {"href"}, "img": {"src", "alt"}}.get(tag, set())
        urls = [a[k] for k in ("href", "src") if k in a]
        if set(a) != wanted or any(not u.startswith(("http://", "https://")) for u in urls):
            self.errors.append(f"<{tag} {attrs}>")
        if tag != "img":
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            self.errors.append(f"</{tag}> out of place")


def html_errors(body_html: str) -> list[str]:
    checker = _Checker()
    checker.feed(body_html)
    checker.close()
    return checker.errors + [f"<{t}> not closed" for t in checker.stack]


def test_body_html_is_clean_and_keeps_structure() -> None:
    inner = f"""
      <p class="lead" style="color:red">{P1} <strong>Bold</strong> and
        <a href="../older/" title="t">a link</a>.</p>
      <h2 id="x">Financing</h2>
      <p>{P2}<script>track()</script><style>p{{}}</style></p>
      <ul><li>First point of the plan, with <em>emphasis</em>.</li><li>Second point of the plan.</li></ul>
      <ol><li>Step one of the works.</li><li>Step two of the works.</li></ol>
      <blockquote><p>"This is a historic day for the port," the director said.</p></blockquote>
      <h5>Small heading</h5>
      <p><img src="/img/port.jpg" alt="The terminal">
        <img data-src="lazy.jpg" src="data:image/gif;base64,R0l"></p>
      <p><a href="/tag/port/"><span>{P3}</span><div>cut by a block</div></a></p>
      <table><tr><td>A table cell that is long enough to be kept as a paragraph.</td></tr></table>
    """
    a = extract_article(page(inner), URL)
    assert html_errors(a.body_html) == []
    html = a.body_html
    assert "<h2>Financing</h2>" in html and "<h4>Small heading</h4>" in html
    assert "<ul>\n<li>First point of the plan, with emphasis.</li>\n<li>Second point" in html
    assert "<ol>\n<li>Step one of the works.</li>" in html
    assert '<blockquote>\n<p>"This is a historic day' in html
    assert '<a href="https://news.example.org/2023/08/older/">a link</a>' in html
    assert '<img src="https://news.example.org/img/port.jpg" alt="The terminal">' in html
    assert '<img src="https://news.example.org/2023/08/port-expansion/lazy.jpg" alt="">' in html
    assert "track()" not in html and "Bold" in html and "<strong>" not in html
    assert a.body.startswith(P1.split(",")[0])


def test_body_html_of_real_pages_is_clean() -> None:
    """Every Zyte benchmark page (126 real sites) gives a body_html that keeps the contract."""
    bench = shared("benchmarks/zyte-article-extraction")
    truth = json.loads((bench / "ground-truth.json").read_text("utf-8"))
    bad = {}
    for pid, item in truth.items():
        a = extract_article(gzip.decompress((bench / "html" / f"{pid}.html.gz").read_bytes()), item["url"])
        assert a.body_html or not a.body, item["url"]
        if errors := html_errors(a.body_html):
            bad[item["url"]] = errors[:3]
    assert bad == {}


# -- what is not article text ---------------------------------------------------------------------------


def test_figure_captions_and_photo_credits_are_dropped() -> None:
    inner = (
        f"<p>{P1}</p><figure><img src='/a.jpg' alt='Cranes'><figcaption>Cranes at the terminal. "
        f"Credit: Coast News</figcaption></figure><p>{P2}</p>"
        f"<div class='image-caption'>The old terminal, seen from the sea, before the works.</div>"
        f"<div>The harbour master's office at dawn (Image: GETTY)</div><p>{P3}</p>"
    )
    a = extract_article(page(inner), URL)
    assert a.body.split("\n\n") == [P1, P2, P3]
    assert '<img src="https://news.example.org/a.jpg" alt="Cranes">' in a.body_html


def test_text_starts_at_the_headline() -> None:
    """A ticker of other stories above the headline, inside the same container, is not the article."""
    ticker = "".join(
        f"<li><a href='/s{i}/'>Other story number {i} in the ticker</a> Excerpt of that other story, "
        f"long enough to read as a sentence of prose.</li>"
        for i in range(4)
    )
    inner = f"<div class='ticker'><ul>{ticker}</ul></div><h2>Port expansion approved</h2>"
    inner += f"<p>{P1}</p><p>{P2}</p>"
    assert paragraphs(inner, headline="") == [P1, P2]


def test_standfirst_before_the_container_is_kept() -> None:
    container = b"<div class='entry-content'>"
    html = page(f"<p>{P2}</p><p>{P3}</p>").replace(
        container, f"<p class='article-summary'>{P1}</p>".encode() + container
    )
    assert extract_article(html, URL).body.split("\n\n") == [P1, P2, P3]


@pytest.mark.parametrize(
    "chrome",
    [
        "<p>05/10/2023 - Posted by: Ana Lima - Category: Economy</p>",
        "<p>Port expansion approved</p>",
        "<p>Advert</p>",
        "<p>Don't miss</p>",
        "<p>Print this article</p>",
        "<p>Like this story? Share it with a friend!</p>",
        "<p>Number of times this article was read : 1293</p>",
    ],
)
def test_chrome_lines_at_the_top_are_dropped(chrome: str) -> None:
    assert paragraphs(f"{chrome}<p>{P1}</p><p>{P2}</p><p>{P3}</p>") == [P1, P2, P3]


@pytest.mark.parametrize(
    "promo",
    [
        "<p>Follow us on Twitter @coastnews and on Facebook for the latest updates from the harbour.</p>",
        "<p>Sign up for our free daily newsletter to get the port's news in your inbox every morning.</p>",
        "<p>Back to top</p>",
        "<p>(Reporting by Leila Haddad; Editing by Karim Mansour)</p>",
        "<p>Associated Press writer Sami Ben Ali contributed to this report.</p>",
        "<p>Write to Ana Lima at ana.lima@coastnews.example</p>",
        "<p>We may earn a commission when you buy through links on our site.</p>",
        "<p>You may also like</p>",
        "<div>More Great Coast News Stories</div><ul><li><a href='/1/'>Ferry fares to rise</a></li>"
        "<li><a href='/2/'>A new lighthouse keeper</a> for the bay</li></ul>",
    ],
)
def test_closing_sign_offs_are_dropped(promo: str) -> None:
    p4 = "Officials said the first ships would use the new berths in three years."
    assert paragraphs(f"<p>{P1}</p><p>{P2}</p><p>{P3}</p><p>{p4}</p>{promo}") == [P1, P2, P3, p4]


def test_prose_mentioning_subscriptions_is_kept() -> None:
    last = "Readers may ask what a digital subscription to a local paper is worth after all the cost cutting."
    assert paragraphs(f"<p>{P1}</p><p>{P2}</p><p>{P3}</p><p>{last}</p>")[-1] == last


def test_embedded_social_posts_are_quoted_text() -> None:
    tweet = (
        "<figure class='wp-block-embed-twitter'><div class='social-media-embed'>"
        "<blockquote class='twitter-tweet'><p>The new terminal opens to ships next spring, at last.</p>"
        "&mdash; Port Authority (@port) <a href='https://twitter.com/port/status/1'>August 1, 2023</a>"
        "</blockquote></div></figure>"
    )
    a = extract_article(page(f"<p>{P1}</p>{tweet}<p>{P2}</p>"), URL)
    assert a.body.split("\n\n") == [
        P1,
        "The new terminal opens to ships next spring, at last.",
        "— Port Authority (@port) August 1, 2023",
        P2,
    ]
    assert "<blockquote>\n<p>The new terminal" in a.body_html


def test_a_sentence_made_mostly_of_links_is_text() -> None:
    linked = (
        "The new berths were <a href='/2023/07/berths-plan/'>first proposed in a plan</a> that "
        "<a href='/2023/06/port-vote/'>the council approved last year</a>."
    )
    headlines = "<p><a href='/a/'>Ferry fares to rise in October</a></p>"
    texts = paragraphs(f"<p>{P1}</p><p>{linked}</p>{headlines}<p>{P2}</p>")
    assert texts == [
        P1,
        "The new berths were first proposed in a plan that the council approved last year.",
        P2,
    ]


def test_lines_linking_to_another_site_inside_the_text_are_kept() -> None:
    """A deals post's shop links and a report's sources sit between paragraphs; the site's own "read
    also" links, a row of social networks and a link line after the text are not the story."""
    shop = "<p><a href='https://shop.example.com/item/42'>https://shop.example.com/item/42</a></p>"
    own = "<p><a href='/2023/07/older/'>Read also: ferry fares to rise</a></p>"
    social = (
        "<p><a href='https://facebook.example/coast'>Facebook</a>, <a href='https://x.example/coast'>X</a>, "
        "<a href='https://instagram.example/coast'>Instagram</a></p>"
    )
    after = "<p><a href='https://partner.example.net/offer'>Partner offer of the week</a></p>"
    texts = paragraphs(f"<p>{P1}</p>{shop}{own}<p>{P2}</p>{social}<p>{P3}</p>{after}")
    assert texts == [P1, "https://shop.example.com/item/42", P2, P3]


def test_script_and_in_page_controls_weigh_as_links() -> None:
    """Links that go nowhere (`javascript:` buttons, `#top` jumps) are controls: lines of them between
    and after the paragraphs are not text, and they render as plain words where prose holds one."""
    tools = (
        "<p><a href='javascript:void(window.open(\"/share\"))'>Add to my reading list</a></p>"
        "<p><a href='#top'>Back to the top of the page</a></p>"
    )
    fix = "<p><a href='javascript:openForm()'>Suggest a correction to this story</a></p>"
    inline = f"{P2[:-1]}, as <a href='#note-1'>the note below</a> explains."
    texts = paragraphs(f"<p>{P1}</p>{tools}<p>{inline}</p><p>{P3}</p>{fix}")
    assert texts == [P1, inline.replace("<a href='#note-1'>", "").replace("</a>", ""), P3]
    prose = f"{P2[:-1]}, as <a href='javascript:openNote()'>the note</a> and <a href='#t1'>a table</a> show."
    html = extract_article(page(f"<p>{P1}</p><p>{prose}</p>"), URL).body_html
    assert f"<p>{P2[:-1]}, as the note and a table show.</p>" in html  # plain words, no link


def test_paragraph_text_before_a_figure_nested_in_it_is_kept() -> None:
    # libxml2 leaves a <figure> inside the open <p>: the words before it are the paragraph's own,
    # not the figure's (whose caption class would drop them)
    inner = (
        f"<p>{P1}</p><p>{P2}<figure class='wp-caption'><img src='/crane.jpg'>"
        f"<figcaption class='wp-caption-text'>A crane at the terminal.</figcaption></figure></p><p>{P3}</p>"
    )
    body = paragraphs(inner)
    assert body == [P1, P2, P3]


def test_heading_over_a_dropped_link_list_is_dropped() -> None:
    tools = (
        "<h4>Story Tools</h4><ul><li><a href='/share/mail'>E-mail this story</a></li>"
        "<li><a href='/share/print'>Print this story</a></li>"
        "<li><a href='/comments'>Post a comment</a></li></ul>"
    )
    body = paragraphs(f"<p>{P1}</p>{tools}<p>{P2}</p><h2>What comes next</h2><p>{P3}</p>")
    assert body == [P1, P2, "What comes next", P3]
