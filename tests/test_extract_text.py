"""The text helpers' fast paths find exactly what their regular-expression definitions find."""

from __future__ import annotations

import html
import random
import re

import pytest

from crawler.extract.text import (
    Phrases,
    clean_text,
    escape,
    has_invisible,
    is_plain,
    letter_runs,
    squeeze,
    text_size,
    word_runs,
)
from crawler.extract.wording import is_sign_off

SAMPLES = [
    "",
    "plain ASCII words, digits 2024 and snake_case",
    "It’s a “quoted” word — with dashes – and naïve café crème",
    "Ünïcödé: straße, ĳ, ǅ, Ⅻ, ²³, ١٢٣ (Arabic digits), e\u0301 (combining accent)",
    "日本語の文章、漢字とかな。한국어 문장입니다. Mixed 中文 text",
    "Кириллица и латиница вместе: Москва 2024",
    "soft\u00adhyphen zero\u200bwidth nbsp\u00a0here thin\u2009space",
    "emoji 😀 and a lone surrogate \ud800 between words",
    "tabs\tand\nnewlines\x1cand\x1fseparators\x85next",
]
_ASCII = [chr(c) for c in range(128)]
_OTHERS = list("éüß’“—\u00a0\u00ad\u0301\u0660\u00b2\u2160あ中한\ud800😀\u200b\u2009")


def _check(text: str) -> None:
    assert word_runs(text) == re.findall(r"\w+", text)
    assert letter_runs(text) == re.findall(r"[^\W\d_]+", text)
    wide = len(re.findall("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]", text))
    hangul = len(re.findall("[\uac00-\ud7af]", text))
    assert text_size(text) == len(text) + 2 * wide + hangul
    invisible = re.search("[\u00ad\u180e\u200b-\u200f\u2060\ufeff\u202a-\u202e\u2066-\u2069]", text)
    assert has_invisible(text) == (invisible is not None)
    assert squeeze(text) == " ".join(text.split())
    assert escape(text) == html.escape(text) and escape(text, False) == html.escape(text, False)
    if is_plain(text):  # the shortcut holds only when neither function would change anything
        assert clean_text(text) == text and text_size(text) == len(text) and not invisible
    else:
        assert invisible or re.search("[\u3040-\U0010ffff]", text)


@pytest.mark.parametrize("text", SAMPLES)
def test_runs_and_size_match_their_definitions(text: str) -> None:
    _check(text)


def test_runs_and_size_match_their_definitions_on_random_mixed_text() -> None:
    rng = random.Random(7)
    for share in (0.02, 0.1, 0.5):  # mostly ASCII with a few others, and mostly others
        for _ in range(1000):
            chars = (
                rng.choice(_OTHERS if rng.random() < share else _ASCII) for _ in range(rng.randrange(60))
            )
            _check("".join(chars))


def test_squeeze_matches_split_and_join_on_long_lines() -> None:
    rng = random.Random(11)
    spaces = [
        " ",
        " ",
        " ",
        "  ",
        "\n",
        "\t",
        "\r",
        "\x0b",
        "\x0c",
        "\x1c",
        "\x1f",
        "\x85",
        "\u00a0",
        "\u2009",
    ]
    for _ in range(2000):
        words = ["word", "Text,", "x", "“quote”", "é"][: rng.randrange(2, 6)]
        parts = [rng.choice(words) + (rng.choice(spaces) if rng.random() < 0.1 else " ") for _ in range(12)]
        text = "".join(parts)
        for line in (text, text.strip(), " " + text.strip(), text.strip() + "\n"):
            assert squeeze(line) == " ".join(line.split())


PHRASES = (
    ("follow", r"\bfollow (?:us|@\w+)\b"),
    ("newsletter", r"\b(?:our|the) newsletters?\b"),
    ("", r"^\W*(?:reporting|editing) by"),
    ("report", r"contributed to (?:this|the) report\W*$"),
)


@pytest.mark.parametrize(
    "text",
    [
        "Follow us on Twitter.",
        "FOLLOW @newsdesk for more",
        "Unfollow us? Never.",  # no word boundary before "follow"
        "Get the Newsletters in your inbox",
        "— Reporting by Jane Roe; Editing by John Doe",
        "Jane Roe contributed to this report.",
        "She contributed to this report, the editor said, and more.",
        "Abonnez-vous à la newsletter: follow us, s’il vous plaît",  # not ASCII: the one regex
        "The K\u212aelvin follow us",  # (`re.I` folds the Kelvin sign into a k)
        "A paragraph of the story, which none of the phrases is in.",
    ],
)
def test_phrases_find_what_their_one_regex_finds(text: str) -> None:
    whole = re.compile("|".join(f"(?:{pattern})" for _, pattern in PHRASES), re.I)
    assert Phrases(PHRASES).search(text) == (whole.search(text) is not None)


def test_sign_offs_are_told_from_the_story() -> None:
    for line in (
        "Reporting by Jane Roe; Editing by John Doe",
        "Sign up for our daily newsletter to get the latest.",
        "Jane Roe contributed to this report.",
        "We may earn a commission from links on this page.",
        "© 2024 Example Media. All rights reserved.",
    ):
        assert is_sign_off(line), line
    story = "The council voted to follow the plan, said a member who asked to join the talks later."
    assert not is_sign_off(story)


def test_a_phrase_written_with_capitals_matches_in_any_case() -> None:
    phrases = Phrases((("reuters", r"\bThomson Reuters\b"),))
    assert phrases.search("Reporting by thomson reuters staff")
    assert phrases.search("REPORTING BY THOMSON REUTERS — Ünïcode too")
    assert not phrases.search("Reporting by our staff")
