"""Bytes -> text: find a page's character encoding the way browsers do, but distrust lying declarations.

Order: byte-order mark, HTTP `Content-Type` charset, `<meta charset>` / http-equiv, then detection.
A declaration is only believed when the bytes decode under it: a header saying UTF-8 over a
windows-1252 body falls through to the next candidate instead of producing mojibake, and a
Latin-1 label over bytes that are valid UTF-8 (a common server default) yields UTF-8.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator, Mapping

# Longest first: the UTF-32-LE mark starts with the UTF-16-LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_CHARSET_RE = re.compile(rb"""charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_META_RE = re.compile(rb"<meta\b[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.I)
_HEADER_CHARSET_RE = re.compile(r"""charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_ALIASES = {
    "latin_1": "cp1252",
    "ascii": "cp1252",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "iso8859_9": "cp1254",
    "iso8859_11": "cp874",
    "tis_620": "cp874",
    "euc_kr": "cp949",
    "shift_jis": "cp932",
}
_NON_ASCII = re.compile(rb"[\x80-\xff]")
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]+")


def normalise_label(label: str | bytes | None) -> str | None:
    """Python codec name for an encoding label (`"ISO-8859-1"` -> `"cp1252"`), None if unknown."""
    if not label:
        return None
    if isinstance(label, bytes):
        label = label.decode("ascii", "ignore")
    label = label.strip().strip("\"'").lower()
    if label in ("x-user-defined", "utf-7", "unicode"):  # never a real page encoding; UTF-7 is unsafe
        return None
    try:
        name = codecs.lookup(label).name
    except (LookupError, ValueError):
        return None
    name = name.replace("-", "_")
    name = _ALIASES.get(name, name)
    if name.startswith(("utf_16", "utf_32")):
        return None  # without a BOM these labels are always wrong for HTML (WHATWG treats them as UTF-8)
    return "utf-8" if name in ("utf_8", "utf_8_sig") else name


def header_value(headers: Mapping | None, name: str) -> str | None:
    """A header's value looked up case-insensitively; bytes and lists (Scrapy's Headers) are accepted."""
    if not headers:
        return None
    wanted = name.lower()
    try:
        items = headers.items()
    except Exception:
        return None
    for key, value in items:
        k = key.decode("latin-1") if isinstance(key, bytes) else str(key)
        if k.lower() != wanted:
            continue
        if isinstance(value, list | tuple):
            value = value[-1] if value else None
        if isinstance(value, bytes):
            value = value.decode("latin-1")
        return None if value is None else str(value)
    return None


def declared_encodings(body: bytes, headers: Mapping | None = None) -> Iterator[str]:
    """Encodings the page declares, most authoritative first (HTTP header, then meta tags), each once.

    Lazily: the meta tags are only read when the header declares nothing, or a wrong encoding.
    """
    found: list[str] = []
    content_type = header_value(headers, "content-type")
    if content_type:
        m = _HEADER_CHARSET_RE.search(content_type)
        if m and (enc := normalise_label(m.group(1))):
            found.append(enc)
            yield enc
    head = body[:4096]
    for m in _META_RE.finditer(head):
        enc = normalise_label(m.group(1))
        if enc and enc not in found:
            found.append(enc)
            yield enc


def _utf8(body: bytes, truncated: bool) -> str | None:
    """Strict UTF-8, tolerating a multi-byte sequence cut off by truncation."""
    try:
        if truncated:
            return codecs.getincrementaldecoder("utf-8")("strict").decode(body, final=False)
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _mostly_utf8(body: bytes) -> bool:
    """True when a body that fails strict UTF-8 is still UTF-8 with a few broken bytes."""
    sample = body[:1_000_000]
    valid = len(_UTF8_MULTIBYTE.findall(sample))
    total = len(_NON_ASCII.findall(sample))
    return valid > 0 and total - 2 * valid <= valid // 10


def _detect(body: bytes) -> str:
    """Best guess for an undeclared, non-UTF-8 body (charset-normalizer when installed)."""
    try:
        from charset_normalizer import from_bytes  # imported lazily: only undeclared legacy pages need it
    except ImportError:  # pragma: no cover - optional
        return "cp1252"
    try:
        best = from_bytes(body[:65536]).best()
    except Exception:
        return "cp1252"
    enc = normalise_label(best.encoding) if best is not None else None
    return enc or "cp1252"


def decode_html(body: bytes, headers: Mapping | None = None, truncated: bool = False) -> tuple[str, bool]:
    """Decode a page's bytes; returns (text, exact). Never raises.

    `exact` is true when `body` is `text` in UTF-8 byte for byte (ASCII, or strict UTF-8 not cut by
    truncation, without a BOM): a parser may then read the bytes themselves.
    """
    for bom, enc in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(enc, "replace"), False
    if body.isascii():
        return body.decode("ascii"), True
    for enc in declared_encodings(body, headers):
        if enc == "utf-8":
            text = _utf8(body, truncated)
            if text is not None:
                return text, not truncated
            continue  # the declaration lies: try the next one, then detection
        # Non-ASCII bytes that are all valid UTF-8 are never an accident of a legacy encoding.
        text = _utf8(body, truncated)
        if text is not None:
            return text, not truncated
        try:
            return body.decode(enc), False
        except UnicodeDecodeError:
            if enc == "cp1252":  # 5 undefined bytes; browsers map them through
                return body.decode("cp1252", "replace"), False
            continue
        except LookupError:  # pragma: no cover - normalise_label already looked it up
            continue
    text = _utf8(body, truncated)
    if text is not None:
        return text, not truncated
    if _mostly_utf8(body):
        return body.decode("utf-8", "replace"), False
    enc = _detect(body)
    return body.decode(enc, "replace"), False
