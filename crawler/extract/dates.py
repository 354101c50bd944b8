"""Dates -> ISO 8601 strings: machine formats (JSON-LD, meta, `<time datetime>`), visible text, URLs.

Kept small and dependency-free on purpose: the hot path parses a handful of strings per page.
A full datetime keeps its timezone when the source gives one; a bare date becomes `YYYY-MM-DD`.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from crawler.extract.text import letter_runs

MONTHS = {
    # English
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
    # French
    "janvier": 1, "février": 2, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6,
    "juillet": 7, "août": 8, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11,
    "décembre": 12, "decembre": 12,
    # Spanish / Portuguese / Italian / German (the ones that differ from the above)
    "enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7, "agosto": 8,
    "septiembre": 9, "setiembre": 9, "octubre": 10, "noviembre": 11, "diciembre": 12,
    "janeiro": 1, "fevereiro": 2, "março": 3, "maio": 5, "junho": 6, "julho": 7, "setembro": 9,
    "outubro": 10, "novembro": 11, "dezembro": 12,
    "gennaio": 1, "febbraio": 2, "aprile": 4, "maggio": 5, "giugno": 6, "luglio": 7,
    "settembre": 9, "ottobre": 10, "dicembre": 12,
    "januar": 1, "februar": 2, "märz": 3, "juni": 6, "juli": 7, "oktober": 10, "dezember": 12,
    # Dutch, the Scandinavian languages, Indonesian and Malay
    "januari": 1, "februari": 2, "maart": 3, "mei": 5, "augustus": 8,
    "marts": 3, "maj": 5, "augusti": 8, "desember": 12, "maret": 3, "agustus": 8, "ogos": 8, "disember": 12,
    # Romanian
    "ianuarie": 1, "februarie": 2, "martie": 3, "aprilie": 4, "iunie": 6, "iulie": 7, "septembrie": 9,
    "octombrie": 10, "noiembrie": 11, "decembrie": 12,
    # Polish and Czech (a date names its month in the genitive: "5 października 2023")
    "stycznia": 1, "lutego": 2, "marca": 3, "kwietnia": 4, "maja": 5, "czerwca": 6, "lipca": 7,
    "sierpnia": 8, "września": 9, "października": 10, "listopada": 11, "grudnia": 12,
    "ledna": 1, "února": 2, "března": 3, "dubna": 4, "května": 5, "června": 6, "července": 7,
    "srpna": 8, "září": 9, "října": 10, "listopadu": 11, "prosince": 12,
    # Russian and Ukrainian (genitive), Turkish
    "января": 1, "февраля": 2, "марта": 3, "апреля": 4, "мая": 5, "июня": 6, "июля": 7, "августа": 8,
    "сентября": 9, "октября": 10, "ноября": 11, "декабря": 12,
    "січня": 1, "лютого": 2, "березня": 3, "квітня": 4, "травня": 5, "червня": 6, "липня": 7,
    "серпня": 8, "вересня": 9, "жовтня": 10, "листопада": 11, "грудня": 12,
    "ocak": 1, "şubat": 2, "mart": 3, "nisan": 4, "mayıs": 5, "haziran": 6, "temmuz": 7, "ağustos": 8,
    "eylül": 9, "ekim": 10, "kasım": 11, "aralık": 12,
}  # fmt: skip
MONTH_ALT = "|".join(sorted(MONTHS, key=len, reverse=True))  # regex alternation of the month names
# Zone names that mean one offset wherever they are written (not IST, which is three zones).
ZONES = {
    "UTC": 0, "GMT": 0, "Z": 0, "WET": 0, "WEST": 60, "BST": 60, "CET": 60, "CEST": 120, "EET": 120,
    "EEST": 180, "MSK": 180, "WAT": 60, "CAT": 120, "EAT": 180, "EST": -300, "EDT": -240, "CST": -360,
    "CDT": -300, "MST": -420, "MDT": -360, "PST": -480, "PDT": -420, "JST": 540, "KST": 540,
}  # fmt: skip
# An offset or zone name after a time; case-sensitive so "est" in French text is not Eastern time.
_ZONE_ALT = r"(?:UTC|GMT)\s*[+-]\s*\d{1,2}(?::?\d{2})?|[+-]\d{2}:?\d{2}|" + "|".join(
    sorted(ZONES, key=len, reverse=True)
)
_ZONE = rf"(?-i:\s*(?:{_ZONE_ALT})\b)"
_TIME = (
    r"(?:[,\s]+(?:(?:at|à|um|às|a las|alle|om|kl\.?|o|г\.(?:\s+в)?|в|saat|pukul|-|–|\|)\s+)?"
    r"(\d{1,2})[:h.](\d{2})(?::(\d{2}))?"
    rf"\s*([apAP]\.?[mM]\.?)?({_ZONE})?)?"
)
# "23 August 2023", "23rd Aug. 2023", "le 23 août 2023"
_DMY_NAME = re.compile(
    rf"\b(\d{{1,2}})(?:st|nd|rd|th|er|º)?\.?\s+(?:de\s+)?({MONTH_ALT})\.?,?\s+(?:de\s+)?(\d{{4}})\b{_TIME}",
    re.I,
)
# "August 23, 2023", "Aug 23 2023"
_MDY_NAME = re.compile(rf"\b({MONTH_ALT})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b{_TIME}", re.I)
# "23/08/2023", "23.08.2023", "08-23-2023"
_NUMERIC = re.compile(rf"(?<![\d/.-])(\d{{1,2}})([/.-])(\d{{1,2}})\2(\d{{4}}|\d{{2}})(?![\d/.-]){_TIME}")
# "2023-08-23", "2023/08/23", optional time
_YMD = re.compile(
    r"(?<!\d)(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?:[T\s]+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?"
    rf"({_ZONE})?)?(?!\d)"
)
_URL_DATE = re.compile(
    r"/((?:19|20)\d{2})[/-]?(0[1-9]|1[0-2])(?:[/-]?(0[1-9]|[12]\d|3[01]))?(?:/|[-_]|$)"
    r"|[-_]((?:19|20)\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?:[/._-]|$)"  # a slug ending "-20191115/"
)
# "2019年04月21日 12時00分" (Japanese, Chinese), "2019년 4월 21일 12:00" (Korean)
_CJK_YMD = re.compile(
    r"(\d{4})\s*[年년]\s*(\d{1,2})\s*[月월]\s*(\d{1,2})\s*[日일]"
    r"(?:\s*[(（][^)）]{1,3}[)）])?(?:\s*(\d{1,2})\s*[時시:：]\s*(\d{2}))?"
)
# C's and Java's `Date.toString()`: "Mon Aug 03 12:45:00 EDT 2015"
_CTIME = re.compile(
    rf"\b[A-Z][a-z]{{2}}\s+({MONTH_ALT})\s+(\d{{1,2}})\s+(\d{{1,2}}):(\d{{2}})(?::(\d{{2}}))?"
    rf"(?:\s+((?-i:{_ZONE_ALT})))?\s+(\d{{4}})\b",
    re.I,
)
_DIGIT = re.compile(r"\d")
_TZ_RE = re.compile(r"([+-])\s*(\d{1,2})(?::?(\d{2}))?$")


def _valid(y: int, m: int, d: int) -> bool:
    if not (1990 <= y <= 2100 and 1 <= m <= 12 and 1 <= d <= 31):
        return False
    try:
        date(y, m, d)
    except ValueError:
        return False
    return True


def _hour(h: str | None, ampm: str | None) -> int | None:
    if h is None:
        return None
    hour = int(h)
    if ampm:
        pm = ampm.lower().startswith("p")
        hour = hour % 12 + (12 if pm else 0)
    return hour if hour < 24 else None


def _fmt(y: int, m: int, d: int, hh: int | None = None, mm: str | None = None, ss: str | None = None) -> str:
    if hh is None:
        return f"{y:04d}-{m:02d}-{d:02d}"
    return f"{y:04d}-{m:02d}-{d:02d}T{hh:02d}:{int(mm or 0):02d}:{int(ss or 0):02d}"


def parse_iso(value: str | None) -> str | None:
    """Normalise a machine-readable date (ISO 8601, RFC 822-ish, epoch) to ISO 8601, or None."""
    if not value or not isinstance(value, str):
        return None
    s = value.strip()[:64]
    if not s:
        return None
    try:
        dt = datetime.fromisoformat(s.replace("Z", "+00:00") if s.endswith("Z") else s)
    except ValueError:
        dt = None
    if dt is not None:
        if not 1990 <= dt.year <= 2100:
            return None
        if len(s) <= 10 and "T" not in s and ":" not in s:
            return dt.date().isoformat()
        return dt.replace(microsecond=0).isoformat()
    m = _YMD.search(s)
    if m:
        y, mo, d = int(m.group(1)), int(m.group(3)), int(m.group(4))
        if not _valid(y, mo, d):
            return None
        if m.group(5) is None:
            return _fmt(y, mo, d)
        hh = int(m.group(5))
        if hh > 23:
            return _fmt(y, mo, d)
        out = _fmt(y, mo, d, hh, m.group(6), m.group(7))
        return out + _tz(m.group(8))
    if s.isdigit() and len(s) in (10, 13):  # epoch seconds / milliseconds
        secs = int(s[:10])
        dt = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(seconds=secs)
        return dt.isoformat() if 1990 <= dt.year <= 2100 else None
    return parse_text(s)


def _tz(raw: str | None) -> str:
    """ISO offset ("+02:00") of an offset or zone name as written after a time, "" if none."""
    raw = (raw or "").strip()
    if not raw:
        return ""
    minutes = ZONES.get(raw)
    if minutes is None:
        m = _TZ_RE.search(raw)
        if not m or int(m.group(2)) > 14:
            return ""
        minutes = int(m.group(2)) * 60 + int(m.group(3) or 0)
        minutes = -minutes if m.group(1) == "-" else minutes
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def parse_text(
    text: str | None, dayfirst: bool | None = None, hint: tuple[int, int] | None = None
) -> str | None:
    """The first date written in human text ("Posted On 23 August 2023", "23/08/2023 10:30").

    `dayfirst` settles numeric dates like 05/08/2023 (None: day first unless that is impossible);
    `hint` is a (year, month) known from elsewhere (the URL), which settles them too.
    """
    if not text:
        return None
    text = text[:2000]
    if not _DIGIT.search(text):  # every form has digits
        return None
    # the forms with a month's name are tried only when a word of the text is one (their regexes
    # try every name at every word: the costly part)
    named = not MONTHS.keys().isdisjoint(letter_runs(text.lower()))
    best: tuple[int, str] | None = None
    for m in _DMY_NAME.finditer(text) if named else ():
        d, mon, y = int(m.group(1)), MONTHS.get(m.group(2).lower()), int(m.group(3))
        if mon and _valid(y, mon, d):
            best = _earliest(best, m.start(), _with_time(y, mon, d, m, 4))
            break
    for m in _MDY_NAME.finditer(text) if named else ():
        mon, d, y = MONTHS.get(m.group(1).lower()), int(m.group(2)), int(m.group(3))
        if mon and _valid(y, mon, d):
            best = _earliest(best, m.start(), _with_time(y, mon, d, m, 4))
            break
    for m in _YMD.finditer(text):
        y, mo, d = int(m.group(1)), int(m.group(3)), int(m.group(4))
        if _valid(y, mo, d):
            hh = int(m.group(5)) if m.group(5) and int(m.group(5)) < 24 else None
            value = _fmt(y, mo, d, hh, m.group(6), m.group(7)) + (_tz(m.group(8)) if hh is not None else "")
            best = _earliest(best, m.start(), value)
            break
    for m in _CJK_YMD.finditer(text):
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if _valid(y, mo, d):
            hh = int(m.group(4)) if m.group(4) and int(m.group(4)) < 24 else None
            best = _earliest(best, m.start(), _fmt(y, mo, d, hh, m.group(5)))
            break
    for m in _CTIME.finditer(text) if named else ():
        mo, d, y = MONTHS.get(m.group(1).lower()), int(m.group(2)), int(m.group(7))
        hh = int(m.group(3))
        if mo and _valid(y, mo, d) and hh < 24:
            best = _earliest(best, m.start(), _fmt(y, mo, d, hh, m.group(4), m.group(5)) + _tz(m.group(6)))
            break
    for m in _NUMERIC.finditer(text):
        y = _full_year(m.group(1), m.group(2), m.group(3), m.group(4))
        if y is None:
            continue
        a, b = int(m.group(1)), int(m.group(3))
        order = _day_month_order(a, b, y, dayfirst, hint)
        if order is None:
            continue
        d, mo = order
        best = _earliest(best, m.start(), _with_time(y, mo, d, m, 5))
        break
    return best[1] if best else None


def _full_year(day: str, sep: str, month: str, year: str) -> int | None:
    """The year of a numeric date: four digits, or two ("Do 25.04.24", "4/25/24") where the date
    cannot be a version number or a range: `/`, or `.` between two-digit day and month."""
    if len(year) == 4:
        return int(year)
    if sep == "-" or (sep == "." and (len(day) != 2 or len(month) != 2)):
        return None
    yy = int(year)
    return 2000 + yy if yy < 70 else 1900 + yy


def _earliest(best: tuple[int, str] | None, pos: int, value: str) -> tuple[int, str]:
    return (pos, value) if best is None or pos < best[0] else best


def _with_time(y: int, mo: int, d: int, m: re.Match, first: int) -> str:
    hh = _hour(m.group(first), m.group(first + 3))
    if hh is None or int(m.group(first + 1)) > 59:
        return _fmt(y, mo, d)
    return _fmt(y, mo, d, hh, m.group(first + 1), m.group(first + 2)) + _tz(m.group(first + 4))


def _day_month_order(
    a: int, b: int, y: int, dayfirst: bool | None, hint: tuple[int, int] | None
) -> tuple[int, int] | None:
    """(day, month) for a numeric date `a/b/y`, or None when neither reading is valid."""
    dm_ok, md_ok = _valid(y, b, a), _valid(y, a, b)
    if dm_ok and md_ok and a != b:
        if hint and hint[0] == y:
            if hint[1] == b:
                return a, b
            if hint[1] == a:
                return b, a
        return (b, a) if dayfirst is False else (a, b)
    if dm_ok:
        return a, b
    if md_ok:
        return b, a
    return None


_DIRECTIVES = {
    "d": r"(?P<d>\d{1,2})", "m": r"(?P<m>\d{1,2})", "Y": r"(?P<Y>\d{4})", "y": r"(?P<y>\d{2})",
    "B": rf"(?P<B>{MONTH_ALT})\.?", "b": rf"(?P<b>{MONTH_ALT})\.?",
    "H": r"(?P<H>\d{1,2})", "I": r"(?P<I>\d{1,2})", "M": r"(?P<M>\d{2})", "S": r"(?P<S>\d{2})",
    "p": r"(?P<p>[ap]\.?m\.?)", "z": r"(?P<z>Z|[+-]\d{2}:?\d{2})", "Z": rf"(?P<Z>(?-i:{_ZONE_ALT}))\b",
    "A": r"\w+", "a": r"\w+", "j": r"\d{1,3}", "%": "%",
}  # fmt: skip


def format_pattern(fmt: str | None) -> re.Pattern | None:
    """A regex finding dates written in the `strptime`-style format `fmt` (e.g. "%d %B %Y").

    Month names are those of `MONTHS` (several languages), whatever the locale. None when `fmt` does
    not name a day, a month and a year, uses an unknown directive, or repeats one.
    """
    if not fmt or not isinstance(fmt, str) or len(fmt) > 100:
        return None
    out, used, i = [], set(), 0
    while i < len(fmt):
        c = fmt[i]
        if c == "%" and i + 1 < len(fmt):
            d = fmt[i + 1]
            if d not in _DIRECTIVES or (d in used and d != "%"):
                return None
            used.add(d)
            out.append(_DIRECTIVES[d])
            i += 2
            continue
        out.append(r"\s+" if c.isspace() else re.escape(c))
        i += 1
    if not ("d" in used and used & {"m", "B", "b"} and used & {"Y", "y"}):
        return None
    try:
        return re.compile(r"(?<!\w)" + "".join(out), re.I)
    except re.error:
        return None


def parse_with_format(text: str | None, pattern: re.Pattern) -> str | None:
    """The first date in `text` that `pattern` (from `format_pattern`) finds, as ISO 8601, or None."""
    if not text:
        return None
    for m in pattern.finditer(text[:2000]):
        g = m.groupdict()
        y = int(g["Y"]) if g.get("Y") else 2000 + int(g["y"])
        month = g.get("B") or g.get("b")
        mo = MONTHS.get(month.lower()) if month else int(g["m"])
        d = int(g["d"])
        if not mo or not _valid(y, mo, d):
            continue
        hour = g.get("H") or g.get("I")
        hh = _hour(hour, g.get("p")) if hour else None
        if hh is None:
            return _fmt(y, mo, d)
        return _fmt(y, mo, d, hh, g.get("M"), g.get("S")) + _tz(g.get("z") or g.get("Z"))
    return None


def date_from_url(url: str) -> tuple[int, int, int | None] | None:
    """(year, month, day or None) from paths like /2023/08/23/slug or /20230823-slug."""
    m = _URL_DATE.search(url)
    if not m:
        return None
    g = m.groups() if m.group(1) else m.groups()[3:]
    y, mo = int(g[0]), int(g[1])
    d = int(g[2]) if g[2] else None
    if d is not None and not _valid(y, mo, d):
        d = None
    return y, mo, d
