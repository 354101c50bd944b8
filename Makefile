# make demo   - set up .venv, serve the bundled sample journal on 127.0.0.1, crawl it into ./data
# make install - set up .venv and put `jcrawl` on your PATH: a link in ~/.local/bin (PREFIX=~/.local)
# make test   - set up .venv and system packages, lint, run the test suite
# make bench  - crawl benchmark: jcrawl beside bare Scrapy, Scrapy + warcio and wget on the shared bench
#               site (pages/s, CPU ms per page, cores, peak memory at 5k and 20k articles); the
#               database's size against its WARC files; search latency and `jcrawl report` time on it;
#               the real systems (WordPress, Pelican): posts found, duplicates, metadata, useful
#               requests; verify against warcio check, reparse against the crawl; start-up times;
#               extraction CPU right after a sleep (why the extraction workers take pages in batches)
# make bench-scale - the crawl benchmark at 100,000 articles (jcrawl and bare Scrapy; ~2.5 GB of disk)
# make bench-extract - extraction benchmark: extract_article vs trafilatura (default and fast) on every
#                      development set in ../shared/benchmarks/ and on the bench site, in one run
# make bench-startup - start-up benchmark: jcrawl's read commands on a generated 50,000-article archive
# make bench-cluster - cluster benchmark: one worker, then two, on eight demo journals through one Redis
#                      (pages/s, scaling ratio, Redis commands per page)

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-test
BENCH_STAMP := $(VENV)/.installed-bench

PREFIX ?= $(HOME)/.local

.PHONY: demo install test lint bench bench-scale bench-extract bench-startup bench-cluster system-deps clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# (again when an extraction source changed: its compiled modules are built from them, see setup.py)
$(STAMP): pyproject.toml setup.py $(wildcard crawler/extract/*.py) crawler/urls.py | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $@

$(BENCH_STAMP): pyproject.toml $(STAMP)
	$(BIN)/pip install -q -e '.[test,bench]'
	touch $@

# Debian packages the tests use: nginx serves the bench site, wget writes a WARC to import; WordPress
# (with MariaDB and PHP-FPM behind nginx) is a real publishing system (Pelican, the other, comes from
# PyPI); redis-server is the cluster frontier; chromium drives the browser tests; the sqlite3 shell
# reads an archive as a researcher does. Installed only when missing. WordPress needs php-xml for its
# sitemaps and php-mbstring for its text functions.
DEB_PACKAGES := nginx-light wget mariadb-server php-fpm php-mysql php-xml php-mbstring wordpress wordpress-theme-twentytwentyone \
	wordpress-theme-twentytwentythree redis-server chromium sqlite3

system-deps:
	@missing=$$(for p in $(DEB_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages:" $$missing; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

demo: $(STAMP)
	$(BIN)/jcrawl demo --archive ./data

# jcrawl for the user, as pipx would: the project's venv and a link to its `jcrawl` in $(PREFIX)/bin.
# The link follows this checkout: keep it where it is (`git pull` updates the command).
install: $(STAMP)
	mkdir -p $(PREFIX)/bin
	ln -sfn $(abspath $(BIN))/jcrawl $(PREFIX)/bin/jcrawl
	@case ":$$PATH:" in *":$(PREFIX)/bin:"*) echo "jcrawl is installed: $(PREFIX)/bin/jcrawl" ;; \
	*) echo "jcrawl is installed as $(PREFIX)/bin/jcrawl; add $(PREFIX)/bin to your PATH" \
		"(e.g. in ~/.profile: PATH=\"\$$HOME/.local/bin:\$$PATH\")" ;; esac

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: $(STAMP) system-deps lint
	$(BIN)/pytest -q

bench: $(BENCH_STAMP) system-deps
	$(BIN)/python bench/crawl.py
	$(BIN)/python bench/store.py
	$(BIN)/python bench/crawl.py --pages 20000 --repeats 1 --variants scrapy,jcrawl --no-update
	$(BIN)/python bench/wake.py
	$(BIN)/python bench/front.py
	$(BIN)/python bench/systems.py
	$(BIN)/python bench/archive.py
	$(BIN)/python bench/startup.py
	$(BIN)/python bench/cluster.py

bench-scale: $(BENCH_STAMP) system-deps
	$(BIN)/python bench/crawl.py --pages 100000 --repeats 1 --variants scrapy,jcrawl --no-update

bench-extract: $(BENCH_STAMP)
	$(BIN)/python bench/extraction.py

bench-startup: $(STAMP)
	$(BIN)/python bench/startup.py

bench-cluster: $(STAMP) system-deps
	$(BIN)/python bench/cluster.py

clean:
	rm -rf $(VENV) .venv-pywb build *.egg-info .pytest_cache .ruff_cache .mypy_cache crawler/extract/*.so
