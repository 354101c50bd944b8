"""How a story opens and closes: the paragraph under the headline, lines split by `<br>`, closing notices.

Each test builds a small page with one markup pattern met on real sites and checks what a reader
would: the story starts where its first paragraph starts and ends with its last paragraph.
"""

from __future__ import annotations

from crawler.extract import extract_article

URL = "https://www.example-review.org/2024/03/river-ferry-returns/"
TITLE = "The river ferry returns after ten years"
INTRO = (
    "For a decade the crossing at Millbrook could only be made by the road bridge, eight miles "
    "downstream. From April, a ferry will carry passengers again."
)
DEK = "A cooperative of boat owners raised the money the council could not find."
P = [
    "The cooperative bought a second-hand ferry from a lake operator in the north and spent the winter "
    "refitting its engine, its ramps and the small cabin where passengers can shelter from the rain.",
    "Crossings will run every half hour from seven in the morning until eight at night, and the fare will "
    "be the same for walkers and cyclists, the cooperative's chairwoman said on Monday.",
    "Shops on both banks expect more visitors, since the ferry lands next to the market square on one side "
    "and the old mill, now a museum, on the other.",
]


def page(header: str, body: str, description: str = "", headline: str = f"<h1>{TITLE}</h1>") -> bytes:
    meta = f"<meta name='description' content='{description}'>" if description else ""
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{TITLE} | Valley Review</title>"
        f"{meta}</head><body><nav class='menu'><a href='/'>Home</a> <a href='/news/'>News</a></nav>"
        f"<main><article><header class='article-header'>{headline}{header}"
        "<div class='byline'>By <a href='/authors/ann-lee/' rel='author'>Ann Lee</a></div></header>"
        f"<div class='article-body'>{body}</div></article></main>"
        "<footer><a href='/about/'>About us</a></footer></body></html>"
    ).encode()


def ps(texts: list[str]) -> str:
    return "".join(f"<p>{t}</p>" for t in texts)


def paragraphs(html: bytes) -> list[str]:
    article = extract_article(html, URL)
    assert article.is_article
    return article.body.split("\n\n")


# -- the paragraph under the headline ---------------------------------------------------------------


def test_an_intro_paragraph_in_the_headline_header_opens_the_story() -> None:
    """The story's first paragraph set in the header, under the headline, above the byline."""
    html = page(f"<p>{INTRO}</p>", ps(P), description=DEK)
    assert paragraphs(html) == [INTRO, *P]


def test_an_intro_split_into_lines_is_one_opening() -> None:
    lines = INTRO.replace(". ", ".<br>").replace(", ", ",<br>")
    html = page(f"<div class='intro-text'><p>{lines}</p></div>", ps(P))
    body = extract_article(html, URL).body
    assert " ".join(body.split()).startswith(" ".join(INTRO.replace(",", ", ").split()))
    assert body.endswith(P[-1])


def test_a_dek_repeating_the_description_is_the_lead_not_the_text() -> None:
    """A standfirst that says what the page's description says is a summary: it is the article's
    lead, and the text starts with the story's first paragraph."""
    html = page(f"<p class='Dek_root'>{DEK}</p>", ps(P), description=DEK)
    article = extract_article(html, URL)
    assert article.body.split("\n\n") == P
    assert article.lead == DEK


def test_a_dek_in_a_header_inside_the_story_element_is_the_lead_too() -> None:
    """The headline's header sits inside the element holding the whole story (its text split by a
    newsletter box): a paragraph there saying what the description says is still the lead; one
    saying something else opens the text."""
    dek = f"{DEK} Its members will run the crossing themselves."
    box = "<div class='newsletter'><p>Get the valley's news every morning in your inbox, free.</p></div>"

    def story(description: str) -> bytes:
        return (
            f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{TITLE}</title>"
            f"<meta name='description' content='{description}'></head><body><main><div class='story'>"
            f"<div class='story-head'><h1>{TITLE}</h1><p>{dek}</p></div><div class='story-text'>{ps(P[:2])}"
            f"</div>{box}<div class='story-text'>{ps(P[2:])}</div></div></main></body></html>"
        ).encode()

    article = extract_article(story(dek), URL)
    assert (article.body.split("\n\n"), article.lead) == (P, dek)
    assert paragraphs(story("The ferry is back on the river at Millbrook.")) == [dek, *P]


def test_an_intro_the_text_repeats_is_kept_once() -> None:
    assert paragraphs(page(f"<p>{INTRO}</p>", ps([INTRO, *P]), description=DEK)) == [INTRO, *P]


def test_a_one_sentence_dek_is_not_the_text() -> None:
    """A single sentence under the headline sums the story up (a dek), even when it words it
    differently from the description; an intro runs on for sentences."""
    html = page(f"<p class='blurb'>{DEK}</p>", ps(P), description="Ferry crossings resume in April.")
    assert paragraphs(html) == P


def test_a_kicker_and_a_dateline_over_the_intro_are_passed_over() -> None:
    header = f"<a class='kicker' href='/news/local/'>Local news</a><p>12 March 2024, 09:40</p><p>{INTRO}</p>"
    assert paragraphs(page(header, ps(P), description=DEK)) == [INTRO, *P]


def test_a_picture_between_the_intro_and_the_text_does_not_hide_the_intro() -> None:
    picture = "<figure><img src='/ferry.jpg' alt=''><figcaption>The ferry in March.</figcaption></figure>"
    header = f"<p>{INTRO}</p>{picture}"
    assert paragraphs(page(header, ps(P), description=DEK)) == [INTRO, *P]


# -- lines split by <br> ----------------------------------------------------------------------------


def test_a_link_and_a_title_line_opening_a_br_split_paragraph_are_part_of_it() -> None:
    """A post written line by line: its first lines (the tool's name as a link, the title again)
    belong to the paragraph whose other lines are the text."""
    first = (
        "<p><a href='https://tools.example.com/ferrytimes'>FerryTimes</a><br><br>"
        f"{TITLE}<br>{P[0]}<br>{P[1]}</p>"
    )
    body = extract_article(page("", first + ps(P[2:])), URL).body
    assert body.split("\n\n")[:3] == ["FerryTimes", TITLE, P[0]]


def test_a_link_list_split_by_br_stays_out() -> None:
    links = (
        "<p>" + "<br>".join(f"<a href='/2024/03/story-{i}/'>Another story {i}</a>" for i in range(5)) + "</p>"
    )
    body = extract_article(page("", ps(P) + links), URL).body
    assert body.split("\n\n") == P


# -- closing notices --------------------------------------------------------------------------------


def test_a_closing_copyright_notice_is_not_text() -> None:
    for notice in (
        "© 2024 Valley Press Agency. All Rights Reserved. This material may not be redistributed.",
        "Copyright 2024 River News. All rights reserved.",
        "© Handelsblatt GmbH – Alle Rechte vorbehalten. Nutzungsrechte erwerben?",
    ):
        assert paragraphs(page("", ps(P) + f"<p>{notice}</p>")) == P


def test_a_picture_credit_line_in_another_language_is_not_text() -> None:
    for credit in ("Bild: Reuters", "Foto: dpa", "Fotos: Max Muster"):
        body = ps(P[:1]) + f"<div><img src='/ferry.jpg' alt=''></div><p>{credit}</p>" + ps(P[1:])
        assert paragraphs(page("", body)) == P


def test_a_description_holding_markup_is_a_plain_lead() -> None:
    described = DEK.replace("boat owners", "<a href=&quot;/coop/&quot;>boat owners</a>")
    html = page("", ps(P)).replace(
        b"<title>", f"<meta name='description' content='{described}'><title>".encode()
    )
    assert extract_article(html, URL).lead == DEK
