"""Topic mining: the resolved tickets of a window, their vectors, and their clusters.

Mining clusters what the customer asked: each ticket's subject + inquiry, colloquial Korean
normalised (``korean.colloquial``) and embedded as a query (:func:`inquiry_vectors`), grouped by
``assist.drafts.clusters.find_topics`` -- the same functions and settings ``kms eval topics`` and
``kms eval gaps`` measure. The stored ticket passages (inquiry + resolution) are not used: a
shared resolution wording pulled unrelated inquiries together.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
from sqlalchemy.orm import Session

from assist.clustering import centroid, medoid
from assist.drafts import clusters
from assist.drafts.config import DraftSettings
from assist.errors import InvalidInputError
from assist.knowledge import KnowledgeBase
from core.records import TicketRecord
from storage import knowledge_tickets

__all__ = [
    "Cluster",
    "cluster_of",
    "count_outside",
    "find_clusters",
    "inquiry_vectors",
    "parse_since",
    "ticket_inquiries",
    "ticket_time",
    "window_tickets",
]

_SINCE = re.compile(r"^\s*(\d{1,12})\s*([dwm]?)\s*$", re.IGNORECASE)
_UNIT_DAYS = {"": 1, "d": 1, "w": 7, "m": 30}
MAX_SINCE_DAYS = 36_500


def parse_since(text: str | None) -> timedelta | None:
    """``"90d"`` / ``"12w"`` / ``"3m"`` (30-day months) / ``"90"`` as a timedelta; ``"all"`` = None."""
    if text is None or text.strip().lower() in ("", "all"):
        return None
    m = _SINCE.match(text)
    if m is None or int(m.group(1)) <= 0:
        raise InvalidInputError(
            f"since must look like '90d', '12w' or '3m' (or 'all'), not {text[:40]!r}", field="since"
        )
    days = int(m.group(1)) * _UNIT_DAYS[m.group(2).lower()]
    if days > MAX_SINCE_DAYS:  # also keeps ``now - since`` a valid date
        raise InvalidInputError(
            f"since is at most {MAX_SINCE_DAYS} days (100 years), not {text[:40]!r}; use 'all' for every "
            "ticket",
            field="since",
        )
    return timedelta(days=days)


def ticket_time(ticket: TicketRecord) -> datetime | None:
    """When a ticket counts: resolved_at, else created_at (aware, UTC)."""
    when = ticket.resolved_at or ticket.created_at
    if when is None:
        return None
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when


def window_tickets(
    session: Session, since: timedelta | None, *, now: datetime | None = None, limit: int = 10000
) -> list[TicketRecord]:
    """Knowledge tickets resolved (else created) within ``since`` of ``now``, newest ``limit``.

    Tickets without any date are kept: there is no telling them old.
    """
    now = now or datetime.now(UTC)
    cutoff = now - since if since is not None else None
    out = [
        t
        for t in knowledge_tickets(session)
        if cutoff is None or (when := ticket_time(t)) is None or cutoff <= when <= now
    ]
    out.sort(key=lambda t: (ticket_time(t) or now, t.ticket_id), reverse=True)
    return sorted(out[:limit], key=lambda t: t.ticket_id)


def count_outside(session: Session, since: timedelta | None, *, now: datetime | None = None) -> int:
    """Knowledge tickets resolved (else created) before the window: left out of this run."""
    if since is None:
        return 0
    cutoff = (now or datetime.now(UTC)) - since
    times = (ticket_time(t) for t in knowledge_tickets(session))
    return sum(1 for when in times if when is not None and when < cutoff)


def ticket_inquiries(kb: KnowledgeBase, tickets: Sequence[TicketRecord]) -> list[str]:
    """What each customer asked (subject + inquiry), colloquial Korean normalised."""
    return clusters.inquiry_texts([f"{t.subject}\n{t.inquiry}".strip() for t in tickets], kb.lexicon)


def inquiry_vectors(kb: KnowledgeBase, texts: Sequence[str]) -> np.ndarray:
    """One unit vector per inquiry, embedded as a query (as agents' suggestions search them)."""
    return clusters.embed_inquiries(kb.embedder, texts)


@dataclass
class Cluster:
    """One recurring topic of a run: member rows (into the run's tickets), centroid, medoid row."""

    rows: list[int]
    ids: list[str]
    centroid: np.ndarray
    medoid: int

    @property
    def size(self) -> int:
        return len(self.rows)


def find_clusters(
    vectors: np.ndarray,
    ids: Sequence[str],
    tokens: Sequence[Sequence[str]],
    config: DraftSettings,
    *,
    min_size: int | None = None,
) -> list[Cluster]:
    """Topics of at least ``min_size`` tickets (``find_topics``), largest first."""
    params = config.topic_params(min_size)
    if len(ids) < params.min_size:
        return []
    labels = clusters.find_topics(vectors, tokens, params)
    count = int(labels.max()) + 1 if len(labels) else 0
    return [
        cluster_of([int(r) for r in np.flatnonzero(labels == label)], vectors, ids) for label in range(count)
    ]


def cluster_of(rows: Sequence[int], vectors: np.ndarray, ids: Sequence[str]) -> Cluster:
    """The :class:`Cluster` of ``rows`` (into the run's ``vectors`` and ticket ``ids``)."""
    rows = list(rows)
    member_vectors = vectors[rows]
    return Cluster(
        rows=rows,
        ids=[ids[r] for r in rows],
        centroid=centroid(member_vectors),
        medoid=rows[medoid(member_vectors)],
    )
