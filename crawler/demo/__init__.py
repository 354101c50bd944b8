"""The bundled demo journal for `jcrawl demo`: a static site generator and a loopback HTTP server.

Standard library only, so users need nothing beyond the package itself.
"""

from crawler.demo.server import DemoServer, serve, start_demo_site
from crawler.demo.site import SEARCH_WORDS, SITE_NAME, build_site

__all__ = ["SEARCH_WORDS", "SITE_NAME", "DemoServer", "build_site", "serve", "start_demo_site"]
