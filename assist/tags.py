"""Suggest a consultation tag (e.g. 고객::결제::오류) from the tags of the retrieved evidence."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from assist.schemas import TagSuggestion
from core.types import DocHit


def _tags_of(hit: DocHit) -> list[str]:
    if hit.doc_type == "article":
        tag = hit.meta.get("tag")
        return [tag] if tag else []
    return [t for t in hit.meta.get("tags") or [] if "::" in t]


def suggest_tag(hits: Sequence[DocHit], *, article_weight: float = 1.5) -> TagSuggestion | None:
    """Score-weighted vote over the tags of the top articles and tickets.

    Articles carry the official tag, so they weigh more than past tickets. Confidence is the
    winner's share of the total vote, scaled by how strong the evidence is.
    """
    votes: dict[str, float] = defaultdict(float)
    for rank, hit in enumerate(hits):
        weight = (
            max(hit.score, 0.0) * (article_weight if hit.doc_type == "article" else 1.0) / (1 + 0.3 * rank)
        )
        for tag in _tags_of(hit):
            votes[tag] += weight
    total = sum(votes.values())
    if total <= 0:
        return None
    ranked = sorted(votes.items(), key=lambda kv: (-kv[1], kv[0]))
    best, score = ranked[0]
    strength = min(1.0, max(h.score for h in hits))
    return TagSuggestion(
        value=best,
        confidence=round(score / total * strength, 4),
        alternatives=[(t, round(v / total, 4)) for t, v in ranked[1:4]],
    )
