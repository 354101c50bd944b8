"""Metadata as pages of many languages and publishers write it (issue 10): dates relative to the moment
the page was served ("3 hours ago", read against the response's `Date` header, in the crawl and in a
reparse alike), dates of the Persian calendar, the Thai Buddhist era and the Japanese and Taiwanese eras,
month names in Hindi, Bengali, Urdu and Persian, Vietnamese numbered months, a one-word name after
"and" in a byline, bylines in more languages, and headlines that `<br>` breaks into lines.

Each page is built here with the pattern; the crawl test serves one on 127.0.0.1.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from crawler.extract import extract_article
from crawler.extract.authors import clean_names
from crawler.extract.dates import parse_text
from tests.faultserver import article_html
from tests.helpers import jcrawl, query, serve_stories
from tests.test_extract_metadata import TEXT, ld, page

URL = "https://news.example.org/politics/border-talks/"
SERVED = "Wed, 23 Aug 2023 12:00:00 GMT"
HEADERS = {"Content-Type": "text/html; charset=utf-8", "Date": SERVED}


def meta_line(text: str) -> bytes:
    """An article whose only date is `text`, in the meta line under its headline."""
    return page(before=f"<div class='meta'><span class='author'>Jane Roe</span> · <span>{text}</span></div>")


@pytest.mark.parametrize(
    ("shown", "published"),
    [
        ("3 hours ago", "2023-08-23T09:00:00+00:00"),
        ("Updated 5 mins ago", "2023-08-23T11:55:00+00:00"),
        ("an hour ago", "2023-08-23T11:00:00+00:00"),
        ("2 days ago", "2023-08-21"),
        ("vor 2 Tagen", "2023-08-21"),
        ("hace 5 minutos", "2023-08-23T11:55:00+00:00"),
        ("il y a une heure", "2023-08-23T11:00:00+00:00"),
        ("3 ore fa", "2023-08-23T09:00:00+00:00"),
        ("2 dagen geleden", "2023-08-21"),
        ("5 часов назад", "2023-08-23T07:00:00+00:00"),
        ("5分前", "2023-08-23T11:55:00+00:00"),
        ("3시간 전", "2023-08-23T09:00:00+00:00"),
        ("AP – 1 hr 4 mins ago", "2023-08-23T10:56:00+00:00"),  # a span in two units
        ("2 hours and 5 minutes ago", "2023-08-23T09:55:00+00:00"),
        ("heute, 14:07 Uhr", "2023-08-23T14:07:00"),  # today or yesterday at the page's wall clock
        ("Yesterday at 5:30 PM", "2023-08-22T17:30:00"),
        ("ayer a las 10:30", "2023-08-22T10:30:00"),
        ("昨日 18:30", "2023-08-22T18:30:00"),
        ("Mar. 5", "2023-03-05"),  # no year: the capture's
        ("12 mai", "2023-05-12"),
        ("Sept. 30 at 4:00 p.m.", "2022-09-30"),  # a day still to come is last year's
    ],
)
def test_a_relative_date_counts_back_from_when_the_page_was_served(shown: str, published: str) -> None:
    assert extract_article(meta_line(shown), URL, HEADERS).published == published


def test_a_relative_date_needs_the_moment_and_yields_to_any_other_date() -> None:
    assert extract_article(meta_line("3 hours ago"), URL).published is None  # no Date header: no guess
    assert extract_article(meta_line("3 hours ago"), URL, {"Date": "not a date"}).published is None
    declared = page(
        "<meta property='article:published_time' content='2023-08-20T08:00:00Z'>",
        "<div class='meta'><span>3 hours ago</span></div>",
    )
    assert extract_article(declared, URL, HEADERS).published == "2023-08-20T08:00:00+00:00"
    dated_url = "https://news.example.org/2023/08/19/border-talks/"
    assert extract_article(meta_line("3 hours ago"), dated_url, HEADERS).published == "2023-08-19"
    # "2 months ago" names no day; "3月5日前" is "before March 5", not five days ago
    assert extract_article(meta_line("2 months ago"), URL, HEADERS).published is None
    assert extract_article(meta_line("3月5日前"), URL, HEADERS).published is None
    # "hier" without a time is German "here"; "des 5 pays" names no month
    assert extract_article(meta_line("Hier ist alles neu"), URL, HEADERS).published is None
    assert extract_article(meta_line("Le sommet des 5 pays"), URL, HEADERS).published is None
    # a date with its year is never given the capture's year ("4 Aug" of a form no parser reads)
    assert extract_article(meta_line("4 Aug ~ 2013"), URL, HEADERS).published is None


def test_a_comment_further_down_does_not_date_the_article() -> None:
    comments = "".join(f"<p>Reader {n}, 2 hours ago: I agree with this.</p>" for n in range(3))
    far = page(after=f"<section class='comments'>{comments}</section>")
    assert extract_article(far, URL, HEADERS).published is None


def test_the_crawl_and_a_reparse_read_the_same_served_moment(httpserver: HTTPServer, tmp_path: Path) -> None:
    """The spider hands extraction the response's Date header; a reparse reads it from the WARC."""
    lines = "<p class='byline'>By Jane Roe</p><p class='dateline'>2 hours ago</p>"
    html = article_html("Harbour berths open").replace(
        '<div class="entry-content">', lines + '<div class="entry-content">'
    )
    result = jcrawl("crawl", serve_stories(httpserver, [html]), "--quiet", archive=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    sql = "SELECT a.published, c.fetched_at FROM articles a JOIN captures c ON c.id = a.capture_id"
    [(published, fetched)] = query(tmp_path, sql)
    served = datetime.fromisoformat(fetched.replace("Z", "+00:00"))
    assert abs(datetime.fromisoformat(published) + timedelta(hours=2) - served) < timedelta(minutes=2)
    for path in tmp_path.glob("journal.db*"):
        path.unlink()
    result = jcrawl("reparse", archive=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert query(tmp_path, sql) == [(published, fetched)]


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("۲۳ آبان ۱۴۰۲", "2023-11-14"),  # Persian calendar, Persian digits
        ("شنبه ۲۳ آبان ماه ۱۴۰۲ - ۱۰:۳۰", "2023-11-14T10:30:00"),
        ("23 آبان 1402", "2023-11-14"),
        ("۱ فروردین ۱۴۰۳", "2024-03-20"),  # the new year, the day after the equinox
        ("۳۰ اسفند ۱۴۰۳", "2025-03-20"),  # the last day of a leap year
        ("۳۰ اسفند ۱۴۰۰", None),  # a day a common year has not
        ("تاريخ انتشار: ۱۴۰۲/۰۸/۲۳", "2023-11-14"),  # numeric, year first, Arabic yeh in the label
        ("5 มีนาคม 2567", "2024-03-05"),  # Thai: Buddhist era year
        ("วันที่ 5 มี.ค. 2567 เวลา 10:30 น.", "2024-03-05T10:30:00"),
        ("05/03/2567", "2024-03-05"),
        ("५ मार्च २०२४", "2024-03-05"),  # Hindi, Devanagari digits
        ("15 फ़रवरी 2024, 10:30 IST", "2024-02-15T10:30:00"),
        ("2 अक्टूबर 2023", "2023-10-02"),
        ("٢٣ آبان", None),  # no year: no date
        ("۱۴ نوامبر ۲۰۲۳", "2023-11-14"),  # Persian names of the Gregorian months
        ("الأحد، 04 آب/أغسطس 2013، آخر تحديث", "2013-08-04"),  # Arabic: two names of the month
        ("15 مارچ 2024", "2024-03-15"),  # Urdu
        ("প্রকাশ: ১২ জানুয়ারি ২০২৪, ১০:৩০", "2024-01-12T10:30:00"),  # Bengali
        ("ngày 5 tháng 3 năm 2024", "2024-03-05"),  # Vietnamese: the month by its number
        ("Thứ Ba, 5 tháng 3, 2024 10:30", "2024-03-05T10:30:00"),
        ("令和6年3月5日 10時30分", "2024-03-05T10:30:00"),  # Japanese era
        ("令和元年5月1日", "2019-05-01"),  # its first year
        ("民國113年3月5日", "2024-03-05"),  # Republic of China (Taiwan)
    ],
)
def test_dates_of_other_calendars_and_scripts(text: str, iso: str | None) -> None:
    assert parse_text(text) == iso


def test_a_persian_page_dated_only_in_its_calendar() -> None:
    persian = page(
        before="<div class='meta'><span class='date'>۲۳ آبان ۱۴۰۲</span></div>", html_attrs=" lang='fa'"
    )
    assert extract_article(persian, URL).published == "2023-11-14"


@pytest.mark.parametrize(
    ("byline", "names"),
    [
        ("By Anna Schmidt and Madonna", ["Anna Schmidt", "Madonna"]),  # one name after "and": a person
        ("By Anna Schmidt & Madonna", ["Anna Schmidt", "Madonna"]),
        ("Von Anna Schmidt und Madonna", ["Anna Schmidt", "Madonna"]),
        ("By Anna Schmidt, John Smith and Prince", ["Anna Schmidt", "John Smith", "Prince"]),
        ("Von Anna Schmidt, Berlin", ["Anna Schmidt"]),  # after a comma: the place
        ("By Anna Schmidt and John Smith, London", ["Anna Schmidt", "John Smith"]),
        ("Por María López en Madrid", ["María López"]),
        ("Oleh Budi Santoso dan Siti Rahma", ["Budi Santoso", "Siti Rahma"]),  # Indonesian
        ("Bởi Nguyễn Văn An và Trần Thị Bình", ["Nguyễn Văn An", "Trần Thị Bình"]),  # Vietnamese
        ("بقلم أحمد علي و محمد حسن", ["أحمد علي", "محمد حسن"]),  # Arabic
        ("מאת דני כהן", ["דני כהן"]),  # Hebrew
        ("By Jane Doe and Dan Smith", ["Jane Doe", "Dan Smith"]),  # "Dan" the name, not "dan" (and)
        ("By Jane Doe and Staff", ["Jane Doe"]),  # the desk and the wires are no one-word person
        ("Jane Doe and Agencies", ["Jane Doe"]),
        ("Por Ana Ruiz y Agencias", ["Ana Ruiz"]),
    ],
)
def test_a_one_word_name_after_and_is_a_person(byline: str, names: list[str]) -> None:
    assert clean_names(byline) == names


def test_a_one_word_co_author_on_a_page() -> None:
    byline = "<p class='byline'>By Anna Schmidt and Madonna</p>"
    assert extract_article(page(before=byline), URL).authors == ["Anna Schmidt", "Madonna"]
    dated = "<p class='byline'>By Anna Schmidt · Dec 5</p>"  # a month beside the name is no author
    assert extract_article(page(before=dated), URL).authors == ["Anna Schmidt"]


def test_an_unmarked_byline_in_another_language() -> None:
    """No byline markup: a line under the headline that starts with the language's "by"."""
    line = "<p>Oleh Budi Santoso dan Siti Rahma</p>"
    assert extract_article(page(before=line), URL).authors == ["Budi Santoso", "Siti Rahma"]


def headline_page(title: str, h1: str) -> bytes:
    body = f"<body><article>{h1}<div>{TEXT}</div></article></body>"
    return f"<html><head><title>{title}</title></head>{body}</html>".encode()


def test_a_headline_broken_into_lines_is_one_title() -> None:
    """`<br>` splits a heading into lines: the title is all of them when the metadata says so, its first
    line when the metadata names only that (the next line is the writer's name)."""
    lines = "<h1>Harbour talks<br>\n Ministers meet again</h1>"
    two = headline_page("Harbour talks: ministers meet again | Harbour Post", lines)
    assert extract_article(two, URL).title == "Harbour talks Ministers meet again"
    cjk = "<h2>港湾協議<br>\n「早期発見」の会合<br>\n～新しい始まり～\n</h2>"
    three = headline_page("港湾協議 「早期発見」の会合 ～新しい始まり～ - 港湾新聞", cjk)
    assert extract_article(three, URL).title == "港湾協議 「早期発見」の会合 ～新しい始まり～"
    signed = "<h1><span>Harbour talks resume in spring</span><br><span>Senior writer Jane Roe</span></h1>"
    one = headline_page("Harbour talks resume in spring (photo) : Harbour Post", signed)
    assert extract_article(one, URL).title == "Harbour talks resume in spring"


def test_contact_details_after_the_name_are_no_part_of_it() -> None:
    for line in ("By Jane Doe jane@example.org", "By Jane Doe (jane@example.org)", "By Jane Doe @janedoe"):
        byline = f"<div class='byline'>{line}</div>"
        assert extract_article(page(before=byline), URL).authors == ["Jane Doe"]


def test_one_json_ld_person_naming_several_people() -> None:
    data = ld(author={"@type": "Person", "name": ["Jane Doe", "John Roe"]})
    assert extract_article(page(data), URL).authors == ["Jane Doe", "John Roe"]


def test_a_json_ld_headline_keeps_its_first_words() -> None:
    """A dash inside the JSON-LD headline is no site name's separator: only `<title>` is guessed at."""
    head = "<title>Home</title>" + ld(headline="Libya &#8211; Tunisia talks")
    body = f"<body><article><div>{TEXT}</div></article></body>"
    html = f"<html><head>{head}</head>{body}</html>".encode()
    assert extract_article(html, URL).title == "Libya – Tunisia talks"


def test_a_fraction_or_a_headline_is_no_relative_date() -> None:
    # "1,5 hours ago" is not five hours ago: a count with a fraction is left unread
    for shown in ("1,5 hours ago", "1.5 hours ago", "vor 1,5 Stunden", "1.5時間前"):
        assert extract_article(meta_line(shown), URL, HEADERS).published is None, shown
    # a headline's words that read as a day and month ("4 may") date nothing: a date line is no heading
    headline = page().replace(b"Libya and Tunisia resume border talks", b"Robbery: all 4 may face charges")
    assert extract_article(headline, URL, HEADERS).published is None
