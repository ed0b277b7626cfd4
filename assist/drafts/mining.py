"""Topic mining: the resolved tickets of a window, their vectors, and their clusters.

Vectors come from the serving index (``kb.index.dense.vectors_for``): a knowledge ticket is
already embedded there as a passage (subject + 문의 + 답변), so mining embeds nothing unless a
ticket is missing from the index.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
from sqlalchemy.orm import Session

from assist.clustering import centroid, cluster, medoid
from assist.drafts.config import DraftSettings
from assist.errors import InvalidInputError
from assist.knowledge import KnowledgeBase
from indexes.db import knowledge_tickets
from indexes.records import TicketRecord
from ingest.split import chunk_ticket

__all__ = ["Cluster", "find_clusters", "parse_since", "ticket_time", "ticket_vectors", "window_tickets"]

_SINCE = re.compile(r"^\s*(\d+)\s*([dwm]?)\s*$", re.IGNORECASE)
_UNIT_DAYS = {"": 1, "d": 1, "w": 7, "m": 30}


def parse_since(text: str | None) -> timedelta | None:
    """``"90d"`` / ``"12w"`` / ``"3m"`` (30-day months) / ``"90"`` as a timedelta; ``"all"`` = None."""
    if text is None or text.strip().lower() in ("", "all"):
        return None
    m = _SINCE.match(text)
    if m is None or int(m.group(1)) <= 0:
        raise InvalidInputError(
            f"since must look like '90d', '12w' or '3m' (or 'all'), not {text!r}", field="since", value=text
        )
    return timedelta(days=int(m.group(1)) * _UNIT_DAYS[m.group(2).lower()])


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


def ticket_vectors(kb: KnowledgeBase, tickets: Sequence[TicketRecord]) -> np.ndarray:
    """One unit vector per ticket: its (first) chunk's stored vector, embedded only if missing."""
    index = kb.index
    out = np.zeros((len(tickets), index.dense.dim), dtype=np.float32)
    found: list[tuple[int, int]] = []
    missing: list[tuple[int, str]] = []
    for row, ticket in enumerate(tickets):
        chunk_id = f"ticket:{ticket.ticket_id}#ticket-0"
        pos = index.pos_by_id.get(chunk_id)
        if pos is not None:
            found.append((row, index.chunks[pos].vid))
        else:
            chunks = chunk_ticket(ticket, max_chars=kb.settings.chunk_max_chars)
            missing.append((row, chunks[0].text if chunks else ticket.inquiry))
    if found:
        out[[r for r, _ in found]] = index.dense.vectors_for([vid for _, vid in found])
    if missing:
        out[[r for r, _ in missing]] = kb.embedder.embed_documents([text for _, text in missing])
    return out


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
    vectors: np.ndarray, ids: Sequence[str], config: DraftSettings, *, min_size: int | None = None
) -> list[Cluster]:
    """Clusters of at least ``min_size`` tickets, largest first."""
    size = min_size or config.min_size
    if len(ids) < size:
        return []
    labels = cluster(vectors, config.method, **config.cluster_params(size))
    out: list[Cluster] = []
    for label in range(int(labels.max()) + 1 if len(labels) else 0):
        rows = [int(r) for r in np.flatnonzero(labels == label)]
        member_vectors = vectors[rows]
        out.append(
            Cluster(
                rows=rows,
                ids=[ids[r] for r in rows],
                centroid=centroid(member_vectors),
                medoid=rows[medoid(member_vectors)],
            )
        )
    return out
