"""Month names of the languages dates are written in: `MONTHS` (lower-cased name -> number), the
regex alternation of the names (`MONTH_ALT`) and the words the names are made of (`MONTH_WORDS`)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

from crawler.extract.text import letter_runs

MONTHS: Final = {
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
    # abbreviations: Spanish, Italian, Portuguese, French, German, Dutch, Indonesian
    "ene": 1, "abr": 4, "ago": 8, "dic": 12, "gen": 1, "mag": 5, "giu": 6, "lug": 7, "set": 9,
    "ott": 10, "fev": 2, "out": 10, "dez": 12, "janv": 1, "févr": 2, "fevr": 2, "avr": 4,
    "juil": 7, "déc": 12, "mär": 3, "mrz": 3, "okt": 10, "mrt": 3, "agu": 8, "agt": 8, "des": 12,
    # Catalan
    "gener": 1, "febrer": 2, "març": 3, "maig": 5, "juny": 6, "juliol": 7, "agost": 8, "setembre": 9,
    "desembre": 12,
    # Hungarian (also written year first: "2023. augusztus 23."), Finnish, Estonian
    "január": 1, "február": 2, "március": 3, "április": 4, "május": 5, "június": 6, "július": 7,
    "augusztus": 8, "szeptember": 9, "október": 10, "febr": 2, "márc": 3, "ápr": 4, "máj": 5,
    "jún": 6, "júl": 7, "szept": 9,
    "tammikuuta": 1, "helmikuuta": 2, "maaliskuuta": 3, "huhtikuuta": 4, "toukokuuta": 5,
    "kesäkuuta": 6, "heinäkuuta": 7, "elokuuta": 8, "syyskuuta": 9, "lokakuuta": 10,
    "marraskuuta": 11, "joulukuuta": 12,
    "jaanuar": 1, "veebruar": 2, "märts": 3, "aprill": 4, "juuni": 6, "juuli": 7, "oktoober": 10,
    "detsember": 12,
    # Slovak, Slovenian, Croatian, Serbian and Bosnian in Latin letters (genitive and nominative;
    # not Croatian "listopada", which is Polish November but Croatian October)
    "januára": 1, "februára": 2, "apríla": 4, "mája": 5, "júna": 6, "júla": 7, "augusta": 8,
    "septembra": 9, "októbra": 10, "novembra": 11, "decembra": 12,
    "januarja": 1, "februarja": 2, "marec": 3, "aprila": 4, "junij": 6, "junija": 6, "julij": 7,
    "julija": 7, "avgust": 8, "avgusta": 8, "oktobra": 10,
    "siječnja": 1, "veljače": 2, "ožujka": 3, "travnja": 4, "svibnja": 5, "lipnja": 6, "srpnja": 7,
    "kolovoza": 8, "rujna": 9, "studenoga": 11, "studenog": 11, "prosinca": 12,
    "januara": 1, "februara": 2, "marta": 3, "juna": 6, "jula": 7, "septembar": 9, "oktobar": 10,
    "novembar": 11, "decembar": 12,
    # Lithuanian (genitive, year first: "2023 m. rugpjūčio 23 d.")
    "sausio": 1, "vasario": 2, "kovo": 3, "balandžio": 4, "gegužės": 5, "birželio": 6, "liepos": 7,
    "rugpjūčio": 8, "rugsėjo": 9, "spalio": 10, "lapkričio": 11, "gruodžio": 12,
    # Bulgarian, Serbian and Macedonian in Cyrillic letters
    "януари": 1, "февруари": 2, "март": 3, "април": 4, "май": 5, "юни": 6, "юли": 7, "август": 8,
    "септември": 9, "октомври": 10, "ноември": 11, "декември": 12,
    "јануар": 1, "фебруар": 2, "мај": 5, "јун": 6, "јул": 7, "септембар": 9, "октобар": 10,
    "новембар": 11, "децембар": 12, "јануара": 1, "фебруара": 2, "априла": 4,
    "јуна": 6, "јула": 7, "септембра": 9, "октобра": 10, "новембра": 11, "децембра": 12,
    # Greek (genitive)
    "ιανουαρίου": 1, "φεβρουαρίου": 2, "μαρτίου": 3, "απριλίου": 4, "μαΐου": 5, "ιουνίου": 6,
    "ιουλίου": 7, "αυγούστου": 8, "σεπτεμβρίου": 9, "οκτωβρίου": 10, "νοεμβρίου": 11,
    "δεκεμβρίου": 12,
    # Hebrew (alone and with the preposition: "23 באוגוסט 2023")
    "ינואר": 1, "פברואר": 2, "מרץ": 3, "מרס": 3, "אפריל": 4, "מאי": 5, "יוני": 6, "יולי": 7,
    "אוגוסט": 8, "ספטמבר": 9, "אוקטובר": 10, "נובמבר": 11, "דצמבר": 12,
    "בינואר": 1, "בפברואר": 2, "במרץ": 3, "במרס": 3, "באפריל": 4, "במאי": 5, "ביוני": 6, "ביולי": 7,
    "באוגוסט": 8, "בספטמבר": 9, "באוקטובר": 10, "בנובמבר": 11, "בדצמבר": 12,
    # Arabic: the Egyptian and Gulf names, the Levantine and Iraqi ones, the Maghreb's
    "يناير": 1, "فبراير": 2, "مارس": 3, "أبريل": 4, "إبريل": 4, "ابريل": 4, "مايو": 5, "يونيو": 6,
    "يوليو": 7, "أغسطس": 8, "اغسطس": 8, "سبتمبر": 9, "أكتوبر": 10, "اكتوبر": 10, "نوفمبر": 11,
    "ديسمبر": 12,
    "كانون الثاني": 1, "شباط": 2, "آذار": 3, "نيسان": 4, "أيار": 5, "حزيران": 6, "تموز": 7, "آب": 8,
    "أيلول": 9, "تشرين الأول": 10, "تشرين الثاني": 11, "كانون الأول": 12,
    "جانفي": 1, "فيفري": 2, "أفريل": 4, "ماي": 5, "جوان": 6, "جويلية": 7, "أوت": 8,
    # Hindi (and Marathi, Nepali: the same names), with the nukta written either way ("फ़रवरी")
    "जनवरी": 1, "फ़रवरी": 2, "\u095eरवरी": 2, "फरवरी": 2, "मार्च": 3, "अप्रैल": 4, "मई": 5, "जून": 6,
    "जुलाई": 7, "अगस्त": 8, "सितंबर": 9, "सितम्बर": 9, "अक्टूबर": 10, "अक्तूबर": 10, "नवंबर": 11,
    "नवम्बर": 11, "दिसंबर": 12, "दिसम्बर": 12,
    # Bengali (the letter য় written either way), Urdu, and Persian for Gregorian dates
    "জানুয়ারি": 1, "জানু\u09dfারি": 1, "ফেব্রুয়ারি": 2, "ফেব্রু\u09dfারি": 2, "মার্চ": 3, "এপ্রিল": 4,
    "মে": 5, "জুন": 6, "জুলাই": 7, "আগস্ট": 8, "সেপ্টেম্বর": 9, "অক্টোবর": 10, "নভেম্বর": 11, "ডিসেম্বর": 12,
    "جنوری": 1, "فروری": 2, "مارچ": 3, "اپریل": 4, "مئی": 5, "جون": 6, "جولائی": 7, "اگست": 8,
    "ستمبر": 9, "اکتوبر": 10, "نومبر": 11, "دسمبر": 12,
    "ژانویه": 1, "فوریه": 2, "آوریل": 4, "مه": 5, "ژوئن": 6, "ژوئیه": 7, "اوت": 8, "سپتامبر": 9,
    "اکتبر": 10, "نوامبر": 11, "دسامبر": 12,
    # Thai: the names and their abbreviations (the year is the Buddhist era's: see dates.py)
    "มกราคม": 1, "กุมภาพันธ์": 2, "มีนาคม": 3, "เมษายน": 4, "พฤษภาคม": 5, "มิถุนายน": 6, "กรกฎาคม": 7,
    "สิงหาคม": 8, "กันยายน": 9, "ตุลาคม": 10, "พฤศจิกายน": 11, "ธันวาคม": 12,
    "ม.ค.": 1, "ก.พ.": 2, "มี.ค.": 3, "เม.ย.": 4, "พ.ค.": 5, "มิ.ย.": 6, "ก.ค.": 7, "ส.ค.": 8,
    "ก.ย.": 9, "ต.ค.": 10, "พ.ย.": 11, "ธ.ค.": 12,
}  # fmt: skip
# The months of the Persian (Solar Hijri) calendar, in the Persian letters (ی, ک) a page may also write
# in their Arabic forms (ي, ك: `PERSIAN_LETTERS` turns them into these). Their dates are converted.
JALALI_MONTHS: Final = {
    "فروردین": 1, "اردیبهشت": 2, "خرداد": 3, "تیر": 4, "مرداد": 5, "امرداد": 5, "شهریور": 6, "مهر": 7,
    "آبان": 8, "آذر": 9, "دی": 10, "بهمن": 11, "اسفند": 12,
}  # fmt: skip
PERSIAN_LETTERS: Final = str.maketrans({"ي": "ی", "ك": "ک"})


def alternation(names: Iterable[str]) -> str:
    """A regex alternation of month `names`: the longest first ("sept" before "sep"), any whitespace
    inside a two-word name ("كانون الثاني")."""
    return "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in sorted(names, key=len, reverse=True))


MONTH_ALT: Final = alternation(MONTHS)  # regex alternation of all the month names
# The letter runs of each name, as `letter_runs` cuts a text: a Thai or Devanagari name is several
# (a vowel sign is a mark, not a letter), an Arabic one may be two words, an abbreviation has dots.
NAME_RUNS: Final = {name: frozenset(letter_runs(name)) for name in MONTHS}
# A text none of whose letter runs is one of these names no month.
MONTH_WORDS: Final = frozenset(w for runs in NAME_RUNS.values() for w in runs)


def month(name: str) -> int | None:
    """The number of the month `name` (any case, any whitespace inside)."""
    return MONTHS.get(" ".join(name.lower().split()))
