"""Is a recurring topic a KB gap? Weak article coverage and/or bad suggestion feedback.

- **coverage**: for every ticket, the best dense cosine of its inquiry (embedded as a query, the
  vectors mining clusters) to any article chunk of the serving index, computed as one matrix
  product; a topic's coverage is the median over its tickets. Below
  ``DraftSettings.coverage_threshold`` the KB does not answer the topic. Between that and
  ``coverage_ceiling`` it does not either when one of the topic's top keywords appears in no
  article at all (the bundled e5 model rates every same-domain text as fairly similar; a word no
  article uses is the sharper sign). Measured with ``kms eval gaps``.
- **feedback**: suggestions stored for the topic's tickets whose feedback was ``rejected`` or
  ``edited`` with a normalised edit distance above ``bad_edit_distance``; with at least
  ``feedback_min`` feedback rows and a bad share of ``feedback_bad_share`` or more, agents did
  not find the KB's answer usable.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from assist.drafts.config import DraftSettings
from assist.knowledge import KnowledgeBase
from storage import FeedbackRow, SuggestionRow

__all__ = [
    "ArticleText",
    "Coverage",
    "GapAssessment",
    "article_coverage",
    "article_text",
    "assess",
    "feedback_counts",
]

_BATCH = 500


@dataclass
class Coverage:
    """Per ticket (row of the run): best article-chunk cosine and the article it belongs to."""

    best: np.ndarray
    articles: list[str | None]


def article_coverage(kb: KnowledgeBase, vectors: np.ndarray) -> Coverage:
    """Best cosine of each vector to the article chunks of the serving index."""
    index = kb.index
    positions = [p for p, chunk in enumerate(index.chunks) if chunk.doc_type == "article"]
    if not positions or len(vectors) == 0:
        return Coverage(best=np.zeros(len(vectors), dtype=np.float32), articles=[None] * len(vectors))
    article_vectors = index.dense.vectors_for([index.chunks[p].vid for p in positions])
    sims = vectors @ article_vectors.T
    arg = sims.argmax(axis=1)
    doc_ids = [index.chunks[positions[int(a)]].doc_id.split(":", 1)[1] for a in arg]
    return Coverage(best=sims.max(axis=1).astype(np.float32), articles=list(doc_ids))


def feedback_counts(
    session: Session, ticket_ids: Sequence[str], *, bad_edit_distance: float
) -> dict[str, tuple[int, int]]:
    """ticket id -> (feedback rows, bad ones) over the suggestions stored for that ticket."""
    out: dict[str, tuple[int, int]] = {}
    ids = list(dict.fromkeys(ticket_ids))
    for start in range(0, len(ids), _BATCH):
        stmt = (
            select(SuggestionRow.ticket_id, FeedbackRow.verdict, FeedbackRow.edit_distance)
            .join(FeedbackRow, FeedbackRow.suggestion_id == SuggestionRow.id)
            .where(SuggestionRow.ticket_id.in_(ids[start : start + _BATCH]))
        )
        for ticket_id, verdict, distance in session.execute(stmt):
            if ticket_id is None:
                continue
            bad = verdict == "rejected" or (
                verdict == "edited" and distance is not None and distance > bad_edit_distance
            )
            n, b = out.get(ticket_id, (0, 0))
            out[ticket_id] = (n + 1, b + int(bad))
    return out


class ArticleText:
    """The article chunk texts of the serving index, lowercased, for keyword look-ups:
    ``word in text`` (any article uses it) and :meth:`together` (one chunk uses all the words)."""

    def __init__(self, chunks: Sequence[str]) -> None:
        self.chunks = [c.lower() for c in chunks]
        self._joined = "\n".join(self.chunks)

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and word.lower() in self._joined

    def together(self, words: Sequence[str]) -> bool:
        low = [w.lower() for w in words]
        return any(all(w in chunk for w in low) for chunk in self.chunks)


def article_text(kb: KnowledgeBase) -> ArticleText:
    """The article chunk texts of the serving index (for keyword look-ups)."""
    return ArticleText([c.text for c in kb.index.chunks if c.doc_type == "article"])


@dataclass
class GapAssessment:
    """Why a topic is (not) a gap; stored as the draft's evidence."""

    coverage: float
    weak_coverage: bool
    feedback_total: int
    feedback_bad: int
    bad_feedback: bool
    nearest: list[tuple[str, int]] = field(default_factory=list)  # (article id, tickets it is best for)
    keywords: list[str] = field(default_factory=list)
    missing_keywords: list[str] = field(default_factory=list)  # top keywords (or pair) no article has

    @property
    def is_gap(self) -> bool:
        return self.weak_coverage or self.bad_feedback

    @property
    def reasons(self) -> list[str]:
        out = []
        if self.weak_coverage:
            out.append("weak_coverage")
        if self.bad_feedback:
            out.append("bad_feedback")
        return out

    def as_json(self) -> dict[str, object]:
        return {
            "coverage": round(self.coverage, 4),
            "weak_coverage": self.weak_coverage,
            "feedback_total": self.feedback_total,
            "feedback_bad": self.feedback_bad,
            "bad_feedback": self.bad_feedback,
            "nearest_articles": [{"article_id": a, "tickets": n} for a, n in self.nearest],
            "keywords": self.keywords,
            "missing_keywords": self.missing_keywords,
            "reasons": self.reasons,
            "is_gap": self.is_gap,
        }


def assess(
    rows: Sequence[int],
    ids: Sequence[str],
    coverage: Coverage,
    feedback: Mapping[str, tuple[int, int]],
    config: DraftSettings,
    *,
    keywords: Sequence[str] = (),
    articles_text: ArticleText | None = None,
) -> GapAssessment:
    """The gap verdict of one topic (its rows into the run's coverage, its ticket ids, its top
    keywords and the text of every article chunk).

    A top keyword no article uses is missing; so is the topic's pair of top keywords when no
    single article chunk uses both (제휴 and 카드 each appear somewhere, 제휴카드 청구할인 nowhere).
    """
    median = float(np.median(coverage.best[list(rows)])) if rows else 0.0
    text = articles_text or ArticleText([])
    missing = [w for w in keywords if w not in text]
    if not missing and len(keywords) >= 2 and not text.together(keywords[:2]):
        missing = [f"{keywords[0]}+{keywords[1]}"]
    total = sum(feedback.get(t, (0, 0))[0] for t in ids)
    bad = sum(feedback.get(t, (0, 0))[1] for t in ids)
    nearest = Counter(a for a in (coverage.articles[r] for r in rows) if a is not None).most_common(3)
    return GapAssessment(
        coverage=median,
        weak_coverage=median < config.coverage_threshold
        or (median < config.coverage_ceiling and bool(missing)),
        feedback_total=total,
        feedback_bad=bad,
        bad_feedback=total >= config.feedback_min and bad / total >= config.feedback_bad_share,
        nearest=nearest,
        keywords=list(keywords),
        missing_keywords=missing,
    )
