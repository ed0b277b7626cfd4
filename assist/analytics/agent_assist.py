"""Agent assist: how agents use suggestions (used / edited / rejected), the mean draft→final
edit distance, per suggested article and per recurring topic, and the articles whose suggestions
are most often rejected.

A suggestion counts in the period it was made in; its feedback counts with it. A suggestion is
attributed to its top-ranked article (``payload.articles[0]``), and to the active topics (of the
last ``kms drafts generate``) whose member tickets hold its ticket. Agents may give feedback more
than once on a suggestion; every feedback row counts.
"""

from __future__ import annotations

from typing import Any, TypeVarTuple

from sqlalchemy import Select, case, distinct, func, select, true
from sqlalchemy.orm import Session

from assist.analytics import rollups
from assist.analytics.period import Period
from assist.analytics.sql import json_rows, rows_of, time_range
from assist.analytics.tables import Section, Table, ratio, rounded
from storage import ArticleRow, FeedbackRow, SuggestionRow, TicketRow, TopicRow

TOP_ARTICLES = 50
TOP_REASONS = 10

_Ts = TypeVarTuple("_Ts")

__all__ = ["agent_assist_section"]


def _scope(session: Session, stmt: Select[*_Ts], period: Period) -> Select[*_Ts]:
    stmt = stmt.where(time_range(session, SuggestionRow.created_at, period.since, period.until))
    if period.channel:
        stmt = stmt.join(TicketRow, TicketRow.id == SuggestionRow.ticket_id).where(
            TicketRow.channel == period.channel
        )
    return stmt


def _verdict(name: str) -> Any:
    return func.sum(case((FeedbackRow.verdict == name, 1), else_=0))


def article_rows(session: Session, period: Period) -> list[Any]:
    """One pass over the period's suggestions and their feedback, per top-ranked article:
    ``(article_id, suggestions, suggestions with feedback, feedback, used, edited, rejected, mean
    edit distance, distance sum, distances, edited distance sum, edited distances)``; the totals
    are their sums (a suggestion has one top article). From the daily rollups for whole days."""
    if rollups.usable(session, period):
        return rollups.article_rows(session, period)
    top = SuggestionRow.payload[("articles", 0, "article_id")].as_string()
    distance = FeedbackRow.edit_distance
    edited = case((FeedbackRow.verdict == "edited", distance), else_=None)
    stmt = (
        select(
            top,
            func.count(distinct(SuggestionRow.id)),
            func.count(distinct(FeedbackRow.suggestion_id)),
            func.count(FeedbackRow.id),
            _verdict("used"),
            _verdict("edited"),
            _verdict("rejected"),
            func.avg(distance),
            func.sum(distance),
            func.count(distance),
            func.sum(edited),
            func.count(edited),
        )
        .select_from(SuggestionRow)
        .outerjoin(FeedbackRow, FeedbackRow.suggestion_id == SuggestionRow.id)
        .group_by(top)
    )
    return rows_of(session, _scope(session, stmt, period))


def totals(session: Session, period: Period, rows: list[Any] | None = None) -> dict[str, Any]:
    rows = article_rows(session, period) if rows is None else rows

    def total(i: int) -> Any:
        return sum(r[i] or 0 for r in rows)

    s, with_fb, fb, used, edited, rejected = (int(total(i)) for i in range(1, 7))
    dist_n, edist_n = int(total(9)), int(total(11))
    return {
        "suggestions": s,
        "suggestions_with_feedback": with_fb,
        "feedback_rate": ratio(with_fb, s),
        "feedback": fb,
        "used": used,
        "edited": edited,
        "rejected": rejected,
        "use_rate": ratio(used + edited, fb),
        "used_as_is_rate": ratio(used, fb),
        "edited_rate": ratio(edited, fb),
        "rejected_rate": ratio(rejected, fb),
        "mean_edit_distance": rounded(total(8) / dist_n) if dist_n else None,
        "mean_edit_distance_edited": rounded(total(10) / edist_n) if edist_n else None,
    }


def by_article(session: Session, period: Period, rows: list[Any] | None = None) -> list[list[Any]]:
    """``[article_id, title, suggestions, feedback, used, edited, rejected, rejected_rate,
    mean_edit_distance]`` per top-ranked article, most suggested first."""
    rows = article_rows(session, period) if rows is None else rows
    ids = [str(r[0]) for r in rows if r[0] is not None]
    titles = dict(rows_of(session, select(ArticleRow.id, ArticleRow.title).where(ArticleRow.id.in_(ids))))
    out = [
        [
            aid or "(no article)",
            titles.get(aid, "") if aid else "",
            int(n),
            int(fb),
            int(u or 0),
            int(e or 0),
            int(r or 0),
            ratio(int(r or 0), int(fb)),
            rounded(d),
        ]
        for aid, n, _, fb, u, e, r, d, *_ in rows
    ]
    return sorted(out, key=lambda r: (-r[2], str(r[0])))


def by_topic(session: Session, period: Period) -> list[list[Any]]:
    """``[topic, label, suggestions, feedback, used, edited, rejected, rejected_rate,
    mean_edit_distance]`` per active topic whose member tickets had suggestions in the period,
    most suggested first (read from the topics' members: suggestions of other tickets, or of
    none, are not in this table; a ticket in two topics counts in both)."""
    members, ticket_id = json_rows(session, TopicRow.member_ids, "member")
    stmt = (
        select(
            TopicRow.key,
            TopicRow.label,
            func.count(distinct(SuggestionRow.id)),
            func.count(FeedbackRow.id),
            _verdict("used"),
            _verdict("edited"),
            _verdict("rejected"),
            func.avg(FeedbackRow.edit_distance),
        )
        .select_from(TopicRow)
        .join(members, true())
        .join(SuggestionRow, SuggestionRow.ticket_id == ticket_id)
        .outerjoin(FeedbackRow, FeedbackRow.suggestion_id == SuggestionRow.id)
        .where(TopicRow.status == "active")
        .group_by(TopicRow.key, TopicRow.label)
    )
    counted = [
        (key, label, int(n), int(fb), int(u or 0), int(e or 0), int(r or 0), d)
        for key, label, n, fb, u, e, r, d in rows_of(session, _scope(session, stmt, period))
    ]
    out = [[k, lab, n, fb, u, e, r, ratio(r, fb), rounded(d)] for k, lab, n, fb, u, e, r, d in counted]
    return sorted(out, key=lambda r: (-r[2], str(r[0])))[:TOP_ARTICLES]


def rejection_reasons(session: Session, period: Period) -> list[list[Any]]:
    """The reasons agents gave for rejecting (masked text), most frequent first."""
    stmt = (
        select(FeedbackRow.reason, func.count())
        .join(SuggestionRow, SuggestionRow.id == FeedbackRow.suggestion_id)
        .where(FeedbackRow.verdict == "rejected", FeedbackRow.reason.is_not(None), FeedbackRow.reason != "")
        .group_by(FeedbackRow.reason)
        .order_by(func.count().desc(), FeedbackRow.reason)
        .limit(TOP_REASONS)
    )
    return [[str(reason), int(n)] for reason, n in rows_of(session, _scope(session, stmt, period))]


def agent_assist_section(session: Session, period: Period) -> Section:
    rows = article_rows(session, period)
    figures = totals(session, period, rows)
    articles = by_article(session, period, rows)
    columns = [
        "article_id",
        "title",
        "suggestions",
        "feedback",
        "used",
        "edited",
        "rejected",
        "rejected_rate",
        "mean_edit_distance",
    ]
    rejected = sorted((r for r in articles if r[6]), key=lambda r: (-r[6], -(r[7] or 0), str(r[0])))
    return Section(
        "agent_assist",
        "Agent assist",
        figures=figures,
        tables=[
            Table("suggestions_by_article", "Suggestions by top article", columns, articles[:TOP_ARTICLES]),
            Table(
                "suggestions_by_topic",
                "Suggestions by recurring topic (topics of the last drafts run)",
                ["topic", "label", *columns[2:]],
                by_topic(session, period),
            ),
            Table(
                "most_rejected_articles",
                "Articles whose suggestions are most often rejected",
                columns,
                rejected[:10],
            ),
            Table(
                "rejection_reasons",
                "Reasons given for rejecting",
                ["reason", "feedback"],
                rejection_reasons(session, period),
            ),
        ],
    )
