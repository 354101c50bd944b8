"""Metadata markup patterns of publishing systems the development sets do not show (issue 10).

One small page per pattern: JSON-LD authors named by `@id` reference (Yoast SEO's
@graph), more date meta names (Dublin Core, PRISM), a UTC time that the page also shows as the local
wall clock, dates written in more languages (Arabic, Hungarian, Greek, Hebrew...), and the
`twitter:site` handle that is no site name.
"""

from __future__ import annotations

import json

import pytest

from crawler.extract import extract_article
from crawler.extract.authors import clean_names
from crawler.extract.dates import parse_text
from tests.test_extract_metadata import TEXT, page

URL = "https://news.example.org/politics/council-budget/"
H1 = "Council approves the new budget"


def graph(*nodes: dict) -> str:
    data = json.dumps({"@context": "https://schema.org", "@graph": list(nodes)})
    return f'<script type="application/ld+json">{data}</script>'


SITE = {"@type": "Organization", "@id": "https://news.example.org/#organization", "name": "Harbour Post"}


def article(**fields) -> dict:
    return {"@type": "Article", "@id": f"{URL}#article", "headline": H1, **fields}


def person(n: int, name: str) -> dict:
    return {"@type": ["Person"], "@id": f"https://news.example.org/#/schema/person/{n}", "name": name}


def ref(n: int) -> dict:
    return {"@id": f"https://news.example.org/#/schema/person/{n}"}


def test_json_ld_authors_given_by_reference_to_graph_nodes() -> None:
    """Yoast SEO names the post's author by `@id`; the Person node elsewhere in @graph has the name."""
    one = graph(SITE, article(author=ref(1)), person(1, "Amina Yusuf"))
    assert extract_article(page(one), URL).authors == ["Amina Yusuf"]
    two = graph(SITE, article(author=[ref(1), ref(2)]), person(1, "Amina Yusuf"), person(2, "Jonas Berg"))
    assert extract_article(page(two), URL).authors == ["Amina Yusuf", "Jonas Berg"]


def test_a_referenced_account_is_no_more_than_a_meta_tag() -> None:
    """The node names the CMS user who posted: a login is no author, and the visible byline of
    someone else wins (as over an author meta tag)."""
    login = graph(SITE, article(author=ref(1)), person(1, "admin"))
    assert extract_article(page(login), URL).authors == []
    byline = "<p class='byline'>By <a href='/author/jonas-berg/'>Jonas Berg</a></p>"
    poster = graph(SITE, article(author=ref(1)), person(1, "Amina Yusuf"))
    assert extract_article(page(poster, byline), URL).authors == ["Jonas Berg"]


@pytest.mark.parametrize(
    "name", ["DC.date.created", "dcterms.issued", "prism.publicationDate", "publication_date"]
)
def test_more_publication_date_meta_names(name: str) -> None:
    head = f"<meta name='{name}' content='2023-08-23'>"
    assert extract_article(page(head), URL).published == "2023-08-23"


def test_a_utc_time_shown_as_the_local_wall_clock_keeps_the_local_day() -> None:
    """The head says 01:30 UTC on the 24th; the page shows "Aug. 23, 2023, 9:30 p.m.": the same
    moment, dated the 23rd where it was published."""
    head = (
        "<meta property='article:published_time' content='2023-08-24T01:30:00Z'>"
        "<meta property='article:modified_time' content='2023-08-24T03:00:00Z'>"
    )
    shown = "<p class='dateline'><time datetime='garbled'>Published: Aug. 23, 2023, 9:30 p.m.</time></p>"
    a = extract_article(page(head, shown), URL)
    assert a.published == "2023-08-23T21:30:00-04:00"
    assert a.modified == "2023-08-23T23:00:00-04:00"


def test_a_local_time_that_is_no_real_offset_away_is_left_alone() -> None:
    """A shown time 17 minutes off the UTC one is another moment (an update), not the local clock."""
    head = (
        "<meta property='article:published_time' content='2023-08-24T01:30:00Z'>"
        "<meta property='article:modified_time' content='2023-08-24T03:00:00Z'>"
    )
    shown = "<p class='dateline'><time>Published: Aug. 23, 2023, 9:47 p.m.</time></p>"
    assert extract_article(page(head, shown), URL).published == "2023-08-24T01:30:00+00:00"


def test_the_twitter_handle_is_no_site_name() -> None:
    """The handle spelled like the site's name does not make the site's name an author."""
    head = (
        "<meta property='og:site_name' content='Maghreb Daily'>"
        "<meta name='twitter:site' content='@MaghrebDaily'><meta name='author' content='Maghreb Daily'>"
    )
    assert extract_article(page(head), URL).authors == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("23 أغسطس 2023", "2023-08-23"),  # Arabic (Egypt, the Gulf)
        ("٢٣ آب ٢٠٢٣", "2023-08-23"),  # Arabic (the Levant), Arabic-Indic digits
        ("23 كانون الثاني 2023", "2023-01-23"),  # a two-word Levantine name
        ("2023. augusztus 23. 10:05", "2023-08-23T10:05:00"),  # Hungarian, the year first
        ("2023 m. rugpjūčio 23 d.", "2023-08-23"),  # Lithuanian
        ("23. elokuuta 2023", "2023-08-23"),  # Finnish
        ("23 Αυγούστου 2023", "2023-08-23"),  # Greek
        ("23. kolovoza 2023.", "2023-08-23"),  # Croatian
        ("23. augusta 2023", "2023-08-23"),  # Slovak
        ("23 август 2023", "2023-08-23"),  # Bulgarian
        ("23 באוגוסט 2023", "2023-08-23"),  # Hebrew
        ("23 d'agost de 2023", "2023-08-23"),  # Catalan
        ("23 ago 2023", "2023-08-23"),  # Italian, Spanish, Portuguese abbreviation
        ("23 okt. 2023", "2023-10-23"),  # Dutch, German, Scandinavian abbreviation
        ("Cancer Res. 2016 Sep 27", "2016-09-27"),  # English, the year first (citations)
    ],
)
def test_dates_written_in_more_languages(text: str, expected: str) -> None:
    assert parse_text(text) == expected


def test_a_date_line_in_greek_dates_the_article() -> None:
    shown = "<p class='meta'>Δημοσιεύθηκε: 23 Αυγούστου 2023</p>"
    assert extract_article(page(before=shown, html_attrs=" lang='el'"), URL).published == "2023-08-23"


@pytest.mark.parametrize(
    ("byline", "lang", "name"),
    [
        ("Автор: Мария Лопес", "ru", "Мария Лопес"),
        ("Yazar: Ayşe Yılmaz", "tr", "Ayşe Yılmaz"),
        ("بقلم: ماريا لوبيز", "ar", "ماريا لوبيز"),
        ("מאת: דנה כהן", "he", "דנה כהן"),
        ("김민수 기자", "ko", "김민수"),  # the role after the name
    ],
)
def test_a_bylines_label_or_role_in_any_language_is_no_part_of_the_name(
    byline: str, lang: str, name: str
) -> None:
    a = extract_article(page(before=f"<div class='byline'>{byline}</div>", html_attrs=f" lang='{lang}'"), URL)
    assert a.authors == [name]


def test_a_picture_credit_after_a_label_is_no_author() -> None:
    before = "<div class='byline'>Foto: Jonas Berg</div>"
    assert extract_article(page(before=before), URL).authors == []


def test_a_blogger_title_separator() -> None:
    """Blogger themes write "Post ~ Blog"; with no `<h1>` and no site name declared."""
    html = (
        "<html><head><title>Council approves the new budget ~ Harbour Notes</title></head>"
        f"<body><div class='post-body'>{TEXT}</div></body></html>"
    ).encode()
    assert extract_article(html, URL).title == H1


def test_the_json_ld_article_of_this_page_beats_a_related_storys() -> None:
    """A page describes a related story too, with more fields: its `url` names another page."""
    own = {"@type": "NewsArticle", "headline": H1, "url": URL, "datePublished": "2023-08-23T10:00:00+02:00"}
    own["author"] = {"@type": "Person", "name": "Amina Yusuf"}
    other = {"@type": "NewsArticle", "headline": "Harbour dredging starts", "description": "The dredging."}
    other |= {"mainEntityOfPage": {"@id": "https://news.example.org/harbour/dredging/"}, "image": "/d.jpg"}
    other |= {
        "datePublished": "2023-07-01T09:00:00+02:00",
        "author": {"@type": "Person", "name": "Jonas Berg"},
    }
    a = extract_article(page(graph(own, other)), URL)
    assert (a.authors, a.published) == (["Amina Yusuf"], "2023-08-23T10:00:00+02:00")


def test_a_line_giving_the_update_first_dates_the_article_by_its_publication() -> None:
    shown = "<p class='meta'>Updated: August 25, 2023 · Published: August 23, 2023</p>"
    assert extract_article(page(before=shown), URL).published == "2023-08-23"


def test_a_relative_time_with_its_moment_as_an_epoch() -> None:
    shown = "<time class='published' data-timestamp='1692784800'>2 hours ago</time>"
    assert extract_article(page(before=shown), URL).published == "2023-08-23T10:00:00+00:00"


def test_a_title_escaped_twice_reads_once() -> None:
    head = "<meta property='og:title' content='Council &amp;amp; mayor agree on the budget'>"
    html = f"<html><head>{head}</head><body><div class='content'>{TEXT}</div></body></html>".encode()
    assert extract_article(html, URL).title == "Council & mayor agree on the budget"


@pytest.mark.parametrize(
    ("byline", "names"),
    [
        ("Door Jan de Vries en Piet Jansen", ["Jan de Vries", "Piet Jansen"]),  # Dutch "and"
        ("Av Anna Svensson och Erik Berg", ["Anna Svensson", "Erik Berg"]),  # Swedish
        ("Szerző: Kovács Anna és Nagy Péter", ["Kovács Anna", "Nagy Péter"]),  # Hungarian
        ("Автор: Иван Петров и Мария Иванова", ["Иван Петров", "Мария Иванова"]),  # Russian
        ("Von Anna Schmidt, Berlin", ["Anna Schmidt"]),  # the place after the name
        ("Por María López en Madrid", ["María López"]),
        ("Par Marie Dupont, à Paris", ["Marie Dupont"]),
    ],
)
def test_names_joined_and_placed_in_more_languages(byline: str, names: list[str]) -> None:
    assert clean_names(byline) == names
