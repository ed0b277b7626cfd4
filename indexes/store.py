"""Self-describing index folders on disk, built beside the serving one and swapped atomically.

Layout under ``DATA_DIR/indexes``::

    current -> idx-20261123T140501-3f2a      (symlink, replaced atomically)
    idx-20261123T140501-3f2a/
        manifest.json   embedder id + dim + runtime + precision, tokenizer, chunker, BM25 and FAISS
                        parameters, counts
        chunks.jsonl    one chunk per line (ids, text, section, meta, content hash); a load keeps
                        ids, types, hashes and line offsets and reads a chunk's text, body and meta
                        from its line when used (``indexes.chunk_store``)
        dense.faiss     FAISS IndexIDMap2 (ids = stable chunk vector ids)
        lexical/        BM25 parameters; postings (term -> rows, tf), vocabulary and each chunk's
                        term ids as .npy arrays, memory-mapped on load (``lexical_store`` in the
                        manifest; folders without it are counted from tokens.jsonl); Kiwi tokens
                        per chunk as JSON lines (what versions before the arrays read)
        delta.log       incremental writes since the folder was built (``indexes.deltalog``),
                        applied on load; folded in by a compaction (``indexes.compaction``)

A build that fails leaves ``current`` untouched; old folders beyond ``keep`` are pruned.

The manifest records what the index was actually built with: the chunker parameters of its chunks
and the BM25 parameters of its lexical leg (not whatever the settings say at write time).
:func:`load` given the configured :class:`IndexConfig` checks them: chunks cut with other chunker
parameters fail the load (new chunks would be cut differently from the old ones); BM25 parameters
and a changed tokenizer need no re-embedding, so the BM25 leg is rebuilt from the stored chunk
texts with the configured values instead, and the next write records them
(:mod:`indexes.manifest_checks`).
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from core.errors import IndexCorruptError, IndexMismatchError, IndexNotFoundError
from core.masking import mask_chunk
from core.types import Chunk, vector_id
from indexes import deltalog
from indexes.chunk_store import ChunkFile, chunk_to_json
from indexes.dense import DenseIndex
from indexes.embedder import Embedder
from indexes.hybrid import HybridIndex
from indexes.lexical import LEXICAL_STORE, LexicalIndex, tokenize_many
from indexes.manifest_checks import (
    FORMAT_VERSION,
    REBUILD_HINT,
    check_chunker,
    check_compatible,
    check_fusion,
    fusion_entry,
    lexical_as_configured,
    retokenised,
    tokenizer_entry,
)

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"
CURRENT = "current"


@dataclass(frozen=True)
class IndexConfig:
    """The parameters a build records in its manifest."""

    dense_index: str = "flat"
    dense_vectors: str = "float16"
    hnsw_m: int = 32
    hnsw_ef_search: int = 128
    bm25_k1: float = 1.2
    bm25_b: float = 0.75
    chunk_max_chars: int = 700
    chunk_overlap_sentences: int = 1
    # how searches fuse the legs (recorded in the manifest; query-time, so never a mismatch)
    fusion: str = "auto"
    weight_dense: float = 0.7
    weight_lexical: float = 0.3
    rrf_k: int = 60
    data_dir: Path | None = None  # where a fitted fusion model of your own would be

    @classmethod
    def from_settings(cls, settings: Any) -> IndexConfig:
        return cls(**{f: getattr(settings, f) for f in cls.__dataclass_fields__})


@dataclass
class BuildStats:
    chunks: int = 0
    embedded: int = 0
    reused: int = 0
    tokenized: int = 0


def build(
    chunks: Sequence[Chunk],
    embedder: Embedder,
    config: IndexConfig,
    *,
    previous: HybridIndex | None = None,
    batch_size: int = 32,
    progress: Callable[[int], None] | None = None,
    pii_allow: Sequence[str] = (),
) -> tuple[HybridIndex, BuildStats]:
    """Build an in-memory index; vectors/tokens of unchanged chunks come from ``previous``.
    Every chunk is PII-masked first (``masking.mask_chunk``; ``pii_allow`` as in Settings)."""
    chunks = [mask_chunk(c, allow=pii_allow) for c in chunks]
    ids = [c.chunk_id for c in chunks]
    if len(set(ids)) != len(ids):
        dup = next(i for i in ids if ids.count(i) > 1)
        raise ValueError(f"duplicate chunk id {dup!r}")
    stats = BuildStats(chunks=len(chunks))
    vectors = np.zeros((len(chunks), embedder.dim), dtype=np.float32)
    tokens: list[list[str] | None] = [None] * len(chunks)
    todo: list[int] = []
    reusable = previous is not None and previous.dense.dim == embedder.dim
    for i, chunk in enumerate(chunks):
        pos = previous.pos_by_id.get(chunk.chunk_id) if previous is not None else None
        if pos is not None and previous is not None and previous.key_at(pos).hash == chunk.hash:
            tokens[i] = previous.lexical.tokens[pos]
            if reusable:
                vectors[i] = previous.dense.vectors_for([chunk.vid])[0]
                stats.reused += 1
                continue
        todo.append(i)
    for start in range(0, len(todo), batch_size):
        batch = todo[start : start + batch_size]
        vectors[batch] = embedder.embed_documents([chunks[i].text for i in batch])
        stats.embedded += len(batch)
        if progress:
            progress(len(batch))
    need_tokens = [i for i, t in enumerate(tokens) if t is None]
    for i, toks in zip(need_tokens, tokenize_many([chunks[i].text for i in need_tokens]), strict=True):
        tokens[i] = toks
    stats.tokenized = len(need_tokens)
    dense = DenseIndex.build(
        vectors,
        np.array([c.vid for c in chunks], dtype=np.int64),
        embedder.dim,
        config.dense_index,
        hnsw_m=config.hnsw_m,
        ef_search=config.hnsw_ef_search,
        vectors_type=config.dense_vectors,
    )
    lexical = LexicalIndex([t or [] for t in tokens], k1=config.bm25_k1, b=config.bm25_b)
    return HybridIndex(list(chunks), dense, lexical, embedder), stats


def manifest_for(index: HybridIndex, config: IndexConfig, name: str) -> dict[str, Any]:
    by_type: dict[str, int] = {}
    docs: dict[str, set[str]] = {}
    for key in index.chunk_keys():
        by_type[key.doc_type] = by_type.get(key.doc_type, 0) + 1
        docs.setdefault(key.doc_type, set()).add(key.doc_id)
    return {
        "format": FORMAT_VERSION,
        "name": name,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "embedder": {
            "id": index.embedder.model_id,
            "dim": index.embedder.dim,
            "runtime": index.embedder.runtime,
            "precision": index.embedder.precision,
        },
        "tokenizer": tokenizer_entry(),  # id, and the kiwipiepy and PyStemmer versions behind it
        "chunker": {"max_chars": config.chunk_max_chars, "overlap_sentences": config.chunk_overlap_sentences},
        "bm25": {"k1": index.lexical.k1, "b": index.lexical.b},  # what the BM25 leg was built with
        # how lexical/ stores it: BM25 postings, vocabulary and term ids as memory-mapped arrays
        # (a folder without this entry has tokens.jsonl only, counted into postings on load)
        "lexical_store": dict(LEXICAL_STORE),
        "dense": {
            "type": index.dense.kind,
            "vectors": index.dense.vectors,  # what the FAISS file stores (float16 or float32)
            "hnsw_m": config.hnsw_m,
            "ef_search": config.hnsw_ef_search,
        },
        # the fusion searches use, and a fitted one's model file and fit-data fingerprint
        "fusion": fusion_entry(config),
        "counts": {
            "chunks": len(index.chunks),
            "chunks_by_type": by_type,
            "docs_by_type": {t: len(v) for t, v in docs.items()},
        },
    }


def fsync_dir(folder: Path) -> None:
    """Flush a folder's entries (new, renamed or replaced names) to disk."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_tree(folder: Path) -> None:
    """fsync every file under ``folder``, then every folder, deepest first."""
    for dirpath, _dirs, files in os.walk(folder, topdown=False):
        for name in files:
            fd = os.open(os.path.join(dirpath, name), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        fsync_dir(Path(dirpath))


def write(index: HybridIndex, root: Path, config: IndexConfig) -> Path:
    """Write a new index folder under ``root`` (not yet serving), fsynced with its folder
    before it is renamed into place; returns it. A pending delta is compacted into it."""
    index = index.compacted()
    root.mkdir(parents=True, exist_ok=True)
    name = f"idx-{datetime.now(UTC).strftime('%Y%m%dT%H%M%S')}-{secrets.token_hex(3)}"
    tmp = root / f".{name}.partial"
    try:
        tmp.mkdir()
        with (tmp / "chunks.jsonl").open("w", encoding="utf-8") as fh:
            for c in index.chunks:
                fh.write(chunk_to_json(c) + "\n")
        index.segments.main.dense.save(tmp / "dense.faiss")
        index.segments.main.lexical.save(tmp / "lexical")
        manifest = manifest_for(index, config, name)
        (tmp / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        fsync_tree(tmp)  # every file and folder on disk before it can be swapped in
        final = root / name
        os.replace(tmp, final)
        fsync_dir(root)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return final


def file_backed(index: HybridIndex, folder: Path) -> HybridIndex:
    """``index`` (clean, just written to ``folder``) served as a load of ``folder`` would: chunks
    read on demand from its chunks.jsonl and BM25 arrays memory-mapped from it, instead of the
    lists and arrays the build holds in memory. The same chunks, vectors and postings."""
    main = index.segments.main
    if not index.segments.clean or isinstance(main.chunks, ChunkFile):
        return index
    chunks = ChunkFile(folder / "chunks.jsonl")
    lexical = LexicalIndex.load(folder / "lexical", arrays=True)
    if len(chunks) != len(main.chunks) or lexical.size != main.lexical.size:
        raise IndexCorruptError(f"index {folder} does not hold the index just written to it; {REBUILD_HINT}")
    if (lexical.k1, lexical.b) != (main.lexical.k1, main.lexical.b):
        lexical = lexical.with_params(k1=main.lexical.k1, b=main.lexical.b)
    out = HybridIndex(chunks, main.dense, lexical, index.embedder, vids=main.vids)
    out.delta_offset, out.retokenised = index.delta_offset, index.retokenised
    return out


def swap(root: Path, folder: Path, *, keep: int = 2) -> None:
    """Point ``root/current`` at ``folder`` atomically, then prune old folders."""
    link = root / CURRENT
    tmp = root / f".current-{secrets.token_hex(4)}"
    os.symlink(folder.name, tmp)
    os.replace(tmp, link)
    fsync_dir(root)  # the new `current` survives a power loss once swap returns
    versions = sorted(p for p in root.glob("idx-*") if p.is_dir() and p.name != folder.name)
    for old in versions[: max(0, len(versions) - (keep - 1))]:
        shutil.rmtree(old, ignore_errors=True)
    for stale in root.glob(".idx-*.partial"):
        shutil.rmtree(stale, ignore_errors=True)


def current_folder(root: Path) -> Path:
    link = root / CURRENT
    if not link.exists():
        raise IndexNotFoundError(
            f"no index in {root}: build one with `kms init --sample` (sample KB) or `kms ingest PATH`"
        )
    return link.resolve()


def current_folder_or_none(root: Path) -> Path | None:
    link = root / CURRENT
    return link.resolve() if link.exists() else None


def read_manifest(folder: Path) -> dict[str, Any]:
    try:
        manifest: dict[str, Any] = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        return manifest
    except (OSError, ValueError) as exc:
        raise IndexCorruptError(f"index {folder} has no readable {MANIFEST}: {exc}; {REBUILD_HINT}") from exc


def load(folder: Path, embedder: Embedder, config: IndexConfig | None = None) -> HybridIndex:
    """Load an index folder, failing clearly if it was built by another model (or, given the
    configured ``config``, with other chunker parameters; see the module docstring)."""
    manifest = read_manifest(folder)
    check_compatible(manifest, embedder, folder)
    if config is not None:
        check_chunker(manifest, config, folder)
        check_fusion(manifest, config, folder)
    try:
        chunks = ChunkFile(folder / "chunks.jsonl")  # ids and hashes kept; texts read on demand
        lexical, retokenise = lexical_as_configured(folder, chunks, manifest, config)
    except (OSError, ValueError, TypeError, KeyError) as exc:
        raise IndexCorruptError(f"index {folder} is incomplete or unreadable: {exc}; {REBUILD_HINT}") from exc
    spec = manifest.get("dense")
    if not isinstance(spec, dict) or spec.get("type") not in ("flat", "hnsw"):
        raise IndexCorruptError(f"index {folder} has no valid 'dense' entry in {MANIFEST}; {REBUILD_HINT}")
    dense = DenseIndex.load(
        folder / "dense.faiss",
        spec["type"],
        ef_search=int(spec.get("ef_search", 128)),
        hnsw_m=int(spec.get("hnsw_m", 32)),
    )
    if dense.size != len(chunks) or lexical.size != len(chunks):
        raise IndexCorruptError(
            f"index {folder} is inconsistent ({len(chunks)} chunks, {dense.size} vectors, "
            f"{lexical.size} BM25 rows); {REBUILD_HINT}"
        )
    vids = np.fromiter((vector_id(i) for i in chunks.chunk_ids), dtype=np.int64, count=len(chunks))
    stored = dense.id_array()
    if not np.array_equal(stored, vids) and not np.array_equal(np.sort(stored), np.sort(vids)):
        raise IndexCorruptError(f"index {folder}: the FAISS id map does not match its chunks; {REBUILD_HINT}")
    index = HybridIndex(chunks, dense, lexical, embedder, vids=vids)
    ops, end = deltalog.read(folder)  # the incremental writes since the folder was built
    if retokenise:  # their tokens are the old tokenizer's too
        ops = retokenised(ops)
    try:
        loaded = index.applied(ops, delta_offset=end)
    except (ValueError, IndexError) as exc:
        raise IndexCorruptError(
            f"index {folder}: its {deltalog.LOG} does not apply: {exc}; {REBUILD_HINT}"
        ) from exc
    loaded.retokenised = retokenise
    return loaded


def previous_folders(root: Path, *, exclude: Path | None = None) -> list[Path]:
    """Retained index folders other than ``exclude``, newest first (fallbacks for a broken one)."""
    skip = exclude.resolve() if exclude is not None else None
    folders = [p for p in root.glob("idx-*") if p.is_dir() and p.resolve() != skip]
    return sorted(folders, key=lambda p: (p.stat().st_mtime_ns, p.name), reverse=True)


def load_fallback(root: Path, embedder: Embedder, *, exclude: Path) -> tuple[HybridIndex, Path] | None:
    """The newest retained index other than ``exclude`` that loads cleanly, or None."""
    for folder in previous_folders(root, exclude=exclude):
        try:
            return load(folder, embedder), folder
        except (IndexCorruptError, IndexMismatchError) as exc:
            log.warning("retained index %s does not load either: %s", folder.name, exc.message)
    return None


def load_current(root: Path, embedder: Embedder) -> HybridIndex:
    return load(current_folder(root), embedder)


def persist(index: HybridIndex, root: Path, config: IndexConfig) -> Path:
    """Write ``index`` as a new version and make it current (build-beside-then-swap)."""
    folder = write(index, root, config)
    swap(root, folder)
    return folder
