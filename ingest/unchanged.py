"""Whether the serving index already holds what a build would write (an unchanged re-ingest).

An ingest whose files changed nothing used to load the model, rebuild the index from the stored
vectors and tokens, and write and swap in a new folder with the same content. :func:`serving_match`
says when all of that can be skipped: the serving folder (its delta log included) holds exactly
the chunks a build would hold (ids and content hashes), it was built by the configured model (same
id, same vector family), and its manifest records the tokenizer, chunker, BM25, dense-index and
fusion parameters a build would record now. The folder is read through
:class:`indexes.compaction.ManifestEmbedder`, so no model is loaded.

Anything unsure answers None and the build runs as before: no index yet, an unreadable or
mismatching folder, a model whose id or precision cannot be told without loading it (a path or a
hub name, whose ONNX export may be missing), or any other parameter. ``kms reindex`` never asks:
it always rebuilds.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from core.errors import IndexCorruptError, IndexMismatchError, IndexNotFoundError
from core.settings import DEFAULT_EMBEDDER, Settings
from core.types import Chunk
from indexes import store
from indexes.compaction import ManifestEmbedder
from indexes.manifest_checks import vector_family

__all__ = ["expected_model", "serving_match"]

log = logging.getLogger(__name__)

# a folder that cannot be read, or was built otherwise: the build decides, as before
_UNSURE = (
    IndexNotFoundError,
    IndexMismatchError,
    IndexCorruptError,
    OSError,
    ValueError,
    KeyError,
    TypeError,
)
# what a build records that must be what the serving folder recorded (else the build runs)
_SAME = ("format", "tokenizer", "chunker", "bm25", "lexical_store", "dense", "fusion")


def expected_model(settings: Settings) -> tuple[str, str] | None:
    """(model id, vector family) the configured embedder would have, when that is certain
    without loading it: the hash embedder, or the bundled model (int8 only on ONNX Runtime;
    q4, fp32 and torch give the same fp32 vectors)."""
    name = settings.embedder
    if name == "hash" or name.startswith("hash-"):
        dim = name.split("-", 1)[1] if "-" in name else "256"
        return (f"hash-{dim}", "fp32") if dim.isdigit() else None
    if name == DEFAULT_EMBEDDER:
        onnx_int8 = settings.embed_runtime == "onnx" and settings.embed_precision == "int8"
        return DEFAULT_EMBEDDER, "int8" if onnx_int8 else "fp32"
    return None


def serving_match(settings: Settings, chunks: Sequence[Chunk], config: store.IndexConfig) -> Path | None:
    """The serving folder when it already holds exactly ``chunks`` as a build would write them
    now; None when a build must run (see the module docstring)."""
    model = expected_model(settings)
    current = store.current_folder_or_none(settings.index_root)
    if model is None or current is None:
        return None
    try:
        manifest = store.read_manifest(current)
        built = manifest["embedder"]
        if (built.get("id"), vector_family(str(built.get("precision", "fp32")))) != model:
            return None
        index = store.load(current, ManifestEmbedder(built), config)
        held = {(key.chunk_id, key.hash) for key in index.chunk_keys()}
        now = store.manifest_for(index, config, str(manifest.get("name", current.name)))
    except _UNSURE:
        return None
    wanted = {(c.chunk_id, c.hash) for c in chunks}
    if len(wanted) != len(chunks) or wanted != held:
        return None
    if any(now.get(key) != manifest.get(key) for key in _SAME):
        return None
    log.info("index %s already holds the %d chunks a build would write", current, len(chunks))
    return current
