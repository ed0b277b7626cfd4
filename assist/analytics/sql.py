"""Dialect-portable SQL pieces the analytics queries share (SQLite and PostgreSQL).

- ``bucket_of``: the index of the time bucket a timestamp falls in, as a ``CASE`` over
  boundaries computed in Python (no ``strftime``/``date_trunc``).
- ``ticket_tags``: the tags of a ticket (a JSON list) as rows: ``json_each`` on SQLite,
  ``json_array_elements_text`` on PostgreSQL.
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
from indexes.db import TicketRow

__all__ = [
    "bucket_of",
    "dialect",
    "hours_between",
    "in_period",
    "json_length",
    "one",
    "rows_of",
    "tag_rows",
    "ticket_tags",
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
    """The bucket index (0, 1, ...) of ``column`` within ``period``; NULL outside it."""
    whens = [(column < end, literal(i)) for i, (_, end) in enumerate(period.buckets())]
    return case(*whens, else_=None).label("bucket")  # type: ignore[return-value]


def ticket_tags(session: Session) -> TableValuedAlias:
    """A table-valued function over ``tickets.tags``: one row (column ``value``) per tag."""
    if dialect(session) == "postgresql":
        fn = func.json_array_elements_text(TicketRow.tags)
    else:
        fn = func.json_each(TicketRow.tags)
    return fn.table_valued("value", joins_implicitly=True).alias("tag")


def tag_rows(session: Session) -> tuple[TableValuedAlias, ColumnElement[str]]:
    """``(from-clause, tag column)``: join the first with ``true()`` to get a row per tag."""
    tv = ticket_tags(session)
    if dialect(session) == "postgresql":
        tv = tv.render_derived()  # AS tag(value)
    return tv, tv.c.value


def json_length(column: Any) -> ColumnElement[int]:
    return func.coalesce(func.json_array_length(column), 0, type_=Integer)


def hours_between(session: Session, start: Any, end: Any) -> ColumnElement[float]:
    """``end - start`` in hours, as a float expression."""
    if dialect(session) == "postgresql":
        return cast(func.extract("epoch", end - start), Float) / 3600.0
    return (func.julianday(end) - func.julianday(start)) * 24.0


def as_text(column: Any) -> ColumnElement[str]:
    return cast(column, Text)
