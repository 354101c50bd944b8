"""Scrapy extensions of a crawl: its memory management and its live display."""
