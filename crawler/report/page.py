"""The report as one HTML file: headline numbers, then each picture with a short table of its
numbers under it. Everything is inline (SVG, CSS): it opens offline, from anywhere."""

from __future__ import annotations

import html
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from crawler.report.charts import draw
from crawler.report.data import Figure, figures, summary
from crawler.store import Store

TABLE_ROWS = 12  # rows of numbers under a picture; a long series shows its first and last ones

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 60em; color: #222; padding: 0 1em; }
h1 { margin-bottom: 0.2em; } .lede { color: #555; margin-top: 0; }
.numbers { display: flex; flex-wrap: wrap; gap: 1.5em; margin: 1.5em 0; }
.numbers div { font-size: 0.9em; color: #555; } .numbers b { display: block; font-size: 1.6em; color: #222; }
figure { margin: 2.5em 0; } figure svg { width: 100%; height: auto; }
figcaption { color: #555; margin-bottom: 0.5em; }
table { border-collapse: collapse; font-size: 0.85em; margin-top: 0.5em; }
td, th { padding: 0.15em 0.8em; border-bottom: 1px solid #ddd; text-align: left; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
"""


def write_report(archive: Path, output: Path) -> dict[str, Any]:
    """Write the report of `archive` to `output`; returns its headline numbers."""
    store = Store(archive, read_only=True)
    try:
        numbers = summary(store)
        pictures = figures(store)
    finally:
        store.close()
    output.write_text(render(archive, numbers, pictures), encoding="utf-8")
    return numbers


def render(archive: Path, numbers: dict[str, Any], pictures: list[Figure]) -> str:
    """The report's HTML."""
    span = f"{(numbers['first'] or '')[:10]} to {(numbers['last'] or '')[:10]}" if numbers["first"] else "—"
    head = [
        ("articles", f"{numbers['articles']:,}"),
        ("sites", f"{numbers['sites']:,}"),
        ("published", span),
        ("captures", f"{numbers['captures']:,}"),
        ("runs", f"{numbers['runs']:,}"),
    ]
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    parts = [
        "<!DOCTYPE html><html><head><meta charset='utf-8'>",
        f"<title>Archive report: {html.escape(archive.resolve().name)}</title>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<style>{STYLE}</style></head><body>",
        f"<h1>Archive report: {html.escape(archive.resolve().name)}</h1>",
        f"<p class='lede'>{html.escape(str(archive.resolve()))} · made {generated} by jcrawl report</p>",
        "<div class='numbers'>",
        *(f"<div><b>{html.escape(v)}</b>{k}</div>" for k, v in head),
        "</div>",
    ]
    for figure in pictures:
        parts += [
            f"<figure id='{figure.key}'><h2>{html.escape(figure.title)}</h2>",
            f"<figcaption>{html.escape(figure.caption)}</figcaption>",
            f"<div class='chart'>{draw(figure)}</div>",
            _table(figure),
            "</figure>",
        ]
    parts.append("</body></html>")
    return "\n".join(parts)


def _table(figure: Figure) -> str:
    """The figure's numbers; a long series shows its first and last rows around an ellipsis."""
    rows = figure.rows
    if len(rows) > TABLE_ROWS and figure.kind in ("timeline", "rate"):
        half = TABLE_ROWS // 2
        rows = [*rows[:half], ("…",) * len(figure.columns), *rows[-half:]]
    else:
        rows = rows[:TABLE_ROWS]
    if not rows:
        return f"<p>{html.escape(figure.empty)}</p>"
    header = "".join(f"<th>{html.escape(c)}</th>" for c in figure.columns)
    body = "".join("<tr>" + "".join(_cell(value) for value in row) + "</tr>" for row in rows)
    return f"<table><tr>{header}</tr>{body}</table>"


def _cell(value: Any) -> str:
    if isinstance(value, int | float):
        return f"<td class='n'>{value:,}</td>"
    return f"<td>{html.escape(str(value))}</td>"
