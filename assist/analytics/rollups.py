"""The report's grouped passes read from the daily rollups (``storage/rollup_models.py``) instead of
the source rows, when the period is whole UTC days (``make_period`` always gives whole days).

Each function returns exactly what the direct query it stands for returns (same rows, same
order of columns): ``scans.tag_scan`` / ``ticket_scan``, ``service.channel_rows``,
``agent_assist.article_rows``, ``chatbot.scan`` and ``health.citations``; the resolution mean and
percentiles come from the daily sums, an hours histogram and the per-ticket hours of the hours
that hold the percentiles (``service.resolution_ranks``). The rollups are kept equal to the
source rows by triggers (``storage/rollups.py``); tests compare the two after inserts, updates
and deletes. What is not summed per day stays a direct query: the repeat contacts (an index probe
a ticket), the repeated unanswered questions, the rejection reasons and the topic counts.

``session.info["analytics_direct"] = True`` makes every pass read the source rows (tests).
"""

from __future__ import annotations

from datetime import date, time
from typing import Any

from sqlalchemy import ColumnElement, case, func, literal, select
from sqlalchemy.orm import Session

from assist.analytics.period import Period
from assist.analytics.sql import rows_of
from storage.rollup_models import (
    AnswerDayRow,
    CitationDayRow,
    ResolutionDayRow,
    ResolutionTicketRow,
    SuggestionDayRow,
    TicketDayRow,
    TicketTagDayRow,
)

DIRECT = "analytics_direct"

__all__ = [
    "DIRECT",
    "answer_rows",
    "article_rows",
    "channel_rows",
    "citation_rows",
    "resolution_histogram",
    "resolution_hours",
    "tag_rows",
    "ticket_rows",
    "usable",
]


def usable(session: Session, period: Period) -> bool:
    """Whether the rollups can answer for ``period``: its bounds are midnights (UTC)."""
    if session.info.get(DIRECT):
        return False
    return all(
        t.time() == time.min and (t.utcoffset() is None or not t.utcoffset())
        for t in (period.since, period.until)
    )


def _days(period: Period) -> tuple[date, date]:
    return period.since.date(), period.until.date()


def day_bucket(column: Any, period: Period) -> ColumnElement[int]:
    """``sql.bucket_of`` over a date column: the bucket index of the day, NULL outside the period."""
    ends = [end.date() for _, end in period.buckets()]

    def tree(lo: int, hi: int) -> Any:
        if lo == hi:
            return literal(lo)
        mid = (lo + hi) // 2
        return case((column < ends[mid], tree(lo, mid)), else_=tree(mid + 1, hi))

    first, last = _days(period)
    inside = (column >= first) & (column < last)
    return case((inside, tree(0, len(ends) - 1)), else_=None)


def _in(column: Any, first: date, last: date) -> ColumnElement[bool]:
    return (column >= first) & (column < last)


def tag_rows(session: Session, period: Period, previous: int) -> list[tuple[int, str, int, int, float, int]]:
    """``(bucket, tag, tickets, CSAT responses, CSAT sum, satisfied)`` over the period and the
    previous one (bucket ``previous``), as ``scans.tag_scan``."""
    r = TicketTagDayRow
    bucket = func.coalesce(day_bucket(r.day, period), previous).label("bucket")
    stmt = (
        select(
            bucket,
            r.tag,
            func.sum(r.tickets),
            func.sum(r.csat_n),
            func.sum(r.csat_sum),
            func.sum(r.satisfied),
        )
        .where(_in(r.day, period.previous().since.date(), period.until.date()), r.tickets > 0)
        .group_by(bucket, r.tag)
    )
    if period.channel:
        stmt = stmt.where(r.channel == period.channel)
    return [
        (int(b), str(t), int(n), int(k), float(s or 0), int(sat or 0))
        for b, t, n, k, s, sat in rows_of(session, stmt)
    ]


def ticket_rows(session: Session, period: Period, previous: int) -> list[tuple[int, str, bool, int]]:
    """``(bucket, channel, untagged, tickets)``, as ``scans.ticket_scan``."""
    r = TicketDayRow
    bucket = func.coalesce(day_bucket(r.day, period), previous).label("bucket")
    stmt = (
        select(bucket, r.channel, func.sum(r.tickets), func.sum(r.untagged))
        .where(_in(r.day, period.previous().since.date(), period.until.date()), r.tickets > 0)
        .group_by(bucket, r.channel)
    )
    if period.channel:
        stmt = stmt.where(r.channel == period.channel)
    out: list[tuple[int, str, bool, int]] = []
    for b, c, n, untagged in rows_of(session, stmt):
        for empty, count in ((False, int(n) - int(untagged)), (True, int(untagged))):
            if count:
                out.append((int(b), c or "", empty, count))
    return out


def channel_rows(session: Session, period: Period) -> list[tuple[str, int, int, Any, int, Any, float, int]]:
    """``(channel, tickets, resolved, mean hours, CSAT responses, CSAT mean, CSAT sum, satisfied)``,
    as ``service.channel_rows``."""
    r = TicketDayRow
    sums = [
        func.sum(c) for c in (r.tickets, r.resolved, r.timed, r.hours_sum, r.csat_n, r.csat_sum, r.satisfied)
    ]
    stmt = select(r.channel, *sums).where(_in(r.day, *_days(period)), r.tickets > 0).group_by(r.channel)
    if period.channel:
        stmt = stmt.where(r.channel == period.channel)
    out = []
    for c, n, resolved, timed, hours, k, total, sat in rows_of(session, stmt):
        mean_hours = float(hours) / int(timed) if timed else None
        mean_csat = float(total) / int(k) if k else None
        out.append(
            (c or "", int(n), int(resolved), mean_hours, int(k), mean_csat, float(total or 0), int(sat))
        )
    return out


def article_rows(session: Session, period: Period) -> list[tuple[Any, ...]]:
    """Per top article: ``(article_id, suggestions, with feedback, feedback, used, edited,
    rejected, mean distance, distance sum, distances, edited sum, edited distances)``, as
    ``agent_assist.article_rows`` (``article_id`` None for suggestions without an article)."""
    r = SuggestionDayRow
    columns = (r.suggestions, r.with_feedback, r.feedback, r.used, r.edited, r.rejected)
    distances = (r.dist_sum, r.dist_n, r.edited_sum, r.edited_n)
    stmt = (
        select(r.article, *(func.sum(c) for c in columns), *(func.sum(c) for c in distances))
        .where(_in(r.day, *_days(period)), r.suggestions > 0)
        .group_by(r.article)
    )
    if period.channel:
        stmt = stmt.where(r.channel == period.channel)
    out: list[tuple[Any, ...]] = []
    for article, s, with_fb, fb, used, edited, rejected, d_sum, d_n, e_sum, e_n in rows_of(session, stmt):
        mean = float(d_sum) / int(d_n) if d_n else None
        counts = (int(s), int(with_fb), int(fb), int(used), int(edited), int(rejected))
        out.append((article or None, *counts, mean, float(d_sum), int(d_n), float(e_sum), int(e_n)))
    return out


def answer_rows(session: Session, period: Period) -> list[tuple[int, str, int, float, int]]:
    """``(bucket, outcome, questions, confidence sum, confidences)``, as ``chatbot.scan``."""
    r = AnswerDayRow
    bucket = day_bucket(r.day, period).label("bucket")
    stmt = (
        select(bucket, r.outcome, func.sum(r.questions), func.sum(r.conf_sum), func.sum(r.conf_n))
        .where(_in(r.day, *_days(period)), r.questions > 0)
        .group_by(bucket, r.outcome)
    )
    return [(int(b), str(o), int(n), float(c or 0), int(k)) for b, o, n, c, k in rows_of(session, stmt)]


def resolution_histogram(session: Session, period: Period) -> tuple[int, float, list[tuple[int, int]]]:
    """``(resolved tickets with both times, sum of their hours, [(whole hours, tickets), ...]
    in order of hours)`` over the period."""
    t, r = TicketDayRow, ResolutionDayRow
    totals = select(func.sum(t.timed), func.sum(t.hours_sum)).where(_in(t.day, *_days(period)), t.tickets > 0)
    hist = select(r.hour, func.sum(r.tickets)).where(_in(r.day, *_days(period)), r.tickets > 0)
    hist = hist.group_by(r.hour).order_by(r.hour)
    if period.channel:
        totals, hist = totals.where(t.channel == period.channel), hist.where(r.channel == period.channel)
    n, total = session.execute(totals).one()
    return int(n or 0), float(total or 0), [(int(h), int(k)) for h, k in rows_of(session, hist)]


def citation_rows(session: Session, period: Period, docs: list[str]) -> list[tuple[str, int, int]]:
    """``(document, suggestions citing it, chatbot answers citing it)`` in the period, for
    ``docs`` (``article:<id>``), as ``health.citations``."""
    r = CitationDayRow
    stmt = (
        select(r.doc, func.sum(r.suggestions), func.sum(r.answers))
        .where(_in(r.day, *_days(period)), r.doc.in_(docs))
        .group_by(r.doc)
    )
    return [(str(d), int(s or 0), int(a or 0)) for d, s, a in rows_of(session, stmt)]


def resolution_hours(session: Session, period: Period, hours: set[int]) -> dict[int, list[float]]:
    """``{whole hour: sorted hours to resolution of the period's tickets in it}`` for ``hours``
    (a range read of those hours' rows, not of the period's tickets)."""
    r = ResolutionTicketRow
    stmt = select(r.hour, r.hours).where(r.hour.in_(hours), _in(r.day, *_days(period)), r.n > 0)
    if period.channel:
        stmt = stmt.where(r.channel == period.channel)
    out: dict[int, list[float]] = {h: [] for h in hours}
    for h, value in rows_of(session, stmt.order_by(r.hour, r.hours)):
        out[int(h)].append(float(value))
    return out
