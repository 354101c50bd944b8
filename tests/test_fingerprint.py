"""The fingerprint the site-profile learner counts a text block by (crawler/extract/boilerplate.py)."""

import hashlib
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.extract.boilerplate import fingerprint


def _reference(text: str) -> str | None:
    """The fingerprint as specified: the words (`[^\\W\\d]+`) of the lower-cased text, hashed."""
    words = re.findall(r"[^\W\d]+", text.lower())
    return hashlib.blake2b(" ".join(words).encode(), digest_size=8).hexdigest() if len(words) > 1 else None


def test_a_counter_line_has_one_fingerprint_whatever_its_number():
    assert fingerprint("Number of times this article was read : 1293") == fingerprint(
        "number of times THIS article was read: 87"
    )
    assert fingerprint("Read 1293") is None  # one word: too little to learn
    assert fingerprint("Share_this story") != fingerprint("Share this story")  # `_` is part of a word


# ASCII text (the table path) with every kind of byte, and any text (the regex path).
_ASCII = st.text(st.characters(max_codepoint=127), max_size=80)
_WORDS = st.lists(st.sampled_from(["Read", "ALL", "of_it", "42", "x9y", "\t", "\x0b", "\x1c", " ", ":", "É"]))


@settings(max_examples=500, deadline=None)
@given(_ASCII | st.text(max_size=80) | _WORDS.map("".join))
def test_the_fingerprint_is_that_of_the_words_of_the_lower_cased_text(text):
    assert fingerprint(text) == _reference(text)
