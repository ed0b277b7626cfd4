"""Dialect-portable SQL pieces the analytics queries share (SQLite and PostgreSQL).

- ``bucket_of``: the index of the time bucket a timestamp falls in, as a ``CASE`` over
  boundaries computed in Python (no ``strftime``/``date_trunc``).
- ``json_rows`` / ``tag_rows``: the elements of a JSON list column (a ticket's tags, a logged
  query's hit ids) as rows: ``json_each`` on SQLite, ``json_array_elements_text`` on PostgreSQL.
- ``hours_between``: the hours between two timestamps: ``julianday`` on SQLite,
  ``extract(epoch ...)`` on PostgreSQL.
- ``json_length``: ``json_array_length`` (the same name on both).
- ``time_range`` / ``ticket_range``: a period filter written so that an index serves it when it
  pays: SQLite reads a short period through the time index, and scans the table for a long one
  (the index would add a lookup a row); PostgreSQL's planner chooses from its statistics.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Float, Integer, Text, and_, case, cast, func, literal, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import UnaryExpression
from sqlalchemy.sql.operators import custom_op
from sqlalchemy.sql.selectable import TableValuedAlias

from assist.analytics.period import Period
from storage import TicketRow

__all__ = [
    "bucket_of",
    "dialect",
    "hours_between",
    "in_period",
    "json_length",
    "json_rows",
    "one",
    "rows_of",
    "tag_rows",
    "ticket_range",
    "ticket_time",
    "time_range",
    "unindexed",
    "use_index",
]

# SQLite reads a period through its time index only when it spans less than this share of the data:
# rows stored out of time order cost a page read each through the index (at 1M benchmark tickets, a
# 28-day report read through the index took 16.6 s, scanning 6.0 s; a 7-day one stays indexed)
INDEX_SHARE = 0.05


def one(session: Session, stmt: Any) -> Any:
    """The one row of an aggregate query (untyped: aggregates come back as numbers or None)."""
    return session.execute(stmt).one()


def rows_of(session: Session, stmt: Any) -> list[Any]:
    return list(session.execute(stmt).all())


def dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def ticket_time() -> ColumnElement[datetime]:
    """When a ticket arrived: ``created_at``, else when it was ingested."""
    return func.coalesce(TicketRow.created_at, TicketRow.ingested_at, type_=TicketRow.created_at.type)


def in_period(column: Any, period: Period) -> ColumnElement[bool]:
    return and_(column >= period.since, column < period.until)


def use_index(session: Session, column: Any, since: datetime, until: datetime) -> bool:
    """Whether ``[since, until)`` of the indexed ``column`` should be read through its index.

    PostgreSQL: always offered (its planner weighs it against a scan with its statistics).
    SQLite has no such statistics for ranges and always takes the index, which for most of the
    table costs a lookup a row on top of what a scan reads; so the index is used only when the
    range covers less than ``INDEX_SHARE`` of the column's span (min and max come from the index).
    """
    if dialect(session) != "sqlite":
        return True
    first = session.scalar(select(func.min(column)))
    last = session.scalar(select(func.max(column)))
    if first is None or last is None or last <= first:
        return True
    overlap = min(until, last) - max(since, first)
    return overlap / (last - first) < INDEX_SHARE


def unindexed(column: Any) -> Any:
    """``+column``: the same value, but SQLite no longer considers the column's indexes."""
    return UnaryExpression(column, operator=custom_op("+"), type_=column.type)


def time_range(session: Session, column: Any, since: datetime, until: datetime) -> ColumnElement[bool]:
    """``since <= column < until``, through ``column``'s index when that pays (``use_index``)."""
    value = column if use_index(session, column, since, until) else unindexed(column)
    return and_(value >= since, value < until)


def ticket_range(session: Session, since: datetime, until: datetime) -> ColumnElement[bool]:
    """``since <= ticket_time() < until``: spelt out over ``created_at`` and ``ingested_at`` (the
    ``(created_at, ingested_at)`` index serves both branches) when the index pays, else as is
    (a scan)."""
    if not use_index(session, TicketRow.created_at, since, until):
        ts = ticket_time()
        return and_(ts >= since, ts < until)
    created, ingested = TicketRow.created_at, TicketRow.ingested_at
    return or_(
        and_(created >= since, created < until),
        and_(created.is_(None), ingested >= since, ingested < until),
    )


def bucket_of(column: Any, period: Period) -> ColumnElement[int]:
    """The bucket index (0, 1, ...) of ``column`` within ``period``; NULL outside it.

    A balanced tree of ``CASE WHEN column < boundary``: about log2(buckets) comparisons a row
    (a year of days is 9, not 365)."""
    ends = [end for _, end in period.buckets()]

    def tree(lo: int, hi: int) -> Any:  # the bucket among lo..hi (column < ends[hi] assumed)
        if lo == hi:
            return literal(lo)
        mid = (lo + hi) // 2
        return case((column < ends[mid], tree(lo, mid)), else_=tree(mid + 1, hi))

    inside = (column >= period.since) & (column < period.until)
    return case((inside, tree(0, len(ends) - 1)), else_=None).label("bucket")


def json_rows(session: Session, column: Any, name: str) -> tuple[TableValuedAlias, ColumnElement[str]]:
    """``(from-clause, value column)`` over a JSON list column: join the first with ``true()``
    to get one row per element (``json_each`` / ``json_array_elements_text ... AS name(value)``)."""
    if dialect(session) == "postgresql":
        fn = func.json_array_elements_text(column)
        tv = fn.table_valued("value", joins_implicitly=True).alias(name).render_derived()
    else:
        tv = func.json_each(column).table_valued("value", joins_implicitly=True).alias(name)
    return tv, tv.c.value


def tag_rows(session: Session) -> tuple[TableValuedAlias, ColumnElement[str]]:
    """One row per tag of a ticket (``tickets.tags``)."""
    return json_rows(session, TicketRow.tags, "tag")


def json_length(column: Any) -> ColumnElement[int]:
    return func.coalesce(func.json_array_length(column), 0, type_=Integer)


def hours_between(session: Session, start: Any, end: Any) -> ColumnElement[float]:
    """``end - start`` in hours, as a float expression."""
    if dialect(session) == "postgresql":
        return cast(func.extract("epoch", end - start), Float) / 3600.0
    return (func.julianday(end) - func.julianday(start)) * 24.0


def as_text(column: Any) -> ColumnElement[str]:
    return cast(column, Text)
