"""`jcrawl`: the command line (the commands are in crawler/cli/commands.py)."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Sequence

from crawler import interrupts
from crawler.cli.common import EXIT_BROKEN_PIPE, interrupted_exit_code


def main(argv: Sequence[str] | None = None) -> int:
    """Run `jcrawl`. Ctrl-C and SIGTERM end it with 130 and 143 and no traceback, even while it loads
    its libraries, which is why the commands are imported here rather than at the top. A closed output
    pipe (`jcrawl export | head`) ends it quietly."""
    interrupts.install()  # Scrapy puts its own handlers in place while a crawl runs
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


def program() -> None:
    """The `jcrawl` program: `main`, then exit with its code. A signal that comes once the command is
    done, as Python shuts down, does not change that code: Ctrl-C is ignored from then on, and SIGTERM
    ends the process at once (Python would report a KeyboardInterrupt raised there, or a signal that
    comes once it has put the default handlers back, by dying of it)."""
    code = main()
    with contextlib.suppress(OSError):  # a closed pipe (main has pointed stdout elsewhere already)
        sys.stdout.flush()
        sys.stderr.flush()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # (an ignored signal stays ignored as Python ends)
    signal.signal(signal.SIGTERM, lambda signum, frame: os._exit(code))
    sys.exit(code)


if __name__ == "__main__":
    program()
