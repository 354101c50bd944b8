"""The content the real publishing systems are filled with: a journal's authors, sections, tags, posts
(English, French and Arabic), excerpts, threaded comments, pages and images, made from a seed.

One corpus feeds every system (WordPress through its PHP API, Pelican through Markdown files), so
that what each system does with it (its markup, feeds, sitemaps, URLs) is the system's own. The
corpus is plain data: `corpus(seed)` returns a dict that is written as JSON for the system's loader.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

AUTHORS = (
    ("amina", "Amina El Idrissi"),
    ("jeanluc", "Jean-Luc Moreau"),
    ("sarah", "Sarah O'Connell"),
    ("karim", "Karim Benali"),
    ("lea", "Léa Fontaine"),
)
SECTIONS = ("Politics", "Economy", "Culture", "Science", "Sport", "Opinion")
TAGS = (
    "elections", "parliament", "budget", "trade", "energy", "water", "drought", "football", "cinema",
    "music", "literature", "health", "education", "climate", "transport", "housing", "tourism",
    "agriculture", "fisheries", "courts", "media", "technology", "space", "archaeology", "festivals",
)  # fmt: skip
# A quotation a few articles cite: it must stay in each of them, however often it recurs.
QUOTATION = (
    "The price of liberty is eternal vigilance, and the price of a free press is the daily work of "
    "checking what is said against what is done.",
    "Editorial charter of the Morning Ledger, 1911",
)
QUOTATION_SHARE = 0.05

_TEXTS = {
    "en": (
        "the council said budget ministers would review water prices after a long drought across the "
        "southern provinces farmers warned that harvests could fall again this year while officials "
        "promised new reservoirs and cheaper loans for small producers in rural areas where many "
        "families depend on seasonal work the report also found that exports of phosphate and olive "
        "oil rose sharply during the first quarter helped by stronger demand from european buyers"
    ),
    "fr": (
        "le conseil a annoncé que les ministres examineraient le prix de l'eau après une longue "
        "sécheresse dans les provinces du sud les agriculteurs craignent une nouvelle baisse des "
        "récoltes cette année tandis que les responsables promettent de nouveaux barrages et des prêts "
        "moins chers pour les petits producteurs des zones rurales où de nombreuses familles vivent du "
        "travail saisonnier le rapport montre aussi que les exportations ont fortement augmenté"
    ),
    "ar": (
        "قال المجلس إن الوزراء سيراجعون أسعار المياه بعد جفاف طويل في المحافظات الجنوبية وحذر "
        "المزارعون من تراجع المحاصيل مرة أخرى هذا العام بينما وعد المسؤولون بسدود جديدة وقروض أرخص "
        "لصغار المنتجين في المناطق الريفية حيث تعتمد أسر كثيرة على العمل الموسمي وأظهر التقرير أن "
        "الصادرات ارتفعت بشكل ملحوظ خلال الربع الأول"
    ),
}
_WORDS = {lang: text.split() for lang, text in _TEXTS.items()}
_TITLE_PATTERNS = {
    "en": (
        "{A} {b} as {c} {d}",
        "{A} {b}: what the {c} means for {d}",
        "{A} {b} — and why {c} {d} matters",
        "In {a} {b}, a {c} {d}",
        "{A} {b} {c} {d} {e}",
        "Q&A: {a} {b} on {c}",
    ),
    "fr": ("{A} {b} : ce que {c} {d} change", "{A} {b} {c} — {d} {e}", "{A} {b} {c} {d}"),
    "ar": ("{A} {b} {c} {d}", "{A} {b}: {c} {d} {e}"),
}
_COMMENTERS = ("Nadia", "Tom Baker", "Youssef", "M. Laurent", "Ines R.", "Omar", "Claire", "Hassan")


@dataclass(frozen=True)
class Sizes:
    """How much content: posts, the share of French and Arabic ones, pages."""

    posts: int = 120
    french: float = 0.08
    arabic: float = 0.06


def _sentence(rng: random.Random, lang: str, words: int | None = None) -> str:
    pool = _WORDS[lang]
    n = words or rng.randint(9, 22)
    text = " ".join(rng.choice(pool) for _ in range(n))
    return text[0].upper() + text[1:] + "."


def _paragraph(rng: random.Random, lang: str) -> str:
    return " ".join(_sentence(rng, lang) for _ in range(rng.randint(2, 5)))


def _title(rng: random.Random, lang: str, serial: int) -> str:
    pool = _WORDS[lang]
    picks = {k: rng.choice(pool) for k in "abcde"}
    picks["A"] = picks["a"][0].upper() + picks["a"][1:]
    # The serial keeps titles (and so slugs) unique, as a newsroom's headlines are.
    return rng.choice(_TITLE_PATTERNS[lang]).format(**picks) + f" {serial}"


def _blocks(rng: random.Random, lang: str, quote: bool) -> list[dict]:
    """An article's body: paragraphs, maybe a subheading, a list, a blockquote with its source."""
    blocks: list[dict] = [{"type": "p", "text": _paragraph(rng, lang)} for _ in range(rng.randint(3, 7))]
    if rng.random() < 0.4:
        blocks.insert(rng.randint(1, len(blocks)), {"type": "h2", "text": _sentence(rng, lang, 5)[:-1]})
    if rng.random() < 0.25:
        items = [_sentence(rng, lang, rng.randint(4, 9)) for _ in range(rng.randint(3, 5))]
        blocks.insert(rng.randint(1, len(blocks)), {"type": "ul", "items": items})
    if quote:
        text, cite = QUOTATION
    elif rng.random() < 0.2:
        text = _sentence(rng, lang)
        cite = rng.choice([name for _, name in AUTHORS] + ["a spokesperson for the ministry"])
    else:
        return blocks
    blocks.insert(rng.randint(1, len(blocks)), {"type": "quote", "text": text, "cite": cite})
    return blocks


def _comments(rng: random.Random, lang: str, count: int) -> list[dict]:
    """Threaded comments: some reply to an earlier one (`parent`: its index)."""
    out: list[dict] = []
    for i in range(count):
        parent = rng.randrange(i) if i and rng.random() < 0.35 else None
        out.append(
            {
                "author": rng.choice(_COMMENTERS),
                "text": _sentence(rng, lang) + " " + _sentence(rng, lang),
                "parent": parent,
                "after_hours": round(rng.uniform(1, 72) * (i + 1) / max(count, 1), 2),
            }
        )
    return out


def corpus(seed: int = 1, sizes: Sizes = Sizes()) -> dict:
    """The whole corpus: authors, sections, tags, posts (with bodies, comments, images), pages.

    Publication times are given in seconds before the build (`seconds_ago`), so that a system
    fixture places them relative to the day it is built.
    """
    rng = random.Random(seed)
    posts = []
    quoted = set(rng.sample(range(sizes.posts), max(1, round(sizes.posts * QUOTATION_SHARE))))
    for serial in range(sizes.posts):
        roll = rng.random()
        lang = "fr" if roll < sizes.french else "ar" if roll < sizes.french + sizes.arabic else "en"
        sections = [rng.choice(SECTIONS)]
        if rng.random() < 0.15:
            sections.append(rng.choice([s for s in SECTIONS if s != sections[0]]))
        # Late evening posts: their local date and their UTC date differ.
        age = timedelta(days=rng.uniform(3, 700))
        if rng.random() < 0.2:
            age = timedelta(days=int(age.days), hours=rng.choice([0.5, 1, 1.5]))
        comments = 0
        if rng.random() < 0.45:
            comments = rng.choice([1, 2, 3, 5, 8, 12, 17, 26])
        posts.append(
            {
                "serial": serial,
                "lang": lang,
                "title": _title(rng, lang, serial),
                "author": rng.choice(AUTHORS)[0],
                "sections": sections,
                "tags": sorted(rng.sample(TAGS, rng.choice([0, 1, 2, 2, 3, 4]))),
                "excerpt": _sentence(rng, lang) if rng.random() < 0.5 else "",
                "blocks": _blocks(rng, lang, serial in quoted),
                "image": rng.random() < 0.2,
                "link_to": rng.randrange(serial) if serial and rng.random() < 0.3 else None,
                "seconds_ago": int(age.total_seconds()),
                "modified_after_hours": round(rng.uniform(2, 200), 1) if rng.random() < 0.25 else None,
                "comments": _comments(rng, lang, comments),
                "sticky": serial == sizes.posts - 1,
            }
        )
    pages = [
        {"title": "About us", "text": _paragraph(rng, "en") + "\n\n" + _paragraph(rng, "en")},
        {"title": "Contact", "text": _paragraph(rng, "en")},
        {"title": "Editorial charter", "text": _paragraph(rng, "en") + "\n\n" + _paragraph(rng, "en")},
    ]
    return {
        "seed": seed,
        "authors": [{"login": login, "name": name} for login, name in AUTHORS],
        "sections": list(SECTIONS),
        "posts": posts,
        "pages": pages,
        "drafts": [{"title": "Draft: not yet published", "text": _paragraph(rng, "en")}],
    }


def body_text(blocks: list[dict]) -> str:
    """The text a reader sees in the body, paragraphs separated by a blank line (the truth for bodies)."""
    parts = []
    for block in blocks:
        if block["type"] == "ul":
            parts.extend(block["items"])
        elif block["type"] == "quote":
            parts.extend((block["text"], block["cite"]))
        elif block["type"] == "link":
            parts.append(f"{block['before']} {block['anchor']}.")
        elif block["type"] != "image":
            parts.append(block["text"])
    return "\n\n".join(parts)
