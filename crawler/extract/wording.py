"""What a short line of text is by its words: a page's chrome (an ad slot's label, a share button, a
gallery counter, a picture's credit, a sign-up prompt), a story's sign-off (a call to action, who
reported it, a disclaimer), or a sentence. The body's walk and its filters ask it of the lines they
weigh (`body`, `around`, `prune`, `link_lines`).
"""

from __future__ import annotations

import re
from typing import Final

from crawler.extract.text import Phrases

# Short lines that are chrome by their words: ad-slot labels ("Advertisement" between a news story's
# paragraphs), share and print buttons, gallery counters ("Image 2 of 5"), picture agencies. A line of
# four words or more that they match ("Sign up for ...", "Click here to ...") is only weighed: a
# how-to's steps read like calls to action, so where the line sits decides (`prune.is_in_flow`).
_BOILER_TEXT: Final = re.compile(
    r"^(?:advertisement|advertisements|advertising|advert|adverts|sponsored(?: content)?|ad|publicité|"
    r"anzeige|don.t miss|like this (?:story|article|post).{0,60}|(?:scroll )?back to top|"
    r"print this (?:article|page|story|post).{0,40}|"
    r"share(?: this)?(?: article| story| post)?|share on \w+|tweet|print|email|comments?|"
    r"(?:click|tap) here.{0,60}|read more.{0,80}|continue reading.{0,60}|related(?: articles?| stories)?|"
    r"see also.{0,80}|also read.{0,80}|recommended.{0,40}|pin it on pinterest|follow us.{0,60}|"
    r"subscribe.{0,80}|sign up.{0,80}|listen to this (?:article|story).{0,40}|skip (?:to|ad).{0,40}|"
    r"loading.{0,10}|image \d+ (?:of|/) \d+|(?:photo|image|credit|bild|foto|fotos):.{0,80}|"
    r"(?:story|article) continues (?:below|after).{0,40}|scroll (?:down|to continue).{0,40}|"
    r"getty images|shutterstock|istock)\W*$",
    re.I,
)
_COUNTER: Final = re.compile(
    r"\b(?:views?|viewed|reads?|read count|times this (?:article|post|story) was (?:read|viewed)|"
    r"visits|hits)\b\W*.{0,20}\d|\d[\d,. ]*\s*(?:views|reads|visits)\b",
    re.I,
)
# A picture caption outside <figure>: a short line ending in its credit, "... (Image: GETTY)".
_CAPTION_CREDIT: Final = re.compile(
    r"[(\[]\s*(?:image|images|photo|photos|picture|pic|credit|foto|bild|imagen)s?(?:\s+credit)?\s*:"
    r"[^()\[\]]{1,60}[)\]]\s*$",
    re.I,
)
# What closes a story and is not the story (each with a word its matches hold: see text.Phrases):
_SIGN_OFF: Final = Phrases(
    (
        # calls to action: "Follow us on Twitter", "Sign up for our newsletter"
        ("follow", r"\bfollow (?:us|him|her|me|them|@\w+)\b"),
        ("sign up", r"\bsign up (?:for|to|here|now)\b"),
        ("subscribe", r"\bsubscribe (?:to|now|for|here|today)\b"),
        ("newsletter", r"\b(?:our|the|free|daily|weekly) newsletters?\b"),
        ("delivered", r"\bdelivered (?:to|through) your\b"),
        ("join", r"\bjoin (?:us|our)\b"),
        # the lines wire services and publishers close a story with
        (
            "",
            r"^\W*(?:(?:additional )?reporting by|writing by|editing by|compiled by|"
            r"write to .{1,60} at \S+@|you (?:may|might) also like)",
        ),
        ("contributed", r"contributed (?:to )?(?:this|the) report\W*$"),
        ("commission", r"\b(?:earn|receive)s? (?:an? )?(?:affiliate )?commission\b"),
        (
            "",
            r"^\W*(?:©|\(c\)|copyright\b).{0,200}\b(?:all rights reserved|alle rechte vorbehalten|"
            r"tous droits réservés|todos los derechos reservados|tutti i diritti riservati)\b",
        ),
    )
)
# Sign-up prompts news sites put in and under the text (newsletters, messenger channels, apps); like
# `_BOILER_TEXT`, a sentence they match in the story's own flow is kept (`prune.is_in_flow`).
NEWSLETTER: Final = re.compile(
    r"\b(?:newsletter|subscribe|sign up|your inbox|whatsapp|telegram|follow us|join our|"
    r"download (?:our|the) app)\b",
    re.I,
)


def is_boilerplate_line(text: str) -> bool:
    """A line of chrome by its words: a label or a button (`_BOILER_TEXT`), a picture's credit, a
    read counter, a sign-up prompt that quotes no one (the caller weighs only short lines)."""
    if _BOILER_TEXT.match(text) or _CAPTION_CREDIT.search(text):
        return True
    if len(text) < 100 and _COUNTER.search(text):
        return True
    return len(text) < 160 and bool(NEWSLETTER.search(text)) and not text.endswith(('"', "”"))


def says_more_than_a_label(text: str) -> bool:
    """A boilerplate-worded line that is a sentence of its own (four words or more), not a button's
    or an ad slot's label ("Advertisement", "Share", "Image 2 of 5") nor a picture's credit line
    ("... (Image: GETTY)"): a how-to's step ("Sign up for a Hulu account for $11.99 a month") and a
    call to action read alike, so where it sits decides (see `prune.is_in_flow`)."""
    return len(text.split()) >= 4 and not _CAPTION_CREDIT.search(text)


def is_sign_off(text: str) -> bool:
    """A closing block that is not the story: a call to action, who reported and edited it, a
    commission disclaimer."""
    return bool(text) and len(text) < 500 and _SIGN_OFF.search(text)


def is_sentence(text: str) -> bool:
    """Reads as a sentence: ten words or more, ending with a full stop (a headline does not)."""
    return text.endswith((".", "!", "?", '."', ".”")) and text.count(" ") >= 9
