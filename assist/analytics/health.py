"""Knowledge health: incomplete articles, stale or expired articles still being cited, the gap
topics found in tickets, the drafts waiting for review (and for how long) and how well the
articles cover the period's tickets (``assist.analytics.coverage``: stored by the last
``kms drafts generate``).

Articles, topics and drafts are judged as they are now (``today``); citations are counted in the
period, from the query log (``hit_ids`` of suggestions and of chatbot answers). An article is
stale as in the agent console (``assist.suggest.staleness``): past its ``valid_until``, or not
updated for ``stale_after_days``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import case, distinct, func, or_, select, true
from sqlalchemy.orm import Session

from assist.analytics import rollups
from assist.analytics.coverage import coverage_part
from assist.analytics.period import Period
from assist.analytics.sql import json_rows, rows_of, time_range
from assist.analytics.tables import Section, Table, rounded
from assist.drafts.config import DraftSettings
from storage import ANSWER_KINDS, ArticleRow, DraftRow, QueryLogRow, TopicRow

MAX_STALE = 500  # stale articles checked for citations
TOP_TOPICS = 30

__all__ = ["health_section"]


def incomplete_articles(session: Session) -> list[list[Any]]:
    stmt = (
        select(ArticleRow.id, ArticleRow.title, ArticleRow.missing, ArticleRow.owner)
        .where(ArticleRow.status == "published", ArticleRow.complete.is_(False))
        .order_by(ArticleRow.id)
    )
    return [[i, t, ", ".join(m or []), o] for i, t, m, o in rows_of(session, stmt)]


def stale_articles(
    session: Session, today: date, stale_after_days: int
) -> list[tuple[str, str, str, Any, Any]]:
    """``(id, title, reason, valid_until, updated_at)``: ``expired`` or ``not_updated``."""
    cutoff = today - timedelta(days=stale_after_days)
    expired = ArticleRow.valid_until < today
    reason = case((expired, "expired"), else_="not_updated")
    stmt = (
        select(ArticleRow.id, ArticleRow.title, reason, ArticleRow.valid_until, ArticleRow.updated_at)
        .where(ArticleRow.status == "published", or_(expired, ArticleRow.updated_at < cutoff))
        .order_by(ArticleRow.id)
        .limit(MAX_STALE)
    )
    return [(str(i), str(t), str(r), v, u) for i, t, r, v, u in rows_of(session, stmt)]


def citations(session: Session, period: Period, article_ids: list[str]) -> dict[str, tuple[int, int]]:
    """``{article_id: (suggestions citing it, chatbot answers citing it)}`` in the period: one
    pass over the period's logged hit ids, grouped by the cited document (for whole days, the
    daily citation rollup)."""
    if not article_ids:
        return {}
    if rollups.usable(session, period):
        found = rollups.citation_rows(session, period, [f"article:{a}" for a in article_ids])
        return {d.removeprefix("article:"): (s, a) for d, s, a in found}
    hits, doc = json_rows(session, QueryLogRow.hit_ids, "hit")
    stmt = (
        select(
            doc,
            func.count(distinct(case((QueryLogRow.kind == "suggest", QueryLogRow.id)))),
            func.count(distinct(case((QueryLogRow.kind.in_(ANSWER_KINDS), QueryLogRow.id)))),
        )
        .select_from(QueryLogRow)
        .join(hits, true())
        .where(time_range(session, QueryLogRow.created_at, period.since, period.until))
        .where(doc.in_([f"article:{a}" for a in article_ids]))
        .group_by(doc)
    )
    return {str(d).removeprefix("article:"): (int(s or 0), int(a or 0)) for d, s, a in rows_of(session, stmt)}


def gap_topics(session: Session) -> list[list[Any]]:
    latest = (
        select(DraftRow.topic_id, func.max(DraftRow.id).label("draft_id"))
        .group_by(DraftRow.topic_id)
        .subquery()
    )
    stmt = (
        select(
            TopicRow.key,
            TopicRow.label,
            TopicRow.size,
            TopicRow.previous_size,
            TopicRow.last_seen,
            DraftRow.id,
            DraftRow.status,
        )
        .outerjoin(latest, latest.c.topic_id == TopicRow.id)
        .outerjoin(DraftRow, DraftRow.id == latest.c.draft_id)
        .where(TopicRow.status == "active")
        .order_by(TopicRow.size.desc(), TopicRow.key)
        .limit(TOP_TOPICS)
    )
    return [
        [key, label, size, prev, size - prev, last.date().isoformat() if last else None, did, dstatus]
        for key, label, size, prev, last, did, dstatus in rows_of(session, stmt)
    ]


def pending_drafts(session: Session, now: datetime) -> list[list[Any]]:
    stmt = (
        select(DraftRow.id, DraftRow.title, DraftRow.size, DraftRow.created_at)
        .where(DraftRow.status == "pending")
        .order_by(DraftRow.created_at, DraftRow.id)
    )
    return [
        [i, t, s, c.date().isoformat(), round((now - c) / timedelta(days=1), 1)]
        for i, t, s, c in rows_of(session, stmt)
    ]


def health_section(
    session: Session,
    period: Period,
    *,
    stale_after_days: int = 365,
    now: datetime | None = None,
    coverage_threshold: float | None = None,
) -> Section:
    """``coverage_threshold``: a ticket counts as covered from this best article cosine up
    (default: ``DraftSettings().coverage_threshold``, the gap finder's cut)."""
    now = now or datetime.now(UTC)
    published = session.scalar(select(func.count()).where(ArticleRow.status == "published")) or 0
    incomplete = incomplete_articles(session)
    stale = stale_articles(session, now.date(), stale_after_days)
    cited = citations(session, period, [s[0] for s in stale])
    stale_rows: list[list[Any]] = [
        [i, t, r, v.isoformat() if v else None, u.isoformat() if u else None, *cited.get(i, (0, 0))]
        for i, t, r, v, u in stale
    ]
    cited_rows = sorted((r for r in stale_rows if r[5] or r[6]), key=lambda r: (-(r[5] + r[6]), r[0]))
    topics = gap_topics(session)
    drafts = pending_drafts(session, now)
    ages = [float(d[4]) for d in drafts]
    figures: dict[str, Any] = {
        "published_articles": int(published),
        "incomplete_articles": len(incomplete),
        "stale_articles": len(stale),
        "expired_articles": sum(1 for s in stale if s[2] == "expired"),
        "stale_articles_cited": len(cited_rows),
        "gap_topics": len(topics),
        "drafts_pending": len(drafts),
        "drafts_pending_mean_age_days": rounded(sum(ages) / len(ages), 2) if ages else None,
        "drafts_pending_oldest_age_days": max(ages) if ages else None,
    }
    threshold = DraftSettings().coverage_threshold if coverage_threshold is None else coverage_threshold
    coverage_figures, coverage_tables, coverage_notes = coverage_part(session, period, threshold)
    figures |= coverage_figures
    stale_columns = [
        "article_id",
        "title",
        "reason",
        "valid_until",
        "updated_at",
        "cited_in_suggestions",
        "cited_in_answers",
    ]
    return Section(
        "health",
        "Knowledge health",
        figures=figures,
        tables=[
            Table("stale_cited", "Stale or expired articles still being cited", stale_columns, cited_rows),
            Table(
                "incomplete_articles",
                "Incomplete articles (template sections missing)",
                ["article_id", "title", "missing", "owner"],
                incomplete,
            ),
            Table(
                "gap_topics",
                "Recurring topics found in tickets",
                ["topic", "label", "tickets", "previous", "change", "last_seen", "draft_id", "draft_status"],
                topics,
            ),
            Table(
                "pending_drafts",
                "Drafts waiting for review",
                ["draft_id", "title", "tickets", "created", "age_days"],
                drafts,
            ),
            *coverage_tables,
        ],
        not_recorded=coverage_notes,
    )
