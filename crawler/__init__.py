"""journal-crawler: a Scrapy project that archives journals to WARC and stores clean articles in SQLite."""

import os

__version__ = "0.1.0"

# Scrapy's cookie middleware checks a cookie's Domain against the Public Suffix List with tldextract,
# which downloads the list (publicsuffix.org, then a GitHub mirror) the first time a cookie names a
# domain: from the reactor's thread, with no timeout, to hosts the crawl was never asked to visit. The
# list bundled with tldextract is used instead (an empty URL list: tldextract >= 5.4 reads it when
# Scrapy's module builds its extractor). Set the variable to URLs to have a fresh list fetched.
os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
