"""Where a run's log lines go: all of them to `DIR/jcrawl.log` (rotated by size), and to stderr only
what the person or the cron mail should see.

On a terminal and under cron (no terminal) stderr gets warnings and errors, one line each, without
tracebacks (those are in the log file); Scrapy's INFO lines go to the log file only. With `--quiet`
nothing is logged to stderr: the command's one line on stdout says how the run went. Nothing below
INFO is logged at all. `jcrawl crawl`, `update`, `demo` and `worker` all set this up alike.
"""

from __future__ import annotations

import logging
import sys
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import Any

LOG_FILE = "jcrawl.log"
LOG_FORMAT = "%(asctime)s [%(name)s] %(levelname)s: %(message)s"
SILENT = logging.CRITICAL + 10  # above every level: nothing reaches stderr
FILE_ONLY = "jcrawl_file_only"  # logger.error(..., extra={FILE_ONLY: True}): for the log file alone


def configure_logging(archive: Path, console_level: int, max_bytes: int, backups: int) -> None:
    """Log everything at INFO and above to DIR/jcrawl.log, and to stderr at `console_level`.

    The log file is rotated when it would grow beyond `max_bytes` (0: never), keeping `backups` old
    ones (jcrawl.log.1 is the newest). Raises OSError when the file cannot be opened (the archive
    cannot be written); a write that fails later (a full disk) is said once on stderr and the run
    goes on.
    """
    file_handler = _LogFile(
        archive / LOG_FILE, maxBytes=max(max_bytes, 0), backupCount=max(backups, 0), encoding="utf-8"
    )
    file_handler.setLevel(logging.INFO)
    file_handler.setFormatter(logging.Formatter(LOG_FORMAT))
    console = logging.StreamHandler(sys.stderr)
    console.setLevel(console_level)
    console.setFormatter(_OneLine(LOG_FORMAT))
    console.addFilter(lambda record: not getattr(record, FILE_ONLY, False))
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    # Nothing below INFO is built in this process. Scrapy's own set-up, run by every CrawlerProcess
    # (a crawl's, a cluster worker's) after this one, sets its logger to DEBUG: a record of every page
    # crawled and item scraped, made only for these handlers to drop. Unlike a logger's level, this
    # holds through that set-up.
    logging.disable(logging.DEBUG)
    for handler in list(root.handlers):
        root.removeHandler(handler)
        handler.close()
    root.addHandler(file_handler)
    root.addHandler(console)


class _OneLine(logging.Formatter):
    """A log line for stderr: the message and, for an exception, its type and what it says (as the
    errors table says it); no traceback."""

    def format(self, record: logging.LogRecord) -> str:
        line = super().formatMessage(self._with_message(record))
        if record.exc_info and record.exc_info[1] is not None:
            exc = record.exc_info[1]
            said = _said(exc)
            line += f" ({type(exc).__name__}: {said.splitlines()[0] if said else ''})"
        return line.replace("\n", " ")

    def _with_message(self, record: logging.LogRecord) -> logging.LogRecord:
        record.message = _readable_message(record)
        if self.usesTime():
            record.asctime = self.formatTime(record, self.datefmt)
        return record


def _readable_message(record: logging.LogRecord) -> str:
    """The record's message, an exception among its arguments said as `errors` says it: Scrapy's
    retry middleware gives up with the download's exception, whose text is a list of Twisted reprs
    (`[<twisted.python.failure.Failure twisted.internet.error.ConnectionDone: ...>]`)."""
    args = record.args
    if isinstance(args, dict):
        args = {name: _said(value) for name, value in args.items()}
    elif isinstance(args, tuple):
        args = tuple(_said(value) for value in args)
    message = str(record.msg)
    return message % args if args else message


def _said(value: Any) -> Any:
    """An exception as the errors table says it (crawler/failures.py); any other value as it is."""
    if not isinstance(value, BaseException):
        return value
    from crawler.failures import exception_message  # (Twisted and Scrapy: not for every command)

    return exception_message(value)


class _LogFile(RotatingFileHandler):
    """The log file in the archive; if it cannot be written (a full disk), say so once and go on."""

    failed = False

    def handleError(self, record: logging.LogRecord) -> None:
        if not self.failed:
            self.failed = True
            print(f"jcrawl: cannot write {self.baseFilename}; logging to stderr only", file=sys.stderr)
