"""WARC archive: writing (writer, middleware), reading (reader, ingest) and the archivist's tools."""
