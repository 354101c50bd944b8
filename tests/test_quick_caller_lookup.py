"""crawler/handlers `quick_caller_lookup`: Scrapy's deprecated classes get the module they get without
it, and nothing outside `scrapy.utils.deprecate` sees the quicker lookup."""

from __future__ import annotations

import inspect

from scrapy.utils import deprecate
from scrapy.utils.deprecate import create_deprecated_class

from crawler.handlers import quick_caller_lookup


class _New:
    pass


def test_a_deprecated_class_gets_its_callers_module_as_without_it() -> None:
    slow = create_deprecated_class("Old", _New)
    with quick_caller_lookup():
        quick = create_deprecated_class("Old", _New)
    assert quick.__module__ == slow.__module__ == __name__


def test_only_scrapys_deprecation_helper_sees_it() -> None:
    stack, getmodule, theirs = inspect.stack, inspect.getmodule, deprecate.inspect
    with quick_caller_lookup():
        assert (inspect.stack, inspect.getmodule) == (stack, getmodule)
        assert deprecate.inspect is not inspect
        assert deprecate.inspect.isclass is inspect.isclass  # the rest of inspect, as it is
    assert deprecate.inspect is theirs
