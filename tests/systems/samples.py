"""Dump what the real systems serve, for people working on extraction without running them:

    python -m tests.systems.samples OUT_DIR

writes OUT_DIR/<system>-<theme>/ with one HTML file per post, page, comment page and attachment
page (named after the URL's path) and truth.json (per post: permalink, title, authors, published,
modified, section, tags, language, body), then OUT_DIR/README.txt.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import tempfile
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

from tests.systems.corpus import body_text
from tests.systems.sites import SystemSite, served_systems

README = """Pages rendered by real publishing systems (journal-crawler's tests/systems fixtures), and truth.

Each folder is one system and theme: {folders}.
- <slug>.html: the page exactly as the server sent it (a post, a page, a comment page
  .../comment-page-N/, an attachment page, the home page), named after the URL's path. The host and
  port in the pages are those of the run that made the dump; only the path matters.
- urls.json: file name -> URL it was fetched from, and what it is (post, comment-page, attachment,
  page, home).
- truth.json: {{"site": ..., "timezone": ..., "posts": [...]}}, per post: permalink, title, authors
  (display names), published and modified (ISO 8601 with the site's UTC offset, as the system
  stores them), section (the primary category: the first the system lists), categories, tags (in the
  order the system lists them), language, excerpt, comments (how many), body (the text a reader sees,
  paragraphs separated by a blank line; list items and the blockquote's text and its cite are
  paragraphs of their own; image captions are not included).

Made by `python -m tests.systems.samples OUT_DIR` on branch systems; refreshed when the generator changes.
"""


TRUTH_KEYS = (
    "permalink", "title", "authors", "published", "modified", "section", "categories", "tags", "language",
    "excerpt", "comments",
)  # fmt: skip


def slug(url: str) -> str:
    """A file name for a URL: its path (and query) with every run of other characters as '-'."""
    parts = urlsplit(url)
    text = re.sub(r"\.html?$", "", parts.path) + ("?" + parts.query if parts.query else "")
    text = text.strip("/") or "home"
    return re.sub(r"[^A-Za-z0-9._%-]+", "-", text)[:180]


def fetch(url: str) -> bytes | None:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.read()
    except urllib.error.HTTPError:
        return None


def dump_site(site: SystemSite, out: Path) -> int:
    """Write one site's pages and truth into `out`; the number of pages written."""
    out.mkdir(parents=True, exist_ok=True)
    truth = site.truth()
    urls: dict[str, dict] = {}
    targets = [(site.url, "home")]
    for post in truth["posts"]:
        targets.append((post["permalink"], "post"))
        targets += [(url, "comment-page") for url in post.get("comment_page_urls", [])]
    targets += [(page["permalink"], "page") for page in truth.get("pages", [])]
    targets += [(att["permalink"], "attachment") for att in truth.get("attachments", [])]
    for url, kind in targets:
        body = fetch(url)
        if body is None:
            continue
        name = slug(url) + ".html"
        (out / name).write_bytes(body)
        urls[name] = {"url": url, "kind": kind}
    posts = [
        {key: post.get(key) for key in TRUTH_KEYS} | {"body": body_text(post["blocks"])}
        for post in truth["posts"]
    ]
    dump = {"site": site.url, "timezone": truth.get("timezone"), "posts": posts}
    (out / "truth.json").write_text(json.dumps(dump, ensure_ascii=False, indent=1))
    (out / "urls.json").write_text(json.dumps(urls, indent=1))
    return len(urls)


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    folders = []
    with tempfile.TemporaryDirectory() as run, served_systems(Path(run)) as sites:
        for site in sites:
            folder = f"{site.system}-{site.theme}"
            shutil.rmtree(out / folder, ignore_errors=True)
            count = dump_site(site, out / folder)
            folders.append(folder)
            print(f"{folder}: {count} pages", file=sys.stderr)
    (out / "README.txt").write_text(README.format(folders=", ".join(folders)))


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/shared-samples"))
