"""Metadata failure classes found on pages the project never tuned on (issue 10, class 7).

One small page per markup pattern: JSON-LD types beyond NewsArticle, two-digit years, an info
box's date against teasers' dates, a kicker inside the headline, HTML entities in JSON-LD, keywords
in one string, a publisher's name given as the author, a wire agency as the only credit, and
invisible characters in titles.
"""

from __future__ import annotations

import json

import pytest

from crawler.extract import extract_article
from tests.test_extract_metadata import TEXT

URL = "https://news.example.org/politik/haushalt-beschlossen/"


def page(
    head: str = "", before: str = "", h1: str = "Border talks resume in Tunis", above: str = ""
) -> bytes:
    """`above` goes before the article (teasers), `before` between its h1 and its text."""
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>{head}</head><body>"
        f"<nav><a href='/'>Home</a></nav>{above}<article><h1>{h1}</h1>{before}"
        f"<div class='article-body'>{TEXT}</div></article></body></html>"
    ).encode()


def ld(obj: dict) -> str:
    return f'<script type="application/ld+json">{json.dumps(obj)}</script>'


PERSON = {"@type": "Person", "name": "Leila Haddad"}


@pytest.mark.parametrize("kind", ["ClaimReview", "LiveBlogPosting", "ReportageNewsArticle", "WebPage"])
def test_json_ld_types_beyond_news_article(kind: str) -> None:
    obj = {"@context": "https://schema.org", "@type": kind, "author": PERSON}
    obj["datePublished"] = "2024-04-25T14:07:00+02:00"
    if kind == "LiveBlogPosting":  # the updates carry their own authors and dates
        obj["liveBlogUpdate"] = [
            {"@type": "BlogPosting", "headline": "Update", "author": {"name": "Sami Ben Ali"},
             "datePublished": "2024-04-25T18:00:00+02:00", "articleBody": "More talks."},
        ]  # fmt: skip
    a = extract_article(page(ld({"@graph": [{"@type": "WebSite", "name": "Maghreb Daily"}, obj]})), URL)
    assert a.authors == ["Leila Haddad"]
    assert a.published == "2024-04-25T14:07:00+02:00"


def test_two_digit_years() -> None:
    a = extract_article(page(before="<div class='meta'>Do 25.04.24 | 14:07 Uhr</div>"), URL)
    assert a.published == "2024-04-25T14:07:00"


def test_the_info_box_date_beats_a_teasers_date() -> None:
    teasers = "".join(
        f"<div class='box'><a href='/politik/story-{i}/'>Earlier story {i} on the border</a>"
        f"<span class='date'>0{i}.03.2024</span></div>"
        for i in range(1, 4)
    )
    info = "<div class='infobox'><span>Stand:</span> <span>25.04.2024, 14:07 Uhr</span></div>"
    a = extract_article(page(above=f"<div class='top'>{teasers}</div>", before=info), URL)
    assert a.published == "2024-04-25T14:07:00"


@pytest.mark.parametrize(
    ("og_title", "expected"),
    [
        ("Genetik: Das Geheimnis der Riesenblumen", "Genetik: Das Geheimnis der Riesenblumen"),
        ("Genetik – Das Geheimnis der Riesenblumen", "Genetik – Das Geheimnis der Riesenblumen"),
        ("Das Geheimnis der Riesenblumen", "Das Geheimnis der Riesenblumen"),
        (None, "Genetik: Das Geheimnis der Riesenblumen"),
    ],
)
def test_a_kicker_and_its_headline_keep_their_separator(og_title: str | None, expected: str) -> None:
    h1 = "<span class='headline-kicker'>Genetik</span>"
    h1 += "<span class='headline-title'>Das Geheimnis der Riesenblumen</span>"
    head = f"<meta property='og:title' content='{og_title}'>" if og_title else ""
    assert extract_article(page(head=head, h1=h1), URL).title == expected


def test_html_entities_in_json_ld_strings() -> None:
    obj = {
        "@type": "NewsArticle",
        "headline": "Tom &amp; Jerry&#8217;s border",
        "author": {"@type": "Person", "name": "Jos&eacute; Garc&iacute;a"},
        "articleSection": "Politik &amp; Gesellschaft",
        "keywords": "Tunis, Fran&ccedil;ois",
    }
    a = extract_article(page(head=ld(obj), h1="Tom &amp; Jerry’s border"), URL)
    assert a.title == "Tom & Jerry’s border"
    assert a.authors == ["José García"]
    assert a.section == "Politik & Gesellschaft"
    assert a.tags == ["Tunis", "François"]


def test_keywords_in_one_string_are_split_and_meta_keywords_follow() -> None:
    obj = {"@type": "NewsArticle", "keywords": ["Haushalt, Bundestag; Finanzen"]}
    assert extract_article(page(head=ld(obj)), URL).tags == ["Haushalt", "Bundestag", "Finanzen"]
    # keywords that are no tags (internal ids) give way to the meta keywords
    obj = {"@type": "NewsArticle", "keywords": ["id:4711", "channel:politik"]}
    head = ld(obj) + "<meta name='keywords' content='Haushalt, Bundestag'>"
    assert extract_article(page(head=head), URL).tags == ["Haushalt", "Bundestag"]


def test_a_publishers_or_sites_name_is_no_author() -> None:
    site = "<meta property='og:site_name' content='Maghreb Daily'>"
    org = {"@type": "Organization", "name": "Maghreb Daily"}
    obj = {"@type": "NewsArticle", "author": org, "publisher": org}
    byline = "<div class='byline'>By Leila Haddad</div>"
    assert extract_article(page(head=site + ld(obj), before=byline), URL).authors == ["Leila Haddad"]
    head = site + "<meta name='author' content='Maghreb Daily'>"
    assert extract_article(page(head=head), URL).authors == []


@pytest.mark.parametrize(
    ("head", "before", "agency"),
    [
        (ld({"@type": "NewsArticle", "author": {"@type": "Organization", "name": "Reuters"}}), "", "Reuters"),
        ("", "<div class='byline'>By AFP</div>", "AFP"),
        ("<meta name='author' content='dpa'>", "", "dpa"),
    ],
)
def test_a_wire_agency_is_the_credit_when_no_person_is_named(head: str, before: str, agency: str) -> None:
    a = extract_article(page(head=head, before=before), URL)
    assert (a.authors, a.agency) == ([agency], agency)


def test_soft_hyphens_and_zero_width_characters_leave_titles() -> None:
    a = extract_article(page(h1="Bundes&shy;regierung be&#8203;schließt Haus&shy;halt"), URL)
    assert a.title == "Bundesregierung beschließt Haushalt"
    head = "<meta property='og:title' content='Bundes&shy;regierung beschließt Haushalt'>"
    assert extract_article(page(head=head, h1=""), URL).title == "Bundesregierung beschließt Haushalt"
