"""WordPress from Debian's package, served on 127.0.0.1 by nginx, PHP-FPM and MariaDB that the tests
start with private configurations, and filled with the corpus (tests/systems/corpus.py) through
WordPress's own PHP API (load.php).

Two sites share one database (two table prefixes) and differ as two real journals would: the
classic default theme (twentytwentyone) in Paris time with day-based permalinks, and the block
default theme (twentytwentythree) in Toronto time with month-based permalinks. Comment paging and
threading are on.

Building the sites takes about a minute, so the database and the uploads are built once per content
generator (a hash of corpus.py, load.php and the sites' settings) into a cache directory, and each session
copies them: tests may change their copy (`WordPress.apply`) freely.

Debian's /usr/share/wordpress/wp-config.php reads /etc/wordpress/config-HOST.php. We leave /etc
alone: a private docroot links every file of /usr/share/wordpress but wp-config.php, which it has of
its own, and PHP-FPM prepends a bootstrap defining ABSPATH as that docroot.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tests.helpers import free_port
from tests.systems import services
from tests.systems.corpus import corpus

HERE = Path(__file__).resolve().parent
WORDPRESS = Path("/usr/share/wordpress")
THEMES = WORDPRESS / "wp-content" / "themes"
# Where a site lives while it is built: rewritten to the served address when it is served.
BUILD_HOME = "http://127.0.0.1:1"
DATABASE, DB_USER, DB_PASSWORD = "wordpress", "wp", "wp-test-only"
CORPUS_SEED = 1


@dataclass(frozen=True)
class SiteSettings:
    """How one WordPress site is set up (the options a journal's admin would choose)."""

    name: str
    theme: str
    timezone: str
    permalinks: str
    date_format: str
    time_format: str
    title: str
    tagline: str
    comments_per_page: int = 5


SITES = (
    SiteSettings(
        "classic",
        "twentytwentyone",
        "Europe/Paris",
        "/%year%/%monthnum%/%day%/%postname%/",
        "F j, Y",
        "g:i a",
        "The Morning Ledger",
        "News from the coast and the mountains",
    ),
    SiteSettings(
        "block",
        "twentytwentythree",
        "America/Toronto",
        "/%year%/%monthnum%/%postname%/",
        "j F Y",
        "H:i",
        "Evening Courier",
        "Independent journalism since 1921",
    ),
)


def require_wordpress() -> None:
    """Skip unless Debian's WordPress, its themes, MariaDB, PHP-FPM and nginx are installed."""
    services.require(*services.MARIADB, services.PHP_FPM, services.NGINX, "php")
    if not all((THEMES / s.theme).is_dir() for s in SITES):
        services.require("wordpress (Debian package with themes twentytwentyone, twentytwentythree)")


def cache_root() -> Path:
    """Where built fixtures are kept between sessions ($JCRAWL_TEST_CACHE, else ~/.cache)."""
    default = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "journal-crawler-tests"
    return Path(os.environ.get("JCRAWL_TEST_CACHE", default))


def generator_key() -> str:
    """A hash of what makes the sites: the corpus generator, the loader, the sites' settings, and the
    versions of WordPress and of PHP's extensions."""
    digest = hashlib.sha256(repr((SITES, CORPUS_SEED, BUILD_HOME)).encode())
    for path in (HERE / "load.php", HERE.parent / "corpus.py", WORDPRESS / "wp-includes/version.php"):
        digest.update(path.read_bytes())
    digest.update(subprocess.run(["php", "-m"], capture_output=True).stdout)
    return digest.hexdigest()[:16]


# --- the docroot and the PHP side --------------------------------------------------------------------
def make_docroot(run: Path, socket: Path) -> Path:
    """A docroot linking Debian's WordPress, with a wp-config.php of its own; returns the bootstrap
    PHP file that PHP-FPM and the CLI prepend."""
    docroot, content = run / "docroot", run / "wp-content"
    docroot.mkdir(parents=True, exist_ok=True)
    for entry in WORDPRESS.iterdir():
        link = docroot / entry.name
        if entry.name not in ("wp-config.php", "wp-content", ".htaccess") and not link.exists():
            link.symlink_to(entry)
    (content / "themes").mkdir(parents=True, exist_ok=True)
    (content / "plugins").mkdir(exist_ok=True)
    for site in SITES:
        link = content / "themes" / site.theme
        if not link.exists():
            link.symlink_to(THEMES / site.theme)
    if not (docroot / "wp-content").exists():
        (docroot / "wp-content").symlink_to(content)
    salts = "".join(
        f"define('{name}', '{hashlib.sha256(name.encode()).hexdigest()}');\n"
        for name in ("AUTH_KEY", "SECURE_AUTH_KEY", "LOGGED_IN_KEY", "NONCE_KEY", "AUTH_SALT",
                     "SECURE_AUTH_SALT", "LOGGED_IN_SALT", "NONCE_SALT")
    )  # fmt: skip
    (docroot / "wp-config.php").write_text(
        f"""<?php
// Which of the sites this request is for: nginx's fastcgi_param, or the CLI's environment.
$jcrawl_site = $_SERVER['JCRAWL_WP_SITE'] ?? getenv('JCRAWL_WP_SITE');
if (!preg_match('/^[a-z]+$/', (string) $jcrawl_site)) {{ http_response_code(500); exit("no site\\n"); }}
define('DB_NAME', '{DATABASE}');
define('DB_USER', '{DB_USER}');
define('DB_PASSWORD', '{DB_PASSWORD}');
define('DB_HOST', 'localhost:{socket}');
define('DB_CHARSET', 'utf8mb4');
define('DB_COLLATE', '');
$table_prefix = $jcrawl_site . '_';
define('WP_CONTENT_DIR', '{content}');
define('UPLOADS', 'wp-content/uploads-' . $jcrawl_site);
define('DISABLE_WP_CRON', true);          // no loopback requests of its own
define('AUTOMATIC_UPDATER_DISABLED', true);
define('WP_HTTP_BLOCK_EXTERNAL', true);   // never the network
define('WP_DEBUG', false);
{salts}require_once ABSPATH . 'wp-settings.php';
"""
    )
    bootstrap = run / "bootstrap.php"
    bootstrap.write_text(
        f"""<?php
if (!defined('ABSPATH')) define('ABSPATH', '{docroot}/');
if (PHP_SAPI === 'cli') {{
    $_SERVER['HTTP_HOST'] = $_SERVER['HTTP_HOST'] ?? '127.0.0.1';
    $_SERVER['SERVER_NAME'] = $_SERVER['SERVER_NAME'] ?? '127.0.0.1';
    $_SERVER['REQUEST_URI'] = $_SERVER['REQUEST_URI'] ?? '/';
}}
"""
    )
    return bootstrap


def php(bootstrap: Path, site: str, *args: str, now: int | None = None) -> dict:
    """Run load.php for one site with the PHP CLI; what it prints (JSON)."""
    env = dict(os.environ, JCRAWL_WP_SITE=site)
    if now is not None:
        env["JCRAWL_NOW"] = str(now)
    command = ["php", "-d", f"auto_prepend_file={bootstrap}", "-d", "memory_limit=512M", HERE / "load.php"]
    done = subprocess.run([*map(str, command), *args], capture_output=True, text=True, env=env)
    if done.returncode != 0:
        output = done.stderr[-3000:] + done.stdout[-2000:]
        raise RuntimeError(f"load.php {args[0]} failed ({done.returncode}): {output}")
    return json.loads(done.stdout[done.stdout.index("{") :])


# --- building and caching ---------------------------------------------------------------------------
def built() -> Path:
    """The cached build (a MariaDB data directory, the uploads, each site's truth), built if missing."""
    root = cache_root()
    root.mkdir(parents=True, exist_ok=True)
    target = root / f"wordpress-{generator_key()}"
    with open(root / "wordpress.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one build at a time, even across parallel sessions
        if not (target / "done").exists():
            shutil.rmtree(target, ignore_errors=True)
            work = root / f"building-{os.getpid()}"
            shutil.rmtree(work, ignore_errors=True)
            build(work)
            work.rename(target)
    return target


def build(work: Path) -> None:
    """Install WordPress twice (one site per theme) into a new database and fill both with the corpus."""
    services.install_mariadb(work / "datadir")
    with services.mariadb(work / "datadir", work / "run") as socket:
        services.sql(
            socket,
            f"CREATE DATABASE {DATABASE} CHARACTER SET utf8mb4; "
            f"CREATE USER '{DB_USER}'@'localhost' IDENTIFIED BY '{DB_PASSWORD}'; "
            f"GRANT ALL ON {DATABASE}.* TO '{DB_USER}'@'localhost';",
        )
        bootstrap = make_docroot(work / "run", socket)
        data = work / "run" / "corpus.json"
        data.write_text(json.dumps(corpus(CORPUS_SEED), ensure_ascii=False))
        now = int(time.time())
        for site in SITES:
            settings = work / "run" / f"settings-{site.name}.json"
            settings.write_text(
                json.dumps(
                    {
                        "name": site.title,
                        "tagline": site.tagline,
                        "home": BUILD_HOME,
                        "timezone": site.timezone,
                        "permalinks": site.permalinks,
                        "theme": site.theme,
                        "date_format": site.date_format,
                        "time_format": site.time_format,
                        "comments_per_page": site.comments_per_page,
                    }
                )
            )
            php(bootstrap, site.name, "install", str(settings), str(data), now=now)
    uploads = work / "run" / "wp-content"
    shutil.move(uploads, work / "wp-content")
    shutil.rmtree(work / "run")
    (work / "done").write_text(str(now))


# --- serving -------------------------------------------------------------------------------------------
@dataclass
class WordPressSite:
    """One served site: its settings, address and the access log lines of its port."""

    settings: SiteSettings
    url: str
    port: int
    wordpress: WordPress

    system = "wordpress"

    @property
    def name(self) -> str:
        return self.settings.name

    @property
    def theme(self) -> str:
        return self.settings.theme

    def truth(self) -> dict:
        """What the site shows now, from WordPress itself (see load.php `truth`), with each post's
        comment pages (`comment_page_urls`: /comment-page-N/ when its comments take several pages)."""
        truth = self.wordpress.php(self.name, "truth")
        comments = {p["serial"]: [c["text"] for c in p["comments"]] for p in corpus(CORPUS_SEED)["posts"]}
        for post in truth["posts"]:
            pages = post["comment_pages"] if post["comments"] else 0
            post["comment_page_urls"] = [f"{post['permalink']}comment-page-{n}/" for n in range(1, pages + 1)]
            post["comment_texts"] = comments.get(post["serial"], [])
        return truth

    def apply(self, changes: dict, now: int | None = None) -> dict:
        """Edit the site through WordPress's API (new posts, edits, comments); its truth afterwards."""
        path = self.wordpress.run / f"changes-{self.name}-{time.monotonic_ns()}.json"
        path.write_text(json.dumps(changes, ensure_ascii=False))
        return self.wordpress.php(self.name, "apply", str(path), now=now)

    def requests(self) -> list[tuple[str, int]]:
        """(request target, status) of each request nginx answered on this site's port so far."""
        return services.requests_on(self.wordpress.access_log, self.port)


@dataclass
class WordPress:
    """The running servers and the sites they serve."""

    run: Path
    bootstrap: Path
    access_log: Path
    sites: dict[str, WordPressSite] = field(default_factory=dict)

    def php(self, site: str, *args: str, now: int | None = None) -> dict:
        return served(php(self.bootstrap, site, *args, now=now), self.sites[site].url)


def served(truth: dict, url: str) -> dict:
    """A truth made at the build address, with the served address instead."""
    return json.loads(json.dumps(truth, ensure_ascii=False).replace(BUILD_HOME + "/", url))


# What PHP is told of a request. Not Debian's fastcgi_params, which gives HTTP_HOST without the port
# (its $host), so that WordPress would redirect every page to itself.
FASTCGI_PARAMS = "\n".join(
    f"            fastcgi_param {name} {value};"
    for name, value in (
        ("SCRIPT_FILENAME", "$document_root$fastcgi_script_name"),
        ("QUERY_STRING", "$query_string"),
        ("REQUEST_METHOD", "$request_method"),
        ("CONTENT_TYPE", "$content_type"),
        ("CONTENT_LENGTH", "$content_length"),
        ("SCRIPT_NAME", "$fastcgi_script_name"),
        ("REQUEST_URI", "$request_uri"),
        ("DOCUMENT_URI", "$document_uri"),
        ("DOCUMENT_ROOT", "$document_root"),
        ("SERVER_PROTOCOL", "$server_protocol"),
        ("GATEWAY_INTERFACE", "CGI/1.1"),
        ("REMOTE_ADDR", "$remote_addr"),
        ("REMOTE_PORT", "$remote_port"),
        ("SERVER_ADDR", "$server_addr"),
        ("SERVER_PORT", "$server_port"),
        ("SERVER_NAME", "$server_name"),
        ("HTTP_HOST", "$http_host"),
    )
)


def _server_block(site: SiteSettings, port: int, docroot: Path, php_socket: Path) -> str:
    return f"""
    server {{
        listen 127.0.0.1:{port};
        server_name _;
        root {docroot};
        index index.php;
        location / {{ try_files $uri $uri/ /index.php?$args; }}
        location ~ \\.php$ {{
            try_files $uri =404;
{FASTCGI_PARAMS}
            fastcgi_param JCRAWL_WP_SITE {site.name};
            fastcgi_pass unix:{php_socket};
        }}
    }}"""


@contextmanager
def serve_wordpress(run: Path, workers: int = 4) -> Iterator[WordPress]:
    """Copy the cached build into `run`, start MariaDB, PHP-FPM and nginx, and serve every site on a
    port of its own; stop them all afterwards."""
    require_wordpress()
    cache = built()
    shutil.copytree(cache / "datadir", run / "datadir")
    shutil.copytree(cache / "wp-content", run / "wp-content", symlinks=True)
    with ExitStack() as stack:
        socket = stack.enter_context(services.mariadb(run / "datadir", run / "mysql"))
        bootstrap = make_docroot(run, socket)
        ports = {site.name: free_port() for site in SITES}
        for site in SITES:
            url = f"http://127.0.0.1:{ports[site.name]}"
            prefix = f"{DATABASE}.{site.name}_"
            services.sql(
                socket,
                f"UPDATE {prefix}options SET option_value = '{url}' WHERE option_name IN ('home', 'siteurl');"
                f"UPDATE {prefix}posts SET post_content = REPLACE(post_content, '{BUILD_HOME}/', '{url}/'),"
                f" guid = REPLACE(guid, '{BUILD_HOME}/', '{url}/');",
            )
        php_socket = stack.enter_context(services.php_fpm(run / "php", bootstrap, workers))
        servers = "".join(_server_block(s, ports[s.name], run / "docroot", php_socket) for s in SITES)
        access_log = stack.enter_context(services.nginx(run / "nginx", servers, list(ports.values())))
        wordpress = WordPress(run, bootstrap, access_log)
        for site in SITES:
            url = f"http://127.0.0.1:{ports[site.name]}/"
            wordpress.sites[site.name] = WordPressSite(site, url, ports[site.name], wordpress)
        yield wordpress
