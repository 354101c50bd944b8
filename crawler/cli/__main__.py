"""`python -m crawler.cli` is `jcrawl`."""

from crawler.cli import program

program()
