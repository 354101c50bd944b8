"""The bounded memo that extraction's pure helpers share across pages."""

from crawler.extract.memo import Memo


def test_memo_returns_what_it_stores_and_never_holds_more_than_its_limit():
    memo = Memo(3)
    for n in range(10):
        assert memo.put(f"class-{n}", n * 2) == n * 2
        assert len(memo) <= 3
        assert memo.get(f"class-{n}") == n * 2  # the newest entry always survives a clearing
