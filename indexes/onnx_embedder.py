"""An embedder on ONNX Runtime: the sentence-transformers recipe without torch.

Tokenization comes from the folder's ``tokenizer.json`` (``tokenizers``; truncated to the
model's 512 positions, padded to the longest text of each batch), the transformer runs in an
``onnxruntime.InferenceSession``, and the token vectors are mean-pooled over the attention mask
and L2-normalised, as the sentence-transformers folder's Pooling + Normalize modules do. Nothing
here imports torch, so a process serving this embedder never loads it.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from core.errors import EmbedderError

if TYPE_CHECKING:
    from tokenizers import Tokenizer

MAX_TOKENS = 512


class OnnxEmbedder:
    """An exported transformer (``model_file``) plus the tokenizer of its folder."""

    runtime = "onnx"

    def __init__(
        self,
        folder: Path,
        model_file: Path,
        *,
        model_id: str,
        precision: str,
        query_prefix: str = "",
        passage_prefix: str = "",
        batch_size: int = 32,
        threads: int | None = None,
    ) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        try:
            tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        except Exception as exc:  # tokenizers raises plain Exceptions for bad files
            raise EmbedderError(f"cannot read {folder / 'tokenizer.json'}: {exc}") from exc
        pad_id = _pad_id(tokenizer)
        tokenizer.enable_truncation(MAX_TOKENS)
        tokenizer.enable_padding(pad_id=pad_id, pad_token=tokenizer.id_to_token(pad_id) or "<pad>")
        self._tokenizer = tokenizer
        options = ort.SessionOptions()
        if threads:
            options.intra_op_num_threads = threads
            options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        try:
            self._session = ort.InferenceSession(
                str(model_file), sess_options=options, providers=["CPUExecutionProvider"]
            )
        except Exception as exc:  # onnxruntime's errors are not one class
            raise EmbedderError(f"cannot load ONNX model {model_file}: {exc}") from exc
        self._inputs = {i.name for i in self._session.get_inputs()}
        dim = self._session.get_outputs()[0].shape[-1]
        if not isinstance(dim, int):
            raise EmbedderError(f"{model_file}: the output's last axis has no fixed size ({dim!r})")
        self.dim = dim
        self.model_id = model_id
        self.precision = precision
        self.model_file = model_file
        self.query_prefix = query_prefix
        self.passage_prefix = passage_prefix
        self.batch_size = batch_size
        self._lock = threading.Lock()  # the tokenizer's padding state is shared; runs are serialised

    def _batch(self, texts: Sequence[str]) -> np.ndarray:
        encodings = self._tokenizer.encode_batch(list(texts))
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feed = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feed["token_type_ids"] = np.zeros_like(ids)
        hidden = self._session.run(None, feed)[0]
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return np.asarray(pooled / norms, dtype=np.float32)

    def _encode(self, texts: Sequence[str], prefix: str) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        prefixed = [prefix + t for t in texts]
        # Sorting by length keeps padding (wasted work) small inside each batch.
        order = sorted(range(len(prefixed)), key=lambda i: len(prefixed[i]))
        out = np.zeros((len(prefixed), self.dim), dtype=np.float32)
        with self._lock:
            for start in range(0, len(order), self.batch_size):
                rows = order[start : start + self.batch_size]
                out[rows] = self._batch([prefixed[i] for i in rows])
        return np.ascontiguousarray(out)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, self.query_prefix)

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, self.passage_prefix)


def _pad_id(tokenizer: Tokenizer) -> int:
    """The tokenizer's padding id: its configured padding, else a ``<pad>``/``[PAD]`` token, else 0."""
    padding = tokenizer.padding
    if isinstance(padding, dict) and isinstance(padding.get("pad_id"), int):
        return int(padding["pad_id"])
    for token in ("<pad>", "[PAD]"):
        found = tokenizer.token_to_id(token)
        if found is not None:
            return int(found)
    return 0


def find_export(folder: Path, precision: str) -> Path | None:
    """An ONNX export inside a local sentence-transformers folder, for ``precision``, if any.

    fp32 looks for ``onnx/model.onnx`` (sentence-transformers' and optimum's name) or
    ``model.onnx``; int8 for ``onnx/model_int8.onnx`` or one of sentence-transformers'
    ``onnx/model_qint8_*.onnx`` files.
    """
    names = {
        "fp32": ["onnx/model.onnx", "model.onnx"],
        "int8": [
            "onnx/model_int8.onnx",
            "onnx/model_quantized.onnx",
            "onnx/model_qint8_avx512_vnni.onnx",
            "onnx/model_qint8_avx512.onnx",
            "onnx/model_qint8_avx2.onnx",
            "onnx/model_qint8_arm64.onnx",
        ],
    }.get(precision, [])
    for name in names:
        if (folder / name).is_file():
            return folder / name
    return None
