"""The article's publication and modification dates, chosen among the page's: JSON-LD, meta tags,
the dates the theme marks up, a date written near the headline, then the URL's."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Final

from crawler.extract import jsonld
from crawler.extract.blocks import Page
from crawler.extract.dates import date_from_url, has_digit, parse_iso, parse_text, parse_with_format
from crawler.extract.head import Head
from crawler.extract.marks import OUTSIDE_STORY, Mark, Marks, text_of
from crawler.extract.memo import remember
from crawler.extract.own_page import OwnPage
from crawler.extract.profile import SiteProfile
from crawler.extract.relative import parse_relative
from crawler.extract.text import text_size

_POSTED: Final = r"posted|published|updated|modified|date|on|publié|veröffentlicht|stand|publicado|pubblicato"
_POSTED_WORDS: Final = re.compile(rf"\b(?:{_POSTED})\b", re.I)
# A label set apart from its value in an info box ("Published:" then "June 7, 2019"; a review's
# header says "Reviewed:").
_DATE_LABEL: Final = re.compile(r"^[^\d]{0,30}:$")
_DATE_LABEL_WORDS: Final = re.compile(rf"\b(?:{_POSTED}|reviewed)\b", re.I)
_PUBLISHED: Final = re.compile(
    r"\b(?:posted|published|publié|veröffentlicht|publicado|pubblicato)\b|公開|发布", re.I
)
_UPDATED: Final = re.compile(
    r"\b(?:updated|modified|last update|mis à jour|actualizado|atualizado|aktualisiert)\b|更新", re.I
)
_MACHINE_DATE: Final = re.compile(r"\s*\d{4}-\d{2}-\d{2}|\d{10}(?:\d{3})?$")  # ISO 8601, epoch (milli)seconds


_PAGE_TYPES: Final = frozenset(("WebPage", "ItemPage"))
_PUBLISHED_META: Final = (
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "article:published",  # no OGP name (a platform writes its update time there): after schema.org's
    "citation_publication_date",
    "citation_online_date",
    "citation_date",
    "dc.date.issued",
    "dc.date.created",
    "dc.date",
    "dc.created",
    "dcterms.issued",
    "dcterms.created",
    "dcterms.date",
    "prism.publicationdate",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "pub_date",
    "article.published",
    "parsely-pub-date",
    "sailthru.date",
    "publication_date",
    "published_date",
    "date_published",
    "article_date_original",
    "original-publish-date",
    "bt:pubdate",
    "dateposted",
    "date",
    "og:published_time",
    "article:post_date",
    "cxenseparse:recs:publishtime",
)
_MODIFIED_META: Final = (
    "article:modified_time",
    "og:article:modified_time",
    "og:updated_time",
    "datemodified",
    "article:modified",
    "dcterms.modified",
    "last-modified",
    "article.updated",
    "lastmod",
)
_DATE_WORDS: Final = (
    "published", "entry-date", "post-date", "pubdate", "publish", "date", "time", "datum", "fecha",
    "modified", "updated",
)  # fmt: skip


def pick_dates(
    head: Head,
    page: Page,
    marks: Marks,
    url: str,
    body_start: int,
    body_end: int,
    anchor: int,
    profile: SiteProfile | None = None,
    captured: datetime | None = None,
) -> tuple[str | None, str | None]:
    """(published, modified) as ISO strings: JSON-LD, meta, marked-up dates, visible text, the URL,
    then a relative date ("3 hours ago") counted back from `captured`, the moment the page was served.

    A site profile's `date_format` is how the site writes visible dates (tried before the generic
    parser), and settles numeric ones like 05/08/2023.
    """
    ld = head.ld_article
    if ld is None or not ld.get("datePublished"):  # SEO plugins also date the WebPage the article is on
        pages = (o for o in head.ld_objects if o.get("datePublished") and jsonld.types_of(o) & _PAGE_TYPES)
        ld = next(pages, ld) or {}
    published = parse_iso(jsonld.text_of(ld.get("datePublished"))) or parse_iso(
        jsonld.text_of(ld.get("dateCreated"))
    )
    modified = parse_iso(jsonld.text_of(ld.get("dateModified")))
    # every publication date the head declares: the first is taken, the others may make it precise
    declared = [v for v in (parse_iso(head.first(k)) for k in _PUBLISHED_META if k in head.meta) if v]
    if not published:
        published = declared[0] if declared else None
    elif declared:
        declared.insert(0, published)
    if not modified:
        modified = next(filter(None, (parse_iso(head.first(k)) for k in _MODIFIED_META)), None)
    url_date = date_from_url(url)
    hint = (url_date[0], url_date[1]) if url_date else None
    own = OwnPage(url, head)
    if not published or not modified or "T" not in published or published.endswith("+00:00"):
        marked_pub, marked_mod = _marked_dates(marks, anchor, hint, profile, own)
        if published and marked_pub:
            declared.append(marked_pub)
        published = published or marked_pub
        modified = modified or marked_mod
    if published and len(declared) > 1:
        published = _settle(published, declared)
        if published.endswith("+00:00"):
            published, modified = _as_local(published, modified, declared)
    if not published:
        published = _visible_date(page, body_start, body_end, anchor, hint, profile, own)
    if not published and url_date and url_date[2]:
        published = f"{url_date[0]:04d}-{url_date[1]:02d}-{url_date[2]:02d}"
    if not published and captured is not None:
        published = _relative_date(page, body_start, anchor, captured)
    if modified and published and modified < published[: len(modified)]:
        modified = None
    return published, modified


def _settle(value: str, others: list[str]) -> str:
    """The publication date `value` as precise as the page's other statements of it (`others`,
    in order of trust) make it: a date alone takes the time of the first one the same day; a time
    whose offset is mislabelled takes the offset of the one that states it right.

    Two mislabellings are common: a local time written with "Z" (the other statement has the same
    wall clock and its real offset), and a UTC time written with the local offset (the other one, in
    the same offset, is that UTC time's local reading).
    """
    if "T" not in value:
        # (a midnight is how some systems write a date alone)
        timed = (o for o in others if o[:10] == value[:10] and "T" in o and o[11:19] != "00:00:00")
        value = next(timed, value)
    if "T" in value:
        return next((o for o in others if "T" in o and _mislabelled(value, o)), value)
    return value


# UTC offsets in use that are not whole hours, in minutes (India, Nepal, Iran, Newfoundland...).
_ODD_OFFSETS: Final = frozenset((-570, -210, 210, 270, 330, 345, 390, 525, 570, 630, 765, 825))


def _as_local(published: str, modified: str | None, others: list[str]) -> tuple[str, str | None]:
    """(published, modified) in the publisher's own offset when the page also states the UTC
    `published` moment as a local wall clock without an offset (`others`): a story posted at
    "6:47 p.m." in Alabama is dated the 22nd, which its UTC time (00:47 on the 23rd) is not.

    The offset is the wall clock's difference to the UTC time: a real one (whole hours or a zone's
    half or three quarters of an hour, -12 to +14 hours), to the minute.
    """
    utc = datetime.fromisoformat(published)
    for other in others:
        if "T" not in other or len(other) != 19:  # timed, without an offset
            continue
        try:
            wall = datetime.fromisoformat(other)
        except ValueError:
            continue
        delta = wall.replace(second=0) - utc.replace(tzinfo=None, second=0)
        minutes, rest = divmod(int(delta.total_seconds()), 60)
        if rest or not _real_offset(minutes):
            continue
        zone = timezone(timedelta(minutes=minutes))
        if modified and modified.endswith("+00:00"):
            modified = datetime.fromisoformat(modified).astimezone(zone).isoformat()
        return utc.astimezone(zone).isoformat(), modified
    return published, modified


def _real_offset(minutes: int) -> bool:
    """`minutes` is the offset of a time zone in use (not UTC's)."""
    return minutes != 0 and -720 <= minutes <= 840 and (minutes % 60 == 0 or minutes in _ODD_OFFSETS)


def _mislabelled(value: str, other: str) -> bool:
    """`value` is `other`'s moment with a wrong offset (see `_settle`)."""
    try:
        a, b = datetime.fromisoformat(value), datetime.fromisoformat(other)
    except ValueError:
        return False
    a_off, b_off = a.utcoffset(), b.utcoffset()
    if a_off is None or b_off is None or not b_off:
        return False
    wall_a, wall_b = a.replace(tzinfo=None, second=0), b.replace(tzinfo=None, second=0)
    if not a_off:  # a local time written as UTC
        return wall_a == wall_b
    return a_off == b_off and wall_a == wall_b - b_off  # a UTC time written with the local offset


def _marked_dates(
    marks: Marks,
    anchor: int,
    hint: tuple[int, int] | None,
    profile: SiteProfile | None,
    own: OwnPage,
) -> tuple[str | None, str | None]:
    """Dates the theme marks up (`<time datetime>`, `itemprop=datePublished`, `.entry-date.published`),
    the closest to the headline, outside comments, teasers and sidebars; one in a link to another
    page of the site (a previous/next entry's) only when no other is found."""
    pattern = profile.date_pattern if profile is not None else None
    dayfirst = profile.dayfirst() if profile is not None else None
    best: dict[bool, tuple[tuple, str]] = {}
    for mark in marks.items:
        if mark.ctx & OUTSIDE_STORY or (
            mark.tag in ("meta", "link", "script") and not mark.prop.startswith("date")
        ):
            continue
        kind = _date_kind(mark)
        if kind is None:
            continue
        el = mark.el
        if el.tag != "time" and el.get("datetime") is None:  # a date box around a <time datetime>
            el = next((t for t in el.iter("time") if t.get("datetime")), el)
        value = el.get("datetime") or el.get("content") or (el.get("title") if el.tag == "abbr" else None)
        if value is None and el.tag == "time":  # a script's copy of the moment (`data-published=ISO`,
            # `data-timestamp=1692784800` beside a relative "2 hours ago")
            value = next((v for k, v in el.items() if k.startswith("data-") and _MACHINE_DATE.match(v)), None)
        parsed = parse_iso(value) if value else None  # hAtom's <abbr class="published" title=ISO>
        if not parsed:
            text = text_of(el)
            if not text or len(text) > 200:
                continue
            text = _published_first(text)
            parsed = (pattern and parse_with_format(text, pattern)) or parse_text(text, dayfirst, hint)
        if not parsed:
            continue
        strong = "published" in mark.prop or "published" in mark.words or mark.prop == "datecreated"
        distance = abs(mark.pos - anchor)
        rank = (
            own.in_link_elsewhere(el),
            not strong,
            not mark.in_post,
            distance // 50,
            "T" not in parsed,
            distance,
        )
        if kind not in best or rank < best[kind][0]:
            best[kind] = (rank, parsed)
    pub = best.get(False)
    mod = best.get(True)
    return (pub[1] if pub else None), (mod[1] if mod else None)


# Pure memo: a mark's class/id words -> one of them is a date word.
_DATE_WORDED: Final[dict[frozenset[str], bool]] = {}


def _date_kind(mark: Mark) -> bool | None:
    """True for a modification date, False for a publication date, None if the mark is no date."""
    prop, words = mark.prop, mark.words
    if prop.startswith("date") or prop in ("article:published_time", "article:modified_time"):
        return "modif" in prop
    is_time = mark.tag == "time" or mark.el.get("datetime") is not None
    worded = _DATE_WORDED.get(words)
    if worded is None:  # (a site's marks share their word sets: one test per set)
        worded = remember(_DATE_WORDED, words, any(w.startswith(_DATE_WORDS) for w in words))
    if not (is_time or worded):
        return None
    if "published" in words or "pubdate" in words or mark.el.get("pubdate") is not None:
        return False
    return any(w.startswith(("updated", "modified", "update")) for w in words)


def _visible_date(
    page: Page,
    body_start: int,
    body_end: int,
    anchor: int,
    hint: tuple[int, int] | None,
    profile: SiteProfile | None,
    own: OwnPage,
) -> str | None:
    """A date written near the headline: meta lines before the body, and the body's first blocks
    (the short ones before its first paragraph of prose, or among its first three). Lines saying
    "posted"/"published" first, then the nearest to the headline: a teaser's date further away
    loses to the article's own info box. The text of links to other pages of the site ("< Previous
    entry (May 3)") is tried last."""
    candidates: list[tuple[int, int, str]] = []
    elsewhere: list[str] = []  # whole lines with links to other pages of the site: tried last
    links: dict[int, list] = {}  # block index -> its links with text (tested only in lines tried)
    for a in page.anchors:
        if a.block >= 0 and a.text:
            links.setdefault(a.block, []).append(a)
    after = 0
    prose = False  # a paragraph of the body has been seen
    label = ""  # the previous block, when it is a posted/published label waiting for its value
    for i, b in enumerate(page.blocks):
        if not b.text or b.region in ("related", "recent"):
            continue
        text = None  # the line without its links to other pages of the site, once needed
        # (a line without a digit dates nothing, whatever its label: it is no candidate)
        dated = has_digit(b.text)
        if label and dated:  # a labelled value is the date it says, in a row of nav-like info links too
            text = own.without_links(b.text, links.get(i, ()))
            candidates.append((0, abs(b.owner - anchor), f"{label} {text}"))
        # (a label ends with its colon: most lines are told by their last characters, without a regex)
        labelled = ":" in b.text[-2:] and _DATE_LABEL.match(b.text) and _DATE_LABEL_WORDS.search(b.text)
        label = b.text if labelled else ""
        inside = body_start <= b.owner < body_end
        # prose, not a meta line: in Latin-character equivalents (a Japanese paragraph is short)
        if len(b.text) > 250 or (len(b.text) > 83 and text_size(b.text) > 250):
            prose = prose or inside
            continue
        if inside:
            near = dated and (after < 3 or not prose) and b.owner - body_start < 200
            after += 1
        else:
            near = (
                dated
                and (b.owner < body_start or body_start < 0)
                and (b.region != "nav" or _POSTED_WORDS.search(b.text) is not None)
            )
        if near:
            if text is None:
                text = own.without_links(b.text, links.get(i, ()))
            candidates.append((0 if _POSTED_WORDS.search(b.text) else 1, abs(b.owner - anchor), text))
            if text != b.text:
                elsewhere.append(b.text)
    candidates.sort()
    texts = _in_order([t for _, _, t in candidates if t], elsewhere)
    pattern = profile.date_pattern if profile is not None else None
    if pattern is not None:
        lines = list(texts)  # (read twice)
        for text in lines:
            if value := parse_with_format(text, pattern):
                return value
        texts = iter(lines)
    dayfirst = profile.dayfirst() if profile is not None else None
    for text in texts:
        if value := parse_text(text, dayfirst=dayfirst, hint=hint):
            return value
    return None


def _in_order(texts: list[str], elsewhere: list[str]) -> Iterator[str]:
    """The candidate lines `texts` as the date parsers read them (`_published_first`), those saying
    only "updated" last (the publication date is the one wanted, but an update's date is better than
    none: it is often the same day), then the lines `elsewhere`. Lazily: the first lines usually date
    the page, and the tests on the others would be for nothing."""
    updated = []
    for text in texts:
        if _UPDATED.search(text) and not _PUBLISHED.search(text):
            updated.append(text)
        else:
            yield _published_first(text)
    for text in updated:
        yield _published_first(text)
    yield from elsewhere


def _relative_date(page: Page, body_start: int, anchor: int, captured: datetime) -> str | None:
    """A relative date ("3 hours ago", "vor 2 Tagen") in a short line near the headline: before the
    body or among its first three lines (not a comment's further down), counted back from `captured`."""
    best: tuple[int, str] | None = None
    inside = 0  # lines of the body seen
    for b in page.blocks:
        if not b.text:
            continue
        if 0 <= body_start <= b.owner:
            inside += 1
            if inside > 3 or len(b.text) > 250:
                break
        if len(b.text) > 160 or b.heading or b.region in ("related", "recent", "nav"):
            continue  # (a date line is no heading: a headline's "all 4 may face charges" dates nothing)
        value = parse_relative(b.text, captured)
        if value and (best is None or abs(b.owner - anchor) < best[0]):
            best = (abs(b.owner - anchor), value)
    return best[1] if best else None


def _published_first(text: str) -> str:
    """`text` from its "published" label on, then the rest, when it also says "updated" before it
    ("Updated: Aug 25 · Published: Aug 23"): the date parsers take the first date they find."""
    m = _PUBLISHED.search(text)
    if m is None or not m.start() or not _UPDATED.search(text, 0, m.start()):
        return text
    return f"{text[m.start() :]} {text[: m.start()]}"
