"""Dates a page writes relative to when it was read ("3 hours ago", "vor 2 Tagen", "hace 5 minutos",
"5分前", "Yesterday at 5:30 PM", "Mar. 5" without its year), resolved against the moment of capture:
the HTTP `Date` header of the response. Read only when the page gives no other date.

Extraction stays a pure function of (url, headers, body, profile): the moment comes from the headers,
never from the clock, so a reparse of the archived response reads the same date.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Final

from crawler.extract.encoding import header_value
from crawler.extract.months import MONTH_ALT, MONTH_WORDS, alternation, month
from crawler.extract.text import letter_runs

_MINUTE, _HOUR, _DAY = 60, 3600, 86400
_DIGIT: Final = re.compile(r"\d")
# Unit words, singular and plural (en, de, es, fr, pt, it, nl, sv/da/no, ru, pl, tr, id); the short
# forms a compact byline writes ("3h ago", "5 mins ago"). Months and years are left out: "2 months
# ago" names no day.
_UNITS: Final = {
    **dict.fromkeys(("second", "seconds", "sec", "secs", "sekunden", "segundos", "secondes", "secondi"), 1),
    **dict.fromkeys(
        (
            "minute", "minutes", "min", "mins", "m", "minuten", "minuto", "minutos", "minuti", "minuut",
            "minuter", "minutter", "минуту", "минуты", "минут", "minutę", "minuty", "minut", "dakika",
            "menit",
        ),
        _MINUTE,
    ),
    **dict.fromkeys(
        (
            "hour", "hours", "hr", "hrs", "h", "stunde", "stunden", "hora", "horas", "heure", "heures",
            "ora", "ore", "uur", "timme", "timmar", "time", "timer", "час", "часа", "часов", "godzinę",
            "godziny", "godzin", "saat", "jam",
        ),
        _HOUR,
    ),
    **dict.fromkeys(
        (
            "day", "days", "d", "tag", "tagen", "día", "días", "dia", "dias", "jour", "jours", "giorno",
            "giorni", "dag", "dagen", "dagar", "dage", "dager", "день", "дня", "дней", "dzień", "dni",
            "gün", "hari",
        ),
        _DAY,
    ),
    **dict.fromkeys(
        (
            "week", "weeks", "woche", "wochen", "semana", "semanas", "semaine", "semaines", "settimana",
            "settimane", "weken", "vecka", "veckor", "uge", "uger", "uke", "uker", "неделю", "недели",
            "недель", "tydzień", "tygodnie", "tygodni", "hafta", "minggu",
        ),
        7 * _DAY,
    ),
}  # fmt: skip
# The same units in Japanese, Chinese and Korean, written right after the number.
_CJK_UNITS: Final = {
    "秒": 1, "초": 1, "分": _MINUTE, "分钟": _MINUTE, "分鐘": _MINUTE, "분": _MINUTE, "時間": _HOUR,
    "小时": _HOUR, "小時": _HOUR, "시간": _HOUR, "日": _DAY, "天": _DAY, "일": _DAY, "週間": 7 * _DAY,
    "周": 7 * _DAY, "週": 7 * _DAY, "주": 7 * _DAY,
}  # fmt: skip
# "a"/"an"/"one" (and their kin) counted as 1: "an hour ago", "vor einem Tag", "hace un día".
_ONE: Final = r"an?|one|einem|einer|un|una|une|um|uma"
# A count before its unit: digits, the unit maybe right after them ("3h"); a word, then a space.
_COUNT: Final = rf"(?:\d{{1,3}}\s*|(?:{_ONE})\s+)"
_UNIT_ALT: Final = alternation(_UNITS)
# A count and its unit; a run of them says one span ("1 hr 4 mins ago").
_PAIR: Final = re.compile(rf"(?<!\w)({_COUNT})({_UNIT_ALT})(?!\w)", re.I)
# The word that makes the span past: before it ("vor", "hace", "il y a", "há") or after it ("ago",
# "geleden", "fa", "назад", "temu", "önce", "lalu", "sedan", "siden"); CJK "前"/"전" after the unit, not
# after a day ("3月5日前": before March 5). A count is whole: the "5" of "1,5 hours ago" is none.
_RELATIVE: Final = re.compile(
    rf"\b(?:vor|hace|il\s+y\s+a|há)\s+({_COUNT}(?:{_UNIT_ALT}))\b"
    rf"|(?<!\w)(?<!\d[.,])((?:{_COUNT}(?:{_UNIT_ALT})\.?,?\s+(?:and\s+)?)+)"
    r"(?:ago|geleden|fa|назад|temu|önce|(?:yang\s+)?lalu|sedan|siden)\b"
    rf"|(?<![\d月월])(?<!\d[.,])(\d{{1,3}})\s*({alternation(_CJK_UNITS)})\s*(?:前|전)",
    re.I,
)
# A year written out: a text that has one is a full date the other parsers did not read, not a
# day and month whose year is to be guessed ("04 آب/اغسطس 2013").
_YEAR: Final = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")


# "Today"/"yesterday" with the time of day ("heute, 14:07 Uhr", "Yesterday at 5:30 PM", "ayer a las
# 10:30", "昨日 18:30"): the day counted back from the capture, the time the page's own wall clock.
# The time is required: "hier" alone is also German "here".
_DAYS_BACK: Final = {
    "today": 0, "heute": 0, "hoy": 0, "aujourd'hui": 0, "hoje": 0, "oggi": 0, "vandaag": 0, "idag": 0,
    "i dag": 0, "сегодня": 0, "dzisiaj": 0, "dziś": 0, "bugün": 0, "今日": 0, "今天": 0, "오늘": 0,
    "yesterday": 1, "gestern": 1, "ayer": 1, "hier": 1, "ontem": 1, "ieri": 1, "gisteren": 1, "igår": 1,
    "i går": 1, "вчера": 1, "wczoraj": 1, "dün": 1, "昨日": 1, "昨天": 1, "어제": 1,
}  # fmt: skip
_DAY_WORD: Final = re.compile(
    rf"(?<!\w)({alternation(_DAYS_BACK)})(?!\w)[,\s]*(?:(?:at|um|à|a\s+las|alle|às|om|kl\.?|в|o)\s+)?"
    r"(\d{1,2})[:h.](\d{2})(?!\d)\s*([ap]\.?m\.?)?",
    re.I,
)
# A day and month without the year ("Mar. 5", "March 5th", "5 March", "5. März"): the year is the
# capture's, or the one before when that day is still to come.
_NO_YEAR: Final = re.compile(
    rf"(?<!\w)(?:({MONTH_ALT})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?|(\d{{1,2}})(?:st|nd|rd|th|\.)?\s+({MONTH_ALT}))"
    r"(?![\w.,]*\s*,?\s*\d)",
    re.I,
)


def capture_time(headers: Mapping | None) -> datetime | None:
    """The moment the response was served (its `Date` header, in UTC), or None without a valid one."""
    value = header_value(headers, "date")
    if not value:
        return None
    try:
        moment = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:  # RFC 9110 dates are GMT; "-0000" parses without a zone
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC) if 1990 <= moment.year <= 2100 else None


def parse_relative(text: str, now: datetime) -> str | None:
    """The moment a date in `text` written relative to `now` names: a span back ("3 hours ago": to
    the minute for seconds, minutes and hours, "2023-08-23T10:00:00+00:00"; the day for days and weeks,
    "2023-08-21"), today or yesterday at a time ("2023-08-22T17:30:00", the page's wall clock), or a
    day and month without a year ("2023-03-05")."""
    text = text[:300]
    m = _RELATIVE.search(text)
    if m is None:
        if not _DIGIT.search(text):  # (the other forms have digits)
            return None
        return _day_word(text, now) or _without_year(text, now)
    if m.group(3):
        unit = _CJK_UNITS[m.group(4)]
        seconds = int(m.group(3)) * unit
    else:
        pairs = _PAIR.findall(m.group(1) or m.group(2))
        counts = [(int(c) if c.strip().isdigit() else 1, _UNITS[u.lower()]) for c, u in pairs]
        seconds, unit = sum(n * u for n, u in counts), min(u for _, u in counts)
    then = now - timedelta(seconds=seconds)
    if unit >= _DAY:
        return then.date().isoformat()
    return then.replace(second=0, microsecond=0).isoformat()


def _day_word(text: str, now: datetime) -> str | None:
    m = _DAY_WORD.search(text)
    if m is None:
        return None
    hour, minute = int(m.group(2)), int(m.group(3))
    if m.group(4):
        hour = hour % 12 + (12 if m.group(4).lower().startswith("p") else 0)
    if hour > 23 or minute > 59:
        return None
    day = (now - timedelta(days=_DAYS_BACK[" ".join(m.group(1).lower().split())])).date()
    return f"{day.isoformat()}T{hour:02d}:{minute:02d}:00"


def _without_year(text: str, now: datetime) -> str | None:
    if not MONTH_WORDS.intersection(letter_runs(text.lower())) or _YEAR.search(text):
        return None  # (no month's name: no regex run)
    for m in _NO_YEAR.finditer(text):
        name = m.group(1) or m.group(4)
        if m.group(1) and len(name) <= 3 and name.islower():  # "des 5 pays", "set 5": not a month
            continue
        mon = month(name)
        day = int(m.group(2) or m.group(3))
        for year in (now.year, now.year - 1):  # the latest such day not after the capture
            try:
                when = date(year, mon or 0, day)
            except ValueError:
                break
            if when <= now.date() + timedelta(days=1):
                return when.isoformat()
    return None
