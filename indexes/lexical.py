"""Lexical leg: BM25 (bm25s) over Korean morphemes from kiwipiepy.

Kept: nouns, verb/adjective stems, roots, foreign words, numbers and Chinese characters.
Dropped: particles, endings, suffixes, punctuation, so 환불은 / 환불이 / 환불 all become
``환불``. Latin words are lowercased; common English stopwords are dropped.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import bm25s
import numpy as np
from bm25s.stopwords import STOPWORDS_EN

from korean.colloquial import typo_tokens
from korean.kiwi import KIWI_LOCK, kiwi

log = logging.getLogger(__name__)
logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs every index build at DEBUG

TOKENIZER_ID = "kiwi-morph-v1"
KEEP_TAGS: tuple[str, ...] = ("NNG", "NNP", "NR", "XR", "SL", "SN", "SH", "VV", "VA", "MAG")
_EN_STOP = frozenset(STOPWORDS_EN) | frozenset(
    "i me my mine we our ours you your yours am do does did can could would should how what when why "
    "where which who please hi hello".split()
)
# Adverbs kept only when they carry meaning for support queries (negation, repetition).
_KEEP_ADVERBS = frozenset({"안", "못", "다시", "또", "두", "이중", "아직", "계속", "자꾸"})
# Light verbs and auxiliaries that match nearly every sentence.
_STOP_STEMS = frozenset({"하", "되", "있", "이", "보", "주", "않", "싶", "같", "드리", "받", "나", "가"})


_kiwi = kiwi
_KIWI_LOCK = KIWI_LOCK


def _keep(form: str, tag: str) -> str | None:
    base = tag.split("-", 1)[0]
    if base not in KEEP_TAGS:
        return None
    if base == "MAG":
        return form if form in _KEEP_ADVERBS else None
    if base in ("VV", "VA") and form in _STOP_STEMS:
        return None
    if base == "SL":
        word = form.lower()
        return None if word in _EN_STOP or len(word) < 2 else word
    return form


def _from_tokens(tokens: Sequence[object]) -> list[str]:
    out: list[str] = []
    for tok in tokens:
        kept = _keep(tok.form, tok.tag)  # type: ignore[attr-defined]
        if kept:
            out.append(kept)
    return out


def tokenize(text: str, *, typos: bool = False) -> list[str]:
    """Morpheme tokens of one text (queries); ``typos`` uses Kiwi's typo-tolerant analysis."""
    if not text.strip():
        return []
    if typos:
        return _from_tokens(typo_tokens(text))
    with _KIWI_LOCK:
        return _from_tokens(_kiwi().tokenize(text))


def tokenize_many(texts: Sequence[str]) -> list[list[str]]:
    """Morpheme tokens of many texts (chunks), batched through Kiwi."""
    if not texts:
        return []
    with _KIWI_LOCK:
        return [_from_tokens(toks) for toks in _kiwi().tokenize(list(texts))]


@dataclass(frozen=True)
class Bm25Stats:
    """Corpus statistics BM25 scores with: live documents, their total length, and per-token
    document frequency. A segment scored with another corpus's statistics (main + delta −
    removed) gets exactly the scores a build over that whole corpus would give."""

    n_docs: int
    total_len: int
    df: Callable[[str], int]

    @property
    def avgdl(self) -> float:
        return self.total_len / self.n_docs if self.n_docs else 1.0

    def idf(self, token: str) -> float:
        """Lucene idf (bm25s' default): ln(1 + (N − df + 0.5) / (df + 0.5)); 0 for unseen tokens."""
        df = self.df(token)
        return math.log(1 + (self.n_docs - df + 0.5) / (df + 0.5)) if df > 0 else 0.0


def doc_terms(tokens: Sequence[str]) -> list[str]:
    """A chunk's terms as BM25 counts them: an empty chunk has one placeholder term (as in bm25s)."""
    return list(tokens) if tokens else [""]


class LexicalIndex:
    """BM25 over pre-tokenised chunks; rows align with the chunk list.

    Scores are bm25s' Lucene variant (idf ln(1 + (N − df + 0.5)/(df + 0.5)), tf / (tf + k1 (1 − b +
    b·dl/avgdl)); tests/unit/test_index_delta.py checks equality with bm25s to 1e-5). The postings
    keep term frequencies instead of precomputed scores, so the statistics come in per query:
    the serving index scores this (main) segment with the statistics of main + delta − removed.
    """

    def __init__(self, tokens: list[list[str]], *, k1: float = 1.2, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self.tokens = tokens
        self.size = len(tokens)
        docs = [doc_terms(t) for t in tokens]
        self.vocab: dict[str, int] = {}
        setdefault = self.vocab.setdefault
        flat = [setdefault(tok, len(self.vocab)) for doc in docs for tok in doc]
        lengths = np.fromiter((len(d) for d in docs), dtype=np.int64, count=len(docs))
        self.doc_len = lengths.astype(np.float64)
        self.total_len = int(lengths.sum())
        n = max(1, len(docs))
        keys, tf = np.unique(np.asarray(flat, dtype=np.int64) * n + np.repeat(np.arange(len(docs)), lengths),
                             return_counts=True)  # fmt: skip
        terms = keys // n
        self.indptr = np.searchsorted(terms, np.arange(len(self.vocab) + 1)).astype(np.int64)
        self.rows = (keys % n).astype(np.int32)
        self.tf = tf.astype(np.float32)  # counts: exact in float32; scored in float64
        self._norm: tuple[float, np.ndarray] | None = None

    def doc_freq(self, token: str) -> int:
        tid = self.vocab.get(token)
        return 0 if tid is None else int(self.indptr[tid + 1] - self.indptr[tid])

    def stats(self) -> Bm25Stats:
        return Bm25Stats(self.size, self.total_len, self.doc_freq)

    def knows(self, token: str) -> bool:
        """Whether ``token`` occurs in any chunk (unknown query tokens score nothing)."""
        return bool(token) and token in self.vocab

    def postings(self, token: str) -> tuple[np.ndarray, np.ndarray]:
        """Rows holding ``token`` and its term frequency there."""
        tid = self.vocab.get(token)
        if tid is None:
            return self.rows[:0], self.tf[:0]
        lo, hi = int(self.indptr[tid]), int(self.indptr[tid + 1])
        return self.rows[lo:hi], self.tf[lo:hi]

    def _length_norm(self, avgdl: float) -> np.ndarray:
        cached = self._norm
        if cached is None or cached[0] != avgdl:
            cached = self._norm = (avgdl, self.k1 * ((1 - self.b) + self.b * self.doc_len / avgdl))
        return cached[1]

    def scores(self, query_tokens: Sequence[str], stats: Bm25Stats | None = None) -> np.ndarray:
        """BM25 score of every chunk for the query (zeros when no token is known), with this
        index's own statistics or the given ones (a segment of a larger corpus)."""
        out = np.zeros(self.size, dtype=np.float32)
        stats = stats if stats is not None else self.stats()
        if self.size == 0 or stats.n_docs == 0:
            return out
        norm = self._length_norm(stats.avgdl)
        for token in query_tokens:
            rows, tf = self.postings(token) if token else (self.rows[:0], self.tf[:0])
            if len(rows):
                out[rows] += (stats.idf(token) * (tf / (norm[rows] + tf))).astype(np.float32)
        return out

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        with (folder / "tokens.jsonl").open("w", encoding="utf-8") as fh:
            for toks in self.tokens:
                fh.write(json.dumps(toks, ensure_ascii=False) + "\n")
        (folder / "params.json").write_text(
            json.dumps({"k1": self.k1, "b": self.b, "tokenizer": TOKENIZER_ID, "bm25s": bm25s.__version__}),
            encoding="utf-8",
        )

    @classmethod
    def load(cls, folder: Path) -> LexicalIndex:
        params = json.loads((folder / "params.json").read_text(encoding="utf-8"))
        with (folder / "tokens.jsonl").open(encoding="utf-8") as fh:
            tokens = [json.loads(line) for line in fh]
        return cls(tokens, k1=params["k1"], b=params["b"])
