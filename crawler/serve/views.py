"""The researcher-facing SQL over the store, in one place: the `catalogue` view (what `jcrawl serve`
lists and facets, and what `jcrawl report` counts) and the canned queries of `jcrawl serve`.

Everything here reads only the columns a researcher sees (`articles`: id, url, title, authors,
published, section, tags, language, agency, word_count; `links`, `article_versions`, `crawls`,
`captures`, `errors`), so a change in how the store keeps them is repointed here. The catalogue
reads the stored rows (crawler/store/schema.py) without their compressed text, so it is plain SQL
(no function of ours): `sqlite3 journal.db`, or any program, reads it. The schema makes the view.
"""

from __future__ import annotations

# host[:port] of a URL without a leading www., as crawler.urls.site_of says it
_HOST = (
    "substr(substr(u.url, instr(u.url, '://') + 3), 1, "
    "instr(substr(u.url, instr(u.url, '://') + 3) || '/', '/') - 1)"
)
SITE_SQL = f"lower(CASE WHEN {_HOST} LIKE 'www.%' THEN substr({_HOST}, 5) ELSE {_HOST} END)"

VIEWS = {
    "catalogue": f"""CREATE VIEW catalogue AS SELECT
  a.id, a.title, a.published, a.authors, a.section, a.agency, {SITE_SQL} AS site, a.word_count, a.language,
  a.tags, substr(a.published, 1, 7) AS month, u.url
FROM article_data a JOIN urls u ON u.id = a.url_id""",
}

# Links that say something about an article (a link in another's text, a "related" teaser), not the
# navigation every page repeats (listings, "most recent", previous/next).
EDITORIAL_LINKS = "('body', 'related')"

CANNED_QUERIES = {
    "search": {
        "title": "Search, best match first",
        "description": (
            'Words as written (COVID-19, U.S., al-Sarraj, Thiès = Thies), "a phrase", -word to leave '
            "out, title:word, econom* for every ending, a OR b, NEAR(a b, 10). The title weighs ten "
            "times the body (bm25)."
        ),
        "sql": """SELECT c.id, c.title, snippet(articles_fts, -1, '<mark>', '</mark>', '…', 24) AS snippet,
  c.published, c.site, c.section, c.authors
FROM articles_fts JOIN catalogue c ON c.id = articles_fts.rowid
WHERE articles_fts MATCH fts_query(:q)
ORDER BY articles_fts.rank
LIMIT 100""",
    },
    "mentions_per_month": {
        "title": "Mentions of a term per month",
        "description": "How many articles published each month mention the term (search syntax).",
        "sql": """SELECT c.month, COUNT(*) AS articles
FROM articles_fts JOIN catalogue c ON c.id = articles_fts.rowid
WHERE articles_fts MATCH fts_query(:term)
GROUP BY c.month ORDER BY c.month""",
    },
    "most_linked": {
        "title": "Most-linked articles",
        "description": (
            "Articles that other articles link to from their text or as related reading (navigation "
            "links such as listings and 'most recent' teasers are left out)."
        ),
        "sql": f"""SELECT c.id, c.title, c.published, c.site, COUNT(DISTINCT l.source_url) AS linked_from,
  group_concat(DISTINCT l.kind) AS kinds
FROM links l JOIN catalogue c ON c.url = l.target_url
WHERE l.kind IN {EDITORIAL_LINKS}
GROUP BY c.id ORDER BY linked_from DESC, c.published DESC
LIMIT 100""",
    },
    "edited_articles": {
        "title": "Edited articles",
        "description": "Articles seen with more than one text, most versions first.",
        "sql": """SELECT c.id, c.title, c.published, c.site, COUNT(*) + 1 AS versions,
  MIN(v.seen_at) AS first_version_seen, MAX(v.seen_at) AS last_edit_before
FROM article_versions v JOIN catalogue c ON c.id = v.article_id
GROUP BY c.id ORDER BY versions DESC, c.published DESC""",
    },
    "articles_per_agency_per_month": {
        "title": "Articles per agency per month",
        "description": "Wire agencies credited (or none) by month of publication.",
        "sql": """SELECT month, COALESCE(agency, '(none)') AS agency, COUNT(*) AS articles
FROM catalogue GROUP BY month, agency ORDER BY month DESC, articles DESC""",
    },
    "crawl_history": {
        "title": "Crawl history",
        "description": "Every run: pages captured, errors recorded, how long it took.",
        "sql": """SELECT k.id, k.kind, k.start_url, k.started_at, k.finished_at,
  ROUND((julianday(k.finished_at) - julianday(k.started_at)) * 86400, 1) AS seconds,
  (SELECT COUNT(*) FROM captures p WHERE p.crawl_id = k.id) AS pages,
  (SELECT COUNT(*) FROM errors e WHERE e.crawl_id = k.id) AS errors
FROM crawls k ORDER BY k.id DESC""",
    },
}
