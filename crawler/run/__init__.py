"""Running a crawl or an update: the process, the archive's lock, the log, and recovery after a kill."""
