"""The crawl's garbage-collector tuning (crawler/extensions/gc_tuning.py) follows JCRAWL_GC_THRESHOLD."""

from __future__ import annotations

import gc

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from crawler.extensions.gc_tuning import GcTuning, tune_gc


def test_a_threshold_of_zero_leaves_the_extension_off() -> None:
    # Scrapy's convention: an extension its settings switch off raises NotConfigured and is not loaded
    with pytest.raises(NotConfigured):
        GcTuning.from_crawler(get_crawler(settings_dict={"JCRAWL_GC_THRESHOLD": 0}))


def test_the_youngest_generation_is_made_as_long_as_the_threshold() -> None:
    before = gc.get_threshold()
    try:
        tune_gc(0)  # the workers' own check: nothing changes
        assert gc.get_threshold() == before
        extension = GcTuning.from_crawler(get_crawler(settings_dict={"JCRAWL_GC_THRESHOLD": 50_000}))
        extension.spider_opened()
        assert gc.get_threshold()[0] == max(50_000, before[0])
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
