"""Top unanswered topics: the period's handed-off chatbot questions, clustered into topics.

The texts are the PII-masked ones ``storage.record_unanswered`` keeps (migration 0011; none when
``KMS_UNANSWERED_TEXT_DAYS`` is 0), the latest ``MAX_QUESTIONS`` of the period. They go through the
product's topic clustering exactly as the gap drafts' tickets do (``assist.drafts.clusters``:
``inquiry_texts`` with the KB's colloquial lexicon, ``embed_inquiries`` with the KB's embedder,
``find_topics`` with ``DraftSettings().topic_params``), with a smaller minimum topic size
(``MIN_QUESTIONS``): a question asked three times without an answer is already worth an article.
The reader, that minimum, the clustering of questions (``question_topics``) and the examples live
in ``assist.drafts.demand``, which the gap-draft run's question feed shares (its drafts count the
questions nearest their topics). Each topic shows its size, its share of the texts, up to
``demand.KEYWORDS`` tf-idf keywords against all the period's questions (``assist.drafts.keywords``;
masking placeholders such as ``[전화번호]`` are not words of the question) and up to
``demand.EXAMPLES`` distinct masked questions, nearest the topic's centroid first.

The model is loaded only when there are texts to cluster (``TextModels``: the KB's, lazily), and
each distinct text is embedded once per process (``VectorCache``, ``CACHED_TEXTS`` at most): the page
and the API rebuild the report on every request. Warm, 2,000 questions take about 1 s beyond
embedding them (Kiwi nouns, the clustering; hash embedder, 2-core machine); the first report of a
process also pays for loading Kiwi and scikit-learn (about 4 s).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import numpy as np
from sqlalchemy.orm import Session

from assist.analytics.period import Period
from assist.analytics.sql import time_range
from assist.analytics.tables import Table, ratio
from assist.drafts.demand import MAX_QUESTIONS, MIN_QUESTIONS, nearest_examples, question_topics
from assist.vector_lru import VectorLRU
from storage import UnansweredQuestionRow, unanswered_texts

if TYPE_CHECKING:
    from assist.knowledge import KnowledgeBase
    from indexes.embedder import Embedder
    from korean.lexicon import Lexicon

TOP_TOPICS = 20
CACHED_TEXTS = 10_000  # vectors kept per process (e5-small: 384 floats, about 15 MB)
COLUMNS = ["topic", "questions", "share", "keywords", "examples", "last_seen"]
NO_TEXT = (
    "unanswered topics: no handed-off question text is stored for the period (kept "
    "KMS_UNANSWERED_TEXT_DAYS days, none when 0; questions asked before migration 0011 have none)"
)
NO_MODEL = "unanswered topics: the report was built without the KB's embedding model"

__all__ = ["VECTORS", "TextModels", "VectorCache", "period_questions", "topic_rows", "unanswered_table"]


@dataclass(frozen=True)
class TextModels:
    """The embedder and colloquial lexicon the clustering needs, loaded only when called."""

    embedder: Callable[[], Embedder]
    lexicon: Callable[[], Lexicon | None] = lambda: None

    @classmethod
    def of(cls, kb: KnowledgeBase) -> TextModels:
        return cls(lambda: kb.embedder, lambda: kb.lexicon)


class VectorCache:
    """Unit query vectors of texts, per model, least recently used dropped first."""

    def __init__(self, size: int = CACHED_TEXTS) -> None:
        self.size = size
        self._by_model: dict[str, VectorLRU] = {}
        self._lock = threading.Lock()

    def embed(self, embedder: Embedder, texts: Sequence[str]) -> np.ndarray:
        from assist.drafts.clusters import embed_inquiries

        with self._lock:
            cache = self._by_model.setdefault(embedder.model_id, VectorLRU(self.size))
        rows = cache.vectors(texts, lambda batch: embed_inquiries(embedder, batch), embedder.dim)
        return rows.astype(np.float32)


VECTORS = VectorCache()


def period_questions(
    session: Session, period: Period, limit: int = MAX_QUESTIONS
) -> list[tuple[str, datetime]]:
    """``(masked text, asked at)`` of the period's handed-off questions, latest first
    (``storage.unanswered_texts``, the reader the gap-draft run shares, with the report's
    index-aware period filter)."""
    q = UnansweredQuestionRow
    return unanswered_texts(
        session,
        period.since,
        period.until,
        limit=limit,
        period=time_range(session, q.created_at, period.since, period.until),
    )


def topic_rows(questions: Sequence[tuple[str, datetime]], models: TextModels) -> list[list[Any]]:
    """One row per topic of at least ``MIN_QUESTIONS`` questions, largest first:
    ``[topic number, questions, share of all, keywords, examples, last seen]``."""
    from assist.drafts import clusters
    from assist.drafts.config import DraftSettings

    if len(questions) < MIN_QUESTIONS:
        return []
    texts = clusters.inquiry_texts([t for t, _ in questions], models.lexicon())
    vectors = VECTORS.embed(models.embedder(), texts)
    topics = question_topics(vectors, texts, DraftSettings().topic_params(MIN_QUESTIONS))
    out: list[list[Any]] = []
    for label, (members, words) in enumerate(topics):
        last = max(questions[m][1] for m in members)
        out.append(
            [label + 1, len(members), ratio(len(members), len(questions)), ", ".join(words),
             " / ".join(nearest_examples(vectors[members], [questions[m][0] for m in members])),
             last.date().isoformat()]
        )  # fmt: skip
    return out[:TOP_TOPICS]


def unanswered_table(
    session: Session, period: Period, models: TextModels | None
) -> tuple[Table, dict[str, Any], list[str]]:
    """The ``unanswered_topics`` table, its figures and what it could not show (notes)."""
    questions = period_questions(session, period)
    notes = [] if questions else [NO_TEXT]
    rows: list[list[Any]] = []
    if questions and models is None:
        notes.append(NO_MODEL)
    elif questions and models is not None:
        rows = topic_rows(questions, models)
    table = Table(
        "unanswered_topics",
        "Top unanswered topics (handed-off questions, PII-masked, clustered)",
        list(COLUMNS),
        rows,
    )
    figures = {"unanswered_texts": len(questions), "unanswered_topics": len(rows)}
    return table, figures, notes
