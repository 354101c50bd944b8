"""The lean item pipeline manager (crawler/scraper.py) gives what Scrapy's gives, for pipelines that
return an item or a coroutine, or raise. (A Deferred goes to Scrapy's ensure_awaitable in both.)"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from scrapy.exceptions import DropItem
from scrapy.pipelines import ItemPipelineManager
from scrapy.utils.test import get_crawler

from crawler.scraper import LeanItemPipelineManager


class Tagging:
    def process_item(self, item: dict) -> dict:
        return {**item, "tags": [*item.get("tags", []), "sync"]}


class Awaiting:
    async def process_item(self, item: dict) -> dict:
        await asyncio.sleep(0)
        return {**item, "tags": [*item.get("tags", []), "async"]}


class Dropping:
    def process_item(self, item: dict) -> dict:
        if item.get("drop"):
            raise DropItem("dropped")
        return item


def _outcome(manager_class: type[ItemPipelineManager], pipelines: list[type], item: dict) -> Any:
    crawler = get_crawler()
    manager = manager_class(*(cls() for cls in pipelines), crawler=crawler)

    async def run() -> Any:
        try:
            return await manager.process_item_async(item)
        except DropItem as exc:
            return ("dropped", str(exc))

    return asyncio.run(run())


@pytest.mark.filterwarnings("ignore::scrapy.exceptions.ScrapyDeprecationWarning")
@pytest.mark.parametrize("pipelines", [[Tagging], [Tagging, Awaiting, Tagging], [Dropping, Tagging], []])
@pytest.mark.parametrize("item", [{"url": "u"}, {"url": "u", "drop": True}])
def test_items_come_out_as_from_scrapys_manager(pipelines: list[type], item: dict) -> None:
    assert _outcome(LeanItemPipelineManager, pipelines, item) == _outcome(
        ItemPipelineManager, pipelines, item
    )
