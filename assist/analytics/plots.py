"""The report's plots as SVG text, drawn on the server (matplotlib, Agg, no pyplot state), so the
analytics page needs no JavaScript library and works offline.

Text is drawn as paths (``svg.fonttype = path``): the browser needs no font. Hangul labels use a
Hangul-capable font found with ``fc-list :lang=ko`` when one is installed (tags, topics); without
one, Hangul characters have no glyphs: the page is still drawn (empty boxes for Hangul), matplotlib's
missing-glyph warnings are silenced and one log line says which package to install.
"""

from __future__ import annotations

import io
import logging
import threading
import warnings
from collections.abc import Sequence
from typing import Any

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure

from assist.analytics.report import Report
from assist.analytics.tables import Table
from assist.fonts import hangul_font

COLORS = ["#2563eb", "#f59e0b", "#10b981", "#ef4444", "#8b5cf6", "#06b6d4", "#84cc16", "#ec4899"]
VERDICT_COLORS = {"used": "#10b981", "edited": "#f59e0b", "rejected": "#ef4444"}
TOP = 10
_LOCK = threading.Lock()
log = logging.getLogger(__name__)
_NO_FONT_LOGGED: list[bool] = []

__all__ = ["hangul_font", "report_plots"]


def _rc() -> dict[str, Any]:
    font = hangul_font()
    return {
        "font.family": [font, "DejaVu Sans"] if font else ["DejaVu Sans"],
        "svg.fonttype": "path",  # text as paths: the browser needs no font
        "svg.hashsalt": "kms",  # stable ids
        "axes.unicode_minus": False,
        "font.size": 9,
    }


def _figure(width: float = 7.5, height: float = 3.0) -> tuple[Figure, Any]:
    fig = Figure(figsize=(width, height), dpi=100)
    ax = fig.add_subplot()
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.grid(axis="y", color="#e5e7eb", linewidth=0.6)
    ax.set_axisbelow(True)
    return fig, ax


def _svg(fig: Figure) -> str:
    buf = io.StringIO()
    with warnings.catch_warnings():
        if hangul_font() is None:
            # no Hangul font: the plot is drawn anyway (boxes), never a failed page
            warnings.filterwarnings("ignore", message=r"Glyph \d+ .* missing from font", category=UserWarning)
            if not _NO_FONT_LOGGED:
                _NO_FONT_LOGGED.append(True)
                log.warning(
                    "no Hangul font (fc-list :lang=ko): plot labels in Korean show as boxes; "
                    "install one, e.g. apt-get install fonts-noto-cjk"
                )
        fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    text = buf.getvalue()
    return text[text.find("<svg") :]


def _ticks(ax: Any, labels: Sequence[str]) -> None:
    step = max(1, len(labels) // 10)
    ax.set_xticks(range(0, len(labels), step))
    ax.set_xticklabels([labels[i][5:] for i in range(0, len(labels), step)], rotation=0)


def stacked_over_time(table: Table, ylabel: str) -> str | None:
    """Stacked bars per bucket from a long ``[bucket, series, n]`` table."""
    buckets, series, values = table.pivot()
    if not buckets or not any(any(v for v in row) for row in values):
        return None
    fig, ax = _figure()
    bottom = [0.0] * len(buckets)
    for i, (name, row) in enumerate(zip(series, values, strict=True)):
        heights = [float(v or 0) for v in row]
        ax.bar(
            range(len(buckets)), heights, bottom=bottom, label=name, color=COLORS[i % len(COLORS)], width=0.8
        )
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    _ticks(ax, buckets)
    ax.set_ylabel(ylabel)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    return _svg(fig)


def lines_over_time(table: Table, ylabel: str) -> str | None:
    buckets, series, values = table.pivot()
    if not buckets or not series:
        return None
    fig, ax = _figure()
    for i, (name, row) in enumerate(zip(series, values, strict=True)):
        ax.plot(
            range(len(buckets)),
            [float(v or 0) for v in row],
            marker="o",
            markersize=3,
            label=name,
            color=COLORS[i % len(COLORS)],
        )
    _ticks(ax, buckets)
    ax.set_ylabel(ylabel)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    return _svg(fig)


def chatbot_bars(table: Table) -> str | None:
    rows = table.rows
    if not any((r[1] or 0) or (r[2] or 0) for r in rows):
        return None
    long = Table(table.name, table.title, ["bucket", "series", "n"])
    long.rows = [[r[0], "answered", r[1]] for r in rows] + [[r[0], "handed_off", r[2]] for r in rows]
    return stacked_over_time(long, "questions")


def verdict_bars(table: Table) -> str | None:
    """Horizontal stacked bars: used / edited / rejected per top article."""
    rows = [r for r in table.rows if r[3]][:TOP]
    if not rows:
        return None
    fig, ax = _figure(height=0.35 * len(rows) + 1.0)
    names = [str(r[0]) for r in rows][::-1]
    left = [0.0] * len(rows)
    for verdict, col in (("used", 4), ("edited", 5), ("rejected", 6)):
        widths = [float(r[col] or 0) for r in rows][::-1]
        ax.barh(names, widths, left=left, label=verdict, color=VERDICT_COLORS[verdict])
        left = [a + b for a, b in zip(left, widths, strict=True)]
    ax.grid(axis="x", color="#e5e7eb", linewidth=0.6)
    ax.set_xlabel("feedback")
    ax.legend(loc="lower right", frameon=False)
    return _svg(fig)


def csat_bars(table: Table) -> str | None:
    rows = [r for r in table.rows if r[3] is not None][:TOP]
    if not rows:
        return None
    fig, ax = _figure(height=0.35 * len(rows) + 1.0)
    ax.barh([str(r[0]) for r in rows][::-1], [float(r[3] or 0) for r in rows][::-1], color=COLORS[0])
    ax.set_xlim(0, 5)
    ax.set_xlabel("CSAT (mean)")
    return _svg(fig)


def topic_map(table: Table) -> str | None:
    """Gap topics: tickets (x) against the change since the last run (y), bubble size by tickets."""
    rows = table.rows
    if not rows:
        return None
    fig, ax = _figure(height=3.4)
    xs = [float(r[2] or 0) for r in rows]
    ys = [float(r[4] or 0) for r in rows]
    colors = [COLORS[3] if r[7] == "pending" else COLORS[0] if r[7] is None else COLORS[2] for r in rows]
    ax.scatter(xs, ys, s=[30 + 8 * x for x in xs], c=colors, alpha=0.6)
    for r, x, y in zip(rows, xs, ys, strict=True):
        ax.annotate(str(r[1] or r[0])[:18], (x, y), fontsize=7, xytext=(4, 3), textcoords="offset points")
    ax.set_xlabel("tickets")
    ax.set_ylabel("change")
    return _svg(fig)


def report_plots(report: Report) -> dict[str, str]:
    """``{table name: SVG}`` for the tables worth a picture (a table without data has none).

    Drawn one report at a time: matplotlib's settings (fonts) are process-wide, and each text
    takes them when it is created."""
    tables = report.tables()
    with _LOCK, matplotlib.rc_context(_rc()):  # type: ignore[arg-type]
        drawn = {
            "volume_over_time": stacked_over_time(tables["volume_over_time"], "tickets"),
            "tags_over_time": lines_over_time(tables["tags_over_time"], "tickets"),
            "topics_over_time": lines_over_time(tables["topics_over_time"], "tickets"),
            "csat_by_tag": csat_bars(tables["csat_by_tag"]),
            "suggestions_by_article": verdict_bars(tables["suggestions_by_article"]),
            "chatbot_over_time": chatbot_bars(tables["chatbot_over_time"]),
            "gap_topics": topic_map(tables["gap_topics"]),
        }
    return {name: svg for name, svg in drawn.items() if svg}
