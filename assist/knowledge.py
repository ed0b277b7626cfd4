"""The knowledge base as the service sees it: settings, model, serving index and database.

Opened once (CLI command or app lifespan) and shared. The serving index is re-read when
``DATA_DIR/indexes/current`` is swapped by an ingest in another process.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from assist.sentence_store import text_key
from core.errors import IndexCorruptError, IndexMismatchError, KmsError
from core.masking import mask_chunk
from core.settings import Settings
from core.types import Chunk, DocHit
from indexes import compaction, deltalog, store
from indexes.backends import SearchBackend
from indexes.embedder import Embedder, load_embedder
from indexes.hybrid import HybridIndex, SearchParams, SearchTrace
from indexes.lexical import tokenize_many
from indexes.segments import DeltaOp
from korean.lexicon import Lexicon, load_lexicon

if TYPE_CHECKING:  # SQLAlchemy and the schema load on first database use (not for a search)
    from sqlalchemy.orm import Session, sessionmaker

    from indexes.backends.milvus import MilvusBackend

log = logging.getLogger(__name__)


def _tokens(texts: Sequence[str], ahead: Mapping[bytes, list[str]]) -> tuple[list[str], ...]:
    """BM25 tokens of ``texts``: those kept ahead (by text key), the rest tokenised now."""
    kept = [ahead.get(text_key(t)) for t in texts] if ahead else [None] * len(texts)
    todo = [i for i, toks in enumerate(kept) if toks is None]
    for i, toks in zip(todo, tokenize_many([texts[i] for i in todo]), strict=True):
        kept[i] = toks
    return tuple(toks or [] for toks in kept)


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
        self._compacting: threading.Thread | None = None
        self._milvus: MilvusBackend | None = None
        self._milvus_synced: HybridIndex | None = None  # the local index Milvus was last synced from

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
                from storage import open_db

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
            elif self._index_folder == folder:  # writes another process appended to its delta log
                self._index = compaction.refreshed(self._index, folder)
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
    def searcher(self) -> SearchBackend:
        """What searches go to: the local index, or (``KMS_INDEX_BACKEND=milvus``) the Milvus
        collection, first synced with the local index whenever that changed other than by this
        process's own writes (another process's ingest, compaction or writes)."""
        index = self.index
        if self.settings.index_backend != "milvus":
            return index
        with self._lock:
            milvus = self._milvus_backend()
            if self._milvus_synced is not index:
                from indexes.backends.milvus_sync import sync

                sync(milvus, index)
                self._milvus_synced = index
            return milvus

    def backend_problem(self) -> str | None:
        """For /readyz: None when searches go to the local index or to a Milvus collection that
        answers and holds as many chunks as the index it was last synced from; else what is wrong
        (one line). Nothing is synced here: the next search does that."""
        if self.settings.index_backend != "milvus":
            return None
        from core.errors import KmsError

        try:
            with self._lock:
                milvus, synced = self._milvus_backend(), self._milvus_synced
            rows = milvus.count()
        except KmsError as exc:
            return exc.message
        except Exception as exc:  # the client's own errors: one line, never a traceback
            uri = self.settings.milvus_uri or "DATA_DIR/milvus.db"
            return f"Milvus ({uri}) is not usable: {exc}".split("\n")[0]
        if synced is not None and rows != len(synced.chunks):
            return f"the Milvus collection has {rows} chunks but the index {len(synced.chunks)}"
        return None

    def _milvus_backend(self) -> MilvusBackend:
        if self._milvus is None:
            from indexes.backends.milvus import MilvusBackend
            from indexes.backends.milvus_config import MilvusConfig

            uri = self.settings.milvus_uri or str(self.settings.data_dir / "milvus.db")
            config = MilvusConfig.from_settings(self.settings, uri=uri)
            self._milvus = MilvusBackend.open(config, self.embedder)
        return self._milvus

    @property
    def index_folder(self) -> Path | None:
        return self._index_folder

    def adopt(self, index: HybridIndex, folder: Path) -> None:
        """Serve an index this process has just built and persisted (its chunks then read from the
        folder, as a load would, not held in memory: ``store.file_backed``)."""
        index = store.file_backed(index, folder)
        with self._lock:
            self._index, self._index_folder = index, folder
            self._current_seen, self.index_warning = folder, None

    def _chunk_vectors(
        self,
        index: HybridIndex,
        chunks: Sequence[Chunk],
        replace_docs: Collection[str],
        ahead: Mapping[bytes, np.ndarray],
    ) -> np.ndarray:
        """Vectors of ``chunks``: a replaced document's unchanged chunks keep the vectors they
        have (same text, same embedder), ``ahead`` gives those embedded before (by text key);
        only the rest is embedded now."""
        out = np.zeros((len(chunks), index.dense.dim), np.float32)
        stored = index.stored_vectors(chunks, replace_docs) if replace_docs else [None] * len(chunks)
        if ahead:
            stored = [
                ahead.get(text_key(c.text)) if v is None else v for c, v in zip(chunks, stored, strict=True)
            ]
        todo = [i for i, vector in enumerate(stored) if vector is None]
        for i, vector in enumerate(stored):
            if vector is not None:
                out[i] = vector
        if todo:
            out[todo] = self.embedder.embed_documents([chunks[i].text for i in todo])
        return out

    def index_documents(
        self,
        chunks: Sequence[Chunk],
        *,
        replace_docs: Collection[str] = (),
        ahead: Mapping[bytes, np.ndarray] | None = None,
        ahead_tokens: Mapping[bytes, list[str]] | None = None,
    ) -> Path:
        """Add/replace documents incrementally: embedded once, searchable at once, durable.

        ``replace_docs`` lists doc ids whose old chunks are dropped first (an article that
        got a new revision). One fsynced line is appended to the serving folder's delta log and
        the chunks join the index's delta segment (``indexes.compaction``): no BM25 rebuild, no
        folder rewrite, no re-embedding of others, nor of a replaced document's unchanged chunks
        (they keep their vectors). The chunks table follows. A compaction runs in a background
        thread once the delta is big enough. Chunks are PII-masked first. ``ahead``: vectors of
        these chunks embedded earlier (a draft's, ``assist.drafts.ahead``), by the masked text's key
        (``assist.sentence_store.text_key``); ``ahead_tokens``: their BM25 tokens, by the same key.
        """
        chunks = [mask_chunk(c, allow=self.settings.pii_allow) for c in chunks]
        with self._lock:
            index = before = self.index
            texts = [c.text for c in chunks]
            vectors = self._chunk_vectors(index, chunks, replace_docs, ahead or {})
            op = DeltaOp(tuple(replace_docs), (), tuple(chunks), vectors, _tokens(texts, ahead_tokens or {}))
            for attempt in range(3):
                serving = self._index_folder
                if serving is None or self.index_warning is not None:  # a fallback: write a new current
                    index = self.index.applied([op]).compacted()
                    folder = store.persist(index, self.settings.index_root, self._config())
                    self._index_folder = self._current_seen = folder
                    break
                try:
                    index = compaction.write_ops(self.index, serving, self.settings.index_root, [op])
                    folder = serving
                    break
                except deltalog.StaleFolderError:  # another process compacted or ingested: reload
                    if attempt == 2:
                        raise
                    self._index = None
            self._index, self.index_warning = index, None
            if self.settings.index_backend == "milvus":  # the shared collection follows at once
                milvus = self._milvus_backend()
                milvus.delete_docs(list(replace_docs))
                milvus.upsert(op.chunks, op.vectors, op.tokens)
                if self._milvus_synced is before:
                    self._milvus_synced = index
            # the chunks table follows under the same lock; should this fail (or the process
            # die here), ``reconcile`` brings it back in line with the index
            from storage import add_chunks, delete_chunks

            with self.sessions() as session, session.begin():
                if replace_docs:
                    delete_chunks(session, list(replace_docs))
                add_chunks(session, list(chunks), index_version=folder.name)
        log.info("indexed %d chunks incrementally into %s (delta)", len(chunks), folder.name)
        self._maybe_compact()
        return folder

    def _config(self) -> store.IndexConfig:
        return store.IndexConfig.from_settings(self.settings)

    def _maybe_compact(self) -> None:
        """Start a background compaction when the delta exceeds its settings (one at a time)."""
        settings = self.settings
        index = self._index
        if index is None or not compaction.due(
            index, max_chunks=settings.index_delta_max_chunks, max_share=settings.index_delta_max_share
        ):
            return
        with self._lock:
            if self._compacting is not None and self._compacting.is_alive():
                return
            self._compacting = threading.Thread(target=self._compact_quietly, name="kms-compact", daemon=True)
            self._compacting.start()

    def wait_for_compaction(self, timeout: float | None = None) -> bool:
        """Wait for a background compaction to finish (before copying or archiving the data dir,
        or at shutdown); False if it is still running after ``timeout`` seconds."""
        with self._lock:
            thread = self._compacting
        if thread is None:
            return True
        thread.join(timeout)
        return not thread.is_alive()

    def _compact_quietly(self) -> None:
        try:
            self.compact()
        except Exception as exc:  # serving goes on with the delta; the next write tries again
            log.warning("index compaction did not finish (%s: %s)", type(exc).__name__, exc)

    def compact(self) -> Path | None:
        """Fold the delta into a new main segment: built and written aside while this index keeps
        serving, then swapped in (writes made meanwhile are carried). Returns the new folder, or
        None when there was nothing to compact or another process swapped ``current`` first.
        An index re-tokenised at load (an older tokenizer's folder) is compacted too, so that its
        new tokens are written once instead of re-made at every start."""
        with self._lock:
            index, folder = self.index, self._index_folder
        if folder is None or not index.compactable:
            return None
        fresh, new = compaction.build_aside(index, self.settings.index_root, self._config())
        with self._lock:  # in-process writes wait for the short carry-and-swap
            done = compaction.finish(fresh, new, index, folder, self.settings.index_root)
            if done is None:
                return None
            self._index, self._index_folder = done[0], new.resolve()
            self._current_seen, self.index_warning = new.resolve(), None
        return new  # the chunks table needs no sync: the same chunk ids and texts

    def warm_up(self) -> None:
        """Load model, index and Kiwi now rather than on the first request; then embed the
        articles' answer sentences in a background thread (``KMS_WARM_SENTENCES``). Writes
        that crashed between the database and the index are reconciled first."""
        from assist.consistency import reconcile

        reconcile(self)
        self._maybe_compact()  # a delta other processes grew past the settings
        self.search("환불 문의", k=1)
        load_tokenizer = getattr(self.embedder, "load_tokenizer", None)
        if load_tokenizer is not None:  # ONNX: the whole tokenizer, not one cut to each query
            load_tokenizer()
        if self.settings.warm_sentences:
            threading.Thread(target=self._warm_sentences, name="kms-warm-sentences", daemon=True).start()

    def _warm_sentences(self) -> None:
        from assist.sentence_store import store_path
        from assist.sentence_warmup import warm

        t0 = time.perf_counter()
        index = self.index
        try:
            done = warm(index, store=store_path(self.settings.data_dir, index.embedder), lexicon=self.lexicon)
        except Exception as exc:  # a failed warm-up only costs speed: never take serving down
            log.warning("answer sentences were not pre-embedded (%s)", type(exc).__name__)
            return
        log.info(
            "answer sentences ready in %.1f s: %d, %d read from the stored vectors, %d embedded now, "
            "%d texts tokenised",
            time.perf_counter() - t0,
            done.sentences,
            done.stored,
            done.embedded,
            done.terms,
        )

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
        return self.searcher.search(query, self.params(k=k, doc_types=doc_types, **overrides), trace=trace)
