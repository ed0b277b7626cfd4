"""Answer-sentence vectors kept on disk, so a restart (or another API worker) does not embed them again.

The serving warm-up (:func:`assist.sentence_warmup.warm`) embeds every answer sentence of the
articles: at 10k chunks (957 articles) that is ~20k sentences and ~18 min of CPU on two cores, paid
again by every start of every worker. The vectors it has are written here, in
``DATA_DIR/cache/sentence-vectors-<model>.npz``, and read back into the in-memory cache
(:mod:`assist.sentence_vectors`) at the next start, so only new or changed sentences are embedded.

- float16, the precision the in-memory cache holds them in; a float32 file written before is
  read and then written again as float16 (read whole, it is twice the size: at 100k chunks
  132 MB beside the 66 MB it becomes).
- Keyed by the SHA-256 of the sentence (no text on disk), per model: the file name holds a digest of
  the model id, runtime, precision, dimension and, for a model file, its size and modification time
  (a re-converted model gets a new file).
- Written to a temporary file and renamed over the old one: a reader never sees half a file, and a
  crash leaves the previous one. Several workers writing it keep the last writer's set: it is a cache.
- A file that cannot be read is ignored with one warning; the sentences are embedded again.
"""

from __future__ import annotations

import hashlib
import logging
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from core.files import replace_file
from indexes.embedder import Embedder

__all__ = ["load_vectors", "model_key", "store_path", "stored_dtype", "text_key", "write_vectors"]

log = logging.getLogger(__name__)


def model_key(embedder: Embedder) -> str:
    """What vectors depend on: the model and how it runs (and its file, when it has one)."""
    parts = [embedder.model_id, embedder.runtime, embedder.precision, str(embedder.dim)]
    model_file = getattr(embedder, "model_file", None)
    if model_file is not None:
        try:
            stat = Path(model_file).stat()
            parts += [str(stat.st_size), str(stat.st_mtime_ns)]
        except OSError:
            pass
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]


def store_path(data_dir: Path, embedder: Embedder) -> Path:
    return data_dir / "cache" / f"sentence-vectors-{model_key(embedder)}.npz"


def text_key(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8")).digest()[:16]


def load_vectors(path: Path, dim: int, dtype: Any = np.float32) -> dict[bytes, np.ndarray]:
    """The stored vectors by :func:`text_key` (empty when there is no usable file), as ``dtype``
    (rows of one matrix)."""
    if not path.exists():
        return {}
    try:
        with np.load(path, allow_pickle=False) as data:
            keys, vectors = data["keys"], data["vectors"]
        if keys.ndim != 2 or keys.shape[1] != 16 or vectors.shape != (len(keys), dim):
            raise ValueError(f"keys {keys.shape} and vectors {vectors.shape} do not fit dimension {dim}")
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as exc:
        log.warning("stored answer-sentence vectors %s ignored (%s); they will be embedded again", path, exc)
        return {}
    vectors = np.asarray(vectors, dtype=dtype)
    return {bytes(k): vectors[i] for i, k in enumerate(keys)}


def stored_dtype(path: Path) -> np.dtype[Any] | None:
    """The number type the file holds its vectors in, read from the array's header alone (None
    when there is no readable file)."""
    try:
        with zipfile.ZipFile(path) as archive, archive.open("vectors.npy") as fh:
            version = np.lib.format.read_magic(fh)
            read = (
                np.lib.format.read_array_header_1_0
                if version == (1, 0)
                else np.lib.format.read_array_header_2_0
            )
            return np.dtype(read(fh)[2])
    except (OSError, ValueError, KeyError, zipfile.BadZipFile):
        return None


def write_vectors(path: Path, vectors: Mapping[bytes, np.ndarray], dim: int, dtype: Any = np.float32) -> int:
    """Replace the file with ``vectors`` stored as ``dtype`` (atomically); returns how many were
    written."""
    keys = np.frombuffer(b"".join(vectors), dtype=np.uint8).reshape(-1, 16)
    matrix = np.zeros((0, dim), dtype)
    if vectors:
        matrix = np.vstack(list(vectors.values())).astype(dtype, copy=False)
    replace_file(path, lambda fh: np.savez(fh, keys=keys, vectors=matrix))
    return len(keys)
