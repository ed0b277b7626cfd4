"""Crash consistency between the database and the serving index, and best-effort log writes.

Resolve, approve and article edits commit the database first and write the index after. A
crash or a failed index write in between leaves a document the database calls knowledge that
is not searchable; ``reconcile`` (run at start-up by ``KnowledgeBase.warm_up``, after a failed
index write, and by a retried resolve) re-indexes exactly those documents and brings the
chunks table back in line with the index.
"""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Mapping, Sequence

import numpy as np

from assist.knowledge import KnowledgeBase
from assist.logwriter import LogWriter
from core.masking import mask_chunk
from core.types import Chunk
from ingest.reconcile import chunk_rows_differ, memo_key, memo_path, plan, read_memo, save_memo
from storage import replace_chunks

log = logging.getLogger(__name__)

_writers: weakref.WeakKeyDictionary[KnowledgeBase, LogWriter] = weakref.WeakKeyDictionary()
_writers_lock = threading.Lock()


def log_writer(kb: KnowledgeBase) -> LogWriter:
    """The knowledge base's best-effort log writer (one per ``KnowledgeBase``)."""
    with _writers_lock:
        writer = _writers.get(kb)
        if writer is None:
            writer = _writers[kb] = LogWriter(lambda: kb.sessions)
        return writer


def indexed(kb: KnowledgeBase, doc_id: str) -> bool:
    """Whether the serving index holds chunks of ``doc_id`` ("ticket:W-1", "article:A-1")."""
    return bool(kb.index.segments.doc_rows(doc_id))


def doc_matches(kb: KnowledgeBase, doc_id: str, chunks: Sequence[Chunk]) -> bool:
    """Whether the serving index holds exactly ``chunks`` (ids and masked text) for ``doc_id``."""
    want = {(c.chunk_id, c.hash) for c in (mask_chunk(c, allow=kb.settings.pii_allow) for c in chunks)}
    return want == {(c.chunk_id, c.hash) for c in kb.index.doc_chunks(doc_id)}


def index_or_reconcile(
    kb: KnowledgeBase,
    chunks: Sequence[Chunk],
    doc_id: str,
    *,
    ahead: Mapping[bytes, np.ndarray] | None = None,
    ahead_tokens: Mapping[bytes, list[str]] | None = None,
) -> None:
    """``kb.index_documents`` for one document after its database commit; when the index write
    fails, a reconcile is tried at once (and again at start-up) before the error propagates.
    ``ahead``: vectors embedded earlier, by masked chunk text key (``KnowledgeBase.index_documents``)."""
    try:
        kb.index_documents(chunks, replace_docs=[doc_id], ahead=ahead, ahead_tokens=ahead_tokens)
    except Exception:
        reconcile_quietly(kb)
        raise


def reconcile(kb: KnowledgeBase) -> int:
    """Make the serving index and the chunks table agree with the database; returns how many
    documents were (re-)indexed or dropped."""
    with kb._lock:
        index = kb.index
        key = memo_key(kb.settings)
        with kb.sessions() as session:
            todo = plan(session, kb.settings, index, memo=read_memo(memo_path(kb.settings), key))
        save_memo(kb.settings, key, todo.agreed)
        if not todo.empty:
            log.warning("reconcile: re-indexing %d documents the index did not match", len(todo.replace_docs))
            kb.index_documents(todo.chunks, replace_docs=todo.replace_docs)
            return len(todo.replace_docs)
        folder = kb.index_folder
        with kb.sessions() as session, session.begin():
            if folder is not None and chunk_rows_differ(session, index):
                log.warning("reconcile: the chunks table did not mirror the index; synced")
                replace_chunks(session, index.chunks, index_version=folder.name)
    return 0


def reconcile_quietly(kb: KnowledgeBase) -> None:
    """``reconcile`` after a failure, never raising (the next start-up tries again)."""
    try:
        reconcile(kb)
    except Exception as exc:  # the caller is already handling a failure
        log.warning("reconcile after a failed index write did not finish (%s)", type(exc).__name__)
