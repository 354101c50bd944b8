"""Readable differences between two versions of an article (`jcrawl history`)."""

from __future__ import annotations

import difflib
import re
from typing import Any

# A sentence ends at . ! or ? followed by space and a capital, a digit or a quote.
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'“‘])")


def text_lines(title: str | None, body: str) -> list[str]:
    """An article as lines to compare: the title, then one sentence per line, a blank line between
    paragraphs, so that a diff shows the sentences that changed rather than whole paragraphs."""
    lines = [title or "(no title)", ""]
    for paragraph in body.split("\n\n"):
        lines.extend(SENTENCE_END.split(" ".join(paragraph.split())))
        lines.append("")
    return lines[:-1]


def version_diff(old: dict[str, Any], new: dict[str, Any]) -> str:
    """A unified diff (difflib) from version `old` to version `new` (rows of Store.versions)."""
    diff = difflib.unified_diff(
        text_lines(old["title"], old["body"] or ""),
        text_lines(new["title"], new["body"] or ""),
        fromfile=f"version {old['version']} (first seen {old['seen_at']})",
        tofile=f"version {new['version']} (first seen {new['seen_at']})",
        lineterm="",
    )
    return "\n".join(diff)
