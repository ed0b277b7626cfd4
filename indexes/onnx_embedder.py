"""An embedder on ONNX Runtime: the sentence-transformers recipe without torch.

Tokenization comes from the folder's ``tokenizer.json`` (``tokenizers``; truncated to the
model's 512 positions, padded to the longest text of each batch), or, as the whole tokenizer, from
the same model written for sentencepiece when the folder has one (the bundled model: the same ids
in a quarter of the memory, :mod:`indexes.spm_tokens`), the transformer runs in an
``onnxruntime.InferenceSession``, and the token vectors are mean-pooled over the attention mask
and L2-normalised, as the sentence-transformers folder's Pooling + Normalize modules do. Nothing
here imports torch, so a process serving this embedder never loads it.

Parsing the bundled model's ``tokenizer.json`` (a 250k-piece Unigram vocabulary) costs ~2 s of CPU
that holds the GIL, more than the rest of a query. Until something needs the whole tokenizer (a
long batch, more than ``QUICK_BATCHES`` batches, or :meth:`OnnxEmbedder.load_tokenizer`, which the
server's warm-up calls), a short batch is tokenised by a Unigram tokenizer cut to the pieces that
occur in its own text (:class:`_UnigramPieces`; the sorted pieces are read from
``tokenizer.json.pieces.npz``, written beside the file on first use): the same ids, masks and
truncation, because a Unigram tokenizer only ever uses pieces that are substrings of the
pre-tokenised words (the lowest score, which prices unknown characters, is kept too). Checked equal
to the whole tokenizer on every question of welfare_qa_ko (9,547) and parakqc (10,000) and the
sample KB's 311 safety questions, with the same vectors; ``tests/unit/test_onnx_quick_tokenizer.py``
keeps odd cases. Measured in a fresh process on 2 busy cores: loading the embedder and embedding
the first query took 1.93-2.16 s CPU, now 0.53-0.55 s.
"""

from __future__ import annotations

import bisect
import json
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from core.errors import EmbedderError
from indexes.query_batch import QueryBatcher
from indexes.spm_tokens import FILE as SPM_FILE
from indexes.spm_tokens import SpmTokens

if TYPE_CHECKING:
    from tokenizers import Tokenizer

MAX_TOKENS = 512
QUICK_CHARS = 2000  # a batch this short (and no whole tokenizer yet) gets a cut-down tokenizer
# ... for this many batches: a process that embeds more (server, eval, benchmark) then parses the
# whole tokenizer once, since each cut one costs ~3 ms against ~0.1 ms of a whole one's encoding
QUICK_BATCHES = 8


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
        query_model_file: Path | None = None,
    ) -> None:
        import onnxruntime as ort

        self._tokenizer_file = folder / "tokenizer.json"
        if not self._tokenizer_file.is_file():
            raise EmbedderError(f"cannot read {self._tokenizer_file}: no such file")
        self._tokenizer: JsonTokens | SpmTokens | None = None  # the whole one, once something needs it
        self._pieces: _UnigramPieces | bool | None = False  # False: not read yet; None: cannot cut
        self._quick_left = QUICK_BATCHES
        options = ort.SessionOptions()
        if threads:
            options.intra_op_num_threads = threads
            options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self._session = _session(ort, model_file, options)
        # inquiries through their own graph when given (``onnx_export.ensure_query_onnx``)
        self._query_session = _session(ort, query_model_file, options) if query_model_file else self._session
        self.query_precision = "int8-mixed" if query_model_file else precision
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
        self._lock = threading.RLock()  # the tokenizer's padding state is shared; runs are serialised
        # one inquiry per call from the serving path: concurrent ones are embedded in one run
        self._queries = QueryBatcher(lambda texts: self._encode(texts, self.query_prefix, self._session))

    def load_tokenizer(self) -> JsonTokens | SpmTokens:
        """The whole tokenizer, loaded now if it was not yet: the folder's sentencepiece model
        when it has one (the bundled model: ~0.7 s, :mod:`indexes.spm_tokens`), else its
        ``tokenizer.json`` (~2 s for the bundled model's)."""
        with self._lock:
            if self._tokenizer is None:
                spm = self._tokenizer_file.with_name(SPM_FILE)
                source = spm if spm.is_file() else self._tokenizer_file
                try:
                    if source == spm:
                        tokens: JsonTokens | SpmTokens = SpmTokens(spm, MAX_TOKENS)
                    else:
                        tokens = JsonTokens.read(source)
                except Exception as exc:  # both libraries raise plain Exceptions for bad files
                    raise EmbedderError(f"cannot read {source}: {exc}") from exc
                self._tokenizer, self._pieces = tokens, None
            return self._tokenizer

    def _encodings(self, texts: list[str]) -> tuple[list[list[int]], list[list[int]]]:
        """Token ids and attention masks of ``texts`` (called under ``self._lock``)."""
        if self._tokenizer is None and self._quick_left > 0 and sum(map(len, texts)) <= QUICK_CHARS:
            if self._pieces is False:
                self._pieces = _UnigramPieces.read(self._tokenizer_file)
            if isinstance(self._pieces, _UnigramPieces):
                self._quick_left -= 1
                tokenizer, ids = self._pieces.tokenizer(texts)
                encodings = tokenizer.encode_batch(texts)
                return [ids[e.ids].tolist() for e in encodings], [e.attention_mask for e in encodings]
        return self.load_tokenizer().encode(texts)

    def _batch(self, texts: Sequence[str], session: Any) -> np.ndarray:
        token_ids, masks = self._encodings(list(texts))
        ids = np.array(token_ids, dtype=np.int64)
        mask = np.array(masks, dtype=np.int64)
        feed = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feed["token_type_ids"] = np.zeros_like(ids)
        hidden = session.run(None, feed)[0]
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return np.asarray(pooled / norms, dtype=np.float32)

    def _encode(
        self, texts: Sequence[str], prefix: str, session: Any, batch_size: int | None = None
    ) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        prefixed = [prefix + t for t in texts]
        # Sorting by length keeps padding (wasted work) small inside each batch.
        order = sorted(range(len(prefixed)), key=lambda i: len(prefixed[i]))
        out = np.zeros((len(prefixed), self.dim), dtype=np.float32)
        size = batch_size or self.batch_size
        with self._lock:
            for start in range(0, len(order), size):
                rows = order[start : start + size]
                out[rows] = self._batch([prefixed[i] for i in rows], session)
        return np.ascontiguousarray(out)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        if self._query_session is self._session:
            if len(texts) == 1:
                return self._queries.one(texts[0])[None, :]
            return self._encode(texts, self.query_prefix, self._session)
        # the int8 graph scales activations per run, over the whole batch and its padding: one
        # inquiry per run, so a text gets the vector it gets alone (as a live inquiry), in any batch
        return self._encode(texts, self.query_prefix, self._query_session, batch_size=1)

    def embed_queries_exact(self, texts: Sequence[str]) -> np.ndarray:
        """Inquiries through the passages' graph (``indexes.embedder.exact_query_vectors``)."""
        return self._encode(texts, self.query_prefix, self._session)

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, self.passage_prefix, self._session)


def _session(ort: Any, model_file: Path, options: Any) -> Any:
    try:
        return ort.InferenceSession(str(model_file), sess_options=options, providers=["CPUExecutionProvider"])
    except Exception as exc:  # onnxruntime's errors are not one class
        raise EmbedderError(f"cannot load ONNX model {model_file}: {exc}") from exc


class JsonTokens:
    """A ``tokenizer.json`` through ``tokenizers``: ids and masks of a batch (truncated, padded)."""

    def __init__(self, tokenizer: Tokenizer) -> None:
        self._tokenizer = tokenizer

    @classmethod
    def read(cls, path: Path) -> JsonTokens:
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_file(str(path))
        _configure(tokenizer, _pad_id(tokenizer))
        return cls(tokenizer)

    def encode(self, texts: Sequence[str]) -> tuple[list[list[int]], list[list[int]]]:
        encodings = self._tokenizer.encode_batch(list(texts))
        return [e.ids for e in encodings], [e.attention_mask for e in encodings]


def _configure(tokenizer: Tokenizer, pad_id: int) -> None:
    tokenizer.enable_truncation(MAX_TOKENS)
    tokenizer.enable_padding(pad_id=pad_id, pad_token=tokenizer.id_to_token(pad_id) or "<pad>")


class _UnigramPieces:
    """A Unigram ``tokenizer.json`` read as data, to build for each short batch a tokenizer that
    holds only the pieces occurring in that batch's pre-tokenised words, plus the unknown, padding
    and special tokens and the lowest-scoring piece (the unknown token's score is that minus 10).
    Its ids map back to the whole vocabulary's. The pieces are kept sorted (looked up by bisection)
    in ``tokenizer.json.pieces.npz`` beside the file, written on first use: reading that is a few
    tens of ms, parsing the JSON ~1.3 s, ``Tokenizer.from_file`` ~2 s (CPU, bundled model)."""

    def __init__(
        self, spec: dict[str, Any], pieces: list[str], order: np.ndarray, scores: np.ndarray, pad_id: int
    ) -> None:
        self._spec, self._pieces, self._order, self._scores = spec, pieces, order, scores
        self._rank = np.empty_like(order)
        self._rank[order] = np.arange(len(order), dtype=order.dtype)
        self._longest = max(map(len, pieces))
        self._unk = int(spec["model"]["unk_id"])
        self._pad = pad_id
        lowest = int(np.argmin(scores))  # the first lowest, as min() over the vocabulary
        self._always = {self._unk, lowest, pad_id} | {i for ids in self._special_ids().values() for i in ids}
        # the text pipeline (normaliser, pre-tokeniser) of the file, on a vocabulary of a few pieces
        self._pipeline = self._build(sorted(self._always))

    @classmethod
    def read(cls, path: Path) -> _UnigramPieces | None:
        """None when the file is not a tokenizer this can cut exactly (another model than
        Unigram, byte fallback, added tokens, a post-processor other than a template, a piece
        given twice or holding a newline)."""
        try:
            stat = path.stat()
            stamp = f"{stat.st_size}:{stat.st_mtime_ns}"
            cache = path.with_name(path.name + ".pieces.npz")
            try:
                with np.load(cache, allow_pickle=False) as saved:
                    if bytes(saved["stamp"]).decode() == stamp:
                        spec = json.loads(bytes(saved["spec"]))
                        pieces = bytes(saved["pieces"]).decode("utf-8").split("\n")
                        return cls._checked(spec, pieces, saved["order"], saved["scores"])
            except (OSError, ValueError, KeyError):
                pass  # no cache yet, or another file's
            spec = json.loads(path.read_bytes())
            vocab = spec["model"].pop("vocab")
            if len({piece for piece, _ in vocab}) != len(vocab) or any("\n" in p for p, _ in vocab):
                return None
            order = np.array(sorted(range(len(vocab)), key=lambda i: vocab[i][0]), dtype=np.int64)
            pieces = [vocab[i][0] for i in order]
            scores = np.array([score for _, score in vocab], dtype=np.float64)
            found = cls._checked(spec, pieces, order, scores)
            if found is not None:
                tmp = cache.with_name(f".{cache.name}.{threading.get_ident()}.partial.npz")
                try:
                    np.savez(
                        tmp,
                        stamp=np.frombuffer(stamp.encode(), dtype=np.uint8),
                        spec=np.frombuffer(json.dumps(spec).encode(), dtype=np.uint8),
                        pieces=np.frombuffer("\n".join(pieces).encode("utf-8"), dtype=np.uint8),
                        order=order,
                        scores=scores,
                    )
                    os.replace(tmp, cache)
                except OSError:  # a read-only model folder: parsed again next time
                    tmp.unlink(missing_ok=True)
            return found
        except Exception:  # anything unexpected: the whole tokenizer will say what is wrong
            return None

    @classmethod
    def _checked(
        cls, spec: dict[str, Any], pieces: list[str], order: np.ndarray, scores: np.ndarray
    ) -> _UnigramPieces | None:
        model = spec["model"]
        post = spec.get("post_processor") or {"type": "TemplateProcessing"}
        if (
            model.get("type") != "Unigram"
            or model.get("byte_fallback")
            or spec.get("added_tokens")
            or not isinstance(model.get("unk_id"), int)
            or post.get("type") != "TemplateProcessing"
            or len(pieces) != len(order)
        ):
            return None
        padding = spec.get("padding")
        if isinstance(padding, dict) and isinstance(padding.get("pad_id"), int):
            pad_id = int(padding["pad_id"])
        else:  # as _pad_id
            found = (_find(pieces, order, token) for token in ("<pad>", "[PAD]"))
            pad_id = next((i for i in found if i is not None), 0)
        return cls(
            spec, pieces, np.asarray(order, dtype=np.int64), np.asarray(scores, dtype=np.float64), pad_id
        )

    def _special_ids(self) -> dict[str, list[int]]:
        post = self._spec.get("post_processor")
        if not isinstance(post, dict):
            return {}
        return {name: list(entry["ids"]) for name, entry in post.get("special_tokens", {}).items()}

    def _build(self, keep: list[int]) -> Tokenizer:
        from tokenizers import Tokenizer

        small = {orig: n for n, orig in enumerate(keep)}
        spec = dict(self._spec)
        model = dict(spec["model"])
        model["vocab"] = [[self._pieces[self._rank[i]], float(self._scores[i])] for i in keep]
        model["unk_id"] = small[self._unk]
        spec["model"] = model
        post = spec.get("post_processor")
        if isinstance(post, dict) and "special_tokens" in post:
            tokens = {
                name: {**entry, "ids": [small[i] for i in entry["ids"]]}
                for name, entry in post["special_tokens"].items()
            }
            spec["post_processor"] = {**post, "special_tokens": tokens}
        tokenizer = Tokenizer.from_str(json.dumps(spec))
        _configure(tokenizer, small[self._pad])
        return tokenizer

    def tokenizer(self, texts: Sequence[str]) -> tuple[Tokenizer, np.ndarray]:
        """A tokenizer for ``texts`` and the whole-vocabulary id of each of its ids."""
        normalizer, pre = self._pipeline.normalizer, self._pipeline.pre_tokenizer
        words: set[str] = set()
        for text in texts:
            norm = normalizer.normalize_str(text) if normalizer is not None else text
            if pre is None:
                words.add(norm)
            else:
                words.update(word for word, _ in pre.pre_tokenize_str(norm))
        keep = set(self._always)
        for word in words:
            for start in range(len(word)):
                for end in range(start + 1, min(len(word), start + self._longest) + 1):
                    found = _find(self._pieces, self._order, word[start:end])
                    if found is not None:
                        keep.add(found)
        order = sorted(keep)
        return self._build(order), np.asarray(order, dtype=np.int64)


def _find(pieces: list[str], order: np.ndarray, piece: str) -> int | None:
    """The vocabulary id of ``piece`` (``pieces`` sorted, ``order`` their ids), or None."""
    at = bisect.bisect_left(pieces, piece)
    return int(order[at]) if at < len(pieces) and pieces[at] == piece else None


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
