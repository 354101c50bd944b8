"""Spider middlewares: what a page's requests become on their way to the scheduler."""
