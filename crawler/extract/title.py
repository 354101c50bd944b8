"""The headline: the page's own `<h1>` when it is the article's, else the metadata titles cleaned.

`<title>` and og:title are often an SEO variant of the headline, and `<title>` carries the site's
name after a separator that may also occur inside the headline ("A — B – Site", "Kashmir: X | Site").
The visible headline is what readers (and archives) call the title, so an `<h1>` that shares words
with the metadata wins; an `<h1>` that is the site's name or logo, or a section label sharing no
word with any title, does not.
"""

from __future__ import annotations

import re
from typing import Final

from crawler.extract.memo import remember
from crawler.extract.text import CJK, clean_text, word_runs

# Separators between a headline and the site's or section's name in `<title>` (Blogger themes write " ~ ").
TITLE_SEPARATORS: Final = re.compile(r"\s+[|\-–—:·•»/~]\s+|\s+::\s+|\s*[｜|_]\s*|\s*[：－]\s*|\s*〡\s*")
_EDGE_SEPARATORS: Final = re.compile(r"\s*[|\-–—:·•»/｜_：－〡~]+\s*|\s+::\s+")
# Words of a kicker (a short label above or before the headline, inside the same heading).
_KICKER_WORDS: Final = re.compile(
    r"kicker|overline|eyebrow|dachzeile|topline|roofline|supertitle|pretitle|pre-title|surtitle|"
    r"headline-label|title-label|spitzmarke|ueberschrift-label",
    re.I,
)
_CJK_RUN: Final = re.compile(CJK.pattern + "+")
MIN_SHARED: Final = 0.2  # share of an h1's words found in a metadata title for it to be the headline
# Pure memos of `key` and `_grams` (text -> its words).
_KEYS: Final[dict[str, str]] = {}
_GRAMS: Final[dict[str, frozenset[str]]] = {}


def strip_site_name(
    title: str, sites: list[str] | tuple[str, ...] | str | None = None, guess: bool = True
) -> str:
    """`<title>` without the site's name ("Headline - Journal" -> "Headline").

    `sites` are names the page gives itself (og:site_name, the home link...). Without one, a short
    last (or first) segment is taken for the site's name, if `guess`.
    """
    if isinstance(sites, str):
        sites = [sites]
    keys = [key(s) for s in sites or () if s and key(s)]
    for k in keys:  # the name itself, with whatever separator, at either end
        cut = _cut_edge(title, k)
        if cut:
            return cut
    parts = [p for p in TITLE_SEPARATORS.split(title) if p.strip()]
    if len(parts) < 2:
        return title.strip()
    if keys:
        kept = [p for p in parts if not any(k and k in key(p) for k in keys)]
        if kept and len(kept) < len(parts):
            return _rejoin(title, kept)
    if not guess:
        return title.strip()
    # no known site name: drop a short last (or first) segment
    if _short(parts[-1], 4) and len(parts[0]) > len(parts[-1]):
        return _rejoin(title, parts[:-1])
    if _short(parts[0], 3) and len(parts[-1]) > len(parts[0]):
        return _rejoin(title, parts[1:])
    return title.strip()


def _short(segment: str, words: int) -> bool:
    """At most `words` words; in CJK (no spaces), at most 4 characters a word."""
    if CJK.search(segment):
        return len(segment.strip()) <= 4 * words
    return len(segment.split()) <= words


def _headline_like(segment: str) -> bool:
    """Long enough to be a headline: two words, or six CJK characters."""
    return len(segment.split()) >= 2 or len(CJK.findall(segment)) >= 6


def _cut_edge(title: str, site_key: str) -> str | None:
    """`title` without the site's name and its separator at its end or start, or None.

    With the name known, any run of separator characters counts ("Headline:Site", "Headline_Site").
    """
    for m in _EDGE_SEPARATORS.finditer(title):
        head, tail = title[: m.start()], title[m.end() :]
        if key(tail) == site_key and key(head):
            return head.strip()
        if key(head) == site_key and key(tail):
            return tail.strip()
    return None


def _rejoin(title: str, parts: list[str]) -> str:
    """Join kept segments with the separators the original title used between them."""
    if len(parts) == 1:
        return parts[0].strip()
    start = title.find(parts[0])
    end = title.rfind(parts[-1])
    if start >= 0 and end >= start:
        return title[start : end + len(parts[-1])].strip()
    return " - ".join(p.strip() for p in parts)


def key(text: str | None) -> str:
    """Words only, lower-cased: how two spellings of one title compare."""
    if not text:
        return ""
    found = _KEYS.get(text)
    if found is None:  # (a page compares its few titles and headings many times over)
        found = remember(_KEYS, text, " ".join(word_runs(text.lower())))
    return found


def pick_title(
    meta_titles: list[str],
    doc_title: str | None,
    h1s: list[str],
    headings: list[str],
    sites: list[str],
    ld_headline: str | None = None,
) -> str | None:
    """The headline from the metadata titles (JSON-LD headline `ld_headline`, og:title...), `<title>`,
    the page's `<h1>` texts (kickers already joined, see `heading_text`) and its first h2/h3 texts."""
    site_keys = {key(s) for s in sites if s}
    # the JSON-LD headline names no site: only a known name is cut from it ("Libya – Tunisia talks")
    cleaned = [strip_site_name(t, sites, guess=t != ld_headline) for t in meta_titles]
    doc_clean = strip_site_name(doc_title, sites) if doc_title else None
    titles = [t for t in [*meta_titles, *cleaned, doc_title, doc_clean] if t]
    wanted = {key(t) for t in titles}
    h1s = [h for h in h1s if key(h) and key(h) not in site_keys]
    for text in h1s + headings:
        if key(text) in wanted:
            return _clean(text)
    if doc_title:  # a heading repeating one segment of `<title>`, unless it is the site's name
        segments = {key(p) for p in TITLE_SEPARATORS.split(doc_title) if _headline_like(p)} - site_keys
        for text in h1s + headings:
            if key(text) in segments:
                return _clean(text)
    if h1s:
        best = max(h1s, key=lambda h: shared(h, titles))
        if not titles or shared(best, titles) >= MIN_SHARED:
            return _clean(best)
    for t in cleaned + ([doc_clean] if doc_clean else []):
        if key(t) and key(t) not in site_keys:
            return _clean(t)
    return _clean(h1s[0]) if h1s else None


def shared(text: str, titles: list[str]) -> float:
    """Largest share of `text`'s words (characters pairs in CJK) that one of `titles` contains."""
    mine = _grams(text)
    if not mine:
        return 0.0
    return max((len(mine & _grams(t)) / len(mine) for t in titles), default=0.0)


def _grams(text: str) -> frozenset[str]:
    found = _GRAMS.get(text)
    if found is not None:
        return found
    words = {w for w in word_runs(text.lower()) if len(w) > 3 or (w.isdigit() and len(w) > 1)}
    for run in _CJK_RUN.findall(text):
        words.update(run[i : i + 2] for i in range(len(run) - 1))
    return remember(_GRAMS, text, frozenset(words))


def heading_text(el, text: str, meta_titles: list[str]) -> str:
    """An h1's text with its kicker joined by the separator the metadata uses (": " if none does).

    `<h1><span class="kicker">Genetik</span> <span>Das Geheimnis…</span></h1>` reads as one run of
    words; the metadata title says "Genetik: Das Geheimnis…".
    """
    children = [c for c in el if isinstance(c.tag, str)]
    if len(children) < 2:
        return text
    first = " ".join("".join(children[0].itertext()).split())
    rest = text[len(first) :].strip() if first and text.startswith(first) else ""
    if not rest or len(first.split()) > 6:
        return text
    for t in meta_titles:
        t = " ".join(t.split())
        if key(t) == key(rest):  # the metadata names the headline alone
            return rest
        after = t[len(first) :] if t.startswith(first) else ""
        if after and key(after) == key(rest):
            sep = after[: len(after) - len(after.lstrip(" :|-–—.·»/"))]
            return f"{first}{sep.rstrip()} {rest}" if sep.strip() else text
    cls = f"{children[0].get('class') or ''} {children[0].get('id') or ''}"
    if _KICKER_WORDS.search(cls) and not first.endswith((":", ".", "?", "!")):
        return f"{first}: {rest}"
    return text


def _clean(text: str) -> str:
    return " ".join(clean_text(text).split())
