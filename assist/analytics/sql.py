"""Dialect-portable SQL pieces the analytics queries share (SQLite and PostgreSQL).

- ``bucket_of``: the index of the time bucket a timestamp falls in, as a ``CASE`` over
  boundaries computed in Python (no ``strftime``/``date_trunc``).
- ``json_rows`` / ``tag_rows``: the elements of a JSON list column (a ticket's tags, a logged
  query's hit ids) as rows: ``json_each`` on SQLite, ``json_array_elements_text`` on PostgreSQL.
- ``hours_between``: the hours between two timestamps: ``julianday`` on SQLite,
  ``extract(epoch ...)`` on PostgreSQL.
- ``json_length``: ``json_array_length`` (the same name on both).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Float, Integer, Text, and_, case, cast, func, literal
from sqlalchemy.orm import Session
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
    "ticket_time",
]


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
