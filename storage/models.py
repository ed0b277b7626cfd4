"""SQLAlchemy 2.0 declarative models: the tables KMS Assist keeps.

Only portable column types are used (String, Text, Integer, BigInteger, Float, Boolean, Date,
DateTime, JSON) so one schema serves SQLite and PostgreSQL. ``migrations/versions/0001_initial.py``
creates exactly these tables; a test compares the two.

Many-to-one ``relationship()``s mirror every foreign key so that one flush inserts parents before
children (e.g. a ticket and a suggestion for it added in the same transaction).

Datetimes are stored in UTC: ``UtcDateTime`` treats naive values as UTC on the way in and
always hands back timezone-aware UTC values (SQLite keeps no offset of its own).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

ARTICLE_STATUSES: tuple[str, ...] = ("published", "draft", "archived", "deleted")
QUERY_KINDS: tuple[str, ...] = ("search", "suggest", "answer", "chat")
ANSWER_KINDS: tuple[str, ...] = ("answer", "chat")  # the chatbot's answers (/v1/answer, chat completions)
VERDICTS: tuple[str, ...] = ("used", "edited", "rejected")
ANSWER_VERDICTS: tuple[str, ...] = ("helpful", "not_helpful")  # chatbot answer feedback (0008)
# why the chatbot handed a question off (0013): its confidence was under the threshold, no
# sentence of the closest articles answers it, nothing in the knowledge base matched, or (0014)
# the customer did what the last answer said and it did not help
HANDOFF_REASONS: tuple[str, ...] = ("low_confidence", "no_answer", "no_evidence", "fix_failed")

# Article section key -> attribute name ("references" maps to the column "refs").
SECTION_ATTRS: dict[str, str] = {
    "summary": "summary",
    "purpose": "purpose",
    "policy": "policy",
    "steps": "steps",
    "scripts": "scripts",
    "situations": "situations",
    "references": "references_",
    "management": "management",
}

NAMING_CONVENTION: dict[str, str] = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class UtcDateTime(TypeDecorator[datetime]):
    """``DateTime(timezone=True)`` that stores UTC and always returns aware UTC datetimes."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class ArticleRow(Base):
    """The current state of one KMS article (history lives in ``article_revisions``)."""

    __tablename__ = "articles"
    __table_args__ = (CheckConstraint(_in("status", ARTICLE_STATUSES), name="status"),)

    id: Mapped[str] = mapped_column(String(255), primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(Text, default="")
    purpose: Mapped[str] = mapped_column(Text, default="")
    policy: Mapped[str] = mapped_column(Text, default="")
    steps: Mapped[str] = mapped_column(Text, default="")
    scripts: Mapped[str] = mapped_column(Text, default="")
    situations: Mapped[str] = mapped_column(Text, default="")
    references_: Mapped[str] = mapped_column("refs", Text, default="")
    management: Mapped[str] = mapped_column(Text, default="")
    tag: Mapped[str | None] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(16), default="published", index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    owner: Mapped[str | None] = mapped_column(String(255))
    lang: Mapped[str] = mapped_column(String(16), default="ko")
    complete: Mapped[bool] = mapped_column(Boolean, default=True)
    missing: Mapped[list[str]] = mapped_column(JSON, default=list)
    source: Mapped[str] = mapped_column(Text)
    line: Mapped[int | None] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[date | None] = mapped_column(Date)
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    modified_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)

    def sections(self) -> dict[str, str]:
        """Non-empty section bodies keyed by template section key (title excluded)."""
        out = {key: getattr(self, attr) or "" for key, attr in SECTION_ATTRS.items()}
        return {key: text for key, text in out.items() if text}


class ArticleRevisionRow(Base):
    """One version of an article: written on create, on each content change and on deletion."""

    __tablename__ = "article_revisions"
    __table_args__ = (UniqueConstraint("article_id", "version", name="uq_article_revisions_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    article_id: Mapped[str] = mapped_column(
        String(255), ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)
    sections: Mapped[dict[str, Any]] = mapped_column(JSON)
    tag: Mapped[str | None] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(16))
    content_hash: Mapped[str] = mapped_column(String(64))
    change_note: Mapped[str | None] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)

    article: Mapped[ArticleRow] = relationship()


class TicketRow(Base):
    """One support ticket; ``is_knowledge`` marks resolved tickets that carry a resolution."""

    __tablename__ = "tickets"
    # the analytics period filter (created_at, or ingested_at when there is none: 0005) and the
    # repeat-contact probe (a customer's other tickets, read from the index alone: 0006)
    __table_args__ = (
        Index("ix_tickets_created_at_ingested_at", "created_at", "ingested_at"),
        Index("ix_tickets_customer_ref", "customer_ref", "created_at", "ingested_at", "id"),
    )

    id: Mapped[str] = mapped_column(String(255), primary_key=True)
    channel: Mapped[str] = mapped_column(String(64), default="")
    subject: Mapped[str] = mapped_column(Text, default="")
    inquiry: Mapped[str] = mapped_column(Text)
    resolution: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(64))
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    csat: Mapped[float | None] = mapped_column(Float)
    customer_ref: Mapped[str | None] = mapped_column(String(255))
    source: Mapped[str] = mapped_column(Text)
    line: Mapped[int | None] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    is_knowledge: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    ingested_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    resolved_by: Mapped[str | None] = mapped_column(String(120))  # who resolved it here (0003)
    # service times (0010): the first public agent reply, and how often the ticket was reopened
    # after a resolve (NULL: not known, e.g. an import whose source does not say)
    first_response_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    reopens: Mapped[int | None] = mapped_column(Integer)


class ChunkRow(Base):
    """One indexed chunk; ``vector_id`` is its FAISS int64 id, ``index_version`` its index folder."""

    __tablename__ = "chunks"

    id: Mapped[str] = mapped_column(String(512), primary_key=True)
    doc_id: Mapped[str] = mapped_column(String(300), index=True)
    doc_type: Mapped[str] = mapped_column(String(16))
    source_id: Mapped[str] = mapped_column(String(255))
    title: Mapped[str] = mapped_column(Text, default="")
    section: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    vector_id: Mapped[int] = mapped_column(BigInteger, index=True)
    meta: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    index_version: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class QueryLogRow(Base):
    """One query served; holds a hash of the normalised query, never its text (it may hold PII)."""

    __tablename__ = "query_logs"
    __table_args__ = (
        CheckConstraint(_in("kind", QUERY_KINDS), name="kind"),
        CheckConstraint(_in("handoff_reason", HANDOFF_REASONS), name="handoff_reason"),  # 0013, 0014
        Index("ix_query_logs_unanswered", "abstained", "query_hash", "created_at", "kind"),  # 0007
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    query_hash: Mapped[str] = mapped_column(String(64))
    hit_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    timings_ms: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    confidence: Mapped[float | None] = mapped_column(Float)
    abstained: Mapped[bool | None] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)
    # a chatbot hand-off's reason (HANDOFF_REASONS); NULL when answered, and for rows before 0013
    handoff_reason: Mapped[str | None] = mapped_column(String(16))


class SuggestionRow(Base):
    """A suggestion as returned to an agent (``payload``), optionally tied to a stored ticket."""

    __tablename__ = "suggestions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    ticket_id: Mapped[str | None] = mapped_column(
        String(255), ForeignKey("tickets.id", ondelete="SET NULL"), index=True
    )
    query_log_id: Mapped[str | None] = mapped_column(
        String(32), ForeignKey("query_logs.id", ondelete="SET NULL")
    )
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)  # 0005

    ticket: Mapped[TicketRow | None] = relationship()
    query_log: Mapped[QueryLogRow | None] = relationship()


class FeedbackRow(Base):
    """What the agent did with a suggestion: used as is, edited (with the final text) or rejected."""

    __tablename__ = "feedback"
    __table_args__ = (
        CheckConstraint(_in("verdict", VERDICTS), name="verdict"),
        # the analytics join reads the verdict and distance from the index alone (0005)
        Index("ix_feedback_suggestion_id_verdict", "suggestion_id", "verdict", "edit_distance"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    suggestion_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("suggestions.id", ondelete="CASCADE"), index=True
    )
    verdict: Mapped[str] = mapped_column(String(16))
    final_text: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)
    edit_distance: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    author: Mapped[str | None] = mapped_column(String(120))  # signed-in user or key (0003)

    suggestion: Mapped[SuggestionRow] = relationship()


class AnswerFeedbackRow(Base):
    """Whether the customer found a chatbot answer helpful (one per answer; migration 0008).

    ``log_id`` is the answer's ``query_logs`` row (kind answer or chat); ``reason`` is the
    customer's optional words, PII-masked on the way in (``masking.py``)."""

    __tablename__ = "answer_feedback"
    __table_args__ = (CheckConstraint(_in("verdict", ANSWER_VERDICTS), name="verdict"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    log_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("query_logs.id", ondelete="CASCADE"), unique=True
    )
    verdict: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)

    query_log: Mapped[QueryLogRow] = relationship()


class UnansweredQuestionRow(Base):
    """The PII-masked text of a chatbot question that was handed off (migration 0011), for the
    analytics report's unanswered topics; the query log itself keeps only a hash. One per logged
    question (``log_id``; deleting the log row deletes it); kept ``Settings.unanswered_text_days``
    days (``created_at``: when it was asked), none when that is 0."""

    __tablename__ = "unanswered_questions"

    log_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("query_logs.id", ondelete="CASCADE"), primary_key=True
    )
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)

    query_log: Mapped[QueryLogRow] = relationship()


from storage import access_models as access_models  # noqa: E402  (access tables join Base.metadata)
from storage import draft_models as draft_models  # noqa: E402  (drafts tables join Base.metadata)
from storage import outbox_models as outbox_models  # noqa: E402  (integration outbox joins Base.metadata)
from storage import rollup_models as rollup_models  # noqa: E402  (analytics rollups join Base.metadata)
