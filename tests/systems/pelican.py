"""Pelican (from PyPI) with its default theme (notmyidea), its Atom and RSS feeds and the sitemap
plugin (pelican-sitemap), built from the corpus (tests/systems/corpus.py) as Markdown files and
served as static files by nginx on 127.0.0.1.

A static generator has no comments and one category per article: each post's first section is its
category. The site is built for the port it is served on (Pelican writes absolute URLs into feeds
and pages); a build of the 120 posts takes a few seconds, so it is not cached.
"""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
import time
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from tests.helpers import free_port
from tests.systems import services
from tests.systems.corpus import AUTHORS, corpus

TIMEZONE = "Africa/Casablanca"
SITENAME = "Harbour Gazette"
CORPUS_SEED = 2
SETTINGS = """
SITENAME = {sitename!r}
SITEURL = {siteurl!r}
TIMEZONE = {timezone!r}
DEFAULT_LANG = "en"
DEFAULT_DATE_FORMAT = "%d %B %Y"
ARTICLE_URL = "{{date:%Y}}/{{date:%m}}/{{slug}}.html"
ARTICLE_SAVE_AS = ARTICLE_URL
ARTICLE_LANG_URL = "{{date:%Y}}/{{date:%m}}/{{slug}}-{{lang}}.html"
ARTICLE_LANG_SAVE_AS = ARTICLE_LANG_URL
DEFAULT_PAGINATION = 10
FEED_DOMAIN = SITEURL
FEED_ALL_ATOM = "feeds/all.atom.xml"
FEED_ALL_RSS = "feeds/all.rss.xml"
CATEGORY_FEED_ATOM = "feeds/{{slug}}.atom.xml"
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TRANSLATION_FEED_ATOM = None
PLUGINS = ["pelican.plugins.sitemap"]
SITEMAP = {{"format": "xml"}}
LINKS = (("Pelican", "https://getpelican.com/"),)
SOCIAL = ()
"""


def require_pelican() -> None:
    """Skip unless Pelican, its sitemap plugin and Markdown are installed (the test extras), and nginx."""
    services.require(services.NGINX)
    for module in ("pelican", "pelican.plugins.sitemap", "markdown"):
        if importlib.util.find_spec(module) is None:
            services.require(f"python package {module} (pip install -e '.[test]')")


def slugify(title: str, serial: int) -> str:
    """An ASCII slug, as a newsroom sets one (Arabic titles get the serial alone)."""
    text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower()
    words = re.findall(r"[a-z0-9]+", text)
    return "-".join(words) if words else f"article-{serial}"


def _markdown(block: dict) -> str:
    kind = block["type"]
    if kind == "h2":
        return "## " + block["text"]
    if kind == "ul":
        return "\n".join("- " + item for item in block["items"])
    if kind == "quote":
        return f"<blockquote><p>{block['text']}</p><cite>{block['cite']}</cite></blockquote>"
    if kind == "link":
        return f"{block['before']} [{block['anchor']}]({block['href']})."
    return block["text"]


def write_content(content: Path, data: dict, now: datetime) -> list[dict]:
    """The corpus as Pelican Markdown files; returns each post with its slug, date and body blocks."""
    names = dict(AUTHORS)
    zone = ZoneInfo(TIMEZONE)
    (content / "pages").mkdir(parents=True, exist_ok=True)
    posts = []
    by_serial: dict[int, dict] = {}
    for post in data["posts"]:
        published = (now - timedelta(seconds=post["seconds_ago"])).astimezone(zone).replace(microsecond=0)
        modified = None
        if post["modified_after_hours"] is not None:
            modified = published + timedelta(hours=post["modified_after_hours"])
        blocks = list(post["blocks"])
        target = by_serial.get(post["link_to"]) if post["link_to"] is not None else None
        if target is not None:
            suffix = "" if target["lang"] == "en" else "-" + target["lang"]
            href = f"/{target['published']:%Y/%m}/{target['slug']}{suffix}.html"
            blocks.insert(1, {"type": "link", "before": "Read also", "href": href, "anchor": target["title"]})
        entry = {
            **post,
            "slug": slugify(post["title"], post["serial"]),
            "published": published,
            "modified": modified,
            "blocks": blocks,
        }
        by_serial[post["serial"]] = entry
        posts.append(entry)
        meta = {
            "Title": post["title"],
            "Date": published.isoformat(sep=" "),
            "Modified": modified.isoformat(sep=" ") if modified else None,
            "Category": post["sections"][0],
            "Tags": ", ".join(post["tags"]) or None,
            "Authors": names[post["author"]],
            "Lang": post["lang"],
            "Slug": entry["slug"],
            "Summary": post["excerpt"] or None,
        }
        head = "".join(f"{key}: {value}\n" for key, value in meta.items() if value)
        body = "\n\n".join(_markdown(block) for block in blocks)
        (content / f"post-{post['serial']:04d}.md").write_text(head + "\n" + body + "\n", encoding="utf-8")
    for n, page in enumerate(data["pages"]):
        text = f"Title: {page['title']}\nSlug: page-{n}\n\n{page['text']}\n"
        (content / "pages" / f"page-{n}.md").write_text(text, encoding="utf-8")
    for n, draft in enumerate(data["drafts"]):
        text = f"Title: {draft['title']}\nDate: {now:%Y-%m-%d}\nStatus: draft\n\n{draft['text']}\n"
        (content / f"draft-{n}.md").write_text(text, encoding="utf-8")
    return posts


def build(directory: Path, siteurl: str, now: datetime, data: dict | None = None) -> list[dict]:
    """Write the corpus and the settings into `directory` and run Pelican; returns the posts."""
    content, output = directory / "content", directory / "output"
    content.mkdir(parents=True, exist_ok=True)
    posts = write_content(content, data or corpus(CORPUS_SEED), now)
    settings = directory / "pelicanconf.py"
    settings.write_text(SETTINGS.format(sitename=SITENAME, siteurl=siteurl.rstrip("/"), timezone=TIMEZONE))
    done = subprocess.run(
        [sys.executable, "-m", "pelican", content, "-s", settings, "-o", output, "--delete-output-directory"],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise RuntimeError(f"pelican failed: {done.stderr[-3000:]}{done.stdout[-2000:]}")
    return posts


@dataclass
class PelicanSite:
    """The served Pelican site and the posts it was built from."""

    url: str
    port: int
    posts: list[dict]
    access_log: Path
    pages: list[dict]  # the static pages: permalink, title
    system = "pelican"
    theme = "notmyidea"

    def requests(self) -> list[tuple[str, int]]:
        """(request target, status) of each request nginx answered so far."""
        return services.requests_on(self.access_log, self.port)

    def truth(self) -> dict:
        """Per post: what the page shows (see tests/systems/sites.py)."""
        names = dict(AUTHORS)
        posts = []
        for post in self.posts:
            published, modified = post["published"], post["modified"]
            # Pelican gives an article in another language than the site's a URL of its own.
            suffix = "" if post["lang"] == "en" else "-" + post["lang"]
            posts.append(
                {
                    "serial": post["serial"],
                    "permalink": f"{self.url}{published:%Y/%m}/{post['slug']}{suffix}.html",
                    "title": post["title"],
                    "authors": [names[post["author"]]],
                    "published": published.isoformat(),
                    "modified": (modified or published).isoformat(),
                    "section": post["sections"][0],
                    "categories": post["sections"][:1],
                    "tags": post["tags"],
                    "language": post["lang"],
                    "blocks": post["blocks"],
                    "excerpt": post["excerpt"],
                    "comments": 0,
                    "comment_page_urls": [],
                    "comment_texts": [],
                }
            )
        return {"posts": posts, "pages": self.pages, "attachments": [], "timezone": TIMEZONE}


@contextmanager
def serve_pelican(run: Path) -> Iterator[PelicanSite]:
    """Build the Pelican site for a free port under `run` and serve it with nginx; stop it afterwards."""
    require_pelican()
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    data = corpus(CORPUS_SEED)
    posts = build(run, url, datetime.now(UTC).replace(microsecond=0), data)
    pages = [
        {"permalink": f"{url}pages/page-{n}.html", "title": p["title"]} for n, p in enumerate(data["pages"])
    ]
    server = f"""
    server {{
        listen 127.0.0.1:{port};
        root {run / "output"};
        location / {{ try_files $uri $uri/ =404; }}
    }}"""
    with services.nginx(run / "nginx", server, [port]) as access_log:
        yield PelicanSite(url, port, posts, access_log, pages)


if __name__ == "__main__":  # build one into a directory, to look at: python -m tests.systems.pelican DIR
    out = Path(sys.argv[1])
    started = time.monotonic()
    built = build(out, "http://127.0.0.1:8000/", datetime.now(UTC))
    print(json.dumps({"posts": len(built), "seconds": round(time.monotonic() - started, 1)}))
