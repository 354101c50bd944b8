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


@pytest.mark.parametrize(
    ("young", "threshold", "expected"),
    [
        (700, 50_000, 50_000),  # Python's default: made as long as the setting
        (80_000, 50_000, 80_000),  # longer already (set by whoever embeds the crawl): never made shorter
    ],
)
def test_the_youngest_generation_is_made_as_long_as_the_threshold(
    young: int, threshold: int, expected: int
) -> None:
    before = gc.get_threshold()
    try:
        # a known starting length, so that neither outcome can hold by accident
        gc.set_threshold(young, before[1], before[2])
        tune_gc(0)  # the workers' own check: nothing changes
        assert gc.get_threshold() == (young, before[1], before[2])
        extension = GcTuning.from_crawler(get_crawler(settings_dict={"JCRAWL_GC_THRESHOLD": threshold}))
        extension.spider_opened()
        assert gc.get_threshold() == (expected, before[1], before[2])
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
