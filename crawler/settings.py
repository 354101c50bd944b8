"""Scrapy settings for journal-crawler.

Everything here is a documented default; the CLI overrides them (`jcrawl crawl --concurrency ...`), and so
does `scrapy crawl journal -s NAME=VALUE`. Settings of our own start with `JCRAWL_` or `WARC_`.
"""

from scrapy.settings import default_settings as _scrapy_defaults

from archive.decoding import MAX_DECODED

BOT_NAME = "journal-crawler"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

# --- the archive directory ---------------------------------------------------------------------
# Holds journal.db and warc/*.warc.gz. The CLI sets it from --archive or $JCRAWL_ARCHIVE.
JCRAWL_ARCHIVE = "./data"
# Gzipped WARC files are rotated once they reach this size (bytes).
WARC_MAX_SIZE = 1_000_000_000
# File names are <prefix>-<UTC timestamp>-<serial>.warc.gz.
WARC_PREFIX = "jcrawl"
# Who runs the crawl, written into each warcinfo record.
WARC_OPERATOR = ""
# Write a `metadata` record (WARC-Concurrent-To its response) listing each extracted page's outlinks,
# as Heritrix does. Off by default: the outlinks can always be recomputed from the response itself
# (`jcrawl reparse` does), and the records add about a fifth to the archive's size.
WARC_METADATA_RECORDS = False

# --- politeness ----------------------------------------------------------------------------------
# Contact URL put into the User-Agent so site owners can reach the operator. The User-Agent is
# "journal-crawler/VERSION (+JCRAWL_CONTACT_URL)" unless USER_AGENT itself is set.
JCRAWL_CONTACT_URL = "https://github.com/journal-crawler/journal-crawler"
USER_AGENT = None
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
# Hosts on loopback are our own test and demo servers: no delay, full concurrency.
JCRAWL_LOOPBACK_EXEMPT = True
# The loopback slot's own limit is high so that CONCURRENT_REQUESTS alone bounds it.
DOWNLOAD_SLOTS = {"loopback": {"delay": 0, "concurrency": 256}}

# --- limits --------------------------------------------------------------------------------------
# Seconds before a download is given up (Scrapy's default is 180): connect, headers and body together.
DOWNLOAD_TIMEOUT = 30
# Bodies are cut at this many bytes, or this many seconds after their headers, and what arrived is
# kept: archived with WARC-Truncated (length / time) and recorded in `errors` as `truncated`
# (crawler/downloadermiddlewares/limits.py). JCRAWL_MAX_BODY_SECONDS should stay below DOWNLOAD_TIMEOUT. 0 =
# no limit.
JCRAWL_MAX_BODY_SIZE = 50 * 1024 * 1024
JCRAWL_MAX_BODY_SECONDS = 20
# Bodies cut short of their Content-Length by the server are kept too (WARC-Truncated: disconnect).
DOWNLOAD_FAIL_ON_DATALOSS = False
# Only the limit on a body's size after decompression (against compression bombs): the download
# itself is cut at JCRAWL_MAX_BODY_SIZE instead of being cancelled. 50 MB is the sitemaps.org limit.
DOWNLOAD_MAXSIZE = MAX_DECODED
DOWNLOAD_WARNSIZE = 20 * 1024 * 1024
# Longer redirect chains, and loops, end with an `errors` row naming the chain
# (crawler/downloadermiddlewares/redirect.py).
REDIRECT_MAX_TIMES = 10
# Retries of timeouts, connection errors and RETRY_HTTP_CODES (500, 502, 503, 504, 522, 524, 408, 429)
# wait JCRAWL_RETRY_BACKOFF * 2**(n-1) seconds (±50% jitter) before the n-th retry, or the response's
# Retry-After; a Retry-After beyond JCRAWL_RETRY_MAX_DELAY seconds is not retried
# (crawler/downloadermiddlewares/retry.py).
RETRY_TIMES = 3
JCRAWL_RETRY_BACKOFF = 1.0
JCRAWL_RETRY_MAX_DELAY = 60
# Deliver 4xx/5xx responses to the spider so they are recorded, not dropped silently.
HTTPERROR_ALLOW_ALL = True
# 0 = unlimited; the CLI's --max-depth sets DEPTH_LIMIT (--max-pages sets JCRAWL_MAX_REQUESTS, below).
CLOSESPIDER_PAGECOUNT = 0
DEPTH_LIMIT = 0
DEPTH_PRIORITY = 0

# --- crawler traps (crawler/policy/scope.py): links breaking these are not followed; 0 turns a rule off ---
JCRAWL_MAX_URL_LENGTH = 2048
JCRAWL_MAX_PATH_DEPTH = 16
# Times one path segment may occur in a path (/a/b/a/b/a/b/ has "a" three times).
JCRAWL_MAX_SEGMENT_REPEAT = 2
JCRAWL_MAX_QUERY_PARAMS = 12
JCRAWL_MAX_QUERY_LENGTH = 512
# Fetches per URL pattern (digits masked: /list?page=N) that may find nothing new (no new article, no
# link to a page not seen yet) before the pattern is cut: a calendar or an endless pagination stops
# after tens of fetches, whichever way it runs.
JCRAWL_PATTERN_BUDGET = 30

# --- crawl economy (crawler/policy/economy.py): links not followed by default; True restores each ---
# Links marked rel=nofollow, ugc or sponsored.
JCRAWL_FOLLOW_NOFOLLOW = False
# Comment views: ?replytocom= reply forms, ?cpage= and /comment-page-N/ (the article, comments paged).
JCRAWL_FOLLOW_COMMENT_PAGES = False
# A post's own comment feed (its URL + feed/), /comments/feed/.
JCRAWL_FOLLOW_COMMENT_FEEDS = False
# Login, logout, registration, admin and XML-RPC addresses.
JCRAWL_FOLLOW_ACCOUNT_PAGES = False
# Search results (?s=, /search/).
JCRAWL_FOLLOW_SEARCH_PAGES = False
# A page per attached image or file (?attachment_id=, rel=attachment, an article's URL + one segment).
JCRAWL_FOLLOW_ATTACHMENT_PAGES = False
# Regexes (Python `re.search` on the normalised URL) a page must match (--include) or must not
# (--exclude). --exclude applies to every URL but the start URL; --include not to robots.txt, the
# sitemaps it names and the feeds pages declare.
JCRAWL_INCLUDE: list[str] = []
JCRAWL_EXCLUDE: list[str] = []
# --max-pages: a hard cap on the requests sent, robots.txt and redirects included
# (crawler/downloadermiddlewares/cap.py).
# 0 = no cap.
JCRAWL_MAX_REQUESTS = 0

# --- page requisites (crawler/spidermiddlewares/requisites.py) ------------------------------------
# Fetch what each page needs to replay as it looked (stylesheets and their imports, scripts, images,
# fonts), once per crawl; never extracted as pages. False: the pages only (text-only crawls).
JCRAWL_REQUISITES = True
# Requisites are fetched from the crawl's own site; list other hosts (CDNs) to fetch theirs too, e.g.
# ["cdn.example.net", "fonts.gstatic.com"] (a host also allows its subdomains).
JCRAWL_REQUISITE_HOSTS: list[str] = []

# --- site profiles (crawler/site_profiles.py) ------------------------------------------------------
# A TOML profile by name (crawler/profiles/NAME.toml) or path; the CLI's --site sets it. Empty: the
# shipped profile whose hosts match the start URL, if any.
JCRAWL_SITE_PROFILE = ""
# Learn the site's boilerplate from its pages; a new profile version re-extracts its articles.
JCRAWL_LEARN_BOILERPLATE = True
# A block a crawl would learn becomes boilerplate only when the site's whole archive carries it: in at
# least JCRAWL_LEARN_MIN_PAGES articles (with as many distinct texts; an article's aliases count once)
# and JCRAWL_LEARN_MIN_SHARE of the site's articles. A quotation some articles share stays in them.
JCRAWL_LEARN_MIN_PAGES = 10
JCRAWL_LEARN_MIN_SHARE = 0.3

# --- updates (jcrawl update; crawler/policy/recheck.py, crawler/policy/plan.py) -------------------
# An update fetches the start pages, the pages they link to, robots.txt, sitemaps and feeds every run,
# and new URLs; a known article is fetched again (conditionally: If-None-Match / If-Modified-Since)
# when the days since its last fetch reach the interval for its age: {"age below, days": interval in
# days}, the first that fits, "older" for the rest (0 = every run). So by default: every run in its
# first 2 days, daily up to 30 days, weekly up to a year, then monthly.
JCRAWL_RECHECK_ARTICLES = {"2": 0, "30": 1, "365": 7, "older": 30}
# Other known pages (deeper listing pages, redirects, error pages) are checked every this many days.
# Any page whose sitemap lastmod changed since its last fetch is checked at once.
JCRAWL_RECHECK_PAGES = 7
# What the archive knows of a URL (its last capture, its article's date, its sitemap lastmod) is asked
# of the database as the URL comes up, not loaded at start: this many answers are kept in memory, so an
# update's memory does not grow with the archive.
JCRAWL_PLAN_MEMORY = 10_000
# Set by jcrawl: this run is an update (JCRAWL_UPDATE), the site's other start URLs, and the id of an
# interrupted crawl this run resumes (0: none).
JCRAWL_UPDATE = False
JCRAWL_START_URLS: list[str] = []
JCRAWL_RESUME = 0
# Set by jcrawl: the site as `jcrawl update` knows it ({"name", "start_urls", "settings"}), written into
# each warcinfo record so that `jcrawl reparse` can give a rebuilt database its `sites` back.
JCRAWL_SITE: dict = {}

# --- the pipeline --------------------------------------------------------------------------------
# Scrapy's HTTP/1.1 handler with a tap on each connection: the WARC records hold the status line,
# headers and body exactly as received, and the request as sent (crawler/handlers/wiretap.py). A lean
# client in front of it takes the well-formed GET exchanges for less CPU (bench/crawl.py), for http
# and for https under Scrapy's default TLS settings, and leaves it the rest
# (crawler/handlers/lean.py); JCRAWL_LEAN_HTTP = False leaves it everything.
DOWNLOAD_HANDLERS = {
    "http": "crawler.handlers.lean.LeanDownloadHandler",
    "https": "crawler.handlers.lean.LeanDownloadHandler",
}
JCRAWL_LEAN_HTTP = True
DOWNLOADER_MIDDLEWARES = {
    # Default headers, User-Agent and DOWNLOAD_TIMEOUT in one call per request instead of Scrapy's three
    # middlewares; and loopback hosts exempt from politeness (crawler/downloadermiddlewares/defaults.py).
    "scrapy.downloadermiddlewares.defaultheaders.DefaultHeadersMiddleware": None,
    "scrapy.downloadermiddlewares.useragent.UserAgentMiddleware": None,
    "scrapy.downloadermiddlewares.downloadtimeout.DownloadTimeoutMiddleware": None,
    "crawler.downloadermiddlewares.defaults.RequestDefaultsMiddleware": 400,
    # After robots.txt drops what it forbids, before the downloader stats count a request as sent.
    "crawler.downloadermiddlewares.cap.RequestCapMiddleware": 840,
    # robots.txt fetched once per host and crawl, the spider's request and the rules sharing it.
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.downloadermiddlewares.robotstxt.RobotsTxtOnceMiddleware": 100,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.downloadermiddlewares.retry.BackoffRetryMiddleware": 550,
    # Just before RedirectMiddleware (600) sees a response; then the body limits, next to the WARC writer.
    "crawler.downloadermiddlewares.redirect.RedirectGuardMiddleware": 610,
    # Scrapy's, giving back at once a response that is no redirect (downloadermiddlewares/redirect.py).
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "crawler.downloadermiddlewares.redirect.RedirectMiddleware": 600,
    # Content-Encoding decoded by the function `reparse` and `import` decode archived bodies with.
    "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": None,
    "crawler.downloadermiddlewares.decoding.ContentDecodingMiddleware": 590,
    # Scrapy's, looking only at pages that name `refresh` (it decoded every page to look).
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "crawler.downloadermiddlewares.metarefresh.MetaRefreshMiddleware": 580,
    "crawler.downloadermiddlewares.limits.BodyLimitMiddleware": 920,
    # Next to the downloader: sees each redirect hop and the body before decompression.
    "archive.middleware.WarcArchiveMiddleware": 950,
    # Scrapy's, each host decided once (crawler/downloadermiddlewares/offsite.py).
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
    "crawler.downloadermiddlewares.offsite.OffsiteMiddleware": 50,
    # Scrapy's, not called for requests and responses without cookies (downloadermiddlewares/cookies.py).
    "scrapy.downloadermiddlewares.cookies.CookiesMiddleware": None,
    "crawler.downloadermiddlewares.cookies.CookiesMiddleware": 700,
    # Scrapy's, not called for requests without a proxy (crawler/downloadermiddlewares/httpproxy.py).
    "scrapy.downloadermiddlewares.httpproxy.HttpProxyMiddleware": None,
    "crawler.downloadermiddlewares.httpproxy.HttpProxyMiddleware": 750,
    # Not used by this crawler, yet each costs a call per request: no spider or request sets HTTP auth.
    "scrapy.downloadermiddlewares.httpauth.HttpAuthMiddleware": None,
    # The same stats, sizes summed instead of each request serialised to be measured.
    "scrapy.downloadermiddlewares.stats.DownloaderStats": None,
    "crawler.downloadermiddlewares.stats.LeanDownloaderStats": 850,
}
# After Scrapy's own spider middlewares have filtered a page's requests: the persisted frontier; then
# (nearer the engine, so outside the frontier) the requests for each page's requisites.
SPIDER_MIDDLEWARES = {
    "crawler.frontier.FrontierMiddleware": 500,
    "crawler.spidermiddlewares.requisites.RequisitesMiddleware": 450,
    # Each spider middleware wraps every page's output in one more async generator. HttpErrorMiddleware
    # passes everything here (HTTPERROR_ALLOW_ALL: the spider records error statuses itself), and
    # MetaCopyDetectionMiddleware only warns of meta keys our requests never copy.
    "scrapy.spidermiddlewares.httperror.HttpErrorMiddleware": None,
    "scrapy.spidermiddlewares.metacopy.MetaCopyDetectionMiddleware": None,
    # The spider's own trap rule (JCRAWL_MAX_URL_LENGTH, crawler/policy/scope.py) checks every link it
    # follows against a shorter limit; requisites and redirects never passed through this one.
    "scrapy.spidermiddlewares.urllength.UrlLengthMiddleware": None,
    # Scrapy's, with one async generator around each page's output instead of three or four, and none
    # for the start requests' marker (crawler/spidermiddlewares/lean.py).
    "scrapy.spidermiddlewares.start.StartSpiderMiddleware": None,
    "crawler.spidermiddlewares.lean.StartRequestsMiddleware": 25,
    "scrapy.spidermiddlewares.referer.RefererMiddleware": None,
    "crawler.spidermiddlewares.lean.RefererMiddleware": 700,
    "scrapy.spidermiddlewares.depth.DepthMiddleware": None,
    "crawler.spidermiddlewares.lean.DepthMiddleware": 900,
}
ITEM_PIPELINES = {
    "crawler.pipelines.StorePipeline": 300,
}
# Scrapy's, a pipeline's plain result not wrapped in a coroutine to be awaited (crawler/scraper.py).
ITEM_PROCESSOR = "crawler.scraper.LeanItemPipelineManager"
# Scrapy starts this many asyncio workers for the output of every response; our pipeline is synchronous,
# so more than one only adds task overhead (the default, 100, costs ~10% of a crawl's CPU). With 1, the
# crawler's Scraper hands the output on in the response's own coroutine (crawler/scraper.py).
CONCURRENT_ITEMS = 1
# Scrapy re-reads each callback's source (inspect + ast) for every response to warn of a generator with
# a return value: 2% of a crawl's CPU, as the check's cache misses bound methods. Our callbacks have none.
WARN_ON_GENERATOR_RETURN_VALUE = False
# Rows are written to SQLite in batches of this many items, or JCRAWL_BATCH_SECONDS after the last
# write (so a killed crawl, which resumes from what the store holds, loses at most that much), and
# when the crawl ends.
JCRAWL_BATCH_SIZE = 200
JCRAWL_BATCH_SECONDS = 1.0

# --- the log (crawler/run/logs.py) ----------------------------------------------------------------------
# DIR/jcrawl.log is rotated when a line would take it past JCRAWL_LOG_MAX_BYTES (0: never), keeping
# JCRAWL_LOG_BACKUPS old logs (jcrawl.log.1 the newest, then .2 ...).
JCRAWL_LOG_MAX_BYTES = 10_000_000
JCRAWL_LOG_BACKUPS = 5

# --- housekeeping --------------------------------------------------------------------------------
LOG_LEVEL = "INFO"
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
FEED_EXPORT_ENCODING = "utf-8"

# --- memory (crawler/frontier/): what a crawl holds does not grow with the site -----------------------
# The scheduler keeps the crawl's frontier in the archive's database (the `frontier` table) and at most
# this many of its requests in memory; the others wait in the database and come back, best first, as
# the crawl drains them. It is also the duplicate filter: a URL already in the frontier is dropped.
SCHEDULER = "crawler.frontier.FrontierScheduler"
JCRAWL_SCHEDULER_MEMORY = 2000
# Frontier entries and marks buffered in memory before they are written (and at every batch of rows).
JCRAWL_FRONTIER_BUFFER = 1000
# Fingerprints of the URLs the spider has requested or set aside kept in memory (8 bytes each, plus
# the set's overhead); beyond them the frontier in the database answers.
JCRAWL_SEEN_MEMORY = 200_000
# Links (as written on the page) whose normalised URL is cached: menus and sidebars repeat on every page.
JCRAWL_HREF_CACHE = 20_000

# --- CPU (crawler/extensions/gc_tuning.py) --------------------------------------------------------
# Allocations between two collections of the youngest generation (Python's default: 700); the objects
# of start-up are frozen out of every collection. 0 leaves the garbage collector as Python set it.
JCRAWL_GC_THRESHOLD = 20_000
EXTENSIONS = {"crawler.extensions.gc_tuning.GcTuning": 0}
# Scrapy's extensions but its remote control and telnet console: both off (REMOTE_CONTROL_ENABLED,
# TELNETCONSOLE_ENABLED), yet their modules cost every crawl CPU to import: the remote control's ~0.15 s
# (aiohttp, an SSL context loading the system's CA certificates), the console's ~11 M instructions
# (Twisted's conch). Scrapy imports every extension it is told of, even one set to None, so they are
# left out of the base list; add "scrapy.extensions.remote_control.RemoteControl": 0 or
# "scrapy.extensions.telnet.TelnetConsole": 0 to EXTENSIONS (and enable it) to use one.
_LEFT_OUT = ("scrapy.extensions.remote_control.RemoteControl", "scrapy.extensions.telnet.TelnetConsole")
EXTENSIONS_BASE = {
    name: order for name, order in _scrapy_defaults.EXTENSIONS_BASE.items() if name not in _LEFT_OUT
}
# Scrapy's in-memory stats, without the deprecation shim it runs on every attribute read
# (crawler/extensions/stats.py).
STATS_CLASS = "crawler.extensions.stats.LeanStatsCollector"
# Scrapy's log messages, the per-response DEBUG ones built only when the log would keep them
# (crawler/extensions/logformatter.py).
LOG_FORMATTER = "crawler.extensions.logformatter.LeanLogFormatter"

# --- cores (crawler/extraction_pool.py) ------------------------------------------------------------
# Extraction runs in this many worker processes beside the reactor: -1, one per core (os.cpu_count());
# 0, in the crawler's own process. The records are the same either way.
JCRAWL_EXTRACT_WORKERS = -1
# They start once the crawl has extracted this many pages in its own process (0: at its first page past
# the start page): starting them costs about as much CPU as extracting a few hundred pages, which an
# update finding a few new articles never needs.
JCRAWL_EXTRACT_WORKERS_AFTER = 100
# Pages handed to a worker at once (it answers with their extractions at once); fewer once they have
# waited 0.1 s. A worker that sleeps before every page spends ~1.5x the CPU on each.
JCRAWL_EXTRACT_BATCH = 16

# --- the cluster (crawler/cluster/, docs/cluster.md): only with --cluster redis://HOST:PORT/DB ----------
# Sites one worker crawls at once (each leased: one worker per host, so per-host limits hold cluster-wide).
JCRAWL_CLUSTER_SITES = 4
# A worker's lease on a site, and its heartbeat, expire this many seconds after it last renewed them
# (it renews every JCRAWL_CLUSTER_TICK seconds): how long a killed worker's sites wait for another.
JCRAWL_CLUSTER_LEASE_SECONDS = 30.0
JCRAWL_CLUSTER_TICK = 2.0
# Frontier entries a worker takes from Redis at once (each pending for it until its page is stored).
JCRAWL_CLUSTER_BATCH = 32
# Each Redis command is retried this long (exponential backoff up to 1 s) before the worker gives up:
# a Redis restarted with its append-only file costs the crawl a pause, not a page.
JCRAWL_CLUSTER_RETRY_SECONDS = 60.0
# The seen-set of each site's crawl is a Bloom filter sized for this many URLs at this false-drop rate
# (a new URL taken as seen): 1.8 MB per site by default (crawler/cluster/bloom.py).
JCRAWL_CLUSTER_SEEN_CAPACITY = 1_000_000
JCRAWL_CLUSTER_SEEN_ERROR = 0.001
# Set by the worker for each crawl: the site, its Bloom filter's [bits, hashes] (from its seed), and
# the archive whose journal.db (built by `jcrawl ingest`) says what an update fetches (crawler/policy/plan.py)
# and which payloads the archive holds already (revisit records, archive/revisit.py); and the archive
# directory, whose databases (its own, each worker's) support what a site's crawl learned
# (crawler/cluster/learning.py).
JCRAWL_CLUSTER_SITE = ""
JCRAWL_CLUSTER_BLOOM: list[int] = []
JCRAWL_CLUSTER_ARCHIVE = ""
JCRAWL_PLAN_ARCHIVE = ""
