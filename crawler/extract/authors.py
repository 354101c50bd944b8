"""Who wrote the article: JSON-LD, the visible byline, meta tags; and a wire agency credited instead.

Order of trust: JSON-LD persons; the byline the theme marks up next to the headline (`rel=author`,
`itemprop=author`, hCard `.vcard .fn`, `byline`/`author` classes), never one in a comment thread, a
form, a sidebar, a teaser list or the site's header and footer; then meta tags. A name that is the
site's or the publisher's name is not an author; an agency is the credit, not a person.
"""

from __future__ import annotations

import re
from typing import Final

from crawler.extract import jsonld
from crawler.extract.agency import agency_credit, agency_in_byline, canonical_agency
from crawler.extract.blocks import Page
from crawler.extract.marks import (
    AUTHOR_BOX,
    COMMENTS,
    FORM,
    OUTSIDE_STORY,
    Mark,
    Marks,
    text_of,
)
from crawler.extract.memo import remember
from crawler.extract.months import MONTH_ALT, month
from crawler.extract.text import CJK

_BYLINE_PREFIX: Final = re.compile(
    r"^\s*(?:(?:(?:written|posted|reported|words|text|story|edited|compiled|published)\s+by|by|from|par|por|"
    r"von|di|de|door|av|af|przez|oleh|bởi|بقلم|מאת|auteur|author|autor|autora|redacción|reporter|texto|text)"
    r"(?:\s*[:\-–—●]\s*|\s+)|(?:文|作者|记者|記者|著者|筆者|投稿者)\s*[:：●]?\s*)",
    re.I,
)
_NON_WORD: Final = re.compile(r"\W+")
# An e-mail address or a social handle after the name ("By Jane Doe jane@example.org", "Jane Doe
# @janedoe"): contact details, dropped so that the name is left.
_CONTACT: Final = re.compile(r"(?<!\S)\(?[\w.+-]*@[\w.-]+\)?(?!\S)")
_DOMAIN_TAIL: Final = re.compile(r"(?:com|org|net|co|uk|de|fr|online)$")
_SEGMENTS: Final = re.compile(r"\s[|·•]\s|\s[-–—]\s")  # the parts of a byline line (its whitespace joined)
# Between names: punctuation and "and" (en, fr, es, pt/it, de, da/no, pl, nl, sv, fi, hu, ro, tr, ru, id,
# vi, ar), kept (one group) to tell "and" from a comma before the last part.
_NAME_SPLIT: Final = re.compile(
    r"\s*(,|;|&|\b(?:and|et|y|e|und|og|i|en|och|ja|és|și|şi|ve|и|dan|và|و)\b|\|| / |、)\s*"
)
# Separators after which a one-word last part is a place, not a person: a comma ("Von Anna Schmidt,
# Berlin") and Spanish/French "en" ("María López en Madrid", also Dutch "and"). After an unambiguous
# "and" it is a person known by one name ("By Anna Schmidt and Madonna").
_PLACE_BEFORE: Final = frozenset((",", ";", "|", "/", "、", "en"))
# One word after "and" that is the desk or the wires, not a person ("Jane Doe and Staff", "Ana Ruiz y
# Agencias"); a two-word credit ("HNN Staff") is left to the rest.
_DESK: Final = frozenset(("staff", "agencies", "agencias", "agences", "agenturen", "wires"))
_NOT_NAME: Final = re.compile(
    r"\d|@|https?:|www\.|\.com\b|\b(?:posted|published|updated|min(?:ute)?s?|read|ago|editor|correspondent|"
    r"contributor|reporter|writer|columnist|photographer|comments?|share|follow|email|twitter|facebook|"
    r"view|all|posts?|articles?|stories|more|profile|subscribe|sign|log|menu|search|home|about|contact|bio|"
    r"see|full|rss|feed|"
    r"name|website|required|reply|anonymous|guest|unknown|inc|ltd|llc|gmbh|corp|corporation|plc)\b|株式会社",
    re.I,
)
# A one-word label before the names, in any language ("Автор: X", "Yazar: X", "بقلم: X", "מאת: X").
_LABEL: Final = re.compile(r"^\s*[^\W\d_]{2,20}\s*[:：]\s*(?=\w)")
# Korean bylines put the role after the name ("김민수 기자": reporter, correspondent, editorial writer).
_ROLE_AFTER: Final = re.compile(r"\s+(?:기자|특파원|논설위원|선임기자|객원기자)$")
# A byline's name part ends where a date, a section or a role starts ("X in Politics on 1 June").
_BYLINE_TAIL: Final = re.compile(
    r"\s*(?:\s(?:in|on|at|updated|published|posted|mis à jour|publié)\b|[|•·●(（]|\d|"
    rf"\s(?:{MONTH_ALT})\.?\s+\d).*$",
    re.I,
)
_ROLE_TAIL: Final = re.compile(
    r",\s*(?:the\s+)?(?:[\w.-]+\s+){0,3}(?:ceo|editor|correspondent|reporter|writer|columnist|contributor|"
    r"staff|professor|director|founder|president|analyst|journalist)\b.*$",
    re.I,
)
# `rel=author` links that name the author inside a sentence: "View all of X's posts", "More by X".
_LINK_SENTENCE: Final = re.compile(
    r"^(?:view|see|read|more|all)\b.*?\b(?:by|of|from)\s+(.+?)(?:['’]s?\s+(?:posts|articles|stories)\.?)?$|"
    r"^(?:posts|articles|stories)\s+by\s+(.+)$",
    re.I,
)
_SEVERAL: Final = re.compile(r"[,;&|]|\s(?:and|et|y|und)\s|\s[-–—]\s")
_AUTHOR_HREF: Final = re.compile(
    r"/(?:author|authors|autor|autores|auteur|auteurs|journalist|journalists|writer|writers|byline|profile|"
    r"people|staff|signataires|redacteur|redaktion|kontributor)/",
    re.I,
)
# A profile URL whose last segment is the author's name: ".../editors/jon-fingas"
_PROFILE_URL: Final = re.compile(
    r"/(?:author|authors|editors?|people|staff|profiles?|writers?|journalists?)/([a-z]+(?:-[a-z]+){1,3})/?$"
)
_BYLINE_WORD: Final = re.compile(r"^(?:by|par|por|von|di|door|av|af|oleh|bởi|بقلم|מאת)\s", re.I)
_PARTICLES: Final = frozenset(
    ("de", "da", "di", "del", "der", "van", "von", "la", "le", "du", "bin", "ibn", "al", "el")
)
# Class words of byline markup, and words that make such an element something else (a photo, a bio).
_BYLINE_WORDS: Final = (
    "author",
    "byline",
    "byl",
    "writer",
    "autor",
    "auteur",
    "reporter",
    "journalist",
    "creator",
)
_NOT_BYLINE_WORDS: Final = frozenset(
    re.findall(
        r"\w+",
        "avatar image img photo pic picture thumb thumbnail bio biography description desc about social "
        "twitter email mail follow count date time comment comments tooltip icon label title job role "
        "position more",
    )
)
# Who made the pictures, not the text: "Photo: X", "Foto: X", "Photographed by X", "Modeled by X",
# "Illustration: X"; and picture agencies, which a CMS lists among the authors of a story they illustrate.
_PICTURE_ROLE: Final = (
    r"(?:photo(?:graph)?s?|photographed|photography|fotos?|fotograf(?:ie|ía)?|bild(?:er)?|images?|"
    r"illustrations?|illustrated|grafik|graphics?|video|modell?ed|styl(?:ed|ing)|make-?up|hair|nails)"
)
_PICTURE_LINE: Final = re.compile(rf"^\W*{_PICTURE_ROLE}\s*(?:by\b|von\b|de\b|par\b|:|©)", re.I)
_PICTURE_AGENCY: Final = re.compile(
    r"\b(?:getty\s*images|shutterstock|istock(?:photo)?|imago\s+images|picture[\s-]alliance|alamy|corbis|"
    r"unsplash|adobe\s*stock)\b",
    re.I,
)
# The people a line credits with the pictures ("Photographed by X; Modeled by Y at Z").
_PICTURE_CREDITS: Final = re.compile(rf"\b{_PICTURE_ROLE}\s*(?:by|von|:)\s*([^;|•·]+)", re.I)
_QUOTE_TAGS: Final = frozenset(("blockquote", "q", "figcaption"))
# Initials that sign a story ("KT", "《KT》", "(A.B.)"): a byline only when two sources agree on them.
_INITIALS: Final = re.compile(r"^[\s(（《〈\[]*((?:[A-Z]\.?){2,4})[\s)）》〉\]]*$")
# Typographic apostrophes a CMS's display filter puts into names ("O’Connell" is "O'Connell").
_APOSTROPHES: Final = str.maketrans({"’": "'", "‘": "'", "ʼ": "'"})
# A paper's meta tags list all its authors, often dozens; a visible byline is capped at 200 characters.
_MAX_AUTHORS: Final = 50
# Memo of clean_names: byline string (its first 300 characters) -> the names (a site repeats its
# author names and byline lines on every page).
_NAMES_MEMO: Final[dict[str, tuple[str, ...]]] = {}


def pick_authors(
    ld: dict,
    meta_names: list[list[str]],
    marks: Marks,
    page: Page,
    anchor: int,
    not_authors: set[str],
    body_start: int = -1,
) -> tuple[list[str], str | None]:
    """(authors, agency credited in a byline).

    `ld` is the JSON-LD article object, `meta_names` the values of each author meta tag name, in
    order of trust,
    `anchor` the position of the headline (or the body start) that a byline sits next to, and
    `not_authors` the site's and publisher's names (keys from `name_key`); `body_start` is where the
    article's text starts (-1 unknown). Last, a line just
    below the headline that reads "By First Last" names the author without any markup.
    """
    names, agency = _from_json_ld(ld, not_authors)
    if not names:
        visible, strength = _visible(marks, anchor, not_authors, body_start)
        metas, meta_agency = _from_meta(meta_names, not_authors)
        agency = agency or meta_agency
        # a marked-up byline beside the headline beats a meta tag naming someone else (often the
        # publisher); a bare link to an author page (maybe a teaser's) does not
        overlap = _overlap(metas, visible)
        if visible and (
            not metas or (strength >= 2 and not overlap) or (overlap and len(visible) > len(metas))
        ):
            names = visible
        else:
            names = metas or _text_byline(page, anchor)
    out: list[str] = []
    for name in names:
        credit = canonical_agency(name)
        if credit:
            agency = agency or credit
            continue
        name = _ROLE_AFTER.sub("", _BYLINE_PREFIX.sub("", name).strip(" ,.;:|")).translate(_APOSTROPHES)
        if name and name not in out and not _picture_credit(name):
            out.append(name)
    if len(out) > 1:  # a contributor list: who the page credits with the pictures wrote nothing
        pictures = _picture_people(marks)
        out = [n for n in out if name_key(n) not in pictures] or out
    if not out and not agency:
        out = _initials(meta_names, marks)
    return out[:_MAX_AUTHORS], agency


def _picture_credit(name: str) -> bool:
    """`name` credits a picture ("Photo: X", "Getty Images"), not an author."""
    return bool(_PICTURE_LINE.match(name) or _PICTURE_AGENCY.search(name))


def _picture_people(marks: Marks) -> set[str]:
    """Keys of the names that the page's byline lines credit with its pictures."""
    out: set[str] = set()
    for mark in marks.items:
        if mark.tag == "a" or mark.ctx & OUTSIDE_STORY or _byline_strength(mark) < 2:
            continue
        text = text_of(mark.el, True)
        if len(text) > 300:
            continue
        for m in _PICTURE_CREDITS.finditer(text):
            out.update(name_key(n) for n in _segment_names(m.group(1)))
    return out


def _initials(meta_names: list[list[str]], marks: Marks) -> list[str]:
    """Initials that sign the story ("KT"), when an author meta tag and a byline mark both give them:
    alone, two capitals could be anything."""
    signed = {m.group(1) for values in meta_names for v in values if (m := _INITIALS.match(v))}
    if not signed:
        return []
    for mark in marks.items:
        if _byline_strength(mark) >= 2 and not mark.ctx & (COMMENTS | FORM):
            m = _INITIALS.match(text_of(mark.el))
            if m and m.group(1) in signed:
                return [m.group(1)]
    return []


def name_key(name: str | None) -> str:
    """A name reduced for comparison ("The Daily-News" and "thedailynews.com" -> "dailynews")."""
    if not name:
        return ""
    key = _NON_WORD.sub("", name.casefold())
    key = _DOMAIN_TAIL.sub("", key) if len(key) > 6 else key
    return key.removeprefix("the")


def _overlap(a: list[str], b: list[str]) -> bool:
    keys = {name_key(n) for n in a}
    return any(name_key(n) in keys for n in b)


# -- JSON-LD --------------------------------------------------------------------------------------------


def _from_json_ld(ld: dict, not_authors: set[str]) -> tuple[list[str], str | None]:
    agency = None
    for key in ("author", "creator"):
        value = ld.get(key)
        if not value:
            continue
        names: list[str] = []
        for item in value if isinstance(value, list) else [value]:
            org = isinstance(item, dict) and bool(jsonld.types_of(item) & jsonld.ORGANIZATION_TYPES)
            for raw in jsonld.names_of(item):
                credit = canonical_agency(raw) or agency_in_byline(raw)
                if org or name_key(raw) in not_authors:
                    agency = agency or credit
                    continue
                if _SEVERAL.search(raw):  # "A and B, Associated Press" in one name field
                    parts = clean_names(raw)
                    if any(len(p.split()) < 2 for p in parts):  # "Doe, Jane": one name, family name first
                        parts = [raw]
                    agency = agency or credit
                    names.extend(parts)
                else:
                    names.append(raw)
        if names or agency:
            return names, agency
    return [], None


# -- meta tags ------------------------------------------------------------------------------------------


def _from_meta(groups: list[list[str]], not_authors: set[str]) -> tuple[list[str], str | None]:
    """(names, agency) from the first author meta tag name whose values name a person (all of its
    values: one tag per author), or only an agency."""
    agency = None
    profiles: list[str] = []
    for values in groups:
        names: list[str] = []
        for value in values:
            value = " ".join(value.split())
            if value.startswith(("http", "/")):  # OGP's article:author: the authors' profile URLs
                for url in value.split(","):
                    m = _PROFILE_URL.search(url.strip())
                    if m:
                        profiles.append(m.group(1).replace("-", " ").title())
                continue
            if not value or value.startswith("@"):
                continue
            found = [n for n in clean_names(value) if _meta_name_ok(n, not_authors)]
            names.extend(n for n in found if n not in names)
            if not found:
                agency = agency or canonical_agency(value) or agency_in_byline(value)
        if names:
            return names, agency
    return profiles, agency


def _meta_name_ok(name: str, not_authors: set[str]) -> bool:
    """A meta tag's value that is a person: not the site, not a handle ("mikecason", "TodayShow")."""
    if name_key(name) in not_authors:
        return False
    return " " in name or bool(CJK.search(name))


# -- the visible byline ---------------------------------------------------------------------------------


def _visible(marks: Marks, anchor: int, not_authors: set[str], body_start: int) -> tuple[list[str], int]:
    """(names, strength) from the byline markup closest to the headline (bio boxes only when nothing
    else names one).

    Between the headline and the article's text there is no sidebar, teaser list or site chrome:
    a byline there counts whatever its box's classes say ("widget article__authors").
    """
    best: tuple[tuple, list[str], int, Mark] | None = None
    for mark in marks.items:
        strength = _byline_strength(mark)
        if not strength or mark.ctx & (COMMENTS | FORM):
            continue
        if mark.ctx & OUTSIDE_STORY and not anchor < mark.pos < body_start:
            continue
        names = _names_in(mark)
        if strength < 3:  # a site's name in a header "byline", a month in a date line: no author;
            # one word is a name beside a full one ("By Anna Schmidt and Madonna")
            full = any(map(_name_like, names))
            names = [
                n
                for n in names
                if name_key(n) not in not_authors and (_name_like(n) or (full and _capitalised_word(n)))
            ]
        if not names:
            continue
        box = bool(mark.ctx & AUTHOR_BOX)
        specific = "name" in mark.words or "fn" in mark.words or "author" in mark.rel
        rank = (
            box,
            not mark.in_post,
            abs(mark.pos - anchor) // 50,
            -strength,
            not specific,
            abs(mark.pos - anchor),
        )
        if (best is None or rank < best[0]) and not _quoted(mark.el):
            best = (rank, names, strength, mark)
    if best is None:
        return [], 0
    names = best[1]
    if best[3].tag == "a":  # "By <a>A</a> and <a>B</a>": the other links of that byline
        names = _co_authors(best[3].el) or names
    return names, best[2]


def _quoted(el) -> bool:
    """`el` names whom a quote or a picture is by (a pull quote's attribution, a caption's credit)."""
    for _ in range(3):
        el = el.getparent()
        if el is None:
            return False
        if el.tag in _QUOTE_TAGS or "quote" in (el.get("class") or "").lower():
            return True
    return False


def _co_authors(link) -> list[str]:
    """Names of all author links in the short byline around `link` (none if it names one person)."""
    box = link.getparent()
    for _ in range(3):
        if box is None or len(text_of(box)) > 200:
            return []
        links = [
            a
            for a in box.iter("a")
            if "author" in (a.get("rel") or "") or _AUTHOR_HREF.search(a.get("href") or "")
        ]
        if len(links) > 1:
            names = [n for a in links for n in clean_names(text_of(a, True))]
            return list(dict.fromkeys(names))
        box = box.getparent()
    return []


def _name_like(name: str) -> bool:
    """Two words or more, or a CJK name: what a class-marked byline must give ("Dec" is no name)."""
    return len(name.split()) >= 2 or bool(CJK.search(name))


def _text_byline(page: Page, anchor: int) -> list[str]:
    """Names from a short "By ..." line among the first blocks after the headline (no markup)."""
    seen = 0
    for b in page.blocks:
        if b.owner <= anchor or not b.text or b.region in ("related", "recent"):
            continue
        seen += 1
        if seen > 8:
            break
        if len(b.text) < 120 and _BYLINE_WORD.match(b.text):
            names = [n for n in clean_names(b.text) if _capitalised(n)]
            if names:
                return names
    return []


def _capitalised(name: str) -> bool:
    """Two to four words, each starting with a capital ("By the end of May" is no byline)."""
    words = name.split()
    return 2 <= len(words) <= 4 and all(w[:1].isupper() for w in words if w.lower() not in _PARTICLES)


def _capitalised_word(name: str) -> bool:
    """One word of letters starting with a capital, not a month's name nor a desk ("Madonna", not
    "Dec", "Staff")."""
    return name.isalpha() and name[:1].isupper() and month(name) is None and name.lower() not in _DESK


def _byline_strength(mark: Mark) -> int:
    """How surely the element is (part of) a byline: 3 rel/itemprop, 2 class word, 1 author link; else 0."""
    if mark.tag == "link" or mark.tag == "meta":
        return 0
    if "author" in mark.rel.split() or mark.prop in ("author", "creator"):
        return 3
    words = mark.words
    if words & _NOT_BYLINE_WORDS:
        return 0
    if "fn" in words or any(w.startswith(_BYLINE_WORDS) for w in words):
        return 2
    if mark.tag == "a" and _AUTHOR_HREF.search(mark.el.get("href") or ""):
        return 1
    return 0


def _between(el, top):
    """The ancestors of `el` below `top`."""
    p = el.getparent()
    while p is not None and p is not top:
        yield p
        p = p.getparent()


def _names_in(mark: Mark) -> list[str]:
    el = mark.el
    if mark.prop in ("author", "creator"):
        # each `itemprop=name` of the item (a CMS may give one Person the names of all its authors),
        # not of an item inside it (the Organization it works for)
        values = [
            sub.get("content") or text_of(sub)
            for sub in el.iter()
            if sub is not el
            and (sub.get("itemprop") or "").lower() == "name"
            and not any(p.get("itemscope") is not None for p in _between(sub, el))
        ]
        if values:  # the first as it is; the others when they read as names (no date line's month)
            first = clean_names(values[0]) if values[0] else []
            more = [n for v in values[1:] if v for n in clean_names(v) if _name_like(n)]
            return list(dict.fromkeys(first + more))
        if el.get("content"):
            return clean_names(el.get("content"))
    # several people linked inside one byline ("By <a>A</a> and <a>B</a>")
    if el.tag != "a":
        linked = [text_of(a, True) for a in el.iter("a") if _AUTHOR_HREF.search(a.get("href") or "")]
        names = [n for t in linked for n in clean_names(t)]
        if names:
            return names
    text = text_of(el, True)
    if len(text) > 200:
        return []
    if el.tag == "a" and "author" in mark.rel.split():
        m = _LINK_SENTENCE.match(text)
        if m:
            text = m.group(1) or m.group(2)
    return clean_names(text)


def clean_names(raw: str) -> list[str]:
    """Person names from a byline string ("By A and B | AFP" -> ["A", "B"])."""
    raw = raw[:300]
    hit = _NAMES_MEMO.get(raw)
    if hit is None:
        hit = remember(_NAMES_MEMO, raw, tuple(_byline_names(" ".join(raw.split()))))
    return list(hit)


def _byline_names(raw: str) -> list[str]:
    """`clean_names` of a byline string with its whitespace joined."""
    if _PICTURE_LINE.match(raw):  # "Photograph by X, Agency": the whole line credits a picture
        return []
    segments = _SEGMENTS.split(raw)
    # "Posted On 23/08/2023 | By Leila Haddad | APS": the segment saying "By"
    marked = next((seg for seg in segments if _BYLINE_PREFIX.match(seg)), None)
    if marked is not None:
        return _segment_names(marked)
    first = _segment_names(segments[0])
    if not any(map(_name_like, first)):  # "Politik · Jane Roe, John Doe": a section before the names
        for seg in segments[1:]:
            names = _segment_names(seg)
            if any(map(_name_like, names)):
                return names
    return first


def _segment_names(text: str) -> list[str]:
    """Names in one segment of a byline ("By A and B, the Desk" -> ["A", "B"])."""
    if _PICTURE_LINE.match(text):
        return []
    text = _LABEL.sub("", _BYLINE_PREFIX.sub("", _CONTACT.sub(" ", text)))
    text = _ROLE_TAIL.sub("", text)
    text = _BYLINE_TAIL.sub("", text)
    out: list[str] = []
    pieces = _NAME_SPLIT.split(text)  # parts, with the separator before each between them
    last_sep = ""  # the separator before the last part kept
    for k in range(0, len(pieces), 2):
        part = _BYLINE_PREFIX.sub("", pieces[k]).strip(" .:-–—()[]/")
        if not part or len(part) > 60 or len(part.split()) > 5 or _NOT_NAME.search(part):
            continue
        if _BYLINE_PREFIX.fullmatch(part + " "):  # "By" alone, the name in the next element
            continue
        if canonical_agency(part) or agency_credit(part) or _picture_credit(part):
            continue
        words = part.split(maxsplit=1)
        if out and len(words) > 1 and words[0][0].islower() and words[0] not in _PARTICLES:
            continue  # "Marie Dupont, à Paris": a place after the name
        out.append(part)
        last_sep = pieces[k - 1].strip().lower() if k else ""
    if (
        len(out) > 1
        and " " not in out[-1]
        and all(" " in n for n in out[:-1])
        and (last_sep in _PLACE_BEFORE or out[-1].lower() in _DESK)
    ):
        out.pop()  # "Von Anna Schmidt, Berlin", "María López en Madrid": the place written after the names
    return out
