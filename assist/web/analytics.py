"""The VOC analytics page (KMS owners and admins): the report of ``assist.analytics`` over a
period and channel, with server-drawn SVG plots and a CSV link for every table
(``/v1/analytics?format=csv&table=…``)."""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request, Response

from assist.analytics import Report
from assist.analytics.plots import report_plots
from assist.analytics.tables import Value
from assist.api.analytics import report_for
from assist.api.deps import KB
from assist.errors import InvalidInputError
from assist.web.analytics_labels import ANALYTICS_MESSAGES
from assist.web.i18n import MESSAGES, pick_lang, translate
from assist.web.render import PageRoute, render

MESSAGES.update(ANALYTICS_MESSAGES)  # the page's labels (kept apart: i18n.py is long enough)

router = APIRouter(route_class=PageRoute, include_in_schema=False)
PERCENT = ("_rate", "share", "change", "growth", "fcr_estimate", "_7d")
MAX_ROWS = 25
PIVOTED = ("volume_over_time", "tags_over_time", "topics_over_time")  # [bucket, series, n]: a column a series


def fmt(name: str, value: Value) -> str:
    """A figure or cell for people: rates as percentages, thousands separated, '–' for none."""
    if value is None or value == "":
        return "–"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if name.endswith(PERCENT):
        return f"{value * 100:.1f}%"
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


VALUES = {("handoff_reasons", "reason")}  # (table, column) whose cells are codes with labels (``an.v``)


def cell(table: str, column: str, value: Value, lang: str) -> str:
    """A table cell for people: ``fmt``, or the label of a code (``an.v.<table>.<code>``)."""
    key = f"an.v.{table}.{value}"
    if (table, column) in VALUES and key in MESSAGES:
        return translate(key, lang)
    return fmt(column, value)


def _data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def label(kind: str, name: str, lang: str) -> str:
    """The label of a section (``s``), figure (``f``), table (``t``) or column (``c``); its name
    when it has none."""
    key = f"an.{kind}.{name}"
    return translate(key, lang) if key in MESSAGES else name


def _context(report: Report, lang: str) -> dict[str, Any]:
    period = report.period.as_dict()
    query = {
        k: v
        for k, v in (("since", period["since"]), ("until", period["until"]), ("channel", period["channel"]))
        if v
    }
    channels = [str(r[0]) for r in report.table("volume_by_channel").rows if r[0] != "(none)"]
    if report.period.channel and report.period.channel not in channels:
        channels.append(report.period.channel)
    return {
        "report": report,
        "period": period,
        "plots": {name: _data_uri(svg) for name, svg in report_plots(report).items()},
        "csv_base": "/v1/analytics?" + urlencode({**query, "format": "csv"}),
        "json_url": "/v1/analytics?" + urlencode(query),
        "channels": sorted(channels),
        "pivots": {name: report.table(name).pivot() for name in PIVOTED},
        "fmt": fmt,
        "cell": lambda table, column, value: cell(table, column, value, lang),
        "lab": lambda kind, name: label(kind, name, lang),
        "max_rows": MAX_ROWS,
    }


@router.get("/analytics")
def analytics_page(
    request: Request, kb: KB, since: str | None = None, until: str | None = None, channel: str | None = None
) -> Response:
    error = None
    try:
        report = report_for(kb, since, until, channel)
    except InvalidInputError as exc:
        error = exc.message
        report = report_for(kb, None, None, channel)
    return render(request, "analytics.html", _context(report, pick_lang(request)) | {"error": error})
