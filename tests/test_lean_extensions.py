"""The crawler's settings leave out Scrapy's remote control and telnet console (off, yet costly to
import: aiohttp and an SSL context, Twisted's conch), and keep Scrapy's other extensions
(crawler/settings.py EXTENSIONS_BASE)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

# A crawler built from the settings, as `jcrawl` builds one, in a fresh interpreter: what it imported.
PROBE = """
import sys
from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.settings import Settings
from scrapy.utils.reactor import install_reactor
import crawler.settings
settings = Settings()
settings.setmodule(crawler.settings, priority="project")
install_reactor(settings["TWISTED_REACTOR"])
built = Crawler(Spider, settings)
built._apply_settings()
print(" ".join(sorted(type(e).__name__ for e in built.extensions.middlewares)))
print("scrapy.extensions.remote_control" in sys.modules, "scrapy.extensions.telnet" in sys.modules)
"""


def test_a_crawler_does_not_import_the_remote_control_nor_the_telnet_console() -> None:
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(root)}
    run = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, cwd=root)
    assert run.returncode == 0, run.stderr
    extensions, imported = run.stdout.split("\n")[:2]
    assert imported == "False False"
    assert {"CoreStats", "LogStats", "MemoryUsage", "GcTuning"} <= set(extensions.split())
