"""crawler/regex_cache.py: patterns made from kept programs are the patterns Python compiles."""

from __future__ import annotations

import gc
import marshal
import re
import sys
from pathlib import Path

import pytest

import crawler.extraction_pool  # noqa: F401  (the extractor's patterns, among those checked)
from crawler import regex_cache, startup


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(regex_cache, "FOLDER", tmp_path)
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    yield tmp_path
    regex_cache.save()  # never left installed


def _compile_all(patterns: list[tuple[str | bytes, int]]) -> list[re.Pattern]:
    """Compile each pattern through re._compiler.compile, as re.compile does on a miss of its cache."""
    return [re._compiler.compile(pattern, flags) for pattern, flags in patterns]  # type: ignore[attr-defined]


def test_kept_programs_make_the_patterns_python_compiles(folder: Path) -> None:
    patterns = {(p.pattern, p.flags) for p in gc.get_objects() if isinstance(p, re.Pattern)}
    patterns.add((rb"(?P<a>x)(?:y)(z)?", re.I))
    patterns = sorted(patterns, key=repr)
    assert len(patterns) > 200  # the extractor's, Scrapy's, the libraries'
    regex_cache.install("test")
    _compile_all(patterns)
    regex_cache.save()
    assert regex_cache.path("test").is_file()

    regex_cache.install("test")
    assert regex_cache._kept.keys() >= set(patterns)
    kept = _compile_all(patterns)
    regex_cache.save()
    for made, (pattern, flags) in zip(kept, patterns, strict=True):
        anew = re._compiler.compile(pattern, flags)  # type: ignore[attr-defined]
        assert made == anew  # the same pattern, flags and program
        assert (made.groups, made.groupindex) == (anew.groups, anew.groupindex)


def test_a_file_of_another_python_is_not_read(folder: Path) -> None:
    pattern = ("[a-z]+", int(re.UNICODE))
    stale = {pattern: (pattern[1], [0], 0, {}, (None,))}
    regex_cache.path("test").write_bytes(marshal.dumps((("2.7", 0), stale)))
    regex_cache.install("test")
    assert regex_cache._kept == {}
    assert _compile_all([pattern])[0].match("abc")
    regex_cache.save()  # rewritten for this Python
    regex_cache.install("test")
    assert pattern in regex_cache._kept


@pytest.mark.parametrize("content", [b"", b"not marshal", marshal.dumps([1, 2, 3])])
def test_an_unreadable_file_means_compiling(folder: Path, content: bytes) -> None:
    regex_cache.path("test").write_bytes(content)
    regex_cache.install("test")
    assert _compile_all([("a|b", 0)])[0].fullmatch("b")


def test_nothing_is_written_without_bytecode_or_new_patterns(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    regex_cache.install("test")
    _compile_all([("x+", 0)])
    regex_cache.save()
    assert not regex_cache.path("test").exists()

    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    regex_cache.install("test")
    _compile_all([("x+", 0)])
    regex_cache.save()
    written = regex_cache.path("test").stat().st_mtime_ns
    regex_cache.install("test")
    _compile_all([("x+", 0)])  # kept already
    regex_cache.save()
    assert regex_cache.path("test").stat().st_mtime_ns == written
    assert re._compiler.compile is regex_cache._compile  # type: ignore[attr-defined]


def test_a_damaged_program_means_compiling(folder: Path) -> None:
    pattern = ("(a+)b", int(re.UNICODE))
    good = regex_cache.program(*pattern)
    damaged = (good[0], [op ^ 0x7F for op in good[1]], *good[2:])  # same stamp, opcodes garbled
    regex_cache.path("test").write_bytes(marshal.dumps((regex_cache.STAMP, {pattern: damaged})))
    regex_cache.install("test")
    made = _compile_all([pattern])[0]
    regex_cache.save()  # the good program written in its place
    assert made.fullmatch("aab").group(1) == "aa"
    regex_cache.install("test")
    assert regex_cache._kept[pattern] == good


def test_a_start_up_within_another_leaves_the_collector_as_it_was(folder: Path) -> None:
    # `jcrawl crawl --cluster` begins a crawl's start-up, then a worker's within it.
    assert gc.isenabled()
    startup.begin("test")
    startup.begin("inner")
    _compile_all([("within+", 0)])
    assert not gc.isenabled()
    startup.end()
    startup.end()  # (`jcrawl` ends it again as it returns)
    assert gc.isenabled()
    assert re._compiler.compile is regex_cache._compile  # type: ignore[attr-defined]
    assert regex_cache.path("test").exists() and not regex_cache.path("inner").exists()


def test_python_compiles_what_the_cache_cannot(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    regex_cache.install("test")
    with pytest.raises(re.error):  # a bad pattern fails as without the cache
        _compile_all([("(unclosed", 0)])
    monkeypatch.setattr(regex_cache, "program", lambda *args: 1 / 0)  # a Python whose compiler differs
    assert _compile_all([("fall+back", 0)])[0].fullmatch("falllback")
    regex_cache.save()
    assert not regex_cache.path("test").exists()  # nothing kept of what Python compiled itself
