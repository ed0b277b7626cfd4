"""One dataset as `kms eval fusion` searches it: an index, its search parameters and its query splits."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from eval.datasets import Query
from indexes.hybrid import HybridIndex, SearchParams, SearchTrace

__all__ = ["Split", "query_vector"]


@dataclass
class Split:
    """One dataset ready to search: its index, search params factory and query splits."""

    name: str
    index: HybridIndex
    params: Callable[..., SearchParams]
    test: list[Query]
    fit: list[Query]
    fingerprint: dict[str, Any]
    qvecs: dict[str, np.ndarray] = field(default_factory=dict)


def query_vector(split: Split, q: Query) -> np.ndarray | None:
    """The query's vector as searched (after colloquial normalisation), embedded once per split."""
    if q.qid not in split.qvecs:
        trace = SearchTrace()
        split.index.search_chunks(q.text, split.params(fusion="dense", k=1), trace=trace)
        if trace.query_vector is not None:
            split.qvecs[q.qid] = trace.query_vector
    return split.qvecs.get(q.qid)
