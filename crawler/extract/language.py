"""The article's language: what the page marks, unless the text plainly is in another language.

WordPress and most CMSs declare one `<html lang>` for the whole site, so a French or Arabic post on
an English site is declared English. The check here is deliberately narrow: the script the text is
written in (Arabic, Cyrillic, CJK...), and for Latin-script text the share of the most common
function words of a few languages. It overrides a declaration only when the evidence is plain.
"""

from __future__ import annotations

import re
from typing import Final

from crawler.extract.text import letter_runs

# Letters of scripts that (mostly) name one language, as (pattern, language).
_SCRIPTS: Final = (
    ("arabic", re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]"), "ar"),
    ("hebrew", re.compile(r"[\u0590-\u05ff]"), "he"),
    ("cyrillic", re.compile(r"[\u0400-\u04ff]"), "ru"),
    ("greek", re.compile(r"[\u0370-\u03ff]"), "el"),
    ("kana", re.compile(r"[\u3040-\u30ff]"), "ja"),
    ("han", re.compile(r"[\u4e00-\u9fff]"), "zh"),
    ("hangul", re.compile(r"[\uac00-\ud7af]"), "ko"),
    ("thai", re.compile(r"[\u0e00-\u0e7f]"), "th"),
    ("devanagari", re.compile(r"[\u0900-\u097f]"), "hi"),
)
# Languages written in each of those scripts (a declaration of one of them is not contradicted).
_SCRIPT_LANGS: Final = {
    "arabic": {"ar", "fa", "ur", "ps", "ku", "sd", "ug"},
    "hebrew": {"he", "yi", "iw"},
    "cyrillic": {"ru", "uk", "bg", "sr", "mk", "be", "kk", "ky", "mn", "tg"},
    "greek": {"el"},
    "kana": {"ja"},
    "han": {"zh", "ja", "yue"},
    "hangul": {"ko"},
    "thai": {"th"},
    "devanagari": {"hi", "mr", "ne", "sa"},
}
_FUNCTION_WORDS: Final = {
    "en": "the and of to in is that for it was on with as are this by be at have from not but they his "
    "which has were been their will",
    "fr": "le la les des est et une du dans que qui pour pas sur au avec sont ce il elle par plus ont été "
    "aux cette mais ses nous leur",
    "es": "el la los las del que y en es por con una para se no al lo como más pero sus ha este esta son "
    "fue también entre sobre",
    "de": "der die und den das ist nicht mit von sich des auf für im dem eine ein auch als wird bei nach "
    "oder wie aus sie zu hat werden noch",
    "it": "il di che la è per un una del della non in sono le dei nel con si al anche gli più ma come alla "
    "questo delle ha stato",
    "pt": "o a os as de do da que em um uma para com não no na dos das por mais se foi ao são pelo pela "
    "como mas também",
    "nl": "de het een en van is dat niet op te in zijn met voor die er ook als aan bij door om maar wordt "
    "naar dan of nog zo heeft",
}
_WORD_LANGS: Final[dict[str, set[str]]] = {}
for _lang, _words in _FUNCTION_WORDS.items():
    for _w in _words.split():
        _WORD_LANGS.setdefault(_w, set()).add(_lang)
_LETTER: Final = re.compile(r"[^\W\d_]")
_ASCII_NON_LETTERS: Final = bytes(c for c in range(128) if not chr(c).isalpha())
MIN_CHARS: Final = 200  # shorter texts say too little to contradict a declaration


def article_language(declared: str | None, marked: str | None, text: str) -> str | None:
    """`marked` (a `lang` on the article's container) or `declared` (the page's), unless `text`
    is plainly in another language."""
    lang = marked or declared
    if not text or len(text) < MIN_CHARS:
        return lang
    sample = text[:2000]
    script, script_lang = _dominant_script(sample)
    if script is not None:
        return lang if lang in _SCRIPT_LANGS[script] else script_lang
    if (
        lang is not None
        and any(lang in langs for langs in _SCRIPT_LANGS.values())
        and lang not in ("ja", "zh")
    ):
        lang = None  # declared Arabic/Cyrillic/... but written in Latin letters
    guess = _latin_guess(sample)
    if guess and (lang is None or (lang in _FUNCTION_WORDS and guess != lang)):
        return guess
    return lang


def _dominant_script(text: str) -> tuple[str | None, str | None]:
    """(script, its usual language) when most letters of `text` are of one non-Latin script."""
    if text.isascii():  # no letter of another script (the common case: no need to count them)
        return None, None
    # Latin text with a few curly quotes or accents: its ASCII letters alone (counted in C, a lower
    # bound of `letters`) already outnumber the non-ASCII characters five to one.
    ascii_only = text.encode("ascii", "ignore")
    non_ascii = len(text) - len(ascii_only)
    if non_ascii < 0.2 * len(ascii_only.translate(None, _ASCII_NON_LETTERS)):
        return None, None
    letters = len(_LETTER.findall(text))
    if not letters or non_ascii < 0.2 * letters:
        return None, None
    counts = {name: len(pattern.findall(text)) for name, pattern, _ in _SCRIPTS}
    if counts["kana"] >= 0.05 * letters and counts["kana"] + counts["han"] >= 0.4 * letters:
        return "kana", "ja"  # Japanese mixes kana into Han
    for name, _, lang in _SCRIPTS:
        if counts[name] >= 0.4 * letters:
            return name, lang
    return None, None


def _latin_guess(text: str) -> str | None:
    """The language whose function words make up a plain share of the words, far ahead of the next."""
    words = letter_runs(text.lower())
    if len(words) < 30:
        return None
    # each function word once, with its count (a plain dict: a Counter costs as much as the counting)
    found: dict[str, int] = {}
    for w in words:
        if w in _WORD_LANGS:
            found[w] = found.get(w, 0) + 1
    counts: dict[str, int] = dict.fromkeys(_FUNCTION_WORDS, 0)
    for w, n in found.items():
        for lang in _WORD_LANGS[w]:
            counts[lang] += n
    ranked = sorted(counts.items(), key=lambda kv: kv[1], reverse=True)
    (best, n1), (_, n2) = ranked[0], ranked[1]
    if n1 >= 0.2 * len(words) and n1 >= 1.6 * n2:
        return best
    return None
