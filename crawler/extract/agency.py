"""News agency credits: "AFP", "(Reuters)", "Source: APS", "By Associated Press", "| MAP"."""

from __future__ import annotations

import re
from typing import Final

from crawler.extract.memo import remember

# Canonical short name -> spellings (matched case-sensitively for the acronyms, which are ordinary
# words in lower case: "map", "tap", "ap").
AGENCIES: Final[dict[str, tuple[str, ...]]] = {
    "AFP": ("AFP", "Agence France-Presse", "Agence France Presse", "AFP/APS"),
    "Reuters": ("Reuters", "REUTERS", "Thomson Reuters"),
    "AP": ("AP", "Associated Press", "The Associated Press"),
    "APS": ("APS", "Algérie Presse Service", "Algerie Presse Service", "Algeria Press Service"),
    "MAP": ("MAP", "Maghreb Arabe Presse"),
    "TAP": ("TAP", "Tunis Afrique Presse"),
    "MENA": ("MENA", "Middle East News Agency"),
    "LANA": ("LANA",),
    "Xinhua": ("Xinhua",),
    "dpa": ("dpa", "DPA", "Deutsche Presse-Agentur"),
    "EFE": ("EFE",),
    "ANSA": ("ANSA",),
    "Anadolu": ("Anadolu Agency", "Anadolu", "AA"),
    "UPI": ("UPI", "United Press International"),
    "PA": ("PA", "PA Media", "Press Association"),
    "Bloomberg": ("Bloomberg",),
    "TASS": ("TASS",),
    "Sputnik": ("Sputnik",),
    "Kyodo": ("Kyodo", "Kyodo News"),
    "Yonhap": ("Yonhap",),
    "PTI": ("PTI", "Press Trust of India"),
    "IANS": ("IANS",),
    "ANI": ("ANI",),
    "WAM": ("WAM",),
    "SPA": ("SPA", "Saudi Press Agency"),
    "QNA": ("QNA",),
    "KUNA": ("KUNA",),
    "IRNA": ("IRNA",),
    "AAP": ("AAP", "Australian Associated Press"),
    "CP": ("The Canadian Press", "Canadian Press"),
    "Europa Press": ("Europa Press",),
}
_LOOKUP: Final = {spelling: name for name, spellings in AGENCIES.items() for spelling in spellings}
_ALT: Final = "|".join(re.escape(s) for s in sorted(_LOOKUP, key=len, reverse=True))
# A whole line that is only a credit: "AFP", "(AFP)", "— Reuters", "Source: APS", "With AFP", "AFP/Reuters".
_CREDIT_LINE: Final = re.compile(
    rf"^[\s(\[—–-]*(?:(?i:source|sources|with|via|credit|by|from|agencies|wire|par|avec|fuente|fonte|quelle)"
    rf"\s*[:\-–—]?\s*)?((?:{_ALT}))(?:\s*(?:/|,|&|and|with|et)\s*(?:{_ALT}))*"
    r"(?:\s+(?i:staff|staff writers?|reporters?|correspondents?|wire|news agency|news service))?[\s)\].]*$"
)

_BYLINE_PARTS: Final = re.compile(r"\s*[|·•/,;]\s*|\s+[-–—]\s+")  # the separate parts of a byline
# A character each of those separators holds: a text without any is one part (most meta lines), and
# this pattern, which opens with a character set, finds that in a fraction of the cost of a split.
_BYLINE_SEPARATOR: Final = re.compile(r"[|·•/,;\-–—]")
# A wire story's dateline: "TUNIS (Reuters) - ...", "Algiers, Aug 23 (APS) — ...".
_DATELINE: Final = re.compile(rf"^[^()\n]{{2,60}}\(\s*({_ALT})(?:\s*/\s*(?:{_ALT}))*\s*\)\s*[-–—:]")
# Memo of agency_in_byline: line -> its agency, "" for none (a site repeats its meta and menu lines
# on every page, and byline_agency tries each line around the article).
_BYLINE_MEMO: Final[dict[str, str]] = {}


def canonical_agency(name: str | None) -> str | None:
    """Canonical name of an agency spelling ("Agence France-Presse" -> "AFP"), else None."""
    if not name:
        return None
    name = " ".join(name.split()).strip(" .()[]")
    if name in _LOOKUP:
        return _LOOKUP[name]
    if name.upper() in ("AFP", "AP", "APS", "MAP", "TAP", "UPI", "EFE", "ANSA", "TASS", "PTI", "IANS", "ANI"):
        return None  # lower/mixed-case acronyms are ordinary words ("map", "tap")
    return _LOOKUP.get(name.title())


def agency_credit(line: str) -> str | None:
    """The agency when `line` is nothing but a credit, else None."""
    if not line or len(line) > 60:
        return None
    m = _CREDIT_LINE.match(line)
    return _LOOKUP.get(m.group(1)) if m else None


def agency_in_byline(text: str) -> str | None:
    """An agency named as a separate part of a byline or meta line ("Posted On ... | By X | AFP")."""
    if not text or len(text) > 300:
        return None
    hit = _BYLINE_MEMO.get(text)
    if hit is None:
        hit = remember(_BYLINE_MEMO, text, _byline_part_agency(text) or "")
    return hit or None


def _byline_part_agency(text: str) -> str | None:
    """The agency of the first part of `text` that is nothing but a credit."""
    for part in _BYLINE_PARTS.split(text) if _BYLINE_SEPARATOR.search(text) else (text,):
        part = part.strip()
        if not part:
            continue
        credit = agency_credit(part)
        if credit:
            return credit
    return None


def agency_dateline(text: str) -> str | None:
    """The agency of a paragraph opening with a wire dateline ("TUNIS (Reuters) - ..."), else None."""
    m = _DATELINE.match(text) if text else None
    return _LOOKUP.get(m.group(1)) if m else None
