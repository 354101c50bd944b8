"""`jcrawl demo` (what `make demo` runs): serve the bundled journal, crawl it, summarise, search."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import free_port, jcrawl, query


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
