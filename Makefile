# make demo   - set up .venv, serve the bundled sample journal on 127.0.0.1, crawl it into ./data
# make test   - set up .venv and system packages, lint, run the test suite
# make bench  - crawl benchmark: jcrawl beside bare Scrapy, Scrapy + warcio and wget on the shared bench
#               site (pages/s, CPU ms per page, cores, peak memory at 5k and 20k articles); search
#               latency and `jcrawl report` time on it; the real systems (WordPress, Pelican): posts
#               found, duplicates, metadata, useful requests
# make bench-scale - the crawl benchmark at 100,000 articles (jcrawl and bare Scrapy; ~2.5 GB of disk)
# make bench-extract - extraction benchmark: extract_article vs trafilatura on the Zyte pages

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-test
BENCH_STAMP := $(VENV)/.installed-bench

.PHONY: demo test lint bench bench-scale bench-extract system-deps clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $@

$(BENCH_STAMP): pyproject.toml $(STAMP)
	$(BIN)/pip install -q -e '.[test,bench]'
	touch $@

# Debian packages the tests use: nginx serves the bench site, wget writes a WARC to import; WordPress
# (with MariaDB and PHP-FPM behind nginx) and Hugo are the real publishing systems; redis-server is the
# cluster frontier; chromium drives the browser tests. Installed only when missing. WordPress needs
# php-xml for its sitemaps and php-mbstring for its text functions.
DEB_PACKAGES := nginx-light wget mariadb-server php-fpm php-mysql php-xml php-mbstring wordpress wordpress-theme-twentytwentyone \
	wordpress-theme-twentytwentythree hugo redis-server chromium chromium-driver

system-deps:
	@missing=$$(for p in $(DEB_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages:" $$missing; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

demo: $(STAMP)
	$(BIN)/jcrawl demo --archive ./data

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: $(STAMP) system-deps lint
	$(BIN)/pytest -q

bench: $(BENCH_STAMP) system-deps
	$(BIN)/python bench/crawl.py
	$(BIN)/python bench/crawl.py --pages 20000 --repeats 1 --variants scrapy,jcrawl --no-update
	$(BIN)/python bench/front.py
	$(BIN)/python bench/systems.py

bench-scale: $(BENCH_STAMP) system-deps
	$(BIN)/python bench/crawl.py --pages 100000 --repeats 1 --variants scrapy,jcrawl --no-update

bench-extract: $(BENCH_STAMP)
	$(BIN)/python bench/extraction.py

clean:
	rm -rf $(VENV) .venv-pywb build *.egg-info .pytest_cache .ruff_cache
