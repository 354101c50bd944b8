"""Generate the bundled demo site: "The Sahel Business Review", a small static WordPress-style journal.

Standard library only. The output is a pure function of the arguments: the same seed and base URL give
the same bytes and file mtimes. Next to the pages go three dot-files that the demo server never serves:
`.redirects.json` (old path -> new path, answered with 301), `.404.html` (the error page) and
`.manifest.json` (what build_site returns).
"""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import random
import re
import unicodedata
from email.utils import format_datetime
from pathlib import Path
from typing import NamedTuple
from urllib.parse import quote

SITE_NAME = "The Sahel Business Review"
TAGLINE = "Markets, energy and policy across the Sahel"
REDIRECTS_FILE, NOT_FOUND_FILE, MANIFEST_FILE = ".redirects.json", ".404.html", ".manifest.json"
SEARCH_WORDS = ("phosphate", "solar", "desalination")  # each is the topic of a few stories
TZ = dt.timezone(dt.timedelta(hours=1))
PER_PAGE = 5  # teasers per category page
FEED_SIZE = 20
NEW_PER_EDITION = 5  # stories each edition after the first adds
EDITS_PER_EDITION = 3  # older stories each edition after the first corrects


def _cells(row: str) -> list[str]:
    return [cell.strip() for cell in row.split("|")]


def _table(text: str) -> list[list[str]]:
    """A table written as lines of ' | '-separated cells."""
    return [_cells(row) for row in text.strip().splitlines()]


class Topic(NamedTuple):
    key: str
    section: str
    subject: str  # as written in prose: "phosphate output"
    project: str  # template of the project in the news
    people: str  # who is affected
    short: str  # the word used in headlines


MONTHS = _cells("January | February | March | April | May | June | July | August | September | October")
MONTHS += ["November", "December"]
WEEKDAYS = _cells("Monday | Tuesday | Wednesday | Thursday | Friday")
FIRST_NAMES = _cells("Awa | Cheikh | Mariam | Boubacar | Fatoumata | Abdoulaye | Ramatou | Seydou | Khadija")
LAST_NAMES = _cells("Diop | Keïta | Ouédraogo | Mahamat | Sow | Issoufou | Camara | Touré | Barry | Kaboré")
ROLES = _cells("Mines Minister | Finance Minister | Energy Minister | Government spokesperson")
AGENCIES = _cells("AFP | Reuters | AP | APA | Xinhua")
AUTHORS = _cells("Aïssatou Ndiaye | Moussa Traoré | Hadiza Abdou")
PARTNERS = _cells("Morocco | Turkey | China | France | India | the United Arab Emirates")
PROBLEMS = _cells("Funding Gap | Security Worries | Labour Unrest | Price Slump | Red Tape")
LENDERS = _table("""
the World Bank | World Bank
the African Development Bank | AfDB
the West African Development Bank | BOAD
the Islamic Development Bank | IsDB
the European Investment Bank | EIB""")  # as written in prose | in headlines
COUNTRIES = _table("""
Senegal | Senegalese | Dakar | Thiès
Mali | Malian | Bamako | Sikasso
Niger | Nigerien | Niamey | Agadez
Burkina Faso | Burkinabe | Ouagadougou | Bobo-Dioulasso
Chad | Chadian | N'Djamena | Moundou
Mauritania | Mauritanian | Nouakchott | Nouadhibou""")  # name | adjective | capital | second city
COASTAL = ("Senegal", "Mauritania")  # the only places for a seawater desalination plant
TOPICS = [
    Topic(*row)
    for row in _table("""
phosphate | Mining | phosphate output | the phosphate mine near {city} | mine workers | Phosphate
gold | Mining | industrial gold production | the gold concession outside {city} | small miners | Gold
uranium | Mining | uranium shipments | the uranium project north of {city} | engineers | Uranium
solar | Energy | solar generating capacity | a solar park outside {city} | rural families | Solar
grid | Energy | the electricity supply | the power line from {capital} to {city} | manufacturers | Power
oil | Energy | crude oil exports | the export pipeline from {city} | oil workers | Oil
cotton | Agriculture | the cotton harvest | a new ginning plant in {city} | cotton growers | Cotton
cattle | Agriculture | the cross-border cattle trade | the cattle market at {city} | herders | Livestock
payments | Finance | mobile money payments | a regional instant-payment platform | traders | Fintech
debt | Finance | sovereign borrowing | a bond issue arranged in {capital} | local banks | Debt
water | Infrastructure | desalination capacity | a desalination plant at {capital} | residents | Desalination
rail | Infrastructure | rail freight | the railway from {capital} to {city} | truck drivers | Rail""")
]
SECTIONS = {s: f"/category/{s.lower()}/" for s in sorted({t.section for t in TOPICS})}  # name -> path
LEADS = """\
{Country} plans to raise {subject} by {pct}% over the next {n} years, {official} said on {weekday}.
{Lender} has approved {money} for {project}, in a boost for {subject} in {Country}.
{People} in {Country} are bracing for a difficult year, with {subject} short of official targets.
The {adj} government on {weekday} unveiled new rules for {subject}, promising faster permits.""".splitlines()
SENTENCES = """\
{Country}'s {subject} rose {pct}% in the year to {last_month}, according to the {adj} statistics office.
Work on {project} is now expected to finish in {year2}, about {n} months later than first planned.
{official} said the government would put a revised plan to parliament before the end of {month}.
The financing package, worth {money}, was arranged by {lender} and is to be repaid over {n2} years.
{People} in {city} say they have yet to see the benefits promised when the scheme was launched.
Analysts expect {subject} to stay under pressure for as long as the main supply roads remain insecure.
The {adj} government has made {subject} a pillar of its development plan to {year2}.
{Lender} said it was encouraged by the progress made so far but called for more transparency on costs.
Local officials in {city} said {people} had been consulted only late in the process.
Costs for {people} have risen by about {pct}% since January, according to the chamber of commerce.
Companies from {partner} have shown interest in {project}, according to two people close to the talks.
A previous attempt to expand {subject} stalled in {year0} after a dispute over royalties and local hiring.
Most of the region's trade still moves by truck along a few corridors, where checkpoints add days to a trip.
Neighbouring {country2} announced a similar scheme last year, with mixed results.
Officials did not say how many jobs the project would create.
Business groups in {capital} welcomed the decision, which they had lobbied for since {year0}.
Critics point out that similar promises were made before the last election.
About {n}0,000 people depend directly on {subject} for their income, according to ministry estimates.
Rainfall in the last rainy season was {pct}% below the ten-year average, the weather agency said.
The ministry has opened a tender for {project}, with bids due by the end of {month}.
Security incidents near {city} forced contractors to suspend work for several weeks earlier this year.
Unions representing {people} have threatened to strike if talks with the ministry fail.
Equipment imported from {partner} accounts for a growing share of the sector's spending.
"{quote}," {official} told journalists in {capital}.""".splitlines()
QUOTES = """\
We want the value to stay in the country
Nothing will be decided without the communities concerned
The first results are encouraging
We cannot keep exporting raw materials and importing finished goods""".splitlines()
TITLES = """\
{Country} Bets on {short} to Revive Growth
{Country}: {Subject} Up {pct}% in {last_month}
{lender_short} Approves {Money} for {Country} {short} Plan
Analysis: Can {short} Deliver for {Country}?
{Country} Delays {short} Tender Again
{short} Sector in {Country} Faces {problem}""".splitlines()


def slugify(text: str) -> str:
    """WordPress-like slug: ASCII-folded, lower case, words joined by hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def _t(text: str) -> str:  # escape an HTML text node
    return html.escape(text, quote=False)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _date(d: dt.datetime) -> str:
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def _slots(r: random.Random, topic: Topic, country: list[str], when: dt.datetime) -> dict:
    """Values for the sentence and title templates, for a story published at `when`."""
    name, adj, capital, city = country
    lender, lender_short = r.choice(LENDERS)
    money = f"${r.randint(12, 480)} million"
    subject = " ".join(
        w if w in ("of", "on") else _cap(w) for w in topic.subject.removeprefix("the ").split()
    )
    return {
        "Country": name, "adj": adj, "capital": capital, "city": city,
        "country2": r.choice([c[0] for c in COUNTRIES if c[0] != name]),
        "subject": topic.subject, "Subject": subject, "short": topic.short,
        "project": topic.project.format(city=city, capital=capital),
        "people": topic.people, "People": _cap(topic.people), "partner": r.choice(PARTNERS),
        "lender": lender, "Lender": _cap(lender), "lender_short": lender_short,
        "official": f"{r.choice(ROLES)} {r.choice(FIRST_NAMES)} {r.choice(LAST_NAMES)}",
        "pct": r.randint(3, 41), "n": r.randint(2, 9), "n2": r.randint(8, 25), "money": money,
        "Money": money.replace("million", "Million"), "weekday": r.choice(WEEKDAYS),
        "last_month": MONTHS[(when.month - 2) % 12], "month": MONTHS[(when.month + r.randint(0, 2)) % 12],
        "year0": when.year - r.randint(3, 12), "year2": when.year + r.randint(3, 9),
        "quote": r.choice(QUOTES), "problem": r.choice(PROBLEMS),
    }  # fmt: skip


def _make_articles(count: int, seed: int, edition: int = 1) -> list[dict]:
    """Pass 1: the stories' data, oldest first, each from a random stream of its own.

    Edition N (N > 1) is the site some days later: NEW_PER_EDITION more stories for each edition
    after the first, and EDITS_PER_EDITION older stories corrected by each. The first `count` stories
    are those of edition 1 but for these corrections.
    """
    first, count = count, count + NEW_PER_EDITION * (edition - 1)
    start = dt.datetime(2023, 9, 4, 7, 0, tzinfo=TZ) + dt.timedelta(days=seed % 28)
    topic_order = random.Random(f"sbr:{seed}:topics").sample(TOPICS, len(TOPICS))  # every topic early on
    articles: list[dict] = []
    paths: set[str] = set()
    for i in range(count):
        r = random.Random(f"sbr:{seed}:article:{i}")
        topic = topic_order[i] if i < len(topic_order) else r.choice(TOPICS)
        country = r.choice([c for c in COUNTRIES if topic.key != "water" or c[0] in COASTAL])
        published = start + dt.timedelta(days=2 * i, hours=r.randint(0, 10), minutes=5 * r.randint(0, 11))
        title = r.choice(TITLES).format(**_slots(r, topic, country, published))
        slug = base = "-".join(slugify(title).split("-")[:10])
        for k in range(2, count + 2):  # WordPress appends -2, -3... to a taken slug
            if f"{published:%Y/%m}/{slug}" not in paths:
                break
            slug = f"{base}-{k}"
        paths.add(f"{published:%Y/%m}/{slug}")
        paragraphs, deck = [], []  # sentences are dealt from a shuffled deck: few repeats in a story
        for p in range(r.randint(4, 9)):
            lines = [r.choice(LEADS)] if p == 0 else []
            for _ in range(r.randint(2, 4) - len(lines)):
                deck = deck or r.sample(SENTENCES, len(SENTENCES))
                lines.append(deck.pop())
            slots = _slots(r, topic, country, published)
            paragraphs.append(" ".join(line.format(**slots) for line in lines))
        modified = published + dt.timedelta(days=r.randint(1, 3), hours=r.randint(1, 9))
        articles.append({
            "i": i, "title": title, "slug": slug, "path": f"/{published:%Y/%m}/{slug}/", "topic": topic,
            "author": r.choice(AUTHORS), "published": published, "paragraphs": paragraphs,
            "modified": modified if r.random() < 0.15 else None,
            "meta": r.choices(["ld", "ld+og", "og", "none"], weights=[55, 20, 15, 10])[0],
            "agency": r.choice(AGENCIES) if r.random() < 0.35 else None, "views": r.randint(80, 9400),
            "related": r.randint(3, 5), "old_path": None, "dead_link": None,
            "link": r.randrange(max(0, i - 20), i) if i >= 3 and r.random() < 0.35 else None,
        })  # fmt: skip
    # The traps: two older stories were renamed (a later story links to each by its old slug) and
    # one story links to a deleted one.
    r = random.Random(f"sbr:{seed}:traps")
    linkers = r.sample(range(first // 2, first), 3)
    for t, j in zip(r.sample(range(first // 2), 2), linkers, strict=False):
        a = articles[t]
        old = f"/{a['published']:%Y/%m}/{'-'.join(a['slug'].split('-')[:4])}-draft/"
        a["old_path"] = old if all(b["old_path"] != old for b in articles) else old[:-1] + "-2/"
        articles[j]["link"] = t
    a = articles[linkers[2]]
    a["link"] = None
    a["dead_link"] = f"/{a['published']:%Y/%m}/{slugify(a['topic'].short)}-figures-withdrawn/"
    for later in range(2, edition + 1):
        _correct(articles[: first + NEW_PER_EDITION * (later - 1)], seed, later)
    return articles


def _correct(articles: list[dict], seed: int, edition: int) -> None:
    """Edition `edition`'s corrections: a paragraph added to EDITS_PER_EDITION of the stories published
    before its new ones, with their modified date moved to the edition's."""
    r = random.Random(f"sbr:{seed}:edition:{edition}")
    when = articles[-1]["published"] + dt.timedelta(hours=1)
    for i in sorted(r.sample(range(len(articles) - NEW_PER_EDITION), EDITS_PER_EDITION)):
        a = articles[i]
        a["paragraphs"] = [
            *a["paragraphs"],
            f"Correction, {_date(when)}: an earlier version of this story gave a wrong figure for "
            f"{a['topic'].subject}. The figures above have been checked with the ministry.",
        ]
        a["modified"] = when
        a["corrected"] = edition


class _Site:
    """Pass 2: render and write every page of the site."""

    def __init__(self, out: Path, base: str, articles: list[dict], seed: int, edition: int = 1) -> None:
        self.out, self.base, self.articles, self.seed = out, base.rstrip("/"), articles, seed
        self.edition = edition
        self.now = max(a["modified"] or a["published"] for a in articles)  # mtime of the other files
        self.months = sorted({(a["published"].year, a["published"].month) for a in articles})
        self.files, self.tracking = 0, []
        menu = {"Home": "/", **SECTIONS, "About": "/about/"}
        self.menu = "".join(f'<li class="menu-item">{self.a(p, n)}</li>' for n, p in menu.items())
        recent = "".join(f"<li>{self.a(a['path'], _t(a['title']))}</li>" for a in articles[:-6:-1])
        archives = "".join(
            f"<li>{self.a(f'/{y}/{m:02d}/', f'{MONTHS[m - 1]} {y}')}</li>" for y, m in self.months[::-1]
        )
        self.sidebar = f"""<aside id="secondary" class="widget-area">
<section id="search-2" class="widget widget_search"><form role="search" method="get" class="search-form" action="{self.u("/")}"><label><span class="screen-reader-text">Search for:</span><input type="search" class="search-field" placeholder="Search &hellip;" name="s"></label><input type="submit" class="search-submit" value="Search"></form></section>
<section id="recent-posts-2" class="widget widget_recent_entries"><h2 class="widget-title">Recent Posts</h2><ul>{recent}</ul></section>
<section id="archives-2" class="widget widget_archive"><h2 class="widget-title">Archives</h2><ul>{archives}</ul></section>
</aside>"""  # noqa: E501

    def u(self, path: str) -> str:
        """Absolute URL of a site path: WordPress writes absolute links."""
        return self.base + path

    def a(self, path: str, text: str, attrs: str = "") -> str:
        """A link to a site path; `text` is HTML."""
        return f'<a href="{self.u(path)}"{attrs}>{text}</a>'

    def write(self, path: str, text: str, when: dt.datetime | None = None, index: str = "index.html") -> None:
        """Write the file of URL `path` (a directory path gets `index`) with mtime `when` (default: now)."""
        file = self.out / path.lstrip("/")
        file = file / index if path.endswith("/") else file
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_bytes(text.encode("utf-8"))
        os.utime(file, ((when or self.now).timestamp(),) * 2)
        self.files += not path.startswith("/.")  # count the files served at their own URL

    def page(self, title: str, main: str, path: str | None, body_class: str, head: str = "") -> str:
        """A full page in the theme's chrome: head links, menu, sidebar and footer."""
        canonical = f'<link rel="canonical" href="{self.u(path)}">\n' if path else ""
        footer = {"About": "/about/", "Subscribe": "/subscribe/", "RSS": "/feed/", "Log in": "/wp-admin/"}
        footer_links = " | ".join(self.a(p, n) for n, p in footer.items())
        return f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_t(title)} – {SITE_NAME}</title>
{canonical}<link rel="alternate" type="application/rss+xml" title="{SITE_NAME} &raquo; Feed" href="{self.u("/feed/")}">
<link rel="stylesheet" id="sahel-style-css" href="{self.u("/wp-content/themes/sahel/style.css")}" media="all">
{head}</head>
<body class="{body_class}">
<div id="page" class="site">
<header id="masthead" class="site-header">
<p class="site-title">{self.a("/", SITE_NAME, ' rel="home"')}</p>
<p class="site-description">{TAGLINE}</p>
<nav id="site-navigation" class="main-navigation"><ul id="primary-menu" class="menu">{self.menu}</ul></nav>
</header>
<div id="content" class="site-content">
<main id="primary" class="site-main">
{main}
</main>
{self.sidebar}
</div>
<footer id="colophon" class="site-footer">
<nav class="footer-navigation">{footer_links}</nav>
<div class="site-info">&copy; {self.now.year} {SITE_NAME}. Proudly powered by WordPress.</div>
</footer>
</div>
</body>
</html>
"""  # noqa: E501

    def excerpt(self, a: dict, words: int = 28) -> str:
        return _t(" ".join(a["paragraphs"][0].split()[:words])) + "&hellip;"

    def teaser(self, a: dict) -> str:
        link = self.a(a["path"], _t(a["title"]), ' rel="bookmark"')
        meta = f'<div class="entry-meta">Posted On {_date(a["published"])} by {_t(a["author"])}</div>'
        summary = f'<div class="entry-summary"><p>{self.excerpt(a)}</p></div>'
        return f'<article class="post type-post"><h2 class="entry-title">{link}</h2>{meta}{summary}</article>'

    def body(self, a: dict) -> str:
        """The paragraphs; the second may end with an in-text link to an older (or a deleted) story."""
        paras = [_t(p) for p in a["paragraphs"]]
        if a["link"] is not None or a["dead_link"]:
            old = self.articles[a["link"]] if a["link"] is not None else a
            link = self.a(
                a["dead_link"] or old["old_path"] or old["path"], f"first reported on {old['topic'].subject}"
            )
            paras[1] += f" The Review {link} in {MONTHS[old['published'].month - 1]}."
        return "\n".join(f"<p>{p}</p>" for p in paras)

    def share_bar(self, a: dict) -> str:
        """Monarch-style inline share buttons: links to other hosts and a mailto."""
        url, title = quote(self.u(a["path"]), safe=""), quote(a["title"], safe="")
        items = "".join(
            f'<li class="et_social_{n}"><a href="{href}" class="et_social_share" rel="nofollow" '
            f'data-social_name="{n}"><i class="et_social_icon et_social_icon_{n}"></i>'
            f'<div class="et_social_networkname">{_cap(n)}</div></a></li>'
            for n, href in [
                ("facebook", f"https://www.facebook.com/sharer.php?u={url}&#038;t={title}"),
                ("twitter", f"https://twitter.com/share?text={title}&#038;url={url}"),
                ("linkedin", f"https://www.linkedin.com/shareArticle?mini=true&#038;url={url}"),
                ("email", f"mailto:?subject={title}&#038;body={url}"),
            ]
        )
        return (
            '<div class="et_social_inline et_social_mobile_on et_social_inline_top">'
            '<div class="et_social_networks"><span class="et_social_title">Share This</span>'
            f'<ul class="et_social_icons_container">{items}</ul></div></div>'
        )

    def head_meta(self, a: dict) -> str:
        """JSON-LD NewsArticle and/or OpenGraph tags, as the SEO plugin writes them."""
        published, modified = a["published"].isoformat(), (a["modified"] or a["published"]).isoformat()
        author = {"@type": "Person", "name": a["author"], "url": self.u(f"/author/{slugify(a['author'])}/")}
        ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": a["title"],
              "datePublished": published, "dateModified": modified, "author": author,
              "publisher": {"@type": "Organization", "name": SITE_NAME},
              "articleSection": a["topic"].section, "mainEntityOfPage": self.u(a["path"])}  # fmt: skip
        ld_json = json.dumps(ld, ensure_ascii=False).replace("</", "<\\/")
        head = f'<script type="application/ld+json">{ld_json}</script>\n' if "ld" in a["meta"] else ""
        if "og" in a["meta"]:
            og = {"og:type": "article", "og:title": a["title"], "og:url": self.u(a["path"]),
                  "article:published_time": published,
                  "article:modified_time": a["modified"] and modified}  # fmt: skip
            head += "".join(f'<meta property="{k}" content="{html.escape(v)}">\n' for k, v in og.items() if v)
        return head

    def article_page(self, a: dict) -> str:
        """A story with the theme's and the plugins' boilerplate around and inside its content."""
        i, section, post = a["i"], a["topic"].section, f"post-{1000 + a['i']}"
        prev = self.articles[i - 1] if i > 0 else None
        nxt = self.articles[i + 1] if i + 1 < len(self.articles) else None
        nav = [self.a(prev["path"], f"&lt;&lt; {_t(prev['title'])}", ' rel="prev"')] if prev else []
        nav += [self.a(nxt["path"], f"{_t(nxt['title'])} &gt;&gt;", ' rel="next"')] if nxt else []
        recent = "".join(  # the stories just before it (just after, for the oldest ones)
            f"<li><h3>{self.a(b['path'], _t(b['title']))}</h3>"
            f"<p>By {_t(b['author'])}: {self.excerpt(b, 24)}</p></li>"
            for b in (self.articles[:i][::-1] + self.articles[i + 1 :])[: a["related"]]
        )
        author = self.a(f"/author/{slugify(a['author'])}/", _t(a["author"]), ' rel="author"')
        credit = f"\n<p>{a['agency']}</p>" if a["agency"] else ""  # the agency credit ends the content
        main = f"""<article id="{post}" class="{post} post type-post status-publish format-standard category-{section.lower()}">
<header class="entry-header">
<h1 class="entry-title">{_t(a["title"])}</h1>
<div class="entry-meta"><span class="posted-on">Posted On <time class="entry-date published" datetime="{a["published"].isoformat()}">{_date(a["published"])}</time></span> <span class="cat-links">{self.a(SECTIONS[section], section, ' rel="category tag"')}</span></div>
</header>
<div class="entry-content">
{self.share_bar(a)}
<div class="post-views content-post {post} entry-meta"><span class="post-views-label">Number of times this article was read : </span><span class="post-views-count">{a["views"]}</span></div>
<p class="sbr-promo"><strong>Sahel Risk Monitor, our weekly briefing for investors: {self.a("/subscribe/", f"subscribe to {SITE_NAME}")}.</strong></p>
{self.body(a)}{credit}
</div>
<nav class="navigation post-navigation" aria-label="Posts"><span class="issue-label">Other Articles in this Week's Issue</span> {" | ".join(nav)}</nav>
<div class="sbr-whatsapp"><a href="https://chat.whatsapp.com/SahelBusinessReview" rel="noopener">{SITE_NAME}'s WhatsApp Group</a>: breaking news and market alerts on your phone.</div>
<section class="recent-region"><h2>Most Recent Stories from the Region</h2><ul>{recent}</ul></section>
<div class="author-box"><h4 class="author-title">Written by {author}</h4>
<p class="author-bio">{_t(a["author"])} writes about {section.lower()} for {SITE_NAME} from Dakar.</p></div>
</article>"""  # noqa: E501
        return self.page(a["title"], main, a["path"], "post-template-default single", self.head_meta(a))

    def listing(self, path: str, heading: str, items: list[dict], body_class: str, nav: str = "") -> None:
        """A page of teasers: category, month archive, author."""
        main = f'<header class="page-header"><h1 class="page-title">{_t(heading)}</h1></header>'
        self.write(path, self.page(heading, main + "".join(map(self.teaser, items)) + nav, path, body_class))

    def section_pages(self, section: str, root: str) -> int:
        """/category/x/ and /category/x/page/N/ with WordPress numbered pagination; returns the page count."""
        items = [a for a in self.articles[::-1] if a["topic"].section == section]
        paths = [root] + [f"{root}page/{p}/" for p in range(2, -(-len(items) // PER_PAGE) + 1)]
        for p, path in enumerate(paths, 1):
            links = [self.a(q, str(n), ' class="page-numbers"') for n, q in enumerate(paths, 1)]
            links[p - 1] = f'<span aria-current="page" class="page-numbers current">{p}</span>'
            if p > 1:
                links.insert(0, self.a(paths[p - 2], "&laquo; Previous", ' class="prev page-numbers"'))
            if p < len(paths):
                links.append(self.a(paths[p], "Next &raquo;", ' class="next page-numbers"'))
            nav = f'<nav class="navigation pagination"><div class="nav-links">{"".join(links)}</div></nav>'
            self.listing(
                path, f"Category: {section}", items[(p - 1) * PER_PAGE : p * PER_PAGE], "archive", nav
            )
        return len(paths)

    def home(self) -> None:
        """This week's picks (links with tracking parameters), the latest teasers and the sections."""
        picks = []
        for a in self.articles[:-5:-1]:
            campaign = f"issue-{a['published']:%G-%V}"
            href = f"{a['path']}?utm_source=newsletter&utm_medium=email&utm_campaign={campaign}"
            self.tracking.append(self.u(href))
            picks.append(f"<li>{self.a(html.escape(href), _t(a['title']))}</li>")
        sections = "".join(f"<li>{self.a(p, f'More from {s} &raquo;')}</li>" for s, p in SECTIONS.items())
        main = (
            f'<section class="issue-picks"><h2>This Week\'s Issue</h2><ul>{"".join(picks)}</ul></section>'
            + "".join(map(self.teaser, self.articles[:-11:-1]))
            + f'<section class="section-links"><h2>Sections</h2><ul>{sections}</ul></section>'
        )
        self.write("/", self.page(TAGLINE, main, "/", "home blog"))

    def static_pages(self) -> None:
        """About, Subscribe, the robots-disallowed /wp-admin/, the 404 page and the stylesheet."""
        for path, title, text in _table(f"""
/about/ | About Us | {SITE_NAME} covers business and policy in the Sahel. Demo content: all stories are fictional.
/subscribe/ | Subscribe | Subscribers receive the weekly issue and the Sahel Risk Monitor.
/wp-admin/ | Log In | Staff only. Crawlers are asked not to fetch this area (see robots.txt).
/{NOT_FOUND_FILE} | Page not found | Oops! That page can&rsquo;t be found."""):  # noqa: E501
            main = f'<article class="page"><h1 class="entry-title">{title}</h1><div class="entry-content"><p>{text}</p></div></article>'  # noqa: E501
            canonical = None if path.endswith(NOT_FOUND_FILE) else path  # the 404 page has no URL of its own
            self.write(path, self.page(title, main, canonical, "page" if canonical else "error404"))
        self.write(
            "/wp-content/themes/sahel/style.css", "body{font:16px Georgia,serif}#content{display:flex}\n"
        )

    def feed_sitemap_robots(self) -> None:
        """/feed/ (RSS 2.0, latest stories), /sitemap.xml (every story with lastmod) and /robots.txt."""
        items = "".join(
            f"<item><title>{_t(a['title'])}</title><link>{self.u(a['path'])}</link>"
            f"<dc:creator><![CDATA[{a['author']}]]></dc:creator>"
            f"<pubDate>{format_datetime(a['published'])}</pubDate>"
            f"<category><![CDATA[{a['topic'].section}]]></category>"
            f'<guid isPermaLink="true">{self.u(a["path"])}</guid>'
            f"<description><![CDATA[{self.excerpt(a, 40)}]]></description></item>\n"
            for a in self.articles[: -FEED_SIZE - 1 : -1]
        )
        self.write("/feed/", index="index.rss", text=f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
<title>{SITE_NAME}</title><atom:link href="{self.u("/feed/")}" rel="self" type="application/rss+xml"/>
<link>{self.u("/")}</link><description>{TAGLINE}</description>
<lastBuildDate>{format_datetime(self.now)}</lastBuildDate><language>en-GB</language>
{items}</channel>
</rss>
""")  # fmt: skip
        urls = [(p, self.now) for p in ["/", *SECTIONS.values()]]
        urls += [(a["path"], a["modified"] or a["published"]) for a in self.articles]
        rows = "".join(
            f"<url><loc>{self.u(p)}</loc><lastmod>{d.isoformat()}</lastmod></url>\n" for p, d in urls
        )
        xmlns = "http://www.sitemaps.org/schemas/sitemap/0.9"
        self.write(
            "/sitemap.xml",
            f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{xmlns}">\n{rows}</urlset>\n',
        )
        self.write(
            "/robots.txt", f"User-agent: *\nDisallow: /wp-admin/\n\nSitemap: {self.u('/sitemap.xml')}\n"
        )

    def build(self) -> dict:
        """Write every file; return the manifest."""
        for a in self.articles:
            self.write(a["path"], self.article_page(a), a["modified"] or a["published"])
        section_pages = sum(self.section_pages(s, p) for s, p in SECTIONS.items())
        for y, m in self.months:
            items = [a for a in self.articles[::-1] if (a["published"].year, a["published"].month) == (y, m)]
            self.listing(f"/{y}/{m:02d}/", f"Month: {MONTHS[m - 1]} {y}", items, "archive date")
        for name in AUTHORS:
            items = [a for a in self.articles[::-1] if a["author"] == name]
            self.listing(f"/author/{slugify(name)}/", f"Author: {name}", items, "archive author")
        self.home()
        self.static_pages()
        self.feed_sitemap_robots()
        redirects = {a["old_path"]: a["path"] for a in self.articles if a["old_path"]}
        self.write("/" + REDIRECTS_FILE, json.dumps(redirects, indent=1, sort_keys=True) + "\n")
        manifest = {
            "site": SITE_NAME, "base_url": self.u("/"), "seed": self.seed,
            "counts": {"articles": len(self.articles), "sections": len(SECTIONS),
                       "section_pages": section_pages, "months": len(self.months),
                       "authors": len(AUTHORS), "files": self.files},
            "articles": [{"url": self.u(a["path"]), "title": a["title"]} for a in self.articles],
            "redirects": {self.u(old): self.u(new) for old, new in sorted(redirects.items())},
            "broken_links": [self.u(a["dead_link"]) for a in self.articles if a["dead_link"]],
            "tracking_urls": self.tracking, "disallowed": [self.u("/wp-admin/")],
            "search_words": {w: sum(w in str(a["paragraphs"]) for a in self.articles) for w in SEARCH_WORDS},
            "edition": self.edition,
            "corrected": [self.u(a["path"]) for a in self.articles if a.get("corrected") == self.edition],
        }  # fmt: skip
        self.write("/" + MANIFEST_FILE, json.dumps(manifest, indent=1, ensure_ascii=False) + "\n")
        return manifest


def build_site(out_dir: Path, base_url: str, articles: int = 60, seed: int = 1, edition: int = 1) -> dict:
    """Write the demo journal, `articles` stories deterministic for `seed`, under `out_dir` for `base_url`.

    `edition` 2, 3... is the site as it is later: NEW_PER_EDITION new stories per edition and
    EDITS_PER_EDITION older ones corrected (the manifest's `corrected`: those of this edition). An
    edition can be written over the directory of an earlier one, which it only adds to.

    Returns the manifest: counts, every article's URL and title, the 301 redirects (old -> new URL), the
    broken link, the tracking URLs, the robots-disallowed URLs and how many stories mention SEARCH_WORDS.
    Files already in `out_dir` are overwritten, not removed: use a fresh directory for a different size.
    """
    if articles < 5:
        raise ValueError("the demo site needs at least 5 articles")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    return _Site(out_dir, base_url, _make_articles(articles, seed, edition), seed, edition).build()
