"""참고 자료 of an article draft: existing articles that are measurably relevant to the topic.

An article's relevance to a topic is the median over the topic's tickets of the best dense
cosine between the ticket's vector and any chunk of that article (the quantity the gap check
uses for coverage, per article). An article is listed only at or above :data:`REFERENCE_MIN`;
a topic with none gets an empty (optional) section rather than unrelated links.

``REFERENCE_MIN`` was measured with ``kms``'s bundled sample KB (see the README of
``assist/drafts``): relevant means the article's consultation tag shares its first two levels
with the most common tag of the topic's tickets; the value is the lowest threshold at which at
least 80 % of the listed articles are relevant.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from assist.knowledge import KnowledgeBase

__all__ = ["MAX_REFERENCES", "REFERENCE_MIN", "article_relevance", "relevant_articles"]

REFERENCE_MIN = 0.88
MAX_REFERENCES = 3


def article_relevance(kb: KnowledgeBase, vectors: np.ndarray) -> dict[str, tuple[float, str]]:
    """article id -> (median over ``vectors`` of the best cosine to its chunks, its title)."""
    index = kb.index
    positions = [p for p, chunk in enumerate(index.chunks) if chunk.doc_type == "article"]
    if not positions or len(vectors) == 0:
        return {}
    by_article: dict[str, list[int]] = defaultdict(list)
    titles: dict[str, str] = {}
    for col, p in enumerate(positions):
        article_id = index.chunks[p].doc_id.split(":", 1)[1]
        by_article[article_id].append(col)
        titles.setdefault(article_id, index.chunks[p].title)
    sims = vectors @ index.dense.vectors_for([index.chunks[p].vid for p in positions]).T
    return {
        article_id: (float(np.median(sims[:, cols].max(axis=1))), titles[article_id])
        for article_id, cols in by_article.items()
    }


def relevant_articles(
    kb: KnowledgeBase, vectors: np.ndarray, *, minimum: float = REFERENCE_MIN, limit: int = MAX_REFERENCES
) -> list[tuple[str, str, float]]:
    """``(article id, title, relevance)`` of the articles at or above ``minimum``, best first."""
    scored = article_relevance(kb, vectors)
    ranked = sorted(scored.items(), key=lambda item: (-item[1][0], item[0]))
    return [(a, title, score) for a, (score, title) in ranked if score >= minimum][:limit]
