"""The bounded memo that extraction's pure helpers share across pages."""

from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.extract.blocks import _class_string
from crawler.extract.classes import class_flags, clean_class
from crawler.extract.marks import marked_class
from crawler.extract.memo import remember


def test_a_memo_returns_what_it_stores_and_never_holds_more_than_its_limit():
    memo: dict[str, int] = {}
    for n in range(10):
        assert remember(memo, f"class-{n}", n * 2, limit=3) == n * 2
        assert len(memo) <= 3
        assert memo.get(f"class-{n}") == n * 2  # the newest entry always survives an emptying


# Class tokens of the kinds the class rules treat apart: words of the tables, pairs, stems, taxonomy
# and state tokens clean_class drops, variant prefixes, mark words, `_` spellings, mixed case.
_TOKENS = (
    "entry-content", "col-md-6", "Share_Bar", "read_more", "read-more", "-read--more-", "socialShare",
    "tag-news", "category-x", "post-12", "has-sidebar", "header-style-2", "x-enable-y", "stylex",
    "md:hidden", "print:px-6", "hidden", "d-none", "posted_by", "Posted-By", "cat_links", "byline",
    "widget", "sidebar", "wp-caption-text", "is-open", "no-js", "İstanbul", "\u212aicker", "comments",
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_TOKENS) | st.text(max_size=12), max_size=5), st.sampled_from(" \t\n"))
def test_class_strings_read_token_by_token_read_as_the_whole_string_does(tokens, space):
    """The walk memoises a class string's verdicts token by token (blocks._class_string): the same as
    cleaning, flagging and testing for mark words the whole string at once."""
    raw = space.join(tokens)
    for _ in range(2):  # (once filling the token memo, once reading it)
        cleaned = clean_class(raw, "")
        assert _class_string(raw) == (cleaned, class_flags(cleaned) if cleaned else 0, marked_class(raw))
