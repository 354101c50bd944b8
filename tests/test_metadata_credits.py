"""Who the record credits, against the other credits a page gives (issue 10, the remaining misses).

Each test is a small page with one markup pattern: picture credits among the author meta tags, a
caption's credit marked up as an author, a contributor list whose photographers and models the
page credits as such, a pull quote's attribution, and initials that sign a story.
"""

from __future__ import annotations

import pytest

from crawler.extract import extract_article
from tests.test_extract_metadata import URL, page


def author_meta(*values: str) -> str:
    return "".join(f"<meta name='author' content='{v}'>" for v in values)


@pytest.mark.parametrize("credit", ["Foto: Max Muster", "Photo: Max Muster", "Getty Images", "Bild: dpa"])
def test_picture_credits_among_the_author_meta_tags_are_no_authors(credit: str) -> None:
    a = extract_article(page(head=author_meta("Leila Haddad", credit)), URL)
    assert a.authors == ["Leila Haddad"]


def test_a_caption_credit_marked_as_author_is_no_byline() -> None:
    figure = (
        "<figure><img src='/heat.jpg' alt=''><figcaption>Office workers in Maastricht."
        "<small itemprop='author' class='caption-credit'>Photograph by Tyrone Turner, National Geographic"
        " Creative</small></figcaption></figure>"
    )
    a = extract_article(page(before=figure), URL)
    assert a.authors == []
    a = extract_article(page(before="<p class='byline'>By Leila Haddad</p>" + figure), URL)
    assert a.authors == ["Leila Haddad"]


def test_the_photographer_and_model_of_a_contributor_list_are_no_authors() -> None:
    head = author_meta("Connie Wang,Kyle Kellogg,Sharokh Mirzai,Ariel Pierre-Louis at MSA Models")
    byline = (
        "<div class='byline featured-contributors'><a href='/author/connie-wang'>written by "
        "<span>Connie Wang</span></a></div>"
    )
    credits = (
        "<div class='byline other-contributors'><span>Photographed by <span>Sharokh Mirzai</span></span>; "
        "<span>Modeled by <span>Ariel Pierre-Louis at MSA Models</span></span></div>"
    )
    a = extract_article(page(head=head, before=byline, after=credits), URL)
    assert a.authors == ["Connie Wang", "Kyle Kellogg"]


def test_a_pull_quotes_attribution_is_no_byline() -> None:
    quote = (
        "<div class='pull-quote'><blockquote>I totally agree with my wife.</blockquote>"
        "<div class='pull-quote__author'><span class='author'>Boris Kingma</span></div></div>"
    )
    a = extract_article(page(before=quote), URL)
    assert a.authors == []


@pytest.mark.parametrize(
    ("head", "signature", "expected"),
    [
        (author_meta("KT"), "《KT》", ["KT"]),  # the meta tag and the byline agree
        (author_meta("A.B."), "(A.B.)", ["A.B."]),
        ("", "《KT》", []),  # the byline alone: two capitals could be anything
        (author_meta("KT"), "", []),  # the meta tag alone: a handle, a desk's code
        (author_meta("KT"), "《AB》", []),  # they disagree
    ],
)
def test_initials_sign_a_story_when_two_sources_agree(head: str, signature: str, expected: list[str]) -> None:
    after = f"<span class='writer writer-name'>{signature}</span>" if signature else ""
    a = extract_article(page(head=head, after=after), URL)
    assert a.authors == expected


def test_every_name_of_an_author_item_is_an_author_but_not_its_employers_or_a_date() -> None:
    item = (
        "<div class='hidden' itemprop='author' itemscope itemtype='http://schema.org/Person'>"
        "<span itemprop='name'>Paul Wiseman</span>"
        "<span itemprop='name'>Fatima Hussein, The Associated Press</span>"
        "<div itemprop='worksFor' itemscope><span itemprop='name'>Wire Desk Group</span></div>"
        "<div itemprop='name'>NOVEMBER 20, 2019 10:43</div></div>"
    )
    a = extract_article(page(before=item), URL)
    assert a.authors == ["Paul Wiseman", "Fatima Hussein"]
