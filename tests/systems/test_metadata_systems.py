"""Metadata exact on real markup: on each system and theme, title, authors, published instant,
section and tags as the system itself shows them, on at least 99% of the posts (issue 9, point 4).
"""

from __future__ import annotations

import pytest

from tests.systems.conftest import SITES, SystemCrawl
from tests.systems.scoring import FIELDS

GOAL = 0.99


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("name", SITES)
def test_metadata_is_exact_on_nearly_every_post(
    name: str, field: str, system_crawls: dict[str, SystemCrawl]
) -> None:
    score = system_crawls[name].score
    assert score.exact[field] >= GOAL, (score.exact[field], score.wrong.get(field, [])[:3])
