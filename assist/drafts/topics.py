"""Stable topic identity across runs: match this run's clusters to the stored topics.

A cluster is an existing topic when they share at least ``match_overlap`` of the smaller one's
tickets, or when their centroids have a cosine of at least ``match_centroid`` (tickets age out
of the window, the topic stays). Pairs are matched one to one, best first (overlap, then
cosine). A new topic's key is derived from the ticket ids it was first seen with.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from assist.drafts.config import DraftSettings
from assist.drafts.mining import Cluster
from storage import TopicRow

__all__ = ["match_topics", "topic_key"]


def topic_key(ticket_ids: Sequence[str]) -> str:
    """``"topic-"`` + 12 hex digits of the sorted ids' hash."""
    digest = hashlib.sha1("\n".join(sorted(ticket_ids)).encode("utf-8")).hexdigest()
    return f"topic-{digest[:12]}"


def _cosine(a: np.ndarray, b: Sequence[float] | None) -> float:
    if b is None or len(b) != len(a):
        return 0.0
    vb = np.asarray(b, dtype=np.float32)
    denom = float(np.linalg.norm(a) * np.linalg.norm(vb))
    return float(a @ vb) / denom if denom > 0 else 0.0


def match_topics(
    clusters: Sequence[Cluster], topics: Sequence[TopicRow], config: DraftSettings
) -> dict[int, TopicRow]:
    """cluster index -> the stored topic it continues (clusters without a match are new)."""
    candidates: list[tuple[float, float, int, int]] = []
    for ci, cl in enumerate(clusters):
        members = set(cl.ids)
        for ti, topic in enumerate(topics):
            old = set(topic.member_ids or [])
            overlap = len(members & old) / min(len(members), len(old)) if old and members else 0.0
            cos = _cosine(cl.centroid, topic.centroid)
            if overlap >= config.match_overlap or cos >= config.match_centroid:
                candidates.append((overlap, cos, ci, ti))
    candidates.sort(key=lambda c: (-c[0], -c[1], c[2], c[3]))
    out: dict[int, TopicRow] = {}
    used: set[int] = set()
    for _, _, ci, ti in candidates:
        if ci not in out and ti not in used:
            out[ci] = topics[ti]
            used.add(ti)
    return out
