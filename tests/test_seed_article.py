"""The seed page: a north-africa.com article rebuilt as HTML, extracted with and without its site profile.

`../shared/seed/north-africa-article.txt` is the text of one article page of The North Africa Journal
as a browser shows it. `seed_html()` rebuilds that page in the WordPress markup such a page has
(Divi post layout, a Post Views Counter line, a captioned promo picture, previous/next links, a
WhatsApp blurb, a "Most Recent Stories" grid, an author box and Elegant Themes' Monarch share bar),
with the seed's own texts, and the tests check the clean record field by field.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

import pytest

from crawler.extract import extract_article
from crawler.extract.profile import SiteProfile, available_profiles, load_profile
from tests.helpers import shared

SEED = shared("seed/north-africa-article.txt")
SITE = "https://north-africa.com"
URL = f"{SITE}/2023/08/libyan-warlord-haftar-invites-the-russian-military/"


def seed_parts() -> dict:
    """The seed's texts, section by section (its lines, located by the markers the page shows)."""
    lines = [line.strip() for line in SEED.read_text("utf-8").splitlines() if line.strip()]
    start = next(i for i, line in enumerate(lines) if line.startswith("Russian military officials"))
    credit = lines.index("AFP", start)
    nav = lines[credit + 1]
    prev_title, next_title = nav.split("<< ", 1)[1].removesuffix(" >>").split("coup", 1)
    recent_at = lines.index("Most Recent Stories from the Region")
    author_at = next(i for i, line in enumerate(lines) if line.startswith("Written by "))
    teasers = lines[recent_at + 1 : author_at]  # headline, headline again (picture title), excerpt
    return {
        "title": lines[0],
        "posted": lines[1],
        "views": lines[2],
        "promo": lines[3],
        "body": lines[start:credit],
        "nav_label": nav.split("<<", 1)[0],
        "previous": prev_title + "coup",
        "next": next_title,
        "whatsapp": lines[credit + 2],
        "teasers": [(teasers[i], teasers[i + 2]) for i in range(0, len(teasers), 3)],
        "author": lines[author_at].removeprefix("Written by "),
        "bio": lines[author_at + 1],
    }


def slug(title: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in title.lower()).split())


def seed_html(parts: dict) -> bytes:
    e = escape
    body = "".join(f"<p>{e(p)}</p>" for p in parts["body"])
    teasers = "".join(
        f'<article class="et_pb_post clearfix"><div class="et_pb_image_container">'
        f'<a href="{SITE}/2023/11/{slug(t)}/" class="entry-featured-image-url">'
        f'<span class="et_pb_image_title">{e(t)}</span><img src="/wp-content/uploads/2023/11/{slug(t)}.jpg" '
        f'alt="{e(t)}"></a></div><h2 class="entry-title"><a href="{SITE}/2023/11/{slug(t)}/">{e(t)}</a></h2>'
        f'<div class="post-content"><div class="post-content-inner"><p>{e(x)}</p></div></div></article>'
        for t, x in parts["teasers"]
    )
    share_links = "".join(
        f'<li class="et_social_{n}"><a href="https://www.{n}.com/share?u={URL}" class="et_social_share" '
        f'rel="nofollow" data-social_name="{n}"><i class="et_social_icon et_social_icon_{n}"></i>'
        f'<span class="et_social_overlay"></span></a></li>'
        for n in ("facebook", "twitter", "linkedin", "pinterest")
    )
    author_url = f"{SITE}/author/{slug(parts['author'])}/"
    return f"""<!DOCTYPE html>
<html lang="en-US"><head><meta charset="UTF-8">
<title>{e(parts["title"])} | The North Africa Journal</title>
<meta property="og:site_name" content="The North Africa Journal">
<meta property="og:title" content="{e(parts["title"])}">
<meta property="og:type" content="article">
<link rel="canonical" href="{URL}">
<script type="text/javascript">var monarchSettings = {{"ajaxurl": "{SITE}/wp-admin/admin-ajax.php"}};</script>
</head>
<body class="post-template-default single single-post postid-61722 single-format-standard et_monarch et_pb_button_helper_class et_right_sidebar et_divi_theme">
<div id="page-container">
<header id="main-header"><div class="container clearfix et_menu_container">
<nav id="top-menu-nav"><ul id="top-menu" class="nav">
<li class="menu-item"><a href="{SITE}/">Home</a></li>
<li class="menu-item"><a href="{SITE}/category/algeria/">Algeria</a></li>
<li class="menu-item"><a href="{SITE}/category/libya/">Libya</a></li>
<li class="menu-item"><a href="{SITE}/subscribe/">Subscribe</a></li></ul></nav></div></header>
<div id="et-main-area"><div id="main-content"><div class="container"><div id="content-area" class="clearfix">
<div id="left-area">
<article id="post-61722" class="et_pb_post post-61722 post type-post status-publish format-standard has-post-thumbnail hentry category-libya tag-haftar tag-russia tag-wagner">
<div class="et_post_meta_wrapper">
<h1 class="entry-title">{e(parts["title"])}</h1>
<p class="post-meta">{e(parts["posted"].split(" 23 ")[0])} <span class="published">{e(parts["posted"].split("On ", 1)[1])}</span></p>
</div>
<div class="entry-content">
<div class="post-views content-post post-61722 entry-meta"><span class="post-views-icon dashicons dashicons-chart-bar"></span>
<span class="post-views-label">{e(parts["views"].rsplit(" ", 1)[0])} </span><span class="post-views-count">{parts["views"].rsplit(" ", 1)[1]}</span></div>
<div id="attachment_58110" class="wp-caption aligncenter"><a href="{SITE}/our-subscribers/"><img class="size-full wp-image-58110" src="/wp-content/uploads/2021/03/subscribers.jpg" alt="" width="800" height="120"></a>
<p class="wp-caption-text">{e(parts["promo"])}</p></div>
{body}
<p>AFP</p>
<div class="et_social_inline et_social_mobile_on et_social_inline_bottom"><div class="et_social_networks et_social_4col et_social_slide et_social_rounded et_social_top et_social_no_animation et_social_outer_dark"><ul class="et_social_icons_container">{share_links}</ul></div></div>
</div>
<div class="week-issue-nav"><strong>{e(parts["nav_label"])}</strong><a href="{SITE}/2023/08/{slug(parts["previous"])}/" rel="prev">&lt;&lt; {e(parts["previous"])}</a><a href="{SITE}/2023/08/{slug(parts["next"])}/" rel="next">{e(parts["next"])} &gt;&gt;</a></div>
<div class="whatsapp-group"><a href="https://chat.whatsapp.com/N4AJournal"><img src="/wp-content/uploads/whatsapp.png" alt=""></a>
<a href="https://chat.whatsapp.com/N4AJournal">{e(parts["whatsapp"])}</a></div>
<p>.</p>
<div class="et_pb_module et_pb_blog_grid_wrapper"><h3 class="et_pb_module_header">Most Recent Stories from the Region</h3>
<div class="et_pb_blog_grid clearfix"><div class="et_pb_ajax_pagination_container"><div class="et_pb_salvattore_content">{teasers}</div></div></div></div>
<div class="wp-about-author-containter-around"><div class="wp-about-author-containter">
<div class="wp-about-author-pic"><img src="/wp-content/uploads/logo-n4a.png" alt="" width="100" height="100"></div>
<div class="wp-about-author-text"><h3><a href="{author_url}" title="{e(parts["author"])}" rel="author">Written by {e(parts["author"])}</a></h3>
<p>{e(parts["bio"])}</p></div></div></div>
</article>
</div>
<div id="sidebar"><div id="recent-posts-2" class="et_pb_widget widget_recent_entries"><h4 class="widgettitle">Recent Posts</h4>
<ul><li><a href="{SITE}/2023/08/morocco-raises-rates/">Morocco raises rates again as inflation lingers</a></li></ul></div></div>
</div></div></div>
<footer id="main-footer"><div id="footer-bottom"><p id="footer-info">&copy; The North Africa Journal</p></div></footer>
</div></div>
<div class="et_social_pin_images_outer"><div class="et_social_pinterest_window"><div class="et_social_modal_header"><h3>Pin It on Pinterest</h3><span class="et_social_close"></span></div>
<div class="et_social_pin_images" data-permalink="{URL}" data-title="{e(parts["title"])}" data-post_id="61722"></div></div></div>
<div class="et_social_mobile_button"></div><div class="et_social_mobile et_social_fadein"><div class="et_social_heading">Share This</div>
<span class="et_social_close"></span><div class="et_social_networks et_social_simple et_social_rounded et_social_left"><ul class="et_social_icons_container">{share_links}</ul></div></div>
</body></html>""".encode()  # noqa: E501 (markup lines as a theme writes them)


PARTS = seed_parts()
HTML = seed_html(PARTS)


@pytest.fixture(scope="module", params=[None, "north-africa"], ids=["generic", "profile"])
def article(request: pytest.FixtureRequest):
    profile = load_profile(request.param) if request.param else None
    return extract_article(HTML, URL, {"Content-Type": "text/html; charset=UTF-8"}, profile)


def test_seed_record_fields(article) -> None:
    assert article.is_article
    assert article.title == "Libyan warlord Haftar invites the Russian military"
    assert article.published == "2023-08-23"
    assert article.agency == "AFP"
    assert article.authors == ["The North Africa Journal"]
    assert article.language == "en"
    assert article.url == article.canonical_url == URL


def test_seed_body_is_the_article_text_only(article) -> None:
    assert article.body == "\n\n".join(PARTS["body"])
    assert article.body.startswith("Russian military officials including Moscow’s deputy defence minister")
    assert article.body.endswith("has made few public appearances since the mutiny.")
    html = article.body_html
    assert html.startswith("<p>Russian military officials") and html.endswith("since the mutiny.</p>")
    assert html.count("<p>") == len(PARTS["body"])


def test_seed_links_are_typed(article) -> None:
    by_kind: dict[str, set[str]] = {}
    for link in article.links:
        by_kind.setdefault(link.kind, set()).add(link.url)
    assert by_kind["previous"] == {f"{SITE}/2023/08/{slug(PARTS['previous'])}/"}
    assert by_kind["next"] == {f"{SITE}/2023/08/{slug(PARTS['next'])}/"}
    teasers = {f"{SITE}/2023/11/{slug(t)}/" for t, _ in PARTS["teasers"]}
    assert len(teasers) == 3
    assert by_kind["recent"] == teasers
    assert "related" not in by_kind and "body" not in by_kind
    texts = {(link.kind, link.text) for link in article.links}
    assert ("previous", f"<< {PARTS['previous']}") in texts
    assert ("recent", PARTS["teasers"][0][0]) in texts
    assert "https://chat.whatsapp.com/N4AJournal" in by_kind["nav"]


# -- the profile ---------------------------------------------------------------------------------------


def test_north_africa_profile_loads_by_name_and_path(tmp_path: Path) -> None:
    assert "north-africa" in available_profiles()
    profile = load_profile("north-africa")
    assert profile.name == "north-africa" and profile.hosts == ("north-africa.com",)
    assert profile.start_urls == ("https://north-africa.com/",)
    assert profile.matches_article_url(URL)
    assert not profile.matches_article_url(f"{SITE}/category/libya/")
    assert len(profile.keep_xpaths) == len(profile.keep_selectors) >= 1
    assert len(profile.drop_xpaths) == len(profile.drop_selectors) >= 1
    assert profile.date_pattern is not None
    own = tmp_path / "mine.toml"
    own.write_text('hosts = ["www.example.org"]\ndate_format = "%d/%m/%Y"\nkeep_selectors = [".story"]\n')
    mine = load_profile(own)
    assert (mine.name, mine.hosts, mine.dayfirst()) == ("mine", ("example.org",), True)


def test_profile_errors_are_clear(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        load_profile("no-such-site")
    bad = tmp_path / "bad.toml"
    bad.write_text("hosts = [\n")
    with pytest.raises(ValueError, match=r"bad\.toml"):
        load_profile(bad)


def test_profile_date_format_reads_the_site_dates() -> None:
    """A day-first numeric date the generic parser could read either way: the profile settles it."""
    page = HTML.replace(b"23 August 2023</span>", b"05/08/2023</span>")
    url = f"{SITE}/libyan-warlord-haftar-invites-the-russian-military/"  # no date in the URL
    assert extract_article(page, url).published == "2023-08-05"  # generic: day first
    us = SiteProfile(name="us", date_format="%m/%d/%Y")
    assert extract_article(page, url, profile=us).published == "2023-05-08"
