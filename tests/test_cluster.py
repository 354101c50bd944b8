"""`--cluster`: workers sharing a Redis frontier crawl several sites into one archive; a worker killed
with SIGKILL loses nothing, a Redis restart costs a pause, and `jcrawl ingest` builds a database
that `jcrawl verify` passes and that holds every article once.

Real parts: redis-server (Debian's) on a private port and directory, demo journals on 127.0.0.2...
served by nginx (whose access logs show each host's requests at once) or by the demo server (counting
each host's requests), `jcrawl` processes as a user runs them."""

from __future__ import annotations

import json
import re
import shutil
import signal
import sqlite3
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from redis import Redis

from tests.cluster_helpers import RedisServer, Site, demo_sites, next_edition, nginx_sites, redis_server
from tests.helpers import jcrawl, query, start_jcrawl

# Each site is crawled with one host's limits: 2 requests at once, 10 ms apart (with no delay at all,
# Scrapy 2.19 sends a burst of queued requests past its per-host limit). nginx answers a host 40
# requests per second, delaying the others: a request takes it 25 to 50 ms, so requests sent at once
# overlap in its access log.
PER_HOST = 2
PACE = 40
SITE_SETTINGS = (
    *("-s", "JCRAWL_LOOPBACK_EXEMPT=false", "-s", "DOWNLOAD_DELAY=0.01", "-s", "AUTOTHROTTLE_ENABLED=false"),
    *("-s", f"CONCURRENT_REQUESTS_PER_DOMAIN={PER_HOST}"),
)
# A worker's own: quick leases so that a killed worker's sites move on within seconds; one process.
WORKER_SETTINGS = (
    *("-s", "JCRAWL_CLUSTER_LEASE_SECONDS=6", "-s", "JCRAWL_CLUSTER_TICK=0.5"),
    *("-s", "JCRAWL_CLUSTER_RETRY_SECONDS=15"),
    *("-s", "JCRAWL_CLUSTER_SITES=1", "-s", "JCRAWL_EXTRACT_WORKERS=0"),
)


def seed(redis: RedisServer, archive: Path, sites: list[Site]) -> None:
    for site in sites:
        done = jcrawl(
            "crawl", site.url, "--cluster", redis.url, "--seed-only", *SITE_SETTINGS, archive=archive
        )
        assert done.returncode == 0, done.stderr
        assert "queued (crawl)" in done.stdout


def start_worker(redis: RedisServer, archive: Path, worker_id: str) -> subprocess.Popen:
    return start_jcrawl(
        "worker", "--cluster", redis.url, "--archive", archive, "--worker-id", worker_id, *WORKER_SETTINGS
    )


def pages_stored(redis: RedisServer) -> int:
    return int(redis.cli("GET", "jcrawl:pages") or 0)


def wait_until(condition, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def finished(process: subprocess.Popen, timeout: float = 150) -> str:
    out, err = process.communicate(timeout=timeout)
    assert process.returncode == 0, out + err
    assert "Traceback" not in err
    return out


def ingest_and_check(redis: RedisServer, archive: Path, sites: list[Site]) -> None:
    """`jcrawl ingest` then `jcrawl verify` pass; every article of every site is in `articles` once."""
    ingest = jcrawl("ingest", "--cluster", redis.url, archive=archive)
    assert ingest.returncode == 0, ingest.stderr
    assert not list((archive / "warc").glob("*.open"))
    verify = jcrawl("verify", archive=archive)
    assert verify.returncode == 0, verify.stdout + verify.stderr  # no orphan record: no capture lost
    urls = Counter(url for (url,) in query(archive, "SELECT url FROM articles"))
    for site in sites:
        assert {url: urls[url] for url in site.articles} == dict.fromkeys(site.articles, 1)
    assert max(urls.values()) == 1  # the sites' other pages too


def test_workers_share_sites_and_a_killed_worker_loses_nothing(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    with (
        redis_server(tmp_path) as redis,
        nginx_sites(tmp_path, count=8, articles=25, per_second=PACE) as sites,
    ):
        seed(redis, archive, sites)
        workers = {wid: start_worker(redis, archive, wid) for wid in ("w1", "w2", "w3")}
        # w1 is killed while it has entries of a site in flight
        wait_until(lambda: in_flight(redis, "w1") >= 5)
        workers["w1"].send_signal(signal.SIGKILL)
        workers["w1"].wait()
        assert list((archive / "warc").glob("jcrawl-w1-*"))  # it had begun writing
        # The workers hold the archive: a reparse, run while w2 or w3 is still at work, does nothing.
        reparse = jcrawl("reparse", archive=archive)
        assert any(workers[wid].poll() is None for wid in ("w2", "w3")), "both ended before the reparse did"
        assert reparse.returncode == 3, reparse.stderr
        status = jcrawl("cluster", "status", "--cluster", redis.url, "--json")
        assert status.returncode == 0, status.stderr
        state = json.loads(status.stdout)
        assert set(state["sites"]) == {site.url.split("/")[2] for site in sites}
        assert {"w2", "w3"} <= set(state["workers"])
        workers["w4"] = start_worker(redis, archive, "w4")  # one more joins later
        outputs = [finished(workers[wid]) for wid in ("w2", "w3", "w4")]
        logs = "".join(log.read_text() for log in archive.glob("workers/w[234]/jcrawl.log"))
        assert "entries a worker left in flight" in logs  # w1's, claimed by the next holder of its site
        # every site finished once: by the workers that ended, or by w1 before it was killed
        finished_by_w1 = (archive / "workers" / "w1" / "jcrawl.log").read_text().count("Worker w1 finished")
        ended = sum(int(re.search(r": (\d+) sites finished", out)[1]) for out in outputs)
        assert ended + finished_by_w1 == len(sites), outputs
        status = jcrawl("cluster", "status", "--cluster", redis.url)
        assert status.returncode == 0 and "0 workers alive" in status.stdout
        assert all(line.split()[1] == "done" for line in status.stdout.splitlines()[1 : 1 + len(sites)])
        ingest_and_check(redis, archive, sites)
        # one worker at a time per host: nginx saw no host with more requests at once than its limit,
        # and saw the limit reached (requests did overlap: the check can fail)
        at_once = {site.url: site.most_at_once() for site in sites}
        assert max(at_once.values()) == PER_HOST, at_once
        # the database is what `jcrawl reparse` builds from the same WARC files
        again = tmp_path / "again"
        shutil.copytree(archive / "warc", again / "warc")
        assert jcrawl("reparse", archive=again).returncode == 0
        columns = "SELECT url, title, authors, published, body, content_hash FROM articles ORDER BY url"
        assert query(again, columns) == query(archive, columns)


def in_flight(redis: RedisServer, worker: str) -> int:
    """Frontier entries pending for `worker` (read, not stored yet)."""
    client = Redis.from_url(redis.url)
    try:
        return sum(
            len(client.xpending_range(stream, "workers", "-", "+", 1000, consumername=worker))
            for stream in client.scan_iter(match="jcrawl:site:*:q:*")
        )
    finally:
        client.close()


# Full captures whose payload an earlier capture of the URL already holds: there should be none.
AGAIN_IN_FULL = (
    "SELECT c.url FROM captures c WHERE c.status = 200 AND c.revisit_of IS NULL AND EXISTS (SELECT 1 FROM "
    "captures e WHERE e.url = c.url AND e.payload_digest = c.payload_digest AND e.id < c.id)"
)
# URLs captured more than once with the same payload.
REFETCHED = "SELECT url FROM captures WHERE status = 200 GROUP BY url, payload_digest HAVING COUNT(*) > 1"


def test_a_worker_stopped_with_sigterm_lets_its_site_go_at_once(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    with redis_server(tmp_path) as redis, demo_sites(tmp_path, count=1, articles=40, delay=0.05) as sites:
        seed(redis, archive, sites)
        first = start_worker(redis, archive, "w1")
        wait_until(lambda: in_flight(redis, "w1") >= 5)
        first.send_signal(signal.SIGTERM)
        out, err = first.communicate(timeout=60)
        assert first.returncode == 143, out + err
        assert "(interrupted)" in out and "Traceback" not in err
        assert redis.cli("KEYS", "jcrawl:lease:*") == ""  # let go, not left to expire
        assert "1 sites finished" in finished(start_worker(redis, archive, "w2"))
        ingest_and_check(redis, archive, sites)
        # what w1 archived and w2 fetched again (the start page, robots.txt, what w1 had in flight)
        # w2 archived as revisits: no payload twice in full
        assert query(archive, REFETCHED) and not query(archive, AGAIN_IN_FULL)


def test_a_redis_restart_mid_crawl_costs_a_pause(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    with redis_server(tmp_path) as redis, demo_sites(tmp_path, count=2, articles=25, delay=0.03) as sites:
        seed(redis, archive, sites)
        worker = start_worker(redis, archive, "w1")
        wait_until(lambda: pages_stored(redis) >= 10)
        redis.stop()  # SIGTERM: the append-only file is written
        time.sleep(1.5)
        redis.start()
        out = finished(worker)
        assert "2 sites finished" in out
        ingest_and_check(redis, archive, sites)


def test_an_update_through_the_cluster_fetches_what_is_new(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    with redis_server(tmp_path) as redis, demo_sites(tmp_path, count=1, articles=30) as sites:
        (site,) = sites
        crawl = jcrawl(
            "crawl", site.url, "--cluster", redis.url, "--worker-id", "c1", *WORKER_SETTINGS, archive=archive
        )
        assert crawl.returncode == 0, crawl.stderr
        ingest_and_check(redis, archive, sites)
        crawled = site.requests
        manifest = next_edition(site, 2)  # 5 new stories, 3 corrected
        update = jcrawl(
            "update", "--cluster", redis.url, "--worker-id", "u1", *WORKER_SETTINGS, archive=archive
        )
        assert update.returncode == 0, update.stderr
        assert "queued (update)" in update.stdout and "1 sites finished" in update.stdout
        assert site.requests - crawled < crawled / 2  # conditional, and only what is due
        ingest_and_check(redis, archive, sites)
        sql = (
            "SELECT a.url, COUNT(*) FROM article_versions v JOIN articles a ON a.id = v.article_id GROUP BY 1"
        )
        versions = query(archive, sql)
        assert {url for url, _ in versions} == set(manifest["corrected"])  # their earlier text kept
        # What the first worker archived, the updating one (another worker) does not archive again.
        update_captures = (
            "SELECT status, revisit_of FROM captures WHERE crawl_id = (SELECT MAX(crawl_id) FROM captures)"
        )
        captures = query(archive, update_captures)
        assert any(revisit_of for _, revisit_of in captures)
        assert all(revisit_of for status, revisit_of in captures if status == 304)
        assert not query(archive, AGAIN_IN_FULL)


def test_max_pages_counts_a_sites_requests_across_workers(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    with redis_server(tmp_path) as redis, demo_sites(tmp_path, count=1, articles=30) as sites:
        (site,) = sites
        first = jcrawl(
            "crawl", site.url, "--cluster", redis.url, "--max-pages", "12", "--seed-only", archive=archive
        )
        assert first.returncode == 0, first.stderr
        redis.cli("SET", f"jcrawl:site:{site.url.split('/')[2]}:sent", "7")  # 7 sent by a worker now gone
        worker = jcrawl(
            "worker", "--cluster", redis.url, "--worker-id", "w1", *WORKER_SETTINGS, archive=archive
        )
        assert worker.returncode == 0, worker.stderr
        assert "1 sites finished" in worker.stdout
        assert site.requests == 5


def test_cron_gets_a_workers_one_line_and_its_log_file_gets_scrapys_lines(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    with redis_server(tmp_path) as redis, demo_sites(tmp_path, count=1, articles=5) as sites:
        seed(redis, archive, sites)
        worker = jcrawl(
            "worker", "--cluster", redis.url, "--worker-id", "w1", *WORKER_SETTINGS, archive=archive
        )
    assert worker.returncode == 0, worker.stderr
    assert " INFO: " not in worker.stderr  # Scrapy's start-up and closing lines go to the log, not to cron
    assert worker.stdout.startswith("Worker w1: 1 sites finished") and worker.stdout.count("\n") == 1
    log = (archive / "workers" / "w1" / "jcrawl.log").read_text()
    assert (
        "[scrapy.utils.log] INFO: Scrapy " in log
        and "[scrapy.core.engine] INFO: Spider closed (finished)" in log
    )


def test_redis_gone_for_good_stops_a_worker_with_one_line(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    with redis_server(tmp_path) as redis, demo_sites(tmp_path, count=1, articles=40, delay=0.05) as sites:
        seed(redis, archive, sites)
        worker = start_worker(redis, archive, "w1")
        wait_until(lambda: pages_stored(redis) >= 5)
        redis.stop()
        out, err = worker.communicate(timeout=120)
        assert worker.returncode == 4, out + err
        assert "Traceback" not in err and err.splitlines()[-1].startswith(
            "jcrawl worker: fatal: lost the cluster's Redis"
        )
        assert not list((archive / "warc").glob("*.open"))  # its WARC files closed


def test_an_unreachable_redis_is_one_line_and_exit_4(tmp_path: Path) -> None:
    for command in (("worker",), ("cluster", "status"), ("crawl", "http://127.0.0.2:1/")):
        result = jcrawl(*command, "--cluster", "redis://127.0.0.1:1/0", archive=tmp_path)
        assert result.returncode == 4, result.stderr
        assert result.stderr.count("\n") == 1 and "cannot reach the cluster's Redis" in result.stderr
    result = jcrawl("worker", "--cluster", "http://127.0.0.1/", archive=tmp_path)
    assert result.returncode == 2 and "not a Redis URL" in result.stderr
    result = jcrawl("crawl", "http://127.0.0.2:1/", "--seed-only", archive=tmp_path)
    assert result.returncode == 2 and "give --cluster" in result.stderr


@pytest.mark.parametrize("capacity", [1_000, 20_000])
def test_the_seen_set_drops_no_more_than_its_stated_rate(capacity: int) -> None:
    from crawler.cluster.bloom import BloomShape

    shape = BloomShape.sized(capacity, 0.001)
    bits = {bit for n in range(capacity) for bit in shape.positions(f"http://127.0.0.2/story-{n}/")}
    probes = 20_000  # URLs never added: ~20 false drops expected at 0.001
    dropped = sum(
        all(bit in bits for bit in shape.positions(f"http://127.0.0.2/other-{n}/")) for n in range(probes)
    )
    assert dropped <= 2 * 0.001 * probes
    assert shape.bits / 8 <= capacity * 1.8  # 1.8 bytes per URL at 0.001


def test_the_default_seen_set_is_what_the_docs_say() -> None:
    """docs/cluster.md: 1.8 MB and 10 bits per URL for a million URLs; 0.1% false drops there, 2e-12 at
    100,000 URLs and 5.7% at two million."""
    from crawler import settings
    from crawler.cluster.bloom import BloomShape

    shape = BloomShape.sized(settings.JCRAWL_CLUSTER_SEEN_CAPACITY, settings.JCRAWL_CLUSTER_SEEN_ERROR)
    assert shape.hashes == 10 and round(shape.bits / 8 / 1e6, 1) == 1.8
    assert round(shape.false_drop_rate(1_000_000), 4) == 0.001
    assert 1e-12 < shape.false_drop_rate(100_000) < 3e-12
    assert round(shape.false_drop_rate(2_000_000), 3) == 0.057


def test_a_site_handed_over_mid_crawl_learns_its_profile_from_both_workers_pages(tmp_path: Path) -> None:
    """The house-lines journal is crawled by w1 until it is stopped, then by w2: the profile the site
    ends with counts every article, whichever worker fetched it, and is the one a one-process crawl
    learns; w1, stopped before the end with enough articles of its own to learn from, saved none."""
    from tests.house_lines_site import ARTICLES, HOUSE_LINES, serve_house_lines_site

    archive, alone = tmp_path / "archive", tmp_path / "alone"
    with redis_server(tmp_path) as redis, serve_house_lines_site() as server:
        url = server.url_for("/")
        slow = ("-s", "JCRAWL_LOOPBACK_EXEMPT=false", "-s", "DOWNLOAD_DELAY=0.25")
        queued = jcrawl("crawl", url, "--cluster", redis.url, "--seed-only", *slow, archive=archive)
        assert queued.returncode == 0, queued.stderr
        first = start_worker(redis, archive, "w1")
        # past JCRAWL_LEARN_MIN_PAGES articles, in more than JCRAWL_LEARN_MIN_SHARE of the site's: enough
        # for w1 to save a profile of its own, were a stopped worker's crawl to save one
        own = archive / "workers" / "w1"
        wait_until(lambda: (own / "journal.db").exists() and _articles(own) >= 11)
        first.send_signal(signal.SIGTERM)
        out, err = first.communicate(timeout=60)
        assert first.returncode == 143, out + err
        assert query(own, "SELECT site, version FROM site_profiles") == []  # w1 left it to the next
        assert "1 sites finished" in finished(start_worker(redis, archive, "w2"))
        ingest = jcrawl("ingest", "--cluster", redis.url, archive=archive)
        assert ingest.returncode == 0, ingest.stderr
        crawl = jcrawl("crawl", url, archive=alone)  # one process, the whole site
        assert crawl.returncode == 0, crawl.stderr

    fetched_by = {name.split("-")[1] for (name,) in query(archive, "SELECT DISTINCT warc_file FROM captures")}
    assert fetched_by == {"w1", "w2"}  # both workers fetched pages of the site
    profile_sql = "SELECT version, pages_seen, profile FROM site_profiles"
    ((version, pages_seen, profile),) = query(archive, profile_sql)  # w1 saved none
    assert version == 1 and pages_seen == ARTICLES  # learned from every article, both workers'
    ((_, _, one_process),) = query(alone, profile_sql)
    learned, expected = json.loads(profile), json.loads(one_process)
    for field in ("boilerplate_texts", "boilerplate_paths", "pages_seen"):
        assert learned[field] == expected[field], field
    bodies = query(archive, "SELECT body FROM articles")
    assert len(bodies) == ARTICLES
    assert not any(line in body for (body,) in bodies for line in HOUSE_LINES)


def _articles(archive: Path) -> int:
    """Articles stored in `archive`'s database so far (0 while it has no table yet)."""
    try:
        return query(archive, "SELECT COUNT(*) FROM articles")[0][0]
    except sqlite3.OperationalError:
        return 0


LISTING_PAGES = 20


def listings_site(server: HTTPServer) -> str:
    """A journal whose stories are reached only through a paginated listing: /list?page=N links the
    next page and story N. Each listing page fetched costs its pattern a fetch; the story it leads to
    gives it back (the request's `jcrawl_found_on`)."""
    from werkzeug import Response

    from tests.faultserver import article_html
    from tests.house_lines_site import story as house_story

    def listing(request) -> Response:
        n = int(request.args["page"])
        links = [f"/story/{n}/"] + ([f"/list?page={n + 1}"] if n < LISTING_PAGES else [])
        anchors = "".join(f'<a href="{href}">{href}</a>' for href in links)
        return Response(
            f"<html><head><title>Page {n}</title></head><body>{anchors}</body></html>", mimetype="text/html"
        )

    def story(request) -> Response:
        title, paragraphs = house_story(int(request.path.split("/")[2]))  # each its own text
        return Response(article_html(title, paragraphs), mimetype="text/html")

    server.no_handler_status_code = 404
    server.expect_request("/robots.txt").respond_with_data("User-agent: *\nAllow: /\n")
    server.expect_request("/").respond_with_data('<a href="/list?page=1">News</a>', content_type="text/html")
    server.expect_request("/list").respond_with_handler(listing)
    for n in range(1, LISTING_PAGES + 1):
        server.expect_request(f"/story/{n}/").respond_with_handler(story)
    return server.url_for("/")


def test_the_page_a_link_was_found_on_travels_through_redis(tmp_path: Path, httpserver: HTTPServer) -> None:
    """With a pattern budget of 3 fetches, the listing is followed to its end only if each story gives
    its listing page its fetch back: a cluster's crawl, whose every request goes through Redis, finds
    the same articles and links as one process."""
    url = listings_site(httpserver)
    budget = ("-s", "JCRAWL_PATTERN_BUDGET=3")
    alone, archive = tmp_path / "alone", tmp_path / "archive"
    crawl = jcrawl("crawl", url, *budget, archive=alone)
    assert crawl.returncode == 0, crawl.stderr
    with redis_server(tmp_path) as redis:
        clustered = jcrawl("crawl", url, "--cluster", redis.url, *budget, *WORKER_SETTINGS, archive=archive)
        assert clustered.returncode == 0, clustered.stderr
        assert jcrawl("ingest", "--cluster", redis.url, archive=archive).returncode == 0
    articles = "SELECT url FROM articles ORDER BY url"
    assert len(query(alone, articles)) == LISTING_PAGES  # the budget never cut the listing
    assert query(archive, articles) == query(alone, articles)
    links = "SELECT source_url, target_url, kind FROM links ORDER BY 1, 2, 3"
    assert query(archive, links) == query(alone, links)


def test_a_resumed_sites_seen_set_is_answered_from_its_copy_as_redis_answers(tmp_path: Path) -> None:
    """The worker that takes a site over asks its seen-set of every link it meets: the copy it takes
    at `open` answers as Redis itself does, pushes included, without a round trip per link."""
    from crawler.cluster.bloom import BloomShape
    from crawler.cluster.frontier import RedisFrontier
    from crawler.frontier.backend import FrontierEntry

    shape = BloomShape.sized(1_000, 0.01)  # small: false drops happen among 3,000 probes
    with redis_server(tmp_path) as redis:
        client = Redis.from_url(redis.url)
        first = RedisFrontier(client, "127.0.0.2", "w1", shape)
        first.open()
        assert not first.resumed
        first.push([FrontierEntry(f"http://127.0.0.2/story-{n}/") for n in range(800)], claim=False)
        first.flush()
        second = RedisFrontier(client, "127.0.0.2", "w2", shape)
        second.open()
        assert second.resumed and second.bitmap is not None
        second.push([FrontierEntry("http://127.0.0.2/late/")], claim=False)
        second.flush()
        urls = [f"http://127.0.0.2/story-{n}/" for n in range(0, 3_000)] + ["http://127.0.0.2/late/"]

        def in_redis(url: str) -> bool:
            gets = [arg for bit in shape.positions(url) for arg in ("GET", "u1", bit)]
            return all(client.execute_command("BITFIELD_RO", "jcrawl:site:127.0.0.2:seen", *gets))

        answers = [second.seen(url) for url in urls]
        assert answers == [in_redis(url) for url in urls]
        assert all(answers[:800]) and answers[-1] and not all(answers[800:-1])
        client.close()
