"""The bounded memo that extraction's pure helpers share across pages."""

from crawler.extract.memo import remember


def test_a_memo_returns_what_it_stores_and_never_holds_more_than_its_limit():
    memo: dict[str, int] = {}
    for n in range(10):
        assert remember(memo, f"class-{n}", n * 2, limit=3) == n * 2
        assert len(memo) <= 3
        assert memo.get(f"class-{n}") == n * 2  # the newest entry always survives an emptying
