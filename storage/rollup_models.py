"""Daily rollups for the VOC analytics report (issue 17): per-day sums of the ticket, suggestion,
feedback and chatbot-answer rows, so that a report over whole days reads a few thousand rollup rows
instead of every ticket of the period.

Created and back-filled by ``migrations/versions/0006_analytics_rollups.py``; kept up to date by
database triggers in the same transaction as every write to ``tickets``, ``suggestions``,
``feedback`` and ``query_logs`` (``storage/rollups.py`` writes them; ORM writes, Core bulk inserts
and updates alike). Imported at the end of ``models.py`` so that ``Base.metadata`` holds them.

The day is the UTC date of the row's time (a ticket's ``created_at``, else ``ingested_at``; a
suggestion's and a logged question's ``created_at``; feedback counts on its suggestion's day). A
row whose count has gone back to 0 (a ticket moved to another day) may stay; readers skip it.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, Float, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base

# SQLite: WITHOUT ROWID, stored in key order (a period is one range read, no lookup a row)
_IN_KEY_ORDER = ({"sqlite_with_rowid": False},)

__all__ = [
    "AnswerDayRow",
    "CitationDayRow",
    "ResolutionDayRow",
    "SuggestionDayRow",
    "TicketDayRow",
    "TicketTagDayRow",
]


class TicketDayRow(Base):
    """Tickets per (day, channel): counts, resolution hours and CSAT sums."""

    __tablename__ = "rollup_ticket_days"
    __table_args__ = _IN_KEY_ORDER

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    channel: Mapped[str] = mapped_column(String(64), primary_key=True)
    tickets: Mapped[int] = mapped_column(Integer, default=0)
    untagged: Mapped[int] = mapped_column(Integer, default=0)
    resolved: Mapped[int] = mapped_column(Integer, default=0)  # resolved_at set
    timed: Mapped[int] = mapped_column(Integer, default=0)  # created <= resolved, both set
    hours_sum: Mapped[float] = mapped_column(Float, default=0.0)  # hours to resolution of ``timed``
    csat_n: Mapped[int] = mapped_column(Integer, default=0)
    csat_sum: Mapped[float] = mapped_column(Float, default=0.0)
    satisfied: Mapped[int] = mapped_column(Integer, default=0)  # CSAT >= 4


class TicketTagDayRow(Base):
    """Tickets per (day, channel, consultation tag): a ticket counts once per tag it carries."""

    __tablename__ = "rollup_ticket_tag_days"
    __table_args__ = _IN_KEY_ORDER

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    channel: Mapped[str] = mapped_column(String(64), primary_key=True)
    tag: Mapped[str] = mapped_column(Text, primary_key=True)
    tickets: Mapped[int] = mapped_column(Integer, default=0)
    csat_n: Mapped[int] = mapped_column(Integer, default=0)
    csat_sum: Mapped[float] = mapped_column(Float, default=0.0)
    satisfied: Mapped[int] = mapped_column(Integer, default=0)


class SuggestionDayRow(Base):
    """Suggestions and their feedback per (day of the suggestion, channel of its ticket, top
    article). ``channel`` is '' without a ticket, ``article`` '' without an article."""

    __tablename__ = "rollup_suggestion_days"
    __table_args__ = _IN_KEY_ORDER

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    channel: Mapped[str] = mapped_column(String(64), primary_key=True)
    article: Mapped[str] = mapped_column(Text, primary_key=True)
    suggestions: Mapped[int] = mapped_column(Integer, default=0)
    with_feedback: Mapped[int] = mapped_column(Integer, default=0)  # suggestions with any feedback
    feedback: Mapped[int] = mapped_column(Integer, default=0)
    used: Mapped[int] = mapped_column(Integer, default=0)
    edited: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    dist_sum: Mapped[float] = mapped_column(Float, default=0.0)
    dist_n: Mapped[int] = mapped_column(Integer, default=0)
    edited_sum: Mapped[float] = mapped_column(Float, default=0.0)  # distances of ``edited`` feedback
    edited_n: Mapped[int] = mapped_column(Integer, default=0)


class AnswerDayRow(Base):
    """Chatbot questions (query log ``kind`` answer or chat) per (day, outcome): ``answered``, or
    the stored hand-off reason (``low_confidence``, ``no_answer``, ``no_evidence``: 0013); a
    hand-off logged before that: ``no_evidence`` (nothing matched) or ``weak_evidence``."""

    __tablename__ = "rollup_answer_days"
    __table_args__ = _IN_KEY_ORDER

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    outcome: Mapped[str] = mapped_column(String(16), primary_key=True)
    questions: Mapped[int] = mapped_column(Integer, default=0)
    conf_sum: Mapped[float] = mapped_column(Float, default=0.0)
    conf_n: Mapped[int] = mapped_column(Integer, default=0)


class ResolutionDayRow(Base):
    """Resolved tickets (``timed``) per (day, channel, whole hours to resolution): the histogram
    that tells which hour holds the median and the 90th percentile, so that only that hour's
    tickets are sorted to read them exactly."""

    __tablename__ = "rollup_resolution_days"
    __table_args__ = _IN_KEY_ORDER

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    channel: Mapped[str] = mapped_column(String(64), primary_key=True)
    hour: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    tickets: Mapped[int] = mapped_column(Integer, default=0)


class CitationDayRow(Base):
    """Logged queries citing an article (``hit_ids`` entry ``article:<id>``) per (day, document):
    suggestions, and chatbot answers (kind answer or chat); a query counts once per article."""

    __tablename__ = "rollup_citation_days"
    __table_args__ = _IN_KEY_ORDER

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    doc: Mapped[str] = mapped_column(Text, primary_key=True)
    suggestions: Mapped[int] = mapped_column(Integer, default=0)
    answers: Mapped[int] = mapped_column(Integer, default=0)


class ResolutionTicketRow(Base):
    """Each resolved ticket's hours to resolution, keyed by whole hour first: the percentiles read
    only the rows of the hours that hold them (``n`` is 0 once the ticket left that key)."""

    __tablename__ = "rollup_resolution_tickets"
    __table_args__ = _IN_KEY_ORDER

    hour: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    channel: Mapped[str] = mapped_column(String(64), primary_key=True)
    ticket: Mapped[str] = mapped_column(String(255), primary_key=True)
    n: Mapped[int] = mapped_column(Integer, default=0)
    hours: Mapped[float] = mapped_column(Float, default=0.0)
