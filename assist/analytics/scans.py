"""Grouped passes over the period's tickets that several tables share, one query each.

- ``tag_scan``: one row per (bucket, tag) with the tickets and their CSAT counts; the volume
  section's tag counts, new and rising tags and tags over time, and the service section's CSAT by
  tag all read it (they were three passes, each unnesting every ticket's tags and sorting them);
- ``ticket_scan``: one row per (bucket, channel, untagged) with the tickets; the volume section's
  totals, untagged count and channel series read it (they were two passes).

Bucket ``PREVIOUS`` (-1) holds the previous period of the same length (for new and rising tags
and the change in volume). Within ``report_scope(session)`` (``build_report``) each scan runs once
per period and is kept for the other sections; outside it every call runs its query.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, func, select, true
from sqlalchemy.orm import Session

from assist.analytics import rollups
from assist.analytics.period import Period
from assist.analytics.sql import bucket_of, json_length, rows_of, tag_rows, ticket_range, ticket_time
from storage import TicketRow

PREVIOUS = -1
SATISFIED = 4.0  # a CSAT of 4 or more (on the usual 1-5 scale) counts as satisfied
_CACHE = "analytics_scans"

__all__ = ["PREVIOUS", "SATISFIED", "TagRow", "report_scope", "tag_scan", "ticket_scan"]


@dataclass(frozen=True)
class TagRow:
    bucket: int  # PREVIOUS for the previous period
    tag: str
    tickets: int
    csat_responses: int
    csat_sum: float
    satisfied: int


@contextmanager
def report_scope(session: Session) -> Iterator[None]:
    """Keep the shared scans for the length of one report (not longer: the data may change).

    No SQLite settings are changed for it: a bigger page cache, in-memory sorts or a memory map
    made the year-long report slower at 1M tickets (``grp by tag`` 1.94 s CPU by default, 3.52 s
    with ``temp_store=MEMORY``, 2.99 s with a 128 MiB cache; the sorter's spill files stay in the
    OS page cache anyway)."""
    session.info[_CACHE] = {}
    try:
        yield
    finally:
        session.info.pop(_CACHE, None)


def _cached(session: Session, key: tuple[Any, ...], compute: Any) -> Any:
    cache: dict[tuple[Any, ...], Any] | None = session.info.get(_CACHE)
    if cache is None:
        return compute()
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def _bucket(period: Period) -> Any:
    return func.coalesce(bucket_of(ticket_time(), period), PREVIOUS)


def _scoped(session: Session, stmt: Any, period: Period) -> Any:
    stmt = stmt.where(ticket_range(session, period.previous().since, period.until))
    return stmt.where(TicketRow.channel == period.channel) if period.channel else stmt


def tag_scan(session: Session, period: Period) -> list[TagRow]:
    """``TagRow`` per (bucket, tag) over this period and the previous one."""

    def compute() -> list[TagRow]:
        if rollups.usable(session, period):
            return [TagRow(*row) for row in rollups.tag_rows(session, period, PREVIOUS)]
        tv, tag = tag_rows(session)
        bucket = _bucket(period).label("bucket")
        csat = TicketRow.csat
        stmt = (
            select(
                bucket,
                tag,
                func.count(),
                func.count(csat),
                func.sum(csat),
                func.sum(case((csat >= SATISFIED, 1), else_=0)),
            )
            .select_from(TicketRow)
            .join(tv, true())
            .group_by(bucket, tag)
        )
        return [
            TagRow(int(b), str(t), int(n), int(k), float(s or 0), int(sat or 0))
            for b, t, n, k, s, sat in rows_of(session, _scoped(session, stmt, period))
        ]

    rows: list[TagRow] = _cached(session, ("tags", period), compute)
    return rows


def ticket_scan(session: Session, period: Period) -> list[tuple[int, str, bool, int]]:
    """``(bucket, channel, untagged, tickets)`` over this period and the previous one."""

    def compute() -> list[tuple[int, str, bool, int]]:
        if rollups.usable(session, period):
            return rollups.ticket_rows(session, period, PREVIOUS)
        bucket = _bucket(period).label("bucket")
        untagged = case((json_length(TicketRow.tags) == 0, 1), else_=0).label("untagged")
        stmt = select(bucket, TicketRow.channel, untagged, func.count()).group_by(
            bucket, TicketRow.channel, untagged
        )
        return [
            (int(b), c or "", bool(u), int(n))
            for b, c, u, n in rows_of(session, _scoped(session, stmt, period))
        ]

    rows: list[tuple[int, str, bool, int]] = _cached(session, ("tickets", period), compute)
    return rows
