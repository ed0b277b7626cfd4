"""GET /v1/analytics: the VOC analytics report (assist/analytics) as JSON, or one table as CSV."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from assist.analytics import Report, build_report, make_period, parse_day
from assist.analytics.unanswered import TextModels
from assist.api.deps import KB
from assist.api.errors import ERROR_RESPONSES
from assist.errors import InvalidInputError
from assist.knowledge import KnowledgeBase

router = APIRouter(prefix="/v1", tags=["analytics"], responses=ERROR_RESPONSES)


def report_for(kb: KnowledgeBase, since: str | None, until: str | None, channel: str | None) -> Report:
    """The report over ``since``..``until`` (days, both included; default the last 28 days)."""
    period = make_period(parse_day(since, "since"), parse_day(until, "until"), channel)
    with kb.sessions() as session:
        return build_report(
            session, period, stale_after_days=kb.settings.stale_after_days, models=TextModels.of(kb)
        )


def csv_response(report: Report, table: str | None) -> Response:
    if not table:
        raise InvalidInputError(
            f"format=csv needs table=NAME; tables are {', '.join(report.tables())}", field="table"
        )
    body = report.table(table).to_csv()
    period = report.period.as_dict()
    filename = f"{table}_{period['since']}_{period['until']}.csv"
    return Response(
        "\ufeff" + body,  # a BOM: spreadsheet programs then read the Korean text as UTF-8
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get(
    "/analytics",
    summary="VOC 분석 · VOC analytics report",
    description="Inquiry volume by tag, recurring topic and channel over time, new and rising tags and "
    "topics, service KPIs (resolution times, CSAT, a first-contact-resolution estimate), agent-assist "
    "feedback by article and by topic, chatbot deflection, hand-offs and answer feedback (helpful or "
    "not, and the articles of unhelpful answers), knowledge health. "
    "`format=csv&table=NAME` returns one table as CSV. "
    "Figures the product does not record are listed under each section's `not_recorded`.",
    responses={200: {"content": {"text/csv": {}}, "description": "The report (JSON) or one table (CSV)."}},
)
def analytics(
    kb: KB,
    since: Annotated[str | None, Query(description="First day, YYYY-MM-DD.")] = None,
    until: Annotated[str | None, Query(description="Last day, YYYY-MM-DD (default today).")] = None,
    channel: Annotated[str | None, Query(max_length=64, description="Only this channel.")] = None,
    format: Annotated[Literal["json", "csv"], Query(description="json (default) or csv.")] = "json",
    table: Annotated[str | None, Query(max_length=64, description="The table, with format=csv.")] = None,
) -> Any:
    report = report_for(kb, since, until, channel)
    if format == "csv":
        return csv_response(report, table)
    return report.as_dict()
