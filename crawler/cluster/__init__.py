"""Crawling past one machine: workers sharing a frontier in Redis (`--cluster redis://HOST:PORT/DB`).

- `connection`: the Redis client (retried through a restart) and the cluster's key names;
- `bloom`: the bounded seen-set of a site, a Bloom filter in a Redis bitmap;
- `frontier`: `RedisFrontier`, the FrontierBackend of one site kept in Redis Streams;
- `scheduler`: `ClusterScheduler`, the frontier scheduler over it;
- `sites`: seeding sites (their settings travel with them), host leases, worker heartbeats, status;
- `worker`: the worker loop: lease a site, crawl it, let go, take the next;
- `ingest`: the archive's one database writer, indexing the workers' WARC files.

docs/cluster.md tells how it is deployed and why it is built this way.
"""
