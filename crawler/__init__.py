"""journal-crawler: a Scrapy project that archives journals to WARC and stores clean articles in SQLite."""

__version__ = "0.1.0"
