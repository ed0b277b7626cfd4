"""Is the service ready? The lifespan's opening of the knowledge base, the ``IndexedKB``
dependency (503 before any work when there is no index) and the /healthz report."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import Depends

from assist.api.deps import KB
from assist.api.models import Health
from assist.knowledge import KnowledgeBase
from indexes.db import counts
from indexes.errors import KmsError
from indexes.lexical import tokenize

log = logging.getLogger(__name__)


def open_kb(kb: KnowledgeBase) -> dict[str, str]:
    """Open the DB and load model, index and Kiwi once; returns {step: problem} (never raises)."""
    problems: dict[str, str] = {}
    steps = (
        ("database", lambda: kb.sessions),
        ("model", lambda: kb.embedder),
        ("index", kb.warm_up),
    )
    for name, step in steps:
        try:
            step()
        except KmsError as exc:
            log.warning("%s not ready: %s", name, exc.message)
            problems[name] = exc.message
    if problems:
        tokenize("환불 문의")  # Kiwi at least, so the first request after an ingest is fast
    return problems


def require_index(kb: KB) -> KnowledgeBase:
    """The KB, after checking its serving index loads (IndexNotFoundError etc. → 503)."""
    _ = kb.index
    return kb


IndexedKB = Annotated[KnowledgeBase, Depends(require_index)]


def health_report(kb: KnowledgeBase, *, model_loaded: bool) -> Health:
    """Live state: re-checks the index (picking up one built since startup) and the DB."""
    problems: list[str] = []
    db_counts: dict[str, int] = {}
    db_ok = False
    try:
        with kb.sessions() as session:
            db_counts = counts(session)
        db_ok = True
    except Exception as exc:  # any driver error means "not reachable"
        problems.append(getattr(exc, "message", None) or f"database not reachable: {exc}")
    index_name: str | None = None
    embedder_id: str | None = None
    try:
        index = kb.index
        folder = kb.index_folder
        index_name = folder.name if folder is not None else None
        embedder_id = index.embedder.model_id
        db_counts["indexed_chunks"] = len(index.chunks)
    except KmsError as exc:
        problems.append(exc.message)
    index_ok = index_name is not None
    ready = index_ok and db_ok
    return Health(
        status="ok" if ready else "degraded",
        ready=ready,
        index_loaded=index_ok,
        model_loaded=model_loaded or index_ok,
        db_reachable=db_ok,
        counts=db_counts,
        index=index_name,
        embedder=embedder_id,
        problems=problems,
    )
