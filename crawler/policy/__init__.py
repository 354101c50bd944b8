"""What a crawl fetches: its plan against the archive, scope, traps, economy, recheck policy and memory of
what it has seen."""
