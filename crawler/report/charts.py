"""Each figure of the report drawn with matplotlib, as SVG text to inline (text kept as text, so the
browser shapes Arabic and French labels and no font is embedded)."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import matplotlib
from matplotlib.axes import Axes
from matplotlib.figure import Figure as MplFigure

from crawler.report.data import Figure

# Figures are made without pyplot (no display, no global figure list); these are their settings.
STYLE = {
    "svg.fonttype": "none",
    "svg.hashsalt": "jcrawl",  # the same data gives the same file
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
COLOURS = ("#2a6f97", "#e09f3e", "#9e2a2b", "#7a9e7e")


def draw(figure: Figure) -> str:
    """The figure as an <svg> element (a note in one when it has no rows)."""
    with matplotlib.rc_context(STYLE):
        return _draw(figure)


def _draw(figure: Figure) -> str:
    if figure.kind == "bars" and len(figure.rows) > 6 and figure.key != "per_month":
        fig = _horizontal_bars(figure)
    elif figure.kind == "bars":
        fig = _bars(figure)
    elif figure.kind == "stacked":
        fig = _stacked(figure)
    else:
        fig = _line(figure)
    if not figure.rows:
        fig.axes[0].text(0.5, 0.5, figure.empty, ha="center", va="center", transform=fig.axes[0].transAxes)
    return _svg(fig)


def _svg(fig: MplFigure) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    text = buffer.getvalue()
    return text[text.index("<svg") :]  # no XML prolog or doctype inside HTML


def _new(height: float = 3.0) -> tuple[MplFigure, Axes]:
    fig = MplFigure(figsize=(8, height))
    return fig, fig.subplots()


def _bars(figure: Figure) -> MplFigure:
    fig, ax = _new()
    labels = [str(r[0]) for r in figure.rows]
    ax.bar(range(len(labels)), [r[1] for r in figure.rows], color=COLOURS[0])
    step = max(1, len(labels) // 24)  # at most about 24 labels under the bars
    slanted = len(labels) > 8
    ax.set_xticks(
        range(0, len(labels), step),
        labels[::step],
        rotation=45 if slanted else 0,
        ha="right" if slanted else "center",
    )
    ax.set_ylabel(figure.columns[1])
    return fig


def _horizontal_bars(figure: Figure) -> MplFigure:
    rows = list(reversed(figure.rows))  # largest on top
    fig, ax = _new(0.3 * len(rows) + 0.8)
    labels = [_shorten(str(r[0])) for r in rows]
    ax.barh(range(len(rows)), [r[1] for r in rows], color=COLOURS[0])
    ax.set_yticks(range(len(rows)), labels)
    ax.set_xlabel(figure.columns[1])
    return fig


def _stacked(figure: Figure) -> MplFigure:
    fig, ax = _new()
    labels = [str(r[0]) for r in figure.rows]
    bottom = [0] * len(labels)
    for n, name in enumerate(figure.columns[1:], start=1):
        values = [r[n] for r in figure.rows]
        ax.bar(range(len(labels)), values, bottom=bottom, label=name, color=COLOURS[n - 1])
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    ax.set_xticks(range(len(labels)), labels, rotation=30, ha="right")
    ax.set_ylabel("articles")
    ax.legend(frameon=False)
    return fig


def _line(figure: Figure) -> MplFigure:
    fig, ax = _new()
    values = [r[1] for r in figure.rows]
    if figure.kind == "timeline" and figure.rows:  # every day on a calendar axis, days without articles at 0
        counts = {date.fromisoformat(r[0]): r[1] for r in figure.rows}
        first, last = min(counts), max(counts)
        days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
        values = [counts.get(day, 0) for day in days]
        ax.fill_between(days, values, step="mid", color=COLOURS[0], alpha=0.35, linewidth=0)
        ax.step(days, values, where="mid", color=COLOURS[0], linewidth=0.8)
        ax.tick_params(axis="x", labelrotation=30)
        ax.set_ylim(bottom=0)
    else:
        xs = [r[0] for r in figure.rows]
        ax.plot(xs, values, color=COLOURS[0], marker="." if len(xs) < 60 else None)
        ax.fill_between(xs, values, color=COLOURS[0], alpha=0.15)
    ax.set_xlabel(figure.columns[0])
    ax.set_ylabel(figure.columns[1])
    return fig


def _shorten(label: str, width: int = 60) -> str:
    label = re.sub(r"\s+", " ", label)
    return label if len(label) <= width else label[: width - 1] + "…"
