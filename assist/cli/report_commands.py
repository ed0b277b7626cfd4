"""`kms report`: the VOC analytics report (assist/analytics) for a period and channel.

Printed as tables (figures first, then each table), as JSON (``--json``) or as one CSV file per
table (``--csv DIR``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table as RichTable

from assist.cli.app import CliConsole, app

if TYPE_CHECKING:  # the analytics layer (SQLAlchemy) loads inside the command
    from assist.analytics import Report, Table

out = CliConsole()
# [bucket, series, n] tables: printed a column a series
LONG_TABLES = ("volume_over_time", "tags_over_time", "topics_over_time")
MAX_ROWS = 20


def _value(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _print_table(table: Table) -> None:
    if table.name in LONG_TABLES:
        buckets, series, values = table.pivot()
        grid = RichTable(title=table.title, title_justify="left")
        for name in ["bucket", *series]:
            grid.add_column(name, justify="left" if name == "bucket" else "right")
        for i, bucket in enumerate(buckets):
            grid.add_row(bucket, *(_value(values[s][i]) for s in range(len(series))))
    else:
        grid = RichTable(title=table.title, title_justify="left")
        for name in table.columns:
            grid.add_column(name)
        for row in table.rows[:MAX_ROWS]:
            grid.add_row(*(_value(v) for v in row))
        if len(table.rows) > MAX_ROWS:
            grid.caption = f"{len(table.rows) - MAX_ROWS} more rows in --json / --csv"
    if not table.rows:
        out.print(f"[bold]{table.title}[/]: none", highlight=False)
        return
    out.print(grid)


def print_report(report: Report) -> None:
    p = report.period
    channel = f", channel {p.channel}" if p.channel else ""
    out.print(
        f"[bold]VOC report {p.as_dict()['since']} .. {p.as_dict()['until']}{channel}[/] (by {p.bucket})"
    )
    for section in report.sections:
        out.print(f"\n[bold underline]{section.title}[/]", highlight=False)
        figures = RichTable(show_header=False, box=None)
        figures.add_column("figure")
        figures.add_column("value", justify="right")
        for name, value in section.figures.items():
            figures.add_row(name, _value(value))
        out.print(figures)
        for table in section.tables:
            _print_table(table)
        for note in section.not_recorded:
            out.print(f"[dim]not recorded: {note}[/]", highlight=False)
    out.print(f"[dim]{report.elapsed_ms:.0f} ms[/]")


@app.command()
def report(
    since: Annotated[
        str | None, typer.Option(metavar="YYYY-MM-DD", help="First day (default: 27 days before --until).")
    ] = None,
    until: Annotated[
        str | None, typer.Option(metavar="YYYY-MM-DD", help="Last day (default: today).")
    ] = None,
    channel: Annotated[
        str | None, typer.Option(metavar="CHANNEL", help="Only this channel (chat, app...).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    csv_dir: Annotated[
        Path | None, typer.Option("--csv", metavar="DIR", help="Write one CSV file per table into DIR.")
    ] = None,
) -> None:
    """VOC analytics: inquiry volume, service KPIs, agent assist, chatbot and knowledge health."""
    from assist.analytics import build_report, make_period, parse_day
    from assist.analytics.unanswered import TextModels
    from assist.knowledge import KnowledgeBase
    from core.settings import Settings
    from storage import open_db

    period = make_period(parse_day(since, "--since"), parse_day(until, "--until"), channel)
    settings = Settings()
    sessions = open_db(settings)
    try:
        with sessions() as session:
            models = TextModels.of(KnowledgeBase(settings))  # the model loads only for question texts
            result = build_report(session, period, stale_after_days=settings.stale_after_days, models=models)
    finally:
        sessions.kw["bind"].dispose()
    if csv_dir is not None:
        paths = result.write_csv(csv_dir)
        out.print(f"{len(paths)} CSV files written to {csv_dir}", highlight=False)
    if as_json:
        out.print_json(json.dumps(result.as_dict(), ensure_ascii=False))
    elif csv_dir is None:
        print_report(result)
