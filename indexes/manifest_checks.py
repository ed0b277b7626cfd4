"""What :func:`indexes.store.load` checks an index folder's manifest against.

- format and embedder (model, dimension, precision; fp32 and q4 vectors mix): another one fails the load
  (:class:`IndexMismatchError`), the vectors cannot be reused;
- chunker parameters (``max_chars``, ``overlap_sentences``), given the configured ones: other ones
  fail the load too (new chunks would be cut differently from the stored ones);
- tokenizer: another :data:`TOKENIZER_ID` re-tokenises the stored chunk texts (and the chunks of the
  folder's delta log) with this one, no re-embedding; the same id made with other versions of the
  libraries behind it (kiwipiepy, PyStemmer) is kept, with a one-line warning;
- BM25 ``k1`` / ``b``, given the configured ones: other ones rescore the stored postings (nothing is
  recounted), with a one-line warning; the next write records the values the leg was built with.
- fusion (:func:`fusion_entry`: ``KMS_FUSION``, and for ``auto`` / ``adaptive`` which model file,
  bundled or ``DATA_DIR``, with the fingerprint of the labelled data it was fitted on and the
  embedder it assumes): fusion is applied at query time, so another one never fails a load; a model
  fitted with another embedder than the index's is a one-line warning (its scores assume that
  model's cosines), any other change a one-line note. The next write records the current one.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.errors import IndexMismatchError
from core.types import Chunk
from indexes.embedder import Embedder
from indexes.lexical import LEXICAL_STORE, TOKENIZER_ID, LexicalIndex, tokenize_many, tokenizer_versions
from indexes.segments import DeltaOp

if TYPE_CHECKING:
    from indexes.store import IndexConfig

log = logging.getLogger("indexes.store")

FORMAT_VERSION = 1
REBUILD_HINT = "rebuild it with `kms reindex` (or `kms init --sample --rebuild` for the sample KB)"
# q4 computes the bundled model's fp32 weights from their 4-bit blocks, in float32 (indexes.onnx_q4)
SAME_VECTORS = {"q4": "fp32"}


def tokenizer_entry() -> dict[str, str]:
    """The manifest's ``tokenizer``: its id and the versions of the libraries that made the tokens."""
    return {"id": TOKENIZER_ID, **tokenizer_versions()}


def vector_family(precision: str) -> str:
    """Precisions whose vectors mix in one index get the same family."""
    return SAME_VECTORS.get(precision, precision)


def check_compatible(manifest: dict[str, Any], embedder: Embedder, folder: Path) -> None:
    if manifest.get("format") != FORMAT_VERSION:
        raise IndexMismatchError(
            f"index {folder} has format {manifest.get('format')}, this version reads {FORMAT_VERSION}; "
            f"{REBUILD_HINT}"
        )
    built = manifest.get("embedder", {})
    if built.get("id") != embedder.model_id or built.get("dim") != embedder.dim:
        raise IndexMismatchError(
            f"index {folder} was built with embedder {built.get('id')!r} (dim {built.get('dim')}), but "
            f"the configured embedder is {embedder.model_id!r} (dim {embedder.dim}); set KMS_EMBEDDER back "
            f"or {REBUILD_HINT}",
            details={"index_embedder": built, "configured": embedder.model_id},
        )
    # fp32 vectors agree across runtimes (torch and ONNX: cosine ≥ 0.99999), and q4 computes the
    # same weights in float32 (cosine ≥ 0.9999998), so only int8 must match; indexes written
    # before the precision was recorded were built at fp32.
    built_precision = built.get("precision", "fp32")
    if vector_family(built_precision) != vector_family(embedder.precision):
        raise IndexMismatchError(
            f"index {folder} was built with {built_precision} embeddings ({built.get('runtime', 'torch')}), "
            f"but the embedder computes {embedder.precision} ones ({embedder.runtime}); vectors of two "
            f"precisions do not mix: set KMS_EMBED_PRECISION={built_precision} or {REBUILD_HINT}",
            details={"index_embedder": built, "configured_precision": embedder.precision},
        )


def check_chunker(manifest: dict[str, Any], config: IndexConfig, folder: Path) -> None:
    """Chunks cut with other parameters than the configured ones would mix with new chunks."""
    built = manifest.get("chunker", {})
    want = {"max_chars": config.chunk_max_chars, "overlap_sentences": config.chunk_overlap_sentences}
    if {k: built.get(k) for k in want} != want:
        raise IndexMismatchError(
            f"index {folder} holds chunks cut with max_chars={built.get('max_chars')}, overlap_sentences="
            f"{built.get('overlap_sentences')}, but KMS_CHUNK_MAX_CHARS={config.chunk_max_chars}, "
            f"KMS_CHUNK_OVERLAP_SENTENCES={config.chunk_overlap_sentences}; set them back or {REBUILD_HINT}",
            details={"index_chunker": built, "configured": want},
        )


def tokenizer_changed(manifest: dict[str, Any], folder: Path) -> bool:
    """Whether the folder's BM25 tokens were made by another tokenizer (they are then re-made);
    the same tokenizer under other library versions only warns."""
    built = manifest.get("tokenizer") or {}
    if built.get("id") != TOKENIZER_ID:
        log.warning(
            "index %s used tokenizer %s: re-tokenising its chunks with %s (no re-embedding)",
            folder.name,
            built.get("id"),
            TOKENIZER_ID,
        )
        return True
    now = tokenizer_versions()
    other = {k: built[k] for k in now if built.get(k) not in (None, now[k])}
    if other:
        log.warning(
            "index %s: its BM25 tokens were made with %s, this process has %s; kept (same tokenizer "
            "%s), `kms reindex` re-tokenises them",
            folder.name,
            other,
            {k: now[k] for k in other},
            TOKENIZER_ID,
        )
    return False


def lexical_as_configured(
    folder: Path, chunks: Sequence[Chunk], manifest: dict[str, Any], config: IndexConfig | None
) -> tuple[LexicalIndex, bool]:
    """The stored BM25 leg, re-tokenised (other tokenizer) or rescored (other k1/b) when needed, and
    whether it was re-tokenised (the folder's delta log then needs it too: :func:`retokenised`)."""
    lexical = LexicalIndex.load(folder / "lexical", arrays=manifest.get("lexical_store") == LEXICAL_STORE)
    k1, b = (config.bm25_k1, config.bm25_b) if config is not None else (lexical.k1, lexical.b)
    if tokenizer_changed(manifest, folder):
        return LexicalIndex(tokenize_many([c.text for c in chunks]), k1=k1, b=b), True
    if (k1, b) != (lexical.k1, lexical.b):
        log.warning(
            "index %s: BM25 built with k1=%s b=%s, rescored with the configured k1=%s b=%s",
            folder.name,
            lexical.k1,
            lexical.b,
            k1,
            b,
        )
        return lexical.with_params(k1=k1, b=b), False  # k1 and b only enter at scoring: nothing recounted
    return lexical, False


def retokenised(ops: list[DeltaOp]) -> list[DeltaOp]:
    """Delta-log writes with their chunks' BM25 tokens made by this tokenizer."""
    return [replace(op, tokens=tuple(tokenize_many([c.text for c in op.chunks]))) for op in ops]


def fusion_entry(config: IndexConfig) -> dict[str, Any]:
    """The fusion searches of this index use: ``mode``; for a fitted one (``auto``: the query-weight
    model, ``adaptive``: the ranker) its ``model`` file ("bundled" or "data_dir"), the
    ``fingerprint`` of its fit data and the ``embedder`` it was fitted with; for ``weighted`` and
    ``rrf`` their weights (and k)."""
    entry: dict[str, Any] = {"mode": config.fusion}
    if config.fusion in ("auto", "adaptive"):
        from indexes import fusion_weight, ranker

        module: Any = fusion_weight if config.fusion == "auto" else ranker
        own = config.data_dir / module.MODEL_FILE if config.data_dir is not None else None
        mine = own is not None and own.is_file()
        try:
            model = (
                fusion_weight.weight_model_for(config.data_dir)
                if config.fusion == "auto"
                else (ranker.ranker_for(config.data_dir))
            )
        except (OSError, ValueError, KeyError, TypeError) as exc:  # searches report it; the build goes on
            return {**entry, "model": "data_dir" if mine else "bundled", "error": str(exc)[:200]}
        fit = model.fit or {}
        entry.update(
            model="data_dir" if mine else "bundled",
            fingerprint=str(fit.get("fingerprint") or ""),
            embedder=str(fit.get("embedder") or ""),
        )
    else:
        entry.update(w_dense=config.weight_dense, w_lexical=config.weight_lexical)
        if config.fusion == "rrf":
            entry["rrf_k"] = config.rrf_k
    return entry


def check_fusion(manifest: dict[str, Any], config: IndexConfig, folder: Path) -> None:
    """Note a fusion other than the one recorded at the last write (never fails: see the module doc)."""
    built = manifest.get("fusion")
    if not isinstance(built, dict):
        return  # written before fusion was recorded
    now = fusion_entry(config)
    if built == now:
        return
    index_model = str((manifest.get("embedder") or {}).get("id") or "")
    if now.get("embedder") and index_model and now["embedder"] != index_model:
        log.warning(
            "fusion %s of index %s was fitted with %s, but the index holds %s vectors; refit it with "
            "`kms eval fusion --save-weights` or set KMS_FUSION=weighted",
            now.get("mode"),
            folder,
            now["embedder"],
            index_model,
        )
        return
    log.info("index %s was written with fusion %s; searches now use %s", folder, built, now)
