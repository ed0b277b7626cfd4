"""The knowledge base as the service sees it: settings, model, serving index and database.

Opened once (CLI command or app lifespan) and shared. The serving index is re-read when
``DATA_DIR/indexes/current`` is swapped by an ingest in another process.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Collection
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from indexes import store
from indexes.db import open_db
from indexes.embedder import Embedder, load_embedder
from indexes.hybrid import HybridIndex, SearchParams, SearchTrace
from indexes.settings import Settings
from indexes.types import DocHit

log = logging.getLogger(__name__)


class KnowledgeBase:
    """Lazy, thread-safe access to the embedder, the serving index and the DB."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._lock = threading.RLock()
        self._index: HybridIndex | None = None
        self._index_folder: Path | None = None
        self._embedder: Embedder | None = None
        self._sessions: sessionmaker[Session] | None = None

    @property
    def embedder(self) -> Embedder:
        with self._lock:
            if self._embedder is None:
                self._embedder = load_embedder(self.settings)
            return self._embedder

    @property
    def sessions(self) -> sessionmaker[Session]:
        with self._lock:
            if self._sessions is None:
                self._sessions = open_db(self.settings)
            return self._sessions

    @property
    def index(self) -> HybridIndex:
        """The serving index; reloaded if another process swapped in a new version."""
        with self._lock:
            folder = store.current_folder(self.settings.index_root)
            if self._index is None or folder != self._index_folder:
                self._index = store.load(folder, self.embedder)
                self._index_folder = folder
                log.info("serving index %s (%d chunks)", folder.name, len(self._index.chunks))
            return self._index

    @property
    def index_folder(self) -> Path | None:
        return self._index_folder

    def adopt(self, index: HybridIndex, folder: Path) -> None:
        """Serve an index this process has just built and persisted."""
        with self._lock:
            self._index, self._index_folder = index, folder

    def params(self, **overrides: object) -> SearchParams:
        return SearchParams.from_settings(self.settings, **overrides)

    def search(
        self,
        query: str,
        *,
        k: int = 5,
        doc_types: Collection[str] | None = None,
        trace: SearchTrace | None = None,
        **overrides: object,
    ) -> list[DocHit]:
        return self.index.search(query, self.params(k=k, doc_types=doc_types, **overrides), trace=trace)
