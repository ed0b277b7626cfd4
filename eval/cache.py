"""An on-disk cache of embeddings, so re-running an evaluation on the same texts is fast.

Vectors are keyed by the sha256 of (kind, prefix, text) and stored in append-only shards
``CACHE/<model>/shard-*.npz`` (``keys`` + ``vectors``), one per run that embedded something new.
The cache is per model id and precision (``KMS_EMBED_PRECISION``; inquiry vectors also by the
inquiry graph's, ``KMS_EMBED_QUERY_PRECISION``), so switching ``--embedder`` or precision never
mixes vectors; fp32 vectors are shared by the torch and ONNX runtimes, which
agree to within float rounding.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import secrets
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from indexes.embedder import Embedder, exact_query_vectors, query_precision

__all__ = ["CachedEmbedder"]

log = logging.getLogger(__name__)


class CachedEmbedder:
    """Wraps an :class:`indexes.embedder.Embedder`; call :meth:`flush` to persist new vectors."""

    def __init__(self, inner: Embedder, root: Path) -> None:
        self.inner = inner
        self.model_id = inner.model_id
        self.dim = inner.dim
        self.runtime = inner.runtime
        self.precision = inner.precision
        self.query_precision = query_precision(inner)
        variant = inner.model_id if inner.precision == "fp32" else f"{inner.model_id}-{inner.precision}"
        self.folder = root / re.sub(r"[^A-Za-z0-9._-]+", "_", variant)
        self._vectors: dict[str, np.ndarray] = {}
        self._new: dict[str, np.ndarray] = {}
        self.hits = 0
        self.misses = 0
        for shard in sorted(self.folder.glob("shard-*.npz")):
            try:
                with np.load(shard) as data:
                    if data["vectors"].shape[1:] == (self.dim,):
                        self._vectors.update(zip(data["keys"].tolist(), data["vectors"], strict=True))
            except (OSError, ValueError, KeyError) as exc:
                log.warning("ignoring unreadable embedding cache shard %s: %s", shard, exc)

    def _key(self, kind: str, text: str) -> str:
        prefix = getattr(self.inner, "query_prefix" if kind != "d" else "passage_prefix", "")
        if kind == "q" and self.query_precision != self.precision:
            kind = f"q-{self.query_precision}"  # inquiries through their own graph (int8-mixed)
        elif kind == "qx":
            kind = "q"  # inquiries through the passages' graph: what "q" always was
        return hashlib.sha256(f"{kind}\0{prefix}\0{text}".encode()).hexdigest()[:40]

    def _embed(self, texts: Sequence[str], kind: str) -> np.ndarray:
        keys = [self._key(kind, t) for t in texts]
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        todo = [i for i, k in enumerate(keys) if k not in self._vectors]
        self.hits += len(texts) - len(todo)
        self.misses += len(todo)
        if todo:
            fn = {
                "q": self.inner.embed_queries,
                "qx": lambda part: exact_query_vectors(self.inner, part),
                "d": self.inner.embed_documents,
            }[kind]
            fresh = fn([texts[i] for i in todo])
            for i, vec in zip(todo, fresh, strict=True):
                self._vectors[keys[i]] = self._new[keys[i]] = vec
        for i, k in enumerate(keys):
            out[i] = self._vectors[k]
        return out

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(texts, "q")

    def embed_queries_exact(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(texts, "qx")

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(texts, "d")

    def flush(self) -> None:
        """Write the vectors embedded since the last flush as a new shard (atomically)."""
        if not self._new:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        name = f"shard-{secrets.token_hex(6)}.npz"
        tmp = self.folder / f".{name}.partial"
        with tmp.open("wb") as fh:
            np.savez(fh, keys=np.array(list(self._new)), vectors=np.stack(list(self._new.values())))
        os.replace(tmp, self.folder / name)
        self._new = {}
