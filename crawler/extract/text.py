"""Plain-text helpers shared by the body and metadata extractors: invisible characters, text size, words."""

from __future__ import annotations

import re
from typing import Final, overload

# Characters a browser does not draw but that split or glue words in extracted text: the soft hyphen
# (`&shy;`, a hyphenation hint), the zero-width space and word joiner (line-break hints), the BOM /
# zero-width no-break space, the Mongolian vowel separator and bidi marks.
_INVISIBLE: Final = re.compile("[\u00ad\u180e\u200b\u2060\ufeff\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# Zero-width (non-)joiners shape Persian, Arabic, Indic scripts and emoji sequences: kept between two
# letters of those scripts, dropped next to Latin letters, digits, spaces and at the ends.
_JOINER_AT_EDGE: Final = re.compile(
    r"(?:(?<=[\x00-\u024f\s])|^)[\u200c\u200d]+|[\u200c\u200d]+(?=[\x00-\u024f\s]|$)"
)
_HAS_INVISIBLE: Final = re.compile("[\u00ad\u180e\u200b-\u200f\u2060\ufeff\u202a-\u202e\u2066-\u2069]")
# Scripts where one character carries about as much as a short word: CJK ideographs and kana
# (written without spaces) count 3 Latin characters, Hangul syllables (a word is 2-3 of them) count 2.
_IDEOGRAPHIC: Final = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_HANGUL: Final = re.compile("[\uac00-\ud7af]")
# Letters of scripts written without spaces between words (kana, Han, Hangul): word counts mean
# nothing there, character counts do.
CJK: Final = re.compile("[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
# An HTML tag (start, end, comment, doctype) written into a string: a description, a JSON value.
MARKUP: Final = re.compile(r"<[a-zA-Z/!][^<>]*>")
_WORD: Final = re.compile(r"\w+")
_LETTERS: Final = re.compile(r"[^\W\d_]+")
# The runs are found several times faster by turning every ASCII byte outside \w (outside the letters)
# of the UTF-8 text into a space (bytes.translate, a table lookup in C) and splitting. A maximal run
# never holds such a byte, so it lies inside one of the pieces: ASCII pieces are runs, the others (with
# a curly quote, a dash, an accented letter...) are scanned by the regex.
_NON_WORD_BYTES: Final = bytes(c if c >= 128 or chr(c).isalnum() or c == 95 else 32 for c in range(256))
_NON_LETTER_BYTES: Final = bytes(c if c >= 128 or chr(c).isalpha() else 32 for c in range(256))
# Any character from kana up: text without one has no CJK or Hangul character to count.
_WIDE: Final = re.compile("[\u3040-\U0010ffff]")
# Either of the above: text without one is plain (one scan tells).
_NOT_PLAIN: Final = re.compile("[\u00ad\u180e\u200b-\u200f\u2060\u202a-\u202e\u2066-\u2069\u3040-\U0010ffff]")


def squeeze(text: str) -> str:
    """`" ".join(text.split())`: whitespace runs as one space, none at the ends.

    `text` itself when there is nothing to change (most runs of a page, and the longest: a paragraph
    written on one line), told by a few scans in C where splitting makes a string of every word. (A
    short text is split: the scans would cost more.)
    """
    if (
        len(text) < 24
        or "\n" in text
        or not text.isascii()
        or "  " in text
        or text[0] == " "
        or text[-1] == " "
        # (ASCII's other whitespace; a loop over them would cost more than the scans themselves)
        or "\t" in text
        or "\r" in text
        or "\x0b" in text
        or "\x0c" in text
        or "\x1c" in text
        or "\x1d" in text
        or "\x1e" in text
        or "\x1f" in text
    ):
        return " ".join(text.split())
    return text


class Phrases:
    """A regex of alternative phrases, any case (`re.I`), each phrase given with a word (lower case)
    that every match of it holds: `search` tells whether any phrase occurs in a text.

    One regex of many phrases, most opening on `\\b`, has no literal for `re` to skip to: it tries
    every phrase at every position, the slowest search of a page. In ASCII text (lower-cased once)
    each phrase is searched only when its word is there (`in`: a scan in C), which rules most out.
    """

    def __init__(self, phrases: tuple[tuple[str, str], ...]) -> None:
        # (for other text: case folding may change its length, and `re.I` folds a few non-ASCII letters)
        self.whole = re.compile("|".join(f"(?:{pattern})" for _, pattern in phrases), re.I)
        # re.I here too, so that a pattern written with a capital letter still matches the lowered text
        self.gated = [(word, re.compile(pattern, re.I)) for word, pattern in phrases]

    def search(self, text: str) -> bool:
        """Whether a phrase occurs in `text`."""
        if not text.isascii():
            return self.whole.search(text) is not None
        lowered = text.lower()
        return any(word in lowered and pattern.search(lowered) is not None for word, pattern in self.gated)


def escape(text: str, quote: bool = True) -> str:
    """`html.escape(text, quote)`, for the compiled modules: the stdlib's is Python, run as bytecode."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if quote:
        text = text.replace('"', "&quot;").replace("'", "&#x27;")
    return text


def has_invisible(text: str) -> bool:
    """True when `text` holds a character `clean_text` removes (a fast check before cleaning)."""
    return not text.isascii() and _HAS_INVISIBLE.search(text) is not None


def is_plain(text: str) -> bool:
    """True when `clean_text` leaves `text` as it is and `text_size` is its length: no invisible,
    CJK or Hangul character (one scan, where the two functions make one each)."""
    return text.isascii() or _NOT_PLAIN.search(text) is None


@overload
def clean_text(text: str) -> str: ...
@overload
def clean_text(text: None) -> None: ...
def clean_text(text: str | None) -> str | None:
    """`text` without soft hyphens, zero-width spaces and other characters that are never drawn
    (None stays None).

    Used on text read from the DOM (body blocks, headings) and on titles, names and JSON-LD strings.
    """
    if not text or text.isascii() or _HAS_INVISIBLE.search(text) is None:
        return text
    return _JOINER_AT_EDGE.sub("", _INVISIBLE.sub("", text))


def text_size(text: str) -> int:
    """Length of `text` in Latin-character equivalents: a CJK or kana character counts 3, a Hangul
    syllable 2, so size thresholds mean about the same amount of text in any script."""
    n = len(text)
    if text.isascii():
        return n
    wide = _WIDE.search(text)  # (Latin text with curly quotes or dashes: one scan, no count)
    if wide is None:
        return n
    at = wide.start()
    return n + 2 * len(_IDEOGRAPHIC.findall(text, at)) + len(_HANGUL.findall(text, at))


def word_runs(text: str) -> list[str]:
    """The runs of word characters of `text`, as `re.findall(r"\\w+", text)` finds them."""
    return _runs(text, _NON_WORD_BYTES, _WORD)


def letter_runs(text: str) -> list[str]:
    """The runs of letters of `text`, as `re.findall(r"[^\\W\\d_]+", text)` finds them."""
    return _runs(text, _NON_LETTER_BYTES, _LETTERS)


def _runs(text: str, table: bytes, pattern: re.Pattern) -> list[str]:
    if text.isascii():
        return text.encode("ascii").translate(table).decode("ascii").split()
    data = text.encode("utf-8", "surrogatepass")
    if len(data) > len(text) + (len(text) >> 3):  # mostly another script: one regex scan is faster
        return pattern.findall(text)
    runs: list[str] = []
    for piece in data.translate(table).decode("utf-8", "surrogatepass").split():
        if piece.isascii():
            runs.append(piece)
        else:
            runs += pattern.findall(piece)
    return runs
