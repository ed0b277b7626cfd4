"""Do a topic's tickets ask what an article's scripts already answer?

The script questions of an article (상담 스크립트 ``Q:`` lines) are what it was written to answer,
in the customer's words. Two decisions of gap detection read them, both through
:class:`ScriptQuestionFit` (tickets and questions embedded the same way: inquiry text
normalisation, as queries; an article's questions once per run, only for the articles asked for):

- **unasked** (:meth:`ScriptQuestionFit.unasked`, the gap verdict in ``assist.drafts.gaps``): per
  ticket, how much closer its nearest fellow ticket of the topic is than the closest script
  question of the articles nearest to it; the topic's median. Customers of a topic the KB covers
  ask what a script already asks (about 0: telco_ins covered topics −0.000 … +0.010); those of a
  subject no article has ask each other's questions far more closely than any script's (+0.016 …
  +0.048). The cosine of the tickets to the article chunks cannot tell these apart: the bundled
  e5 model rates every same-domain text 0.86–0.93, so a thin article's own topic sits as low as
  an uncovered one (travel_air: visa questions 0.865 to the visa article; uncovered mileage 0.856).
- **update** (:meth:`ScriptQuestionFit.median`, ``assist.drafts.proposals``): an "update article
  X" proposal needs the tickets close to one of X's script questions; a gap topic that only sits
  near X (로밍 신청 before leaving, near the 로밍 장애 article) is a subject of its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from assist.answer_sentences import script_questions
from assist.drafts.clusters import embed_inquiries, inquiry_texts
from assist.knowledge import KnowledgeBase

__all__ = ["ScriptQuestionFit", "article_questions", "fellow_nearest"]


def article_questions(kb: KnowledgeBase, article_id: str) -> list[str]:
    """The script questions (``Q:`` lines of 상담 스크립트) of one article, in order, once each."""
    asked = script_questions(kb.index.doc_chunks(f"article:{article_id}"))
    return list(dict.fromkeys(q for q in asked if q.strip()))


def fellow_nearest(vectors: np.ndarray) -> np.ndarray:
    """Per row, the best cosine to another row (unit vectors; -1 for a lone row)."""
    sims = np.asarray(vectors @ vectors.T, dtype=np.float32)
    np.fill_diagonal(sims, -1.0)
    return sims.max(axis=1)


class ScriptQuestionFit:
    """Script-question fit of a run's tickets (rows of the run's inquiry ``vectors``)."""

    def __init__(self, kb: KnowledgeBase, vectors: np.ndarray) -> None:
        self._kb = kb
        self._vectors = vectors
        self._questions: dict[str, np.ndarray | None] = {}

    def _of(self, article_id: str) -> np.ndarray | None:
        if article_id not in self._questions:
            asked = article_questions(self._kb, article_id)
            self._questions[article_id] = (
                embed_inquiries(self._kb.embedder, inquiry_texts(asked, self._kb.lexicon)) if asked else None
            )
        return self._questions[article_id]

    def _best(self, rows: Sequence[int], articles: Iterable[str]) -> np.ndarray | None:
        found = [q for a in dict.fromkeys(articles) if (q := self._of(a)) is not None]
        if not found or not len(rows):
            return None
        return np.asarray((self._vectors[list(rows)] @ np.vstack(found).T).max(axis=1), dtype=np.float32)

    def median(self, article_id: str, rows: Sequence[int]) -> float | None:
        """Median best cosine of the rows to one article's script questions; None when it has none."""
        best = self._best(rows, [article_id])
        return None if best is None else float(np.median(best))

    def unasked(self, rows: Sequence[int], articles: Iterable[str]) -> float | None:
        """Median over the rows of (best cosine to another row) − (best cosine to a script question
        of ``articles``); None for fewer than two rows or when none of the articles has scripts."""
        if len(rows) < 2:
            return None
        best = self._best(rows, articles)
        if best is None:
            return None
        return float(np.median(fellow_nearest(self._vectors[list(rows)]) - best))
