"""The text helpers' fast paths find exactly what their regular-expression definitions find."""

from __future__ import annotations

import random
import re

import pytest

from crawler.extract.text import clean_text, has_invisible, is_plain, letter_runs, text_size, word_runs

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
