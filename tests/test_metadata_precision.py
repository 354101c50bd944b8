"""Metadata the page states more precisely elsewhere (issue 10, the remaining misses).

Each test is a small page with one markup pattern: a date without its time in `<head>` while the
page's `<time datetime>` has it; a local time written as UTC, or a UTC time written with the local
offset, beside a statement that gets the offset right; a `<time>` whose moment only a script's
`data-` attribute holds; a date box in a wrapper whose class says the layout has a sidebar.
"""

from __future__ import annotations

import pytest

from crawler.extract import extract_article
from tests.test_extract_metadata import TEXT, URL, ld, page


def meta(prop: str, value: str, attr: str = "property") -> str:
    return f"<meta {attr}='{prop}' content='{value}'>"


def test_a_date_alone_takes_the_time_the_page_gives_the_same_day() -> None:
    box = "<div class='dateblock'><time datetime='2016-12-15T15:33:00-05:00'>December 15, 2016</time></div>"
    a = extract_article(page(head=meta("date", "2016-12-15", "name"), before=box), URL)
    assert a.published == "2016-12-15T15:33:00-05:00"


def test_a_date_alone_keeps_no_time_from_another_day_or_a_midnight() -> None:
    other_day = "<time datetime='2016-12-16T15:33:00-05:00'>December 16, 2016</time>"
    a = extract_article(page(head=meta("date", "2016-12-15", "name"), before=other_day), URL)
    assert a.published == "2016-12-15"
    midnight = meta("article:published_time", "2016-12-15T00:00:00-05:00")
    a = extract_article(page(head=ld(datePublished="2016-12-15") + midnight), URL)
    assert a.published == "2016-12-15"


@pytest.mark.parametrize(
    ("head", "before", "expected"),
    [
        # a local time written as UTC, beside the same wall clock with its real offset
        (
            meta("article:published_time", "2019-04-19T20:00:00.000Z"),
            "<div class='post-info'><time datetime='2019-04-19T20:00:00+09:00'>2019.04.19</time></div>",
            "2019-04-19T20:00:00+09:00",
        ),
        # a UTC time written with the local offset, beside that time's local reading
        (
            meta("article:published_time", "2022-10-11T19:11:05-04:00")
            + meta("datePublished", "2022-10-11T15:11:05-04:00", "itemprop"),
            "",
            "2022-10-11T15:11:05-04:00",
        ),
        # two moments no mislabelling explains: the head's first statement stands
        (
            meta("article:published_time", "2019-03-02T00:18:32Z"),
            "<time class='entry-date' datetime='2019-03-02T09:18:32+00:00'>2019-03-02 09:18</time>",
            "2019-03-02T00:18:32+00:00",
        ),
    ],
)
def test_a_time_with_a_mislabelled_offset_takes_the_right_one(head: str, before: str, expected: str) -> None:
    a = extract_article(page(head=head, before=before), URL)
    assert a.published == expected


def test_a_time_element_whose_moment_is_in_a_data_attribute() -> None:
    box = "<span class='article-time'><time data-published='2016-12-09 09:13:00Z'>Dec 9, 2016</time></span>"
    a = extract_article(page(before=box), URL)
    assert a.published == "2016-12-09T09:13:00+00:00"


def test_a_date_box_in_a_wrapper_that_has_a_sidebar() -> None:
    html = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'></head><body>"
        "<div class='main-wrapper main-wrapper--has-sidebar'><main><article>"
        "<h1>Libya and Tunisia resume border talks</h1>"
        "<h5 class='article__published-at'>11/28/2016 11:00 AM PT</h5>"
        "<div class='entry-content'>{}</div></article></main>"
        "<aside class='sidebar'><span class='published'>12/01/2016 08:00 AM PT</span></aside>"
        "</div></body></html>"
    )
    a = extract_article(html.format(TEXT).encode(), "https://news.example.org/libya-talks/")
    assert a.published == "2016-11-28T11:00:00"


def test_schema_orgs_date_published_outranks_an_unnamed_article_published_tag() -> None:
    """`article:published` is no OGP name; a platform writes its update time there."""
    head = meta("article:published", "Tue Dec 13 2016 18:06:00 GMT+0000 (UTC)", "name")
    head += meta("datePublished", "2016-12-13T12:31:48.000Z", "itemprop")
    line = "<div class='date-source'>Dec. 13, 2016, 12:31 PM UTC / Updated Dec. 13, 2016, 6:06 PM UTC</div>"
    a = extract_article(page(head=head, before=line), URL)
    assert a.published == "2016-12-13T12:31:48+00:00"


def test_a_date_linked_to_the_page_itself_under_another_spelling_is_its_own() -> None:
    """The page's own link (scheme, `www.`, a tracking parameter aside: one page, as the crawler
    spells it) dates the page; the previous entry's linked date, nearer the headline, does not."""
    previous = "<a href='/2023/08/earlier-talks/'><time datetime='2023-08-01T09:00:00+00:00'>Aug 1</time></a>"
    own = (
        "<a href='http://www.news.example.org/2023/08/libya-talks?utm_source=rss'>"
        "<time datetime='2023-08-20T10:00:00+00:00'>Aug 20</time></a>"
    )
    a = extract_article(page(before=previous, after=own), URL)
    assert a.published == "2023-08-20T10:00:00+00:00"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Gepubliceerd op 23 maart 2023 om 14:05", "2023-03-23T14:05:00"),  # Dutch
        ("Publicerad 5 maj 2023 kl. 08.30", "2023-05-05T08:30:00"),  # Swedish
        ("Opublikowano 5 października 2023 o 10:15", "2023-10-05T10:15:00"),  # Polish, genitive
        ("Publikováno 12. června 2024", "2024-06-12"),  # Czech
        ("Опубликовано 12 октября 2023 г. в 14:30", "2023-10-12T14:30:00"),  # Russian
        ("Опубліковано 12 жовтня 2023", "2023-10-12"),  # Ukrainian
        ("Yayınlanma: 23 Ekim 2023 saat 14:07", "2023-10-23T14:07:00"),  # Turkish
        ("Diterbitkan 17 Agustus 2023 pukul 09.30", "2023-08-17T09:30:00"),  # Indonesian
        ("Publicat 3 martie 2024", "2024-03-03"),  # Romanian
    ],
)
def test_a_visible_date_line_in_the_pages_language(line: str, expected: str) -> None:
    a = extract_article(page(before=f"<div class='meta'>{line}</div>"), "https://news.example.org/talks/")
    assert a.published == expected
