"""`python -m crawler.cli` is `jcrawl`."""

import sys

from crawler.cli import main

sys.exit(main())
