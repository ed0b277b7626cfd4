"""Whether the serving index already holds what a build would write (an unchanged re-ingest).

An ingest whose files changed nothing used to load the model, chunk every record again, rebuild
the index from the stored vectors and tokens, and write and swap in a new folder with the same
content. :func:`unchanged_index` says when all of that can be skipped: the serving folder (its
delta log included) holds exactly the chunks the database's knowledge gives (ids and content
hashes, masked, compared document by document with :func:`ingest.reconcile.plan`), the chunks
table mirrors it, it was built by the configured model (same id, same vector family) and its
manifest records the tokenizer, chunker, BM25, dense-index and fusion parameters a build would
record now. The folder is read through :class:`indexes.compaction.ManifestEmbedder`, so no
model is loaded; with the reconcile memo (``DATA_DIR/cache/reconcile-memo.json``, written here
and by the server's start-up reconcile) documents seen to agree before are not even chunked.

Anything unsure answers None and the build runs as before: no index yet, an unreadable or
mismatching folder, a model whose id or precision cannot be told without loading it (a path or a
hub name, whose ONNX export may be missing), any other parameter, any document that differs.
The ingest asks only when its own run stored no new or changed record (``kms reindex`` never
asks: it always rebuilds).
"""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from core.errors import IndexCorruptError, IndexMismatchError, IndexNotFoundError
from core.settings import DEFAULT_EMBEDDER, Settings
from indexes import store
from indexes.compaction import ManifestEmbedder
from indexes.manifest_checks import vector_family
from ingest.reconcile import chunk_rows_differ, memo_key, memo_path, plan, read_memo, save_memo

__all__ = ["expected_model", "unchanged_index"]

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


def unchanged_index(
    factory: sessionmaker[Session], settings: Settings, config: store.IndexConfig
) -> tuple[Path, int] | None:
    """(serving folder, its chunk count) when it already holds the database's knowledge as a
    build would write it now; None when a build must run (see the module docstring)."""
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
        now = store.manifest_for(index, config, str(manifest.get("name", current.name)))
        if any(now.get(key) != manifest.get(key) for key in _SAME):
            return None
        key = memo_key(settings)
        with factory() as session:
            todo = plan(session, settings, index, memo=read_memo(memo_path(settings), key))
            if not todo.empty or chunk_rows_differ(session, index):
                return None
    except _UNSURE:
        return None
    save_memo(settings, key, todo.agreed)
    chunks = len(index.chunks)
    log.info("index %s already holds the %d chunks a build would write (%d documents chunked to compare)",
             current, chunks, todo.chunked)  # fmt: skip
    return current, chunks
