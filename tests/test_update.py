"""`jcrawl update` against later editions of the bench site served at the same URL.

Edition 0 (2,000 articles) is crawled once; then, on copies of that archive:

- edition 1 (50 new articles, 20 edited) and a plain `jcrawl update`: exactly the new articles are
  added, exactly the edited ones get a version, unchanged pages give no full response record;
- edition 1 with --bump-counters (every article page's read counter changed) and `update --all`:
  every page is downloaded again, still only the edited articles get a version; a second
  `update --all` with nothing changed gets a 304 for every article, written as revisit records.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from archive.reader import read_record
from archive.revisit import IDENTICAL_PAYLOAD_DIGEST, SERVER_NOT_MODIFIED
from tests.helpers import BenchSite, jcrawl, make_bench_site, query, serve_bench_site

pytestmark = pytest.mark.slow

PAGES = 2000
SUMMARY = re.compile(r"^([\d,]+) new, ([\d,]+) changed, ([\d,]+) unchanged, ([\d,]+) errors, [\d.,]+ s\n$")


@dataclass
class Update:
    """An archive after an update against `site`: the command's output, the update's crawl id."""

    archive: Path
    site: BenchSite
    result: subprocess.CompletedProcess
    crawl_id: int
    before: dict[str, tuple]  # article url -> (title, body, content_hash) before the update

    def changes(self, kind: str) -> set[str]:
        rows = [json.loads(line) for line in (self.site.directory / "changes.jsonl").open()]
        return {row["url"] for row in rows if row["change"] == kind}

    def summary(self) -> tuple[int, ...]:
        match = SUMMARY.match(self.result.stdout)
        assert match, self.result.stdout
        return tuple(int(n.replace(",", "")) for n in match.groups())

    def versioned(self) -> dict[str, int]:
        rows = query(
            self.archive,
            "SELECT a.url, COUNT(*) FROM articles a JOIN article_versions v ON v.article_id = a.id "
            "GROUP BY a.url",
        )
        return dict(rows)

    def records(self) -> list[tuple[str, str, object]]:
        """(type, target URI, record) of every response and revisit record the update wrote."""
        files = query(
            self.archive, "SELECT DISTINCT warc_file FROM captures WHERE crawl_id = ?", (self.crawl_id,)
        )
        out = []
        for (name,) in files:
            with open(self.archive / "warc" / name, "rb") as f:
                for record in ArchiveIterator(f):
                    if record.rec_type in ("response", "revisit"):
                        uri = record.rec_headers.get_header("WARC-Target-URI")
                        out.append((record.rec_type, uri, record.rec_headers))
        return out


@pytest.fixture(scope="module")
def edition0(port: int, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An archive of a crawl of edition 0 (read-only: tests update copies of it)."""
    directory = tmp_path_factory.mktemp("edition0")
    make_bench_site(directory, port, PAGES, 9)
    archive = tmp_path_factory.mktemp("edition0-archive") / "archive"
    with serve_bench_site(directory, port, tmp_path_factory.mktemp("nginx0")) as site:
        result = jcrawl("crawl", site.url, archive=archive)
    assert result.returncode == 0, result.stderr[-3000:]
    return archive


def update(
    edition0: Path, port: int, tmp: pytest.TempPathFactory, name: str, edition: list[str], *runs: list[str]
) -> Iterator[Update]:
    """Serve `edition` of the site at edition 0's URL and run `jcrawl update ARGS` for each of `runs`
    on a copy of the edition 0 archive; yields each update as it is done."""
    archive = tmp.mktemp(name) / "archive"
    shutil.copytree(edition0, archive)
    directory = tmp.mktemp(f"{name}-site")
    make_bench_site(directory, port, PAGES, 9, *edition)
    with serve_bench_site(directory, port, tmp.mktemp(f"{name}-nginx")) as site:
        for args in runs:
            before = {
                url: tuple(rest)
                for url, *rest in query(archive, "SELECT url, title, body, content_hash FROM articles")
            }
            result = jcrawl("update", "--quiet", *args, archive=archive)
            assert result.returncode == 0, result.stderr[-3000:]
            ((crawl_id,),) = query(archive, "SELECT MAX(id) FROM crawls")
            yield Update(archive, site, result, crawl_id, before)


@pytest.fixture(scope="module")
def plain(edition0: Path, port: int, tmp_path_factory: pytest.TempPathFactory) -> Update:
    """Edition 1, a plain `jcrawl update`."""
    (done,) = update(edition0, port, tmp_path_factory, "plain", ["--edition", "1"], [])
    return done


@pytest.fixture(scope="module")
def bumped(edition0: Path, port: int, tmp_path_factory: pytest.TempPathFactory) -> tuple[Update, Update]:
    """Edition 1 with every read counter changed: `update --all`, then `update --all` again."""
    first, second = update(
        edition0,
        port,
        tmp_path_factory,
        "bumped",
        ["--edition", "1", "--bump-counters"],
        ["--all"],
        ["--all"],
    )
    return first, second


@pytest.fixture(scope="module")
def tight(edition0: Path, port: int, tmp_path_factory: pytest.TempPathFactory) -> Update:
    """Edition 1, a plain `jcrawl update` remembering one answer of the archive at a time."""
    (done,) = update(
        edition0, port, tmp_path_factory, "tight", ["--edition", "1"], ["--set=JCRAWL_PLAN_MEMORY=1"]
    )
    return done


def test_an_update_in_bounded_memory_fetches_and_stores_the_same(plain: Update, tight: Update) -> None:
    """What the update asks of the archive, URL by URL, gives the same plan however little it keeps."""
    fetched = "SELECT url, status, revisit_of IS NOT NULL FROM captures WHERE crawl_id = ? ORDER BY 1, 2, 3"
    assert tight.summary() == plain.summary()
    plain_fetched = query(plain.archive, fetched, (plain.crawl_id,))
    assert query(tight.archive, fetched, (tight.crawl_id,)) == plain_fetched
    assert len(plain_fetched) > 50
    assert tight.versioned() == plain.versioned()


def test_an_update_adds_exactly_the_new_articles(plain: Update) -> None:
    stored = {url for (url,) in query(plain.archive, "SELECT url FROM articles")}
    assert stored - set(plain.before) == plain.changes("new")
    assert set(plain.before) <= stored
    assert len(plain.changes("new")) == 50
    new, changed, _, errors = plain.summary()
    assert (new, changed, errors) == (50, 20, 0)
    assert plain.result.stderr == ""  # --quiet: the one line only


def test_an_update_versions_exactly_the_edited_articles(plain: Update) -> None:
    edited = plain.changes("edited")
    assert len(edited) == 20
    assert plain.versioned() == dict.fromkeys(edited, 1)
    truth = {t["url"]: t for t in plain.site.ground_truth}
    versions = query(
        plain.archive,
        "SELECT a.url, a.title, a.content_hash, v.title, v.body, v.content_hash, v.version FROM articles a "
        "JOIN article_versions v ON v.article_id = a.id",
    )
    for url, title, content_hash, old_title, old_body, old_hash, version in versions:
        assert (old_title, old_body, old_hash) == plain.before[url]  # the old content, as it was
        assert content_hash != old_hash and title == truth[url]["title"] and version == 1
    titled = [json.loads(line) for line in (plain.site.directory / "changes.jsonl").open()]
    retitled = {row["url"] for row in titled if "title" in row.get("fields", [])}
    assert retitled and all(plain.before[url][0] != truth[url]["title"] for url in retitled)


def test_unchanged_pages_get_no_full_response_record(plain: Update) -> None:
    changed_articles = plain.changes("new") | plain.changes("edited")
    unchanged_articles = set(plain.before) - changed_articles
    records = plain.records()
    assert {uri for kind, uri, _ in records if kind == "response"} & unchanged_articles == set()
    assert {uri for kind, uri, _ in records if kind == "response"} >= changed_articles
    # A page fetched in full whose bytes had not changed (robots.txt, here) is a revisit record.
    digests = query(
        plain.archive,
        "SELECT c.url, c.payload_digest, c.revisit_of, (SELECT p.payload_digest FROM captures p "
        "WHERE p.url = c.url AND p.id < c.id AND p.status = 200 ORDER BY p.id DESC LIMIT 1) "
        "FROM captures c WHERE c.crawl_id = ? AND c.status = 200",
        (plain.crawl_id,),
    )
    assert any(revisit for _, _, revisit, _ in digests)
    for url, digest, revisit_of, previous in digests:
        assert (digest == previous) == (revisit_of is not None), url


def test_revisit_records_name_what_they_stand_for(plain: Update) -> None:
    revisits = query(
        plain.archive,
        "SELECT c.warc_file, c.warc_offset, c.warc_length, o.url, o.fetched_at, o.record_id, "
        "o.payload_digest FROM captures c JOIN captures o ON o.id = c.revisit_of WHERE c.crawl_id = ?",
        (plain.crawl_id,),
    )
    assert revisits
    for name, offset, length, url, date, record_id, digest in revisits:
        headers = read_record(plain.archive / "warc", name, offset, length).rec_headers
        assert headers.get_header("WARC-Profile") == IDENTICAL_PAYLOAD_DIGEST
        assert headers.get_header("WARC-Refers-To-Target-URI") == url
        assert headers.get_header("WARC-Refers-To-Date") == date
        assert headers.get_header("WARC-Refers-To") == record_id
        assert headers.get_header("WARC-Payload-Digest") == digest
    bin_dir = Path(sys.executable).parent
    for path in sorted((plain.archive / "warc").glob("*.warc.gz")):
        check = subprocess.run([bin_dir / "warcio", "check", path], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr
    index = subprocess.run(
        [bin_dir / "cdxj-indexer", *sorted((plain.archive / "warc").glob("*.warc.gz"))],
        capture_output=True,
        text=True,
    )
    assert index.returncode == 0, index.stderr
    assert '"mime": "warc/revisit"' in index.stdout


def test_history_shows_the_versions_and_a_readable_diff(plain: Update) -> None:
    truth = {t["url"]: t for t in plain.site.ground_truth}
    rows = [json.loads(line) for line in (plain.site.directory / "changes.jsonl").open()]
    url = next(row["url"] for row in rows if row.get("fields") == ["title", "body"])
    result = jcrawl("history", url, archive=plain.archive)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == truth[url]["title"] and "2 versions" in lines[2]
    assert "(current)" in lines[4]
    assert f"-{plain.before[url][0]}" in lines and f"+{truth[url]['title']}" in lines
    assert any(line.startswith("+") and len(line) < 400 for line in lines[8:])  # sentences, not blocks
    assert (
        jcrawl("history", url, "--diff", "2", "1", archive=plain.archive).stdout.count(
            f"-{truth[url]['title']}"
        )
        == 1
    )
    wrong = jcrawl("history", url, "--diff", "1", "3", archive=plain.archive)
    assert wrong.returncode == 2 and "no version 3" in wrong.stderr


def test_new_read_counters_refetch_every_page_but_make_no_version(bumped: tuple[Update, Update]) -> None:
    first, _ = bumped
    articles = {t["url"] for t in first.site.ground_truth}
    fetched = {uri for kind, uri, _ in first.records() if kind == "response"}
    assert fetched >= articles  # every article page downloaded again, in full
    assert first.versioned() == dict.fromkeys(first.changes("edited"), 1)
    new, changed, unchanged, _ = first.summary()
    assert (new, changed, unchanged) == (50, 20, PAGES - 20)
    assert query(
        first.archive, "SELECT COUNT(*) FROM articles WHERE body LIKE '%times this article was read%'"
    ) == [(0,)]


def test_an_update_when_nothing_changed_writes_only_revisits(bumped: tuple[Update, Update]) -> None:
    first, second = bumped
    articles = {t["url"] for t in second.site.ground_truth}
    records = second.records()
    assert {uri for kind, uri, _ in records if kind == "response"} & articles == set()
    not_modified = {uri for kind, uri, h in records if h.get_header("WARC-Profile") == SERVER_NOT_MODIFIED}
    assert not_modified >= articles
    assert second.versioned() == first.versioned()
    assert second.summary()[:3] == (0, 0, len(articles))
    last_seen = query(
        second.archive,
        "SELECT COUNT(*) FROM articles WHERE substr(last_seen, 1, 19) < "
        "(SELECT substr(started_at, 1, 19) FROM crawls WHERE id = ?)",
        (second.crawl_id,),
    )
    assert last_seen == [(0,)]


def test_the_store_rebuilt_from_the_warc_files_has_the_same_versions(
    bumped: tuple[Update, Update], tmp_path: Path
) -> None:
    """`jcrawl reparse` into a new store: captures, revisits and versions come back as they were."""
    archive = tmp_path / "archive"
    shutil.copytree(bumped[1].archive, archive)
    # Captures are named by where their record lies, so a store rebuilt from scratch compares.
    at = "(SELECT warc_file || ':' || warc_offset FROM captures WHERE id = {})"
    tables = [
        "SELECT url, title, body, content_hash, first_seen, last_seen, "
        f"{at.format('a.capture_id')} FROM articles a ORDER BY url",
        "SELECT a.url, v.version, v.seen_at, v.title, v.body, v.content_hash, "
        f"{at.format('v.capture_id')} FROM article_versions v JOIN articles a ON a.id = v.article_id "
        "ORDER BY a.url, v.version",
        f"SELECT warc_file, warc_offset, url, status, record_id, {at.format('c.revisit_of')} FROM captures c "
        "ORDER BY warc_file, warc_offset",
    ]
    before = [query(archive, sql) for sql in tables]
    assert sum(1 for row in before[2] if row[5]) > PAGES  # the 304s of the second update
    for path in archive.glob("journal.db*"):
        path.unlink()
    result = jcrawl("reparse", archive=archive)
    assert result.returncode == 0, result.stderr[-3000:]
    assert [query(archive, sql) for sql in tables] == before
