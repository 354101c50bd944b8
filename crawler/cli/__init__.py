"""`jcrawl`: the command line (the commands are in crawler/cli/commands.py)."""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Sequence
from types import FrameType

from crawler.cli.common import EXIT_BROKEN_PIPE, Terminated, interrupted_exit_code


def main(argv: Sequence[str] | None = None) -> int:
    """Run `jcrawl`. Ctrl-C and SIGTERM end it with 130 and 143 and no traceback, even while it loads
    its libraries, which is why the commands are imported here rather than at the top. A closed output
    pipe (`jcrawl export | head`) ends it quietly."""
    signal.signal(signal.SIGTERM, _terminate)  # Scrapy puts its own in place while a crawl runs
    try:
        from crawler.cli.commands import run

        return run(argv)
    except KeyboardInterrupt as exc:
        # (to the process's stderr: a signal that lands as warcio's output is redirected, in
        # archive/records._warnings, can leave sys.stderr pointing at the redirect's buffer)
        print("jcrawl: interrupted", file=sys.__stderr__)
        return interrupted_exit_code(exc)
    except BrokenPipeError:
        # Python would complain again when it flushes stdout at exit: point stdout at /dev/null.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    finally:
        # A crawl's start-up (crawler/startup.py) ended before its first page, unless it failed first.
        if (startup := sys.modules.get("crawler.startup")) is not None:
            startup.end()


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise Terminated(signum)


if __name__ == "__main__":
    sys.exit(main())
