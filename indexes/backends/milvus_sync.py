"""Keeping a Milvus collection in step with a local index (``KMS_INDEX_BACKEND=milvus``).

The local index stays the source of the chunks and their vectors (ingest builds it; nothing is
re-embedded for Milvus). ``sync`` makes the collection hold exactly the local index's live chunks:
an empty collection is bulk-loaded; otherwise chunk ids and content hashes are compared and only
the difference is written (deletes, then upserts). Incremental writes made through the product go to
both at once and need no sync.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import numpy as np

from indexes.backends.milvus import MilvusBackend
from indexes.hybrid import HybridIndex

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SyncReport:
    loaded: int = 0  # chunks bulk-loaded into an empty collection
    upserted: int = 0  # new or changed chunks written
    deleted: int = 0  # chunks only Milvus had
    seconds: float = 0.0


def sync(backend: MilvusBackend, index: HybridIndex) -> SyncReport:
    """Make ``backend``'s collection hold exactly ``index``'s live chunks."""
    t0 = time.perf_counter()
    remote = backend.hashes()
    chunks, vectors, tokens = index.segments.live()
    if not remote:
        if chunks:
            backend.bulk_load(chunks, vectors, tokens)
        report = SyncReport(loaded=len(chunks), seconds=time.perf_counter() - t0)
    else:
        live = {c.chunk_id for c in chunks}
        gone = [cid for cid in remote if cid not in live]
        changed = [i for i, c in enumerate(chunks) if remote.get(c.chunk_id) != c.hash]
        backend.delete(gone)
        if changed:
            backend.upsert(
                [chunks[i] for i in changed], np.asarray(vectors)[changed], [tokens[i] for i in changed]
            )
        report = SyncReport(upserted=len(changed), deleted=len(gone), seconds=time.perf_counter() - t0)
    if report.loaded or report.upserted or report.deleted:
        log.info("milvus %s synced from the local index: %s", backend.name, report)
    return report
