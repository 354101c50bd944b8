"""What an element's tag, class, id and role say about it: boilerplate, and which link region it opens.

These are the generic conventions of CMS themes (WordPress, Drupal, news CMSs), not rules for any site;
each group of words names the markup that needs it. A word is a first guess that adds weight: the
page's evidence (prose share, position under the headline) can overrule it (see
`negatives.effective_negatives`).
Class and id strings are split into words (`td-post-sharing_top` -> td, post, sharing, top) and the
words and word pairs are looked up in tables: on pages with thousands of elements this is several
times faster than running a handful of alternation regexes over every class string.
"""

from __future__ import annotations

import re
from typing import Final

from crawler.extract.page import HIDDEN


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Subtrees never rendered as text (their anchors are still collected as navigation).
SKIP_TAGS: Final = _words(
    "script style noscript template svg math iframe frame frameset object embed applet canvas select option "
    "optgroup datalist textarea input button head title meta link base audio video source track map area "
    "dialog param"
)
# Elements that start a new text block; everything else is inline and flows into the current block.
BLOCK_TAGS: Final = _words(
    "address article aside blockquote body center dd details dir div dl dt fieldset figcaption figure footer "
    "form h1 h2 h3 h4 h5 h6 header hgroup hr html li main menu nav ol p pre section summary table tbody "
    "thead tfoot tr td th ul caption legend"
)
HEADINGS: Final = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
# Tags that are page chrome wherever they are (unless they hold most of the page's text).
CHROME_TAGS: Final = _words("nav aside footer header menu")
CHROME_ROLES: Final = _words("navigation banner contentinfo complementary search menubar dialog")
_PAGE_TAGS: Final = _words("html body main")
SKIPPABLE_TAGS: Final = _words("nav aside footer menu")
SKIPPABLE_ROLES: Final = _words("navigation contentinfo complementary search menubar")

# Flags a class/id word can carry.
NEG = 1  # boilerplate: its text is not article text
STRONG = 2  # boilerplate even when it holds most of the page's text (comment threads)
PAGINATION = 4
PREVNEXT = 8  # previous/next article navigation
SIDEBAR = 16  # site chrome: sidebars, menus, footers
RELATED = 32
RECENT = 64
CHROME = 128  # weak chrome: nav on an article, but may hold teasers on a listing page
SKIPPABLE = 256  # site-wide chrome (menus, sidebars, footers): walked in C, not block by block
INVISIBLE = 512  # as an inline element inside a paragraph: not part of its text (hover cards, share icons)
HIDES = 1024  # not displayed (`hidden`, `d-none`): a block is weighed like one its style hides (page.HIDDEN)

# What an element is besides hidden that makes it chrome whatever it holds (a hidden related list, an ad).
_CHROME_KINDS = PAGINATION | PREVNEXT | SIDEBAR | RELATED | RECENT | CHROME

_TABLE: dict[str, int] = {}


def _add(flags: int, words: str) -> None:
    for word in words.split():
        _TABLE[word] = _TABLE.get(word, 0) | flags


# Share bars: Jetpack's `div.sharedaddy`, AddThis' `.addthis_toolbox`, ShareThis'
# `.sharethis-inline-share-buttons`, themes' `.social-share`.
_add(
    NEG | CHROME | INVISIBLE,
    "share shares sharing sharebar sharedaddy social socials socialmedia addthis sharethis",
)
# Bootstrap's `.tooltip`/`.popover` and menus' `.dropdown` inside a sentence: not its words.
_add(NEG | INVISIBLE, "tooltip popover hovercard rollover flyout dropdown")
# WordPress' comment template (`#comments`, `ol.commentlist`, `#respond`), Disqus' `#disqus_thread`.
_add(NEG | STRONG | CHROME, "comment comments commentlist disqus respond replies")
# Mailchimp's `#mc_embed_signup`, themes' `.newsletter-signup`, paywall `.subscribe-box`.
_add(
    NEG | CHROME, "newsletter newsletters subscribe subscription subscriber subscribers signup login register"
)
# Ad slots: Google's `ins.adsbygoogle`, DFP/GPT `div.ad-slot`, `.advertisement` labels, affiliate boxes.
_add(NEG | CHROME, "promo promos promotion promoted advert adverts advertisement advertisements advertising")
_add(NEG | CHROME | INVISIBLE, "ad ads adv adslot adsense adunit dfp gpt sponsor sponsored sponsors banner")
_add(NEG | CHROME, "affiliate")
# WordPress' `.entry-meta`, `.author-bio`, `.tagcloud`, `#searchform`: metadata rows read by metadata.py.
_add(
    NEG | CHROME,
    "byline bylines author authors bio avatar tags tagcloud taglist meta postmeta header subheader",
)
_add(NEG | CHROME, "search searchform")
# Cookie Notice's `#cookie-notice`, Complianz' `.cmplz-cookiebanner`, consent placeholders for embeds.
_add(NEG | STRONG, "cookie cookies consent gdpr")
# Bootstrap's `.modal`, lightbox galleries' `.lightbox-overlay`.
_add(NEG, "popup modal overlay lightbox")
# WordPress' `aside.widget-area` > `section.widget`; not skippable: page builders (Elementor's
# `.elementor-widget-container`) wrap the story itself in widgets.
_add(NEG | SIDEBAR, "widget widgets widgetarea")
# Site chrome of WordPress' default themes (`#secondary.sidebar`, `.main-navigation`, `#masthead`,
# `.site-footer`), Bootstrap's `.navbar`, Yoast's `.breadcrumbs`, WP-PageNavi's `.wp-pagenavi`.
_add(
    NEG | SIDEBAR | SKIPPABLE,
    "sidebar menu navbar nav navigation breadcrumb breadcrumbs masthead footer topbar",
)
_add(NEG | PAGINATION | SKIPPABLE, "pagination pager paging pagenavi")
# Teaser lists: YARPP's `.yarpp-related`, Contextual Related Posts' `.crp_related`, Outbrain's `.OUTBRAIN`,
# Taboola's `#taboola-below-article`, WordPress' `.widget_recent_entries`, "most read" rails.
_add(NEG | RELATED, "related similar recommended recommend recommendations outbrain taboola yarpp crp")
_add(NEG | RECENT, "recent latest newest popular trending mostread mostviewed")
# Lines around the text: WordPress' `.wp-caption-text`, `.posted-on` dates, photo `.credit`s, "print this"
# and read `.views` counters, `.btn` and `.cta` buttons, carousels, `.pullquote` copies of a sentence.
_add(
    NEG,
    "date timestamp dateline caption wp-caption-text credit credits source disclaimer print "
    "carousel slider btn cta teaser whatsapp telegram views counter rating follow pullquote toolbar "
    "donate donation invisible",
)
# Previous/next article links: WordPress' `the_post_navigation()` and themes' `.post-nav`.
_add(PREVNEXT, "prevnext nextprev postnav adjacent")

_PAIRS: dict[str, int] = {}


def _add_pairs(flags: int, pairs: str) -> None:
    for pair in pairs.split():
        _PAIRS[pair] = _PAIRS.get(pair, 0) | flags


_add_pairs(
    NEG,
    "read-more more-stories more-news more-articles skip-link "
    "pull-quote call-to-action sign-up ad-slot post-tags entry-tags article-tags tag-list posted-on "
    "author-box top-bar entry-meta post-meta article-meta",
)
_add_pairs(
    RELATED | NEG,
    "more-from more-on read-also see-also also-like you-may further-reading more-stories more-news "
    "more-articles",
)
_add_pairs(NEG | INVISIBLE, "sr-only screen-reader visually-hidden")
_add_pairs(RECENT | NEG, "most-read most-viewed most-popular just-in")
_add_pairs(
    PREVNEXT | NEG,
    "post-nav post-navigation nav-previous nav-next nav-prev prev-next next-prev previous-post next-post "
    "prev-post single-nav nav-single article-nav entry-nav nav-links posts-navigation",
)
_add_pairs(PAGINATION | NEG | SKIPPABLE, "page-numbers wp-pagenavi page-nav")
_add_pairs(SIDEBAR | NEG | SKIPPABLE, "site-header site-footer main-menu")
_add_pairs(CHROME | NEG, "cat-links")

# Word stems for run-together class names ("socialShare", "adContainer" is too ambiguous to include).
_STEMS: tuple[tuple[str, int], ...] = (
    ("share", NEG | CHROME),
    ("social", NEG | CHROME),
    ("comment", NEG | STRONG | CHROME),
    ("advert", NEG | CHROME),
    ("sponsor", NEG | CHROME),
    ("newsletter", NEG | CHROME),
    ("subscri", NEG | CHROME),
    ("promo", NEG | CHROME),
    ("related", NEG | RELATED),
    ("recommend", NEG | RELATED),
    ("sidebar", NEG | SIDEBAR | SKIPPABLE),
    ("widget", NEG | SIDEBAR),
    ("breadcrumb", NEG | SIDEBAR),
    ("paginat", NEG | PAGINATION),
    ("cookie", NEG | STRONG),
    ("byline", NEG | CHROME),
    ("pullquote", NEG),
)
_STEM_PREFIXES = tuple(s for s, _ in _STEMS)
# Whole class tokens meaning "not displayed" (but not `hidden-xs`: hidden on small screens only).
_HIDDEN_TOKENS = _words("hidden is-hidden u-hidden hide d-none invisible visuallyhidden screen-reader-text")

# WordPress & co. put taxonomy and state on containers ("tag-social", "category-comment", "has-sidebar"):
# they describe the post, not the element, so they are ignored.
# Likewise theme options and states ("penci-enable-lightbox", "header-style-2", "modal-enabled").
_TAXONOMY = re.compile(
    r"^(?:tag|tags|category|categories|postid|post-\d|format|status|type|has|no|is|with|page-id|parent-pageid|"
    r"single-format|term|taxonomy|cat-\d|author-\d|page-template|elementor-element-)"
)
_STATE = _words("enable enabled disable disabled style layout mode")  # as one of a token's `-` parts
_SPLIT = re.compile(r"[^a-z0-9]+")

# Heading texts that open a teaser region: short, and starting with the announcement.
RECENT_HEADING = re.compile(
    r"^\W*(?:(?:the|our|more)\s+)?(?:most recent|latest|recent|newest|most (?:read|popular|viewed|shared)|"
    r"popular|trending|just in|top stories|breaking)\b",
    re.I,
)
RELATED_HEADING = re.compile(
    r"^\W*(?:related|you (?:may|might) (?:also )?(?:like|enjoy|be interested)|read (?:also|next|more)|"
    r"see also|"
    r"also read|more (?:stories|from|on|in|news|articles|coverage|to read)|"
    r"more (?:[\w'’]+ ){1,3}(?:stories|articles|reads)|recommended|further reading|"
    r"in other news|don.t miss|what to read next|editor.s picks|other articles|similar|à lire aussi|"
    r"lire aussi|leia também|lea también|te puede interesar|mehr zum thema)\b",
    re.I,
)


def clean_class(cls: str, ident: str) -> str:
    """Lower-cased `class id` string with taxonomy tokens dropped and `_` read as `-`.

    Utility classes with a variant prefix (Tailwind's `print:desktop:px-6`, `md:hidden`,
    `hover:underline`) are dropped too: they style the element under a condition (printing, a screen
    size, a hover) and say nothing about what it holds.
    """
    tokens = [t for t in cls.lower().replace("_", "-").split() if not dropped_token(t)]
    if ident:
        tokens.append(ident.lower().replace("_", "-"))
    return " ".join(tokens)


def dropped_token(token: str) -> bool:
    """A lower-cased class token (`_` read as `-`) that `clean_class` drops."""
    return ":" in token or _TAXONOMY.match(token) is not None or not _STATE.isdisjoint(token.split("-"))


def class_flags(cls: str) -> int:
    """OR of the flags of the words, word pairs and stems in a cleaned class string."""
    flags = 0
    for token in cls.split():
        if token in _HIDDEN_TOKENS:
            flags |= NEG | INVISIBLE | HIDES
        if "caption" in token:  # imagecaption, photo-caption, embedcaption: picture captions
            flags |= NEG
        # (a token of one word is common: string methods tell, quicker than the regex's split)
        words = (token,) if token.isascii() and token.isalnum() and token.islower() else _SPLIT.split(token)
        prev = ""
        for word in words:
            if not word:
                continue
            f = _TABLE.get(word)
            if f:
                flags |= f
            elif word.startswith(_STEM_PREFIXES):
                for stem, sf in _STEMS:
                    if word.startswith(stem):
                        flags |= sf
            if prev:
                pf = _PAIRS.get(prev + "-" + word)
                if pf:
                    flags |= pf
            prev = word
    return flags


def classify(tag: str, cls: str, flags: int, role: str) -> tuple[int, str | None, int]:
    """(negativity 0/1/2/HIDDEN, link region, skip mode) for an element from its tag, class flags and role.

    Regions: 'nav', 'chrome' (weaker nav), 'prevnext', 'related', 'recent', or None. Skip mode 1:
    site chrome whose text and links need no block-level analysis; 2: an inline element that is
    not part of the sentence around it (hover card, share icon, ad label). See blocks.py.
    """
    if tag in _PAGE_TAGS:  # page-level classes are feature flags ("f-comments-on"), not roles
        return 0, None, 0
    if tag not in BLOCK_TAGS and flags & INVISIBLE:
        return 1, "nav", 2
    if tag == "article" and not flags & (STRONG | RELATED | RECENT):
        flags = 0  # post classes ("author-jdoe", "tag-share") on the post itself say nothing
    chrome_tag = tag in CHROME_TAGS or role in CHROME_ROLES
    if flags & STRONG:
        neg = 2
    elif flags & HIDES and tag in BLOCK_TAGS and not flags & _CHROME_KINDS:
        neg = HIDDEN  # hidden, and nothing else: maybe the rest of a story behind a "read more" button
    elif flags & NEG or chrome_tag:
        neg = 1
    else:
        neg = 0
    if flags & PAGINATION:
        region = "nav"
    elif flags & PREVNEXT:
        region = "prevnext"
    elif flags & SIDEBAR:
        region = "nav"
    elif flags & RELATED:
        region = "related"
    elif flags & RECENT:
        region = "recent"
    elif chrome_tag:
        region = "nav"
    elif flags & CHROME:
        region = "chrome"
    else:
        region = None
    skippable = region == "nav" and (
        bool(flags & SKIPPABLE) or tag in SKIPPABLE_TAGS or role in SKIPPABLE_ROLES
    )
    return neg, region, int(skippable)


def heading_region(text: str) -> str | None:
    """'recent' / 'related' when a short heading announces a teaser list."""
    if not text or len(text) > 60 or text.count(" ") > 7:
        return None
    if RECENT_HEADING.search(text):
        return "recent"
    if RELATED_HEADING.search(text):
        return "related"
    return None
