"""Downloader middlewares of the crawler itself, one concern per module (the WARC writer lives in
`archive.middleware`)."""
