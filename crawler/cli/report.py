"""`jcrawl report`: one HTML file with pictures of the archive and of its crawls."""

from __future__ import annotations

import argparse

from crawler.cli.common import EXIT_FATAL, EXIT_OK, EXIT_USAGE, add_command, output_file, require_archive


def register(commands: argparse._SubParsersAction) -> None:
    report = add_command(
        commands,
        "report",
        "write one self-contained HTML file with charts of the archive and its crawls",
        "Charts (articles per day and month, by section, agency and site; responses by status, errors "
        "by kind; new/changed/unchanged articles per run; the last run's crawl rate; most-linked "
        "articles), each with its numbers, in one HTML file that opens offline.",
        [
            "jcrawl report",
            "jcrawl report --archive ~/journals --output ~/journals-report.html",
        ],
        (EXIT_OK, EXIT_USAGE, EXIT_FATAL),
        run_report,
    )
    report.add_argument(
        "--output", "-o", type=output_file, default="report.html", metavar="FILE", help="default: report.html"
    )


def run_report(args: argparse.Namespace) -> int:
    require_archive(args.archive)
    from crawler.report.page import write_report  # matplotlib loads only for this command

    numbers = write_report(args.archive, args.output)
    sites = f"{numbers['sites']} site{'s' * (numbers['sites'] != 1)}"
    print(f"Wrote {args.output}: {numbers['articles']:,} articles from {sites}, {numbers['runs']} runs.")
    return EXIT_OK
