"""Service KPIs from ticket data: first response and resolution times, reopen rate, backlog, a
first-contact-resolution estimate and CSAT (overall, by channel, by consultation tag).

Tickets count in the period they were created in. Times are hours from ``created_at`` to
``resolved_at`` (resolution) and to ``first_response_at`` (first response: the first agent reply,
migration 0010); the median and 90th percentile are read from a histogram of whole hours and
the sorted hours of only the minutes (rollups: whole hours) that hold them (``hour_stats``,
``resolution_ranks``).
The reopen rate is the share of tickets ever resolved (resolved now, or reopened since) that were
reopened at least once, over the tickets whose reopen count is known (``reopens`` not NULL).
First response and reopens are direct queries over the period's tickets (no rollup: a rollup of
them needs a migration that installs new triggers, as 0013 does for the hand-off reasons); the
period filter is ``ticket_range``.
The first-contact-resolution estimate is the share of tickets with a customer reference after
which the same customer opened no other ticket within ``REPEAT_DAYS`` days. Customer references
are masked to ``[고객번호]`` when stored unless ``KMS_PII_ALLOW`` keeps them; masked ones are not
identities and are left out.
"""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any, TypeVarTuple

from sqlalchemy import ColumnElement, Integer, Select, and_, case, cast, func, or_, select
from sqlalchemy.orm import Session, aliased

from assist.analytics import rollups
from assist.analytics.period import Period
from assist.analytics.scans import PREVIOUS, SATISFIED, tag_scan
from assist.analytics.sql import dialect, hours_between, one, rows_of, ticket_range, ticket_time
from assist.analytics.tables import Section, Table, ratio, rounded
from storage import TicketRow

REPEAT_DAYS = 7

NOT_RECORDED: list[str] = []
NO_FIRST_RESPONSE = (
    "first response time: no ticket in the period has a first agent reply time (recorded when an "
    "agent sends a suggested reply or resolves here, or imported: first_response_at / 첫응답일시, helpdesk "
    "ticket metrics or the first agent message)"
)
NO_REOPENS = (
    "reopen rate: no resolved ticket in the period has a known reopen count (counted by reopens here and "
    "status changes seen on re-import, or imported: reopens / 재오픈횟수, helpdesk ticket metrics)"
)

_Ts = TypeVarTuple("_Ts")

__all__ = ["service_section"]


def _scope(session: Session, stmt: Select[*_Ts], period: Period) -> Select[*_Ts]:
    stmt = stmt.where(ticket_range(session, period.since, period.until))
    return stmt.where(TicketRow.channel == period.channel) if period.channel else stmt


def _hours(session: Session) -> ColumnElement[float]:
    return hours_between(session, TicketRow.created_at, TicketRow.resolved_at)


def _resolved_timed() -> ColumnElement[bool]:
    return (
        TicketRow.resolved_at.is_not(None)
        & TicketRow.created_at.is_not(None)
        & (TicketRow.resolved_at >= TicketRow.created_at)
    )


def _ranks(n: int) -> tuple[int, int, int]:
    """0-based ranks of the lower and upper median and the 90th percentile among ``n`` values."""
    return (n - 1) // 2, n // 2, max(0, math.ceil(0.9 * n) - 1)


def _times(mean: Any, at: dict[int, float], n: int, prefix: str = "resolution") -> dict[str, Any]:
    lo, hi, p90 = _ranks(n)
    return {
        f"{prefix}_hours_mean": rounded(mean, 2),
        f"{prefix}_hours_median": rounded((at[lo] + at[hi]) / 2, 2),
        f"{prefix}_hours_p90": rounded(at[p90], 2),
    }


def _no_times(prefix: str) -> dict[str, Any]:
    return {f"{prefix}_hours_{stat}": None for stat in ("mean", "median", "p90")}


NO_TIMES = _no_times("resolution")


def whole_minutes(session: Session, hours: ColumnElement[float]) -> ColumnElement[int]:
    """The whole minutes of a non-negative ``hours``: ``hour_stats``'s buckets."""
    if dialect(session) == "postgresql":
        return cast(func.floor(hours * 60), Integer)
    return cast(hours * 60, Integer)


def _located(n: int, histogram: list[tuple[int, int]]) -> dict[int, tuple[int, int]]:
    """``{rank: (bucket, 1-based rank within it)}`` of the median and 90th percentile ranks,
    from ``[(bucket, count), ...]`` in order of the buckets (whole hours or minutes)."""
    wanted: dict[int, tuple[int, int]] = {}
    before = 0
    for whole, count in histogram:
        for rank in _ranks(n):
            if before <= rank < before + count:
                wanted[rank] = (whole, rank - before + 1)
        before += count
    return wanted


def hour_stats(
    session: Session, period: Period, hours: ColumnElement[float], timed: ColumnElement[bool]
) -> tuple[int, Any, dict[int, float]]:
    """``(n, mean, {0-based rank: hours})`` of ``hours`` over the period's tickets where ``timed``.
    One ``GROUP BY`` pass gives the count, sum and histogram of whole minutes; a second reads, in
    order, only the hours of the minutes that hold the median and 90th percentile (as
    ``resolution_ranks`` reads the rollups' whole hours): no sort of every row. 100k generated
    tickets, 365 days, SQLite, first response: 0.49 s with a ``row_number()`` sort, 0.30 s by whole
    hours (one of them held a quarter of the tickets), 0.23 s by whole minutes."""
    whole = whole_minutes(session, hours)
    label = whole.label("whole")
    stmt = select(label, func.count(), func.sum(hours)).where(timed).group_by(label)
    groups = sorted(
        (int(w), int(k), float(t or 0)) for w, k, t in rows_of(session, _scope(session, stmt, period))
    )
    n = sum(k for _, k, _ in groups)
    if not n:
        return 0, None, {}
    wanted = _located(n, [(w, k) for w, k, _ in groups])
    read = (
        select(label, hours).where(timed, whole.in_({w for w, _ in wanted.values()})).order_by(label, hours)
    )
    found: dict[int, list[float]] = {}
    for w, h in rows_of(session, _scope(session, read, period)):
        found.setdefault(int(w), []).append(float(h))
    total = sum(t for _, _, t in groups)
    return n, total / n, {rank: found[w][r - 1] for rank, (w, r) in wanted.items()}


def resolution_times(session: Session, period: Period) -> dict[str, Any]:
    """Mean, median and 90th percentile hours to resolution (``hour_stats``). For whole days, from the
    rollups: the mean from the daily sums, and the percentiles by sorting only the tickets of the
    whole hour that holds each (``resolution_ranks``)."""
    if rollups.usable(session, period):
        return resolution_ranks(session, period)
    n, mean, at = hour_stats(session, period, _hours(session), _resolved_timed())
    return _times(mean, at, n) if n else dict(NO_TIMES)


def first_response_times(session: Session, period: Period) -> dict[str, Any]:
    """Mean, median and 90th percentile hours from creation to the first agent reply, over the
    period's tickets with both times (a reply stamped before creation is left out), and how many
    tickets that is (``first_responses``)."""
    timed = (
        TicketRow.first_response_at.is_not(None)
        & TicketRow.created_at.is_not(None)
        & (TicketRow.first_response_at >= TicketRow.created_at)
    )
    hours = hours_between(session, TicketRow.created_at, TicketRow.first_response_at)
    n, mean, at = hour_stats(session, period, hours, timed)
    return {"first_responses": n} | (
        _times(mean, at, n, "first_response") if n else _no_times("first_response")
    )


def reopen_rate(session: Session, period: Period) -> dict[str, Any]:
    """Of the period's tickets ever resolved (resolved now, or reopened since) whose reopen count
    is known: how many (``reopen_base``), how many were reopened (``reopened``) and the share."""
    known = TicketRow.reopens.is_not(None)
    ever_resolved = TicketRow.resolved_at.is_not(None) | (TicketRow.reopens > 0)
    stmt = select(func.count(), func.sum(case((TicketRow.reopens > 0, 1), else_=0))).where(
        known, ever_resolved
    )
    base, reopened = one(session, _scope(session, stmt, period))
    base, reopened = int(base), int(reopened or 0)
    return {"reopen_base": base, "reopened": reopened, "reopen_rate": ratio(reopened, base)}


def resolution_ranks(session: Session, period: Period) -> dict[str, Any]:
    """The rollups' ``resolution_times``: the daily histogram of whole hours tells which hour
    holds each rank and its rank within that hour; only those hours' rows of the per-ticket
    rollup are then read, in order (a few percent of the period's tickets)."""
    n, total, histogram = rollups.resolution_histogram(session, period)
    if not n:
        return dict(NO_TIMES)
    wanted = _located(n, histogram)  # rank -> (hour, 1-based rank within the hour)
    found = rollups.resolution_hours(session, period, {h for h, _ in wanted.values()})
    return _times(total / n, {rank: found[h][r - 1] for rank, (h, r) in wanted.items()}, n)


def channel_rows(session: Session, period: Period) -> list[tuple[str, int, int, Any, int, Any, float, int]]:
    """One pass, per channel: ``(channel, tickets, resolved, mean hours to resolution, CSAT
    responses, CSAT mean, CSAT sum, satisfied)``; the overall counts are their sums. From the
    daily rollups for whole days."""
    if rollups.usable(session, period):
        return rollups.channel_rows(session, period)
    csat = TicketRow.csat
    hours = func.avg(case((_resolved_timed(), _hours(session)), else_=None))
    stmt = select(
        TicketRow.channel,
        func.count(),
        func.count(TicketRow.resolved_at),
        hours,
        func.count(csat),
        func.avg(csat),
        func.sum(csat),
        func.sum(case((csat >= SATISFIED, 1), else_=0)),
    ).group_by(TicketRow.channel)
    return [
        (c or "", int(n), int(r), h, int(k), m, float(total or 0), int(sat or 0))
        for c, n, r, h, k, m, total, sat in rows_of(session, _scope(session, stmt, period))
    ]


def counts(session: Session, period: Period, rows: list[Any] | None = None) -> dict[str, Any]:
    rows = channel_rows(session, period) if rows is None else rows
    n = sum(r[1] for r in rows)
    resolved = sum(r[2] for r in rows)
    rated = sum(r[4] for r in rows)
    total = sum(r[6] for r in rows)
    satisfied = sum(r[7] for r in rows)
    return {
        "tickets": n,
        "resolved": resolved,
        "open": n - resolved,
        "resolved_rate": ratio(resolved, n),
        "csat_responses": rated,
        "csat_response_rate": ratio(rated, n),
        "csat_mean": rounded(total / rated, 3) if rated else None,
        "csat_satisfied_rate": ratio(satisfied, rated),
    }


def repeat_contacts(session: Session, period: Period) -> tuple[int, int]:
    """``(tickets with a customer reference, followed by another of that customer within
    REPEAT_DAYS days)``: a ticket is followed when the customer has a later ticket (by time, then
    id; any channel) at most REPEAT_DAYS days after it, found by one probe of the
    ``(customer_ref, created_at, ingested_at, id)`` index a ticket (the same count as comparing
    each ticket with the next of that customer: a later one is never closer than the next).
    PostgreSQL reads the same count with a window instead (``_repeat_contacts_by_window``)."""
    if session.get_bind().dialect.name == "postgresql":
        return _repeat_contacts_by_window(session, period)
    return _repeat_contacts_by_probe(session, period)


def _repeat_contacts_by_probe(session: Session, period: Period) -> tuple[int, int]:
    ts, other = ticket_time(), aliased(TicketRow, name="later")
    later_ts = func.coalesce(other.created_at, other.ingested_at, type_=TicketRow.created_at.type)
    horizon = period.until + timedelta(days=REPEAT_DAYS)
    followed = (
        select(other.id)
        .where(other.customer_ref == TicketRow.customer_ref)
        .where(or_(later_ts > ts, and_(later_ts == ts, other.id > TicketRow.id)))
        .where(later_ts < horizon, hours_between(session, ts, later_ts) <= REPEAT_DAYS * 24)
        .exists()
    )
    stmt = _scope(
        session,
        select(func.count(), func.sum(case((followed, 1), else_=0)))
        .where(TicketRow.customer_ref.is_not(None), TicketRow.customer_ref != "")
        .where(TicketRow.customer_ref.not_like("[%]")),  # masked to a placeholder: not an identity
        period,
    )
    n, repeated = one(session, stmt)
    return int(n), int(repeated or 0)


def _repeat_contacts_by_window(session: Session, period: Period) -> tuple[int, int]:
    """``repeat_contacts`` in one pass: each customer's tickets from the period's start to the
    horizon in (time, id) order, each with the time of the next one (``lead``); the same count
    (the next ticket is the closest later one; one beyond the horizon is never within the days).
    PostgreSQL: a probe a ticket cost 7-9 us at 1M tickets (700k probes over a year)."""
    ts = ticket_time()
    horizon = period.until + timedelta(days=REPEAT_DAYS)
    following = func.lead(ts).over(partition_by=TicketRow.customer_ref, order_by=(ts, TicketRow.id))
    mine = (
        select(ts.label("ts"), TicketRow.channel.label("channel"), following.label("later"))
        .where(TicketRow.customer_ref.is_not(None), TicketRow.customer_ref != "")
        .where(TicketRow.customer_ref.not_like("[%]"))
        .where(ticket_range(session, period.since, horizon))
        .subquery()
    )
    close = and_(mine.c.later < horizon, hours_between(session, mine.c.ts, mine.c.later) <= REPEAT_DAYS * 24)
    stmt = select(func.count(), func.sum(case((close, 1), else_=0))).where(
        mine.c.ts >= period.since, mine.c.ts < period.until
    )
    if period.channel:
        stmt = stmt.where(mine.c.channel == period.channel)
    n, repeated = one(session, stmt)
    return int(n), int(repeated or 0)


def by_channel(session: Session, period: Period, rows: list[Any] | None = None) -> list[list[Any]]:
    rows = channel_rows(session, period) if rows is None else rows
    out = [[c or "(none)", n, r, rounded(h, 2), k, rounded(m, 3)] for c, n, r, h, k, m, _, _ in rows]
    return sorted(out, key=lambda r: (-r[1], r[0]))


def csat_by_tag(session: Session, period: Period) -> list[list[Any]]:
    """Per tag in the period: tickets, CSAT responses, mean and satisfied rate (summed over the
    buckets of the shared tag scan)."""
    totals: dict[str, list[Any]] = {}
    for row in tag_scan(session, period):
        if row.bucket != PREVIOUS:
            n, k, total, satisfied = totals.setdefault(row.tag, [0, 0, 0.0, 0])
            totals[row.tag] = [
                n + row.tickets,
                k + row.csat_responses,
                total + row.csat_sum,
                satisfied + row.satisfied,
            ]
    out = [[t, n, k, rounded(s / k, 3) if k else None, ratio(sat, k)] for t, (n, k, s, sat) in totals.items()]
    return sorted(out, key=lambda r: (-r[1], r[0]))


def service_section(session: Session, period: Period) -> Section:
    channels = channel_rows(session, period)
    figures = counts(session, period, channels) | resolution_times(session, period)
    figures |= first_response_times(session, period) | reopen_rate(session, period)
    with_ref, repeated = repeat_contacts(session, period)
    notes = list(NOT_RECORDED)
    if not figures["first_responses"]:
        notes.append(NO_FIRST_RESPONSE)
    if not figures["reopen_base"]:
        notes.append(NO_REOPENS)
    figures["tickets_with_customer_ref"] = with_ref
    figures["repeat_contact_rate_7d"] = ratio(repeated, with_ref)
    figures["fcr_estimate"] = ratio(with_ref - repeated, with_ref)
    if not with_ref:
        notes.append(
            "first-contact resolution: no ticket in the period has a usable customer reference "
            "(they are masked to [고객번호] unless KMS_PII_ALLOW keeps them)"
        )
    if not figures["csat_responses"]:
        notes.append("CSAT: no ticket in the period has a CSAT score")
    return Section(
        "service",
        "Service KPIs",
        figures=figures,
        tables=[
            Table(
                "service_by_channel",
                "Resolution and CSAT by channel",
                ["channel", "tickets", "resolved", "resolution_hours_mean", "csat_responses", "csat_mean"],
                by_channel(session, period, channels),
            ),
            Table(
                "csat_by_tag",
                "CSAT by consultation tag",
                ["tag", "tickets", "csat_responses", "csat_mean", "csat_satisfied_rate"],
                csat_by_tag(session, period),
            ),
        ],
        not_recorded=notes,
    )
