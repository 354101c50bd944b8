"""Metadata on the markup real publishing systems emit (issue 9, point 4).

Each page here is built after a theme's own templates: WordPress's twentytwentyone (classic: the
byline, date and terms in the post's `<footer>`, an author box when the author has a biography, the
comment form's "Name *" label), twentytwentythree (block theme: `wp-block-post-date`, `post-terms`
lists that give categories `rel=tag` too, `wp-block-post-author`), and Pelican's notmyidea (hAtom:
`<abbr class="published" title=ISO>`, `vcard`, category and tag pages linked without `rel`).
The tests check what a user reads in the record: title, authors, the published instant with its
offset, the primary category, the tags without the categories, the article's language.
"""

from __future__ import annotations

import pytest

from crawler.extract import extract_article

SITE = "https://courier.example.org"
TEXT_EN = (
    "<p>Officials from both governments met in Tunis on Tuesday to discuss the reopening of the border "
    "crossing, which has been closed since the spring and has cut trade between the two countries.</p>"
    "<p>The talks, the third round this year, ended without a joint statement, but both delegations "
    "said they would meet again before the end of the month to settle the remaining questions.</p>"
    "<p>Trade between the two countries has fallen by a third since the closure, according to customs "
    "figures published last week by the statistics office of the ministry of finance.</p>"
)
TEXT_FR = (
    "<p>Les responsables des deux gouvernements se sont réunis mardi à Tunis pour discuter de la "
    "réouverture du poste frontière, qui est fermé depuis le printemps et qui a réduit les échanges.</p>"
    "<p>Les discussions, les troisièmes de l'année, se sont terminées sans déclaration commune, mais les "
    "deux délégations ont dit qu'elles se retrouveraient avant la fin du mois pour régler le reste.</p>"
    "<p>Le commerce entre les deux pays a baissé d'un tiers depuis la fermeture, selon les chiffres des "
    "douanes publiés la semaine dernière par le ministère des finances.</p>"
)
TEXT_AR = (
    "<p>اجتمع مسؤولون من الحكومتين في تونس يوم الثلاثاء لمناقشة إعادة فتح المعبر الحدودي المغلق منذ "
    "الربيع، والذي أدى إغلاقه إلى تراجع التجارة بين البلدين بشكل كبير خلال الأشهر الماضية.</p>"
    "<p>وانتهت المحادثات، وهي الجولة الثالثة هذا العام، دون بيان مشترك، لكن الوفدين قالا إنهما "
    "سيجتمعان مرة أخرى قبل نهاية الشهر لتسوية المسائل المتبقية بين الطرفين.</p>"
)
TITLE = "Budget: what changes — and what doesn’t"
URL = f"{SITE}/2026/01/07/budget-what-changes/"


def _comments(comment_date: str) -> str:
    """Threaded comments and the comment form, as WordPress's comment_form() writes them."""
    return (
        '<div id="comments" class="comments-area default-max-width show-avatars">'
        '<h2 class="comments-title">2 comments on “Budget”</h2><ol class="comment-list">'
        '<li id="comment-2" class="comment even thread-even depth-1"><article class="comment-body">'
        '<footer class="comment-meta"><div class="comment-author vcard"><b class="fn">Marilyn Stone</b> '
        '<span class="says">says:</span></div><div class="comment-metadata"><a href="#comment-2">'
        f'<time datetime="{comment_date}">9 January 2026 at 8:00 am</time></a></div></footer>'
        '<div class="comment-content"><p>Thanks for the clear summary of the budget.</p></div>'
        "</article></li></ol>"
        '<div id="respond" class="comment-respond"><h2 id="reply-title" class="comment-reply-title">'
        'Leave a comment</h2><form action="/wp-comments-post.php" method="post" id="commentform" '
        'class="comment-form"><p class="comment-form-comment"><label for="comment">Comment '
        '<span class="required">*</span></label><textarea id="comment" name="comment"></textarea></p>'
        '<p class="comment-form-author"><label for="author">Name <span class="required">*</span>'
        '</label> <input id="author" name="author" type="text" value="" required></p>'
        '<p class="comment-form-email"><label for="email">Email <span class="required">*</span></label>'
        ' <input id="email" name="email" type="email"></p>'
        '<p class="comment-form-url"><label for="url">Website</label> <input id="url" name="url"></p>'
        "</form></div></div>"
    )


def twentytwentyone(
    text: str = TEXT_EN, lang: str = "en-US", author_bio: bool = False, byline: bool = True
) -> bytes:
    """A single post as twentytwentyone renders it (template-parts/content/content-single.php)."""
    posted_by = (
        f'<span class="byline">By <a href="{SITE}/author/jlmoreau/" rel="author">Jean-Luc Moreau</a></span>'
        if byline and not author_bio
        else ""
    )
    bio = (
        '<div class="author-bio show-avatars"><img alt="" src="/avatar.png" class="avatar avatar-85 photo">'
        '<div class="author-bio-content"><h2 class="author-title">By Jean-Luc Moreau</h2>'
        '<p class="author-description"> Jean-Luc covers public finance and the courts.</p>'
        f'<a class="author-link" href="{SITE}/author/jlmoreau/" rel="author">View all of Jean-Luc '
        "Moreau&#039;s posts.</a></div></div>"
        if author_bio
        else ""
    )
    return f"""<!doctype html>
<html lang="{lang}" class="respect-color-scheme-preference"><head><meta charset="UTF-8">
<title>Budget: what changes &#8212; and what doesn&#8217;t &#8211; Evening Courier</title>
<link rel="alternate" type="application/rss+xml" title="Evening Courier &raquo; Feed" href="{SITE}/feed/">
<link rel="alternate" type="application/rss+xml" title="Evening Courier &raquo; Budget Comments Feed"
 href="{URL}feed/">
<link rel="canonical" href="{URL}"><link rel="shortlink" href="{SITE}/?p=12">
</head><body class="post-template-default single single-post postid-12 single-format-standard">
<div id="page" class="site"><header id="masthead" class="site-header has-title-and-tagline">
<div class="site-branding"><p class="site-title"><a href="{SITE}/" rel="home">Evening Courier</a></p>
<p class="site-description">News from the harbour</p></div>
<nav id="site-navigation" class="primary-navigation"><ul id="primary-menu-list" class="menu-wrapper">
<li class="menu-item"><a href="{SITE}/category/economy/">Economy</a></li>
<li class="menu-item"><a href="{SITE}/category/science/">Science</a></li></ul></nav></header>
<div id="content" class="site-content"><div id="primary" class="content-area">
<main id="main" class="site-main">
<article id="post-12" class="post-12 post type-post status-publish format-standard hentry category-economy
 category-politics tag-budget tag-parliament entry">
<header class="entry-header alignwide"><h1 class="entry-title">{TITLE}</h1></header>
<div class="entry-content">{text}</div>
<footer class="entry-footer default-max-width"><div class="posted-by"><span class="posted-on">Published
<time class="entry-date published updated" datetime="2026-01-07T10:42:05+01:00">January 7, 2026</time>
</span>{posted_by}</div>
<div class="post-taxonomies"><span class="cat-links">Categorized as
<a href="{SITE}/category/economy/" rel="category tag">Economy</a>, <a href="{SITE}/category/politics/"
 rel="category tag">Politics</a> </span><span class="tags-links">Tagged <a href="{SITE}/tag/budget/"
 rel="tag">budget</a>, <a href="{SITE}/tag/parliament/" rel="tag">parliament</a></span></div></footer>
{bio}</article>
<nav class="navigation post-navigation" aria-label="Posts"><div class="nav-links"><div class="nav-previous">
<a href="{SITE}/2026/01/05/older/" rel="prev"><p class="meta-nav">Previous post</p>
<p class="post-title">Older story</p></a></div></div></nav>
{_comments("2026-01-09T08:00:00+01:00")}
</main></div></div>
<aside class="widget-area"><section id="recent-posts-2" class="widget widget_recent_entries">
<h2 class="widget-title">Recent Posts</h2><nav aria-label="Recent Posts"><ul>
<li><a href="{SITE}/2026/01/05/older/">Older story</a></li></ul></nav></section></aside>
<footer id="colophon" class="site-footer"><div class="site-info"><div class="site-name">
<a href="{SITE}/">Evening Courier</a></div><div class="powered-by">Proudly powered by
<a href="https://wordpress.org/">WordPress</a>.</div></div></footer></div></body></html>""".encode()


def twentytwentythree(text: str = TEXT_EN, lang: str = "en-US") -> bytes:
    """A single post as twentytwentythree renders it (templates/single.html, parts/post-meta.html)."""
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="UTF-8">
<title>Budget: what changes &#8212; and what doesn&#8217;t &#8211; Evening Courier</title>
<link rel="canonical" href="{URL}"></head>
<body class="post-template-default single single-post postid-12 single-format-standard wp-embed-responsive">
<div class="wp-site-blocks"><header class="wp-block-template-part"><div class="wp-block-group">
<div class="wp-block-group alignwide"><p class="wp-block-site-title"><a href="{SITE}" target="_self"
 rel="home">Evening Courier</a></p><nav class="wp-block-navigation"><ul class="wp-block-page-list">
<li class="wp-block-pages-list__item"><a class="wp-block-pages-list__item__link" href="{SITE}/about/">
About</a></li></ul></nav></div></div></header>
<main class="wp-block-group"><div class="wp-block-group">
<h1 class="wp-block-post-title">{TITLE}</h1></div>
<div class="entry-content wp-block-post-content">{text}</div>
<div class="wp-block-template-part"><div class="wp-block-group"><hr class="wp-block-separator">
<div class="wp-block-columns alignwide has-small-font-size"><div class="wp-block-column">
<div class="wp-block-group"><p>Posted</p><div class="wp-block-post-date">
<time datetime="2026-01-07T04:42:05-05:00">7 January 2026</time></div><p>in</p>
<div class="taxonomy-category wp-block-post-terms"><a href="{SITE}/category/economy/" rel="tag">Economy</a>
<span class="wp-block-post-terms__separator">, </span>
<a href="{SITE}/category/politics/" rel="tag">Politics</a>
</div></div><div class="wp-block-group"><p>by</p><div class="wp-block-post-author">
<div class="wp-block-post-author__content"><p class="wp-block-post-author__name">Sarah O’Connell</p>
</div></div></div></div><div class="wp-block-column"><div class="wp-block-group"><p>Tags:</p>
<div class="taxonomy-post_tag wp-block-post-terms"><a href="{SITE}/tag/budget/" rel="tag">budget</a>
<span class="wp-block-post-terms__separator">, </span>
<a href="{SITE}/tag/parliament/" rel="tag">parliament</a>
</div></div></div></div></div></div>
<section class="wp-block-template-part"><div class="wp-block-comments"><h2>Comments</h2>
<ol class="wp-block-comment-template"><li id="comment-2" class="comment even thread-even depth-1">
<div class="wp-block-columns"><div class="wp-block-column"><div class="wp-block-comment-author-name">
<a rel="external nofollow ugc" href="https://example.net">Marilyn Stone</a></div><div class="wp-block-group">
<div class="wp-block-comment-date"><time datetime="2026-01-09T08:00:00-05:00"><a href="#comment-2">
January 9, 2026 at 8:00 am</a></time></div></div>
<div class="wp-block-comment-content"><p>Thanks for the summary.</p></div></div></div></li></ol>
<div id="respond" class="comment-respond wp-block-post-comments-form">
<form id="commentform" class="comment-form">
<p class="comment-form-author"><label for="author">Name <span class="required">*</span></label>
<input id="author" name="author" type="text"></p></form></div></div></section></main>
<footer class="wp-block-template-part"><div class="wp-block-group"><p class="has-text-align-right">Proudly
powered by <a href="https://wordpress.org" rel="nofollow">WordPress</a></p></div></footer></div>
</body></html>""".encode()


def pelican_notmyidea(text: str = TEXT_EN, modified: bool = False) -> bytes:
    """An article as Pelican's notmyidea theme renders it (templates/article.html, article_infos.html)."""
    updated = (
        '<abbr class="modified" title="2026-02-04T16:01:01+01:00">Updated: 04 February 2026</abbr>'
        if modified
        else ""
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="generator" content="Pelican">
<title>{TITLE}</title>
<link href="{SITE}/feeds/all.atom.xml" type="application/atom+xml" rel="alternate"
 title="Evening Courier Atom Feed">
<meta name="description" content="Both sides will meet again this month."></head>
<body id="index" class="home"><header id="banner" class="body"><h1><a href="{SITE}/">Evening Courier</a></h1>
<nav><ul><li><a href="{SITE}/pages/about.html">About us</a></li>
<li class="active"><a href="{SITE}/category/economy.html">Economy</a></li>
<li><a href="{SITE}/category/science.html">Science</a></li></ul></nav></header>
<section id="content" class="body"><article><header><h1 class="entry-title">
<a href="{SITE}/2026/01/budget.html" rel="bookmark" title="Permalink to {TITLE}">{TITLE}</a></h1></header>
<div class="entry-content"><footer class="post-info">
<abbr class="published" title="2026-01-07T10:42:05+01:00">Published: 07 January 2026</abbr>{updated}
<address class="vcard author">By <a class="url fn" href="{SITE}/author/karim-benali.html">Karim Benali</a>
</address><p>In <a href="{SITE}/category/economy.html">Economy</a>.</p>
<p>tags: <a href="{SITE}/tag/budget.html">budget</a> <a href="{SITE}/tag/parliament.html">parliament</a> </p>
</footer>{text}</div></article></section>
<section id="extras" class="body"><div class="blogroll"><h2>links</h2><ul>
<li><a href="https://getpelican.com/">Pelican</a></li></ul></div></section>
<footer id="contentinfo" class="body"><address id="about" class="vcard body">Proudly powered by
<a rel="nofollow" href="https://getpelican.com/">Pelican</a>.</address></footer></body></html>""".encode()


def test_twentytwentyone_post() -> None:
    a = extract_article(twentytwentyone(), URL)
    assert a.title == TITLE  # the h1, though <title> has an em dash and a colon before the site's en dash
    assert a.authors == ["Jean-Luc Moreau"]  # the footer's rel=author, never the comment form's "Name *"
    assert a.published == "2026-01-07T10:42:05+01:00"  # time and offset, not the visible date only
    assert a.section == "Economy"  # the first category listed
    assert a.tags == ["budget", "parliament"]  # rel=tag, without the rel="category tag" links
    assert a.language == "en"


def test_twentytwentyone_author_box_when_the_author_has_a_biography() -> None:
    """With a biography the theme prints no byline, only the box below the post."""
    a = extract_article(twentytwentyone(author_bio=True), URL)
    assert a.authors == ["Jean-Luc Moreau"]


def test_a_comment_form_label_is_never_the_author() -> None:
    a = extract_article(twentytwentyone(byline=False), URL)
    assert a.authors == []
    assert a.published == "2026-01-07T10:42:05+01:00"  # the post's date, not the comment's


def test_twentytwentythree_post() -> None:
    a = extract_article(twentytwentythree(), URL)
    assert a.title == TITLE
    assert a.authors == ["Sarah O'Connell"]  # as stored: WordPress's display filter curls the apostrophe
    assert a.published == "2026-01-07T04:42:05-05:00"
    assert a.section == "Economy"
    assert a.tags == ["budget", "parliament"]  # the categories' rel=tag links are not tags


def test_pelican_notmyidea_article() -> None:
    a = extract_article(pelican_notmyidea(modified=True), f"{SITE}/2026/01/budget.html")
    assert a.title == TITLE
    assert a.authors == ["Karim Benali"]
    assert a.published == "2026-01-07T10:42:05+01:00"
    assert a.modified == "2026-02-04T16:01:01+01:00"
    assert a.section == "Economy"  # the article's own category, not the menu's
    assert a.tags == ["budget", "parliament"]


@pytest.mark.parametrize("theme", [twentytwentyone, twentytwentythree])
@pytest.mark.parametrize(("text", "lang"), [(TEXT_FR, "fr"), (TEXT_AR, "ar")])
def test_language_per_article_on_a_site_declared_english(theme, text: str, lang: str) -> None:
    """The site's `<html lang>` says English on every page; a French or Arabic post is not."""
    assert extract_article(theme(text=text), URL).language == lang


def test_a_language_the_article_container_marks() -> None:
    """Too little text to judge: the `lang` on the post's container decides over the site's."""
    short = '<div lang="fr"><p>Les discussions reprendront avant la fin du mois.</p></div>'
    assert extract_article(twentytwentyone(text=short), URL).language == "fr"
    assert extract_article(twentytwentyone(text=short.replace(' lang="fr"', "")), URL).language == "en"
