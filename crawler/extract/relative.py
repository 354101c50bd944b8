"""Dates a page writes relative to when it was read ("3 hours ago", "vor 2 Tagen", "hace 5 minutos",
"5分前"), resolved against the moment of capture: the HTTP `Date` header of the response.

Extraction stays a pure function of (url, headers, body, profile): the moment comes from the headers,
never from the clock, so a reparse of the archived response reads the same date.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

from crawler.extract.encoding import header_value
from crawler.extract.months import alternation

_MINUTE, _HOUR, _DAY = 60, 3600, 86400
# Unit words, singular and plural (en, de, es, fr, pt, it, nl, sv/da/no, ru, pl, tr, id); the short
# forms a compact byline writes ("3h ago", "5 mins ago"). Months and years are left out: "2 months
# ago" names no day.
_UNITS = {
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
_CJK_UNITS = {
    "秒": 1, "초": 1, "分": _MINUTE, "分钟": _MINUTE, "分鐘": _MINUTE, "분": _MINUTE, "時間": _HOUR,
    "小时": _HOUR, "小時": _HOUR, "시간": _HOUR, "日": _DAY, "天": _DAY, "일": _DAY, "週間": 7 * _DAY,
    "周": 7 * _DAY, "週": 7 * _DAY, "주": 7 * _DAY,
}  # fmt: skip
# "a"/"an"/"one" (and their kin) counted as 1: "an hour ago", "vor einem Tag", "hace un día".
_ONE = r"an?|one|einem|einer|un|una|une|um|uma"
_COUNT = rf"(\d{{1,3}}|{_ONE})"
_UNIT_ALT = alternation(_UNITS)
# The word that makes the span past: before it ("vor", "hace", "il y a", "há") or after it ("ago",
# "geleden", "fa", "назад", "temu", "önce", "lalu", "sedan", "siden"); CJK "前"/"전" after the unit.
_RELATIVE = re.compile(
    rf"\b(?:vor|hace|il\s+y\s+a|há)\s+{_COUNT}\s*({_UNIT_ALT})\b"
    rf"|(?<!\w){_COUNT}\s*({_UNIT_ALT})\.?\s+(?:ago|geleden|fa|назад|temu|önce|(?:yang\s+)?lalu|sedan|siden)\b"
    rf"|(?<![\d月월])(\d{{1,3}})\s*({alternation(_CJK_UNITS)})\s*(?:前|전)",  # (not "3月5日前": before a day)
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
    """The moment a relative date in `text` names, counted back from `now`: to the minute for seconds,
    minutes and hours ("2023-08-23T10:00:00+00:00"), the day for days and weeks ("2023-08-21")."""
    m = _RELATIVE.search(text[:300])
    if m is None:
        return None
    count, unit = next((m.group(i), m.group(i + 1)) for i in (1, 3, 5) if m.group(i))
    n = int(count) if count.isdigit() else 1
    seconds = _UNITS.get(unit.lower()) or _CJK_UNITS.get(unit, 0)
    then = now - timedelta(seconds=n * seconds)
    if seconds >= _DAY:
        return then.date().isoformat()
    return then.replace(second=0, microsecond=0).isoformat()
