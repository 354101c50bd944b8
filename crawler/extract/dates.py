"""Dates -> ISO 8601 strings: machine formats (JSON-LD, meta, `<time datetime>`), visible text, URLs.

Kept small and dependency-free on purpose: the hot path parses a handful of strings per page.
A full datetime keeps its timezone when the source gives one; a bare date becomes `YYYY-MM-DD`.
"""

from __future__ import annotations

import functools
import re
from datetime import UTC, date, datetime, timedelta
from typing import Final

from crawler.extract.months import (
    JALALI_MONTHS,
    MONTH_ALT,
    MONTH_WORDS,
    NAME_RUNS,
    PERSIAN_LETTERS,
    alternation,
    month,
)
from crawler.extract.text import letter_runs

# Zone names that mean one offset wherever they are written (not IST, which is three zones).
ZONES: Final = {
    "UTC": 0, "GMT": 0, "Z": 0, "WET": 0, "WEST": 60, "BST": 60, "CET": 60, "CEST": 120, "EET": 120,
    "EEST": 180, "MSK": 180, "WAT": 60, "CAT": 120, "EAT": 180, "EST": -300, "EDT": -240, "CST": -360,
    "CDT": -300, "MST": -420, "MDT": -360, "PST": -480, "PDT": -420, "JST": 540, "KST": 540,
}  # fmt: skip
# An offset or zone name after a time; case-sensitive so "est" in French text is not Eastern time.
_ZONE_ALT: Final = r"(?:UTC|GMT)\s*[+-]\s*\d{1,2}(?::?\d{2})?|[+-]\d{2}:?\d{2}|" + "|".join(
    sorted(ZONES, key=len, reverse=True)
)
_ZONE: Final = rf"(?-i:\s*(?:{_ZONE_ALT})\b)"
_TIME: Final = (
    r"(?:[,\s]+(?:(?:at|à|um|às|a las|alle|om|kl\.?|o|г\.(?:\s+в)?|в|saat|pukul|เวลา|-|–|\|)\s+)?"
    r"(\d{1,2})[:h.](\d{2})(?::(\d{2}))?"
    rf"\s*([apAP]\.?[mM]\.?)?({_ZONE})?)?"
)
# The forms that name the month, as templates of their regexes; `_named_forms` fills in the names.
# Each is followed by an optional time, matched by `_TIME_AFTER` where the date ends (compiled once:
# it is most of the regex, and `_named_forms` compiles the rest for every new set of names).
# "23 August 2023", "23rd Aug. 2023", "le 23 août 2023", "23 d'agost de 2023"; two names of the month
# ("04 آب/أغسطس 2013": the Levantine and the Egyptian name, as pan-Arab sites write it)
_DMY_NAME: Final = (
    r"\b(?P<d>\d{1,2})(?:st|nd|rd|th|er|º)?\.?\s+(?:de\s+|d['’])?(?P<mon>{names})(?:\s*/\s*(?:{names}))?"
    r"\.?,?\s+(?:de\s+)?(?P<y>\d{4})\b"
)
# The year first: "2023. augusztus 23." (Hungarian), "2023 m. rugpjūčio 23 d." (Lithuanian)
_YMD_NAME: Final = r"\b(?P<y>\d{4})\.?\s+(?:m\.\s+)?(?P<mon>{names})\.?\s+(?P<d>\d{1,2})\b\.?(?:\s*d\.)?"
# "August 23, 2023", "Aug 23 2023"
_MDY_NAME: Final = r"\b(?P<mon>{names})\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})\b"
_TIME_AFTER: Final = re.compile(_TIME, re.I)
# "23/08/2023", "23.08.2023", "08-23-2023"
_NUMERIC: Final = re.compile(
    rf"(?<![\d/.-])(\d{{1,2}})([/.-])(\d{{1,2}})\2(\d{{4}}|\d{{2}})(?![\d/.-]){_TIME}"
)
# "2023-08-23", "2023/08/23", optional time
_YMD: Final = re.compile(
    r"(?<!\d)(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?:[T\s]+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?"
    rf"({_ZONE})?)?(?!\d)"
)
_URL_DATE: Final = re.compile(
    r"/((?:19|20)\d{2})[/-]?(0[1-9]|1[0-2])(?:[/-]?(0[1-9]|[12]\d|3[01]))?(?:/|[-_]|$)"
    r"|[-_]((?:19|20)\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?:[/._-]|$)"  # a slug ending "-20191115/"
)
# "2019年04月21日 12時00分" (Japanese, Chinese), "2019년 4월 21일 12:00" (Korean)
_CJK_YMD: Final = re.compile(
    r"(\d{4})\s*[年년]\s*(\d{1,2})\s*[月월]\s*(\d{1,2})\s*[日일]"
    r"(?:\s*[(（][^)）]{1,3}[)）])?(?:\s*(\d{1,2})\s*[時시:：]\s*(\d{2}))?"
)
# A year of a Japanese era or of the Republic of China's calendar (Taiwan): "令和6年3月5日" is 2024
# (元年, the first year, is 1); the offsets to the common era.
_ERA: Final = re.compile(r"(令和|平成|民國|民国)\s*(\d{1,3}|元)\s*年")
_ERA_START: Final = {"令和": 2018, "平成": 1988, "民國": 1911, "民国": 1911}
# Vietnamese names the month by its number: "ngày 5 tháng 3 năm 2024", "5 tháng 3, 2024".
_VI_DMY: Final = re.compile(
    r"(?<!\d)(\d{1,2})\s+tháng\s+(\d{1,2})(?:\s*,|\s+năm)?\s+(\d{4})(?!\d)" + _TIME, re.I
)
# C's and Java's `Date.toString()`: "Mon Aug 03 12:45:00 EDT 2015"
_CTIME: Final = (
    rf"\b[A-Z][a-z]{{2}}\s+({{names}})\s+(\d{{1,2}})\s+(\d{{1,2}}):(\d{{2}})(?::(\d{{2}}))?"
    rf"(?:\s+((?-i:{_ZONE_ALT})))?\s+(\d{{4}})\b"
)
_NAMED_FORMS: Final = (_DMY_NAME, _YMD_NAME, _MDY_NAME)
_CTIME_HINT: Final = re.compile(
    r"\d\s+\d{1,2}:\d{2}"
)  # found in every text `_CTIME` matches (its day and time)
# A date of the Persian calendar: "۲۳ آبان ۱۴۰۲", "23 آبان ماه 1402 - 10:30" (the word "month" may follow
# the name); or numeric in Persian digits, year first ("۱۴۰۲/۰۸/۲۳").
_JALALI: Final = re.compile(
    rf"(?<!\d)(\d{{1,2}})\s+({alternation(JALALI_MONTHS)})(?:\s+ماه)?\s+(\d{{4}})(?!\d){_TIME}"
)
_ARABIC_SCRIPT: Final = re.compile("[\u0600-\u06ff]")  # letters and digits: a text that may date in Persian
_PERSIAN_DIGIT: Final = re.compile("[\u06f0-\u06f9]")
_DIGIT: Final = re.compile(r"\d")
_TZ_RE: Final = re.compile(r"([+-])\s*(\d{1,2})(?::?(\d{2}))?$")


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


def has_digit(text: str) -> bool:
    """`text` has a digit: every date `parse_text` and `parse_with_format` read has one (a quick test
    before them)."""
    return _DIGIT.search(text) is not None


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
    if not has_digit(text):
        return None
    # the forms with a month's name are tried only when a word of the text is one, and with only
    # the names it has (their regexes try every name at every word: the costly part)
    present = MONTH_WORDS.intersection(letter_runs(text.lower()))
    named = _named_forms(present, _NAMED_FORMS) if present else ()  # (no regex to run for nothing)
    best: tuple[int, str] | None = None
    for form in named:
        at = 0  # (where the last date and its time ended: as `finditer` over both would go on)
        while (m := form.search(text, at)) is not None:
            when = _TIME_AFTER.match(text, m.end())
            assert when is not None  # (every part of _TIME is optional: it matches everywhere)
            d, mon, y = int(m["d"]), month(m["mon"]), _common_era(int(m["y"]))
            if mon and _valid(y, mon, d):
                best = _earliest(best, m.start(), _with_time(y, mon, d, when, 1))
                break
            at = when.end()
    for m in _YMD.finditer(text):
        y, mo, d = int(m.group(1)), int(m.group(3)), int(m.group(4))
        if _valid(y, mo, d):
            hh = int(m.group(5)) if m.group(5) and int(m.group(5)) < 24 else None
            value = _fmt(y, mo, d, hh, m.group(6), m.group(7)) + (_tz(m.group(8)) if hh is not None else "")
            best = _earliest(best, m.start(), value)
            break
    if not text.isascii():
        if "年" in text:
            text = _ERA.sub(_era_year, text)  # (a character longer at most: positions stay close)
        if "háng" in text:
            for m in _VI_DMY.finditer(text):
                d, mo, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
                if _valid(y, mo, d):
                    best = _earliest(best, m.start(), _with_time(y, mo, d, m, 4))
                    break
    for m in _CJK_YMD.finditer(text):
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if _valid(y, mo, d):
            hh = int(m.group(4)) if m.group(4) and int(m.group(4)) < 24 else None
            best = _earliest(best, m.start(), _fmt(y, mo, d, hh, m.group(5)))
            break
    ctime = _named_forms(present, (_CTIME,))[0] if present and _CTIME_HINT.search(text) else None
    for m in ctime.finditer(text) if ctime else ():
        mon, d, y = month(m.group(1)), int(m.group(2)), int(m.group(7))
        hh = int(m.group(3))
        if mon and _valid(y, mon, d) and hh < 24:
            best = _earliest(best, m.start(), _fmt(y, mon, d, hh, m.group(4), m.group(5)) + _tz(m.group(6)))
            break
    if not text.isascii() and _ARABIC_SCRIPT.search(text):
        found = _jalali(text)
        if found:
            best = _earliest(best, *found)
    for m in _NUMERIC.finditer(text):
        year = _full_year(m.group(1), m.group(2), m.group(3), m.group(4))
        if year is None:
            continue
        a, b = int(m.group(1)), int(m.group(3))
        order = _day_month_order(a, b, year, dayfirst, hint)
        if order is None:
            continue
        d, mo = order
        best = _earliest(best, m.start(), _with_time(year, mo, d, m, 5))
        break
    return best[1] if best else None


@functools.lru_cache(maxsize=512)
def _named_forms(words: frozenset[str], forms: tuple[str, ...]) -> tuple[re.Pattern, ...]:
    """The regexes of the named `forms` (day-month-year, year-month-day, month-day-year; ctime) for
    the month names made of `words` (a text's month words: a site writes few of them)."""
    names = [n for n, runs in NAME_RUNS.items() if runs <= words]
    alt = alternation(names)
    return tuple(re.compile(form.replace("{names}", alt), re.I) for form in forms)


def _era_year(m: re.Match) -> str:
    """The common era's year for an era's year ("令和6年" -> "2024年")."""
    n = 1 if m.group(2) == "元" else int(m.group(2))
    return f"{_ERA_START[m.group(1)] + n}年"


def _common_era(year: int) -> int:
    """`year` of the Buddhist era (Thailand: "5 มีนาคม 2567") in the common era; others as they are.

    A year from 2443 (1900 in the common era) to 2643 can only be the Buddhist era's on a page of today.
    """
    return year - 543 if 2443 <= year <= 2643 else year


def _jalali(text: str) -> tuple[int, str] | None:
    """(position, ISO date) of the first date of the Persian calendar in `text`, or None."""
    text = text.translate(PERSIAN_LETTERS)
    for m in _JALALI.finditer(text):
        day = _gregorian(int(m.group(3)), JALALI_MONTHS[m.group(2)], int(m.group(1)))
        if day is not None:
            return m.start(), _with_time(day.year, day.month, day.day, m, 4)
    if _PERSIAN_DIGIT.search(text):  # a year first in Persian digits (a Gregorian one would be 19xx/20xx)
        for m in _YMD.finditer(text):
            day = _gregorian(int(m.group(1)), int(m.group(3)), int(m.group(4)))
            if day is not None:
                return m.start(), _fmt(day.year, day.month, day.day)
    return None


def _gregorian(jy: int, jm: int, jd: int) -> date | None:
    """The Gregorian day of day `jd` of month `jm` of year `jy` of the Persian calendar (its leap years
    by the 33-year cycle), or None when it is no such day of a year from 1370 to 1479 (1991-2101)."""
    if not (1370 <= jy <= 1479 and 1 <= jm <= 12 and 1 <= jd <= (31 if jm <= 6 else 30)):
        return None
    jy += 1595
    days = 365 * jy + (jy // 33) * 8 + ((jy % 33) + 3) // 4 + jd - 356033
    days += (jm - 1) * 31 if jm < 7 else (jm - 7) * 30 + 186
    if jd == 30 and jm == 12 and _gregorian(jy - 1594, 1, 1) == date.fromordinal(days):
        return None  # (Esfand 30 of a common year: the day is the next year's first)
    return date.fromordinal(days)


def _full_year(day: str, sep: str, mon: str, year: str) -> int | None:
    """The year of a numeric date: four digits, or two ("Do 25.04.24", "4/25/24") where the date
    cannot be a version number or a range: `/`, or `.` between two-digit day and month."""
    if len(year) == 4:
        return _common_era(int(year))
    if sep == "-" or (sep == "." and (len(day) != 2 or len(mon) != 2)):
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


_DIRECTIVES: Final = {
    "d": r"(?P<d>\d{1,2})", "m": r"(?P<m>\d{1,2})", "Y": r"(?P<Y>\d{4})", "y": r"(?P<y>\d{2})",
    "B": rf"(?P<B>{MONTH_ALT})\.?", "b": rf"(?P<b>{MONTH_ALT})\.?",
    "H": r"(?P<H>\d{1,2})", "I": r"(?P<I>\d{1,2})", "M": r"(?P<M>\d{2})", "S": r"(?P<S>\d{2})",
    "p": r"(?P<p>[ap]\.?m\.?)", "z": r"(?P<z>Z|[+-]\d{2}:?\d{2})", "Z": rf"(?P<Z>(?-i:{_ZONE_ALT}))\b",
    "A": r"\w+", "a": r"\w+", "j": r"\d{1,3}", "%": "%",
}  # fmt: skip


def format_pattern(fmt: str | None) -> re.Pattern | None:
    """A regex finding dates written in the `strptime`-style format `fmt` (e.g. "%d %B %Y").

    Month names are those of `months.py` (several languages), whatever the locale. None when `fmt` does
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
        name = g.get("B") or g.get("b")
        mo = month(name) if name else int(g["m"])
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
