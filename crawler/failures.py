"""A request that got no usable response, described for the `errors` table."""

from __future__ import annotations

import gzip
import zlib

from scrapy.exceptions import IgnoreRequest
from twisted.python.failure import Failure

from archive.decoding import UndecodableBody


class Dropped(IgnoreRequest):
    """A request the crawl itself did not send (past --max-pages, a cluster worker whose Redis is lost),
    or a response it did not archive (stopping on a fatal error): the crawl's own end says why, and the
    URL is no error of the site's (its frontier entry stays, for the next run)."""


class Disallowed(IgnoreRequest):
    """A request robots.txt forbids (crawler/downloadermiddlewares/robotstxt.py): counted, no error."""


def not_an_error(failure: Failure) -> str | None:
    """Why a request that failed is not recorded in `errors`: "robots" (robots.txt forbids it, which
    the crawl counts), "dropped" (a Dropped request); None when it is an error."""
    if failure.check(Dropped):
        return "dropped"
    if failure.check(Disallowed):
        return "robots"
    return None


def describe(failure: Failure) -> tuple[str, str]:
    """The `errors` kind and message of a failed request: the exception's class, and what it says
    (`exception_message`). A body whose Content-Encoding cannot be decoded is kind `decoding` (its
    bytes, as sent, are in the WARC file).
    """
    kind, message = type(failure.value).__name__, exception_message(failure.value)
    if failure.check(zlib.error, gzip.BadGzipFile, EOFError, UndecodableBody):
        kind, message = "decoding", f"cannot decompress the body: {message}"
    return kind, message


def exception_message(exc: BaseException) -> str:
    """What an exception says; for a download that failed in Twisted, the underlying reasons it
    carries (a reset, a closed connection) spelled out instead of the reprs Scrapy's wrapper holds."""
    reasons = getattr(exc.__cause__, "reasons", None)
    if reasons:
        return "; ".join(_reason(r) for r in reasons)
    return str(exc) or type(exc).__name__


def _reason(reason: Failure) -> str:
    """One underlying reason of a failed download. A TLS failure is named as such with OpenSSL's
    reasons: pyOpenSSL's `Error` says only the repr of OpenSSL's error queue (`[('SSL routines', '',
    'wrong version number')]`), its subclasses an errno and a text (SysCallError) or nothing. Checked
    by name, so that describing a failure imports no TLS module."""
    if reason.check("OpenSSL.SSL.Error"):
        args = reason.value.args
        queue = args[0] if args else None
        if isinstance(queue, list) and queue and all(isinstance(e, tuple) and len(e) == 3 for e in queue):
            said = "; ".join(str(e[2] or e[0]) for e in queue)  # (library, function, reason)
        else:
            said = next((a for a in reversed(args) if isinstance(a, str) and a), reason.type.__name__)
        return f"TLS error: {said}"
    return f"{reason.type.__name__}: {reason.getErrorMessage()}"
