"""Pages built like those the extractor was never tuned on: one small page per failure class.

Each test writes a page with the markup pattern of a failure class (class words used as verdicts,
stories split across blocks, text kept outside the visible body, invisible characters, the article
gate, consent placeholders) and checks what a reader would: the story's paragraphs, and nothing else.
"""

from __future__ import annotations

import json

import pytest

from crawler.extract import extract_article
from crawler.extract.text import clean_text

URL = "https://www.example-news.org/2024/05/harbour-dredging/"
TITLE = "Harbour dredging to begin in June"
P = [
    "Dredging of the old harbour will begin in June, the port authority said on Tuesday, after two years "
    "of delays caused by a dispute over where the silt should be dumped.",
    "The work will deepen the main channel to twelve metres so that larger container ships can dock, a "
    "change shipping companies have requested since the new terminal opened.",
    "Fishermen fear the dredging will drive away the sea bream that spawn near the breakwater each spring, "
    "and their cooperative has asked for the work to pause from March to May.",
    "The authority said it would monitor water quality every week and publish the results on its website, "
    "and that an independent panel would review them before each new phase.",
    "Local businesses expect a boost once the deeper channel opens, since more ships calling at the port "
    "would bring more trade to the warehouses and the repair yards along the quay.",
]
SIDEBAR = (
    "<aside class='sidebar'><h3>Most read</h3><ul>"
    + "".join(
        f"<li><a href='/2024/05/story-{i}/'>Another story number {i} of the week</a></li>" for i in range(6)
    )
    + "</ul></aside>"
)
NAV = "<nav class='menu'><a href='/'>Home</a> <a href='/news/'>News</a> <a href='/sport/'>Sport</a></nav>"


def page(main: str, head: str = "", body_class: str = "", headline: bool = True) -> bytes:
    h1 = f"<h1>{TITLE}</h1>" if headline else ""
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{TITLE} | Coast Post</title>"
        f"{head}</head><body class='{body_class}'>{NAV}<main>{h1}{main}</main>{SIDEBAR}"
        f"<footer><a href='/about/'>About us</a> <a href='/contact/'>Contact</a></footer></body></html>"
    ).encode()


def paragraphs(html: bytes, url: str = URL) -> list[str]:
    article = extract_article(html, url)
    assert article.is_article
    return article.body.split("\n\n")


def ps(texts: list[str]) -> str:
    return "".join(f"<p>{t}</p>" for t in texts)


# -- 1. A class or id word is evidence, never a verdict -------------------------------------------------


@pytest.mark.parametrize(
    "wrapper",
    [
        "<div class='sidebar-grid article__content'>{}</div>",  # a grid layout named after its sidebar
        "<div class='commentary'>{}</div>",  # opinion pieces
        "<div class='print:desktop:px-6 mx-auto'>{}</div>",  # Tailwind variant prefixes
        "<article class='post commented'>{}</article>",  # a state class: "this post has comments"
        "<div class='story-header-wrap author-ruler'>{}</div>",
        "<div class='latest-news-body'>{}</div>",  # "latest" opens a teaser list, but this one is prose
    ],
)
def test_a_class_word_does_not_drop_the_article(wrapper: str) -> None:
    assert paragraphs(page(wrapper.format(ps(P)))) == P


def test_a_brief_in_a_sidebar_named_grid_is_kept() -> None:
    assert paragraphs(page(f"<div class='sidebar-grid article__content'><p>{P[0]}</p></div>")) == P[:1]


@pytest.mark.parametrize("cls", ["article-widget-text", "cta"])
def test_paragraphs_each_wrapped_in_a_boilerplate_class_are_kept(cls: str) -> None:
    """Page builders wrap every paragraph in a "widget" box; some themes wrap each in a "cta"."""
    wrapped = "".join(f"<div class='{cls}'><p>{t}</p></div>" for t in P)
    assert paragraphs(page(f"<div class='body'>{wrapped}</div>")) == P


def test_a_class_wrapping_most_paragraphs_is_content() -> None:
    wrapped = "".join(f"<div class='article-widget-text'><p>{t}</p></div>" for t in P[:3])
    assert paragraphs(page(f"<div class='body'>{wrapped}{ps(P[3:])}</div>")) == P


@pytest.mark.parametrize("cls", ["subheader", "meta-heading"])
def test_a_section_heading_classed_as_chrome_is_kept_between_paragraphs(cls: str) -> None:
    """A CMS marks its in-text section headings `h2.subheader`: between two paragraphs it is text."""
    main = (
        f"<div class='article-body'>{ps(P[:2])}<h2 class='{cls}'>What the fishermen say</h2>{ps(P[2:])}</div>"
    )
    assert paragraphs(page(main)) == [*P[:2], "What the fishermen say", *P[2:]]


def test_a_recipe_cards_headings_over_its_lists_are_kept() -> None:
    """A recipe plugin classes its section headings `recipe-header`: over the ingredients and the
    steps they are the recipe's text; a date row styled the same way is not."""
    items = ["500 g cod fillets", "2 onions", "1 tin chopped tomatoes"]
    steps = ["Fry the onions gently in olive oil until soft.", "Add the tomatoes and the fish, simmer."]
    card = (
        f"<div class='recipe-card'><h3 class='recipe-header'>May 14, 2024</h3>"
        f"<h3 class='recipe-header'>Ingredients</h3><ul>{''.join(f'<li>{i}</li>' for i in items)}</ul>"
        f"<h3 class='recipe-header'>Instructions</h3><ol>{''.join(f'<li>{t}</li>' for t in steps)}</ol></div>"
    )
    text = paragraphs(page(f"<div class='entry-content'>{ps(P[:3])}{card}</div>"))
    assert text == [*P[:3], "Ingredients", *items, "Instructions", *steps]


def test_a_chrome_classed_heading_over_a_link_list_stays_out() -> None:
    """The same word on a heading over links closing the text is chrome: no paragraph follows it."""
    links = "".join(
        f"<li><a href='/2024/05/other-{i}/'>Another harbour story number {i}</a></li>" for i in range(4)
    )
    more = f"<h2 class='subheader'>More from the coast</h2><ul>{links}</ul>"
    main = f"<div class='article-body'>{ps(P)}{more}</div>"
    assert paragraphs(page(main)) == P


def test_a_real_comment_thread_stays_out() -> None:
    """The same evidence keeps a dated comment thread out, even on a page whose article is short."""
    comments = "".join(
        f"<li class='comment'><div class='comment-meta'>Reader {i} on May {i + 1}, 2024 at 10:1{i} am</div>"
        f"<p>I have fished off that breakwater for thirty years and never seen the channel so shallow, "
        f"so this is overdue in my view, number {i}.</p></li>"
        for i in range(6)
    )
    html = page(f"<div class='commentary'>{ps(P[:2])}</div><ol class='comment-list'>{comments}</ol>")
    assert paragraphs(html) == P[:2]


def test_a_comment_form_label_is_not_the_article() -> None:
    """An attachment page (a picture, no text) with a comment form: nothing is an article."""
    form = (
        "<div id='respond' class='comment-respond'><form><p class='comment-form-cookies-consent'>"
        "<label>Save my name, email, and website in this browser for the next time I comment.</label></p>"
        "</form></div>"
    )
    html = page(f"<figure><img src='/photo-34.jpg' alt=''></figure>{form}").replace(
        TITLE.encode(), b"Photo 34"
    )
    assert not extract_article(html, URL).is_article


# -- 2. A story split across sibling blocks, or in several sections -------------------------------------


def test_a_story_split_by_a_newsletter_box_is_kept_whole() -> None:
    box = (
        "<div class='newsletter-signup'><h3>The Morning Tide</h3><p>Get the harbour's news every morning in "
        "your inbox: the catch, the ships, the weather, and what the council decided overnight, free.</p>"
        "<form><input type='email'><button>Sign up</button></form></div>"
    )
    main = f"<div class='story-part'>{ps(P[:1])}</div>{box}<div class='story-part'>{ps(P[1:])}</div>"
    assert paragraphs(page(main)) == P


def test_a_reference_page_in_several_sections_is_kept_whole() -> None:
    sections = "".join(
        f"<section class='guide-section'><h2>Step {i + 1}</h2><p>{t}</p></section>" for i, t in enumerate(P)
    )
    toc = "<div class='toc'><ul>" + "".join(f"<li><a href='#s{i}'>Step {i + 1}</a></li>" for i in range(5))
    text = paragraphs(page(toc + "</ul></div>" + sections))
    assert [t for t in text if not t.startswith("Step ")] == P


def test_sections_headed_by_h1_are_kept_with_their_headings() -> None:
    """Old sites and HTML5 sectioning head each section with an <h1>: between paragraphs it is a
    section heading, not a second headline."""
    last = f"<section><h1>What comes next</h1>{ps(P[4:])}</section>"
    main = f"{ps(P[:2])}<h1>What the fishermen say</h1>{ps(P[2:4])}{last}"
    assert paragraphs(page(f"<article>{main}</article>")) == [
        *P[:2],
        "What the fishermen say",
        *P[2:4],
        "What comes next",
        *P[4:],
    ]


def test_a_lone_paragraph_is_joined_by_the_paragraph_beside_it() -> None:
    """A short post: one long paragraph, then a second short one over a list of short shop items.
    The first paragraph alone is no container: the paragraph beside it joins, with the list."""
    second = "Which is why we put together a guide to the harbour for the whole summer!"
    items = [f"{i}. Harbour item number {i}, <a href='/shop/{i}/'>Shop</a>, ${i}9" for i in range(1, 8)]
    main = f"<div class='content'><p>{' '.join(P[:3])}</p><p>{second}</p><h2>Shop it:</h2>{ps(items)}</div>"
    text = paragraphs(page(main))
    assert text[:3] == [" ".join(P[:3]), second, "Shop it:"]
    assert text[-1] == "7. Harbour item number 7, Shop, $79"


def test_a_story_in_sibling_parts_of_one_kind_is_kept_whole() -> None:
    """A show's page: the headline and a row of links over the text, the text in two sibling parts of
    one kind (the second opening with a link to the transcript), credits full of links under it. The
    links keep the parts' common parent from being the container, yet the parts are one text. A
    part of the same kind headed by a link to another page is another post, not more of this one."""
    links = "".join(f"<a href='/shows/{i}/'>Show number {i} of the season</a> " for i in range(8))
    head = f"<div class='episode-head'><h1>{TITLE}</h1><p>{links}</p></div>"
    transcript = f"<p><a href='{URL}transcript/'>READ | Full Transcript</a></p>"
    parts = (
        f"<div class='episode-text'>{ps(P[:1])}</div><div class='episode-text'>{transcript}{ps(P[1:3])}</div>"
    )
    credits = f"<div class='episode-credits'><h4>Produced by:</h4><p>{links}</p></div>"
    html = page(f"<div class='episode'>{head}{parts}{credits}</div>", headline=False)
    assert paragraphs(html) == P[:3]
    other = f"<div class='episode-text'><h2><a href='/shows/41/'>Episode 41</a></h2>{ps(P[3:4])}</div>"
    html = page(f"<div class='episode'>{head}{parts}{other}{credits}</div>", headline=False)
    assert paragraphs(html) == P[:3]


@pytest.mark.parametrize("here", ["", URL])  # `#part-2`, or the page's own URL with the fragment
def test_section_headings_linked_to_themselves_are_kept(here: str) -> None:
    """Docs and reference pages link each section's heading to its own place in the page (`#part-2`):
    a heading, not a link list. A teaser inside the text, its headline in a link to another page,
    stays out."""
    sections = [
        f"<h2 id='part-{i}'><a class='anchor' href='{here}#part-{i}'>Part {i} of the plan</a></h2><p>{t}</p>"
        for i, t in enumerate(P)
    ]
    teaser = (
        "<div class='companion'><a href='/2024/05/ferry-strike/'><img src='/ferry.jpg'><div>"
        "<h2>How the ferry strike unfolded</h2><p>Crews walked out on Monday.</p></div></a></div>"
    )
    text = paragraphs(
        page(f"<div class='guide'>{''.join(sections[:3])}{teaser}{''.join(sections[3:])}</div>")
    )
    assert [t for t in text if t in P] == P
    assert [t for t in text if t not in P] == [f"Part {i} of the plan" for i in range(5)]


def test_a_plain_label_over_a_dropped_line_of_links_goes_with_it() -> None:
    """A "Tags" or "Topics:" label styled as plain text over the tag links closing a post heads no
    text once the links are left out. A line over one link (a product, a source) is the story's, and
    so is a label over one button ("Ticketing" over "Book online"): it heads the lines under it."""
    tags = ", ".join(f"<a href='/tag/{t}/'>{t}</a>" for t in ("harbour", "dredging", "fishing", "port"))
    for label in ("Tags", "Topics:"):
        assert paragraphs(page(f"<div class='post'>{ps(P)}<div>{label}</div><div>{tags}</div></div>")) == P
    source = "<a href='https://port-authority.example/plan.pdf'>The dredging plan (PDF)</a>"
    text = paragraphs(
        page(f"<div class='post'>{ps(P[:3])}<div>Source</div><div>{source}</div>{ps(P[3:])}</div>")
    )
    assert text == [*P[:3], "Source", "The dredging plan (PDF)", *P[3:]]
    prices = ["VIP seats: 60,000 won", "R seats: 50,000 won"]
    button = "<div>Ticketing</div><div><a href='/booking/'>Book online</a></div>"
    text = paragraphs(page(f"<div class='post'>{ps(P[:3])}{button}{ps(prices + P[3:])}</div>"))
    assert text == [*P[:3], "Ticketing", *prices, *P[3:]]


RELATED_BOX = (
    "<div class='inline-related'><h4>Related</h4><ul>"
    + "".join(
        f"<li><a href='/2024/05/other-{i}/'>Another harbour story number {i} this week</a></li>"
        for i in range(4)
    )
    + "</ul></div>"
)


@pytest.mark.parametrize(
    ("opening", "part"),
    [
        ("<div class='body-part'><p>{}</p></div>", "<div class='body-part'>{}</div>"),  # parts of one kind
        ("<p>{}</p>", "<div class='body-part'>{}</div>"),  # a paragraph beside the container
        ("<div><p>{}</p></div>", "<div>{}</div>"),  # classless parts side by side
    ],
)
def test_an_opening_paragraph_a_box_splits_off_is_kept(opening: str, part: str) -> None:
    """A related-links box after the first paragraph: the opening is too short to pull the container
    up to their common parent, but it is where the text under the headline starts."""
    rest = [f"{t} {t}" for t in P[1:]]
    main = opening.format(P[0]) + RELATED_BOX + part.format(ps(rest))
    assert paragraphs(page(main)) == [P[0], *rest]


def test_a_notice_over_the_text_is_no_opening() -> None:
    """A notice in a wrapper of its own over the text ("You're reading a free article"), split from it
    by a box, is not taken as the story's opening."""
    notice = (
        "<div class='notice-bar'><p>You are reading a free article with opinions that may differ from those "
        "of our premium research service, which members can read in full.</p></div>"
    )
    rest = [f"{t} {t}" for t in P]
    text = paragraphs(page(notice + RELATED_BOX + f"<div class='article-body'>{ps(rest)}</div>"))
    assert text == rest


BIG_BOX = RELATED_BOX.replace("this week</a>", "this week and the next</a>") + RELATED_BOX


@pytest.mark.parametrize(
    ("part", "closing"),
    [
        ("<div class='body-part'>{}</div>", "<div class='body-part'>{}</div>"),  # parts of one kind
        ("<div class='body-part'>{}</div>", "{}"),  # paragraphs beside the container
        ("<div>{}</div>", "<div>{}</div>"),  # classless parts side by side
    ],
)
def test_closing_paragraphs_a_box_splits_off_are_kept(part: str, closing: str) -> None:
    """A related-links box before the last two paragraphs: too short to pull the container up to
    their common parent, they are still the story's end."""
    text = [f"{t} {t}" for t in P[:3]]
    main = part.format(ps(text)) + BIG_BOX + closing.format(ps(P[3:]))
    assert paragraphs(page(main)) == [*text, *P[3:]]


def test_a_bio_or_a_title_bar_after_the_story_is_no_closing() -> None:
    """After the story and a box: an author's bio in a box of its own, a sticky title bar beside the
    text. Neither is the story's end."""
    text = [f"{t} {t}" for t in P]
    bio = (
        "<div class='about-writer'><p>Mara Lind has covered the harbour and its trades since 2005.</p></div>"
    )
    bar = f"<div class='sticky-bar'>{TITLE} | Harbour news</div>"
    main = f"<div class='body-part'>{ps(text)}</div>{BIG_BOX}{bio}"
    assert paragraphs(page(main)) == text
    assert paragraphs(page(f"<div class='body-part'>{ps(text)}</div>{BIG_BOX}{bar}")) == text


def test_text_under_the_headline_wins_over_a_longer_sidebar_feature() -> None:
    """A short story beside a sidebar of four feature blurbs: the text under the headline is the story."""
    blurbs = "".join(
        f"<div class='feature'><h5><a href='/guides/{i}/'>Guide {i}</a></h5><div>{blurb}.</div></div>"
        for i, blurb in enumerate(t.split(",")[0] for t in P[1:])
    )
    main = f"<div class='entry'><p>{P[0]}</p></div></main><div class='right-col'>{blurbs}</div><main>"
    assert paragraphs(page(main)) == [P[0]]


def test_a_question_put_to_each_interviewee_is_kept_every_time() -> None:
    """An interview series asks everyone the same long question: each copy sits between other answers."""
    question = "What do you cook when friends come over on a weekday evening and there is no time to shop?"
    answers = P[1:4]
    cooks = "".join(
        f"<h2>Cook {i + 1}</h2><p><strong>{question}</strong></p><p>{a}</p>" for i, a in enumerate(answers)
    )
    text = [t for t in paragraphs(page(f"<p>{P[0]}</p>{cooks}")) if not t.startswith("Cook ")]
    assert text == [P[0]] + [x for a in answers for x in (question, a)]


def test_a_rendering_copy_of_the_story_is_dropped() -> None:
    """A second (mobile) copy of a run of paragraphs, and a highlight box repeating one, are copies."""
    highlight = f"<div class='highlights'><h3>Highlights</h3><div>{P[3]}</div></div>"
    main = f"{highlight}<div class='desktop'>{ps(P)}</div><div class='mobile'>{ps(P[:3])}</div>"
    text = paragraphs(page(main))
    assert sorted(t for t in text if t != "Highlights") == sorted(P)


def test_linked_product_headings_between_paragraphs_are_kept() -> None:
    """A buying guide heads each product's paragraph with the product's name, linked to the shop:
    three link lines among the paragraphs are lines of the text, not a teaser list."""
    names = ["Tide-proof Deck Boots", "The Harbour Chart Atlas", "Breakwater Rain Jacket"]
    items = "".join(
        f"<h3><a href='https://shop.example.com/p/{i}'>{n}</a></h3><p>{t}</p>"
        for i, (n, t) in enumerate(zip(names, P[1:4], strict=True))
    )
    text = paragraphs(page(f"<div class='post-body'><p>{P[0]}</p>{items}<p>{P[4]}</p></div>"))
    assert text == [P[0], names[0], P[1], names[1], P[2], names[2], P[3], P[4]]


DEALS = [
    "Tide-proof deck boots for $59.99",
    "The harbour chart atlas for $24.50",
    "A breakwater rain jacket for $89",
]


def deal_cards(hrefs: list[str]) -> str:
    """A deals post's items: each a box with its linked name, its paragraph and its price line."""
    return "".join(
        f"<div class='deal'><h3><a href='{href}'>{name}</a></h3><p>{text}</p>"
        f"<span>Price checked on May 2, 2024</span></div>"
        for href, name, text in zip(hrefs, DEALS, P[1:4], strict=True)
    )


@pytest.mark.parametrize(
    "shops",
    [
        [
            "https://www.shop.example.com/p/1",
            "https://www.shop.example.com/p/2",
            "https://shop.example.com/p/3",
        ],
        [
            "https://www.shop.example.com/p/1",
            "https://outlet.example.net/boots",
            "https://www.shop.example.com/p/3",
        ],
    ],
)
def test_a_deals_posts_item_boxes_linking_to_shops_are_the_story(shops: list[str]) -> None:
    """Boxes each holding a linked headline and a paragraph look like teaser cards; when every headline
    links to one or two other sites (the shops a deals post sends its readers to), they are the
    post's items: a teaser list links to the site's own stories."""
    deals = f"<div class='deals'>{deal_cards(shops)}</div>"
    main = f"<div class='post-body'><p>{P[0]}</p>{deals}<p>{P[4]}</p></div>"
    text = paragraphs(page(main))
    assert [t for t in text if t in P] == P
    assert DEALS[0] in text


@pytest.mark.parametrize(
    "links",
    [
        ["/2024/05/boots/", "/2024/05/atlas/", "/2024/05/jacket/"],  # the site's own stories
        ["https://a.example.com/x", "https://b.example.net/y", "https://c.example.org/z"],  # a sponsored rail
    ],
)
def test_cards_linking_to_own_stories_or_to_many_sites_stay_teasers(links: list[str]) -> None:
    main = f"<div class='post-body'>{ps([P[0], P[4]])}</div><div class='row'>{deal_cards(links)}</div>"
    assert paragraphs(page(main)) == [P[0], P[4]]


def test_video_teasers_inside_the_text_stay_out() -> None:
    """Video teasers a story embeds (a linked headline with its date) stay cards among the paragraphs."""
    video = (
        "<div class='inline-video'><h2><a href='/video/{0}/'>Watch: the harbour at dawn, part {0}</a></h2>"
        "<span>May 2, 2024</span></div>"
    )
    main = "".join(f"<p>{t}</p>{video.format(i) if i < 3 else ''}" for i, t in enumerate(P))
    assert paragraphs(page(f"<div class='post-body'>{main}</div>")) == P


def test_an_embedded_posts_placeholder_is_left_out_and_a_quoted_post_kept() -> None:
    """A social post that did not load leaves only its link ("Tweet may have been deleted"): that is
    no source line of the story. A quoted post with its text is."""
    gone = (
        "<blockquote class='twitter-tweet'><a href='https://twitter.com/port/status/1'>Tweet may have "
        "been deleted</a></blockquote>"
    )
    post = (
        "<blockquote class='twitter-tweet'><p>The dredger has arrived at the harbour mouth this morning and "
        "work starts on Monday.</p><a href='https://twitter.com/port/status/2'>May 2, 2024</a></blockquote>"
    )
    text = paragraphs(page(f"{ps(P[:2])}{gone}{ps(P[2:3])}{post}{ps(P[3:])}"))
    assert not any("deleted" in t for t in text)
    assert any(t.startswith("The dredger has arrived") for t in text)


def test_a_run_the_story_repeats_among_its_own_paragraphs_is_kept() -> None:
    """A meal plan repeats the same meals in each plan, in one element with the rest of the text: each
    repetition is the story's own, not a rendering copy."""
    meal = (
        "<h3>Lunch</h3><p>Eat two to three hours after breakfast</p>"
        "<p>Grilled sea bream with lemon, a cup of brown rice and a green salad with olive oil dressing</p>"
    )
    plans = [f"<h2>Plan {x}</h2>{meal}<p>{t}</p>" for x, t in zip("ABC", P[2:5], strict=True)]
    text = paragraphs(page(f"<div class='entry-content'>{ps(P[:2])}{''.join(plans)}</div>"))
    assert sum(t.startswith("Grilled sea bream") for t in text) == 3
    assert text[-1] == P[4]


def test_a_slideshows_text_in_its_captions_is_kept() -> None:
    """A slideshow tells its story in the captions of its slides: they hold more prose than the rest
    of the page, so they are the text. Captions of a story's pictures stay out."""
    slides = "".join(
        f"<figure><img src='/slide-{i}.jpg'><figcaption class='slide-caption'><p>{t}</p></figcaption>"
        "</figure>"
        for i, t in enumerate(P[1:])
    )
    assert paragraphs(page(f"<p>{P[0]}</p><div class='slideshow'>{slides}</div>")) == P
    pictures = "".join(
        f"<p>{t}</p><figure><img src='/p-{i}.jpg'><figcaption>The harbour at dawn, seen from the breakwater "
        f"on a calm morning in May, picture {i}.</figcaption></figure>"
        for i, t in enumerate(P)
    )
    assert paragraphs(page(pictures)) == P


def test_a_live_blogs_entries_are_the_story() -> None:
    """A live blog's entries each end in a permalink to their place in the page and a share link: small
    blocks with a link line, like teaser cards, but they hold all the text under the headline."""
    entries = "".join(
        f"<div class='entry' id='post-{i}'><time datetime='2024-05-02T10:{i}0'>10:{i}0</time>"
        f"<h3>Update {i}: the dredger moves</h3><p>{t}</p><a href='#post-{i}'>Link to this post</a> "
        f"<a href='https://twitter.com/intent/tweet?u={i}'>Share</a></div>"
        for i, t in enumerate(P)
    )
    text = paragraphs(page(f"<div class='liveblog'>{entries}</div>"))
    assert [t for t in text if t in P] == P
    assert not any("Link to this post" in t for t in text)  # buttons beside a share link: no source line


# -- 3. Text the HTML keeps elsewhere --------------------------------------------------------------------


def test_a_streamed_segment_hidden_until_a_script_moves_it_is_the_article() -> None:
    html = page(
        "<template id='B:1'></template><p>Loading…</p>"
        f"<div hidden id='S:1'><article>{ps(P)}</article></div>"
        "<script>$RC('B:1','S:1')</script>"
    )
    assert paragraphs(html) == P


def test_other_hidden_elements_stay_hidden() -> None:
    hidden = (
        "<div hidden><p>Draft paragraph that was never published and must not be read by anyone.</p></div>"
    )
    assert paragraphs(page(ps(P) + hidden)) == P


@pytest.mark.parametrize(
    "button",
    [
        "<a href='#' class='toggle'>Read more</a>",
        "<button type='button'>Show the full story</button>",
        "",
    ],
)
@pytest.mark.parametrize("hides", ["class='more-text' style='display: none'", "class='more-text hidden'"])
def test_the_rest_of_a_story_behind_a_read_more_button_is_text(button: str, hides: str) -> None:
    """A "read more" expander: the story's first paragraphs show, the rest waits in an element its
    style (or a class of the site's stylesheet) hides until the button's script opens it. It
    continues the paragraphs beside it: text."""
    rest = f"<div {hides}>{ps(P[2:])}</div>"
    assert paragraphs(page(f"<div class='story'>{ps(P[:2])}{button}{rest}</div>")) == P


def test_a_story_hidden_whole_until_a_script_shows_it_is_the_article() -> None:
    html = page(f"<div id='story' style='visibility:hidden'>{ps(P)}</div><p>Loading the story…</p>")
    assert paragraphs(html) == P


def test_a_hidden_notice_under_a_story_stays_hidden() -> None:
    """A notice a script shows under the story (an ad-blocker plea) and a hidden sign-in box are
    hidden by their style like an expander, but short beside the story, or apart from its text."""
    notice = (
        "<div class='notice' style='display:none'><p>We noticed that you are using an ad blocker. Our "
        "reporting is paid for by advertising, so please consider turning it off for this site.</p></div>"
    )
    modal = (
        "<div style='display:none' class='modal'><h3>Sign in</h3><p>Sign in to your account to save "
        "stories for later and to comment on them, or create an account for free in one minute.</p></div>"
    )
    assert paragraphs(page(f"<div class='story'>{ps(P)}{notice}</div>{modal}")) == P
    related = (  # hidden until the reader scrolls to the end: a related list for all its prose
        "<div class='related-posts hidden'>"
        + "".join(f"<div><p>{t}</p><a href='/2024/05/other-{i}/'>Read</a></div>" for i, t in enumerate(P[:3]))
        + "</div>"
    )
    assert paragraphs(page(f"<div class='story'>{ps(P[3:])}{related}</div>")) == P[3:]


def test_a_declarative_shadow_root_is_drawn() -> None:
    html = page(f"<story-body><template shadowrootmode='open'>{ps(P)}</template></story-body>")
    assert paragraphs(html) == P


def test_text_only_in_a_template_script() -> None:
    script = f"<script type='text/template' id='story'><div class='body'>{ps(P)}</div></script>"
    html = page(f"<div id='app'></div>{script}")
    assert paragraphs(html) == P


def test_text_only_in_next_data_json() -> None:
    state = {
        "props": {
            "pageProps": {
                "story": {
                    "headline": TITLE,
                    "body": [{"type": "paragraph", "text": t} for t in P],
                    "related": [
                        {"title": f"Other story {i}", "url": f"/2024/05/other-{i}/"} for i in range(5)
                    ],
                }
            }
        }
    }
    script = f"<script id='__NEXT_DATA__' type='application/json'>{json.dumps(state)}</script>"
    assert paragraphs(page("<div id='__next'></div>" + script)) == P


def test_text_only_in_json_ld_article_body() -> None:
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": TITLE,
        "articleBody": "\n".join(P),
    }
    head = f"<script type='application/ld+json'>{json.dumps(ld)}</script>"
    assert paragraphs(page("<div class='story-body'><p>Subscribe to read.</p></div>", head=head)) == P


def test_json_ld_article_body_chooses_between_two_runs_of_prose() -> None:
    """No headline to go by: of the story and a longer "from the archive" feature beside it, the one
    the JSON-LD articleBody declares is the story (its visible text is what is kept)."""
    lighthouse = [
        f"The lighthouse keeper's log for the winter of 19{50 + i} records storms on {9 + i} nights, a "
        f"frozen lantern once, and a supply boat that could not land for {i + 2} weeks in a row."
        for i in range(5)
    ]
    feature = f"<div class='archive-feature'>{ps(lighthouse)}</div>"
    ld = {"@type": "NewsArticle", "headline": TITLE, "articleBody": " ".join(P[:3])}
    head = f"<script type='application/ld+json'>{json.dumps(ld)}</script>"
    html = page(f"<div class='story'>{ps(P[:3])}</div>{feature}", head=head, headline=False)
    assert paragraphs(html) == P[:3]


def test_the_visible_body_is_kept_when_it_is_not_much_shorter() -> None:
    """Embedded JSON with other long text (a teaser's excerpts, a legal notice) does not replace it."""
    other = " ".join(P[:3]).replace("harbour", "airport")
    state = {"legal": other + " " + other}
    script = f"<script type='application/json'>{json.dumps(state)}</script>"
    assert paragraphs(page(ps(P) + script)) == P


def test_broken_or_huge_scripts_are_skipped() -> None:
    broken = '<script id=\'__NEXT_DATA__\' type=\'application/json\'>{"props": {"body": ["unclosed</script>'
    huge = "<script type='text/template'><p>" + "word " * 700_000 + "</p></script>"
    ld = '<script type=\'application/ld+json\'>{"@type": "NewsArticle", "articleBody": </script>'
    assert paragraphs(page(ps(P) + broken + huge, head=ld)) == P
    empty = extract_article(page("<div id='__next'></div>" + broken + huge, head=ld), URL)
    assert not empty.is_article and empty.body == ""


# -- 4. Characters that break text -----------------------------------------------------------------------


def test_soft_hyphens_and_zero_width_characters_are_dropped() -> None:
    broken = P[0].replace("Dredging", "Dredg&shy;ing").replace("authority", "author\u200bity")
    broken = broken.replace("dispute", "dis\u00adpute\u2060").replace("silt", "\ufeffsilt")
    headline = TITLE.replace("dredging", "dredg&shy;ing")
    html = page(f"<h1>{headline}</h1>{ps([broken, *P[1:]])}", headline=False)
    article = extract_article(html, URL)
    assert article.body.split("\n\n") == P
    assert "\u00ad" not in article.body_html and "\u200b" not in article.body_html


def test_clean_text_keeps_joiners_inside_words_of_scripts_that_need_them() -> None:
    assert clean_text("Harbour\u00ad dredg\u00ading") == "Harbour dredging"
    assert clean_text("\u200bTitle\u200d ") == "Title "
    assert clean_text("می\u200cخواهم") == "می\u200cخواهم"  # Persian: the non-joiner is spelling


# -- 5. The gate keeps articles, and still rejects listings ---------------------------------------------


@pytest.mark.parametrize(
    "stamp",
    ["segunda-feira, 6 de maio de 2024 às 10:13", "Monday, May 6, 2024", "2024.05.06", "6 mai 2024, 10h13"],
)
def test_a_bare_timestamp_line_over_the_text_is_no_text(stamp: str) -> None:
    """Blogs print the post's date alone on a line over its text, in the language of the site. A
    period of two dates (an exhibition's run) at the top is the story's matter, and stays; so does a
    date between other lines (a product's code, its release date, its text)."""
    assert paragraphs(page(f"<div class='post-body'>{stamp}<br>{ps(P)}</div>")) == P
    period = "6 May 2024 | 20 January 2025"
    assert paragraphs(page(f"<div class='post-body'><p>{period}</p>{ps(P)}</div>")) == [period, *P]
    release = ["Model HD-2400", "2024.05.06"]
    assert paragraphs(page(f"<div class='post-body'>{ps(release + P)}</div>")) == [*release, *P]


def test_a_short_brief_under_its_headline_is_an_article() -> None:
    assert paragraphs(page(ps(P[:1]))) == P[:1]


def test_a_short_cjk_article_is_an_article() -> None:
    text = [
        "港湾局は火曜日、旧港のしゅんせつ工事を六月に始めると発表した。",
        "工事により主要航路は十二メートルまで深くなる。",
    ]
    html = page(ps(text)).replace(b"lang='en'", b"lang='ja'")
    assert paragraphs(html) == text


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        (
            "en",
            [
                "Dredging of the old harbour starts in June.",
                "The main channel will be twelve metres deep.",
                "Fishermen have asked for a pause in spring.",
            ],
        ),
        ("zh", ["港务局周二宣布六月开始疏浚旧港。", "主航道将加深到十二米。", "渔民要求暂停施工。"]),
        (
            "hi",
            [
                "बंदरगाह प्राधिकरण ने कहा कि पुराने बंदरगाह की खुदाई जून में शुरू होगी।",
                "मुख्य नहर को बारह मीटर तक गहरा किया जाएगा।",
                "मछुआरे चाहते हैं कि वसंत में काम रोका जाए।",
            ],
        ),
        (
            "th",
            [
                "การท่าเรือประกาศว่าการขุดลอกท่าเรือเก่าจะเริ่มในเดือนมิถุนายนนี้",
                "ร่องน้ำหลักจะถูกขุดให้ลึกถึงสิบสองเมตรเพื่อให้เรือขนาดใหญ่เข้าเทียบท่าได้",
                "ชาวประมงขอให้หยุดงานชั่วคราวในฤดูใบไม้ผลิ",
            ],
        ),
    ],
)
def test_a_brief_of_three_one_sentence_paragraphs_is_an_article(lang: str, text: list[str]) -> None:
    """Briefs and CJK news set a story as a run of one-sentence paragraphs, each shorter than a
    paragraph of English prose (Hindi ends them with a danda, Thai with no mark at all)."""
    html = page(f"<div class='story'>{ps(text)}</div>").replace(b"lang='en'", f"lang='{lang}'".encode())
    assert paragraphs(html, URL.replace("/2024/05/", "/news/")) == text


def test_search_results_with_one_sentence_excerpts_are_no_article() -> None:
    results = "".join(
        f"<p><a href='/2024/05/story-{i}/'>Harbour story {i}</a></p><p>{t.split(',')[0]}.</p>"
        for i, t in enumerate(P)
    )
    html = page(f"<div class='results'>{results}</div>").replace(TITLE.encode(), b"Search: harbour")
    assert not extract_article(html, "https://www.example-news.org/?s=harbour").is_article


def test_a_story_on_a_theme_that_marks_every_page_as_home_is_an_article() -> None:
    """Pelican's notmyidea theme writes <body id="index" class="home"> on every page."""
    assert paragraphs(page(ps(P), body_class="home")) == P


@pytest.mark.parametrize(
    ("url", "body_class", "h1"),
    [
        ("https://www.example-news.org/", "home blog", "Coast Post"),
        ("https://www.example-news.org/category/harbour/", "archive category", "Category: Harbour"),
        ("https://www.example-news.org/tag/fishing/", "archive tag", "Tag: fishing"),
        ("https://www.example-news.org/?s=harbour", "search search-results", "Search results for: harbour"),
        # (a month's archive: its stories' pages are filed below its own URL)
        ("https://www.example-news.org/2024/05/", "", "May 2024"),
    ],
)
def test_listings_are_not_articles(url: str, body_class: str, h1: str) -> None:
    teasers = "".join(
        f"<article class='post'><h2><a href='/2024/05/story-{i}/'>Story number {i} about the harbour</a></h2>"
        f"<div class='entry-summary'><p>{t}</p></div><a href='/2024/05/story-{i}/'>Read more</a></article>"
        for i, t in enumerate(P)
    )
    html = (
        f"<html><head><title>{h1} | Coast Post</title></head><body class='{body_class}'>{NAV}"
        f"<main><h1>{h1}</h1>{teasers}</main>{SIDEBAR}</body></html>"
    )
    assert not extract_article(html.encode(), url).is_article


@pytest.mark.parametrize("body_class", ["archive tag", ""])
def test_a_tag_page_showing_one_post_whole_is_not_an_article(body_class: str) -> None:
    """A tag or author page of a theme that shows full posts: one post, all of it, under its title
    linked to its own page. The page is a listing; the post is stored at its permalink."""
    post = (
        "<article class='post'><h2 class='entry-title'><a href='/2024/05/harbour-dredging/'>Harbour "
        f"dredging to start in June</a></h2><div class='entry-content'>{ps(P)}</div></article>"
    )
    html = (
        f"<html><head><title>Tag: dredging | Coast Post</title></head><body class='{body_class}'>{NAV}"
        f"<main><h1>Tag: dredging</h1>{post}</main>{SIDEBAR}</body></html>"
    )
    assert not extract_article(html.encode(), "https://www.example-news.org/tag/dredging/").is_article
    # The same post on its own page, its title linking to itself, is one.
    own = (
        html.replace("<h1>Tag: dredging</h1>", "").replace("<h2 class", "<h1 class").replace("</h2>", "</h1>")
    )
    assert extract_article(own.encode(), "https://www.example-news.org/2024/05/harbour-dredging/").is_article


# -- 6. Consent placeholders for embedded media ---------------------------------------------------------


def test_consent_placeholders_do_not_push_the_story_out() -> None:
    consent = (
        "<div class='embed-consent'><p>This content is provided by a third party video platform. To show "
        "it, we need your consent to set cookies and share data with them. You can change your choice at "
        "any time in the privacy settings at the bottom of every page.</p><button>Accept and show</button>"
        "</div>"
    )
    summary = (
        "<ul class='key-points'><li>Dredging starts in June.</li><li>Fishermen ask for a pause.</li></ul>"
    )
    main = f"<div class='story'>{summary}{ps(P[:2])}{consent}{ps(P[2:4])}{consent}{ps(P[4:])}</div>"
    text = paragraphs(page(main))
    assert text[-5:] == P
    assert not any("consent" in t for t in text)


# -- 1b. Words of a call to action are weight, not a verdict: where the line sits decides ---------------

STEPS = [
    "Sign up for a harbour parking permit at the town hall for ten euros a month",
    "If you already hold a permit, show it at the harbour office to have it extended",
    "Sign up for the ferry pass using the same number as your parking permit",
]


def test_worded_lines_in_the_storys_own_flow_are_kept() -> None:
    heading = "Sign up for the season ticket and save five euros a month"
    click = "Click here to read the port authority's full timetable for the works this year."
    main = (
        f"{ps(P[:1])}<ul>{''.join(f'<li>{s}</li>' for s in STEPS)}</ul>{ps(P[1:2])}"
        f"<h2>{heading}</h2>{ps(P[2:3])}<p><a href='/timetable/'>Click here</a>{click[10:]}</p>{ps(P[3:])}"
    )
    assert paragraphs(page(main)) == [P[0], *STEPS, P[1], heading, P[2], click, *P[3:]]


def test_calls_to_action_in_a_box_or_after_the_story_stay_out() -> None:
    box = "Subscribe to the Coast Post for more stories like this one."
    after = "Sign up for our newsletter to get the harbour's news every morning."
    main = (
        f"{ps(P[:2])}<div class='b7'><p>{box}</p><form><input type='email'></form></div>{ps(P[2:])}"
        f"<p>{after}</p><p>Coast Post readers can also listen to every one of our stories on the go.</p>"
    )
    got = paragraphs(page(main))
    assert got[:5] == P
    assert box not in got and after not in got


def test_a_hidden_dialog_after_the_comments_stays_hidden() -> None:
    """A dialog its style hides until a button opens it ("report this comment"), after the comment
    thread under a short story: the paragraph before it is a comment's, in a box the text leaves
    out, so the dialog continues no paragraph of the story however long its prose."""
    comments = (
        "<div class='comments'><h3>Comments</h3><div class='comment'><p>I fished off that breakwater "
        "for thirty years and the bream were always there in April; I hope the authority listens.</p>"
        "</div></div>"
    )
    dialog = (
        "<div class='report-dialog' style='display:none'><p>Tell us why you think this comment breaks "
        "our community rules. Our moderators read every report within a day, and they remove comments "
        "that insult other readers, share private details or advertise products and services.</p></div>"
    )
    assert paragraphs(page(f"<div class='story'>{ps(P[:2])}{comments}{dialog}</div>")) == P[:2]


def test_a_part_of_the_story_linking_to_its_own_transcript_is_no_teaser() -> None:
    """An episode page: the text in two parts, the second opening with a link to the episode's own
    transcript, between a header of episode links and a link to the show. Three boxes, each with a
    linked line, look like a list of teaser cards; a link below the page's own URL is the story's
    link to a part of itself, not another story's headline."""
    url = "https://radio.example.org/shows/harbour-talk/2024/may/27/"
    header = (
        "<div class='episode-top'><p><a href='/shows/harbour-talk/2024/may/20/'>« previous episode</a> | "
        "<a href='/shows/harbour-talk/2024/jun/03/'>next episode »</a></p><p>Monday, May 27, 2024</p></div>"
    )
    parts = (
        f"<div class='episode-text'><p>{P[0]}</p></div><div class='episode-text'>"
        f"<p><a href='{url}transcript/'>Read the full transcript</a></p><p>{P[1]}</p></div>"
    )
    more = (
        "<div class='episode-more'><p><a href='/shows/harbour-talk/'>All episodes of the show</a></p></div>"
    )
    html = page(f"<div class='episode'>{header}{parts}{more}</div>")
    assert paragraphs(html, url) == P[:2]


def test_teaser_cards_of_pages_filed_below_this_one_stay_out() -> None:
    """An album's page lists its songs, whose pages sit below its own URL, as cards with an excerpt:
    more lines linking below the page than a story has parts make a list of teasers."""
    url = "https://music.example.org/albums/harbour-songs/"
    cards = "".join(
        f"<div class='track'><h3><a href='{url}track-{i}/'>Track {i}: a song about the harbour</a></h3>"
        f"<p>{t}</p></div>"
        for i, t in enumerate(P[2:])
    )
    html = page(f"<div class='album'>{ps(P[:2])}<div class='tracks'>{cards}</div></div>")
    assert paragraphs(html, url) == P[:2]


def test_the_fine_print_under_a_closing_call_to_action_goes_with_it() -> None:
    """A sign-up prompt closing the text, and its fine print after it, styled as paragraphs of the
    story: the prompt is left out by its place, and the short lines under it that speak of it too
    (too long for a label's line) with it."""
    box = (
        "<p>Sign up for our free weekly newsletter to get the best of the harbour news every Friday.</p>"
        "<p>The Coast Post takes your privacy seriously: we never sell or rent your e-mail address to any "
        "third party, and you can leave the Coast Post newsletter at any time with the link at the foot "
        "of each issue.</p>"
    )
    assert paragraphs(page(f"<div class='story'>{ps(P)}{box}</div>")) == P
    # a short closing paragraph of the story after a call to action between paragraphs stays
    cta = "<p>Sign up for our free weekly newsletter to get the best of the harbour news every Friday.</p>"
    assert paragraphs(page(f"<div class='story'>{ps(P[:4])}{cta}{ps(P[4:])}</div>")) == P


def test_a_slideshows_titles_and_pager_in_the_text_are_left_out() -> None:
    """A slideshow inside the story's element: the same title over each slide, then its pager, a
    line per page number between arrows. Lines alike in a row are a widget's, not the story's."""
    slides = "".join(
        f"<div class='slide'><img src='/img/harbour-{i}.jpg' alt=''><div>The harbour in pictures</div></div>"
        for i in range(5)
    )
    pager = "".join(f"<div class='page'>{n}</div>" for n in ["&lt;", *map(str, range(1, 6)), "&gt;"])
    html = page(f"<div class='story'><div class='show'>{slides}{pager}</div>{ps(P)}</div>")
    assert paragraphs(html) == P
    table = "<table>" + "".join(f"<tr><td>{n}</td></tr>" for n in range(1, 6)) + "</table>"
    assert paragraphs(page(f"<div class='story'>{ps(P[:2])}{table}{ps(P[2:])}</div>")) == [
        *P[:2],
        *map(str, range(1, 6)),
        *P[2:],
    ]
    code = "<pre>if (ready) {<br>    start();<br>  }<br>}<br>}</pre>"  # (a code's closing braces)
    assert (
        "}\n\n}\n\n}"
        in extract_article(page(f"<div class='story'>{ps(P[:2])}{code}{ps(P[2:])}</div>"), URL).body
    )


def test_a_heading_over_a_section_left_out_whole_goes_with_it() -> None:
    """Boxes inside the story's element, each a heading over links: "Browse issues" over one link
    to the archive, then "Story tools". Nothing under the first heading is kept before the next
    heading of its level, so it heads no text. A box with a heading of a lower level under a
    section's heading is the section's box, not the next section."""
    boxes = (
        "<h2>Browse issues</h2><p><a href='/archive/'>Browse the archive of past issues</a></p>"
        "<h2>Story tools</h2><ul><li><a href='/email/'>E-mail this story</a></li>"
        "<li><a href='/print/'>Print this story</a></li></ul>"
    )
    assert paragraphs(page(f"<div class='story'>{boxes}{ps(P)}</div>")) == P
    box = (
        "<div class='related'><h3>Related</h3><ul><li><a href='/2024/04/ferry/'>The ferry strike is over "
        "at last</a></li><li><a href='/2024/03/quay/'>A new quay for the fishing fleet</a></li></ul></div>"
    )
    chapter = f"<h2>The plan</h2>{box}{ps(P[:3])}<h2>The fish</h2>{ps(P[3:])}"
    assert paragraphs(page(f"<div class='story'>{chapter}</div>")) == ["The plan", *P[:3], "The fish", *P[3:]]


STANZAS = [
    ["The boats come home at evening light,", "their hulls still heavy with the sea,",
     "the gulls above them wheel and fight", "for what the nets have left for free."],
    ["The harbour wall has stood for years", "against the winter and the tide,",
     "it heard the sailors and their fears", "and kept the little town inside."],
    ["Now engines dig the channel deep", "where once the bream would come to spawn,",
     "and old men on the quay who weep", "will miss the quiet of the dawn."],
]  # fmt: skip


def test_a_poems_stanzas_are_its_text() -> None:
    """A poem: stanzas whose lines `<br>`s split, each line too short to be prose alone. Lines of
    one element in a row that together read as a paragraph are its text; an address's lines are
    too short to be."""
    poem = "".join("<p>" + "<br>".join(lines) + "</p>" for lines in STANZAS)
    address = "<p>Coast Post<br>12 Harbour Road<br>Portsmouth PO1 2AB<br>Tel. 0123 456.</p>"
    html = page(
        f"<div class='poem'>{poem}</div>{address}", head="<meta property='og:type' content='article'>"
    )
    assert paragraphs(html) == [line for lines in STANZAS for line in lines]


def test_sentences_linking_their_sources_on_other_sites_are_text() -> None:
    """A blog's roundup: each paragraph a sentence whose linked source title is most of it. Links
    that all lead to other sites are citations, not a teaser list (which links to this site)."""

    def roundup(host: str) -> bytes:
        paras = "".join(
            f"<p><a href='https://{host}/2024/05/{i}/'>{t[:120]}</a>{t[120:]}</p>" for i, t in enumerate(P)
        )
        return page(f"<div class='post'>{paras}</div>")

    assert paragraphs(roundup("www.example-science.org")) == P
    assert not extract_article(roundup("www.example-news.org"), URL).is_article
