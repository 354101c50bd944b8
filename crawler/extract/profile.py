"""Site profiles: what we know about one site, declared (TOML) and learned (boilerplate fingerprints).

A `SiteProfile` is plain data, immutable in use, and serialisable to JSON so the store can keep every
version in a table: re-extracting a WARC record with the profile version it was extracted with gives
the same Article. Declarative fields come from TOML files::

    name = "north-africa"
    hosts = ["north-africa.com"]
    start_urls = ["https://north-africa.com/"]
    article_url_patterns = ['^https?://(www\\.)?north-africa\\.com/\\d{4}/\\d{2}/[^/]+/?$']
    keep_selectors = [".et_pb_post_content", ".entry-content"]   # the article body container
    drop_selectors = [".et_social_inline", ".post-views"]        # boilerplate inside it
    date_format = "%d %B %Y"                                      # visible dates, strptime syntax

Learned fields (`boilerplate_texts`, `boilerplate_paths`) are produced by `crawler.extract.learn`.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, fields, replace
from functools import cached_property
from pathlib import Path
from typing import Any

PROFILE_DIR = Path(__file__).resolve().parent.parent / "profiles"
FORMAT = 1  # bump when the JSON layout changes incompatibly


@dataclass(frozen=True)
class SiteProfile:
    """Declarative settings and learned boilerplate for one site.

    - `name`: profile name (`--site NAME`), `hosts`: hosts it applies to (without `www.`).
    - `start_urls`, `article_url_patterns` (regexes on the full URL): for the spider, and to force
      `is_article` on matching URLs.
    - `keep_selectors`: CSS selectors of the article body container, first match wins.
    - `drop_selectors`: CSS selectors of boilerplate removed from the body (and its links typed nav).
    - `date_format`: `strptime` format of visible dates, or "dayfirst"/"monthfirst" for numeric ones.
    - `boilerplate_texts`: fingerprints (see `boilerplate.fingerprint`) of text blocks learned as boilerplate.
    - `boilerplate_paths`: DOM path signatures (see `boilerplate.path_signature`) learned as boilerplate.
    - `version`: increases each time the learned part changes; stored with every extracted record.
    """

    name: str = ""
    hosts: tuple[str, ...] = ()
    start_urls: tuple[str, ...] = ()
    article_url_patterns: tuple[str, ...] = ()
    keep_selectors: tuple[str, ...] = ()
    drop_selectors: tuple[str, ...] = ()
    date_format: str | None = None
    boilerplate_texts: frozenset[str] = frozenset()
    boilerplate_paths: frozenset[str] = frozenset()
    version: int = 0
    pages_seen: int = 0  # pages the learner had seen when this version was made

    # -- derived, compiled once per profile object ---------------------------------------------------
    def __getstate__(self) -> dict[str, Any]:
        # The fields only: the compiled selectors and patterns (cached properties) are rebuilt where the
        # profile goes (an extraction worker), and lxml's XPath objects cannot be pickled.
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @cached_property
    def keep_xpaths(self) -> tuple:
        return _compile_css(self.keep_selectors)

    @cached_property
    def drop_xpaths(self) -> tuple:
        return _compile_css(self.drop_selectors)

    @cached_property
    def article_res(self) -> tuple[re.Pattern, ...]:
        out = []
        for pattern in self.article_url_patterns:
            try:
                out.append(re.compile(pattern))
            except re.error:
                continue
        return tuple(out)

    @cached_property
    def date_pattern(self) -> re.Pattern | None:
        """Regex for visible dates written in `date_format` (None for "dayfirst"/"monthfirst")."""
        from crawler.extract.dates import format_pattern

        return format_pattern(self.date_format)

    @property
    def has_learned(self) -> bool:
        return bool(self.boilerplate_texts or self.boilerplate_paths)

    def matches_article_url(self, url: str) -> bool:
        return any(r.search(url) for r in self.article_res)

    def dayfirst(self) -> bool | None:
        """How to read numeric dates like 05/08/2023, from `date_format`."""
        fmt = (self.date_format or "").lower()
        if fmt in ("dayfirst", "monthfirst"):
            return fmt == "dayfirst"
        if "%d" in fmt and "%m" in fmt:
            return fmt.index("%d") < fmt.index("%m")
        return None

    # -- serialisation -------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (sorted sets, so equal profiles serialise identically)."""
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        for key, value in data.items():
            if isinstance(value, frozenset):
                data[key] = sorted(value)
            elif isinstance(value, tuple):
                data[key] = list(value)
        data["format"] = FORMAT
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SiteProfile:
        """Build from a dict (JSON or TOML); unknown keys are ignored, lists become tuples/sets."""
        known = {f.name: f for f in fields(cls)}
        kwargs: dict[str, Any] = {}
        for key, value in data.items():
            if key not in known:
                continue
            if key in ("boilerplate_texts", "boilerplate_paths"):
                value = frozenset(str(v) for v in value or ())
            elif key in ("hosts", "start_urls", "article_url_patterns", "keep_selectors", "drop_selectors"):
                if isinstance(value, str):
                    value = [value]
                value = tuple(str(v) for v in value or ())
                if key == "hosts":
                    value = tuple(h.lower().removeprefix("www.") for h in value)
            elif key in ("version", "pages_seen"):
                value = int(value)
            kwargs[key] = value
        return cls(**kwargs)

    @classmethod
    def from_json(cls, text: str) -> SiteProfile:
        return cls.from_dict(json.loads(text))

    def with_learned(self, texts: frozenset[str], paths: frozenset[str], pages_seen: int) -> SiteProfile:
        """A new version carrying these learned sets (the same object if nothing changed)."""
        if texts == self.boilerplate_texts and paths == self.boilerplate_paths:
            return self
        return replace(
            self,
            boilerplate_texts=texts,
            boilerplate_paths=paths,
            version=self.version + 1,
            pages_seen=pages_seen,
        )


def _compile_css(selectors: tuple[str, ...]) -> tuple:
    """CSS -> compiled lxml XPath; an invalid selector is skipped rather than failing extraction."""
    if not selectors:
        return ()
    from cssselect import GenericTranslator, SelectorError  # only profiles with selectors need it
    from lxml import etree

    translator = GenericTranslator()
    out = []
    for css in selectors:
        try:
            out.append(etree.XPath(translator.css_to_xpath(css)))
        except (SelectorError, etree.XPathSyntaxError, ValueError):
            continue
    return tuple(out)


def load_profile(name_or_path: str | Path) -> SiteProfile:
    """Load a TOML profile by name (`crawler/profiles/NAME.toml`) or from a path.

    Raises FileNotFoundError when there is no such profile, ValueError when the TOML is invalid.
    """
    path = Path(name_or_path)
    if not path.suffix and not path.exists():
        path = PROFILE_DIR / f"{name_or_path}.toml"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{path}: {exc}") from exc
    data.setdefault("name", path.stem)
    return SiteProfile.from_dict(data)


def available_profiles() -> list[str]:
    """Names of the profiles shipped in `crawler/profiles/`."""
    return sorted(p.stem for p in PROFILE_DIR.glob("*.toml"))


def profile_for_url(url: str, profiles: list[SiteProfile]) -> SiteProfile | None:
    """The first profile whose `hosts` include the URL's host (or a parent domain of it)."""
    from crawler.extract.urls import host_of

    host = host_of(url)
    for profile in profiles:
        for h in profile.hosts:
            if host == h or host.endswith("." + h):
                return profile
    return None
