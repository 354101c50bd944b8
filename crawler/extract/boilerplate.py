"""What a site repeats: the fingerprint of a block's text, the signature of its place in the page, and
whether a site's profile learned it as boilerplate (the learner that learns it is learn.py)."""

from __future__ import annotations

import hashlib
import re
from typing import TYPE_CHECKING, Final

from crawler.extract.memo import remember

if TYPE_CHECKING:
    from crawler.extract.blocks import Block, Page
    from crawler.extract.profile import SiteProfile

# Words without digits: a digit run splits a word and is left out ("read : 1293" and "read : 87" are
# one text).
_WORD: Final = re.compile(r"[^\W\d]+")
_DIGITS: Final = re.compile(r"\d+")
# Memo of path_signature: the tags and classes it reads -> the signature (a site's text blocks sit in
# the same few places on every page).
_SIGNATURES: Final[dict[tuple[str, ...], str]] = {}
# The same words of ASCII text, lower-cased, in one table lookup per byte (bytes.translate, several
# times faster than the regex): upper-case letters to lower case, every byte outside [a-z_] to a space.
# (The bytes from 128 up never occur.)
_ASCII_WORD_BYTES: Final = bytes(
    ord(chr(c).lower()) if c < 128 and (chr(c).isalpha() or c == 95) else 32 for c in range(256)
)


def fingerprint(text: str) -> str | None:
    """Stable id of a text block: its words lower-cased, digits left out; None for trivial text."""
    if text.isascii():
        data = text.encode("ascii").translate(_ASCII_WORD_BYTES).split()
        if len(data) < 2:
            return None
        return hashlib.blake2b(b" ".join(data), digest_size=8).hexdigest()
    words = _WORD.findall(text.lower())
    if len(words) < 2:
        return None
    return hashlib.blake2b(" ".join(words).encode("utf-8"), digest_size=8).hexdigest()


def path_signature(page: Page, block: Block, depth: int = 4) -> str:
    """`div.entry-content>p.post-views`-style path of a block's owner (classes cleaned, digits `#`)."""
    steps: list[str] = []  # the tag and the classes of the owner, then of each ancestor read
    idx = block.owner
    while idx >= 0 and len(steps) < 2 * depth:
        tag = page.tags[idx]
        steps.append(tag)
        steps.append(page.classes[idx])
        if tag in ("body", "article", "main"):
            break
        idx = page.parents[idx]
    key = tuple(steps)
    signature = _SIGNATURES.get(key)
    if signature is None:
        signature = remember(_SIGNATURES, key, _signature(steps))
    return signature


def _signature(steps: list[str]) -> str:
    """The path signature of the (tag, classes) pairs `steps`, from the owner up."""
    parts = []
    for k in range(len(steps) - 2, -1, -2):  # from the outermost element read down to the owner
        tag, cls = steps[k], steps[k + 1]
        parts.append(f"{tag}.{'.'.join(sorted(cls.split()[:3]))}" if cls else tag)
    return _DIGITS.sub("#", ">".join(parts))


def is_learned_boilerplate(page: Page, block: Block, profile: SiteProfile) -> bool:
    """True when the profile learned this block's text or DOM path as the site's boilerplate."""
    if profile.boilerplate_texts:
        fp = fingerprint(block.text)
        if fp and fp in profile.boilerplate_texts:
            return True
    return bool(profile.boilerplate_paths) and path_signature(page, block) in profile.boilerplate_paths
