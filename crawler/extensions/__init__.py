"""Scrapy extensions of a crawl: its memory management, its live display, its stats and its log formatter."""
