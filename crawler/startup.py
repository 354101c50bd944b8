"""The start-up of a crawling process (`jcrawl crawl`, `update`, `demo`, a cluster worker, the
extraction workers' forkserver): the imports of Scrapy, Twisted and the extractor, and the building
of the crawl, before the first request. It costs the same whatever the site's size, and a small
crawl's CPU is mostly it.

From `begin` to `end`, patterns are made from the programs the last start-up kept
(crawler/regex_cache.py), and the garbage collector does not run: the start-up makes few cycles, and
every collection would scan all it has imported so far. A crawl's start-up ends as its first spider
opens (crawler/run/crawl.py), just after GcTuning (crawler/extensions/gc_tuning.py) has collected and
frozen what it made, so that no collection ever scans that; the forkserver's freezes it too.
"""

from __future__ import annotations

import gc

from crawler import regex_cache

_paused = False  # the collector was running at `begin`, and is paused until `end`


def begin(name: str) -> None:
    """The start-up `name` begins (its patterns kept under that name); within one begun already (a
    crawl that goes on as a cluster's worker), nothing: the outer one goes on."""
    global _paused
    if regex_cache.installed():
        return
    regex_cache.install(name)
    _paused = gc.isenabled()
    gc.disable()


def end() -> None:
    """The start-up is done: what comes next (the crawl, its pages) is as without `begin`. Nothing if
    none has begun, or it has ended already (`jcrawl` calls it as it returns, whatever happened)."""
    global _paused
    regex_cache.save()
    if _paused:
        gc.enable()
    _paused = False
