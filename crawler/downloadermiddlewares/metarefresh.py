"""Meta refresh redirects, looked for only in pages whose first bytes name `refresh`."""

from __future__ import annotations

from scrapy import Request
from scrapy.downloadermiddlewares import redirect
from scrapy.http import Response

# bytes.lower's table (A-Z to a-z), which translate applies in a fifth less time than lower takes.
_ASCII_LOWER = bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ", b"abcdefghijklmnopqrstuvwxyz")


class MetaRefreshMiddleware(redirect.MetaRefreshMiddleware):
    """Scrapy's MetaRefreshMiddleware, which decodes a whole page to look for a `<meta http-equiv=
    refresh>` in its first 4,096 characters: here only a page whose first bytes name `refresh` is
    looked at (16 KiB hold 4,096 characters in any ASCII-compatible encoding; a page with NUL bytes
    there, UTF-16 or UTF-32, is looked at too)."""

    SCAN = 4 * 4096

    def process_response(self, request: Request, response: Response) -> Request | Response:
        head = response.body[: self.SCAN]
        if b"\x00" not in head and b"refresh" not in head.translate(_ASCII_LOWER):
            return response
        return super().process_response(request, response)
