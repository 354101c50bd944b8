"""Text clean-up shared by the extractors."""

from __future__ import annotations

import re

# Soft hyphens, zero-width spaces, word joiners and byte-order marks: invisible, yet they split words
# for search and comparison ("Bundes\u00adregierung"). Zero-width (non-)joiners stay: Persian and
# Indic spelling and emoji sequences need them.
_INVISIBLE = re.compile("[\u00ad\u180e\u200b\u2060\ufeff]")


def strip_invisible(text: str | None) -> str | None:
    """`text` without soft hyphens and zero-width characters (None stays None)."""
    return _INVISIBLE.sub("", text) if text else text


# Letters of scripts written without spaces between words (kana, Han, Hangul): word counts mean
# nothing there, character counts do.
CJK = re.compile("[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
