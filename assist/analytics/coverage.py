"""Coverage of the period's tickets by articles, from what the last ``kms drafts generate`` stored.

Every generation run stores, per ticket it read (the resolved tickets of its window), the best
dense cosine of the ticket's inquiry to an article chunk and that chunk's article
(``ticket_coverage``). Over the tickets that arrived in the period (and the channel filter) and
have such a row: how many, the share covered (best cosine at or above
``DraftSettings.coverage_threshold``, the cut the gap finder uses), the consultation tags least
covered and the articles most often nearest: two SQL aggregations, per article (which gives the
totals too) and per tag. The figures are as of the run that stored them (``coverage_computed_at``):
tickets it did not read have no row.
"""

from __future__ import annotations

from typing import Any, TypeVarTuple

from sqlalchemy import Select, case, func, select, true
from sqlalchemy.orm import Session

from assist.analytics.period import Period
from assist.analytics.sql import rows_of, tag_rows, ticket_range, unindexed, use_index
from assist.analytics.tables import Table, ratio, rounded
from storage import ArticleRow, TicketCoverageRow, TicketRow

TOP_TAGS = 20
TOP_ARTICLES = 20
NOT_STORED = (
    "coverage of recent tickets by articles: none stored yet "
    "(run `kms drafts generate`: it stores each ticket's best article cosine)"
)

__all__ = ["NOT_STORED", "coverage_part"]

_Ts = TypeVarTuple("_Ts")


def _scoped(session: Session, stmt: Select[*_Ts], period: Period) -> Select[*_Ts]:
    """``stmt`` over the coverage rows of the period's tickets (and channel)."""
    ticket_id: Any = TicketCoverageRow.ticket_id
    if not use_index(session, TicketRow.created_at, period.since, period.until):
        # most of the tickets (SQLite): read the coverage rows in their order and look each ticket
        # up, rather than scan the tickets' covering index in customer order and look up their
        # coverage rows at random (1M tickets, 365 days: 6.7 s -> 1.3 s per query)
        ticket_id = unindexed(ticket_id)
    stmt = stmt.join(TicketRow, TicketRow.id == ticket_id).where(
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
    # per article (None: no article in the index) and the totals from one join of the period's
    # tickets with their coverage rows (a year of 1M tickets: seconds a join)
    article_stmt = _scoped(
        session,
        select(
            TicketCoverageRow.article_id, func.count(), covered, func.sum(TicketCoverageRow.best)
        ).select_from(TicketCoverageRow),
        period,
    ).group_by(TicketCoverageRow.article_id)
    per_article = [(a, int(c), int(k or 0), float(b or 0.0)) for a, c, k, b in rows_of(session, article_stmt)]
    n = sum(r[1] for r in per_article)
    ok = sum(r[2] for r in per_article)
    best = sum(r[3] for r in per_article) / n if n else None
    ran = session.scalar(select(func.max(TicketCoverageRow.computed_at)))
    figures: dict[str, Any] = {
        "coverage_tickets": n,
        "coverage_covered": ok,
        "coverage_covered_share": ratio(ok, n),
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
    top = sorted((r for r in per_article if r[0] is not None), key=lambda r: (-r[1], r[0]))[:TOP_ARTICLES]
    titles = (
        dict(
            rows_of(
                session, select(ArticleRow.id, ArticleRow.title).where(ArticleRow.id.in_([r[0] for r in top]))
            )
        )
        if top
        else {}
    )
    nearest.rows = [[a, titles.get(a), c, k, rounded(b / c, 4)] for a, c, k, b in top]
    return figures, [by_tag, nearest], []
