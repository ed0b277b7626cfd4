"""Chatbot demand for the gap drafts: the handed-off questions of the run's window (issue 17).

The PII-masked texts ``storage.record_unanswered`` keeps (``storage.unanswered_texts``, the reader
the analytics report shares) are embedded exactly as the run's ticket inquiries are
(``clusters.inquiry_texts`` with the KB's lexicon, ``clusters.embed_inquiries`` with its embedder).

- :func:`assign`: each question goes to the run's topic whose centroid is nearest when that cosine
  is at least ``TopicParams.attach_similarity`` -- the similarity at which the clustering itself
  re-attaches a leftover ticket to a topic (``DraftSettings.attach_similarity``, 0.90); no other
  cut. A
  question nearest a covered topic (no draft) counts for no draft. A draft keeps the number of
  its questions and up to ``EXAMPLES`` distinct masked ones, nearest the centroid first.
- :func:`question_gaps`: the questions clustered on their own (``find_topics`` with
  ``MIN_QUESTIONS``, as the analytics report's unanswered topics are). A question topic whose
  centroid is within that similarity of no topic of the run and no stored topic, and that the
  gap verdict (``gaps.assess`` on its questions' article coverage and keywords) finds uncovered by
  every article, is a gap no ticket shows: reported to the owner, never drafted (questions have
  no resolution to write from).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from assist.clustering import centroid, unit_rows
from assist.drafts import clusters
from assist.drafts.clusters import TopicParams
from assist.drafts.config import DraftSettings
from assist.drafts.gaps import ArticleText, article_coverage, assess
from assist.drafts.keywords import DocFreq, keywords
from assist.drafts.schemas import QuestionGap
from assist.knowledge import KnowledgeBase
from storage import unanswered_texts

__all__ = [
    "EXAMPLES",
    "MAX_QUESTIONS",
    "MIN_QUESTIONS",
    "Questions",
    "assign",
    "draft_demand",
    "embed_questions",
    "nearest_examples",
    "question_gaps",
    "question_topics",
    "window_questions",
]

MAX_QUESTIONS = 2_000  # the latest of the window (agglomerative clustering holds an n×n matrix)
MIN_QUESTIONS = 3  # a question asked three times without an answer is already worth an article
EXAMPLES = 3
KEYWORDS = 5


@dataclass
class Questions:
    """The window's handed-off questions: masked texts as stored, and their inquiry vectors."""

    texts: list[str]
    vectors: np.ndarray

    def __len__(self) -> int:
        return len(self.texts)


def window_questions(
    session: Session, window: timedelta | None, *, now: datetime, limit: int = MAX_QUESTIONS
) -> list[str]:
    """Masked texts of the questions handed off within ``window`` of ``now`` (None: all), latest
    first -- the window the run reads tickets from."""
    since = now - window if window is not None else None
    return [text for text, _ in unanswered_texts(session, since, now, limit=limit)]


def embed_questions(kb: KnowledgeBase, texts: Sequence[str]) -> Questions:
    """The texts with their vectors, embedded as the run's ticket inquiries are."""
    inquiries = clusters.inquiry_texts(list(texts), kb.lexicon)
    return Questions(list(texts), clusters.embed_inquiries(kb.embedder, inquiries))


def _unit_rows(centroids: Sequence[np.ndarray], dim: int) -> np.ndarray:
    if not centroids:
        return np.zeros((0, dim), dtype=np.float32)
    return unit_rows(np.vstack([np.asarray(c, dtype=np.float32) for c in centroids]))


def nearest_examples(vectors: np.ndarray, texts: Sequence[str]) -> list[str]:
    """Up to ``EXAMPLES`` distinct ``texts`` of one topic (``vectors``: its members'), nearest its
    centroid first (ties: the earlier, i.e. the latest asked)."""
    closeness = vectors @ centroid(vectors)
    order = sorted(range(len(texts)), key=lambda i: (-round(float(closeness[i]), 6), i))
    return list(dict.fromkeys(texts[i] for i in order))[:EXAMPLES]


def assign(
    vectors: np.ndarray, centroids: Sequence[np.ndarray], similarity: float
) -> list[tuple[int, float]]:
    """Per question, ``(nearest topic, cosine)`` when that cosine is ``similarity`` or more, else
    ``(-1, cosine)`` (``(-1, 0)`` when there is no topic)."""
    cents = _unit_rows(centroids, vectors.shape[1] if vectors.ndim == 2 else 0)
    if not len(vectors) or not len(cents):
        return [(-1, 0.0)] * len(vectors)
    sims = vectors @ cents.T
    best = sims.argmax(axis=1)
    out = []
    for i, b in enumerate(best.tolist()):
        cos = float(sims[i, b])
        out.append((int(b) if cos >= similarity else -1, cos))
    return out


def draft_demand(texts: Sequence[str], assigned: Sequence[tuple[int, float]], topic: int) -> dict[str, Any]:
    """The evidence entry of one topic (``texts``: the questions :func:`assign` placed): its
    questions and up to ``EXAMPLES`` distinct masked texts, nearest its centroid first (ties:
    latest first)."""
    mine = sorted(
        (i for i, (t, _) in enumerate(assigned) if t == topic), key=lambda i: (-round(assigned[i][1], 6), i)
    )
    examples = list(dict.fromkeys(texts[i] for i in mine))[:EXAMPLES]
    return {"questions": len(mine), "examples": examples}


def question_topics(
    vectors: np.ndarray, texts: Sequence[str], params: TopicParams, *, k: int = KEYWORDS
) -> list[tuple[list[int], list[str]]]:
    """Handed-off questions (``texts`` and their ``vectors``) clustered as the gap drafts cluster
    tickets: per topic, in label order, its members and its ``k`` tf-idf keywords against all the
    questions (masking placeholders are no words). The report's unanswered topics and the draft
    run's question gaps both call it, each with its own texts."""
    tokens = clusters.inquiry_nouns(texts)
    labels = clusters.find_topics(vectors, tokens, params)
    background = DocFreq(tokens)
    topics: list[tuple[list[int], list[str]]] = []
    for label in range(int(labels.max()) + 1 if len(labels) else 0):
        members = [int(m) for m in np.flatnonzero(labels == label)]
        topics.append((members, keywords([tokens[m] for m in members], background, k=k)))
    return topics


def question_gaps(
    kb: KnowledgeBase,
    questions: Questions,
    known: Sequence[np.ndarray],
    config: DraftSettings,
    articles_text: ArticleText,
) -> list[QuestionGap]:
    """Topics of at least ``MIN_QUESTIONS`` questions that match no known topic centroid
    (``known``: the run's and the stored ones, at the attach similarity) and no article (the gap
    verdict), largest first."""
    if len(questions) < MIN_QUESTIONS:
        return []
    params = config.topic_params(MIN_QUESTIONS)
    dim = questions.vectors.shape[1]
    known_rows = _unit_rows([k for k in known if len(k) == dim], dim)
    topics = question_topics(questions.vectors, questions.texts, params, k=max(KEYWORDS, config.gap_keywords))
    coverage = article_coverage(kb, questions.vectors)
    out: list[QuestionGap] = []
    for members, words in topics:
        centre = centroid(questions.vectors[members])
        if len(known_rows) and float((known_rows @ centre).max()) >= params.attach_similarity:
            continue  # the questions of a topic the run (or an earlier one) knows
        verdict = assess(
            members,
            [],
            coverage,
            {},
            config,
            keywords=words[: config.gap_keywords],
            articles_text=articles_text,
        )
        if not verdict.weak_coverage:
            continue  # an article answers it (the chatbot abstained for another reason)
        examples = nearest_examples(questions.vectors[members], [questions.texts[m] for m in members])
        out.append(QuestionGap(questions=len(members), keywords=words[:KEYWORDS], examples=examples))
    return out
