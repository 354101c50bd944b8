"""Article metadata: title, authors, dates, agency, section, tags, language, lead, image, canonical URL."""

from __future__ import annotations

import json

import pytest

from crawler.extract import extract_article
from crawler.extract.agency import agency_in_byline
from crawler.extract.authors import clean_names
from crawler.extract.dates import parse_iso, parse_text
from crawler.extract.title import strip_site_name

URL = "https://news.example.org/2023/08/libya-talks/"
TEXT = (
    "<p>Officials from both governments met in Tunis on Tuesday to discuss the reopening of the border "
    "crossing, which has been closed since the spring.</p>"
    "<p>The talks, the third round this year, ended without a joint statement, but both delegations said "
    "they would meet again before the end of the month.</p>"
    "<p>Trade between the two countries has fallen by a third since the closure, according to customs "
    "figures published last week.</p>"
)


def page(head: str = "", before: str = "", after: str = "", body: str = TEXT, html_attrs: str = "") -> bytes:
    """An article page: `head` in <head>, `before`/`after` around the text inside <article>."""
    return (
        f"<!DOCTYPE html><html{html_attrs}><head><meta charset='utf-8'>{head}</head>"
        f"<body class='single single-post'><nav class='menu'><a href='/'>Home</a></nav>"
        f"<article><h1>Libya and Tunisia resume border talks</h1>{before}"
        f"<div class='entry-content'>{body}</div>{after}</article></body></html>"
    ).encode()


def ld(**fields) -> str:
    return f'<script type="application/ld+json">{json.dumps({"@type": "NewsArticle", **fields})}</script>'


# -- title ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "site", "expected"),
    [
        ("Libya and Tunisia resume border talks | Maghreb Daily", "Maghreb Daily", None),
        ("Libya and Tunisia resume border talks - Maghreb Daily", None, None),
        ("Maghreb Daily :: Libya and Tunisia resume border talks", "Maghreb Daily", None),
        (
            "Algeria - Morocco gas deal signed - Maghreb Daily",
            "Maghreb Daily",
            "Algeria - Morocco gas deal signed",
        ),
    ],
)
def test_title_drops_the_site_name(title: str, site: str | None, expected: str | None) -> None:
    assert strip_site_name(title, site) == (expected or "Libya and Tunisia resume border talks")


@pytest.mark.parametrize(
    ("doc_title", "h1", "og_title"),
    [
        ("Gzip Story - Test Journal", "Gzip Story", None),  # a short headline, shorter than the site
        # <title> is an SEO variant: the visible headline wins
        ("Kashmir issue: China snubs Pakistan | India News", "China snubs Pakistan, says resolve it", None),
        # separators inside the headline, and an og:title cut short
        ("Budget: what changes — and what doesn’t – Courier", "Budget: what changes — and what doesn’t",
         "Budget: what changes"),
    ],
)  # fmt: skip
def test_title_is_the_visible_headline(doc_title: str, h1: str, og_title: str | None) -> None:
    head = f"<title>{doc_title}</title>" + (
        f"<meta property='og:title' content='{og_title}'>" if og_title else ""
    )
    html = f"<html><head>{head}</head><body><article><h1>{h1}</h1>{TEXT}</article></body></html>"
    assert extract_article(html.encode(), URL).title == h1


def test_title_is_the_headline_not_an_h1_naming_the_site() -> None:
    html = (
        "<html><head><title>Border talks resume | Maghreb Daily</title>"
        "<meta property='og:site_name' content='Maghreb Daily'></head><body>"
        f"<h1>Maghreb Daily</h1><div class='post'><h2>Border talks resume</h2>{TEXT}</div></body></html>"
    )
    assert extract_article(html.encode(), URL).title == "Border talks resume"


# -- authors and agency -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("byline", "names"),
    [
        ("By Leila Haddad and Karim Mansour", ["Leila Haddad", "Karim Mansour"]),
        ("By Leila Haddad, Karim Mansour & Sami Ben Ali", ["Leila Haddad", "Karim Mansour", "Sami Ben Ali"]),
        ("Written by Leila Haddad | AFP", ["Leila Haddad"]),
        ("Par Leila Haddad et Karim Mansour", ["Leila Haddad", "Karim Mansour"]),
        ("Posted On 23 August 2023", []),
    ],
)
def test_byline_names(byline: str, names: list[str]) -> None:
    assert clean_names(byline) == names


@pytest.mark.parametrize(
    ("byline", "authors", "agency"),
    [
        ("By Leila Haddad and Karim Mansour | AFP", ["Leila Haddad", "Karim Mansour"], "AFP"),
        ("By Leila Haddad, Agence France-Presse", ["Leila Haddad"], "AFP"),
        ("By AFP", ["AFP"], "AFP"),  # no person named: the wire agency is the credit
        ("By Reuters staff", ["Reuters"], "Reuters"),
        ("Posted On 23/08/2023 | By Leila Haddad | APS", ["Leila Haddad"], "APS"),
    ],
)
def test_visible_byline_gives_authors_and_agency(byline: str, authors: list[str], agency: str) -> None:
    a = extract_article(page(before=f"<div class='byline'>{byline}</div>"), URL)
    assert (a.authors, a.agency) == (authors, agency)


@pytest.mark.parametrize(
    ("line", "agency"),
    [
        ("Posted On 23 August 2023 · APS", "APS"),
        ("Leila Haddad • AFP", "AFP"),
        ("Leila Haddad / Reuters", "Reuters"),
        ("Leila Haddad; AFP", "AFP"),
        ("Leila Haddad|AFP", "AFP"),
        ("Leila Haddad – AFP", "AFP"),
        ("Leila Haddad — MAP", "MAP"),
        ("Leila Haddad - AFP", "AFP"),
        ("Leila Haddad-AFP", None),  # a hyphen between words separates nothing
        ("AFP", "AFP"),  # a line without a separator is one part
        ("Written by Leila Haddad", None),
    ],
)
def test_agency_as_a_part_of_a_meta_line(line: str, agency: str | None) -> None:
    assert agency_in_byline(line) == agency


def test_json_ld_authors_and_agency_author() -> None:
    head = ld(
        author=[{"@type": "Person", "name": "Leila Haddad"}, {"@type": "Organization", "name": "Reuters"}]
    )
    a = extract_article(page(head), URL)
    assert a.authors == ["Leila Haddad"]
    assert a.agency == "Reuters"


@pytest.mark.parametrize(
    ("author", "names", "agency"),
    [
        ("MEG KINNARD and ERRIN HAINES, Associated Press", ["MEG KINNARD", "ERRIN HAINES"], "AP"),
        ("STEVE PEOPLES, AP National Political Writer", ["STEVE PEOPLES"], None),
        ("Doe, Jane", ["Doe, Jane"], None),
    ],
)
def test_json_ld_author_strings_holding_a_byline(author: str, names: list[str], agency: str | None) -> None:
    a = extract_article(page(ld(author={"@type": "Person", "name": author})), URL)
    assert (a.authors, a.agency) == (names, agency)


@pytest.mark.parametrize(
    ("last_line", "agency"),
    [("AFP", "AFP"), ("(Reuters)", "Reuters"), ("Source: APS", "APS"), ("— MAP", "MAP"), ("With AFP", "AFP")],
)
def test_agency_credit_as_last_line_of_the_body(last_line: str, agency: str) -> None:
    a = extract_article(page(body=TEXT + f"<p>{last_line}</p>"), URL)
    assert a.agency == agency
    assert a.body.endswith("figures published last week.")


def test_agency_in_a_dateline() -> None:
    body = TEXT.replace("<p>Officials", "<p>TUNIS (Reuters) - Officials", 1)
    a = extract_article(page(body=body), URL)
    assert a.agency == "Reuters"
    assert a.body.startswith("TUNIS (Reuters) - Officials")


def test_lower_case_words_are_not_agencies() -> None:
    a = extract_article(page(body=TEXT + "<p>map</p>"), URL)
    assert a.agency is None


@pytest.mark.parametrize(
    ("head", "before", "authors"),
    [
        # the name element of a byline, not its role or its "By" label
        ("", "<div class='byline'><span>By</span><a class='byline__name' href='/author/gina-trapani/'>"
         "Gina Trapani</a><span class='byline__role'>CEO</span></div>", ["Gina Trapani"]),
        ("", "<p class='author vcard'>By <span class='fn'>Drew Dietsch</span></p>", ["Drew Dietsch"]),
        ("", "<div class='author'>Written by <a href='https://example.net/'>Michael Larabel</a> in "
         "<a href='/linux/'>Linux</a> on 1 June 2019 at 08:34 PM EDT.</div>", ["Michael Larabel"]),
        # a meta tag carrying its value in `value`, and OGP's profile URL
        ("<meta name='author' value='Zach Hanlon'>", "", ["Zach Hanlon"]),
        ("<meta property='article:author' content='https://news.example.org/editors/jon-fingas'>", "",
         ["Jon Fingas"]),
        # Yoast's label/value pairs (in the site's language), not the reading time; cXense's author tag
        ("<meta name='twitter:label1' content='Est. reading time'>"
         "<meta name='twitter:data1' content='3 minutes'><meta name='twitter:label2' content='Written by'>"
         "<meta name='twitter:data2' content='Rania Saleh'>", "", ["Rania Saleh"]),
        ("<meta name='twitter:label1' content='Napisane przez'>"
         "<meta name='twitter:data1' content='Ewa Nowak'>", "", ["Ewa Nowak"]),
        ("<meta name='cXenseParse:author' content='Omar Benali'>", "", ["Omar Benali"]),
        # a handle or a company in a meta tag is no person
        ("<meta name='twitter:creator' content='TodayShow'><meta name='author' content='mediagene Inc.'>", "",
         []),
    ],
)  # fmt: skip
def test_byline_markup_and_meta_tags(head: str, before: str, authors: list[str]) -> None:
    assert extract_article(page(head, before), URL).authors == authors


def test_bylines_without_markup_and_with_several_authors() -> None:
    before = "<div><span>By</span> <span>Leila Haddad and Karim Mansour</span></div>"
    assert extract_article(page(before=before), URL).authors == ["Leila Haddad", "Karim Mansour"]
    # a paragraph opening with "By" is no byline
    body = "<p>By the end of May, both sides hope to reopen the crossing.</p>" + TEXT
    assert extract_article(page(body=body), URL).authors == []
    before = (
        "<aside class='meta'><address><a rel='author' href='/profile/leila-haddad'>Leila Haddad</a> and "
        "<a rel='author' href='/profile/karim-mansour'>Karim Mansour</a></address></aside>"
    )
    assert extract_article(page(before=before), URL).authors == ["Leila Haddad", "Karim Mansour"]


def test_teasers_author_links_do_not_outvote_the_author_meta_tag() -> None:
    teasers = "".join(
        f"<li><a href='/2023/08/story-{i}/'>Another story {i}</a> <a href='/author/sam-roe/'>Sam Roe</a></li>"
        for i in range(3)
    )
    html = page("<meta name='author' content='Leila Haddad'>", after=f"<ul>{teasers}</ul>")
    assert extract_article(html, URL).authors == ["Leila Haddad"]


def test_one_meta_tag_per_author() -> None:
    """Scholarly pages give each author a `citation_author` tag of their own: all of them, dozens too."""
    names = [f"Amina Yusuf{chr(65 + i)}" for i in range(14)]
    head = "".join(f"<meta name='citation_author' content='{n}'>" for n in names)
    assert extract_article(page(head), URL).authors == names


def test_a_personal_blogs_handle_is_no_site_name() -> None:
    """The blog's `twitter:site` account is its author's own; the site's own name is still no author."""
    head = "<meta name='author' content='Nadia Rahman'><meta name='twitter:site' content='@nadiarahman'>"
    assert extract_article(page(head), URL).authors == ["Nadia Rahman"]
    head = (
        "<meta property='og:site_name' content='Maghreb Daily'><meta name='author' content='Maghreb Daily'>"
    )
    assert extract_article(page(head), URL).authors == []


@pytest.mark.parametrize(
    ("before", "after", "authors"),
    [
        # a camelCase class names the byline; its "By" label sits in an element of its own
        ("<div class='ShareByline rQqmM'><div><span class='sr'>By</span><span>by AMINA YUSUF and JONAS "
         "BERG</span></div><div>August 3, 2023, 4:19 PM</div></div>", "", ["AMINA YUSUF", "JONAS BERG"]),
        # between the headline and the text a "widget" box is the byline; after the text it is not
        ("<div class='widget article__authors'><p>Author:</p><ul><li><span class='author__name'>"
         "<a href='/profile/amina-yusuf/'>Amina Yusuf</a></span></li></ul></div>", "", ["Amina Yusuf"]),
        ("", "<div class='widget'><span class='author__name'>Sam Roe</span></div>", []),
        # a section's name before the names
        ("<div class='article__author'>Politik · Jochen Weber, Anna Roth</div>", "",
         ["Jochen Weber", "Anna Roth"]),
    ],
)  # fmt: skip
def test_bylines_classes_do_not_decide_alone(before: str, after: str, authors: list[str]) -> None:
    assert extract_article(page(before=before, after=after), URL).authors == authors


def test_an_itemprop_author_in_a_nav_box_beside_the_headline() -> None:
    """A `<nav>` row under the headline (section link, "Edited by" schema.org author) is site chrome
    to the block walk, but its explicit author markup is the byline; the same markup in a related
    stories list or a comment thread after the text names no author of this page."""

    def story(meta: str) -> bytes:
        return (
            "<!DOCTYPE html><html><head><meta charset='utf-8'></head><body>"
            "<header class='site-header'><a href='/'>Maghreb Daily</a></header>"
            f"<div class='story'><h1>Libya and Tunisia resume border talks</h1>{meta}"
            f"<div class='story-text'>{TEXT}</div>"
            "<nav class='related-stories'><a href='/2023/08/other-talks/'>Other talks stall"
            " <span itemprop='author'>Omar Farouk</span></a></nav>"
            "<div class='comments'><div class='comment'><span itemprop='author'>Sami Ben Ali</span>"
            "<p>Good news at last.</p></div></div></div></body></html>"
        ).encode()

    meta = (
        "<nav class='story-meta'><span><a href='/section/world'>World</a></span><span>Edited by"
        " <a href='/topic/leila-haddad'><span itemprop='author' itemscope><span itemprop='name'>Leila Haddad"
        "</span></span></a> (with inputs from agencies)</span></nav>"
    )
    assert extract_article(story(meta), URL).authors == ["Leila Haddad"]
    assert extract_article(story(""), URL).authors == []


# -- dates ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "before", "url", "published"),
    [
        (ld(datePublished="2023-08-23T10:15:00+01:00"), "", URL, "2023-08-23T10:15:00+01:00"),
        ('<meta property="article:published_time" content="2023-08-23T08:00:00Z">', "", URL,
         "2023-08-23T08:00:00+00:00"),
        ("", '<time datetime="2023-08-23T09:30:00+02:00">23 August</time>', URL, "2023-08-23T09:30:00+02:00"),
        ("", "<div class='meta'>Posted On 23 August 2023</div>", URL, "2023-08-23"),
        ("", "<div class='meta'>Posted On 23/08/2023 | By Leila Haddad</div>", URL, "2023-08-23"),
        ("", "<div class='meta'>Published August 23, 2023 at 4:05 pm</div>", URL, "2023-08-23T16:05:00"),
        ("", "<div class='meta'>Publié le 23 août 2023</div>", URL, "2023-08-23"),
        ("", "", "https://news.example.org/2023/08/23/libya-talks/", "2023-08-23"),
    ],
)  # fmt: skip
def test_published_date_sources(head: str, before: str, url: str, published: str) -> None:
    assert extract_article(page(head, before), url).published == published


def test_more_date_sources() -> None:
    # a raw newline inside a JSON-LD string (invalid JSON, common in the wild)
    head = '<script type="application/ld+json">{"@type": "NewsArticle", "description": "two\nlines",'
    head += ' "datePublished": "2019-11-20T13:38:07+05:30"}</script>'
    assert extract_article(page(head), URL).published == "2019-11-20T13:38:07+05:30"
    # the article object lacks dates, the WebPage object an SEO plugin writes has them
    head = '<script type="application/ld+json">{"@graph": [{"@type": "WebPage",'
    head += ' "datePublished": "2018-04-18T14:39:09+02:00"}, {"@type": "Article", "headline": "x"}]}</script>'
    assert extract_article(page(head), URL).published == "2018-04-18T14:39:09+02:00"
    # a slug ending in a compact date
    assert extract_article(page(), "https://news.example.org/libya-talks-20191115/").published == "2019-11-15"
    # a date line below the author's name, title and role lines at the top of the container
    before = "".join(f"<div>{t}</div>" for t in ("Carrie Arnold", "Contributing Writer", "Science")) + (
        "<div>November 15, 2019</div>"
    )
    assert extract_article(page(body=before + TEXT), URL).published == "2019-11-15"


def test_a_date_in_an_info_box_row_of_label_and_value() -> None:
    """A review's header sets "Reviewed:" and its date in elements of their own; a labelled date
    further down (a teaser's) loses to it, and a label that says no publication gives no date."""
    facts = (
        "<header class='content-header'><ul><li><p>Genre:</p><p>Rock</p></li><li><p>Label:</p>"
        "<p>Harbour Records</p></li><li><p>Reviewed:</p><p>June 7, 2019</p></li></ul></header>"
    )
    teaser = (
        "<div class='card'><p>Published:</p><p>May 2, 2018</p><p><a href='/r/'>An older review</a></p></div>"
    )
    assert extract_article(page(before=facts, after=teaser), URL).published == "2019-06-07"
    assert extract_article(page(before=facts.replace("Reviewed:", "Rated:")), URL).published is None


def test_modified_date_and_timezone() -> None:
    head = ld(datePublished="2023-08-23T10:15:00+01:00", dateModified="2023-08-24T07:00:00+01:00")
    a = extract_article(page(head), URL)
    assert (a.published, a.modified) == ("2023-08-23T10:15:00+01:00", "2023-08-24T07:00:00+01:00")
    head = '<meta property="article:modified_time" content="2023-08-25T12:00:00-04:00">'
    a = extract_article(page(head, "<div class='meta'>Posted On 23 August 2023</div>"), URL)
    assert (a.published, a.modified) == ("2023-08-23", "2023-08-25T12:00:00-04:00")


def test_a_date_quoted_in_japanese_prose_is_not_the_pages() -> None:
    """A Japanese paragraph is prose at a third of a Latin one's length: the date quoted after three
    of them is not a meta line; the page's own "last updated" line under the headline is its date."""
    prose = "".join(f"<p>{'長期休暇中は情報セキュリティ対策を実施してください。' * 4}</p>" for _ in range(3))
    info = "<p class='right'>最終更新日：2023年8月2日<br>情報処理推進機構<br>セキュリティセンター</p>"
    body = f"{info}{prose}<ul><li>2023年7月15日公表<br>「関連する注意喚起」</li></ul>{prose}"
    html = page(body=body)
    assert extract_article(html, "https://agency.example.jp/security/alert.html").published == "2023-08-02"


def test_a_date_in_a_link_to_another_entry_is_not_the_pages() -> None:
    """A diary's "previous entry" / "next entry" links above the headline carry those entries'
    dates; the page's own date, in its day heading (a link to itself), is the one taken. With no
    other date on the page, a linked one is still better than none."""
    url = "https://diary.example.net/diary/20190211.html"
    html = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'></head><body><h1>Border talks resume</h1>"
        "<div class='adminmenu'><span><a href='./20181226.html'>&lt;Previous entry (December 26, 2018)</a>"
        "</span> <span><a href='./20190219.html'>Next entry (February 19, 2019)&gt;</a></span>"
        " <span><a href='./'>Latest</a></span></div><div class='counter'>Visitors today: 80</div>"
        "<div class='day'><h2><span class='date'><a href='./20190211.html'>February 11, 2019</a></span></h2>"
        f"<div class='body'>{TEXT}</div></div></body></html>"
    )
    assert extract_article(html.encode(), url).published == "2019-02-11"
    alone = html.replace("February 11, 2019", "Entry")
    assert extract_article(alone.encode(), url).published == "2018-12-26"
    # a <time> in the next entry's link loses to the page's own, though it is nearer the headline
    before = (
        "<p class='post-nav'><a href='/2023/08/next-story/'>Next: <time datetime='2023-08-30'>Aug 30</time>"
        "</a></p><p class='meta'><a href='/2023/08/'><time datetime='2023-08-23'>August 23</time></a></p>"
    )
    assert extract_article(page(before=before), URL).published == "2023-08-23"


def test_updated_line_is_not_the_publication_date() -> None:
    before = "<div class='meta'>Updated 25 August 2023</div><div class='meta'>Posted On 23 August 2023</div>"
    assert extract_article(page(before=before), URL).published == "2023-08-23"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Posted On 23 August 2023", "2023-08-23"),
        ("23/08/2023", "2023-08-23"),
        ("08/23/2023", "2023-08-23"),
        ("23.08.2023 14:05", "2023-08-23T14:05:00"),
        ("Aug. 23, 2023 5:19 PM EDT", "2023-08-23T17:19:00-04:00"),
        ("23 August 2023 10:30 GMT", "2023-08-23T10:30:00+00:00"),
        ("2023-08-23 10:30:00 +0200", "2023-08-23T10:30:00+02:00"),
        ("no date here", None),
        ("31/02/2023", None),
        ("Do 25.04.24 | 14:07 Uhr", "2024-04-25T14:07:00"),
        ("4/25/24 5:19 PM", "2024-04-25T17:19:00"),
        ("version 1.2.24", None),
        ("2019年04月21日 12時00分更新", "2019-04-21T12:00:00"),
        ("2019년 4월 21일 (월) 12:00", "2019-04-21T12:00:00"),
        ("Mon Aug 03 12:45:00 EDT 2015", "2015-08-03T12:45:00-04:00"),
    ],
)
def test_parse_text(text: str, expected: str | None) -> None:
    assert parse_text(text) == expected


def test_parse_iso_keeps_the_timezone() -> None:
    assert parse_iso("2023-08-23T10:15:00.123+01:00") == "2023-08-23T10:15:00+01:00"
    assert parse_iso("2023-08-23") == "2023-08-23"
    assert parse_iso("Wed, 23 Aug 2023 10:15:00 GMT") == "2023-08-23T10:15:00+00:00"
    assert parse_iso("1692785700") == "2023-08-23T10:15:00+00:00"
    assert parse_iso("yesterday") is None


# -- the rest ---------------------------------------------------------------------------------------------


def test_section_tags_language_lead_image_canonical() -> None:
    head = (
        '<meta property="article:section" content="Politics">'
        '<meta property="article:tag" content="Libya"><meta property="article:tag" content="Tunisia">'
        '<meta property="og:description" content="Both sides will meet again this month.">'
        '<meta property="og:image" content="/img/border.jpg">'
        '<link rel="canonical" href="/2023/08/libya-talks/">'
    )
    a = extract_article(page(head, html_attrs=' lang="en-GB"'), URL + "?utm_source=feed")
    assert a.section == "Politics"
    assert a.tags == ["Libya", "Tunisia"]
    assert a.language == "en"
    assert a.lead == "Both sides will meet again this month."
    assert a.top_image == "https://news.example.org/img/border.jpg"
    assert a.canonical_url == URL
    assert a.url == URL


def test_visible_section_tags_and_first_image() -> None:
    before = "<a rel='category tag' href='/category/politics/'>Politics</a>"
    after = (
        "<div class='tags'><a rel='tag' href='/tag/libya/'>Libya</a> "
        "<a rel='tag' href='/tag/tunisia/'>Tunisia</a></div>"
    )
    body = "<p><img src='pic.jpg' alt='The border post'></p>" + TEXT
    a = extract_article(page(before=before, after=after, body=body, html_attrs=' lang="en"'), URL)
    assert a.section == "Politics"
    assert a.tags == ["Libya", "Tunisia"]
    assert a.language == "en"
    assert a.top_image == "https://news.example.org/2023/08/libya-talks/pic.jpg"
    assert a.lead.startswith("Officials from both governments")


def test_tag_lists_in_a_post_footer_stay_apart_on_every_extraction() -> None:
    # A post footer is taken whole by the walk, so its lists are read through elements made on demand;
    # each list must stay a group of its own however often the page is extracted (a list nearer the
    # text wins, the other list's tags never join it).
    lists = "".join(
        f"<ul class='terms-{n}'>"
        + "".join(f"<li><a rel='tag' href='/tag/{t}/'>{t}</a></li>" for t in tags)
        + "</ul>"
        for n, tags in enumerate((["libya", "tunisia"], ["sport", "music", "space"], ["energy", "weather"]))
    )
    html = page(after=f"<footer class='entry-footer'>{lists}</footer>")
    seen = {tuple(extract_article(html, URL).tags) for _ in range(200)}
    assert seen == {("libya", "tunisia")}
