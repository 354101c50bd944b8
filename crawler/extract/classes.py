"""What an element's tag, class, id and role say about it: boilerplate, and which link region it opens.

These are the generic conventions of CMS themes (WordPress, Drupal, news CMSs), not rules for any site.
"""

from __future__ import annotations

import re

# Subtrees never rendered as text (their anchors are still collected as navigation).
SKIP_TAGS = frozenset(
    [
        "script",
        "style",
        "noscript",
        "template",
        "svg",
        "math",
        "iframe",
        "frame",
        "frameset",
        "object",
        "embed",
        "applet",
        "canvas",
        "select",
        "option",
        "optgroup",
        "datalist",
        "textarea",
        "input",
        "button",
        "head",
        "title",
        "meta",
        "link",
        "base",
        "audio",
        "video",
        "source",
        "track",
        "map",
        "area",
        "dialog",
        "param",
    ]
)
# Elements that start a new text block; everything else is inline and flows into the current block.
BLOCK_TAGS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "center",
        "dd",
        "details",
        "dir",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hgroup",
        "hr",
        "html",
        "li",
        "main",
        "menu",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "thead",
        "tfoot",
        "tr",
        "td",
        "th",
        "ul",
        "caption",
        "legend",
    ]
)
HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
# Tags that are page chrome wherever they are (unless they hold most of the page's text).
CHROME_TAGS = frozenset(("nav", "aside", "footer", "header", "menu"))
CHROME_ROLES = frozenset(
    ("navigation", "banner", "contentinfo", "complementary", "search", "menubar", "dialog")
)

# WordPress & co. put taxonomy and state on containers ("tag-social", "category-comment", "has-sidebar"):
# they describe the post, not the element, so they are ignored.
_TAXONOMY = re.compile(
    r"^(?:tag|tags|category|categories|postid|post-\d|format|status|type|has|no|page-id|parent-pageid|"
    r"single-format|term|taxonomy|cat-\d|author-\d|page-template|elementor-element-)"
)

_NEGATIVE = re.compile(
    r"share|sharing|social|comment|disqus|newsletter|subscri|promo|advert|sponsor|cookie|consent|gdpr|"
    r"popup|modal|sidebar|widget|breadcrumb|pagination|\bpager\b|related|recommend|outbrain|taboola|"
    r"byline|author|tagcloud|tag-list|taglist|post-tags|entry-tags|article-tags|\btags\b|\bmeta\b|"
    r"post-meta|entry-meta|postmeta|views|counter|rating|follow|skip-link|sr-only|screen-reader|"
    r"visually-hidden|(?<![\w-])hidden(?![\w-])|\binvisible\b|popular|trending|read-more|readmore|"
    r"more-stories|navigation|navbar|\bnav\b|\bmenu\b|masthead|footer|header|banner|caption|"
    r"pullquote|pull-quote|toolbar|signup|sign-up|\blogin\b|donat|ad-slot|adslot|\bad-|-ad\b|"
    r"adwrap|adsense|\bdfp\b|\bgpt\b|\bads?\b|\badv\b|advertis|whatsapp|telegram|jp-relatedposts|"
    r"yarpp|\bdate\b|timestamp|posted-on|dateline|lightbox|\bprint\b|disclaimer|\bbio\b|avatar|"
    r"\bbtn\b|\bcta\b|call-to-action|carousel|\bslider\b|affiliate|tooltip|dropdown|\bcredits?\b|"
    r"\bsource\b|\bpaywall\b|\bteaser\b|\bwp-caption-text\b|\bauthor-box\b|subheader|top-bar|topbar|"
    r"recent|latest|most-read|mostread|most-viewed|just-in"
)
# Negatives that stay negative even when they hold most of the page's text (comment threads).
_STRONG = re.compile(r"comment|disqus|respond|\breplies\b")

_PAGINATION = re.compile(r"pagination|\bpager\b|page-numbers|paging|wp-pagenavi")
_PREVNEXT = re.compile(
    r"post-nav|postnav|post-navigation|nav-previous|nav-next|nav-prev|prev-next|next-prev|previous-post|"
    r"next-post|prev-post|single-nav|nav-single|article-nav|entry-nav|adjacent|prevnext|nextprev|nav-links"
)
_SIDEBAR = re.compile(r"sidebar|widget|\bmenu\b|navbar|\bnav\b|masthead|footer|site-header|breadcrumb")
_RELATED = re.compile(
    r"related|similar|also-like|you-may|recommend|more-from|more-on|read-also|readalso|see-also|"
    r"yarpp|further-reading|more-articles|more-stories|more-news|\bcrp\b|outbrain|taboola"
)
_RECENT = re.compile(r"recent|latest|newest|most-read|mostread|popular|trending|most-viewed|just-in")
_CHROME_CLASS = re.compile(
    r"share|social|tags|cat-links|author|byline|\bmeta\b|header|banner|cookie|newsletter|subscri|"
    r"login|search|promo|advert|\bads?\b|comment"
)

# Heading texts that open a teaser region.
RECENT_HEADING = re.compile(
    r"\b(?:most recent|latest|recent (?:stories|posts|news|articles)|newest|most (?:read|popular|viewed)|"
    r"popular|trending|just in|top stories)\b",
    re.I,
)
RELATED_HEADING = re.compile(
    r"\b(?:related|you (?:may|might) (?:also )?(?:like|enjoy|be interested)|read (?:also|next)|see also|"
    r"also read|more (?:stories|from|on|in|news|articles|coverage)|recommended|further reading|"
    r"in other news|don.t miss|what to read next|editor.s picks|à lire aussi|lire aussi|leia também|"
    r"lea también|te puede interesar)\b",
    re.I,
)


def clean_class(cls: str, ident: str) -> str:
    """Lower-cased `class id` string with taxonomy tokens dropped and `_` read as `-`."""
    tokens = [t for t in cls.lower().replace("_", "-").split() if not _TAXONOMY.match(t)]
    if ident:
        tokens.append(ident.lower().replace("_", "-"))
    return " ".join(tokens)


def is_negative(tag: str, cls: str, role: str) -> int:
    """0: not boilerplate, 1: boilerplate, 2: boilerplate even if it holds most of the page's text."""
    if cls:
        if _STRONG.search(cls):
            return 2
        if _NEGATIVE.search(cls):
            return 1
    if tag in CHROME_TAGS or role in CHROME_ROLES:
        return 1
    return 0


def region_of(tag: str, cls: str, role: str) -> str | None:
    """The link region an element opens: 'nav', 'chrome' (weaker nav), 'prevnext', 'related', 'recent'."""
    if cls:
        if _PAGINATION.search(cls):
            return "nav"
        if _PREVNEXT.search(cls):
            return "prevnext"
        if _SIDEBAR.search(cls):
            return "nav"
        if _RELATED.search(cls):
            return "related"
        if _RECENT.search(cls):
            return "recent"
    if tag in CHROME_TAGS or role in CHROME_ROLES:
        return "nav"
    if cls and _CHROME_CLASS.search(cls):
        return "chrome"  # weak: nav on an article, but may hold teasers on a listing page
    return None


def heading_region(text: str) -> str | None:
    """'recent' / 'related' when a short heading announces a teaser list."""
    if not text or len(text) > 80:
        return None
    if RECENT_HEADING.search(text):
        return "recent"
    if RELATED_HEADING.search(text):
        return "related"
    return None
