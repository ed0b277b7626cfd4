"""Is a recurring topic a KB gap? Weak article coverage and/or bad suggestion feedback.

- **coverage**: for every ticket, the best dense cosine of its inquiry (embedded as a query, the
  vectors mining clusters) to any article chunk of the serving index, computed as one matrix
  product; a topic's coverage is the median over its tickets. Below
  ``DraftSettings.coverage_threshold`` the KB does not answer the topic. Between that and
  ``coverage_ceiling`` it does not either when one of the topic's top keywords appears in no
  article at all (the bundled e5 model rates every same-domain text as fairly similar; a word no
  article uses is the sharper sign). Measured with ``kms eval gaps``.
- **asked by a script** (:mod:`assist.drafts.script_fit`): a topic the rules here and below call
  a gap is covered after all when its tickets are no closer to each other than to the script
  questions of their nearest articles, give or take ``unasked_margin`` (median over the tickets):
  an article was written to answer what they ask, even where its chunks' cosine is low (a thin
  article). Only a veto: where it is above the margin the cosine rules stand.
- **article fit** (:func:`article_fits`): the article nearest to most of a topic's tickets, and
  how well it fits this topic (median best cosine of its tickets to that article's chunks) against
  every other topic of the run. An article answers the topic it fits best: a topic for which
  another topic fits its nearest article better by ``owner_margin`` is uncovered below
  ``rival_ceiling`` (the article is the other topic's), and a topic that its nearest article fits
  best by that margin is covered from ``owner_floor`` up (the article was written for it). The
  absolute cut alone cannot tell these apart where e5-small rates every same-domain text alike.
  Each needs that article to be the nearest for enough of the topic's tickets (``rival_share``,
  ``owner_share``): a broad topic spread over many articles, or a mixed one of which only part is
  the article's subject, says little about any one article.
- **coverage split** (:func:`coverage_split`): a topic whose tickets fall into a well covered part
  and a weakly covered one is two topics the vectors joined (paraKQC: 학교 메일 즐겨찾기 with 학교와
  회사 중 메일이 많은 곳, which an article answers). Its tickets' best cosines are cut where the
  two sides are furthest apart (Otsu, at least ``min_size`` a side); the cut holds when the sides'
  medians differ by ``coverage_split`` and lie on either side of ``coverage_ceiling``.
- **fitted verdict** (:mod:`assist.drafts.gap_model`): where a topic's script-question fit and its
  article fit against the run's other topics can be measured, a logistic regression over those
  (and the share of tickets nearest the article, the missing keywords) overrules the rules above
  when it is sure either way (``gap_veto``, ``gap_override``); it was fitted on labelled
  ``kms eval gaps`` runs and records its embedding model.
- **feedback**: suggestions stored for the topic's tickets whose feedback was ``rejected`` or
  ``edited`` with a normalised edit distance above ``bad_edit_distance``; with at least
  ``feedback_min`` feedback rows and a bad share of ``feedback_bad_share`` or more, agents did
  not find the KB's answer usable.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from assist.drafts.config import DraftSettings
from assist.drafts.gap_model import MAX_MISSING, GapModel, overruled
from assist.knowledge import KnowledgeBase
from storage import FeedbackRow, SuggestionRow

__all__ = [
    "ArticleText",
    "Coverage",
    "GapAssessment",
    "article_coverage",
    "article_fits",
    "article_text",
    "assess",
    "coverage_split",
    "feedback_counts",
]

_BATCH = 500


@dataclass
class Coverage:
    """Per ticket (row of the run): best article-chunk cosine and the article it belongs to.

    With the cosines of every ticket to every article chunk (``sims``, tickets × chunks) and each
    chunk's article (``chunk_articles``), :meth:`fit_to` gives each ticket's best cosine to one
    article (used by :func:`article_fits`)."""

    best: np.ndarray
    articles: list[str | None]
    sims: np.ndarray | None = None
    chunk_articles: list[str] = field(default_factory=list)

    def fit_to(self, article: str) -> np.ndarray:
        """Per ticket, its best cosine to the chunks of ``article`` (zeros when unknown)."""
        cols = [i for i, a in enumerate(self.chunk_articles) if a == article]
        if self.sims is None or not cols:
            return np.zeros(len(self.best), dtype=np.float32)
        return np.asarray(self.sims[:, cols].max(axis=1), dtype=np.float32)

    def nearest_articles(self, rows: Sequence[int], n: int = 3) -> list[str]:
        """The ``n`` articles nearest to each of ``rows``' tickets (by their best chunk), together."""
        if self.sims is None or not self.chunk_articles:
            return [a for a in dict.fromkeys(self.articles[r] for r in rows) if a is not None]
        found: dict[str, None] = {}
        width = min(len(self.chunk_articles), 32 * n)
        for r in rows:
            sims = self.sims[r]
            top = np.argpartition(-sims, width - 1)[:width] if width < len(sims) else np.arange(len(sims))
            mine: dict[str, None] = {}
            for c in top[np.argsort(-sims[top], kind="stable")].tolist():
                mine.setdefault(self.chunk_articles[c])
                if len(mine) >= n:
                    break
            found.update(mine)
        return list(found)


def article_coverage(kb: KnowledgeBase, vectors: np.ndarray) -> Coverage:
    """Best cosine of each vector to the article chunks of the serving index."""
    index = kb.index
    positions = [p for p, chunk in enumerate(index.chunks) if chunk.doc_type == "article"]
    if not positions or len(vectors) == 0:
        return Coverage(best=np.zeros(len(vectors), dtype=np.float32), articles=[None] * len(vectors))
    article_vectors = index.dense.vectors_for([index.chunks[p].vid for p in positions])
    sims = np.asarray(vectors @ article_vectors.T, dtype=np.float32)
    chunk_articles = [index.chunks[p].doc_id.split(":", 1)[1] for p in positions]
    doc_ids: list[str | None] = [chunk_articles[int(a)] for a in sims.argmax(axis=1)]
    return Coverage(best=sims.max(axis=1), articles=doc_ids, sims=sims, chunk_articles=chunk_articles)


def _nearest(rows: Sequence[int], coverage: Coverage, n: int = 3) -> list[tuple[str, int]]:
    """The articles nearest to most of ``rows``' tickets: (article id, tickets), most first."""
    return Counter(a for a in (coverage.articles[r] for r in rows) if a is not None).most_common(n)


def article_fits(coverage: Coverage, topics: Sequence[Sequence[int]]) -> list[tuple[float, float]]:
    """Per topic (its rows), the (fit, rival fit) of its nearest article: the median best cosine of
    its own tickets to that article's chunks, and the highest such median among the other topics
    (0 when there is none); ``(0, 0)`` for a topic without a nearest article."""
    per_article: dict[str, np.ndarray] = {}
    out: list[tuple[float, float]] = []
    for k, rows in enumerate(topics):
        nearest = _nearest(rows, coverage, 1)
        if not nearest:
            out.append((0.0, 0.0))
            continue
        article = nearest[0][0]
        if article not in per_article:
            per_article[article] = coverage.fit_to(article)
        fit = per_article[article]
        own = float(np.median(fit[list(rows)]))
        others = (float(np.median(fit[list(o)])) for j, o in enumerate(topics) if j != k and len(o))
        out.append((own, max(others, default=0.0)))
    return out


def coverage_split(
    rows: Sequence[int], best: np.ndarray, *, min_size: int, gap: float, ceiling: float
) -> list[list[int]]:
    """``rows`` as [weakly covered part, covered part] when their best article cosines (``best``,
    per row of the run) split into two sides of at least ``min_size`` whose medians differ by
    ``gap`` or more, the lower one below ``ceiling`` and the higher one from it up; else [rows]."""
    n = len(rows)
    if gap <= 0 or n < 2 * min_size:
        return [list(rows)]
    order = np.argsort(best[list(rows)], kind="stable")
    ranked = np.asarray(rows)[order]
    vals = best[ranked].astype(np.float64)
    cut, score = 0, -1.0
    for k in range(min_size, n - min_size + 1):  # Otsu: the largest between-sides variance
        s = k * (n - k) * float(vals[k:].mean() - vals[:k].mean()) ** 2
        if s > score:
            cut, score = k, s
    low, high = float(np.median(vals[:cut])), float(np.median(vals[cut:]))
    if high - low >= gap and low < ceiling <= high:
        return [sorted(ranked[:cut].tolist()), sorted(ranked[cut:].tolist())]
    return [list(rows)]


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
    article_fit: float | None = None  # median cosine of its tickets to its nearest article
    rival_fit: float | None = None  # ... the best such median of another topic (article_fits)
    unasked: float | None = None  # tickets' fellow minus script-question cosine (script_fit)
    # the fitted verdict (assist.drafts.gap_model): its inputs and the probability of a gap, when it decided
    features: dict[str, float] | None = None
    probability: float | None = None
    rules_gap: bool | None = None  # what the cosine rules alone said (kept beside the model's verdict)

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

    def verdict_json(self) -> dict[str, object]:
        """The verdict and what decided it (``kms eval gaps`` records it per topic; the fit reads it)."""
        return {
            "is_gap": self.is_gap,
            "rules_gap": self.is_gap if self.rules_gap is None else self.rules_gap or self.bad_feedback,
            "gap_probability": self.probability,
            "verdict_features": self.features,
            "coverage": round(self.coverage, 4),  # no input (an absolute cosine): kept for checks
        }

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
            "article_fit": None if self.article_fit is None else round(self.article_fit, 4),
            "rival_fit": None if self.rival_fit is None else round(self.rival_fit, 4),
            "unasked": None if self.unasked is None else round(self.unasked, 4),
            "gap_probability": self.probability,
            "verdict_features": None
            if self.features is None
            else {k: round(v, 4) for k, v in self.features.items()},
            "rules_gap": self.rules_gap,
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
    fit: tuple[float, float] | None = None,
    unasked: Callable[[], float | None] | None = None,
    model: GapModel | None = None,
) -> GapAssessment:
    """The gap verdict of one topic (its rows into the run's coverage, its ticket ids, its top
    keywords, the text of every article chunk and its :func:`article_fits` pair).

    A top keyword no article uses is missing; so is the topic's pair of top keywords when no
    single article chunk uses both (제휴 and 카드 each appear somewhere, 제휴카드 청구할인 nowhere).

    ``unasked()`` (:meth:`assist.drafts.script_fit.ScriptQuestionFit.unasked`: how much closer the
    tickets are to each other than to the nearest articles' script questions; None when those
    articles have no scripts): at most ``config.unasked_margin``, a script already asks what these
    customers ask, and the topic is covered whatever the cosine rules say.

    ``model`` (:mod:`assist.drafts.gap_model`): where its four inputs can be measured (script
    questions near the topic, another topic in the run) its probability overrules the rules when it
    is sure: a gap by the rules below ``config.gap_veto`` is covered, a covered topic from
    ``config.gap_override`` up is a gap. The rules' verdict is kept as ``rules_gap``.
    The inputs are recorded without a model too (``kms eval gaps`` fits on them).
    """
    median = float(np.median(coverage.best[list(rows)])) if rows else 0.0
    text = articles_text or ArticleText([])
    missing = [w for w in keywords if w not in text]
    if not missing and len(keywords) >= 2 and not text.together(keywords[:2]):
        missing = [f"{keywords[0]}+{keywords[1]}"]
    total = sum(feedback.get(t, (0, 0))[0] for t in ids)
    bad = sum(feedback.get(t, (0, 0))[1] for t in ids)
    nearest = _nearest(rows, coverage)
    share = nearest[0][1] / len(rows) if nearest else 0.0  # of its tickets, those nearest to that article
    weak = median < config.coverage_threshold or (median < config.coverage_ceiling and bool(missing))
    if fit is not None and nearest:
        own, rival = fit
        if (
            not weak
            and median < config.rival_ceiling
            and share >= config.rival_share
            and rival - own >= config.owner_margin
        ):
            weak = True  # its nearest article is another topic's
        elif (
            weak
            and median >= config.owner_floor
            and share >= config.owner_share
            and own - rival >= config.owner_margin
        ):
            weak = False  # its nearest article was written for it
    # the fitted verdict's inputs: they need the tickets' script-question fit and another topic of
    # the run (a rival fit of 0 is no rival: one topic alone reads as its article's owner)
    measurable = fit is not None and bool(nearest) and fit[1] > 0 and unasked is not None
    margin = config.unasked_margin
    asked = unasked() if unasked is not None and (measurable or (weak and margin > 0)) else None
    if weak and margin > 0 and asked is not None and asked <= margin:
        weak = False  # its customers ask what a script of the nearest articles already asks
    features: dict[str, float] | None = None
    probability: float | None = None
    rules_gap: bool | None = None
    if measurable and asked is not None and fit is not None:
        features = {
            "unasked": asked,
            "own_margin": fit[0] - fit[1],
            "nearest_share": share,
            "missing_keywords": float(min(len(missing), MAX_MISSING)),
        }
        if model is not None:
            probability = model.predict(features)
            rules_gap = weak
            weak = overruled(weak, probability, veto=config.gap_veto, override=config.gap_override)
    return GapAssessment(
        coverage=median,
        weak_coverage=weak,
        feedback_total=total,
        feedback_bad=bad,
        bad_feedback=total >= config.feedback_min and bad / total >= config.feedback_bad_share,
        nearest=nearest,
        keywords=list(keywords),
        missing_keywords=missing,
        article_fit=None if fit is None else fit[0],
        rival_fit=None if fit is None else fit[1],
        unasked=asked,
        features=features,
        probability=probability,
        rules_gap=rules_gap,
    )
