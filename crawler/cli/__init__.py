"""`jcrawl`: the command line (the commands are in crawler/cli/commands.py)."""

from __future__ import annotations

import sys
from collections.abc import Sequence

EXIT_INTERRUPTED = 130  # Ctrl-C, as a shell reports it


def main(argv: Sequence[str] | None = None) -> int:
    """Run `jcrawl`. Ctrl-C ends it with no traceback, even while it loads its libraries (Scrapy, lxml,
    warcio: about half a second), which is why they are imported here rather than at the top."""
    try:
        from crawler.cli.commands import run

        return run(argv)
    except KeyboardInterrupt:
        print("jcrawl: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
