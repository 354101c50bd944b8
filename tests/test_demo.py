"""`jcrawl demo` (what `make demo` runs): serve the bundled journal, crawl it, summarise, search; run
again, update it; `--edition N` and `--serve` show what an update finds."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path
from typing import IO

from tests.helpers import ROOT, free_port, jcrawl, query


def test_demo_crawls_the_bundled_journal(tmp_path: Path) -> None:
    result = jcrawl("demo", "--port", str(free_port()), archive=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Serving the sample journal at http://127.0.0.1:" in result.stdout
    assert "articles stored" in result.stdout and "Sample search: jcrawl search phosphate" in result.stdout
    assert "[phosphate]" in result.stdout.lower()
    (articles,) = query(tmp_path, "SELECT COUNT(*) FROM articles")[0]
    assert articles >= 60
    (warc_files,) = query(tmp_path, "SELECT COUNT(DISTINCT warc_file) FROM captures")[0]
    assert warc_files == 1 and list((tmp_path / "warc").glob("*.warc.gz"))


def test_a_second_demo_updates_the_same_archive_and_a_next_edition_shows_changes(tmp_path: Path) -> None:
    port = str(free_port())
    first = jcrawl("demo", "--port", port, "--articles", "10", archive=tmp_path)
    assert first.returncode == 0, first.stderr[-3000:]
    stored = query(tmp_path, "SELECT COUNT(*) FROM articles")
    second = jcrawl("demo", "--port", port, "--articles", "10", archive=tmp_path)
    assert second.returncode == 0, second.stderr[-3000:]
    assert "holds this site already: updating it" in second.stdout
    assert "Update: 0 new, 0 changed, " in second.stdout
    assert query(tmp_path, "SELECT COUNT(*) FROM articles") == stored  # not stored again
    edition = jcrawl("demo", "--port", port, "--articles", "10", "--edition", "2", archive=tmp_path)
    assert edition.returncode == 0, edition.stderr[-3000:]
    assert "Update: 5 new, 3 changed, " in edition.stdout
    ((corrected,),) = query(tmp_path, "SELECT article_id FROM article_versions LIMIT 1")
    history = jcrawl("history", str(corrected), archive=tmp_path)
    assert "2 versions" in history.stdout and "Correction," in history.stdout


def test_demo_serve_keeps_the_site_up_for_updates_and_publishes_editions(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "crawler.cli", "demo", "--serve", "--port", str(free_port())]
    demo = subprocess.Popen(
        [*command, "--articles", "10", "--archive", str(tmp_path)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    assert demo.stdin is not None and demo.stdout is not None
    try:
        assert "stays up at" in read_until(demo.stdout, "Press Enter")
        update = jcrawl("update", "--quiet", archive=tmp_path)
        assert update.returncode == 0 and update.stdout.startswith("0 new, 0 changed, "), update.stdout
        demo.stdin.write("\n")
        demo.stdin.flush()
        assert "Published edition 2: 5 new stories, 3 corrected." in read_until(demo.stdout, "Published")
        update = jcrawl("update", "--quiet", archive=tmp_path)
        assert update.returncode == 0 and update.stdout.startswith("5 new, 3 changed, "), update.stdout
    finally:
        demo.send_signal(signal.SIGINT)
        out, err = demo.communicate(timeout=30)
    assert demo.returncode == 0, err
    assert "Stopped the sample journal." in out and "Traceback" not in err


def read_until(stream: IO[str], words: str) -> str:
    """Lines of `stream` up to and including the first that holds `words`."""
    text = ""
    for line in stream:
        text += line
        if words in line:
            return text
    raise AssertionError(f"{words!r} never came: {text}")
