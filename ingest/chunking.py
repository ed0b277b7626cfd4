"""What the index holds for each record: the chunks of articles and tickets (masking aside).

Shared by ingest builds (:mod:`ingest.pipeline`), the start-up and post-write reconcile
(:mod:`ingest.reconcile`) and the unchanged-ingest check (:mod:`ingest.unchanged`).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from core.records import ArticleRecord, TicketRecord
from core.settings import Settings
from core.types import Chunk
from ingest.split import chunk_article, chunk_ticket
from storage import active_articles, knowledge_tickets

__all__ = ["article_chunks", "chunk_knowledge", "chunk_records", "ticket_chunks"]


def article_chunks(article: ArticleRecord, settings: Settings) -> list[Chunk]:
    """The chunks of one (already PII-masked) article, at the configured size and overlap: what
    ingest, an article edit, a draft's approval and its vectors ahead all index."""
    s = settings
    return chunk_article(article, max_chars=s.chunk_max_chars, overlap=s.chunk_overlap_sentences)


def ticket_chunks(ticket: TicketRecord, settings: Settings) -> list[Chunk]:
    """The chunks of one (already PII-masked) ticket, at the configured size and overlap: what
    ingest and a resolve index."""
    s = settings
    return chunk_ticket(ticket, max_chars=s.chunk_max_chars, overlap=s.chunk_overlap_sentences)


def chunk_records(
    articles: Sequence[ArticleRecord], tickets: Sequence[TicketRecord], settings: Settings
) -> list[Chunk]:
    """The chunks of ``articles`` then ``tickets``, in that order."""
    chunks: list[Chunk] = []
    for art in articles:
        chunks.extend(article_chunks(art, settings))
    for ticket in tickets:
        chunks.extend(ticket_chunks(ticket, settings))
    return chunks


def chunk_knowledge(session: Session, settings: Settings) -> list[Chunk]:
    """All chunks the index should hold: published articles and knowledge tickets."""
    return chunk_records(active_articles(session), knowledge_tickets(session), settings)
