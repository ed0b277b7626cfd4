"""Throwaway indexes and knowledge bases over an evaluation corpus.

Each document is cut with :func:`ingest.split.split_text` (the configured ``chunk_max_chars`` and
overlap) into ``Chunk(doc_type="doc", doc_id=f"doc:{id}", section="body", text=title+"\\n"+piece,
body=piece)`` and indexed with :func:`indexes.store.build` and the configured embedder: the same
code the product serves with. :func:`temporary_kb` persists such an index into a temporary data
directory and opens a :class:`assist.knowledge.KnowledgeBase` on it, for the answer pipeline.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path

from assist.knowledge import KnowledgeBase
from eval.cache import CachedEmbedder
from eval.datasets import Doc
from eval.progress import Progress, report
from indexes import store
from indexes.embedder import Embedder, load_embedder
from indexes.hybrid import HybridIndex
from indexes.settings import Settings
from indexes.types import Chunk
from ingest.split import split_text

__all__ = ["build_index", "cache_note", "corpus_chunks", "open_embedder", "strip_doc_prefix", "temporary_kb"]

PREFIXES = ("doc:", "article:", "ticket:")


def strip_doc_prefix(doc_id: str) -> str:
    """``doc:X`` / ``article:X`` / ``ticket:X`` → ``X`` (gold ids are written without prefix)."""
    for prefix in PREFIXES:
        if doc_id.startswith(prefix):
            return doc_id[len(prefix) :]
    return doc_id


def corpus_chunks(corpus: Mapping[str, Doc], *, max_chars: int, overlap: int) -> list[Chunk]:
    chunks: list[Chunk] = []
    for doc in corpus.values():
        pieces = split_text(doc.text, max_chars, overlap) or [doc.title]
        for n, piece in enumerate(pieces):
            text = f"{doc.title}\n{piece}" if doc.title and doc.title != piece else piece
            chunks.append(
                Chunk(
                    chunk_id=f"doc:{doc.doc_id}#body-{n}",
                    doc_id=f"doc:{doc.doc_id}",
                    doc_type="doc",
                    title=doc.title or doc.doc_id,
                    section="body",
                    text=text,
                    body=piece,
                )
            )
    return chunks


def open_embedder(settings: Settings, cache_dir: Path | None = None) -> Embedder:
    """The configured embedder, wrapped in an on-disk vector cache when ``cache_dir`` is given."""
    embedder = load_embedder(settings)
    return CachedEmbedder(embedder, cache_dir) if cache_dir is not None else embedder


def cache_note(embedder: Embedder) -> str | None:
    """Flush a cached embedder; a note for the report when some vectors came from the cache."""
    if not isinstance(embedder, CachedEmbedder):
        return None
    embedder.flush()
    if not embedder.hits:
        return None
    return (
        f"{embedder.hits:,} vectors came from the embedding cache: timings that include "
        "embedding understate its cost (use --no-cache to measure it)"
    )


def build_index(
    chunks: list[Chunk], embedder: Embedder, settings: Settings, *, progress: Progress | None = None
) -> HybridIndex:
    report(progress, "embed", 0, len(chunks))
    index, _ = store.build(
        chunks,
        embedder,
        store.IndexConfig.from_settings(settings),
        batch_size=settings.embed_batch_size,
        progress=(lambda n: report(progress, "embed", n)) if progress else None,
    )
    if isinstance(embedder, CachedEmbedder):
        embedder.flush()
    return index


@contextlib.contextmanager
def temporary_kb(index: HybridIndex, settings: Settings) -> Iterator[KnowledgeBase]:
    """A KnowledgeBase serving ``index`` from a temporary data dir (the model folder is shared)."""
    with tempfile.TemporaryDirectory(prefix="kms-eval-") as tmp:
        data = Path(tmp) / "kms"
        data.mkdir()
        models = settings.models_dir.resolve()
        models.mkdir(parents=True, exist_ok=True)
        os.symlink(models, data / "models", target_is_directory=True)
        local = settings.model_copy(update={"data_dir": data, "database_url": None})
        folder = store.persist(index, local.index_root, store.IndexConfig.from_settings(local))
        kb = KnowledgeBase(local)
        kb.adopt(index, folder)
        yield kb
