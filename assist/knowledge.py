"""The knowledge base as the service sees it: settings, model, serving index and database.

Opened once (CLI command or app lifespan) and shared. The serving index is re-read when
``DATA_DIR/indexes/current`` is swapped by an ingest in another process.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Collection, Sequence
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from indexes import store
from indexes.db import add_chunks, delete_chunks, open_db
from indexes.embedder import Embedder, load_embedder
from indexes.errors import IndexCorruptError, IndexMismatchError, KmsError
from indexes.hybrid import HybridIndex, SearchParams, SearchTrace
from indexes.lexical import tokenize_many
from indexes.masking import mask_chunk
from indexes.settings import Settings
from indexes.types import Chunk, DocHit
from korean.lexicon import Lexicon, load_lexicon

log = logging.getLogger(__name__)


class KnowledgeBase:
    """Lazy, thread-safe access to the embedder, the serving index and the DB."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._lock = threading.RLock()
        self._index: HybridIndex | None = None
        self._index_folder: Path | None = None
        self._current_seen: Path | None = None  # the `current` target last tried (loaded or not)
        self.index_warning: str | None = None  # set while serving a fallback index
        self._embedder: Embedder | None = None
        self._sessions: sessionmaker[Session] | None = None
        self._lexicon_problem: str | None = None

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
        """The serving index; reloaded if another process swapped in a new version.

        A ``current`` index that does not load (damaged manifest, FAISS file or id map) never
        takes serving down while a good one exists: the one already in memory, else the newest
        retained previous folder, is served and ``index_warning`` says so (shown by /readyz).
        """
        with self._lock:
            root = self.settings.index_root
            folder = store.current_folder(root)
            if self._index is None or folder != self._current_seen:
                try:
                    index = store.load(folder, self.embedder, store.IndexConfig.from_settings(self.settings))
                except (IndexCorruptError, IndexMismatchError) as exc:
                    self._fall_back(root, folder, exc)
                else:
                    self._index, self._index_folder, self.index_warning = index, folder, None
                    log.info("serving index %s (%d chunks)", folder.name, len(index.chunks))
                self._current_seen = folder
            assert self._index is not None
            return self._index

    def _fall_back(self, root: Path, broken: Path, exc: KmsError) -> None:
        """Serve the last good index instead of ``broken`` (re-raises ``exc`` when there is none)."""
        if self._index is None or self._index_folder is None:
            found = store.load_fallback(root, self.embedder, exclude=broken)
            if found is None:
                raise exc
            self._index, self._index_folder = found
        self.index_warning = (
            f"index {broken.name} cannot be loaded ({exc.message}); serving the previous index "
            f"{self._index_folder.name} until a new ingest or `kms reindex`"
        )
        log.warning("%s", self.index_warning)

    @property
    def index_folder(self) -> Path | None:
        return self._index_folder

    def adopt(self, index: HybridIndex, folder: Path) -> None:
        """Serve an index this process has just built and persisted."""
        with self._lock:
            self._index, self._index_folder = index, folder
            self._current_seen, self.index_warning = folder, None

    def index_documents(self, chunks: Sequence[Chunk], *, replace_docs: Collection[str] = ()) -> Path:
        """Add/replace documents incrementally: embedded once, searchable at once, persisted.

        ``replace_docs`` lists doc ids whose old chunks are dropped first (an article that
        got a new revision). The new index version is written beside the old one and
        swapped in; the chunks table follows. No full rebuild, no re-embedding of others.
        Chunks are PII-masked first, whoever made them.
        """
        chunks = [mask_chunk(c, allow=self.settings.pii_allow) for c in chunks]
        with self._lock:
            index = self.index
            replace = set(replace_docs)
            try:
                index = index.removed([c.chunk_id for c in index.chunks if c.doc_id in replace])
                if chunks:
                    texts = [c.text for c in chunks]
                    vectors = self.embedder.embed_documents(texts)
                    index = index.added(list(chunks), vectors, tokenize_many(texts))
                config = store.IndexConfig.from_settings(self.settings)
                folder = store.persist(index, self.settings.index_root, config)
            except BaseException:
                # removed/added edit the FAISS index in place: serve `current` from disk again
                self._index = None
                raise
            self._index, self._index_folder = index, folder
            self._current_seen, self.index_warning = folder, None
            # the chunks table follows under the same lock; should this fail (or the process
            # die here), ``reconcile`` brings it back in line with the index
            with self.sessions() as session, session.begin():
                if replace_docs:
                    delete_chunks(session, list(replace_docs))
                add_chunks(session, list(chunks), index_version=folder.name)
        log.info("indexed %d chunks incrementally into %s", len(chunks), folder.name)
        return folder

    def warm_up(self) -> None:
        """Load model, index and Kiwi now rather than on the first request; then embed the
        articles' answer sentences in a background thread (``KMS_WARM_SENTENCES``). Writes
        that crashed between the database and the index are reconciled first."""
        from assist.consistency import reconcile

        reconcile(self)
        self.search("환불 문의", k=1)
        if self.settings.warm_sentences:
            threading.Thread(target=self._warm_sentences, name="kms-warm-sentences", daemon=True).start()

    def _warm_sentences(self) -> None:
        from assist.compose import warm

        t0 = time.perf_counter()
        try:
            count = warm(self.index)
        except Exception as exc:  # a failed warm-up only costs speed: never take serving down
            log.warning("answer sentences were not pre-embedded (%s)", type(exc).__name__)
            return
        log.info("pre-embedded %d answer sentences in %.1f s", count, time.perf_counter() - t0)

    @property
    def lexicon(self) -> Lexicon:
        """The colloquial-Korean lexicon: bundled + this site's file (re-read when it changes).

        A user file that cannot be read or parsed must not break serving: one warning naming
        the file and line is logged (again only when the problem changes) and the bundled
        lexicon is used until the file is fixed.
        """
        path = self.settings.colloquial_path
        try:
            lexicon = load_lexicon(path)
        except (OSError, ValueError) as exc:
            problem = f"{exc}"
            if problem != self._lexicon_problem:
                self._lexicon_problem = problem
                log.warning("colloquial lexicon %s ignored, using the bundled one: %s", path, problem)
            return load_lexicon(None)
        self._lexicon_problem = None
        return lexicon

    def params(self, **overrides: object) -> SearchParams:
        overrides.setdefault("lexicon", self.lexicon)
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
