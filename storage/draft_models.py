"""Tables of the recurring-topic drafts (``assist.drafts``): topics, drafts and draft revisions.

Created by ``migrations/versions/0002_drafts.py`` (a test compares the two). Imported at the end
of ``models.py`` so that ``Base.metadata`` holds them.

- ``topics``: a recurring inquiry topic with a stable ``key`` across runs; ``status`` is
  ``suppressed`` after its draft was rejected (until it grows past the regrow factor).
- ``drafts``: a generated KMS article for a gap topic, reviewed by KMS owners
  (pending → approved | rejected | merged). ``sections`` holds the Markdown body of each template
  section, ``provenance`` the sentences of each section with the ticket ids they came from,
  ``evidence`` the gap measurements (coverage, feedback, source tickets).
- ``draft_revisions``: one row per reviewer edit of a draft's sections.
- ``ticket_coverage`` (``0009_ticket_coverage.py``): per ticket, how well the articles covered it
  when the last ``kms drafts generate`` that read it ran: the best dense cosine of its inquiry to
  an article chunk and that chunk's article (read by the analytics report's knowledge health).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models import Base, UtcDateTime, _in, utcnow

TOPIC_STATUSES: tuple[str, ...] = ("active", "suppressed")
DRAFT_STATUSES: tuple[str, ...] = ("pending", "approved", "rejected", "merged")

__all__ = [
    "DRAFT_STATUSES",
    "TOPIC_STATUSES",
    "DraftRevisionRow",
    "DraftRow",
    "TicketCoverageRow",
    "TopicRow",
]


class TopicRow(Base):
    """A recurring inquiry topic found by clustering resolved tickets."""

    __tablename__ = "topics"
    __table_args__ = (CheckConstraint(_in("status", TOPIC_STATUSES), name="status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(Text, default="")
    size: Mapped[int] = mapped_column(Integer, default=0)
    previous_size: Mapped[int] = mapped_column(Integer, default=0)
    member_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    centroid: Mapped[list[float] | None] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default="active", index=True)
    first_seen: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class DraftRow(Base):
    """A draft KMS article for a gap topic, and where its review stands."""

    __tablename__ = "drafts"
    __table_args__ = (CheckConstraint(_in("status", DRAFT_STATUSES), name="status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    topic_id: Mapped[int] = mapped_column(Integer, ForeignKey("topics.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    title: Mapped[str] = mapped_column(Text)
    tag: Mapped[str | None] = mapped_column(String(255))
    sections: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    provenance: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    markdown: Mapped[str] = mapped_column(Text, default="")
    size: Mapped[int] = mapped_column(Integer, default=0)
    growth: Mapped[float] = mapped_column(Float, default=0.0)
    unanswered: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # 0012: chatbot questions
    reject_reason: Mapped[str | None] = mapped_column(Text)
    merged_into: Mapped[str | None] = mapped_column(String(255))
    article_id: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)

    topic: Mapped[TopicRow] = relationship()


class DraftRevisionRow(Base):
    """One reviewer edit: the sections after the edit, which keys changed, who and why."""

    __tablename__ = "draft_revisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    draft_id: Mapped[int] = mapped_column(Integer, ForeignKey("drafts.id", ondelete="CASCADE"), index=True)
    sections: Mapped[dict[str, Any]] = mapped_column(JSON)
    changed: Mapped[list[str]] = mapped_column(JSON, default=list)
    author: Mapped[str] = mapped_column(String(255))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)

    draft: Mapped[DraftRow] = relationship()


class TicketCoverageRow(Base):
    """A ticket's article coverage from the last generation run that read it (one row a ticket).

    ``best``: the best cosine of its inquiry to any article chunk; ``article_id``: that chunk's
    article (None when the index holds no article); ``computed_at``: when the run ran."""

    __tablename__ = "ticket_coverage"

    ticket_id: Mapped[str] = mapped_column(
        String(255), ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True
    )
    best: Mapped[float] = mapped_column(Float)
    article_id: Mapped[str | None] = mapped_column(String(255))
    computed_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
