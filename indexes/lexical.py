"""Lexical leg: BM25 (bm25s) over Korean morphemes from kiwipiepy.

Kept: nouns, verb/adjective stems, roots, foreign words, numbers and Chinese characters.
Dropped: particles, endings, suffixes, punctuation, so 환불은 / 환불이 / 환불 all become
``환불``. Latin words are lowercased; common English stopwords are dropped.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
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


class LexicalIndex:
    """A BM25 index over pre-tokenised chunks; rows align with the chunk list."""

    def __init__(self, tokens: list[list[str]], *, k1: float = 1.2, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self.tokens = tokens
        self._bm25 = bm25s.BM25(k1=k1, b=b)
        # bm25s needs at least one token per corpus; empty chunks get a placeholder.
        corpus = [t if t else [""] for t in tokens] or [[""]]
        self._bm25.index(corpus, show_progress=False)
        self.size = len(tokens)

    def knows(self, token: str) -> bool:
        """Whether ``token`` occurs in any chunk (unknown query tokens score nothing)."""
        return bool(token) and token in self._bm25.vocab_dict

    def scores(self, query_tokens: Sequence[str]) -> np.ndarray:
        """BM25 score of every chunk for the query (zeros when no token is known)."""
        ids = self._bm25.get_tokens_ids([t for t in query_tokens if t])
        if not ids or self.size == 0:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._bm25.get_scores_from_ids(ids), dtype=np.float32)[: self.size]

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
