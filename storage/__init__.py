"""Storage for KMS Assist: SQLAlchemy models, Alembic migrations and plain repository functions.

Every free-text column is PII-masked on its way in (``masking.py``: one choke point for all writers).
SQLite by default, PostgreSQL (``postgresql+psycopg://...``) through the same code::

    sessions = open_db(settings)          # engine + migrate to head + sessionmaker
    with sessions.begin() as session:     # the caller owns the transaction
        upsert_article(session, record)
"""

from storage.chunks import ChunkChanges, add_chunks, delete_chunks, get_chunks, replace_chunks
from storage.draft_models import (
    DRAFT_STATUSES,
    TOPIC_STATUSES,
    DraftRevisionRow,
    DraftRow,
    TicketCoverageRow,
    TopicRow,
)
from storage.engine import alembic_config, make_engine, mask_url, migrate, open_db
from storage.logs import add_answer_feedback, record_unanswered, unanswered_texts
from storage.masking import MASKED_COLUMNS, mask_value
from storage.models import (
    ANSWER_KINDS,
    ANSWER_VERDICTS,
    ARTICLE_STATUSES,
    HANDOFF_REASONS,
    AnswerFeedbackRow,
    ArticleRevisionRow,
    ArticleRow,
    Base,
    ChunkRow,
    FeedbackRow,
    QueryLogRow,
    SuggestionRow,
    TicketRow,
    UnansweredQuestionRow,
)
from storage.repo import (
    Outcome,
    active_articles,
    add_feedback,
    article_hash,
    articles_from_source,
    counts,
    get_article,
    get_ticket,
    knowledge_tickets,
    list_revisions,
    log_query,
    mark_articles_deleted,
    query_hash,
    save_suggestion,
    upsert_article,
    upsert_ticket,
)

__all__ = [
    "ANSWER_KINDS",
    "ANSWER_VERDICTS",
    "ARTICLE_STATUSES",
    "DRAFT_STATUSES",
    "HANDOFF_REASONS",
    "MASKED_COLUMNS",
    "TOPIC_STATUSES",
    "AnswerFeedbackRow",
    "ArticleRevisionRow",
    "ArticleRow",
    "Base",
    "ChunkChanges",
    "ChunkRow",
    "DraftRevisionRow",
    "DraftRow",
    "FeedbackRow",
    "Outcome",
    "QueryLogRow",
    "SuggestionRow",
    "TicketCoverageRow",
    "TicketRow",
    "TopicRow",
    "UnansweredQuestionRow",
    "active_articles",
    "add_answer_feedback",
    "add_chunks",
    "add_feedback",
    "alembic_config",
    "article_hash",
    "articles_from_source",
    "counts",
    "delete_chunks",
    "get_article",
    "get_chunks",
    "get_ticket",
    "knowledge_tickets",
    "list_revisions",
    "log_query",
    "make_engine",
    "mark_articles_deleted",
    "mask_url",
    "mask_value",
    "migrate",
    "open_db",
    "query_hash",
    "record_unanswered",
    "replace_chunks",
    "save_suggestion",
    "unanswered_texts",
    "upsert_article",
    "upsert_ticket",
]
