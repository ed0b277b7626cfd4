"""참고 자료 of an article draft: existing articles that are measurably relevant to the topic.

An article's relevance to a topic is the median over the topic's tickets of the best dense
cosine between the ticket's vector and any chunk of that article (the quantity the gap check
uses for coverage, per article). An article is listed when its relevance is at least
:data:`REFERENCE_MIN` and its title uses one of the topic's top keywords; a topic with none gets
an empty (optional) section rather than unrelated links.

Measured on the bundled sample KB (10 gap topics x 31 articles, e5 model; an article counts as
relevant when its consultation tag shares its first two levels with the most common tag of the
topic's tickets, a coarse label): cosine alone lists 17 articles at 0.88 with precision 0.59
(0.90: 3 listed, 0.67); with the title keyword as well, 0.88 lists 12 with precision 0.75
(recall 0.36 of the 25 relevant pairs), the best precision short of listing almost nothing
(0.91: 1 article).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

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
    kb: KnowledgeBase,
    vectors: np.ndarray,
    keywords: Sequence[str],
    *,
    minimum: float = REFERENCE_MIN,
    limit: int = MAX_REFERENCES,
) -> list[tuple[str, str, float]]:
    """``(article id, title, relevance)`` of the relevant articles (see above), best first."""
    words = [w.lower() for w in keywords if w]
    scored = article_relevance(kb, vectors)
    ranked = sorted(scored.items(), key=lambda item: (-item[1][0], item[0]))
    return [
        (a, title, score)
        for a, (score, title) in ranked
        if score >= minimum and any(w in title.lower() for w in words)
    ][:limit]
