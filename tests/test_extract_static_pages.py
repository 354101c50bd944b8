"""A site's static pages (About, Contact, a charter) are not articles: researchers expect posts only.

The pages below carry the marks publishing systems give a static page (WordPress' body and post
classes, Ghost's body class, Drupal's node type, schema.org's AboutPage) around the same text a
post would have; the posts beside them carry the same text with the post marks. A page stays
crawlable and archived: only its article row goes.
"""

from __future__ import annotations

import json

import pytest

from crawler.extract import extract_article

SITE = "https://www.example-ledger.org"
TEXT = [
    "The Morning Ledger has covered the coast and the mountains since 1911. It is owned by a "
    "foundation whose charter forbids any shareholder from holding more than a tenth of its capital.",
    "Our newsroom has twenty-two reporters and editors in four bureaus. We correct our mistakes in the "
    "open, at the foot of the story concerned, and keep a public log of every correction we make.",
    "Readers can reach the editors by post, by email or at the open meeting held on the first Monday "
    "of each month in the reading room of the municipal library, where anyone may ask a question.",
]


def wordpress(kind: str, dated: bool = False) -> bytes:
    """A page of WordPress' classic default theme: a post (`kind="post"`) or a static page."""
    if kind == "post":
        body_class = "post-template-default single single-post postid-41 single-format-standard"
        post_class = "post-41 post type-post status-publish format-standard hentry category-news"
    else:
        body_class = "page-template-default page page-id-12 wp-embed-responsive singular"
        post_class = "post-12 page type-page status-publish hentry entry"
    footer = (
        "<footer class='entry-footer'><span class='posted-on'>Published <time class='entry-date published' "
        "datetime='2024-03-05T09:30:00+01:00'>March 5, 2024</time></span> <span class='byline'>By "
        "<a href='/author/ann/' rel='author'>Ann Lee</a></span></footer>"
        if kind == "post" or dated
        else ""
    )
    paragraphs = "".join(f"<p>{t}</p>" for t in TEXT)
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>About us – The Morning Ledger"
        f"</title></head><body class='{body_class}'><header id='masthead'><p class='site-title'>"
        "<a href='/'>The Morning Ledger</a></p><nav class='primary-navigation'><a href='/about-us/'>About "
        "us</a> <a href='/contact/'>Contact</a></nav></header><main id='main'>"
        f"<article class='{post_class}'><header class='entry-header'><h1 class='entry-title'>About us</h1>"
        f"</header><div class='entry-content'>{paragraphs}</div>{footer}</article></main></body></html>"
    ).encode()


def test_a_wordpress_static_page_is_not_an_article() -> None:
    page = extract_article(wordpress("page"), f"{SITE}/about-us/")
    assert not page.is_article
    assert page.body == ""
    assert {link.url for link in page.links} >= {f"{SITE}/contact/"}  # still crawlable


def test_the_same_text_as_a_wordpress_post_is_an_article() -> None:
    post = extract_article(wordpress("post"), f"{SITE}/2024/03/05/about-us/")
    assert post.is_article
    assert post.body.split("\n\n") == TEXT


def test_a_static_page_showing_its_date_and_byline_is_still_an_article() -> None:
    """The mark is evidence, not a verdict: a page dated and signed like a story is one (some journals
    publish stories as pages)."""
    assert extract_article(wordpress("page", dated=True), f"{SITE}/about-us/").is_article


@pytest.mark.parametrize(
    ("body_class", "head"),
    [
        ("page-template page-about", ""),  # Ghost
        ("path-node page-node-type-page", ""),  # Drupal
        ("not-front page-node page-node-7 node-type-page", ""),  # Drupal 7
        ("", '<script type="application/ld+json">{"@type": "AboutPage", "name": "About us"}</script>'),
        ("", '<script type="application/ld+json">{"@type": "ContactPage", "name": "Contact"}</script>'),
    ],
)
def test_other_systems_static_page_marks(body_class: str, head: str) -> None:
    paragraphs = "".join(f"<p>{t}</p>" for t in TEXT)
    html = (
        f"<!DOCTYPE html><html><head><title>About us</title>{head}</head><body class='{body_class}'>"
        f"<main><article><h1>About us</h1>{paragraphs}</article></main></body></html>"
    ).encode()
    assert not extract_article(html, f"{SITE}/about/").is_article
    story = (
        html.replace(body_class.encode(), b"post-template")
        if body_class
        else html.replace(head.encode(), b"")
    )
    assert extract_article(story, f"{SITE}/2024/03/about/").is_article


def test_an_article_declared_in_json_ld_on_a_page_typed_webpage_is_an_article() -> None:
    ld = json.dumps(
        {
            "@graph": [
                {"@type": "AboutPage", "name": "About"},
                {"@type": "NewsArticle", "headline": "About us"},
            ]
        }
    )
    paragraphs = "".join(f"<p>{t}</p>" for t in TEXT)
    html = (
        f"<!DOCTYPE html><html><head><title>About us</title><script type='application/ld+json'>{ld}</script>"
        f"</head><body><main><article><h1>About us</h1>{paragraphs}</article></main></body></html>"
    ).encode()
    assert extract_article(html, f"{SITE}/2024/03/about/").is_article


@pytest.mark.parametrize("post_class", ["post-12 page type-page", "Post-12 Page Type-Page"])
def test_a_static_page_post_class_is_read_in_any_case(post_class: str) -> None:
    paragraphs = "".join(f"<p>{t}</p>" for t in TEXT)
    html = (
        "<!DOCTYPE html><html><head><title>About us</title></head><body class='post-template'><main>"
        f"<article class='{post_class}'><h1>About us</h1>{paragraphs}</article></main></body></html>"
    )
    assert not extract_article(html.encode(), f"{SITE}/about/").is_article
    story = html.replace(post_class, post_class.replace("ype-", "ype-x"))
    assert extract_article(story.encode(), f"{SITE}/about/").is_article
