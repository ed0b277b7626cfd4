"""Coverage of the period's tickets by articles, from what the last ``kms drafts generate`` stored.

Every generation run stores, per ticket it read (the resolved tickets of its window), the best
dense cosine of the ticket's inquiry to an article chunk and that chunk's article
(``ticket_coverage``). Over the tickets that arrived in the period (and the channel filter) and
have such a row: how many, the share covered (best cosine at or above
``DraftSettings.coverage_threshold``, the cut the gap finder uses), the consultation tags least
covered and the articles most often nearest. Each is one SQL aggregation. The figures are as of
the run that stored them (``coverage_computed_at``): tickets it did not read have no row.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, case, func, select, true
from sqlalchemy.orm import Session

from assist.analytics.period import Period
from assist.analytics.sql import one, rows_of, tag_rows, ticket_range
from assist.analytics.tables import Table, ratio, rounded
from storage import ArticleRow, TicketCoverageRow, TicketRow

TOP_TAGS = 20
TOP_ARTICLES = 20
NOT_STORED = (
    "coverage of recent tickets by articles: none stored yet "
    "(run `kms drafts generate`: it stores each ticket's best article cosine)"
)

__all__ = ["NOT_STORED", "coverage_part"]


def _scoped(session: Session, stmt: Select[Any], period: Period) -> Select[Any]:
    """``stmt`` over the coverage rows of the period's tickets (and channel)."""
    stmt = stmt.join(TicketRow, TicketRow.id == TicketCoverageRow.ticket_id).where(
        ticket_range(session, period.since, period.until)
    )
    return stmt.where(TicketRow.channel == period.channel) if period.channel else stmt


def coverage_part(
    session: Session, period: Period, threshold: float
) -> tuple[dict[str, Any], list[Table], list[str]]:
    """``(figures, tables, not-recorded notes)`` for the knowledge health section."""
    label = f"covered: best article cosine >= {threshold:g}"
    by_tag = Table(
        "coverage_by_tag",
        f"Least covered consultation tags ({label})",
        ["tag", "tickets", "covered", "covered_share", "best_mean"],
    )
    nearest = Table(
        "coverage_nearest_articles",
        f"Articles most often nearest to the period's tickets ({label})",
        ["article_id", "title", "tickets", "covered", "best_mean"],
    )
    if session.scalar(select(TicketCoverageRow.ticket_id).limit(1)) is None:
        return {}, [by_tag, nearest], [NOT_STORED]
    covered = func.sum(case((TicketCoverageRow.best >= threshold, 1), else_=0))
    mean = func.avg(TicketCoverageRow.best)
    n, ok, best = one(
        session, _scoped(session, select(func.count(), covered, mean).select_from(TicketCoverageRow), period)
    )
    ran = session.scalar(select(func.max(TicketCoverageRow.computed_at)))
    figures: dict[str, Any] = {
        "coverage_tickets": int(n or 0),
        "coverage_covered": int(ok or 0),
        "coverage_covered_share": ratio(int(ok or 0), int(n or 0)),
        "coverage_best_mean": rounded(best, 4),
        "coverage_threshold": threshold,
        "coverage_computed_at": ran.isoformat() if ran is not None else None,
    }
    tags, tag = tag_rows(session)
    tag_stmt = _scoped(
        session, select(tag, func.count(), covered, mean).select_from(TicketCoverageRow), period
    ).join(tags, true())
    per_tag = [(str(t), int(c), int(k or 0), m) for t, c, k, m in rows_of(session, tag_stmt.group_by(tag))]
    per_tag.sort(key=lambda r: (r[2] / r[1], -r[1], r[0]))  # least covered first, then most tickets
    by_tag.rows = [[t, c, k, ratio(k, c), rounded(m, 4)] for t, c, k, m in per_tag[:TOP_TAGS]]
    article_stmt = (
        _scoped(
            session,
            select(TicketCoverageRow.article_id, ArticleRow.title, func.count(), covered, mean).select_from(
                TicketCoverageRow
            ),
            period,
        )
        .outerjoin(ArticleRow, ArticleRow.id == TicketCoverageRow.article_id)
        .where(TicketCoverageRow.article_id.is_not(None))
        .group_by(TicketCoverageRow.article_id, ArticleRow.title)
        .order_by(func.count().desc(), TicketCoverageRow.article_id)
        .limit(TOP_ARTICLES)
    )
    nearest.rows = [
        [a, t, int(c), int(k or 0), rounded(m, 4)] for a, t, c, k, m in rows_of(session, article_stmt)
    ]
    return figures, [by_tag, nearest], []
